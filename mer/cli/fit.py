"""`mer-fit`: fit the model to observed sessions -> fit.h5 and fit.png in Hydra's run directory.

mer-fit data.path=experiments/data/session_a.csv
mer-fit data.path=experiments/data/mother_three_sessions.csv     # one mother, several sessions
mer-fit data.path=SESSION.csv diagnose=true                       # central or peripheral? what helps?
mer-fit data.path=SESSION.csv hydra.run.dir=outputs/fit1 fit.resume=true   # continue a killed fit
"""

from __future__ import annotations

import logging
import pathlib

import hydra
import numpy as np
from omegaconf import DictConfig

import mer.cli.help  # noqa: F401  (the ${mer_groups:...} of --help)
from mer.cli.guard import answers, claim, hydra_command
from mer.config.compose import config_dir
from mer.config.validate import check_overrides
from mer.progress import messages_above_bars

log = logging.getLogger("mer.cli.fit")


def report(result) -> str:
    m = result.metrics
    lines = []
    for s, sid in enumerate(result.session_ids):
        lines.append(
            f"session {sid}: R2 cumulative {m['r2_cumulative'][s]:.4f}, flow {m['r2_flow'][s]:.3f}; "
            f"ejections observed {m['n_mer_observed'][s]}, fitted {m['n_mer_predicted'][s]}"
            + (f" ({m['n_pulses'][s]} pulses)" if "n_pulses" in m else "")
        )
        if result.counts is not None:
            lines.append(f"  {result.counts.reasons()[s]}")
    o = result.optimum
    if o.iterations:
        lines.append(
            f"loss {o.best_loss:.5f} after {o.iterations} iterations x {o.start_u.shape[0]} starts "
            f"({o.evaluations} model gradients{', stopped early' if o.stopped_early else ''}"
            f"{f', resumed from {o.resumed_from}' if o.resumed_from else ''})"
        )
    pol = result.polished
    lines.append(f"polished: loss {pol.loss:.5f} after {pol.iterations} Levenberg-Marquardt steps")
    level = int(100 * result.config["fit"]["confidence"])
    lines.append(f"{'parameter':34s} {'initial':>10s} {'fitted':>10s}   {level} % interval")
    used = np.asarray(result.problem.arrays.used) > 0
    u = result.uncertainty
    for i, label in enumerate(result.labels):
        if used[i]:
            interval = f"[{u.ci_low[i]:.3f}, {u.ci_high[i]:.3f}]"
            lines.append(f"{label:34s} {result.initial[i]:10.3f} {result.values[i]:10.3f}   {interval}")
    if getattr(result, "at_bounds", None):
        lines.append("warning: at a bound (the bound, not the data, set these):")
        lines += [f"  {text}" for text in result.at_bounds]
    if u.not_identifiable:
        lines.append("not pinned down by these data:")
        lines += [f"  {label}: {why}" for label, why in u.not_identifiable.items()]
    lines.append("wall: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.wall_s.items()))
    return "\n".join(lines)


@hydra.main(config_path=str(config_dir()), config_name="fit", version_base=None)
def main(cfg: DictConfig) -> None:
    hydra_command(cfg, run)


def run(config: dict, out_dir: pathlib.Path, overrides=()) -> pathlib.Path:
    """The command without Hydra. Bad settings, data or checkpoints exit with status 2 before the
    fit starts; a failed write with 3."""
    with answers("mer-fit"):
        return _run(config, out_dir, overrides)


def _run(config, out_dir, overrides):
    from mer.archive.fit import save_fit
    from mer.fit.checkpoint import check_checkpoint
    from mer.fit.run import default_checkpoint, fit

    check_overrides(overrides)
    claim(out_dir)
    checkpoint = config["fit"].get("checkpoint") or default_checkpoint(out_dir)
    if config["fit"].get("resume"):
        check_checkpoint(checkpoint)  # before the data are read and the model compiled
    with messages_above_bars():
        result = fit(config, checkpoint_path=checkpoint)
    diagnosis = None
    if config["diagnose"]:
        from mer.fit.diagnose import diagnose

        log.info("diagnosis: the fitted mother against the population, and interventions ranked")
        diagnosis = diagnose(result)
    archive = save_fit(out_dir / "fit.h5", result, diagnosis)
    if config["plot"]:
        from mer.outputs.fit_plot import plot_fit

        plot_fit(result, out_dir / "fit.png")
    print(report(result))
    if diagnosis is not None:
        print(diagnosis.report())
    print(f"archive {archive}")
    return archive


if __name__ == "__main__":
    main()
