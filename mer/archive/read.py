"""Read an archive back into plain Python: `load(path) -> Archive`."""

from __future__ import annotations

import dataclasses
import pathlib

import h5py
import numpy as np
import yaml

from mer.archive.write import NOT_A_VARIABLE, SCHEMA, checksum


class ArchiveError(ValueError):
    """The file is not a readable mer archive."""


@dataclasses.dataclass(repr=False)
class Archive:
    """A loaded archive: `archive["timeseries/flow"]`, `archive["metrics"]` (a dict),
    `archive.units["timeseries/flow"]`, `archive.attrs["kind"]`, `archive.config`."""

    attrs: dict
    config: dict
    groups: dict  # group path (e.g. "metrics", "breasts/left/metrics") -> {name: np.ndarray or scalar}
    units: dict  # "group/name" -> unit
    path: pathlib.Path | None = None
    meta: dict = dataclasses.field(default_factory=dict)  # "group/name" -> the dataset's other attributes
    group_attrs: dict = dataclasses.field(default_factory=dict)  # group path -> its attributes

    def __getitem__(self, key):
        if key in self.groups:
            return self.groups[key]
        group, _, name = key.rpartition("/")
        return self.groups[group][name]

    def __repr__(self) -> str:
        from mer.archive.summary import text

        return text(self)

    def _repr_html_(self) -> str:
        from mer.archive.summary import html_table

        return html_table(self)


DAMAGE = (OSError, RuntimeError, KeyError, ValueError)  # what h5py raises on a damaged header or link


def read_verified(path, key, ds):
    """A dataset's values, checked against its checksums (Fletcher-32 by HDF5 on read, CRC-32
    here; archives written before the checksums are read unchecked)."""
    try:
        value = ds[()]
    except DAMAGE as err:  # HDF5 checks Fletcher-32 as it reads: "filter returned failure during read"
        raise ArchiveError(f"{path}: dataset {key!r} is damaged and cannot be read ({err})") from None
    try:
        expected = ds.attrs.get("crc32")
    except DAMAGE as err:
        raise ArchiveError(f"{path}: dataset {key!r} is damaged: unreadable attributes ({err})") from None
    if expected is not None and checksum(value) != int(expected):
        raise ArchiveError(f"{path}: dataset {key!r} is damaged: its values do not match their checksum")
    return value


def _datasets(path, group, prefix=""):
    """(key, dataset) for every dataset below `group`, naming the group or object that is damaged."""
    try:
        names = list(group)
    except DAMAGE as err:
        raise ArchiveError(f"{path}: group {prefix.rstrip('/') or '/'!r} is damaged ({err})") from None
    for name in names:
        key = prefix + name
        try:
            obj = group[name]
        except DAMAGE as err:
            raise ArchiveError(f"{path}: object {key!r} is damaged ({err})") from None
        if isinstance(obj, h5py.Group):
            yield from _datasets(path, obj, key + "/")
        else:
            yield key, obj


def load(path) -> Archive:
    """Load a `mer-archive` HDF5 file of any kind, every dataset checked against its checksums.

    **Arguments:**
    - `path`: the archive (`run.h5`, `fit.h5`, `summary.h5`, `sweep.h5`, `validation.h5`).

    **Returns:** an `Archive`: `archive["timeseries/flow"]`, `archive["metrics"]` (a dict),
    `archive.units`, `archive.attrs` (provenance), `archive.config`, `archive.meta` (each dataset's
    other attributes, e.g. a fitted value's `ci_low`), `archive.group_attrs`.

    Raises ArchiveError naming the file (and the dataset) if it is not an archive, is incomplete
    or is damaged."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise ArchiveError(f"{path}: no such archive file")
    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise ArchiveError(f"{path}: not an HDF5 file ({err})") from None
    with f:
        try:
            attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        except DAMAGE as err:
            raise ArchiveError(f"{path}: damaged archive: its root attributes cannot be read ({err})") from None
        if attrs.get("schema") != SCHEMA:
            raise ArchiveError(f"{path}: expected root attribute schema={SCHEMA!r}, got {attrs.get('schema')!r}")
        if "config" not in f:
            raise ArchiveError(f"{path}: incomplete archive: no dataset 'config' (the run's configuration)")
        config = yaml.safe_load(read_verified(path, "config", f["config"]).decode())
        groups, units, meta = {}, {}, {}
        for key, ds in _datasets(path, f):
            gname, _, name = key.rpartition("/")
            if not gname:  # the root's `config`, read above
                continue
            try:
                ds_attrs = dict(ds.attrs)  # all of them: a damaged one is named here
            except DAMAGE as err:
                raise ArchiveError(f"{path}: dataset {key!r} is damaged: unreadable attributes ({err})") from None
            if NOT_A_VARIABLE in _text(ds_attrs.get("NAME", "")):
                continue  # a netCDF dimension without values (agent, segment, ...)
            value = read_verified(path, key, ds)
            groups.setdefault(gname, {})[name] = (
                np.asarray(value) if np.ndim(value) else value.item() if hasattr(value, "item") else value
            )
            unit = ds_attrs.get("units", ds_attrs.get("unit"))  # `unit` only: archives before 1.1
            units[key] = _text(unit) if unit is not None else None
            meta[key] = {k: _text(v) for k, v in ds_attrs.items() if k not in HDF5_BOOKKEEPING}
        group_attrs = _group_attrs(path, f)
    return Archive(attrs, config, groups, units, path, meta, group_attrs)


# attributes HDF5 and the checksums use, not what a reader wants to see
HDF5_BOOKKEEPING = ("crc32", "unit", "units", "CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid")


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _group_attrs(path, f) -> dict:
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and len(obj.attrs):
            try:
                found[name] = {k: _text(v) for k, v in obj.attrs.items()}
            except DAMAGE as err:
                raise ArchiveError(f"{path}: group {name!r} is damaged: unreadable attributes ({err})") from None

    f.visititems(visit)
    return found
