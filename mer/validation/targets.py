"""Published measurements as data (targets.yaml), checked before anything runs, and the verdict
of a cohort's values against each one.

A target's `value` is a published population statistic; the cohort gives one model value per
simulated mother, and the verdict compares like with like:

| published            | passes when                                    | distance outside (in units of) |
|----------------------|------------------------------------------------|--------------------------------|
| mean +/- sd          | the cohort mean lies within mean +/- sd        | published sd                   |
| mean +/- se (n)      | as mean +/- sd with sd = se sqrt(n)            | that sd                        |
| median, iqr          | the cohort median lies inside the iqr          | iqr width                      |
| median, range / range| the cohort median lies inside the range        | range width                    |
| value                | the cohort median is within 10 % of it         | the value                      |
| min / max            | the cohort median is on the right side of it   | the limit                      |

The spread is reported beside the verdict (cohort sd over published sd) but does not decide it:
most published spreads mix mothers, sessions and measurement error.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import math
import pathlib

import numpy as np
import yaml

ROLES = ("calibration", "validation")
SCALES = ("plasma", "hypothalamus", "breast", "duct", "session", "intervention")
FIELDS = ("id", "scale", "quantity", "metric", "condition", "method", "population", "value", "unit", "source", "role")
VALUE_FORMS = (
    {"mean", "sd"},
    {"mean", "se"},
    {"median", "iqr"},
    {"median", "range"},
    {"range"},
    {"value"},
    {"min"},
    {"max"},
)
UNITS = ("1", "pM", "s", "min", "g", "mL", "g/s", "mL/s", "mm", "mmHg", "mU", "g/kg", "mL/h", "g/min", "mL/min")
VALUE_TOLERANCE = 0.10  # a single published value passes within 10 % (no spread given)


class TargetError(ValueError):
    """A target entry is missing a field or has one the report cannot use."""


@dataclasses.dataclass(frozen=True)
class Target:
    id: str
    scale: str
    quantity: str
    metric: str | None
    condition: str
    method: str
    population: dict
    value: dict
    unit: str
    source: dict
    role: str
    calibrates: tuple = ()
    notes: str = ""

    def citation(self) -> str:
        s = self.source
        first = str(s.get("authors", "")).split(",")[0].strip()
        etal = " et al." if "," in str(s.get("authors", "")) else ""
        return f"{first}{etal} {s.get('year', '')}, {s.get('journal', '')}".strip()

    def mean_compared(self) -> bool:
        """A published mean is met by the cohort's mean; everything else by its median."""
        return "mean" in self.value

    def band(self) -> tuple[float, float, float]:
        """(low, high, scale): where the cohort statistic passes, and the unit of the distance
        outside it (the table in the module docstring)."""
        v = self.value
        if self.mean_compared():
            spread = v["sd"] if "sd" in v else v["se"] * math.sqrt(float(self.population["n"]))
            return v["mean"] - spread, v["mean"] + spread, spread
        if "iqr" in v or "range" in v:
            lo, hi = v.get("iqr") or v["range"]
            return lo, hi, max(hi - lo, 1e-12)
        if "value" in v:
            lo, hi = sorted((v["value"] * (1 - VALUE_TOLERANCE), v["value"] * (1 + VALUE_TOLERANCE)))
            return lo, hi, max(abs(v["value"]), 1e-12)
        limit = v.get("min", v.get("max"))
        lo, hi = (limit, math.inf) if "min" in v else (-math.inf, limit)
        return lo, hi, max(abs(limit), 1e-12)

    def published(self) -> str:
        """The published statistic as text, e.g. '4.3 +/- 0.4 (sd)'."""
        v = self.value
        if "sd" in v:
            return f"{v['mean']:g} +/- {v['sd']:g} (sd)"
        if "se" in v:
            return f"{v['mean']:g} +/- {v['se']:g} (se)"
        if "iqr" in v:
            return f"{v['median']:g} (iqr {v['iqr'][0]:g}-{v['iqr'][1]:g})"
        if "median" in v:
            return f"{v['median']:g} (range {v['range'][0]:g}-{v['range'][1]:g})"
        if "range" in v:
            return f"{v['range'][0]:g}-{v['range'][1]:g}"
        if "value" in v:
            return f"{v['value']:g}"
        return f">= {v['min']:g}" if "min" in v else f"<= {v['max']:g}"


def default_targets_path() -> pathlib.Path:
    return pathlib.Path(str(importlib.resources.files("mer.validation") / "targets.yaml"))


def _number(entry_id, field, x):
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise TargetError(f"target {entry_id!r}: {field}: expected a finite number, got {x!r}")
    return float(x)


def _check_value(entry_id, value):
    if not isinstance(value, dict) or set(value) not in VALUE_FORMS:
        forms = ", ".join("{" + ", ".join(sorted(f)) + "}" for f in VALUE_FORMS)
        raise TargetError(f"target {entry_id!r}: value: expected one of {forms}, got {value!r}")
    out = {}
    for k, x in value.items():
        if k in ("iqr", "range"):
            if not isinstance(x, (list, tuple)) or len(x) != 2:
                raise TargetError(f"target {entry_id!r}: value.{k}: expected [low, high], got {x!r}")
            lo, hi = (_number(entry_id, f"value.{k}", y) for y in x)
            if lo > hi:
                raise TargetError(f"target {entry_id!r}: value.{k}: low {lo} above high {hi}")
            out[k] = (lo, hi)
        else:
            out[k] = _number(entry_id, f"value.{k}", x)
    for k in ("sd", "se"):
        if k in out and out[k] <= 0:
            raise TargetError(f"target {entry_id!r}: value.{k}: expected a positive spread, got {out[k]}")
    return out


def parse_target(entry: dict, metrics=None) -> Target:
    """One YAML entry -> Target; raises TargetError naming the entry and the field."""
    entry_id = entry.get("id", "<no id>") if isinstance(entry, dict) else "<not a mapping>"
    if not isinstance(entry, dict):
        raise TargetError(f"target {entry_id}: expected a mapping of fields, got {entry!r}")
    missing = [f for f in FIELDS if f not in entry]
    if missing:
        raise TargetError(f"target {entry_id!r}: missing field(s) {missing}")
    unknown = sorted(set(entry) - set(FIELDS) - {"calibrates", "notes"})
    if unknown:
        raise TargetError(f"target {entry_id!r}: unknown field(s) {unknown}")
    if entry["role"] not in ROLES:
        raise TargetError(f"target {entry_id!r}: role: expected one of {ROLES}, got {entry['role']!r}")
    if entry["scale"] not in SCALES:
        raise TargetError(f"target {entry_id!r}: scale: expected one of {SCALES}, got {entry['scale']!r}")
    if entry["unit"] not in UNITS:
        raise TargetError(f"target {entry_id!r}: unit: expected one of {UNITS}, got {entry['unit']!r}")
    source = entry["source"]
    if not isinstance(source, dict) or not source.get("authors") or not source.get("year"):
        raise TargetError(
            f"target {entry_id!r}: source: expected authors and year (and journal, where), got {source!r}"
        )
    calibrates = entry.get("calibrates") or []
    if entry["role"] == "calibration" and not calibrates:
        raise TargetError(f"target {entry_id!r}: calibrates: a calibration target names the parameters it set")
    population = entry["population"] or {}
    if "se" in entry["value"] and not isinstance(population.get("n"), int):
        raise TargetError(f"target {entry_id!r}: population.n: a mean +/- se needs the number of subjects")
    metric = entry["metric"]
    if metric is not None and metrics is not None and metric not in metrics:
        raise TargetError(f"target {entry_id!r}: metric: unknown {metric!r}; expected one of {sorted(metrics)} or null")
    return Target(
        id=str(entry_id),
        scale=entry["scale"],
        quantity=str(entry["quantity"]),
        metric=metric,
        condition=str(entry["condition"]),
        method=str(entry["method"]),
        population=dict(population),
        value=_check_value(entry_id, entry["value"]),
        unit=entry["unit"],
        source=dict(source),
        role=entry["role"],
        calibrates=tuple(calibrates),
        notes=str(entry.get("notes") or ""),
    )


def load_targets(path=None, metrics=None) -> list[Target]:
    """Every target of a targets file (default: the packaged one), checked; ids unique."""
    path = pathlib.Path(path) if path is not None else default_targets_path()
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise TargetError(f"{path}: cannot read the targets file ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("targets"), list) or not data["targets"]:
        raise TargetError(f"{path}: expected a top-level 'targets:' list of entries")
    targets = [parse_target(e, metrics) for e in data["targets"]]
    seen = set()
    for t in targets:
        if t.id in seen:
            raise TargetError(f"{path}: target id {t.id!r} appears twice")
        seen.add(t.id)
    return targets


@dataclasses.dataclass(frozen=True)
class Verdict:
    verdict: str  # pass | fail | not computed
    model: str  # the cohort's statistic as text
    distance: float  # how far outside the published range, in the unit of the table above; 0 inside
    n: int  # mothers with a value
    spread_ratio: float  # cohort sd / published sd (nan where none)


def statistic(target: Target, values) -> float:
    """The cohort's statistic that the target is judged on: the mean where the target publishes a
    mean, else the median; NaN when no mother has a value."""
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan
    return float(np.mean(x)) if target.mean_compared() else float(np.median(x))


def judge(target: Target, values) -> Verdict:
    """The cohort's values (one per mother; NaN where a mother has none) against a target."""
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return Verdict("not computed", "-", math.nan, 0, math.nan)
    lo, hi, scale = target.band()
    sd = float(np.std(x, ddof=1)) if x.size > 1 else 0.0
    stat = statistic(target, x)
    if target.mean_compared():
        model, ratio = f"{stat:.3g} +/- {sd:.2g}", sd / scale
    else:
        q1, q3 = np.percentile(x, [25, 75])
        model, ratio = f"{stat:.3g} (iqr {q1:.3g}-{q3:.3g})", math.nan
    outside = max(lo - stat, stat - hi, 0.0)
    return Verdict("pass" if outside == 0 else "fail", model, outside / scale, int(x.size), ratio)
