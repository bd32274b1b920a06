"""Process-wide JAX settings for the command-line tools and the tests.

Importing `mer` changes nothing in the host process. float64 is required by default
(`solver.precision=float64`; the fit's Levenberg-Marquardt and the gradient checks need it): the
command-line entry points switch JAX's 64-bit mode on in `configure()`, and `mer.build.build` does
it (once, logged) when a float64 model is built in a host that has not. `solver.precision=float32`
runs without it.

Compilation dominates a short run (a default session compiles for ~10 s and solves in ~1.5 s),
so the compiled solves are kept in JAX's persistent compilation cache and a second run of the
same shape in a new process skips the compiler. The cache lives in `$MER_CACHE_DIR`, else
`$XDG_CACHE_HOME/mer/jax`, else `~/.cache/mer/jax`; `MER_CACHE_DIR=off` disables it.

Finding a compiled program in that cache needs the program first, and tracing the solve through
diffrax costs more than solving it; so the traced solves are kept too, as exported programs in
`<cache>/exported/` (mer/programs.py), and a warm run neither traces nor compiles.

JAX keeps no program that calls back into Python, and equinox's runtime checks inside a diffrax
solve are such callbacks unless `EQX_ON_ERROR=nan` (a failed check then gives NaN, which
`mer.simulate` reports as a failed solve, naming the time). So the cache sets that before
equinox is imported; set `EQX_ON_ERROR=raise` yourself to debug with exceptions (and no cache).
"""

from __future__ import annotations

import logging
import os
import pathlib
import sys

import jax

OFF = ("off", "0", "false", "none", "")


def cache_dir() -> pathlib.Path | None:
    """Where compiled solves are kept, or None when the cache is off."""
    chosen = os.environ.get("MER_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF else pathlib.Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    return pathlib.Path(base) / "mer" / "jax"


def enable_compilation_cache(path: pathlib.Path | None = None) -> pathlib.Path | None:
    """Turn on JAX's persistent compilation cache at `path` (default: `cache_dir()`).

    Returns the folder used, or None when the cache is off or the folder cannot be created (a
    read-only home must not stop a simulation)."""
    path = cache_dir() if path is None else pathlib.Path(path)
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        logging.getLogger(__name__).warning("compilation cache off: cannot create %s (%s)", path, err)
        return None
    os.environ.setdefault("EQX_ON_ERROR", "nan")  # read by equinox when it is imported
    imported = sys.modules.get("equinox._config")
    if getattr(imported, "EQX_ON_ERROR", "nan") != "nan":  # equinox already read another setting
        logging.getLogger(__name__).warning("equinox's runtime checks are host callbacks: solves are not cached")
    jax.config.update("jax_compilation_cache_dir", str(path))
    # keep every compiled solve: even a 1-s compilation is most of a small run's wall time
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return path


def float64_on(say: bool = True) -> None:
    """JAX's 64-bit mode, switched on once per process (arrays made before keep their type);
    `say`: log that it was (a library call in someone else's process), or not (the commands)."""
    if not jax.config.jax_enable_x64:
        jax.config.update("jax_enable_x64", True)
        if say:
            logging.getLogger(__name__).info(
                "JAX's 64-bit mode switched on: mer solves in float64 (solver.precision=float32 leaves it off)"
            )


def configure() -> None:
    """What every command-line tool does before its first JAX call (and before matplotlib draws:
    the library leaves the plotting backend to its host, a command draws off-screen)."""
    float64_on(say=False)
    os.environ.setdefault("MPLBACKEND", "Agg")
    logging.getLogger("jax._src.xla_bridge").setLevel(logging.WARNING)  # no "no TPU" notice
    used = enable_compilation_cache()
    logging.getLogger(__name__).debug(
        "JAX %s on %s; compilation cache: %s", jax.__version__, jax.default_backend(), used
    )
