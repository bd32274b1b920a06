"""Observed milk-flow sessions: load a CSV or HDF5 file (mer.fit.read), check that each looks
like a session of one breast or both (mer.fit.plausible), complete it, and put it on the model's time grid.
"""

from __future__ import annotations

import dataclasses
import pathlib

import numpy as np

from mer.fit.plausible import MAX_SAMPLE_STEP_S, check_amounts, check_consistent, check_timing, check_values
from mer.fit.read import DataError, read_csv, read_hdf5

__all__ = ["DataError", "Session", "gaps", "load_sessions", "on_grid"]


@dataclasses.dataclass
class Session:
    """One observed session on its own time grid (s, g/s, g)."""

    session_id: str
    time_s: np.ndarray
    flow_g_per_s: np.ndarray
    cumulative_g: np.ndarray
    measured: tuple  # which of ("flow_g_per_s", "cumulative_g") the file gave (the other is derived)
    source: str

    @property
    def duration_s(self) -> float:
        return float(self.time_s[-1])

    @property
    def step_s(self) -> float:
        """The typical time between samples (the median: a gap does not change it)."""
        return float(np.median(np.diff(self.time_s)))


def load_sessions(path) -> list[Session]:
    """Read, check and complete every session in a CSV or HDF5 file."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file (data.path should name a CSV or HDF5 session file)")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty; expected a header row and at least two samples")
    if path.suffix.lower() in (".h5", ".hdf5"):
        raw = read_hdf5(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        raw = read_csv(path)
    else:
        raise DataError(f"{path}: unknown file type {path.suffix!r}; expected .csv or .h5")
    return [_complete(path, sid, columns) for sid, columns in raw.items()]


def _complete(path, sid, columns) -> Session:
    """Check one session and derive the missing one of flow and cumulative."""
    where = f"{path} (session {sid!r})"
    check_values(where, columns)
    t = columns["time_s"]
    flow = columns.get("flow_g_per_s")
    cumulative = columns.get("cumulative_g")
    check_timing(where, t)  # before the columns' consistency: time in minutes is a timing error
    measured = tuple(name for name in ("flow_g_per_s", "cumulative_g") if name in columns)
    if flow is None:
        flow = _flow_from_cumulative(t, cumulative)
    if cumulative is None:
        cumulative = _cumulative_from_flow(t, flow)
    elif "flow_g_per_s" in columns:
        check_consistent(where, float(_cumulative_from_flow(t, flow)[-1]), cumulative)
    cumulative = cumulative - cumulative[0]  # milk removed since the first sample
    check_amounts(where, t, flow, cumulative, measured)
    return Session(str(sid), t, flow, cumulative, measured, str(path))


def _cumulative_from_flow(t, flow):
    return np.concatenate([[0.0], np.cumsum(0.5 * (flow[1:] + flow[:-1]) * np.diff(t))])


def _flow_from_cumulative(t, cumulative):
    """Centred differences (one-sided at the ends): flow at the samples, with the balance's noise
    (negative readings too, as a measured flow has them: clipping them would bias the flow up)."""
    return np.gradient(cumulative, t)


def on_grid(session: Session, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flow, cumulative, inside) on the model's save times `ts`: cumulative interpolated
    linearly, flow averaged over two save intervals when the data are finer (the model's
    balance-read flow's window; so noise is not aliased) and interpolated when coarser; `inside`
    is 1 where ts lies within the recording."""
    cumulative = np.interp(ts, session.time_s, session.cumulative_g)
    flow = np.interp(ts, session.time_s, session.flow_g_per_s)
    data_dt = session.step_s
    model_dt = float(np.median(np.diff(ts))) if ts.size > 1 else data_dt
    if data_dt < 0.5 * model_dt:
        # the model's flow is the yield's change across the samples either side (2 dt:
        # mer.solve.balance_rate); the data's flow is averaged over the same window, centred
        # (an odd number of samples from t - dt to t + dt)
        width = 2 * int(round(model_dt / data_dt)) + 1
        kernel = np.ones(width) / width
        smooth = np.convolve(session.flow_g_per_s, kernel, mode="same")
        flow = np.interp(ts, session.time_s, smooth)
    inside = ((ts >= session.time_s[0] - 1e-9) & (ts <= session.time_s[-1] + 1e-9)).astype(float)
    for start, end in gaps(session):  # nothing was recorded there: the fit does not look
        inside[(ts > start) & (ts < end)] = 0.0
    return flow, cumulative, inside


def gaps(session: Session) -> list[tuple[float, float]]:
    """(start, end) of each stretch without samples longer than MAX_SAMPLE_STEP_S (a sensor that
    dropped out); the fit ignores them instead of fitting a straight line across."""
    t = session.time_s
    where = np.flatnonzero(np.diff(t) > MAX_SAMPLE_STEP_S)
    return [(float(t[i]), float(t[i + 1])) for i in where]
