"""`mer-simulate`: one session -> run.h5 and flow.png in Hydra's run directory.

mer-simulate                                   # 15-min pumping session, one breast
mer-simulate anatomy.n_alveoli=5000 neuro=pulses
mer-simulate intervention=cx43_ko hydra.run.dir=outputs/ko
mer-simulate -m intervention=none,cx43_ko,atosiban
"""

from __future__ import annotations

import logging
import pathlib
import time

import hydra
from omegaconf import DictConfig

import mer.cli.help  # noqa: F401  (the ${mer_groups:...} of --help)
from mer.cli.guard import RunFolderError, answers, claim, hydra_command
from mer.config.compose import config_dir
from mer.config.resources import disk_problem
from mer.config.validate import check_overrides, validate

log = logging.getLogger("mer.cli.simulate")


def report(result, wall_s) -> str:
    m, b = result.metrics, result.balance
    onsets = ", ".join(f"{t:.0f}" for t in m["mer_onsets_s"])
    err = abs(b["error_ml"]) / b["initial_ml"] * 100
    per_breast = [  # with breasts=2
        f"  {b.side:<5} yield        {b.metrics['total_yield_g']:.1f} g, ejections at "
        + ", ".join(f"{t:.0f}" for t in b.metrics["mer_onsets_s"])
        + f" s, mass balance error {abs(b.balance['error_ml']) / b.balance['initial_ml'] * 100:.2e} %"
        for b in result.breasts
        if b.side
    ]
    return "\n".join(
        [
            f"total yield          {m['total_yield_g']:.1f} g",
            *per_breast,
            f"ejections            {m['n_mer']} (onsets at {onsets} s)",
            f"time to first MER    {m['time_to_first_mer_s']:.0f} s",
            f"peak flow            {m['peak_flow_g_per_s']:.2f} g/s",
            f"first-MER share      {m['first_mer_share'] * 100:.0f} %",
            f"removed              {m['removed_fraction'] * 100:.0f} % of {b['initial_ml']:.0f} mL",
            f"mass balance error   {err:.2e} %",
            f"pressure at peak     outlets {m['outlet_pressure_share'] * 100:.0f} %, ducts "
            f"{m['duct_pressure_share'] * 100:.1f} %, pores {m['pore_pressure_share'] * 100:.0f} % of the drop",
            f"solver               {result.stats['accepted_steps']} steps, {wall_s:.1f} s wall",
        ]
    )


@hydra.main(config_path=str(config_dir()), config_name="simulate", version_base=None)
def main(cfg: DictConfig) -> None:
    hydra_command(cfg, run)


def run(config: dict, out_dir: pathlib.Path, overrides=()) -> pathlib.Path:
    """The command without Hydra: check everything, simulate, write the archive and figures.
    Bad input exits with status 2 before any work, a failed solve or write with 3."""
    with answers("mer-simulate", invalid="invalid configuration: "):
        return _run(config, out_dir, overrides)


def _run(config, out_dir, overrides):
    from mer.archive import save_simulation
    from mer.outputs.plot import plot_session
    from mer.simulate import simulate

    start = time.perf_counter()
    check_overrides(overrides)
    validate(config)
    claim(out_dir)
    problem = disk_problem(config, out_dir)
    if problem:
        raise RunFolderError(problem)
    result = simulate(config)
    archive = save_simulation(out_dir / "run.h5", result)
    log.info("archive written: %s", archive)
    if config["plot"]:
        ts = result.timeseries
        names = "+".join(config.get("intervention") or {}) or "none"
        title = f"intervention={names}, neuro={config['neuro']['mode']}"
        if len(result.breasts) == 2:
            title += ", both breasts"
        plot_session(
            result.time,
            ts["flow"],
            ts["cumulative"],
            ts["plasma_ot"],
            result.metrics["mer_onsets_s"],
            out_dir / "flow.png",
            title,
            {b.side: (ts[f"flow_{b.side}"], ts[f"cumulative_{b.side}"]) for b in result.breasts if b.side},
        )
        if "neuron_rate" in ts:
            from mer.outputs.neuro_plot import plot_neurons

            plot_neurons(
                result.time,
                ts["neuron_rate"],
                result.time,
                ts["release_rate"],
                ts["plasma_ot"],
                out_dir / "neurons.png",
                title,
            )
    print(report(result, time.perf_counter() - start))
    print(f"archive              {archive}")
    return archive


if __name__ == "__main__":
    main()
