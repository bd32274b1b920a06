"""Which assumptions each target depends on: every model value whose status is `assumption`
(mer/parameters.py) scaled by `sensitivity.factor` in turn, the first `sensitivity.n` mothers
solved again in every condition the targets need, and each target's cohort statistic compared
with the unperturbed one on the same mothers.

The change is given in the target's own unit of distance (its published sd, range or value:
mer.validation.targets.Target.band), so "0.5" means the assumption moves the model by half the
published spread. A target depends on an assumption when the change reaches `sensitivity.threshold`
of that unit or the verdict flips; the threshold is a reporting choice, not physiology.
One-at-a-time scaling is a local measure: it does not see interactions between assumptions.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from mer.config.validate import ConfigError, validate
from mer.parameters import SPECS
from mer.simulate import SolverError
from mer.validation.targets import Target, statistic


@dataclasses.dataclass
class Sensitivity:
    factor: float
    n: int  # mothers
    threshold: float  # in the target's unit of distance
    base: dict[str, float]  # target id -> statistic, unperturbed, same mothers
    changes: dict[str, dict[str, float]]  # assumption path -> target id -> change in the target's unit
    flips: dict[str, list[str]]  # assumption path -> target ids whose verdict it flips
    values: dict[str, float]  # assumption path -> the scaled value used
    skipped: dict[str, str]  # assumption path -> why it was not scaled

    def depends_on(self, target_id: str) -> list[tuple[str, float]]:
        """(assumption, change) pairs of the target above the threshold, largest first."""
        found = [
            (p, c[target_id])
            for p, c in self.changes.items()
            if target_id in c and (abs(c[target_id]) >= self.threshold or target_id in self.flips[p])
        ]
        return sorted(found, key=lambda pc: -abs(pc[1]))


def _lookup(cfg: dict, path: str):
    node = cfg
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def scaled_values(cfg: dict, factor: float, mother_fields, only=()) -> tuple[dict, dict]:
    """({path: scaled value}, {path: why skipped}) for every model assumption in `cfg` (or those
    in `only`); a value whose scaled form the configuration's checks refuse is scaled the other way
    (by 1 / factor)."""
    values, skipped = {}, {}
    assumptions = [p for p, spec in SPECS.items() if spec.status == "assumption" and p.startswith("params.")]
    unknown = sorted(set(only) - set(assumptions))
    if unknown:
        raise ConfigError(f"sensitivity.only: {unknown} are not model assumptions (status in mer/parameters.py)")
    for path in assumptions:
        spec = SPECS[path]
        if only and path not in only:
            continue
        value = _lookup(cfg, path)
        if path in mother_fields:
            skipped[path] = "drawn per mother (its spread is in the cohort)"
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            skipped[path] = f"not a number ({value!r})"
        elif value == 0:
            skipped[path] = "0 by default: scaling leaves it at 0"
        else:
            for f in (factor, 1.0 / factor):
                new = round(value * f) if spec.kind is int else value * f
                if new == value:
                    continue
                try:
                    validate(_with(cfg, path, new))
                except ConfigError:
                    continue
                values[path] = new
                break
            else:
                skipped[path] = f"neither x{factor:g} nor x{1 / factor:.3g} passes the configuration's checks"
    return values, skipped


def _with(cfg: dict, path: str, value) -> dict:
    out = dict(cfg)
    node = out
    parts = path.split(".")
    for part in parts[:-1]:
        node[part] = dict(node[part])
        node = node[part]
    node[parts[-1]] = value
    return out


def statistics(targets: list[Target], values: dict) -> dict[str, float]:
    return {
        t.id: statistic(t, values[t.condition].get(t.metric, [])) if t.metric and t.condition in values else math.nan
        for t in targets
    }


def assumption_sensitivity(cfg: dict, targets: list[Target], solve_values, mother_fields) -> Sensitivity:
    """`solve_values(extra_overrides, n)`: per-condition metric values of the first n mothers
    (mer.validation.run). One unperturbed run and one per assumption."""
    s = cfg["sensitivity"]
    factor, n = float(s["factor"]), min(int(s["n"]), int(cfg["cohort"]["n"]))
    if not factor > 0 or factor == 1.0:
        raise ConfigError(f"sensitivity.factor: expected a positive number other than 1, got {s['factor']!r}")
    model_cfg = {k: v for k, v in cfg.items() if k not in ("cohort", "targets", "conditions", "sensitivity")}
    values, skipped = scaled_values(model_cfg, factor, mother_fields, list(s.get("only") or ()))
    base = statistics(targets, solve_values([], n))
    changes, flips = {}, {}
    bands = {t.id: t.band() for t in targets}
    for path, value in values.items():
        try:
            stats = statistics(targets, solve_values([f"{path}={value!r}"], n))
        except SolverError as err:
            skipped[path] = f"the solves failed ({err})"
            continue
        both = [tid for tid in stats if np.isfinite(stats[tid]) and np.isfinite(base[tid])]
        changes[path] = {tid: (stats[tid] - base[tid]) / bands[tid][2] for tid in both}
        inside = {tid: [bands[tid][0] <= x[tid] <= bands[tid][1] for x in (base, stats)] for tid in both}
        flips[path] = [tid for tid in both if inside[tid][0] != inside[tid][1]]
    return Sensitivity(factor, n, float(s["threshold"]), base, changes, flips, values, skipped)
