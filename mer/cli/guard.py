"""The command-line tools' output folder and their answers to bad input and faults.

- `claim(folder)`: the folder is a writable directory and this process is its only run (an
  `fcntl` lock on `<folder>/.mer.lock`, held until the process ends); leftovers of killed runs
  (`.<name>.h5.<pid>.<random>.tmp`) are removed.
- `RunFolderCallback`: Hydra calls it before it creates the folder, configures its log file or
  writes anything, so a file, a read-only folder or a folder in use is refused before Hydra
  touches it (configs/*.yaml: hydra.callbacks).
- `record_hydra(folder)`: `.hydra/{config,hydra,overrides}.yaml` written after the outputs (the
  configs set hydra.output_subdir to null), so a run that fails or is killed leaves the record
  of the outputs already in the folder as it was.
- `answers(prog)`: one line on stderr and an exit status instead of a traceback: 2 for input
  refused before any work, 3 for a run that could not finish (solver, full disk), 130 when
  interrupted (SIGINT, SIGTERM).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pathlib
import signal
import sys

from hydra.experimental.callback import Callback
from omegaconf import OmegaConf

from mer.config.validate import ConfigError

LOCK_NAME = ".mer.lock"
_held: dict[pathlib.Path, int] = {}  # folder -> descriptor of its lock, kept open until exit


class RunFolderError(ConfigError):
    """The output folder is a file, cannot be written, lacks space or is in use by another run."""


def folder_problem(folder, field: str = "hydra.run.dir") -> str | None:
    """Why `folder` cannot take a run's outputs, checked without creating anything (or None)."""
    folder = pathlib.Path(folder)
    if folder.exists() and not folder.is_dir():
        return f"{field}: {folder} is a file; expected a folder for the run's outputs"
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{field}: cannot create {folder}: {existing} is a file"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{field}: cannot write to {existing} (read-only or no permission); choose another folder"
    return None


def _open_lock(path: pathlib.Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)


def claim(folder, field: str = "hydra.run.dir") -> pathlib.Path:
    """Make `folder` this process's run folder (see the module docstring); raises RunFolderError."""
    folder = pathlib.Path(folder).absolute()
    if folder in _held:
        return folder
    problem = folder_problem(folder, field)
    if problem:
        raise RunFolderError(problem)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = _open_lock(folder / LOCK_NAME)
    except OSError as err:
        raise RunFolderError(
            f"{field}: cannot write to {folder} ({err.strerror or err}); choose another folder"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise RunFolderError(f"{field}: cannot lock {folder / LOCK_NAME} ({err.strerror})") from None
        raise RunFolderError(
            f"{field}: {folder} is in use by another run (process {owner}); wait for it to finish or "
            "choose another folder"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    _held[folder] = fd
    for leftover in folder.glob(".*.tmp"):  # of killed runs: no other run writes here while we hold the lock
        leftover.unlink(missing_ok=True)
    return folder


def release(folder) -> None:
    """Give up a claim (tests; a command's claim ends with its process)."""
    fd = _held.pop(pathlib.Path(folder).absolute(), None)
    if fd is not None:
        os.close(fd)


def _refuse(prog: str, message: str) -> None:
    print(f"{prog}: {message}", file=sys.stderr)
    sys.exit(2)


class RunFolderCallback(Callback):
    """Checks and claims the run folder before Hydra writes into it."""

    def __init__(self, prog: str = "mer") -> None:
        self.prog = prog

    def on_run_start(self, config, **kwargs) -> None:
        raw = OmegaConf.to_container(config.hydra.run, resolve=False)["dir"]
        try:
            folder = OmegaConf.select(config, "hydra.run.dir")
        except Exception:  # an interpolation only Hydra's job can resolve: main checks the folder
            return
        if "${" in str(raw):
            # a time-stamped default is resolved again by Hydra, perhaps a second later: check it,
            # but let main claim the folder Hydra actually uses
            problem = folder_problem(folder)
            if problem:
                _refuse(self.prog, problem)
            return
        try:
            claim(folder)
        except RunFolderError as err:
            _refuse(self.prog, str(err))

    def on_multirun_start(self, config, **kwargs) -> None:
        try:
            folder = OmegaConf.select(config, "hydra.sweep.dir")
        except Exception:
            return
        problem = folder_problem(folder, "hydra.sweep.dir")
        if problem:
            _refuse(self.prog, problem)


def write_text(path: pathlib.Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def hydra_command(cfg, run) -> None:
    """The body of a command's Hydra `main`: compilation cache and verbosity first, then
    `run(config, output folder, overrides)`, then Hydra's record of the run.

    **Arguments:**
    - `cfg`: the DictConfig Hydra hands to `main`.
    - `run`: the command without Hydra (e.g. `mer.cli.simulate.run`)."""
    from mer.progress import set_quiet
    from mer.runtime import configure

    configure()  # persistent compilation cache (mer/runtime.py)
    set_quiet(cfg.get("quiet", False))
    from hydra.core.hydra_config import HydraConfig

    hc = HydraConfig.get()
    run(OmegaConf.to_container(cfg, resolve=True), pathlib.Path(hc.runtime.output_dir), list(hc.overrides.task))
    record_hydra(hc.runtime.output_dir, cfg)


def record_hydra(folder, task_config, subdir: str = ".hydra") -> None:
    """Hydra's record of the run (config, hydra, overrides), written once the outputs are in place."""
    from hydra.core.hydra_config import HydraConfig

    hc = HydraConfig.get()
    out = pathlib.Path(folder) / subdir
    out.mkdir(exist_ok=True)
    write_text(out / "config.yaml", OmegaConf.to_yaml(task_config))
    write_text(out / "hydra.yaml", OmegaConf.to_yaml(OmegaConf.create({"hydra": hc})))
    write_text(out / "overrides.yaml", OmegaConf.to_yaml(hc.overrides.task))


def _interrupt(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _error_kinds():
    from mer.archive.read import ArchiveError
    from mer.archive.write import WHY, ArchiveWriteError
    from mer.fit.checkpoint import CheckpointError
    from mer.fit.data import DataError
    from mer.simulate import SolverError

    return (ConfigError, DataError, CheckpointError, ArchiveError), (SolverError, ArchiveWriteError), WHY


@contextlib.contextmanager
def answers(prog: str, invalid: str = ""):
    """Run a command's body; user errors and faults end in one line and an exit status."""
    invalid_input, failed, why = _error_kinds()
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)  # so temporary files are removed
    except ValueError:  # not the main thread
        previous = None
    try:
        yield
    except invalid_input as err:
        print(f"{prog}: {invalid}{err}", file=sys.stderr)
        sys.exit(2)
    except failed as err:
        print(f"{prog}: {err}", file=sys.stderr)
        sys.exit(3)
    except OSError as err:
        if err.errno not in why:
            raise
        print(f"{prog}: {err.filename or ''}: could not write: {why[err.errno]}", file=sys.stderr)
        sys.exit(3)
    except KeyboardInterrupt as err:
        name = f" ({err})" if str(err) else ""
        print(
            f"{prog}: interrupted{name}; no file was left half-written and earlier outputs in the folder are untouched",
            file=sys.stderr,
        )
        sys.exit(130)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
