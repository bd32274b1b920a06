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
    groups: dict  # group path (e.g. "metrics", "breasts/left/metrics") -> {name: np.ndarray or scalar}
    units: dict  # "group/name" -> unit

    def __getitem__(self, key):
        if key in self.groups:
            return self.groups[key]
        group, _, name = key.rpartition("/")
        return self.groups[group][name]


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

        def visit(key, ds):
            gname, _, name = key.rpartition("/")
            if not isinstance(ds, h5py.Dataset) or not gname:  # groups, and the root's `config`
                return
            value = ds[()]
            groups.setdefault(gname, {})[name] = (
                np.asarray(value) if np.ndim(value) else value.item() if hasattr(value, "item") else value
            )
            units[key] = ds.attrs.get("unit")

        f.visititems(visit)
    return Archive(attrs, config, groups, units)
