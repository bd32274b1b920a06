"""Progress bars and log messages.

Messages go to the `mer` loggers (`logging.getLogger("mer.fit")`, ...): the command-line tools
send them to stderr and to Hydra's job log (`<run folder>/<command>.log`, configs/hydra/job_logging);
the library alone shows only warnings (Python's default). Progress bars are tqdm's, with an ETA,
on stderr: drawn when stderr is a terminal or `MER_PROGRESS=1`, never with `quiet=true`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

from tqdm.auto import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

_quiet = False


def set_quiet(quiet: bool) -> None:
    """`quiet=true`: no progress bars, and only warnings and errors on the console (the job log
    keeps every message; a command's result summary still prints on stdout).

    **Arguments:**
    - `quiet`: the configuration's `quiet`."""
    global _quiet
    _quiet = bool(quiet)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.WARNING if quiet else logging.NOTSET)


def enabled() -> bool:
    """Whether progress bars are drawn now (see the module docstring)."""
    if _quiet:
        return False
    asked = os.environ.get("MER_PROGRESS", "").strip().lower()
    if asked in ("0", "off", "false", "no"):
        return False
    return asked in ("1", "on", "true", "yes") or sys.stderr.isatty()


def messages_above_bars():
    """A context in which console messages print above the progress bars instead of through them
    (tqdm's logging redirect; nothing to do when no bars are drawn)."""
    return logging_redirect_tqdm() if enabled() else contextlib.nullcontext()


def bar(iterable=None, *, total=None, desc: str = "", unit: str = "it", enable: bool = True):
    """A tqdm progress bar on stderr with elapsed time and ETA, or a silent pass-through.

    **Arguments:**
    - `iterable`, `total`, `desc`, `unit`: as for `tqdm.tqdm`.
    - `enable`: False turns this bar off (e.g. `fit.progress=false`), whatever `enabled()` says.

    **Returns:** a `tqdm` object (usable as an iterator or with `.update(n)`)."""
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        disable=not (enable and enabled()),
        dynamic_ncols=True,
        leave=True,
    )
