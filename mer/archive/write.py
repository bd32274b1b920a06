"""Write a run to HDF5 atomically: built in memory, written to a temporary file in the same
folder, then renamed into place. Every dataset carries a CRC-32 of its values (`crc32`), and
arrays HDF5's own Fletcher-32 checksum, so that `load` can say which dataset is damaged."""

from __future__ import annotations

import datetime
import errno
import os
import pathlib
import secrets
import zlib

import h5py
import jax
import numpy as np
import yaml

from mer import provenance
from mer.parameters import SPECS

SCHEMA = "mer-archive"
SCHEMA_VERSION = "1.1"  # 1.1: CF `units` and `long_name`, netCDF dimensions


class ArchiveWriteError(OSError):
    """The archive could not be written (full disk, read-only or forbidden folder); nothing was
    left behind and an older archive at the same path is untouched."""


WHY = {
    errno.ENOSPC: "no space left on the device: free some space or choose another folder (hydra.run.dir)",
    errno.EDQUOT: "disk quota exceeded: free some space or choose another folder (hydra.run.dir)",
    errno.EROFS: "the file system is read-only: choose another folder (hydra.run.dir)",
    errno.EACCES: "no permission to write there: choose another folder (hydra.run.dir)",
    errno.EPERM: "no permission to write there: choose another folder (hydra.run.dir)",
}


def checksum(value) -> int:
    """CRC-32 of a dataset's values as h5py reads them back (strings as their bytes)."""
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return zlib.crc32(value)
    a = np.asarray(value)
    return zlib.crc32(repr(a.tolist()).encode() if a.dtype == object else np.ascontiguousarray(a).tobytes())


# netCDF-4's mark for a dimension that has no coordinate values (h5netcdf and netCDF-C know it)
NOT_A_VARIABLE = "This is a netCDF dimension but not a netCDF variable."


def dimension(group, name: str, size: int):
    """A named dimension of `group`, for netCDF tools and xarray.

    **Arguments:**
    - `group`: the h5py group.
    - `name`: e.g. `"time"` (a coordinate dataset already in the group becomes an HDF5 dimension
      scale) or `"agent"`, `"segment"`, `"xyz"` (an empty scale that netCDF tools read as a bare
      dimension, created on first use).
    - `size`: its length.

    **Returns:** the scale dataset. Raises ValueError on a size mismatch."""
    if name in group:
        scale = group[name]
        if not scale.is_scale:
            scale.make_scale(name)
    else:
        # never written, so it takes no space; `unit` like every dataset (tests/test_archive.py)
        scale = group.create_dataset(name, shape=(size,), dtype="i1")
        scale.make_scale(f"{NOT_A_VARIABLE}{size:10d}")
        scale.attrs["unit"] = "1"
    if scale.shape != (size,):
        raise ValueError(f"{group.name}/{name}: dimension of length {scale.shape[0]}, a dataset needs {size}")
    return scale


def dataset(group, name, data, unit, dims=None, long_name=None, **attrs):
    """Create `group/name` with its checksums and attributes: `units` (CF) and `unit` (read by
    archives before 1.1) and `long_name`; any others as given.

    **Arguments:**
    - `group`, `name`, `data`: where and what (anything `numpy.asarray` takes).
    - `unit`: e.g. `"g/s"`, `"1"` for a number without unit.
    - `dims`: one dimension name per axis, e.g. `("time", "agent")` (see `dimension`); default
      `<name>_dim<axis>`, so that xarray never meets an unnamed axis.
    - `long_name`: what the values are, in words (default: the name with spaces).

    **Returns:** the h5py dataset."""
    array = np.asarray(data)
    # Fletcher-32 needs chunks (scalars have none) and fixed-size values (not variable-length text)
    chunked = array.ndim > 0 and array.size > 0 and array.dtype.kind in "biufcS"
    ds = group.create_dataset(name, data=data, chunks=True if chunked else None, fletcher32=chunked)
    ds.attrs["unit"] = unit
    ds.attrs["units"] = unit
    ds.attrs["long_name"] = long_name or name.replace("_", " ")
    for k, v in attrs.items():
        ds.attrs[k] = v
    ds.attrs["crc32"] = checksum(ds[()])
    if name in (dims or ()):  # a coordinate (`time`): its own dimension
        dimension(group, name, array.shape[0])
    elif array.ndim:
        dims = dims or tuple(f"{name}_dim{axis}" for axis in range(array.ndim))
        for axis, dim in enumerate(dims):
            ds.dims[axis].attach_scale(dimension(group, dim, array.shape[axis]))
    return ds


def _write_file(fd, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def write_atomically(path, fill):
    """Build an HDF5 file in memory, write its bytes to a temporary file beside `path` and rename
    that into place.

    **Arguments:**
    - `path`: the archive to write.
    - `fill(h5file)`: writes the groups and datasets (with `dataset`).

    **Returns:** the path. HDF5 never writes to the disk itself: a full disk or a read-only folder
    is a plain OSError here (h5py crashed on ENOSPC), the temporary file is removed, and an archive
    already at `path` stays as it was. Raises ArchiveWriteError."""
    path = pathlib.Path(path)
    with h5py.File(f"{path.name}.in-memory", "w", driver="core", backing_store=False) as f:
        fill(f)
        f.flush()
        image = f.id.get_file_image()
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask decides, as for any file
        _write_file(fd, image)
        os.close(fd)
        fd = None
        os.replace(tmp, path)
    except BaseException as err:
        if fd is not None:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, ArchiveWriteError):
            why = WHY.get(err.errno, err.strerror or str(err))
            kept = "; the archive already there is untouched" if path.exists() else ""
            failure = ArchiveWriteError(f"{path}: could not write the archive: {why}{kept}")
            failure.errno = err.errno
            raise failure from None
        raise
    return path


def root_attrs(f, kind, config):
    """Schema and provenance attributes, and the resolved configuration as YAML."""
    f.attrs["schema"] = SCHEMA
    f.attrs["schema_version"] = SCHEMA_VERSION
    f.attrs["kind"] = kind
    f.attrs["mer_version"] = provenance.version()
    f.attrs["jax_version"] = jax.__version__
    f.attrs["git_commit"] = provenance.commit()
    f.attrs["seed"] = int(config.get("seed", -1))  # -1: not a single seeded run (ablation, sweep)
    f.attrs["created"] = datetime.datetime.now(datetime.UTC).isoformat()
    dataset(f, "config", yaml.safe_dump(config, sort_keys=False), "yaml")


def _used_value(path, config, used):
    """The value a run used: from the built parameters (after interventions and anatomy draws)
    where they hold it, else from the configuration (settings that are not parameters: anatomy,
    solver, switches)."""

    def walk(node, parts):
        for part in parts:
            node = node.get(part) if isinstance(node, dict) else None
        return node

    parts = path.split(".")
    found = walk(used, parts[1:] if parts[0] == "params" else parts) if used is not None else None
    return found if found is not None else walk(config, parts)


def params_group(f, config, used=None, groups=None):
    """`params/<path>`: each value the run used with its unit, source and status; `groups`: only
    these parameter groups (a breast's own, under breasts/<side>/)."""
    g = f.create_group("params")
    for path, spec in SPECS.items():
        parts = path.split(".")
        if groups is not None and (parts[0] != "params" or parts[1] not in groups):
            continue
        node = _used_value(path, config, used)
        if node is None or isinstance(node, (str, bool)):
            continue
        value = np.asarray(node, dtype=float)
        dataset(g, path.removeprefix("params."), value, spec.unit, source=spec.source, status=spec.status)
