"""Which assumptions each target depends on: every model value whose status is `assumption`
(mer/parameters/) scaled by `sensitivity.factor` in turn, the first `sensitivity.n` mothers
solved again in every condition the targets need, and each target's cohort statistic compared
with the unperturbed one on the same mothers (those whose solves succeeded in both).

The change is given in the target's own unit of distance (its published sd, range or value:
mer.validation.targets.Target.band), so "+0.5" means the assumption, scaled as shown, moves the
model by half the published spread (a one-sided limit at 0, e.g. a correlation above 0, has no
spread: its change is in the metric's own unit). A target depends on an assumption when the change reaches
`sensitivity.threshold` of that unit, or when the verdict on these mothers flips (on the whole
cohort it may not); the threshold is a reporting choice, not physiology. One-at-a-time scaling
is a local measure: it does not see interactions between assumptions. A condition that sets an
assumption itself (e.g. the low-vacuum pump its vacuum) keeps its own value.
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np

from mer.config.validate import ConfigError, validate
from mer.parameters import SPECS
from mer.validation.cohort import set_path
from mer.validation.targets import Target, statistic


@dataclasses.dataclass
class Sensitivity:
    factor: float
    n: int  # mothers
    threshold: float  # in the target's unit of distance
    base: dict[str, float]  # target id -> statistic, unperturbed, the first n mothers
    changes: dict[str, dict[str, float]]  # assumption path -> target id -> change in the target's unit
    flips: dict[str, list[str]]  # assumption path -> target ids whose verdict on these mothers it flips
    values: dict[str, float]  # assumption path -> the scaled value used
    defaults: dict[str, float]  # assumption path -> its value before scaling
    skipped: dict[str, str]  # assumption path -> why it was not scaled
    dropped: dict[str, int]  # assumption path -> mother-values undefined in one run only (left out)
    kept_by: dict[str, list[str]]  # assumption path -> conditions that set it themselves

    def depends_on(self, target_id: str) -> list[tuple[str, float]]:
        """(assumption, change) pairs of the target above the threshold or flipping its verdict,
        largest first."""
        found = [
            (p, c[target_id])
            for p, c in self.changes.items()
            if target_id in c and (abs(c[target_id]) >= self.threshold or target_id in self.flips[p])
        ]
        return sorted(found, key=lambda pc: -abs(pc[1]))

    def measured(self, target_id: str) -> bool:
        return any(target_id in c for c in self.changes.values())


def lookup(cfg: dict, path: str):
    """The value at dotted `path` in a nested dict, or None."""
    node = cfg
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def model_assumptions() -> list[str]:
    """Every assumption a run's configuration holds; an intervention's dose acts only where that
    intervention runs, so those are left to a study of that intervention."""
    return [p for p, spec in SPECS.items() if spec.status == "assumption" and not p.startswith("intervention.")]


def scaled_values(cfg: dict, factor: float, mother_fields, only=()) -> tuple[dict, dict]:
    """({path: scaled value}, {path: why skipped}) for every model assumption in `cfg` (or those
    in `only`); a value whose scaled form the configuration's checks refuse is scaled the other way
    (by 1 / factor)."""
    values, skipped = {}, {}
    assumptions = model_assumptions()
    unknown = sorted(set(only) - set(assumptions))
    if unknown:
        raise ConfigError(f"sensitivity.only: {unknown} are not model assumptions (status in mer/parameters/)")
    for path in assumptions:
        spec = SPECS[path]
        if only and path not in only:
            continue
        value = lookup(cfg, path)
        if path in mother_fields:
            skipped[path] = "drawn per mother (its spread is in the cohort)"
        elif value is None:
            skipped[path] = "not in this configuration (another anatomy or stimulus uses it)"
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
    out = copy.deepcopy(cfg)
    set_path(out, path, value)
    return out


def target_values(targets: list[Target], values: dict) -> dict[str, np.ndarray]:
    """Each target's per-mother (or cohort-level) values; absent where the run has none."""
    out = {}
    for t in targets:
        if t.metric and t.condition in values and t.metric in values[t.condition]:
            out[t.id] = np.asarray(values[t.condition][t.metric], dtype=float).ravel()
    return out


DEGENERATE_SCALE = 1e-9


def compare(target: Target, base: np.ndarray, scaled: np.ndarray) -> tuple[float, bool, int]:
    """(change in the target's unit, verdict flipped, values dropped) over the mothers with a
    value in both runs."""
    both = np.isfinite(base) & np.isfinite(scaled)
    if not both.any():
        return math.nan, False, int(base.size)
    lo, hi, scale = target.band()
    # a one-sided limit at 0 (e.g. a correlation above 0) has no spread to measure in: the change
    # is then in the metric's own unit
    scale = scale if scale > DEGENERATE_SCALE else 1.0
    b, s = statistic(target, base[both]), statistic(target, scaled[both])
    return (s - b) / scale, (lo <= b <= hi) != (lo <= s <= hi), int(base.size - both.sum())


def assumption_sensitivity(cfg: dict, targets: list[Target], solve_values, mother_fields) -> Sensitivity:
    """`solve_values(extra_overrides, n)`: per-condition metric values of the first n mothers
    (mer.validation.run). One unperturbed run and one per assumption."""
    s = cfg["sensitivity"]
    factor, n = float(s["factor"]), min(int(s["n"]), int(cfg["cohort"]["n"]))
    model_cfg = {k: v for k, v in cfg.items() if k not in ("cohort", "targets", "conditions", "sensitivity")}
    values, skipped = scaled_values(model_cfg, factor, mother_fields, list(s.get("only") or ()))
    base = target_values(targets, solve_values([], n))
    by_id = {t.id: t for t in targets}
    changes, flips, dropped = {}, {}, {}
    for path, value in values.items():
        try:
            scaled = target_values(targets, solve_values([f"{path}={value!r}"], n))
        except Exception as err:  # one assumption's failed rerun must not cost the others (hours)
            skipped[path] = f"the rerun failed ({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''})"
            continue
        changes[path], flips[path], dropped[path] = {}, [], 0
        for tid in base.keys() & scaled.keys():
            change, flipped, lost = compare(by_id[tid], base[tid], scaled[tid])
            if np.isfinite(change):
                changes[path][tid] = change
            if flipped:
                flips[path].append(tid)
            dropped[path] += lost if base[tid].size > 1 else 0
    kept_by = {
        path: [
            name
            for name, c in cfg["conditions"].items()
            if any(o.lstrip("+~").split("=")[0] == path for o in c.get("overrides", []))
        ]
        for path in values
    }
    return Sensitivity(
        factor,
        n,
        float(s["threshold"]),
        {tid: statistic(by_id[tid], v) for tid, v in base.items()},
        changes,
        flips,
        {p: values[p] for p in changes},
        {p: lookup(model_cfg, p) for p in changes},
        skipped,
        dropped,
        {p: k for p, k in kept_by.items() if k and p in changes},
    )
