"""Checks of the fit's own settings (configs/fit/*.yaml), naming the offending field."""

from __future__ import annotations

import math

from mer.config.validate import ConfigError

# field: (type, low, high) with the bounds inclusive
SETTINGS = {
    "onset_to_pulse_s": (float, -120.0, 120.0),
    "align_rounds": (int, 0, 10),
    "n_starts": (int, 1, 64),
    "start_spread": (float, 0.0, 5.0),
    "seed": (int, 0, 2**31 - 1),
    "max_iterations": (int, 0, 100_000),
    "learning_rate": (float, 1e-6, 10.0),
    "lr_final_fraction": (float, 0.0, 1.0),
    "clip_norm": (float, 1e-6, 1e6),
    "patience": (int, 1, 100_000),
    "tolerance": (float, 0.0, 1.0),
    "polish_iterations": (int, 0, 1000),
    "weight_cumulative": (float, 0.0, 1e6),
    "weight_flow": (float, 0.0, 1e6),
    "prior_sd": (float, 1e-3, 1e3),
    "prior_weight": (float, 0.0, 1e6),
    "confidence": (float, 0.5, 0.9999),
    "checkpoint_every": (int, 1, 100_000),
}
FLAGS = ("resume", "progress")


def check_settings(fit_cfg: dict) -> None:
    known = set(SETTINGS) | set(FLAGS) | {"parameters", "checkpoint", "pulse_counts", "width_paths_s"}
    for name in fit_cfg:
        if name not in known:
            raise ConfigError(f"fit.{name}: unknown fit setting; expected one of {sorted(known)}")
    for name, (kind, low, high) in SETTINGS.items():
        value = fit_cfg.get(name)
        ok_type = isinstance(value, int) if kind is int else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type or not math.isfinite(value):
            expected = "an integer" if kind is int else "a number"
            raise ConfigError(f"fit.{name}: expected {expected} in [{low}, {high}], got {value!r}")
        if not low <= value <= high:
            raise ConfigError(f"fit.{name}: expected a value in [{low}, {high}], got {value!r}")
    for name in FLAGS:
        if not isinstance(fit_cfg.get(name), bool):
            raise ConfigError(f"fit.{name}: expected true or false, got {fit_cfg.get(name)!r}")
    counts = fit_cfg.get("pulse_counts", [0])
    if (
        not isinstance(counts, (list, tuple))
        or 0 not in counts
        or not all(isinstance(c, int) and not isinstance(c, bool) and -2 <= c <= 2 for c in counts)
    ):
        raise ConfigError(
            f"fit.pulse_counts: expected a list of offsets from the detected count in [-2, 2] that holds 0, "
            f"e.g. [-1, 0, 1]; got {counts!r}"
        )
    paths = fit_cfg.get("width_paths_s", [])
    if not isinstance(paths, (list, tuple)) or not all(
        isinstance(w, (int, float)) and not isinstance(w, bool) and 0.0 < w < 1e4 for w in paths
    ):
        raise ConfigError(f"fit.width_paths_s: expected a list of pulse widths in s, e.g. [20.0]; got {paths!r}")
    if fit_cfg["weight_cumulative"] + fit_cfg["weight_flow"] <= 0:
        raise ConfigError("fit.weight_cumulative: cumulative and flow weights cannot both be 0")
