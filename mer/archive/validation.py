"""validation.h5 (archive kind `validation`): the cohort's draws, every condition's per-mother
metrics, and each target's published value, model statistic and verdict."""

from __future__ import annotations

import numpy as np

from mer.archive.write import dataset, root_attrs, write_atomically
from mer.validation.report import summary_line
from mer.validation.run import COHORT_LEVEL

METRIC_UNITS = {"_s": "s", "_g": "g", "_pM": "pM", "_mm": "mm", "_mL": "mL", "_g_per_s": "g/s", "_mmHg_s": "mmHg s"}


def metric_unit(name: str) -> str:
    for suffix, unit in METRIC_UNITS.items():
        if name.endswith(suffix):
            return unit
    return "1"


def save_validation(path, result):
    """Write `result` (mer.validation.run.ValidationResult) atomically to `path`."""

    def fill(f):
        root_attrs(f, "validation", result.config)
        f.attrs["summary"] = summary_line(result)
        m = f.create_group("mothers")
        for field, values in result.mothers.items():
            unit = "1" if field in ("seed", "session_seed") else metric_unit(field)
            dataset(m, field, np.asarray(values), unit, ("mother",))
        timing = f.create_group("timing")  # intervals within and between mothers (mer/validation/timing.py)
        for key, value in result.timing.items():
            timing.attrs[key] = value
        for name, values in result.values.items():
            g = f.create_group(f"conditions/{name}")
            g.attrs["overrides"] = " ".join(result.config["conditions"][name].get("overrides", []))
            g.attrs["wall_s"] = result.wall_s[name]
            for metric, x in values.items():
                x = np.asarray(x, dtype=float)
                dims = ("cohort",) if metric in COHORT_LEVEL else ("mother",)
                dataset(g, metric, x, metric_unit(metric), dims)
        t = f.create_group("targets")
        for target in result.targets:
            v = result.verdicts[target.id]
            g = t.create_group(target.id)
            for key, value in (
                ("quantity", target.quantity),
                ("metric", target.metric or ""),
                ("condition", target.condition),
                ("role", target.role),
                ("scale", target.scale),
                ("unit", target.unit),
                ("published", target.published()),
                ("source", target.citation()),
                ("verdict", v.verdict),
                ("model", v.model),
                ("distance", v.distance),
                ("n", v.n),
            ):
                g.attrs[key] = value
        if result.sensitivity is not None:
            write_sensitivity(f.create_group("sensitivity"), result.sensitivity, [t.id for t in result.targets])

    return write_atomically(path, fill)


def write_sensitivity(g, s, target_ids):
    """sensitivity/change (assumption, target): each target's statistic moved by scaling one
    assumption, in the target's unit of distance; its scaled values and why others were skipped."""
    for key in ("factor", "n", "threshold"):
        g.attrs[key] = getattr(s, key)
    paths = list(s.changes)
    shape = (len(paths), len(target_ids))
    change = np.array([[s.changes[p].get(t, np.nan) for t in target_ids] for p in paths], dtype=float).reshape(shape)
    flipped = np.array([[t in s.flips[p] for t in target_ids] for p in paths], dtype=bool).reshape(shape)
    dataset(g, "assumption", np.array(paths, dtype="S"), "1", ("assumption",))
    dataset(g, "target", np.array(target_ids, dtype="S"), "1", ("target",))
    dataset(g, "scaled_value", np.array([s.values[p] for p in paths], dtype=float), "1", ("assumption",))
    dataset(g, "default_value", np.array([s.defaults[p] for p in paths], dtype=float), "1", ("assumption",))
    dataset(
        g, "change", change, "1", ("assumption", "target"), "change of the target's statistic / its published spread"
    )
    dataset(g, "verdict_flipped", flipped, "1", ("assumption", "target"))
    for path, why in s.skipped.items():
        g.attrs[f"skipped: {path}"] = why
