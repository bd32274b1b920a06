"""Why is this mother's let-down short? Central (OT release) or peripheral (the breast's response),
and which interventions are predicted to add the most milk for her.

Counterfactual sessions of the fitted mother, each simulated in full (`mer.simulate`):
- fitted: her fitted parameters;
- central restored: her breast and milk, with the default population's release (the pulse train of
  configs/neuro/pulses.yaml: five 40 mU pulses, 4-5 ejections per 15 min and 35-80 mU per pulse,
  docs/literature.md) and literature pituitary and circulation;
- peripheral restored: her release, with the literature's breast response (OT sensitivity,
  contraction, ducts).
Her milk supply (storage capacity, starting fullness) is kept in every counterfactual: the question is
delivery, not production. The shortfall is called central or peripheral by which restoration adds
more; "both" when neither adds 1.5 times the other; "none" when neither adds 5 % of her yield.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np

from mer.config.compose import compose_config
from mer.config.validate import ConfigError
from mer.fit.pulses import release_keys
from mer.interventions import apply_intervention
from mer.simulate import simulate

SUPPLY = ("alveoli.capacity_mL", "alveoli.initial_fullness")
CENTRAL_GROUPS = ("neuro", "pituitary", "circulation")
MATERIAL_GAIN = 0.05  # share of her yield below which a restoration does not count
DOMINANCE = 1.5


@dataclasses.dataclass
class Diagnosis:
    session_id: str
    fitted_yield_g: float
    central_restored_yield_g: float
    peripheral_restored_yield_g: float
    population_yield_g: float
    limiting: str  # central | peripheral | both | none
    interventions: list  # (name, predicted yield g, added g, note), best first

    def report(self) -> str:
        lines = [
            f"diagnosis (session {self.session_id})",
            f"  fitted yield                      {self.fitted_yield_g:7.1f} g",
            f"  with the population's OT release  {self.central_restored_yield_g:7.1f} g "
            f"({self.central_restored_yield_g - self.fitted_yield_g:+.1f} g)",
            f"  with the population's breast      {self.peripheral_restored_yield_g:7.1f} g "
            f"({self.peripheral_restored_yield_g - self.fitted_yield_g:+.1f} g)",
            f"  with both (her supply kept)       {self.population_yield_g:7.1f} g",
            f"  shortfall                         {self.limiting}",
            "  interventions ranked by predicted added yield:",
        ]
        for name, y, added, note in self.interventions:
            text = f"{added:+7.1f} g  ({y:6.1f} g)" if np.isfinite(added) else "    n/a"
            lines.append(f"    {name:14s} {text}  {note}")
        return "\n".join(lines)

    def write(self, group):
        from mer.archive.write import dataset

        group.attrs["session_id"] = self.session_id
        group.attrs["limiting"] = self.limiting
        for name in ("fitted_yield_g", "central_restored_yield_g", "peripheral_restored_yield_g", "population_yield_g"):
            dataset(group, name, getattr(self, name), "g")
        ranked = ("intervention",)  # best first; the names are the coordinate
        dataset(group, "intervention", np.asarray([i[0] for i in self.interventions], dtype="S"), "1", ranked)
        dataset(group, "intervention_yield", np.asarray([i[1] for i in self.interventions]), "g", ranked)
        dataset(group, "intervention_added", np.asarray([i[2] for i in self.interventions]), "g", ranked)
        dataset(group, "intervention_note", np.asarray([i[3] for i in self.interventions], dtype="S"), "1", ranked)


def _yield(cfg) -> float:
    return simulate(cfg).metrics["total_yield_g"]


def _restore(cfg, population, keys):
    """`cfg` with the parameters `keys` (group.name) set back to `population`'s values."""
    cfg = copy.deepcopy(cfg)
    for key in keys:
        group, name = key.split(".")
        if group == "neuro":
            cfg["neuro"][name] = copy.deepcopy(population["neuro"][name])
        else:
            cfg["params"][group][name] = population["params"][group][name]
    return cfg


def limiting_side(fitted, central, peripheral) -> str:
    gain_c, gain_p = central - fitted, peripheral - fitted
    floor = MATERIAL_GAIN * max(fitted, 1e-9)
    if max(gain_c, gain_p) < floor:
        return "none"
    if gain_c >= DOMINANCE * max(gain_p, 0.0) and gain_c >= floor:
        return "central"
    if gain_p >= DOMINANCE * max(gain_c, 0.0) and gain_p >= floor:
        return "peripheral"
    return "both"


def diagnose(result, session: int = 0, rank: bool = True) -> Diagnosis:
    """Attribute the fitted session's shortfall and (with `rank`) rank the interventions for this mother."""
    cfg = result.session_config(session)
    population = compose_config([f"duration_s={cfg['duration_s']}"], "fit")
    fitted_keys = [p.key for p in result.problem.layout.parameters if p.key not in SUPPLY]
    central_keys = [k for k in fitted_keys if k.split(".")[0] in CENTRAL_GROUPS]
    central_keys = sorted(set(central_keys) | set(release_keys(cfg["neuro"]["mode"])))
    peripheral_keys = [k for k in fitted_keys if k.split(".")[0] not in CENTRAL_GROUPS]
    fitted = _yield(cfg)
    central = _yield(_restore(cfg, population, central_keys))
    peripheral = _yield(_restore(cfg, population, peripheral_keys))
    both = _yield(_restore(cfg, population, central_keys + peripheral_keys))
    ranked = []
    for name in sorted(_intervention_names()) if rank else ():
        doses = compose_config([f"intervention={name}"], "fit")["intervention"]
        trial = dict(copy.deepcopy(cfg), intervention=doses)
        try:
            before = _params_of(cfg)
            after, _ = apply_intervention(before, cfg["anatomy"], doses)
        except ConfigError as err:
            ranked.append((name, float("nan"), float("nan"), f"not applicable: {err}"))
            continue
        if after == before:
            ranked.append(
                (name, float("nan"), float("nan"), "acts on the neuron network's drive; fit with neuro=network")
            )
            continue
        y = _yield(trial)
        ranked.append((name, y, y - fitted, ""))
    ranked.sort(key=lambda r: -r[2] if np.isfinite(r[2]) else np.inf)
    return Diagnosis(
        result.session_ids[session],
        fitted,
        central,
        peripheral,
        both,
        limiting_side(fitted, central, peripheral),
        ranked,
    )


def _params_of(cfg):
    params = {k: dict(v) for k, v in cfg["params"].items()}
    params["neuro"] = dict(cfg["neuro"])
    params["stimulus"] = dict(cfg["stimulus"])
    return params


def _intervention_names():
    from mer.interventions.registry import INTERVENTIONS

    return INTERVENTIONS
