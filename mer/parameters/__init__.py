"""Every configurable quantity: its unit, its source, its status and the values it may take.

The model's parameters are typed groups (`Params`, one `equinox.Module` per group, each field
defined once with its metadata: mer/parameters/spec.py); the settings that are not parameters
(session, anatomy, solver, switches, intervention doses) are `Spec` entries. `SPECS` gathers both
under their dotted configuration paths: `mer.config.validate` checks a configuration against it
and names the offending field, and every archive's `params/` group carries each value's unit,
source and status from it.
"""

from __future__ import annotations

import dataclasses

import equinox as eqx
import jax.numpy as jnp

from mer.parameters.alveoli import Alveoli, Compression
from mer.parameters.circulation import Atosiban, Circulation, Exogenous, Pituitary
from mer.parameters.ducts import Ducts, DuctWall, Milk
from mer.parameters.interventions import INTERVENTIONS
from mer.parameters.neuro import NetworkDrive, PulseTrain
from mer.parameters.settings import ANATOMY, SESSION, SOLVER, SWITCHES
from mer.parameters.spec import STATUSES, Spec, defaults, specs
from mer.parameters.stimulus import Infant, Pump

# the `params` configuration group: its one option (`literature`) is these classes' defaults
GROUPS = {
    "circulation": Circulation,
    "pituitary": Pituitary,
    "exogenous": Exogenous,
    "compression": Compression,
    "alveoli": Alveoli,
    "ducts": Ducts,
    "duct_wall": DuctWall,
    "milk": Milk,
    "atosiban": Atosiban,
}
# the groups whose values each option of a configuration group sets (configs/neuro/, configs/stimulus/)
NEURO = {"network": NetworkDrive, "pulses": PulseTrain}
STIMULUS = {"pump": Pump, "infant": Infant}


class Params(eqx.Module):
    """The model's differentiable parameters, one typed group each (read as `params.alveoli.hill`)."""

    circulation: Circulation
    pituitary: Pituitary
    exogenous: Exogenous
    compression: Compression
    alveoli: Alveoli
    ducts: Ducts
    duct_wall: DuctWall
    milk: Milk
    atosiban: Atosiban
    neuro: NetworkDrive | PulseTrain
    stimulus: Pump | Infant


def _specs():
    out = dict(SESSION)
    for name, group in GROUPS.items():
        out.update(specs(group, f"params.{name}"))
    for group in (*NEURO.values(), *STIMULUS.values()):
        out.update(specs(group, "neuro" if group in NEURO.values() else "stimulus"))
    for table in (ANATOMY, SOLVER, SWITCHES, INTERVENTIONS):
        out.update(table)
    return out


SPECS: dict[str, Spec] = _specs()
STATUS_GROUPS = {status: tuple(p for p, s in SPECS.items() if s.status == status) for status in STATUSES}


def params_defaults() -> dict:
    """The `params` group's defaults, {group: {name: value}} (Hydra's `params=literature`)."""
    return {name: defaults(group) for name, group in GROUPS.items()}


def _group(cls, values: dict, where: str):
    """One group from its configuration values: an unknown or missing name is refused by name."""
    from mer.config.validate import ConfigError  # mer.config imports this package

    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(
            f"{where}.{unknown[0]}: no such parameter of {cls.__name__}; expected one of {sorted(fields)}"
        )
    missing = [n for n, f in fields.items() if n not in values and f.default is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{where}.{missing[0]}: missing; {cls.__name__} needs it")
    return cls(**{n: v if fields[n].metadata.get("static") else jnp.asarray(v, dtype=float) for n, v in values.items()})


def from_config(params: dict, neuro: dict, stimulus: dict, release: str, stimulus_kind: str) -> Params:
    """Typed parameters from the configuration's `params` group and the values of its `neuro` and
    `stimulus` groups (their switches taken out); `release` and `stimulus_kind` select the groups."""
    from mer.config.validate import ConfigError

    unknown = sorted(set(params) - set(GROUPS))
    if unknown:
        raise ConfigError(f"params.{unknown[0]}: no such parameter group; expected one of {sorted(GROUPS)}")
    groups = {n: _group(cls, params.get(n, {}), f"params.{n}") for n, cls in GROUPS.items()}
    neuro_group = _group(NEURO[release], neuro, "neuro")
    stimulus_group = _group(STIMULUS[stimulus_kind], stimulus, "stimulus")
    return Params(**groups, neuro=neuro_group, stimulus=stimulus_group)


def as_dict(params: Params) -> dict:
    """{group: {name: value}}: the values a run used, as the archive and the reports read them."""
    return {
        f.name: {g.name: getattr(getattr(params, f.name), g.name) for g in dataclasses.fields(getattr(params, f.name))}
        for f in dataclasses.fields(params)
    }


def replace(params: Params, group: str, **values) -> Params:
    """`params` with some values of one group replaced (the fit's and the interventions' edits)."""
    return dataclasses.replace(params, **{group: dataclasses.replace(getattr(params, group), **values)})
