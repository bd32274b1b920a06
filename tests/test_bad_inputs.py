"""The bad-input matrix (docs/bad_inputs.md): configurations, output folders, session files,
archives, checkpoints and faults. Every case asserts the exit status or exception, that the
message names the field or file, and that no traceback is printed; faults also assert that no
temporary file is left and that an older archive is untouched.

Fast by design: everything is refused before a solve, except one real solver failure on a
9-agent breast; the command-line paths run in-process (the `run` function behind each Hydra
`main`, or the Hydra `main` itself), one in a subprocess.
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys

import h5py
import numpy as np
import pytest
from pictures import assert_picture

import mer.archive.write as write
import mer.cli.guard as guard
from mer.archive import load
from mer.archive.read import ArchiveError
from mer.archive.write import ArchiveWriteError, dataset, root_attrs, write_atomically
from mer.cli import fit as fit_cli
from mer.cli import report as report_cli
from mer.cli import simulate as simulate_cli
from mer.config.compose import compose_config
from mer.config.validate import ConfigError, validate
from mer.fit.checkpoint import CheckpointError, check_checkpoint
from mer.fit.data import DataError, load_sessions

TINY = ["anatomy.n_alveoli=60", "anatomy.generations=2", "duration_s=120", "plot=false"]


@pytest.fixture(autouse=True)
def _release_run_folders():
    yield
    for folder in list(guard._held):
        guard.release(folder)


def exit_of(call, capsys):
    """(exit status, stderr) of a command body that must end with sys.exit."""
    with pytest.raises(SystemExit) as ended:
        call()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err  # one line
    return ended.value.code, err


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------------------------
# configurations: refused by validate (and by mer-simulate with exit 2) before anything is built
# --------------------------------------------------------------------------------------------
CONFIGS = [
    # (overrides, field the message starts with, expected fragment)
    (["anatomy.n_alveoli=0"], "anatomy.n_alveoli", "expected a value in [1"),
    (["anatomy.n_alveoli=-5"], "anatomy.n_alveoli", "expected a value in [1"),
    (["anatomy.n_alveoli=1e9"], "anatomy.n_alveoli", "expected an integer"),
    (["anatomy.n_alveoli=nan"], "anatomy.n_alveoli", "expected an integer"),
    (["anatomy.n_alveoli=abc"], "anatomy.n_alveoli", "expected a number"),
    (["anatomy.n_alveoli=1000000000"], "anatomy.n_alveoli", "of memory and this machine has"),
    (["anatomy.n_alveoli=10"], "anatomy.n_alveoli", "at least one agent per lobule"),
    (["anatomy.generations=20"], "anatomy.n_alveoli", "at least one agent per lobule"),
    (["anatomy.generations=21"], "anatomy.generations", "expected a value in [1, 20]"),
    (["duration_s=0"], "duration_s", "expected a value in (0.0"),
    (["duration_s=-1"], "duration_s", "expected a value in (0.0"),
    (["duration_s=nan"], "duration_s", "expected a finite number"),
    (["duration_s=inf"], "duration_s", "expected a finite number"),
    (["duration_s=fifteen"], "duration_s", "expected a number"),
    (["duration_s=1e9"], "duration_s", "Kent et al. 2008"),
    (["duration_s=86400", "solver.save_dt_s=0.001"], "solver.save_dt_s", "of memory"),
    (["solver.save_dt_s=10000"], "solver.save_dt_s", "expected at most 5 s"),
    (["solver.save_dt_s=6"], "solver.save_dt_s", "ejections shorter than 10 s"),
    (["duration_s=20", "solver.save_dt_s=4"], "solver.save_dt_s", "expected at most 2 s"),
    (["solver.agent_save_dt_s=1e6"], "solver.agent_save_dt_s", "at most duration_s"),
    (["solver.tree_save_dt_s=2000"], "solver.tree_save_dt_s", "at most duration_s"),
    (["solver.rtol=0"], "solver.rtol", "expected a value in [1e-12, 0.1]"),
    (["solver.rtol=-1"], "solver.rtol", "expected a value in [1e-12, 0.1]"),
    (["solver.rtol=10", "solver.atol=10"], "solver.rtol", "the curves are not solved"),
    (["solver.rtol=1e-14", "solver.atol=1e-16", "solver.max_steps=50"], "solver.rtol", "float64 rounding"),
    (["solver.atol=10"], "solver.atol", "expected a value in [1e-14, 0.01]"),
    (["solver.rtol=tight"], "solver.rtol", "expected a number"),
    (["solver.max_steps=0"], "solver.max_steps", "expected a value in [1"),
    (["seed=-1"], "seed", "expected a value in [0, 2147483647]"),
    (["seed=1.5"], "seed", "expected an integer"),
    (["seed=abc"], "seed", "expected a number"),
    (["seed=99999999999999999999"], "seed", "32-bit seed"),
    (["seed=2147483648"], "seed", "32-bit seed"),
    (["breasts=0"], "breasts", "expected a value in [1, 2]"),
    (["breasts=3"], "breasts", "expected a value in [1, 2]"),
    (["plot=maybe"], "plot", "expected true or false"),
    (["params.alveoli.capacity_mL=1e12"], "params.alveoli.capacity_mL", "Kent et al. 1999"),
    (["params.alveoli.capacity_mL=2500"], "params.alveoli.capacity_mL", "above 2000 mL is no breast"),
    (["params.alveoli.capacity_mL=-1"], "params.alveoli.capacity_mL", "expected a value in (0.0, 2000.0]"),
    (["anatomy=generated", "anatomy.capacity_max_mL=6060"], "anatomy.capacity_max_mL", "Kent et al. 1999"),
    (["params.milk.density_g_per_mL=1030"], "params.milk.density_g_per_mL", "milk is ~1.03 g/mL"),
    (["params.alveoli.max_tension_mmHg=4900"], "params.alveoli.max_tension_mmHg", "20-49 mmHg"),
    (["params.alveoli.secretion_max_mL_per_h=19000"], "params.alveoli.secretion_max_mL_per_h", "Kent et al. 1999"),
    (["params.ducts.milk_viscosity_mPa_s=1500"], "params.ducts.milk_viscosity_mPa_s", "Alatalo"),
    (["params.alveoli.ec50_pM=nan"], "params.alveoli.ec50_pM", "expected a finite number"),
    (["params.pituitary.store_mU=-1"], "params.pituitary.store_mU", "expected a value in (0.0"),
    (["stimulus.expression_vacuum_mmHg=100"], "stimulus.expression_vacuum_mmHg", "expected a value in [-400.0, 0.0]"),
    (["stimulus.resolution=fine"], "stimulus.resolution", "expected 'averaged' or 'resolved'"),
    (["neuro.mode=pulses"], "neuro.mode", "select the config group instead"),
    (["neuro=pulses", "neuro.amounts_mU=[40.0]"], "neuro.onsets_s/amounts_mU/widths_s", "equal length"),
    (["intervention=alcohol", "intervention.alcohol.g_per_kg=-1"], "intervention.alcohol.g_per_kg", "[0.0"),
    (["intervention=alcohol", "intervention.alcohol.g_per_kg=50"], "intervention.alcohol.g_per_kg", "lethal"),
]


@pytest.mark.parametrize(
    "overrides, field, fragment", CONFIGS, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_bad_configuration_is_refused_by_name(overrides, field, fragment):
    with pytest.raises(ConfigError) as err:
        validate(compose_config(overrides))
    assert str(err.value).startswith(field), str(err.value)
    assert fragment in str(err.value)


REPEATED = [
    ["intervention=[stress,stress]"],
    ["intervention=[warmth,stress,warmth]"],
    ["intervention=[ stress , 'stress' ]"],
]


@pytest.mark.parametrize("overrides", REPEATED, ids=lambda v: v[0])
def test_an_intervention_listed_twice_is_refused(overrides):
    with pytest.raises(ConfigError, match=r"^intervention: '(stress|warmth)' is listed twice"):
        compose_config(overrides)


def test_two_different_interventions_compose():  # the check must not refuse a legitimate list
    assert list(compose_config(["intervention=[stress,warmth]"])["intervention"]) == ["stress", "warmth"]


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        (["anatomy.n_alveoli=-3"], "invalid configuration: anatomy.n_alveoli"),
        (["seed=99999999999999999999"], "invalid configuration: seed"),
        (["solver.save_dt_s=10000"], "invalid configuration: solver.save_dt_s"),
        (["anatomy.n_alveoli=1000000000"], "invalid configuration: anatomy.n_alveoli"),
        (["intervention=[stress,stress]"], "invalid configuration: intervention"),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else "",
)
def test_mer_simulate_exits_2_before_any_work(tmp_path, capsys, overrides, fragment):
    config = compose_config([o for o in overrides if "[" not in o])
    code, err = exit_of(lambda: simulate_cli.run(config, tmp_path / "run", overrides), capsys)
    assert code == 2
    assert fragment in err
    assert not (tmp_path / "run").exists()  # refused before the folder was even claimed


# --------------------------------------------------------------------------------------------
# output folders: a file, a read-only folder, no space, a folder in use
# --------------------------------------------------------------------------------------------
FOLDER_REFUSED = "mer-simulate: invalid configuration: hydra.run.dir: "


def folder_answer(out_dir, capsys):
    """(exit status, stderr) of a tiny mer-simulate into `out_dir`."""
    return exit_of(lambda: simulate_cli.run(compose_config(TINY), out_dir, []), capsys)


def test_run_folder_that_is_a_file(tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    code, err = folder_answer(tmp_path / "taken", capsys)
    assert code == 2
    assert err.startswith(FOLDER_REFUSED) and "is a file; expected a folder" in err


def test_run_folder_below_a_file(tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    code, err = folder_answer(tmp_path / "taken" / "run", capsys)
    assert code == 2
    assert err.startswith(FOLDER_REFUSED) and "is a file" in err


def test_read_only_run_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(guard.os, "access", lambda path, mode: False)  # as a read-only mount answers
    code, err = folder_answer(tmp_path / "run", capsys)
    assert code == 2
    assert err.startswith(FOLDER_REFUSED) and "read-only or no permission" in err


def test_run_folder_on_a_read_only_file_system(tmp_path, capsys, monkeypatch):
    def erofs(path):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(guard, "_open_lock", erofs)
    code, err = folder_answer(tmp_path / "run", capsys)
    assert code == 2
    assert err.startswith(FOLDER_REFUSED) and "Read-only file system" in err


def test_run_folder_without_space_for_the_archive(tmp_path, capsys, monkeypatch):
    import collections

    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr("mer.config.resources.shutil.disk_usage", lambda p: usage(10**6, 10**6 - 200_000, 200_000))
    code, err = folder_answer(tmp_path / "run", capsys)
    assert code == 2
    assert err.startswith(FOLDER_REFUSED) and "free; the archive and figures need about" in err
    assert "anatomy.n_alveoli" in err
    assert not (tmp_path / "run" / "run.h5").exists()


def test_run_folder_in_use_by_another_run(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    with open(out / guard.LOCK_NAME, "w") as other:  # another process's lock (flock is per open file)
        other.write("4242\n")
        other.flush()
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, err = folder_answer(out, capsys)
        assert code == 2
        assert err.startswith(FOLDER_REFUSED) and "is in use by another run (process 4242)" in err
    assert "choose another folder" in err


def test_leftovers_of_killed_runs_are_removed_when_a_run_claims_the_folder(tmp_path):
    (tmp_path / ".run.h5.999.0badc0de.tmp").write_bytes(b"half an archive")
    (tmp_path / ".flow.png.999.tmp").write_bytes(b"half a picture")
    (tmp_path / "run.h5").write_bytes(b"kept")
    guard.claim(tmp_path)
    assert leftovers(tmp_path) == []
    assert (tmp_path / "run.h5").read_bytes() == b"kept"


@pytest.fixture
def hydra_in_process(monkeypatch):
    """Hydra's logging set-up would close pytest's capturing handlers: keep them."""
    import hydra._internal.hydra
    import hydra.core.utils

    for module in (hydra._internal.hydra, hydra.core.utils):
        monkeypatch.setattr(module, "configure_log", lambda *args, **kwargs: None)


def test_the_hydra_callback_refuses_a_file_before_hydra_writes(tmp_path, capsys, monkeypatch, hydra_in_process):
    target = tmp_path / "taken"
    target.write_text("x")
    monkeypatch.setattr(sys, "argv", ["mer-simulate", f"hydra.run.dir={target}", *TINY])
    code, err = exit_of(simulate_cli.main, capsys)
    assert code == 2
    assert f"mer-simulate: hydra.run.dir: {target} is a file" in err
    assert target.read_text() == "x"


def test_the_hydra_callback_refuses_a_folder_in_use_before_hydra_rewrites_its_record(
    tmp_path, capsys, monkeypatch, hydra_in_process
):
    (tmp_path / ".hydra").mkdir()
    (tmp_path / ".hydra" / "overrides.yaml").write_text("- the run whose archive is here\n")
    with open(tmp_path / guard.LOCK_NAME, "w") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        monkeypatch.setattr(sys, "argv", ["mer-simulate", f"hydra.run.dir={tmp_path}", *TINY])
        code, err = exit_of(simulate_cli.main, capsys)
    assert code == 2
    assert "is in use by another run" in err
    assert (tmp_path / ".hydra" / "overrides.yaml").read_text() == "- the run whose archive is here\n"
    assert not (tmp_path / "simulate.log").exists()


def test_the_command_line_answers_without_a_traceback(tmp_path):
    """The real console path, once: Hydra, the callback and the exit status in a fresh process."""
    (tmp_path / "taken").write_text("x")
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.simulate", f"hydra.run.dir={tmp_path / 'taken'}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "hydra.run.dir" in proc.stderr and "is a file" in proc.stderr


# --------------------------------------------------------------------------------------------
# solver failures: one line naming the setting to change, nothing written
# --------------------------------------------------------------------------------------------
def fake_solver(outcome):
    import equinox as eqx

    def solver_for(setup, progress=False):
        ts = np.arange(0.0, 121.0)

        def run(*args):
            if outcome == "max_steps":
                raise eqx.EquinoxRuntimeError(
                    "Above is the stack outside of JIT.\nequinox.EquinoxRuntimeError: The maximum number of "
                    "solver steps was reached. Try increasing `max_steps`.\n---\nAn error occurred"
                )
            if outcome == "other":
                raise eqx.EquinoxRuntimeError("equinox.EquinoxRuntimeError: The step size became too small.")
            flow = np.zeros_like(ts)
            flow[50:] = np.nan if outcome == "nan" else np.inf  # diffrax fills unreached save times with inf
            steps = 200000 if outcome == "stopped" else 100  # accepted + rejected: the budget used up
            return {"flow": flow}, {}, {}, steps // 2, steps // 2

        return run, ts, ts, ts

    return solver_for


@pytest.mark.parametrize(
    "outcome, fragment",
    [
        ("max_steps", "solver.max_steps: the solve used all 200000 steps before the end of the session"),
        ("other", "solver: the solve failed before the end of the session (The step size became too small.)"),
        ("nan", "solver: flow is not a number from t = 50 s on"),
        ("stopped", "solver.max_steps: the solve used all 200000 steps before the end of the session (duration_s=120"),
    ],
)
def test_solver_failure_is_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, outcome, fragment):
    monkeypatch.setattr("mer.simulate.solver_for", fake_solver(outcome))
    code, err = exit_of(lambda: simulate_cli.run(compose_config(TINY), tmp_path, []), capsys)
    assert code == 3
    assert fragment in err
    assert "solver.rtol" in err or "solver.max_steps" in err
    if outcome == "stopped":  # a solve that does not throw tells how far it got
        assert err.rstrip().endswith("(it stopped at t = 49 s)")
    assert not (tmp_path / "run.h5").exists() and leftovers(tmp_path) == []


def test_a_real_max_steps_failure(tmp_path, capsys):
    """The one solve in this file: diffrax's own error on a 9-agent breast, as one line."""
    tiny = ["anatomy.n_alveoli=9", "anatomy.generations=1", "neuro=pulses", "duration_s=120", "plot=false"]
    config = compose_config([*tiny, "solver.max_steps=10"])
    code, err = exit_of(lambda: simulate_cli.run(config, tmp_path, []), capsys)
    assert code == 3
    assert "solver.max_steps: the solve used all 10 steps" in err and "duration_s=120 s" in err
    assert not (tmp_path / "run.h5").exists()


# --------------------------------------------------------------------------------------------
# writing: full disk, read-only file system, no permission, signals; the old archive survives
# --------------------------------------------------------------------------------------------
def small_fill(f):
    root_attrs(f, "simulation", compose_config(TINY))
    dataset(f.create_group("timeseries"), "flow", np.linspace(0.0, 1.0, 1000), "g/s")


def failing_write(code, after_bytes=4096):
    def write_part_then_fail(fd, data):
        os.write(fd, data[:after_bytes])  # a partial temporary file, as a disk that fills up leaves
        raise OSError(code, os.strerror(code))

    return write_part_then_fail


@pytest.mark.parametrize(
    "code, fragment",
    [
        (errno.ENOSPC, "no space left on the device"),
        (errno.EDQUOT, "disk quota exceeded"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "no permission to write there"),
        (errno.EIO, "Input/output error"),
    ],
    ids=errno.errorcode.get,
)
def test_a_failed_write_leaves_the_old_archive_and_no_temporary_file(tmp_path, monkeypatch, code, fragment):
    old = write_atomically(tmp_path / "run.h5", small_fill).read_bytes()
    monkeypatch.setattr(write, "_write_file", failing_write(code))
    with pytest.raises(ArchiveWriteError) as err:
        write_atomically(tmp_path / "run.h5", small_fill)
    assert str(err.value).startswith(f"{tmp_path / 'run.h5'}: could not write the archive: {fragment}")
    assert "the archive already there is untouched" in str(err.value)
    assert err.value.errno == code
    assert (tmp_path / "run.h5").read_bytes() == old
    assert leftovers(tmp_path) == []


def test_disk_full_through_mer_simulate_exits_3_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("mer.simulate.simulate", lambda config: "a result")
    monkeypatch.setattr("mer.archive.save_simulation", lambda path, result: write_atomically(path, small_fill))
    monkeypatch.setattr(write, "_write_file", failing_write(errno.ENOSPC))
    code, err = exit_of(lambda: simulate_cli.run(compose_config(TINY), tmp_path, []), capsys)
    assert code == 3
    assert f"mer-simulate: {tmp_path / 'run.h5'}: could not write the archive: no space left" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [guard.LOCK_NAME]


def test_sigterm_while_writing_removes_the_temporary_file(tmp_path, capsys, monkeypatch):
    old = write_atomically(tmp_path / "run.h5", small_fill).read_bytes()

    def killed_midway(fd, data):
        os.write(fd, data[:100])
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises as soon as Python runs again
        os.write(fd, data[100:])

    monkeypatch.setattr(write, "_write_file", killed_midway)

    def body():
        with guard.answers("mer-simulate"):
            write_atomically(tmp_path / "run.h5", small_fill)

    code, err = exit_of(body, capsys)
    assert code == 130
    assert "mer-simulate: interrupted (SIGTERM)" in err
    assert (tmp_path / "run.h5").read_bytes() == old
    assert leftovers(tmp_path) == []


def test_ctrl_c_while_building_the_archive_writes_nothing(tmp_path, capsys):
    def interrupted(f):
        small_fill(f)
        raise KeyboardInterrupt

    def body():
        with guard.answers("mer-fit"):
            write_atomically(tmp_path / "fit.h5", interrupted)

    code, err = exit_of(body, capsys)
    assert code == 130 and "mer-fit: interrupted" in err
    assert list(tmp_path.iterdir()) == []


def test_a_figure_that_cannot_be_written_leaves_the_old_one(tmp_path, capsys, monkeypatch):
    import matplotlib.figure

    from mer.outputs.figure import plt, save_figure

    (tmp_path / "flow.png").write_bytes(b"the old picture")

    def full(self, path, **kwargs):
        open(path, "wb").write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full)

    def body():
        with guard.answers("mer-simulate"):
            save_figure(plt.figure(), tmp_path / "flow.png")

    code, err = exit_of(body, capsys)
    assert code == 3 and "could not write: no space left on the device" in err
    assert (tmp_path / "flow.png").read_bytes() == b"the old picture"
    assert leftovers(tmp_path) == []


def test_archives_are_readable_by_the_group():  # the probe found mode 0600
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = write_atomically(os.path.join(folder, "run.h5"), small_fill)
        umask = os.umask(0)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


# --------------------------------------------------------------------------------------------
# session files (mer-fit data.path): refused with the file, the column and the reason
# --------------------------------------------------------------------------------------------
T = np.arange(0.0, 901.0)
FLOW = sum(0.45 * np.exp(-(((T - c) / 25.0) ** 2)) for c in (90.0, 300.0, 520.0, 740.0))
CUM = np.concatenate([[0.0], np.cumsum(0.5 * (FLOW[1:] + FLOW[:-1]))])


def csv_file(tmp_path, header, *columns, name="s.csv", sep=",", prefix=""):
    rows = "\n".join(sep.join(f"{v:.6g}" for v in row) for row in zip(*columns))
    path = tmp_path / name
    path.write_text(prefix + header.replace(",", sep) + "\n" + rows + "\n")
    return path


def written(path, data):
    path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data)
    return path


def h5_file(tmp_path, columns, units=None, name="s.h5"):
    path = tmp_path / name
    with h5py.File(path, "w") as f:
        for key, values in columns.items():
            f[key] = values
            unit = (units if units is not None else {"time_s": "s", "flow_g_per_s": "g/s", "cumulative_g": "g"}).get(
                key
            )
            if unit is not None:
                f[key].attrs["unit"] = unit
    return path


SESSIONS = {
    "flow-only in g/min": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T, 60 * FLOW),
        "gives a flow of 27 g/s",
        "Is flow in g/min",
    ),
    "flow and cumulative, flow in g/min": (
        lambda d: csv_file(d, "time_s,flow_g_per_s,cumulative_g", T, 60 * FLOW, CUM),
        "ratio 60",
        "is flow in another unit",
    ),
    "time in minutes, flow only": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T / 60, FLOW),
        "time_s spans 15 s",
        "Is time in minutes?",
    ),
    "time in minutes, flow and cumulative": (
        lambda d: csv_file(d, "time_s,flow_g_per_s,cumulative_g", T / 60, FLOW, CUM),
        "time_s spans 15 s",
        "Is time in minutes?",
    ),
    "all-zero flow": (lambda d: csv_file(d, "time_s,flow_g_per_s", T, 0 * FLOW), "no milk removed", "flow_g_per_s"),
    "all-zero cumulative": (
        lambda d: csv_file(d, "time_s,cumulative_g", T, 0 * CUM),
        "no milk removed",
        "cumulative_g",
    ),
    "one flow value of 1e300": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T, np.where(T == 400, 1e300, FLOW)),
        "a flow of 1e+300 g/s at 400 s",
        "Ramsay 2006",
    ),
    "one flow spike of 20 g/s": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T, np.where(T == 400, 20.0, FLOW)),
        "a flow of 20 g/s at 400 s",
        "expected at most 5 g/s",
    ),
    "cumulative of 5 kg": (
        lambda d: csv_file(d, "time_s,cumulative_g", T, CUM * 50),
        "a yield of",
        "Kent et al. 1999",
    ),
    "9 s of data": (lambda d: csv_file(d, "time_s,flow_g_per_s", T[:10], FLOW[:10] + 0.1), "spans 9 s", "120 s"),
    "two rows": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", [0.0, 900.0], [0.0, 0.3]),
        "median step of 900 s",
        "30 s",
    ),
    "time in minutes at 1-min steps": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T[::60] / 60, FLOW[::60] + 0.05),
        "time_s spans 15 s",
        "Is time in minutes?",
    ),
    "one sample a minute": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T[::60], FLOW[::60] + 0.05),
        "median step of 60 s",
        "would be missed",
    ),
    "ten hours": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", np.arange(0.0, 36001.0, 5.0), np.full(7201, 0.01)),
        "time_s spans 10 h",
        "session_id",
    ),
    "semicolons": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T, FLOW, sep=";"),
        "separated by semicolons (';')",
        "comma-separated",
    ),
    "semicolons and decimal commas": (
        lambda d: written(d / "s.csv", "time_s;flow_g_per_s\n0;0,1\n1;0,2\n"),
        "separated by semicolons",
        "decimal mark",
    ),
    "tabs": (lambda d: csv_file(d, "time_s,flow_g_per_s", T, FLOW, sep="\t"), "separated by tabs", "commas"),
    "UTF-16 text": (
        lambda d: written(d / "s.csv", "time_s,flow_g_per_s\n0,0\n".encode("utf-16")),
        "UTF-16",
        "save it as UTF-8",
    ),
    "random bytes": (
        lambda d: written(d / "s.csv", np.random.default_rng(0).bytes(2048)),
        "binary",
        "not a CSV text file",
    ),
    "Latin-1 text": (
        lambda d: written(d / "s.csv", "time_s,flow_g_per_s # débit\n0,0\n".encode("latin-1")),
        "not UTF-8 text (byte 0xe9",
        "UTF-8",
    ),
    "HDF5 named .csv": (
        lambda d: h5_file(d, {"time_s": T, "flow_g_per_s": FLOW}).rename(d / "s.csv") or d / "s.csv",
        "is HDF5, not CSV",
        ".h5",
    ),
    "HDF5 without unit attributes": (
        lambda d: h5_file(d, {"time_s": T, "flow_g_per_s": FLOW}, units={}),
        ":/flow_g_per_s: no 'unit' attribute",
        "expected unit='g/s' (units are not guessed)",
    ),
    "HDF5 time without unit": (
        lambda d: h5_file(d, {"time_s": T, "flow_g_per_s": FLOW}, units={"flow_g_per_s": "g/s"}),
        ":/time_s: no 'unit' attribute",
        "expected unit='s'",
    ),
    "HDF5 time in minutes labelled s": (
        lambda d: h5_file(d, {"time_s": T / 60, "flow_g_per_s": FLOW}),
        "time_s spans 15 s",
        "Is time in minutes?",
    ),
    "HDF5 time unit min": (
        lambda d: h5_file(d, {"time_s": T / 60, "flow_g_per_s": FLOW}, units={"time_s": "min", "flow_g_per_s": "g/s"}),
        "/time_s: unit mismatch",
        "'min'",
    ),
    "HDF5 2-D datasets": (
        lambda d: h5_file(d, {"time_s": np.stack([T, T], 1), "flow_g_per_s": np.stack([FLOW, FLOW], 1)}),
        "expected a 1-D dataset",
        "(901, 2)",
    ),
    "HDF5 truncated": (
        lambda d: written(d / "t.h5", h5_file(d, {"time_s": T, "flow_g_per_s": FLOW}).read_bytes()[:3000]),
        "not a readable HDF5 file",
        "t.h5",
    ),
    "HDF5 in g/min": (
        lambda d: h5_file(d, {"time_s": T, "flow_g_per_s": 60 * FLOW}),
        "gives a flow of 27 g/s",
        "g/min",
    ),
    "flow far below zero (a reversed sign)": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T, np.where(T == 10, -6.0, FLOW)),
        "flow_g_per_s is -6 g/s at 10 s",
        "sign reversed",
    ),
    "flow negative throughout": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T, -FLOW),
        "no milk removed",
        "g over the session",
    ),
    "NaN flow": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", T, np.where(T == 10, np.nan, FLOW)),
        "'flow_g_per_s' has NaN",
        "sample 10",
    ),
    "time going back": (
        lambda d: csv_file(d, "time_s,flow_g_per_s", np.where(T == 10, 5.0, T), FLOW),
        "time_s is not increasing",
        "9 s is followed by 5 s",
    ),
    "falling cumulative (a re-tared balance)": (
        lambda d: csv_file(d, "time_s,cumulative_g", T, np.where(T == 500, 0.0, CUM)),
        "cumulative_g decreases",
        "at 500 s",
        "re-tared",
    ),
    "flow in mL/min column": (lambda d: csv_file(d, "time_s,flow_mL_per_min", T, FLOW), "unit mismatch", "(g/s)"),
}


@pytest.mark.parametrize("case", SESSIONS)
def test_bad_session_file_is_refused_with_its_reason(tmp_path, case):
    make, *fragments = SESSIONS[case]
    path = make(tmp_path)
    with pytest.raises(DataError) as err:
        load_sessions(path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize(
    "case, make",
    [
        (
            "UTF-8 byte-order mark (spreadsheets)",
            lambda d: csv_file(d, "time_s,flow_g_per_s", T, FLOW, prefix="\ufeff"),
        ),
        ("a good HDF5 session", lambda d: h5_file(d, {"time_s": T, "flow_g_per_s": FLOW})),
        ("2 min at 1 s", lambda d: csv_file(d, "time_s,flow_g_per_s", T[:121], FLOW[:121] + 0.01)),
        ("a low-supply mother (2 g)", lambda d: csv_file(d, "time_s,flow_g_per_s", T, FLOW * 0.03)),
        (
            "a balance's flow, its noise below zero where no milk flows",
            lambda d: csv_file(
                d, "time_s,flow_g_per_s", T, FLOW + 0.03 * np.random.default_rng(0).standard_normal(T.size)
            ),
        ),
        (
            "a balance's cumulative reading, falling by its 0.1-g resolution",
            lambda d: csv_file(
                d, "time_s,cumulative_g", T, np.round(CUM + 0.1 * np.random.default_rng(1).standard_normal(T.size), 1)
            ),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_legitimate_session_files_load(tmp_path, case, make):
    (session,) = load_sessions(make(tmp_path))
    assert session.cumulative_g[-1] > 0


def test_mer_fit_refuses_a_bad_session_before_any_work(tmp_path, capsys):
    path = csv_file(tmp_path, "time_s,flow_g_per_s", T, 60 * FLOW)
    config = compose_config([f"data.path={path}", "fit.progress=false"], "fit")
    code, err = exit_of(lambda: fit_cli.run(config, tmp_path / "out"), capsys)
    assert code == 2
    assert err.startswith(f"mer-fit: {path} (session '1'): flow_g_per_s gives a flow of 27 g/s")


# --------------------------------------------------------------------------------------------
# checkpoints (mer-fit fit.resume=true): checked before the data are read
# --------------------------------------------------------------------------------------------
def good_checkpoint(path):
    with h5py.File(path, "w") as f:
        for a in ("fingerprint", "iteration", "stall", "evaluations"):
            f.attrs[a] = 1 if a != "fingerprint" else "abc"
        for k in ("u", "best_u", "best_loss", "start_u", "history"):
            f[k] = np.zeros((3, 4))
        f.create_group("opt_state")["0000"] = np.zeros(4)
    return path


CHECKPOINTS = {
    "missing": (lambda p: None, "no checkpoint at"),
    "truncated": (lambda p: p.write_bytes(good_checkpoint(p).read_bytes()[:1500]), "is damaged or truncated"),
    "text": (lambda p: p.write_text("not a checkpoint"), "is damaged or truncated"),
    "without opt_state": (lambda p: h5py.File(good_checkpoint(p), "a").__delitem__("opt_state"), "no 'opt_state'"),
    "without its fingerprint": (
        lambda p: h5py.File(good_checkpoint(p), "a").attrs.__delitem__("fingerprint"),
        "no 'fingerprint'",
    ),
}


@pytest.mark.parametrize("case", CHECKPOINTS)
def test_bad_checkpoint_is_named(tmp_path, case):
    make, fragment = CHECKPOINTS[case]
    path = tmp_path / "checkpoint.h5"
    make(path)
    with pytest.raises(CheckpointError) as err:
        check_checkpoint(path)
    assert str(err.value).startswith("fit.resume: ") and str(path) in str(err.value)
    assert fragment in str(err.value)


def test_mer_fit_resume_from_a_truncated_checkpoint_exits_2(tmp_path, capsys):
    path = good_checkpoint(tmp_path / "checkpoint.h5")
    path.write_bytes(path.read_bytes()[:1500])
    config = compose_config(["data.path=nowhere.csv", "fit.resume=true", f"+fit.checkpoint={path}"], "fit")
    code, err = exit_of(lambda: fit_cli.run(config, tmp_path / "out"), capsys)
    assert code == 2 and f"mer-fit: fit.resume: the checkpoint {path} is damaged or truncated" in err


# --------------------------------------------------------------------------------------------
# archives (mer-report, mer.archive.load): damage named by dataset, incomplete ones by group
# --------------------------------------------------------------------------------------------
def simulation_fill(f, skip=()):
    root_attrs(f, "simulation", compose_config(TINY))
    t = np.arange(0.0, 121.0)
    flow = 0.4 * np.exp(-(((t - 60.0) / 15.0) ** 2))
    tt = np.arange(0.0, 121.0, 5.0)
    groups = {
        "timeseries": {"time": t, "flow": flow, "cumulative": np.cumsum(flow)},
        "metrics": {"mer_onsets_s": np.array([40.0]), "total_yield_g": float(flow.sum()), "n_mer": 1},
        "balance": {"initial_ml": 150.0, "error_ml": 1e-13},
        "tree": {
            "time": tt,
            "start": np.zeros((3, 3)),
            "end": np.eye(3),
            **{k: np.ones((tt.size, 3)) for k in ("radius", "flow", "pressure_in")},
        },
    }
    for group, data in groups.items():
        if group in skip:
            continue
        g = f.create_group(group)
        for name, values in data.items():
            dataset(g, name, values, "1")


@pytest.fixture(scope="module")
def good_archive(tmp_path_factory):
    return write_atomically(tmp_path_factory.mktemp("archive") / "run.h5", simulation_fill)


def zero_bytes_of(dataset_key):
    def damage(path):
        with h5py.File(path) as f:
            offset = f[dataset_key].id.get_chunk_info(0).byte_offset
        data = bytearray(path.read_bytes())
        data[offset : offset + 64] = bytes(64)
        path.write_bytes(bytes(data))

    return damage


def overwrite_with_nan(path):  # the way another tool would: consistent HDF5, stale checksum
    with h5py.File(path, "a") as f:
        f["timeseries/flow"][...] = np.nan


def nan_with_checksum(path):  # a run that wrote NaN flow itself
    with h5py.File(path, "a") as f:
        f["timeseries/flow"][5] = np.nan
        f["timeseries/flow"].attrs["crc32"] = write.checksum(f["timeseries/flow"][()])


def rewrite(skip):
    return lambda path: write_atomically(path, lambda f: simulation_fill(f, skip))


def zero_4k_in_the_middle(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = bytes(4096)
    path.write_bytes(bytes(data))


ARCHIVES = {
    "flow chunk zeroed": (zero_bytes_of("timeseries/flow"), "dataset 'timeseries/flow' is damaged"),
    "tree radius zeroed": (zero_bytes_of("tree/radius"), "dataset 'tree/radius' is damaged"),
    "4 KiB zeroed in the middle": (zero_4k_in_the_middle, "is damaged"),
    "flow overwritten with NaN": (overwrite_with_nan, "dataset 'timeseries/flow' is damaged: its values do not match"),
    "NaN flow with a valid checksum": (
        nan_with_checksum,
        "'timeseries/flow' has 1 NaN or infinite values (first at t = 5 s)",
    ),
    "no metrics group": (rewrite({"metrics"}), "incomplete archive: no group 'metrics'"),
    "no tree group": (rewrite({"tree"}), "incomplete archive: no group 'tree'"),
    "only a schema attribute": (
        lambda p: h5py.File(p, "w").attrs.__setitem__("schema", "mer-archive"),
        "incomplete archive: no dataset 'config'",
    ),
    "truncated to half": (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "not an HDF5 file"),
    "superblock zeroed": (lambda p: p.write_bytes(bytes(512) + p.read_bytes()[512:]), "not an HDF5 file"),
    "a text file": (lambda p: p.write_text("total yield 118 g\n"), "not an HDF5 file"),
    "a CSV session": (lambda p: p.write_text("time_s,flow_g_per_s\n0,0\n"), "not an HDF5 file"),
    "another tool's HDF5": (
        lambda p: h5py.File(p, "w").create_dataset("x", data=[1]),
        "expected root attribute schema",
    ),
    "a directory": (lambda p: p.mkdir(), "no such archive file"),
    "missing": (lambda p: None, "no such archive file"),
}


@pytest.mark.parametrize("case", ARCHIVES)
def test_mer_report_names_the_damaged_or_missing_part(tmp_path, capsys, good_archive, case):
    damage, fragment = ARCHIVES[case]
    path = tmp_path / "run.h5"
    if case not in ("missing", "a directory"):
        path.write_bytes(good_archive.read_bytes())
    damage(path)
    code, err = exit_of(lambda: report_cli.main([str(path)]), capsys)
    assert code == 2
    assert err.startswith(f"mer-report: {path}: ")
    assert fragment in err
    assert not (tmp_path / "run_tree.png").exists()


def test_load_names_the_damaged_dataset(tmp_path, good_archive):
    path = tmp_path / "run.h5"
    path.write_bytes(good_archive.read_bytes())
    zero_bytes_of("timeseries/cumulative")(path)
    with pytest.raises(ArchiveError, match=r"dataset 'timeseries/cumulative' is damaged"):
        load(path)


def test_a_good_archive_is_reported(tmp_path, capsys, good_archive):
    path = tmp_path / "run.h5"
    path.write_bytes(good_archive.read_bytes())
    with pytest.raises(SystemExit) as ended:
        report_cli.main([str(path)])
    assert ended.value.code == 0
    assert "total_yield_g" in capsys.readouterr().out
    assert_picture(tmp_path / "run_tree.png", (6.5, 6), ("tab:red",), min_pixels=30)  # the nipple in red


def test_archives_without_checksums_still_load(tmp_path):
    """Archives written before the checksums (no crc32 attribute, no Fletcher-32) are read unchecked."""
    path = tmp_path / "old.h5"
    with h5py.File(path, "w") as f:
        f.attrs["schema"] = "mer-archive"
        f["config"] = "seed: 0\n"
        f["timeseries/flow"] = np.ones(3)
    assert load(path)["timeseries/flow"].tolist() == [1.0, 1.0, 1.0]


def test_checksums_cover_every_kind_of_dataset(tmp_path):
    """Text (variable and fixed length), empty arrays, scalars and integers round-trip and verify."""
    values = {
        "text": np.asarray(["cx43_ko", "warmth"], dtype=object),
        "fixed": np.asarray(["a", "bc"], dtype="S"),
        "empty": np.zeros(0),
        "scalar": 3.5,
        "integers": np.arange(4),
    }

    def fill(f):
        root_attrs(f, "ablation", compose_config(TINY))
        g = f.create_group("summary")
        for name, value in values.items():
            dataset(g, name, value, "1")

    arch = load(write_atomically(tmp_path / "summary.h5", fill))
    assert [v.decode() for v in arch["summary/text"]] == ["cx43_ko", "warmth"]
    assert arch["summary/empty"].size == 0 and arch["summary/scalar"] == 3.5
    with h5py.File(tmp_path / "summary.h5", "a") as f:
        f["summary/text"][0] = "stress"
    with pytest.raises(ArchiveError, match="dataset 'summary/text' is damaged"):
        load(tmp_path / "summary.h5")


def test_every_dataset_of_a_written_archive_has_checksums(good_archive):
    with h5py.File(good_archive) as f:
        flow = f["timeseries/flow"]
        assert flow.fletcher32 and "crc32" in flow.attrs
        assert "crc32" in f["config"].attrs and "crc32" in f["balance/initial_ml"].attrs
