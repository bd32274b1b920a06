"""The top-level calls `mer.simulate`, `mer.fit` and `mer.validate`.

`mer.simulate` and `mer.fit` are also the modules that hold these functions (and other code
imports from them: `from mer.simulate import simulate`), so the modules themselves are made
callable: `mer.simulate(...)` is `mer.simulate.simulate(...)` whichever was imported first.
"""

from __future__ import annotations

import sys
import types


def callable_module(name: str, function: str) -> None:
    """Make module `name` callable as its function `function` (the façade's `mer.simulate(...)`).

    **Arguments:**
    - `name`: the module's `__name__`.
    - `function`: the name of the function in it that a call runs."""

    class CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return getattr(self, function)(*args, **kwargs)

    sys.modules[name].__class__ = CallableModule


def validate(overrides=(), progress=None):
    """Run a virtual cohort against the published targets (what `mer-validate` does, without files).

    **Arguments:**
    - `overrides`: Hydra overrides of `configs/validate.yaml`, e.g. `["cohort.n=20", "targets.include=[session]"]`.
    - `progress(condition, done, total)`: called after each solved chunk of mothers (optional).

    **Returns:** a `mer.validation.run.ValidationResult` (verdicts per target; save it with
    `mer.archive.validation.save_validation`)."""
    from mer.validation.run import run_validation

    return run_validation(list(overrides), progress)
