"""`mer-ablate`: baseline + interventions as a Hydra multirun, then summary.csv/.h5/.png.

mer-ablate                                         # all interventions, joblib, 2 jobs
mer-ablate 'interventions=[cx43_ko,atosiban]' 'overrides=[anatomy.n_alveoli=500]'
mer-ablate launcher=slurm                          # on a SLURM cluster (submitit)
"""

from __future__ import annotations

import logging
import pathlib
import subprocess
import sys
import time

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

import mer.cli.help  # noqa: F401  (the ${mer_groups:...} of --help)
from mer.cli.guard import answers, claim, record_hydra
from mer.config.compose import config_dir
from mer.interventions import INTERVENTIONS
from mer.progress import bar, set_quiet

log = logging.getLogger("mer.cli.ablate")


def run_with_progress(command, runs_dir: pathlib.Path, total: int, stdout_path: pathlib.Path) -> int:
    """Run the multirun, counting finished runs (their run.h5) in a progress bar with an ETA.

    **Arguments:**
    - `command`: the `mer-simulate -m ...` command line.
    - `runs_dir`: the multirun's folder (`hydra.sweep.dir`).
    - `total`: the number of runs.
    - `stdout_path`: where the runs' own summaries go (their errors still reach stderr).

    **Returns:** the multirun's exit status."""
    with open(stdout_path, "w") as stdout, bar(total=total, desc="mer-ablate", unit="run") as shown:
        proc = subprocess.Popen(command, stdout=stdout)
        while proc.poll() is None:
            try:
                proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
            done = len(list(runs_dir.glob("*/run.h5")))
            if done > shown.n:
                shown.update(done - shown.n)
                log.info("%d/%d runs finished", done, total)
    return proc.returncode


@hydra.main(config_path=str(config_dir()), config_name="ablate", version_base=None)
def main(cfg: DictConfig) -> None:
    from mer.ablation import collect, write_summary

    set_quiet(cfg.get("quiet", False))
    config = OmegaConf.to_container(cfg, resolve=True)
    unknown = [i for i in config["interventions"] if i not in INTERVENTIONS]
    if unknown:
        print(
            f"mer-ablate: interventions: unknown {unknown}; expected names from {sorted(INTERVENTIONS)}",
            file=sys.stderr,
        )
        sys.exit(2)
    repeated = sorted({i for i in config["interventions"] if config["interventions"].count(i) > 1})
    if repeated:
        print(f"mer-ablate: interventions: {repeated[0]!r} is listed twice; each is run once", file=sys.stderr)
        sys.exit(2)
    out_dir = pathlib.Path(HydraConfig.get().runtime.output_dir)
    with answers("mer-ablate"):
        claim(out_dir)
    runs_dir = out_dir / "runs"
    launcher = config["launcher"]
    command = [
        sys.executable,
        "-m",
        "mer.cli.simulate",
        "-m",
        "intervention=" + ",".join(["none", *config["interventions"]]),
        "plot=false",
        "quiet=true",  # each run's messages stay in its own log (runs/<n>/simulate.log)
        f"hydra.sweep.dir={runs_dir}",
        "hydra.sweep.subdir=${hydra.job.num}",
        f"hydra/launcher={launcher['name']}",
        *[f"hydra.launcher.{k}={v}" for k, v in (launcher.get("settings") or {}).items()],
        *config["overrides"],
    ]
    start = time.perf_counter()
    total = 1 + len(config["interventions"])
    log.info("%d runs (baseline and %d interventions) with the %s launcher", total, total - 1, launcher["name"])
    returncode = run_with_progress(command, runs_dir, total, out_dir / "runs.log")
    if returncode != 0:
        print(f"mer-ablate: the multirun failed (exit {returncode}); runs are in {runs_dir}", file=sys.stderr)
        sys.exit(returncode)
    runs = sorted(p.parent for p in runs_dir.glob("*/run.h5"))
    rows = collect(runs)
    paths = write_summary(rows, out_dir, config)
    print(f"{'intervention':<16}{'yield g':>9}{'change %':>10}{'n_mer':>7}{'first s':>9}{'peak g/s':>10}")
    for r in rows:
        print(
            f"{r['intervention']:<16}{r['total_yield_g']:>9.1f}{r['total_yield_g_change_pct']:>10.1f}"
            f"{r['n_mer']:>7.0f}{r['time_to_first_mer_s']:>9.0f}{r['peak_flow_g_per_s']:>10.2f}"
        )
    print(
        f"{len(rows)} runs in {time.perf_counter() - start:.0f} s; "
        f"summary: {paths['csv']}, {paths['h5']}, {paths['png']}"
    )
    record_hydra(out_dir, cfg)


if __name__ == "__main__":
    main()
