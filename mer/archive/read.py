"""Read an archive back into plain Python: `load(path) -> Archive`."""

from __future__ import annotations

import dataclasses
import pathlib

import h5py
import numpy as np
import yaml

from mer.archive.write import SCHEMA


class ArchiveError(ValueError):
    """The file is not a readable mer archive."""


@dataclasses.dataclass
class Archive:
    attrs: dict
    config: dict
    groups: dict  # group -> {name: np.ndarray or scalar}
    units: dict  # "group/name" -> unit

    def __getitem__(self, key):
        group, _, name = key.partition("/")
        return self.groups[group][name] if name else self.groups[group]


def load(path) -> Archive:
    """Load a `mer-archive` HDF5 file; raises ArchiveError naming the file if it is not one."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise ArchiveError(f"{path}: no such archive file")
    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise ArchiveError(f"{path}: not an HDF5 file ({err})") from err
    with f:
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        if attrs.get("schema") != SCHEMA:
            raise ArchiveError(f"{path}: expected root attribute schema={SCHEMA!r}, got {attrs.get('schema')!r}")
        config = yaml.safe_load(f["config"][()].decode())
        groups, units = {}, {}
        for gname, group in f.items():
            if not isinstance(group, h5py.Group):
                continue
            groups[gname] = {}
            for name, ds in group.items():
                value = ds[()]
                groups[gname][name] = (
                    np.asarray(value) if np.ndim(value) else value.item() if hasattr(value, "item") else value
                )
                units[f"{gname}/{name}"] = ds.attrs.get("unit")
    return Archive(attrs, config, groups, units)
