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

# the `params` configuration group: its one option (`literature`) is these classes' defaults. The
# central groups act once per mother (one hypothalamus, pituitary and circulation); the gland groups
# once per breast (`Gland`), each breast built from its own draws.
CENTRAL = {"circulation": Circulation, "pituitary": Pituitary, "exogenous": Exogenous, "atosiban": Atosiban}
GLAND = {"alveoli": Alveoli, "compression": Compression, "ducts": Ducts, "duct_wall": DuctWall, "milk": Milk}
GROUPS = {**CENTRAL, **GLAND}
# the groups whose values each option of a configuration group sets (configs/neuro/, configs/stimulus/)
NEURO = {"network": NetworkDrive, "pulses": PulseTrain}
STIMULUS = {"pump": Pump, "infant": Infant}


class Gland(eqx.Module):
    """One breast's parameters: its alveoli, ducts and milk (read as `gland.alveoli.hill`)."""

    alveoli: Alveoli
    compression: Compression
    ducts: Ducts
    duct_wall: DuctWall
    milk: Milk


class Params(eqx.Module):
    """The model's differentiable parameters: the central groups once, one `Gland` per breast
    (`breasts`, a tuple of one or two)."""

    circulation: Circulation
    pituitary: Pituitary
    exogenous: Exogenous
    atosiban: Atosiban
    neuro: NetworkDrive | PulseTrain
    stimulus: Pump | Infant
    breasts: tuple[Gland, ...]


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


def _unknown_groups(params: dict) -> None:
    from mer.config.validate import ConfigError

    unknown = sorted(set(params) - set(GROUPS))
    if unknown:
        raise ConfigError(f"params.{unknown[0]}: no such parameter group; expected one of {sorted(GROUPS)}")


def gland_from_config(params: dict) -> Gland:
    """One breast's groups from its configuration's `params` group (after its anatomy draws)."""
    _unknown_groups(params)
    return Gland(**{n: _group(cls, params.get(n, {}), f"params.{n}") for n, cls in GLAND.items()})


def from_config(
    params: dict, neuro: dict, stimulus: dict, release: str, stimulus_kind: str, breasts: tuple[dict, ...] = ()
) -> Params:
    """Typed parameters from the configuration's `params` group and the values of its `neuro` and
    `stimulus` groups (their switches taken out); `release` and `stimulus_kind` select the groups.
    `breasts`: each breast's `params` group where they differ (drawn anatomies); else one breast."""
    _unknown_groups(params)
    central = {n: _group(cls, params.get(n, {}), f"params.{n}") for n, cls in CENTRAL.items()}
    neuro_group = _group(NEURO[release], neuro, "neuro")
    stimulus_group = _group(STIMULUS[stimulus_kind], stimulus, "stimulus")
    glands = tuple(gland_from_config(b) for b in (breasts or (params,)))
    return Params(**central, neuro=neuro_group, stimulus=stimulus_group, breasts=glands)


def _values(group) -> dict:
    return {f.name: getattr(group, f.name) for f in dataclasses.fields(group)}


def as_dict(params: Params, breast: int = 0) -> dict:
    """{group: {name: value}}: the values a run used (the gland groups of breast `breast`), as the
    archive and the reports read them."""
    out = {name: _values(getattr(params, name)) for name in (*CENTRAL, "neuro", "stimulus")}
    out.update({name: _values(getattr(params.breasts[breast], name)) for name in GLAND})
    return out


def replace(params: Params, group: str, **values) -> Params:
    """`params` with some values of one group replaced (the fit's edits): a gland group's in every
    breast, as the mother's value."""
    if group in GLAND:
        glands = tuple(
            dataclasses.replace(g, **{group: dataclasses.replace(getattr(g, group), **values)}) for g in params.breasts
        )
        return dataclasses.replace(params, breasts=glands)
    return dataclasses.replace(params, **{group: dataclasses.replace(getattr(params, group), **values)})
