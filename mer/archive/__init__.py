"""HDF5 archives (schema `mer-archive`): `save` writes atomically, `load` reads back."""

from mer.archive.read import load
from mer.archive.write import save_simulation

__all__ = ["load", "save_simulation"]
