"""The fit's own settings (configs/fit/*.yaml): what each means, its unit and range, checked by
name before anything runs.

Each setting is a `mer.parameters.Spec`, the registry's own entry (unit, meaning, kind, bounds,
status), and is checked by the same number check as the model's configuration
(mer.config.validate). The entries stay here rather than in `mer.parameters.SPECS` because that
registry is the model's configuration and more than a list of checks: every entry must carry the
status of a model value (measured, derived, fitted, assumption), `mer.archive.write.params_group`
writes each one it finds in a run's configuration into the archive's params/ group, which holds
the mother's values (a fit's settings are kept in the archive's configuration instead), and
`mer.config.validate.validate` runs on the model's configuration, which the fit hands over
without its own keys (mer.fit.result.FIT_ONLY). The fit's structured settings (the parameters'
bounds, the pulse counts, the width paths) are checked below and where they are read
(mer.fit.parameters).
"""

from __future__ import annotations

from mer.config.validate import ConfigError
from mer.config.validate import _check_number as check_number
from mer.parameters import Spec


def _setting(unit, meaning, kind, low, high):
    return Spec(unit, meaning, kind, low, high, status="setting")


SETTINGS = {
    "onset_to_pulse_s": _setting("s", "from a flow onset back to its pulse's centre", float, -120.0, 120.0),
    "align_rounds": _setting("1", "forward solves that move the starting pulses onto the ejections", int, 0, 10),
    "n_starts": _setting("1", "starts batched with vmap; start 0 is the initial guess", int, 1, 64),
    "start_spread": _setting("1", "sd of the other starts around it, in unconstrained units", float, 0.0, 5.0),
    "seed": _setting("1", "seeds the starts", int, 0, 2**31 - 1),
    "max_iterations": _setting("1", "Adam iterations before Levenberg-Marquardt (0: none)", int, 0, 100_000),
    "learning_rate": _setting("1", "Adam's, cosine-decayed", float, 1e-6, 10.0),
    "lr_final_fraction": _setting("1", "the learning rate's share left at the last iteration", float, 0.0, 1.0),
    "clip_norm": _setting("1", "per-start gradient clipping (global norm)", float, 1e-6, 1e6),
    "patience": _setting("1", "iterations without improvement before Adam stops", int, 1, 100_000),
    "tolerance": _setting("1", "relative improvement of the best loss that counts as one", float, 0.0, 1.0),
    "polish_iterations": _setting("1", "Levenberg-Marquardt steps from each start (0: Adam only)", int, 0, 1000),
    "shape_iterations": _setting(
        "1", "Levenberg-Marquardt steps with one pulse width per pulse, the count held (0: none)", int, 0, 1000
    ),
    "shape_width_min_s": _setting("s", "lower bound of each pulse's width (sd) in those steps", float, 0.1, 600.0),
    "shape_width_max_s": _setting("s", "upper bound of each pulse's width (sd) in those steps", float, 0.1, 600.0),
    "refine_iterations": _setting(
        "1", "Levenberg-Marquardt steps on the full breast after the coarse fit (0: none; mer.fit.refine)", int, 0, 1000
    ),
    "refine_agents": _setting("1", "alveolus agents of the breast the fit is finished on", int, 1, 10**7),
    "refine_generations": _setting("1", "duct generations of the breast the fit is finished on", int, 1, 20),
    "weight_cumulative": _setting("1", "weight of 1 - R^2 of the cumulative yield in the loss", float, 0.0, 1e6),
    "weight_flow": _setting("1", "weight of 1 - R^2 of the flow in the loss", float, 0.0, 1e6),
    "prior_sd": _setting("1", "sd of the Gaussian prior on each unconstrained value", float, 1e-3, 1e3),
    "prior_weight": _setting("1", "weight of the prior in the loss", float, 0.0, 1e6),
    "confidence": _setting("1", "of the reported intervals", float, 0.5, 0.9999),
    "checkpoint_every": _setting("1", "Adam iterations between checkpoints", int, 1, 100_000),
    "resume": Spec("1", "continue from the checkpoint (same data and settings)", bool, status="setting"),
    "progress": Spec("1", "progress bars", bool, status="setting"),
}
STRUCTURED = ("parameters", "checkpoint", "pulse_counts", "width_paths_s")  # checked below or where read


def check_settings(fit_cfg: dict) -> None:
    known = set(SETTINGS) | set(STRUCTURED)
    for name in fit_cfg:
        if name not in known:
            raise ConfigError(f"fit.{name}: unknown fit setting; expected one of {sorted(known)}")
    for name, spec in SETTINGS.items():
        value = fit_cfg.get(name)
        if spec.kind is bool:
            if not isinstance(value, bool):
                raise ConfigError(f"fit.{name}: expected true or false, got {value!r}")
        else:
            check_number(f"fit.{name}", value, spec)
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
    if not fit_cfg["shape_width_min_s"] < fit_cfg["shape_width_max_s"]:
        raise ConfigError(
            f"fit.shape_width_min_s: expected below fit.shape_width_max_s, got {fit_cfg['shape_width_min_s']} "
            f"and {fit_cfg['shape_width_max_s']}"
        )
    if fit_cfg["weight_cumulative"] + fit_cfg["weight_flow"] <= 0:
        raise ConfigError("fit.weight_cumulative: cumulative and flow weights cannot both be 0")
