"""`run_validation`: sample the cohort, solve every condition the targets need, read each
target's metric per mother and judge it against the published statistic."""

from __future__ import annotations

import dataclasses
import functools
import time

import numpy as np

from mer.config.compose import compose_config
from mer.simulate import SolverError
from mer.validation import metrics as vm
from mer.validation.cohort import SESSIONS_MAX, flatten_mother_spec, mother_config, sample_mothers, solve_cohort
from mer.validation.sensitivity import Sensitivity, assumption_sensitivity, lookup
from mer.validation.settings import CONTROL, VALIDATION_KEYS, check_cohort, select_targets
from mer.validation.targets import Target, Verdict, judge
from mer.validation.timing import interval_variation

# per-mother ratios of a condition to the same mother's control session
RATIOS = {
    "yield_ratio": "yield_g",
    "pulse_ratio": "ot_pulses_per_20min",
    "ot_rise_ratio": "ot_rise_pM",
    "contraction_response_ratio": "contraction_response_mmHg_s",
}
# metrics with one value for the whole cohort of a condition (shares of mothers, failed solves)
COHORT_LEVEL = ("ejection_fraction_of_mothers", "ot_response_fraction", "anticipatory_release_fraction", "solve_failed")
# per-mother differences of a condition from the same mother's control session
DIFFERENCES = {"n_ejections_difference": "n_ejections"}
METRICS = (
    "yield_g",
    "removed_fraction",
    "n_ejections",
    "time_to_first_ejection_s",
    "ejection_latency_s",
    "ejection_interval_s",
    "ejection_duration_s",
    "first_ejection_share",
    "first_two_share",
    "peak_flow_g_per_s",
    "first_to_third_flow_ratio",
    "plasma_ot_basal_pM",
    "plasma_ot_peak_pM",
    "plasma_ot_mean_pM",
    "ot_response_fraction",
    "ot_pulses_per_20min",
    "ot_pulses_first_10min",
    "ot_released_mU",
    "ot_half_life_s",
    "main_duct_diameter_rest_mm",
    "main_duct_diameter_mm",
    "duct_dilation_fraction",
    "duct_dilation_duration_s",
    "duct_diameter_flow_correlation",
    "ejection_fraction_of_mothers",
    "left_right_coincidence",
    "storage_capacity_mL",
    "anticipatory_release_fraction",
    *RATIOS,
    *DIFFERENCES,
)


@dataclasses.dataclass
class ValidationResult:
    config: dict
    targets: list[Target]
    verdicts: dict[str, Verdict]
    mothers: dict[str, np.ndarray]  # field -> (n,) the cohort's drawn values
    values: dict[str, dict[str, np.ndarray]]  # condition -> metric -> per-mother values
    curves: dict[str, dict[str, np.ndarray]]  # condition -> a few mothers' curves for the figures
    wall_s: dict[str, float]
    resolution: dict[str, tuple[float, float]]  # metric -> (coarse mean, full-resolution mean), same mothers
    timing: dict[str, float] = dataclasses.field(default_factory=dict)  # mer/validation/timing.py
    sensitivity: Sensitivity | None = None  # mer/validation/sensitivity.py, when asked for


# metrics whose cohort means the resolution check compares (coarse breast against mer-simulate's)
RESOLUTION_METRICS = (
    "yield_g",
    "removed_fraction",
    "n_ejections",
    "time_to_first_ejection_s",
    "ejection_interval_s",
    "first_ejection_share",
    "peak_flow_g_per_s",
)


def _model_config(cfg: dict) -> dict:
    return {k: v for k, v in cfg.items() if k not in VALIDATION_KEYS}


def condition_values(batch, cfg: dict, condition: dict) -> tuple[dict, list]:
    """Per-mother metrics of one condition's batch, and each mother's ejection onsets."""
    setup = batch.setup
    roots = setup.trees[0].levels()[0]  # the first (left) breast's ducts
    density = float(setup.params.breasts[0].milk.density_g_per_mL)
    sides = [f"_{side}" if side else "" for side in setup.sides]
    rows, onsets = [], []
    for k in range(batch.accepted_steps.shape[0]):
        if not batch.solved[k]:  # a mother whose solve failed has no values (counted in the report)
            rows.append(None)
            onsets.append(np.array([]))
            continue
        series = {name: v[k] for name, v in batch.series.items()}
        per_side = [vm.session_values(batch.ts, series, setup.duration_s, density, s) for s in sides]
        row = per_side[0]
        ducts = batch.ducts[0]
        root_radius = ducts["radius"][k][:, roots]
        row.update(vm.duct_metrics(batch.ts_tree, root_radius, row["onsets_s"]))
        row["duct_diameter_flow_correlation"] = vm.duct_flow_correlation(
            batch.ts, series["cumulative" + sides[0]], batch.ts_tree, root_radius, row["onsets_s"], row.pop("ends_s")
        )
        if len(sides) == 2:
            row["left_right_coincidence"] = vm.coincidence(per_side[0]["onsets_s"], per_side[1]["onsets_s"])
        bolus = condition.get("bolus_time_s")
        row["ejected"] = (
            vm.ejected_after(row["onsets_s"], bolus) if bolus is not None else float(row["n_ejections"] > 0)
        )
        row["ejection_latency_s"] = vm.latency_after(row["onsets_s"], bolus) if bolus is not None else np.nan
        start = float(cfg["stimulus"]["start_s"])
        row["anticipated"] = float(row["first_release_s"] < start) if start > 0 else np.nan
        onsets.append(row.pop("onsets_s"))
        rows.append(row)
    keys = next(r for r in rows if r is not None).keys() if any(r is not None for r in rows) else ()
    values = {key: np.array([np.nan if r is None else r[key] for r in rows], dtype=float) for key in keys}
    if not keys:
        raise SolverError(f"every mother's solve failed in this condition; check the solver settings {cfg['solver']}")
    values["solve_failed"] = np.array([float(np.sum(~batch.solved))])
    values["ejection_fraction_of_mothers"] = np.array([np.nanmean(values.pop("ejected"))])
    values["ot_response_fraction"] = np.array([np.nanmean(values.pop("ot_response"))])
    anticipated = values.pop("anticipated")
    values["anticipatory_release_fraction"] = np.array([np.nanmean(anticipated)]) if start > 0 else np.array([np.nan])
    return values, onsets


def _solve_condition(overrides, mothers, n, chunk, condition, progress):
    ccfg = compose_config(overrides, "validate")
    base = _model_config(ccfg)
    fields = {k: v[:n] for k, v in mothers.items() if k != "storage_capacity_mL"}
    batch = solve_cohort([mother_config(base, fields, k) for k in range(n)], chunk, progress)
    return ccfg, batch, *condition_values(batch, ccfg, condition)


def relative_to_control(values: dict, name: str, n: int) -> None:
    """Add condition `name`'s per-mother ratios and differences to the same mothers' control."""
    for ratio, metric in RATIOS.items():
        control = values[CONTROL][metric][:n]
        with np.errstate(divide="ignore", invalid="ignore"):
            values[name][ratio] = np.where(control > 0, values[name][metric] / control, np.nan)
    for difference, metric in DIFFERENCES.items():
        values[name][difference] = values[name][metric] - values[CONTROL][metric][:n]


def applicable(extra: list[str], cfg: dict) -> list[str]:
    """The overrides of `extra` whose key `cfg` has."""
    return [e for e in extra if lookup(cfg, e.split("=")[0].lstrip("+~")) is not None]


@functools.lru_cache(maxsize=64)
def _condition_config(overrides: tuple) -> dict:
    """A condition's configuration, composed once for every assumption's rerun (read, never changed)."""
    return compose_config(list(overrides), "validate")


def first_mothers_values(overrides, extra, mothers, cfg, needed, n) -> dict:
    """Every needed condition's per-mother values for the first `n` mothers, control first, with
    the `extra` overrides where the condition's configuration has their key (an infant has no
    pump vacuum to scale)."""
    values = {}
    for name in needed:
        condition = cfg["conditions"][name]
        own = list(condition.get("overrides", []))
        usable = applicable(extra, _condition_config(tuple(overrides + own)))
        _, _, values[name], _ = _solve_condition(
            overrides + usable + own, mothers, n, min(cfg["cohort"]["chunk"], n), condition, None
        )
        if name != CONTROL:
            relative_to_control(values, name, n)
    return values


def resolution_check(overrides, mothers, cfg, coarse: dict) -> dict:
    """The first `cohort.resolution_check` mothers of the control again at `cohort.full_resolution`
    (mer-simulate's breast): {metric: (coarse mean, full mean)} over the same mothers."""
    k = min(cfg["cohort"]["resolution_check"], cfg["cohort"]["n"])
    if k == 0:
        return {}
    full = [f"anatomy.{key}={v}" for key, v in cfg["cohort"]["full_resolution"].items()]
    _, _, values, _ = _solve_condition(overrides + full, mothers, k, k, cfg["conditions"][CONTROL], None)
    return {m: (float(np.nanmean(coarse[m][:k])), float(np.nanmean(values[m]))) for m in RESOLUTION_METRICS}


def repeat_sessions(overrides, mothers, cfg, control_onsets) -> dict:
    """The first `cohort.condition_n` mothers' control session again with `cohort.repeat_sessions`
    - 1 other session seeds each; the variation of their intervals within and between mothers."""
    c = cfg["cohort"]
    k = min(c["condition_n"], c["n"])
    onsets = [[o] for o in control_onsets[:k]]
    for r in range(1, min(c["repeat_sessions"], SESSIONS_MAX)):
        shifted = {**mothers, "session_seed": mothers["session_seed"] + r}
        _, _, _, more = _solve_condition(overrides, shifted, k, min(c["chunk"], k), cfg["conditions"][CONTROL], None)
        for m, o in enumerate(more):
            onsets[m].append(o)
    return {"sessions": float(c["repeat_sessions"]), **interval_variation(onsets)}


def run_validation(overrides=(), progress=None) -> ValidationResult:
    """The whole report's numbers. `overrides`: Hydra overrides of configs/validate.yaml."""
    overrides = list(overrides)
    cfg = compose_config(overrides, "validate")
    check_cohort(cfg)
    targets = select_targets(cfg, METRICS)  # bad targets fail here, before anything runs
    c = cfg["cohort"]
    mothers = sample_mothers(cfg["cohort"]["mother"], c["n"], c["seed"])
    mothers["storage_capacity_mL"] = mothers.get("params.alveoli.capacity_mL", np.full(c["n"], np.nan))
    needed = [CONTROL] + sorted({t.condition for t in targets} & set(cfg["conditions"]) - {CONTROL})
    values, curves, wall = {}, {}, {}
    for name in needed:
        condition = cfg["conditions"][name]
        n = c["n"] if name == CONTROL else min(c["condition_n"], c["n"])
        start = time.perf_counter()
        report = progress and (lambda done, nm=name, total=n: progress(nm, done, total))
        chunk = min(c["chunk"], c["n"])
        ccfg, batch, values[name], onsets = _solve_condition(
            overrides + list(condition.get("overrides", [])), mothers, n, chunk, condition, report
        )
        wall[name] = time.perf_counter() - start
        if name == CONTROL:
            values[name]["storage_capacity_mL"] = mothers["storage_capacity_mL"]
        else:
            relative_to_control(values, name, n)
        shown = slice(0, min(6, n))
        roots = batch.setup.trees[0].levels()[0]
        side = "_left" if len(batch.setup.breasts) == 2 else ""
        ducts = batch.ducts[0]
        curves[name] = {
            "time": batch.ts,
            "flow": batch.series["flow" + side][shown],
            "cumulative": batch.series["cumulative" + side][shown],
            "plasma_ot": batch.series["plasma_ot"][shown],
            "tree_time": batch.ts_tree,
            "main_duct_diameter_mm": 2.0 * np.mean(ducts["radius"][shown][:, :, roots], axis=2),
            "accepted_steps": batch.accepted_steps,
        }
        curves[name]["onsets"] = onsets[: shown.stop]
        if name == CONTROL:
            control_onsets = onsets
    start = time.perf_counter()
    timing = repeat_sessions(overrides, mothers, cfg, control_onsets)
    wall["repeat sessions"] = time.perf_counter() - start
    start = time.perf_counter()
    resolution = resolution_check(overrides, mothers, cfg, values[CONTROL])
    wall["resolution check"] = time.perf_counter() - start
    sensitivity = None
    if cfg["sensitivity"]["run"]:
        start = time.perf_counter()
        sensitivity = assumption_sensitivity(
            cfg,
            targets,
            lambda extra, n: first_mothers_values(overrides, extra, mothers, cfg, needed, n),
            set(flatten_mother_spec(cfg["cohort"]["mother"])),
        )
        wall["assumption sensitivity"] = time.perf_counter() - start
    verdicts = {}
    for t in targets:
        if t.metric is None or t.condition not in values:
            verdicts[t.id] = judge(t, [])
        else:
            verdicts[t.id] = judge(t, values[t.condition].get(t.metric, []))
    return ValidationResult(cfg, targets, verdicts, mothers, values, curves, wall, resolution, timing, sensitivity)
