"""Observed milk-flow sessions: load a CSV or HDF5 file, check it, put it on the model's time grid.

CSV: a header row naming `time_s` plus `flow_g_per_s` and/or `cumulative_g`, optionally `session_id`
(several sessions of one mother in one file); lines starting with `#` are comments (template:
experiments/data/template.csv). HDF5: one group per session (or datasets at the root for one
session) holding `time_s` and `flow_g_per_s` and/or `cumulative_g`, each with a `unit` attribute.
Units are part of the column names; other units are refused, not converted silently.
"""

from __future__ import annotations

import csv
import dataclasses
import pathlib

import numpy as np

COLUMNS = {"time_s": "s", "flow_g_per_s": "g/s", "cumulative_g": "g"}
OPTIONAL = {"session_id"}
# a column that names a known quantity in another unit (flow_mL_per_min, cumulative_mL, time_min)
QUANTITIES = {"time": "time_s", "flow": "flow_g_per_s", "cumulative": "cumulative_g"}
# flow and cumulative given together must agree: the integral of flow over the session within this
# share of the rise in cumulative (scales are read to 0.1-1 g; g/min vs g/s is a factor 60)
CONSISTENCY_TOLERANCE = 0.25


class DataError(ValueError):
    """A session file is missing, empty, malformed or physically impossible."""


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


def load_sessions(path) -> list[Session]:
    """Read, check and complete every session in a CSV or HDF5 file."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file (data.path should name a CSV or HDF5 session file)")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty; expected a header row and at least two samples")
    if path.suffix.lower() in (".h5", ".hdf5"):
        raw = _read_hdf5(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        raw = _read_csv(path)
    else:
        raise DataError(f"{path}: unknown file type {path.suffix!r}; expected .csv or .h5")
    return [_complete(path, sid, columns) for sid, columns in raw.items()]


def _check_header(path, names):
    unknown = [n for n in names if n not in COLUMNS and n not in OPTIONAL]
    for name in unknown:
        quantity = name.split("_")[0].lower()
        if quantity in QUANTITIES:
            expected = QUANTITIES[quantity]
            raise DataError(
                f"{path}: column {name!r}: unit mismatch; {quantity} must be given as {expected!r} "
                f"({COLUMNS[expected]})"
            )
        raise DataError(
            f"{path}: unknown column {name!r}; expected time_s, flow_g_per_s and/or cumulative_g, "
            "and optionally session_id"
        )
    if "time_s" not in names:
        raise DataError(f"{path}: missing column 'time_s' (s)")
    if "flow_g_per_s" not in names and "cumulative_g" not in names:
        raise DataError(f"{path}: missing column: give 'flow_g_per_s' (g/s) and/or 'cumulative_g' (g)")


def _read_csv(path) -> dict:
    with open(path, newline="") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise DataError(f"{path}: the file is empty; expected a header row and at least two samples")
    reader = csv.reader(lines)
    header = [h.strip() for h in next(reader)]
    if len(set(header)) != len(header):
        raise DataError(f"{path}: a column is named twice in the header {header}")
    _check_header(path, header)
    sessions: dict[str, dict[str, list]] = {}
    for row_number, row in enumerate(reader, start=2):
        if len(row) != len(header):
            raise DataError(f"{path}: data row {row_number} has {len(row)} fields; the header has {len(header)}")
        values = dict(zip(header, (v.strip() for v in row)))
        sid = values.pop("session_id", "1")
        columns = sessions.setdefault(sid, {name: [] for name in values})
        for name, text in values.items():
            try:
                columns[name].append(float(text))
            except ValueError:
                raise DataError(f"{path}: column {name!r}, data row {row_number}: {text!r} is not a number") from None
    if not sessions:
        raise DataError(f"{path}: the file has a header but no samples")
    return {sid: {k: np.asarray(v) for k, v in cols.items()} for sid, cols in sessions.items()}


def _read_hdf5(path) -> dict:
    import h5py

    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise DataError(f"{path}: not a readable HDF5 file ({err})") from None
    with f:
        groups = {name: f[name] for name in f if isinstance(f[name], h5py.Group)}
        if not groups:
            groups = {"1": f}
        sessions = {}
        for sid, group in groups.items():
            names = list(group.keys())
            where = f"{path}:{group.name}"
            _check_header(where, names)
            sessions[sid] = {}
            for name in names:
                unit = group[name].attrs.get("unit")
                unit = unit.decode() if isinstance(unit, bytes) else unit
                if unit is not None and unit != COLUMNS[name]:
                    raise DataError(
                        f"{where}/{name}: unit mismatch; expected {COLUMNS[name]!r}, the file says {unit!r}"
                    )
                sessions[sid][name] = np.asarray(group[name][()], dtype=float)
    return sessions


def _complete(path, sid, columns) -> Session:
    """Check one session and derive the missing one of flow and cumulative."""
    where = f"{path} (session {sid!r})"
    t = columns["time_s"]
    if t.size < 2:
        raise DataError(f"{where}: expected at least two samples, got {t.size}")
    for name, values in columns.items():
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(f"{where}: column {name!r} has NaN or infinite values (first at sample {bad[0]})")
    steps = np.diff(t)
    if np.any(steps == 0):
        i = int(np.flatnonzero(steps == 0)[0])
        raise DataError(f"{where}: time_s has a duplicated time {t[i]:g} s (samples {i} and {i + 1})")
    if np.any(steps < 0):
        i = int(np.flatnonzero(steps < 0)[0])
        raise DataError(f"{where}: time_s is not increasing: {t[i]:g} s is followed by {t[i + 1]:g} s")
    if t[0] < 0:
        raise DataError(f"{where}: time_s starts at {t[0]:g} s; time is counted from the start of pumping (>= 0)")
    flow = columns.get("flow_g_per_s")
    cumulative = columns.get("cumulative_g")
    if flow is not None and np.any(flow < 0):
        i = int(np.flatnonzero(flow < 0)[0])
        raise DataError(
            f"{where}: flow_g_per_s is negative ({flow[i]:g} g/s at {t[i]:g} s); flow out of the breast is >= 0"
        )
    if cumulative is not None:
        drops = np.diff(cumulative)
        if np.any(drops < 0):
            i = int(np.flatnonzero(drops < 0)[0])
            raise DataError(
                f"{where}: cumulative_g decreases from {cumulative[i]:g} g to {cumulative[i + 1]:g} g at "
                f"{t[i + 1]:g} s; the milk removed can only grow"
            )
    measured = tuple(name for name in ("flow_g_per_s", "cumulative_g") if name in columns)
    if flow is None:
        flow = _flow_from_cumulative(t, cumulative)
    if cumulative is None:
        cumulative = _cumulative_from_flow(t, flow)
    elif "flow_g_per_s" in columns:
        _check_consistent(where, t, flow, cumulative)
    cumulative = cumulative - cumulative[0]  # milk removed since the first sample
    return Session(str(sid), t, flow, cumulative, measured, str(path))


def _cumulative_from_flow(t, flow):
    return np.concatenate([[0.0], np.cumsum(0.5 * (flow[1:] + flow[:-1]) * np.diff(t))])


def _flow_from_cumulative(t, cumulative):
    """Centred differences (one-sided at the ends): flow at the samples, never negative."""
    return np.maximum(np.gradient(cumulative, t), 0.0)


def _check_consistent(where, t, flow, cumulative):
    integral = float(_cumulative_from_flow(t, flow)[-1])
    rise = float(cumulative[-1] - cumulative[0])
    scale = max(rise, integral, 1e-12)
    if abs(integral - rise) > CONSISTENCY_TOLERANCE * scale:
        raise DataError(
            f"{where}: unit mismatch between columns: flow_g_per_s integrates to {integral:.3g} g but "
            f"cumulative_g rises by {rise:.3g} g (ratio {integral / max(rise, 1e-12):.3g}); "
            "is flow in another unit (g/min, mL/min)?"
        )


def on_grid(session: Session, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flow, cumulative, inside) on the model's save times `ts`: cumulative interpolated
    linearly, flow averaged over each save interval when the data are finer (so noise is not
    aliased) and interpolated when coarser; `inside` is 1 where ts lies within the recording."""
    cumulative = np.interp(ts, session.time_s, session.cumulative_g)
    flow = np.interp(ts, session.time_s, session.flow_g_per_s)
    data_dt = float(np.median(np.diff(session.time_s)))
    model_dt = float(np.median(np.diff(ts))) if ts.size > 1 else data_dt
    if data_dt < 0.5 * model_dt:
        width = max(1, int(round(model_dt / data_dt)))
        kernel = np.ones(width) / width
        smooth = np.convolve(session.flow_g_per_s, kernel, mode="same")
        flow = np.interp(ts, session.time_s, smooth)
    inside = ((ts >= session.time_s[0] - 1e-9) & (ts <= session.time_s[-1] + 1e-9)).astype(float)
    return flow, cumulative, inside
