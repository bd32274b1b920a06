"""What a validation run's own settings must be (`cohort`, `targets`, `conditions`,
`sensitivity` in configs/validate.yaml), checked before any mother is solved."""

from __future__ import annotations

from mer.config.validate import ConfigError
from mer.validation.targets import Target, load_targets

VALIDATION_KEYS = ("cohort", "targets", "conditions", "sensitivity")
CONTROL = "pump"  # the condition every ratio and difference is taken to


def select_targets(cfg: dict, metrics) -> list[Target]:
    """The targets the run judges: `targets.include` (ids or scales) of `targets.roles`, each on one of
    `metrics`."""
    t = cfg["targets"]
    targets = load_targets(t.get("file"), metrics)
    keep = set(t.get("include") or ())
    roles = set(t.get("roles") or ("calibration", "validation"))
    chosen = [x for x in targets if x.role in roles and (not keep or x.id in keep or x.scale in keep)]
    if not chosen:
        raise ConfigError(f"targets.include / targets.roles: no target left of {len(targets)} (include {sorted(keep)})")
    return chosen


def check_cohort(cfg: dict) -> None:
    c = cfg["cohort"]
    for key, least in (("n", 1), ("chunk", 1), ("condition_n", 1), ("resolution_check", 0), ("repeat_sessions", 1)):
        if isinstance(c.get(key), bool) or not isinstance(c.get(key), int) or c[key] < least:
            raise ConfigError(f"cohort.{key}: expected an integer >= {least}, got {c.get(key)!r}")
    for name, cond in cfg["conditions"].items():
        if not isinstance(cond, dict) or not isinstance(cond.get("overrides", []), list):
            raise ConfigError(f"conditions.{name}.overrides: expected a list of Hydra overrides")
    s = cfg.get("sensitivity") or {}
    if not isinstance(s.get("run"), bool):
        raise ConfigError(f"sensitivity.run: expected true or false, got {s.get('run')!r}")
    if isinstance(s.get("n"), bool) or not isinstance(s.get("n"), int) or s["n"] < 1:
        raise ConfigError(f"sensitivity.n: expected an integer >= 1, got {s.get('n')!r}")
    for key in ("factor", "threshold"):
        if isinstance(s.get(key), bool) or not isinstance(s.get(key), (int, float)) or not s[key] > 0:
            raise ConfigError(f"sensitivity.{key}: expected a positive number, got {s.get(key)!r}")
    if s["factor"] == 1:
        raise ConfigError("sensitivity.factor: 1 scales nothing; expected a positive number other than 1")
    if CONTROL not in cfg["conditions"]:
        raise ConfigError(f"conditions: the control condition {CONTROL!r} is required (ratios are taken to it)")
