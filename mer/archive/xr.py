"""Archives as xarray Datasets and pandas DataFrames (each group of an archive is a netCDF-4 group
with named dimensions, so xarray and netCDF tools read it directly; these are the short forms)."""

from __future__ import annotations

import pathlib

from mer.archive.read import ArchiveError, load


def open_dataset(path, group: str = "timeseries"):
    """One group of an archive as an `xarray.Dataset`, loaded into memory (the file is closed).

    **Arguments:**
    - `path`: a `mer` archive (`run.h5`, `fit.h5`, `summary.h5`, `validation.h5`).
    - `group`: e.g. `"timeseries"`, `"alveoli"`, `"tree"`, `"neurons"`, `"fit"`, `"breasts/left/tree"`.

    **Returns:** an `xarray.Dataset` whose variables carry `units` and `long_name` and whose
    dimensions are named (`time`, `agent`, `segment`, `neuron`, `session`, `xyz`, ...).

    The archive's checksums are checked first (`mer.archive.load`), so a damaged file raises
    ArchiveError naming the damaged dataset instead of returning wrong numbers."""
    import xarray as xr

    arch = load(path)  # checks the schema and every checksum
    if group not in arch.groups:
        raise ArchiveError(f"{path}: no group {group!r}; the archive holds {', '.join(sorted(arch.groups))}")
    # timedelta decoding off: `time` in seconds stays a float coordinate
    with xr.open_dataset(pathlib.Path(path), group=group, engine="h5netcdf", decode_timedelta=False) as ds:
        return ds.load()


def timeseries_frame(path):
    """The session's time series as a `pandas.DataFrame` indexed by time in seconds, one column
    per curve (`flow`, `cumulative`, `plasma_ot`, ...; units in `frame.attrs["units"]`).

    **Arguments:**
    - `path`: a simulation archive (`run.h5`).

    **Returns:** a `pandas.DataFrame`."""
    ds = open_dataset(path, "timeseries")
    frame = ds.to_dataframe()
    frame.attrs["units"] = {name: ds[name].attrs.get("units") for name in ds.data_vars}
    return frame
