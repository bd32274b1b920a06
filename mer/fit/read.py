"""Reading session files into columns by name: CSV or HDF5, with the header's names and units
checked (units are part of the column names; other units are refused, not converted silently).

CSV: a header row naming `time_s` plus `flow_g_per_s` and/or `cumulative_g`, optionally `session_id`
(several sessions of one mother in one file); lines starting with `#` are comments (template:
experiments/data/template.csv); UTF-8 text, comma-separated (a UTF-8 byte-order mark, as
spreadsheets write it, is accepted). HDF5: one group per session (or datasets at the root for one
session) holding 1-D `time_s` and `flow_g_per_s` and/or `cumulative_g`, each with a `unit`
attribute.
"""

from __future__ import annotations

import csv

import numpy as np

COLUMNS = {"time_s": "s", "flow_g_per_s": "g/s", "cumulative_g": "g"}
OPTIONAL = {"session_id"}
# a column that names a known quantity in another unit (flow_mL_per_min, cumulative_mL, time_min)
QUANTITIES = {"time": "time_s", "flow": "flow_g_per_s", "cumulative": "cumulative_g"}
DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


class DataError(ValueError):
    """A session file is missing, empty, malformed or physically impossible."""


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


def read_csv(path) -> dict:
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


def read_hdf5(path) -> dict:
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
