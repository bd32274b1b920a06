"""mer: a differentiable, multiscale model of the human milk ejection reflex.

The common case in four calls (each imported on first use, so `import mer` stays light):

    result = mer.simulate(["anatomy.n_alveoli=1000"])      # mer.simulate.simulate
    fitted = mer.fit(["data.path=session.csv"])             # mer.fit.run.fit
    archive = mer.load("run.h5")                            # mer.archive.read.load
    cohort = mer.validate(["cohort.n=20"])                  # mer.validation.run.run_validation

Importing `mer` leaves JAX's settings alone; building a float64 model (the default) switches JAX's
64-bit mode on (mer/runtime.py).
"""

import importlib

from mer.provenance import version as _version

__version__ = _version()

# name -> (module, attribute); None: the module itself (mer.simulate and mer.fit are callable)
_FACADE = {
    "simulate": ("mer.simulate", None),
    "fit": ("mer.fit", None),
    "load": ("mer.archive.read", "load"),
    "open_dataset": ("mer.archive.xr", "open_dataset"),
    "validate": ("mer.facade", "validate"),
}

__all__ = ["__version__", *_FACADE]


def __getattr__(name):
    if name not in _FACADE:
        raise AttributeError(f"module 'mer' has no attribute {name!r}")
    module, attribute = _FACADE[name]
    found = importlib.import_module(module)
    return found if attribute is None else getattr(found, attribute)


def __dir__():
    return sorted([*globals(), *_FACADE])
