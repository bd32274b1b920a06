"""`mer-validate`: a virtual cohort of mothers against published human measurements ->
validation.h5, validation.md and figures in Hydra's run directory.

mer-validate                                   # 200 mothers, every target
mer-validate cohort.n=50 cohort.seed=3
mer-validate 'targets.include=[session,duct]'  # target ids or scales
mer-validate 'targets.roles=[validation]'      # only targets never used to set a parameter
"""

from __future__ import annotations

import logging
import pathlib
import sys
import time

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

import mer.cli.help  # noqa: F401  (the ${mer_groups:...} of --help)
from mer.cli.guard import answers, claim, record_hydra, write_text
from mer.config.compose import config_dir
from mer.progress import bar, messages_above_bars, set_quiet
from mer.runtime import configure

log = logging.getLogger("mer.cli.validate")


@hydra.main(config_path=str(config_dir()), config_name="validate", version_base=None)
def main(cfg: DictConfig) -> None:
    configure()  # persistent compilation cache (mer/runtime.py), before equinox is imported
    from mer.archive.validation import save_validation
    from mer.validation.report import markdown, summary_line
    from mer.validation.run import run_validation
    from mer.validation.targets import TargetError

    set_quiet(cfg.get("quiet", False))
    hc = HydraConfig.get()
    out_dir = pathlib.Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    start = time.perf_counter()

    bars = {}  # one progress bar per condition, with its ETA
    last_chunk = [time.time()]  # tqdm's clock: when the previous chunk ended

    def progress(condition, done, total):
        if condition not in bars:
            for finished in bars.values():
                finished.close()
            bars[condition] = bar(total=total, desc=f"{condition:<16}", unit="mother")
            bars[condition].start_t = last_chunk[0]  # the condition began then, its first chunk compiling
        bars[condition].update(done)
        last_chunk[0] = time.time()
        seen = bars[condition].n
        log.info("%s: %d/%d mothers, %.0f s", condition, seen, total, time.perf_counter() - start)

    with answers("mer-validate"):
        try:
            claim(out_dir)
            with messages_above_bars():
                result = run_validation(overrides, progress)
        except TargetError as err:  # a bad targets file: refused before anything runs
            print(f"mer-validate: {err}", file=sys.stderr)
            sys.exit(2)
        for finished in bars.values():
            finished.close()
        archive = save_validation(out_dir / "validation.h5", result)
        write_text(out_dir / "validation.md", markdown(result))
    if result.config["plot"]:
        from mer.outputs.validation_plot import plot_ducts, plot_histograms, plot_sessions

        plot_histograms(result, out_dir / "cohort.png")
        plot_sessions(result, out_dir / "sessions.png")
        plot_ducts(result, out_dir / "ducts.png")
    print(summary_line(result))
    print(f"wall                 {time.perf_counter() - start:.0f} s")
    print(f"report               {out_dir / 'validation.md'}")
    print(f"archive              {archive}")
    record_hydra(out_dir, cfg)


if __name__ == "__main__":
    main()
