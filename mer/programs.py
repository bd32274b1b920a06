"""Traced solves kept on disk, so that a warm run skips tracing as well as compiling.

JAX's persistent compilation cache (mer/runtime.py) keeps compiled programs, but finding one
needs the program first, and tracing the default solve through diffrax takes longer (~3 s on
2 cores) than solving it (~1 s). So, with that cache on, a plain solve is also kept as an
exported program (`jax.export`, StableHLO, a few MB) under a key of everything it depends on:
the static configuration, the arguments' structure, shapes and types, the versions of jax,
jaxlib, diffrax and equinox, and the source of `mer` itself (an edited file is a new key). A warm
run reads it back in milliseconds and the compilation cache compiles it.

Only solves without host callbacks can be exported: a progress bar, or equinox's runtime checks
raising errors (EQX_ON_ERROR other than nan), take the traced path. Anything that fails here
(a damaged file, a read-only folder) falls back to tracing, logged, never an error.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import logging
import os
import pathlib
import sys
import tempfile

import jax
import numpy as np

from mer.ducts.tree import DuctTree

log = logging.getLogger(__name__)
VERSIONED = ("jax", "jaxlib", "diffrax", "equinox")


def folder() -> pathlib.Path | None:
    """`exported/` in JAX's compilation cache folder, or None when that cache is off or equinox's
    runtime checks are host callbacks (equinox reads EQX_ON_ERROR once, when it is imported)."""
    cache = jax.config.jax_compilation_cache_dir
    imported = sys.modules.get("equinox._config")
    on_error = getattr(imported, "EQX_ON_ERROR", None) or os.environ.get("EQX_ON_ERROR", "raise")
    if not cache or on_error != "nan":
        return None
    return pathlib.Path(cache) / "exported"


@functools.lru_cache(maxsize=1)
def _source_digest() -> str:
    root = pathlib.Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    for name in VERSIONED:
        h.update(f"{name}={importlib.metadata.version(name)}".encode())
    return h.hexdigest()


def _static_digest(value) -> bytes:
    """Bytes that identify a static value: a DuctTree by its topology (what the program reads)."""
    if isinstance(value, DuctTree):
        return b"".join(value._topology())
    if isinstance(value, tuple):
        return b"(" + b",".join(_static_digest(v) for v in value) + b")"
    if dataclasses.is_dataclass(value):
        return repr(type(value)).encode() + b"".join(
            _static_digest(getattr(value, f.name)) for f in dataclasses.fields(value)
        )
    return repr(value).encode()


def key(static, args) -> str:
    leaves, structure = jax.tree_util.tree_flatten(args)
    h = hashlib.sha256(_source_digest().encode())
    h.update(_static_digest(static))
    h.update(str(structure).encode())
    h.update(str([(np.shape(x), str(getattr(x, "dtype", type(x)))) for x in leaves]).encode())
    flags = ("jax_enable_x64", "jax_default_matmul_precision", "jax_numpy_dtype_promotion")
    h.update(f"{[getattr(jax.config, f) for f in flags]} {jax.default_backend()}".encode())
    return h.hexdigest()[:32]


def compiled(fn, static, args):
    """`fn(*args)` compiled from its exported program when one is kept in `folder()` (which must
    not be None), else traced, kept for the next process, and compiled. None when it cannot be
    exported (the caller traces as usual)."""
    path = folder() / f"{key(static, args)}.exported"
    # the program takes the arguments' leaves, a plain list of arrays: jax.export serialises only
    # the pytree nodes it knows, not the typed parameter groups (mer.parameters, equinox Modules)
    leaves, structure = jax.tree_util.tree_flatten(args)

    def call(executable):
        def run(*a):
            leaves, given = jax.tree_util.tree_flatten(a)
            if given != structure:  # static fields live in the structure, not the leaves
                raise TypeError(f"kept program {path.name}: called with arguments of another structure")
            return executable(leaves)

        return run

    if path.is_file():
        try:
            return call(jax.jit(jax.export.deserialize(bytearray(path.read_bytes())).call).lower(leaves).compile())
        except Exception as err:  # a damaged or foreign file: trace again and replace it
            log.warning("ignoring the kept program %s (%s)", path, err)
    try:
        exported = jax.export.export(jax.jit(lambda x: fn(*jax.tree_util.tree_unflatten(structure, x))))(leaves)
        data = exported.serialize()
    except Exception as err:  # e.g. a host callback in the program: not exportable
        log.debug("solve not kept as a program (%s)", err)
        return None
    _write(path, data)
    return call(jax.jit(exported.call).lower(leaves).compile())


def _write(path: pathlib.Path, data: bytes) -> None:
    """Atomically (a half-written program must never be read back); a folder that cannot be
    written only costs the next run its tracing."""
    part = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as f:
            part = f.name
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(part, 0o666 & ~umask)  # as an ordinary file (NamedTemporaryFile makes it 0600)
        os.replace(part, path)
    except OSError as err:
        log.warning("cannot keep the traced solve in %s (%s)", path.parent, err)
        if part is not None and os.path.exists(part):
            os.unlink(part)
