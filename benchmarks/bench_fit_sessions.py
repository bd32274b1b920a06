"""`mer-fit` on sessions it did not make, each in a fresh process as a user would run it.

    python benchmarks/bench_fit_sessions.py                     # benchmarks/sessions/gamma_*.csv + mer's examples
    python benchmarks/bench_fit_sessions.py path/to/a.csv ...
    python benchmarks/bench_fit_sessions.py benchmarks/sessions/heldout/gamma_*.csv   # sessions no setting was tuned on
    python benchmarks/bench_fit_sessions.py benchmarks/sessions/gamma_3.csv mechanism=store   # with overrides

Reports per file: whole-command wall time and CPU time (start-up, compilation, fit, count search,
intervals, archive, figure; the persistent compilation cache as a user has it after a first run),
R^2 of the cumulative and flow curves, the same R^2 of `mer.simulate` of the fitted mother at
`mer-simulate`'s full resolution (fit/session_config with the default anatomy), and the ejection
counts: true (for generated sessions, from the file), found in the data (acute rises), pulses
fitted. Never run in the test suite: figures go in benchmarks/README.md with the machine.
"""

from __future__ import annotations

import pathlib
import resource
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import yaml

from mer.config.compose import compose_config
from mer.fit.synthetic import true_onsets
from mer.simulate import simulate
from mer.solve import balance_rate

ROOT = pathlib.Path(__file__).resolve().parents[1]
SESSIONS = ROOT / "benchmarks" / "sessions"
DATA = ROOT / "experiments" / "data"


def r2(obs, pred):
    return float(1.0 - np.sum((pred - obs) ** 2) / np.sum((obs - obs.mean()) ** 2))


def full_resolution(config_yaml, t, obs_flow, obs_cum, inside):
    """R^2 of mer.simulate of the fitted mother with mer-simulate's own anatomy, its flow read as
    the balance reads the data's (the yield's change across the samples either side: 10 s for
    5-s samples; mer.solve.balance_rate, as the fit reads its model)."""
    cfg = yaml.safe_load(config_yaml)
    cfg["anatomy"] = compose_config([], "simulate")["anatomy"]
    sim = simulate(cfg)
    cum = np.interp(t, sim.time, sim.timeseries["cumulative"])
    flow = np.asarray(balance_rate(t, cum))
    w = inside > 0
    return r2(obs_cum[w], cum[w]), r2(obs_flow[w], flow[w])


def run(path: pathlib.Path, overrides=()) -> dict:
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "mer.cli.fit", f"data.path={path}", f"hydra.run.dir={out}", "quiet=true", *overrides],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise RuntimeError(f"{path}: mer-fit failed\n{proc.stderr}")
        with h5py.File(pathlib.Path(out) / "fit.h5") as f:
            g, m = f["fit"], f["metrics"]
            full = [
                full_resolution(c, g["time"][()], g["observed_flow"][s], g["observed_cumulative"][s], g["inside"][s])
                for s, c in enumerate(g["session_config"][()])
            ]
            try:
                truth = [true_onsets(path).size]
            except ValueError:
                truth = ["-"] * m["r2_flow"].size
            return {
                "file": path.name,
                "wall_s": wall,
                "cpu_s": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                "r2_cumulative": m["r2_cumulative"][()],
                "r2_flow": m["r2_flow"][()],
                "full": full,
                "true": truth,
                "found": m["n_mer_observed"][()],
                "fitted": m["n_pulses"][()],
                "at_bounds": g.attrs["at_bounds"],
            }


def main(paths, overrides=()):
    print(
        "| file | wall (s) | CPU (s) | R2 cumulative | R2 flow | full resolution R2 cum / flow "
        "| ejections true / found / fitted | at a bound |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for path in paths:
        r = run(pathlib.Path(path), overrides)
        r2c = " / ".join(f"{v:.4f}" for v in r["r2_cumulative"])
        r2f = " / ".join(f"{v:.3f}" for v in r["r2_flow"])
        full = " ; ".join(f"{c:.4f} / {f:.3f}" for c, f in r["full"])
        counts = " ; ".join(f"{t} / {o} / {f}" for t, o, f in zip(r["true"], r["found"], r["fitted"]))
        print(
            f"| {r['file']} | {r['wall_s']:.0f} | {r['cpu_s']:.0f} | {r2c} | {r2f} | {full} | {counts} "
            f"| {r['at_bounds']} |",
            flush=True,
        )


if __name__ == "__main__":
    # arguments with `=` are mer-fit overrides applied to every file (a setting tried on all of them)
    overrides = [a for a in sys.argv[1:] if "=" in a]
    paths = [a for a in sys.argv[1:] if "=" not in a]
    default = sorted(SESSIONS.glob("gamma_*.csv")) + sorted(DATA.glob("session_*.csv"))
    main(paths or default + [DATA / "mother_three_sessions.csv"], overrides)
