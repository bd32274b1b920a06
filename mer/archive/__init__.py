"""HDF5 archives (schema `mer-archive`): `save_simulation` writes atomically, `load` reads back
(checksums checked), `open_dataset` and `timeseries_frame` give xarray and pandas views."""

from mer.archive.read import Archive, ArchiveError, load
from mer.archive.simulation import save_simulation
from mer.archive.xr import open_dataset, timeseries_frame

__all__ = ["Archive", "ArchiveError", "load", "open_dataset", "save_simulation", "timeseries_frame"]
