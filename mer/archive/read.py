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


def read_verified(path, key, ds):
    """A dataset's values, checked against its checksums (Fletcher-32 by HDF5 on read, CRC-32
    here; archives written before the checksums are read unchecked)."""
    try:
        value = ds[()]
    except (OSError, RuntimeError, ValueError) as err:  # HDF5: "data error detected by fletcher32 checksum"
        raise ArchiveError(f"{path}: dataset {key!r} is damaged and cannot be read ({err})") from None
    expected = ds.attrs.get("crc32")
    if expected is not None and checksum(value) != int(expected):
        raise ArchiveError(f"{path}: dataset {key!r} is damaged: its values do not match their checksum")
    return value


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
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        if attrs.get("schema") != SCHEMA:
            raise ArchiveError(f"{path}: expected root attribute schema={SCHEMA!r}, got {attrs.get('schema')!r}")
        if "config" not in f:
            raise ArchiveError(f"{path}: incomplete archive: no dataset 'config' (the run's configuration)")
        config = yaml.safe_load(read_verified(path, "config", f["config"]).decode())
        groups, units = {}, {}

        def visit(key, ds):
            gname, _, name = key.rpartition("/")
            if not isinstance(ds, h5py.Dataset) or not gname:  # groups, and the root's `config`
                return
            value = read_verified(path, key, ds)
            groups.setdefault(gname, {})[name] = (
                np.asarray(value) if np.ndim(value) else value.item() if hasattr(value, "item") else value
            )
            units[key] = ds.attrs.get("unit")

        try:
            f.visititems(visit)
        except (OSError, RuntimeError, KeyError) as err:  # a damaged group or object header
            raise ArchiveError(f"{path}: damaged archive: its structure cannot be read ({err})") from None
    return Archive(attrs, config, groups, units)
