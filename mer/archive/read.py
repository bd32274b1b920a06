"""Read an archive back into plain Python: `load(path) -> Archive`."""

from __future__ import annotations

import dataclasses
import pathlib

import h5py
import numpy as np
import yaml

from mer.archive.write import SCHEMA, checksum


class ArchiveError(ValueError):
    """The file is not a readable mer archive."""


@dataclasses.dataclass
class Archive:
    attrs: dict
    config: dict
    groups: dict  # group path (e.g. "metrics", "breasts/left/metrics") -> {name: np.ndarray or scalar}
    units: dict  # "group/name" -> unit

    def __getitem__(self, key):
        if key in self.groups:
            return self.groups[key]
        group, _, name = key.rpartition("/")
        return self.groups[group][name]


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
        raise ArchiveError(f"{path}: dataset {key!r} is damaged: its attributes cannot be read ({err})") from None
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
    """Load a `mer-archive` HDF5 file; raises ArchiveError naming the file (and the dataset) if
    it is not one, or is damaged."""
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
        groups, units = {}, {}
        for key, ds in _datasets(path, f):
            gname, _, name = key.rpartition("/")
            if not gname:  # the root's `config`, read above
                continue
            value = read_verified(path, key, ds)
            groups.setdefault(gname, {})[name] = (
                np.asarray(value) if np.ndim(value) else value.item() if hasattr(value, "item") else value
            )
            units[key] = ds.attrs.get("unit")
    return Archive(attrs, config, groups, units)
