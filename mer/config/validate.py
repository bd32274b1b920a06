"""Check a resolved configuration against the registry and name the offending field."""

from __future__ import annotations

import math

from mer.config.resources import memory_problem
from mer.parameters import SPECS, Spec

# the ejection metrics drop flow episodes shorter than 10 s (mer.outputs.metrics.MIN_DURATION_S):
# the saved flow needs two samples in one to count ejections at all
MAX_SAVE_DT_S = 5.0
MIN_SAVES = 10  # save times per session, at least


class ConfigError(ValueError):
    """A configuration value is missing, unknown, of the wrong type or out of range."""


def _leaves(d, prefix=""):
    """Leaves in dotted form, a level's own scalars before its groups (so `duration_s` is
    reported before `stimulus.session_end_s`, which interpolates it)."""
    for k, v in sorted(d.items(), key=lambda kv: isinstance(kv[1], dict)):
        path = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from _leaves(v, path + ".")
        else:
            yield path, v


def _check_number(path, value, spec: Spec):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{path}: expected a number in {spec.unit}, got {value!r} ({type(value).__name__})")
    if spec.kind is int and not isinstance(value, int):
        raise ConfigError(f"{path}: expected an integer, got {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"{path}: expected a finite number, got {value!r}")
    low_ok = value > spec.low if spec.low_open else value >= spec.low
    if not low_ok or value > spec.high:
        lo = "(" if spec.low_open else "["
        why = f" ({spec.limit})" if spec.limit else ""
        raise ConfigError(f"{path}: expected a value in {lo}{spec.low}, {spec.high}] {spec.unit}, got {value!r}{why}")


def validate(cfg: dict) -> None:
    """Raise ConfigError naming the first field that is unknown, mistyped or out of range."""
    for path, value in _leaves({k: v for k, v in cfg.items() if k != "hydra"}):
        spec = SPECS.get(path)
        if spec is None:
            raise ConfigError(f"{path}: unknown configuration field")
        if spec.kind is bool:
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: expected true or false, got {value!r}")
        elif spec.kind is str:
            if not isinstance(value, str):
                raise ConfigError(f"{path}: expected a name, got {value!r}")
        elif spec.kind is list:
            if not isinstance(value, (list, tuple)) or len(value) == 0:
                raise ConfigError(f"{path}: expected a non-empty list of numbers in {spec.unit}, got {value!r}")
            for i, item in enumerate(value):
                _check_number(f"{path}[{i}]", item, spec)
        else:
            _check_number(path, value, spec)
    _check_consistency(cfg)


REQUIRED = {
    ("anatomy", "kind", "average"): ("n_lobes", "main_duct_radius_mm"),
    ("anatomy", "kind", "generated"): ("n_lobes_mean", "n_lobes_max", "capacity_mean_mL"),
    ("neuro", "mode", "network"): ("n_neurons", "drive_gain"),
    ("neuro", "mode", "pulses"): ("onsets_s", "amounts_mU", "widths_s"),
    ("stimulus", "kind", "pump"): ("stimulation_duration_s", "expression_vacuum_mmHg"),
    ("stimulus", "kind", "infant"): ("switch_volume_mL", "peak_vacuum_mmHg"),
}


def _check_group_kinds(cfg):
    """A kind switched by a field (`anatomy.kind=generated`) needs its group's fields: select the
    group instead (`anatomy=generated`)."""
    for (group, field, kind), keys in REQUIRED.items():
        node = cfg[group]
        if node.get(field) == kind:
            missing = [k for k in keys if k not in node]
            if missing:
                raise ConfigError(
                    f"{group}.{field}: {kind!r} needs {group}.{missing[0]}; select the config group "
                    f"instead ({group}={kind})"
                )


def _check_two_compartment(c):
    """k12 >= 0 needs beta <= CL / V1 <= alpha, i.e. V1 between CL / alpha and CL / beta."""
    if c["two_compartment"] != 1:
        return
    cl = c["two_compartment_clearance_L_per_h"] / 3600.0
    low = cl / (math.log(2.0) / c["alpha_half_life_s"])
    high = cl / (math.log(2.0) / c["beta_half_life_s"])
    if not low <= c["central_volume_L"] <= high:
        raise ConfigError(
            f"params.circulation.central_volume_L: expected a value in [{low:.2f}, {high:.2f}] L for the "
            f"two-compartment half-lives and clearance, got {c['central_volume_L']!r}"
        )


def check_overrides(overrides) -> None:
    """Refuse an intervention listed twice: Hydra merges `intervention=[stress,stress]` into one
    `stress` node, so the second would be dropped without a word."""
    for override in overrides:
        key, _, value = str(override).partition("=")
        if key.lstrip("+~") != "intervention" or not value.strip().startswith("["):
            continue
        names = [n.strip().strip("'\"") for n in value.strip().strip("[]").split(",") if n.strip()]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ConfigError(
                f"intervention: {repeated[0]!r} is listed twice in {value}; an intervention applies once "
                f"(raise its dose instead, e.g. intervention.{repeated[0]}.<dose>=...)"
            )


def _check_save_steps(cfg):
    """Save steps that resolve the session: a 10000-s step reports one ejection where there are four."""
    duration, solver = cfg["duration_s"], cfg["solver"]
    limit = min(MAX_SAVE_DT_S, duration / MIN_SAVES)
    if solver["save_dt_s"] > limit:
        raise ConfigError(
            f"solver.save_dt_s: expected at most {limit:g} s (ejections shorter than 10 s are not counted, "
            f"and a session needs {MIN_SAVES} save times: at most duration_s / {MIN_SAVES}), "
            f"got {solver['save_dt_s']!r}"
        )
    for name in ("agent_save_dt_s", "tree_save_dt_s"):
        if solver[name] > duration:
            raise ConfigError(f"solver.{name}: expected at most duration_s ({duration:g} s), got {solver[name]!r}")


FLOAT32_TOLERANCE = 1e-6


def mechanism_options() -> list[str]:
    """The options of the `mechanism` group: its files in configs/mechanism/."""
    from mer.config.compose import config_dir

    return sorted(p.stem for p in (config_dir() / "mechanism").glob("*.yaml"))


def _check_consistency(cfg):
    _check_group_kinds(cfg)
    _check_save_steps(cfg)
    _check_two_compartment(cfg["params"]["circulation"])
    an = cfg["anatomy"]
    if an["kind"] not in ("average", "generated"):
        raise ConfigError(f"anatomy.kind: expected 'average' or 'generated', got {an['kind']!r}")
    lobes = an["n_lobes"] if an["kind"] == "average" else an["n_lobes_max"]
    n_lobules = lobes * 2 ** (an["generations"] - 1)
    if an["n_alveoli"] < n_lobules:
        raise ConfigError(
            f"anatomy.n_alveoli: expected at least one agent per lobule ({n_lobules} lobules for "
            f"{lobes} lobes and generations={an['generations']}), got {an['n_alveoli']}"
        )
    if an["kind"] == "generated" and not an["n_lobes_min"] <= an["n_lobes_max"]:
        raise ConfigError("anatomy.n_lobes_min: expected at most anatomy.n_lobes_max")
    mechanisms = mechanism_options()
    if cfg.get("mechanism", "desensitisation") not in mechanisms:
        raise ConfigError(f"mechanism: expected one of {', '.join(mechanisms)}, got {cfg['mechanism']!r}")
    precision = cfg["solver"].get("precision", "float64")
    if precision not in ("float64", "float32"):
        raise ConfigError(f"solver.precision: expected 'float64' or 'float32', got {precision!r}")
    if precision == "float32" and cfg["solver"]["rtol"] < FLOAT32_TOLERANCE:
        raise ConfigError(
            f"solver.rtol: expected at least {FLOAT32_TOLERANCE:g} with solver.precision=float32 (float32 rounding, "
            f"~1e-7, would defeat step control), got {cfg['solver']['rtol']!r}"
        )
    st = cfg["stimulus"]
    if st["kind"] not in ("pump", "infant"):
        raise ConfigError(f"stimulus.kind: expected 'pump' or 'infant', got {st['kind']!r}")
    if st["resolution"] not in ("averaged", "resolved"):
        raise ConfigError(f"stimulus.resolution: expected 'averaged' or 'resolved', got {st['resolution']!r}")
    if st.get("pattern", "two_phase") not in ("two_phase", "three_phase"):
        raise ConfigError(f"stimulus.pattern: expected 'two_phase' or 'three_phase', got {st['pattern']!r}")
    neuro = cfg["neuro"]
    if neuro["mode"] not in ("network", "pulses"):
        raise ConfigError(f"neuro.mode: expected 'network' or 'pulses', got {neuro['mode']!r}")
    if neuro["mode"] == "pulses":
        lengths = {k: len(neuro[k]) for k in ("onsets_s", "amounts_mU", "widths_s")}
        if len(set(lengths.values())) != 1:
            raise ConfigError(f"neuro.onsets_s/amounts_mU/widths_s: expected lists of equal length, got {lengths}")
    if neuro["mode"] == "network" and neuro["n_neurons"] < neuro["n_bundles"]:
        raise ConfigError(
            f"neuro.n_neurons: expected at least neuro.n_bundles ({neuro['n_bundles']}), got {neuro['n_neurons']}"
        )
    problem = memory_problem(cfg)  # last: it needs every count above to be valid
    if problem:
        raise ConfigError(problem)
