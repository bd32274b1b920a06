"""What a parameter is: its unit, source, bounds and status, kept on the field that defines it.

Each parameter group (mer/parameters/<group>.py) is an `equinox.Module` whose fields are the
parameters, each made by `parameter(default, Spec(...))`. From those fields come the `params`
group's YAML defaults (mer.config.compose registers them with Hydra), the registry the
configuration is checked against (`mer.parameters.SPECS`), each archive's `params/` group with
units, sources and statuses, and the paths the fit may name (`fit.parameters.<group>.<name>`).
The model reads a parameter as an attribute (`params.alveoli.hill`), so a misspelt name fails
when the module is imported, not when JAX traces.
"""

from __future__ import annotations

import dataclasses
import math

import equinox as eqx
from jaxtyping import ArrayLike, Float

Scalar = Float[ArrayLike, ""]
Vector = Float[ArrayLike, " pulses"]  # one value per pulse of a pulse train

# What each value is (physiology review 2026-11-29; docs/design.md); it travels into every archive.
MEASURED_HUMAN = "measured (human)"  # read from measurements in women (the source names the study)
MEASURED_HUMAN_MYOMETRIUM = "measured (human myometrium)"  # measured in human tissue other than the breast
MEASURED_SOW = "measured (sow)"  # measured in another species
DERIVED = "derived"  # computed from measured values (the source says from which)
FITTED = "fitted"  # set so that the model reproduces a target (mer-validate counts it as calibration)
ASSUMPTION = "assumption"  # a prior, a size nothing measured pins down, or a structural choice
SETTING = "setting"  # the experiment, a dose, a switch, the resolution or the numerics: the user's
STATUSES = (MEASURED_HUMAN, MEASURED_HUMAN_MYOMETRIUM, MEASURED_SOW, DERIVED, FITTED, ASSUMPTION, SETTING)

MODEL = "model constant, tuned to the observed sessions (docs/literature.md)"
# Ceilings are set well outside the measured ranges: they refuse typing errors and wrong units
# (1e12 mL, mL for L), not unusual mothers.
CAPACITY_LIMIT = "storage capacity of one breast 74-606 mL (Kent et al. 1999); above 2000 mL is no breast"
SEED_LIMIT = "a 32-bit seed (NumPy, JAX and the archive's integer attribute)"


@dataclasses.dataclass(frozen=True)
class Spec:
    unit: str
    source: str
    kind: type = float
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False  # True: the value must be strictly above `low`
    limit: str = ""  # why the bounds are where they are, quoted when a value falls outside them
    status: str = ""  # one of STATUSES

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(
                f"Spec({self.unit!r}, {self.source[:40]!r}...): status {self.status!r} is not one of {STATUSES}"
            )


def pos(unit, source, status):
    """A value strictly above zero."""
    return Spec(unit, source, float, 0.0, math.inf, True, status=status)


def nonneg(unit, source, status):
    """A value of zero or more."""
    return Spec(unit, source, float, 0.0, status=status)


def frac(source, status, low_open=False):
    """A share in [0, 1] ((0, 1] with `low_open`)."""
    return Spec("1", source, float, 0.0, 1.0, low_open, status=status)


def upto(unit, source, high, limit, status):
    """A positive value with a physiological ceiling far above anything measured (`limit` says whose)."""
    return Spec(unit, source, float, 0.0, high, True, limit, status)


def parameter(default, spec: Spec, static: bool = False):
    """A field of a parameter group: `default` is its value where no option sets it (None: each
    of the group's YAML options sets it, e.g. configs/neuro/*.yaml); `static` marks a switch that
    selects compiled code rather than a differentiable value."""
    kwargs = {} if default is None else {"default": default}
    return eqx.field(static=static, metadata={"spec": spec}, **kwargs)


def specs(group: type, prefix: str) -> dict[str, Spec]:
    """{"<prefix>.<field>": Spec} for a parameter group."""
    return {f"{prefix}.{f.name}": f.metadata["spec"] for f in dataclasses.fields(group)}


def defaults(group: type) -> dict:
    """{field: default} for a group whose fields all have one (a tuple becomes a list, for YAML)."""
    out = {}
    for f in dataclasses.fields(group):
        if f.default is dataclasses.MISSING:
            raise TypeError(f"{group.__name__}.{f.name} has no default: its options set it")
        out[f.name] = list(f.default) if isinstance(f.default, tuple) else f.default
    return out
