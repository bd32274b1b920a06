"""Intervention functions: (params, intervention config) -> params."""

from __future__ import annotations

import copy


def none(params, cfg):
    """Baseline."""
    return params


def cx43_ko(params, cfg):
    """Cx43 loss: no gap-junction spread of activation and an incoherent basket contraction
    (Plante & Laird 2008 Dev Biol; partial loss with `residual_cx43` between 0 and 1)."""
    params["alveoli"]["cx43"] = params["alveoli"]["cx43"] * cfg["residual_cx43"]
    return params


def atosiban(params, cfg):
    """OT receptor antagonist given as an IV bolus then an infusion from the session start
    (SmPC standard dosing); acts competitively through its free plasma level (Ki ~10 nM)."""
    params["atosiban"]["bolus_mg"] = cfg["bolus_mg"]
    params["atosiban"]["infusion_ug_per_min"] = cfg["infusion_ug_per_min"]
    return params


INTERVENTIONS = {"none": none, "cx43_ko": cx43_ko, "atosiban": atosiban}


def apply_intervention(params, cfg):
    """Apply the intervention named by `cfg['name']` to a copy of `params`."""
    name = cfg["name"]
    if name not in INTERVENTIONS:
        raise ValueError(f"intervention.name: unknown intervention {name!r}; expected one of {sorted(INTERVENTIONS)}")
    return INTERVENTIONS[name](copy.deepcopy(params), cfg)
