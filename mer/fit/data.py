"""Observed milk-flow sessions: load a CSV or HDF5 file, check it, put it on the model's time grid.

CSV: a header row naming `time_s` plus `flow_g_per_s` and/or `cumulative_g`, optionally `session_id`
(several sessions of one mother in one file); lines starting with `#` are comments (template:
experiments/data/template.csv); UTF-8 text, comma-separated (a UTF-8 byte-order mark, as
spreadsheets write it, is accepted). HDF5: one group per session (or datasets at the root for one
session) holding 1-D `time_s` and `flow_g_per_s` and/or `cumulative_g`, each with a `unit`
attribute. Units are part of the column names; other units are refused, not converted silently.

A session must also look like one breast's pumping session or feed (PLAUSIBLE): a wrong unit
(flow in g/min, time in minutes) or a corrupt value is refused with the reason, not fitted.
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

# Plausibility, per session of one breast, with the reason a value outside is refused. Far outside
# the measured ranges, so that unusual mothers pass and wrong units do not.
MIN_DURATION_S = 120.0  # the first ejection comes 1-2.5 min into pumping (docs/literature.md)
MAX_DURATION_S = 7200.0  # a pumping session lasts 15 min (Kent 2008), a feed rarely over an hour
MAX_SAMPLE_STEP_S = 30.0  # ejections last 45 s - 3.5 min (docs/literature.md): a coarser record misses them
MAX_YIELD_G = 1000.0  # one breast stores 74-606 mL (Kent et al. 1999)
MAX_FLOW_G_PER_S = 5.0  # peak flow 0.5 +/- 0.2 g/s (Ramsay 2006; Idei 2024)
DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


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


def _text(path) -> str:
    """The file as text, naming what it is when it is not UTF-8 text."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{path}: the file is UTF-16 text (byte-order mark {data[:2]!r}); save it as UTF-8 CSV")
    if data.startswith(b"\x89HDF"):
        raise DataError(f"{path}: the file is HDF5, not CSV; name it .h5")
    if b"\x00" in data[:4096]:
        raise DataError(f"{path}: the file is binary (it has NUL bytes), not a CSV text file")
    try:
        return data.decode("utf-8-sig")  # a spreadsheet's byte-order mark is dropped here
    except UnicodeDecodeError as err:
        raise DataError(
            f"{path}: not UTF-8 text (byte {data[err.start]:#04x} at offset {err.start}); expected a "
            "comma-separated CSV file in UTF-8"
        ) from None


def _check_delimiter(path, header_line: str) -> None:
    if "," in header_line:
        return
    for sep, name in DELIMITERS.items():
        if sep in header_line:
            raise DataError(
                f"{path}: the columns are separated by {name} ({sep!r}); expected commas (and a point as "
                "the decimal mark): export the file as comma-separated CSV"
            )


def _read_csv(path) -> dict:
    lines = [line for line in _text(path).splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise DataError(f"{path}: the file is empty; expected a header row and at least two samples")
    _check_delimiter(path, lines[0])
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
                sessions[sid][name] = _hdf5_column(f"{where.rstrip('/')}/{name}", name, group[name])
    return sessions


def _hdf5_column(where, name, ds):
    """One 1-D column of an HDF5 session; its `unit` attribute is required (units are not guessed)."""
    import h5py

    if not isinstance(ds, h5py.Dataset):
        raise DataError(f"{where}: expected a dataset of {COLUMNS[name]} values, found a group")
    unit = ds.attrs.get("unit")
    unit = unit.decode() if isinstance(unit, bytes) else unit
    if unit is None:
        raise DataError(f"{where}: no 'unit' attribute; expected unit={COLUMNS[name]!r} (units are not guessed)")
    if unit != COLUMNS[name]:
        raise DataError(f"{where}: unit mismatch; expected {COLUMNS[name]!r}, the file says {unit!r}")
    if ds.ndim != 1:
        raise DataError(f"{where}: expected a 1-D dataset (one value per sample), got shape {ds.shape}")
    try:
        return np.asarray(ds[()], dtype=float)
    except (OSError, ValueError, TypeError) as err:
        raise DataError(f"{where}: cannot be read as numbers ({err})") from None


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
    _check_timing(where, t)  # before the columns' consistency: time in minutes is a timing error
    measured = tuple(name for name in ("flow_g_per_s", "cumulative_g") if name in columns)
    if flow is None:
        flow = _flow_from_cumulative(t, cumulative)
    if cumulative is None:
        cumulative = _cumulative_from_flow(t, flow)
    elif "flow_g_per_s" in columns:
        _check_consistent(where, t, flow, cumulative)
    cumulative = cumulative - cumulative[0]  # milk removed since the first sample
    _check_amounts(where, t, flow, cumulative, measured)
    return Session(str(sid), t, flow, cumulative, measured, str(path))


def _check_timing(where, t):
    """Session length and sampling that a fit can use; time in minutes is named as the likely cause."""
    span = float(t[-1] - t[0])
    if span < MIN_DURATION_S:
        # in minutes a session spans 5-120 "s" at steps of at most 1 (a minute)
        looks_like_minutes = 300.0 <= span * 60 <= MAX_DURATION_S and np.median(np.diff(t)) <= 1.0
        minutes = " Is time in minutes? time_s must be in seconds." if looks_like_minutes else ""
        raise DataError(
            f"{where}: time_s spans {span:g} s; expected at least {MIN_DURATION_S:g} s (the first ejection "
            f"comes 1-2.5 min into pumping).{minutes}"
        )
    if span > MAX_DURATION_S:
        raise DataError(
            f"{where}: time_s spans {span / 3600:.3g} h; expected at most {MAX_DURATION_S / 3600:g} h for one "
            "session (a pumping session lasts 15 min, Kent 2008); give several sessions a session_id each"
        )
    step = float(np.median(np.diff(t)))
    if step > MAX_SAMPLE_STEP_S:
        raise DataError(
            f"{where}: time_s has a median step of {step:g} s; expected at most {MAX_SAMPLE_STEP_S:g} s "
            "(ejections last 45 s - 3.5 min and would be missed)"
        )


def _check_amounts(where, t, flow, cumulative, measured):
    """Yield and peak flow of one breast; far outside them is a wrong unit or a corrupt value."""
    name = measured[0]
    total = float(cumulative[-1])
    if total <= 0.0:
        raise DataError(f"{where}: {name} shows no milk removed (zero throughout); there is nothing to fit")
    checks = [_check_peak, _check_yield]
    if name == "cumulative_g":  # the yield is what the file gave; the flow is derived from it
        checks.reverse()
    for check in checks:
        check(where, name, t, flow, total)


def _check_yield(where, name, t, flow, total):
    if total > MAX_YIELD_G:
        raise DataError(
            f"{where}: {name} gives a yield of {total:.4g} g; expected at most {MAX_YIELD_G:g} g from one "
            "breast in one session (it stores 74-606 mL, Kent et al. 1999). Is flow in g/min, or cumulative "
            "in another unit?"
        )


def _check_peak(where, name, t, flow, total):
    peak = float(np.max(flow))
    if peak > MAX_FLOW_G_PER_S:
        i = int(np.argmax(flow))
        raise DataError(
            f"{where}: {name} gives a flow of {peak:.4g} g/s at {t[i]:g} s; expected at most "
            f"{MAX_FLOW_G_PER_S:g} g/s (peak flow 0.5 +/- 0.2 g/s, Ramsay 2006). Is flow in g/min, or a "
            "value corrupt?"
        )


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
        ratio = integral / max(rise, 1e-12)
        # flow in g/min makes the integral 60x too large; time in minutes makes it 60x too small
        hint = "is time_s in minutes?" if ratio < 1 else "is flow in another unit (g/min, mL/min)?"
        raise DataError(
            f"{where}: unit mismatch between columns: flow_g_per_s integrates to {integral:.3g} g but "
            f"cumulative_g rises by {rise:.3g} g (ratio {ratio:.3g}); {hint}"
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
    for start, end in gaps(session):  # nothing was recorded there: the fit does not look
        inside[(ts > start) & (ts < end)] = 0.0
    return flow, cumulative, inside


def gaps(session: Session) -> list[tuple[float, float]]:
    """(start, end) of each stretch without samples longer than MAX_SAMPLE_STEP_S (a sensor that
    dropped out); the fit ignores them instead of fitting a straight line across."""
    t = session.time_s
    where = np.flatnonzero(np.diff(t) > MAX_SAMPLE_STEP_S)
    return [(float(t[i]), float(t[i + 1])) for i in where]
