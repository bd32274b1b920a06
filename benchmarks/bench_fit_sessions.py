"""`mer-fit` on every example session, each in a fresh process as a user would run it.

    python benchmarks/bench_fit_sessions.py                     # experiments/data/session_*.csv + the mother
    python benchmarks/bench_fit_sessions.py path/to/a.csv ...

Reports per file: whole-command wall time (start-up, compilation, fit, intervals, archive, figure),
R^2 of the cumulative and flow curves, and observed vs fitted ejection counts. Never run in the
test suite: figures go in benchmarks/README.md with the machine they came from.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import time

from mer.archive import load

DATA = pathlib.Path(__file__).resolve().parents[1] / "experiments" / "data"


def run(path: pathlib.Path) -> dict:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "mer.cli.fit", f"data.path={path}", f"hydra.run.dir={out}", "fit.progress=false"],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{path}: mer-fit failed\n{proc.stderr}")
        arch = load(pathlib.Path(out) / "fit.h5")
        return {
            "file": path.name,
            "wall_s": wall,
            "r2_cumulative": arch["metrics/r2_cumulative"],
            "r2_flow": arch["metrics/r2_flow"],
            "n_observed": arch["metrics/n_mer_observed"],
            "n_fitted": arch["metrics/n_mer_predicted"],
        }


def main(paths):
    print("| file | wall (s) | R2 cumulative | R2 flow | ejections observed / fitted |")
    print("|---|---:|---:|---:|---:|")
    for path in paths:
        r = run(pathlib.Path(path))
        r2c = " / ".join(f"{v:.4f}" for v in r["r2_cumulative"])
        r2f = " / ".join(f"{v:.3f}" for v in r["r2_flow"])
        counts = " ; ".join(f"{o} / {f}" for o, f in zip(r["n_observed"], r["n_fitted"]))
        print(f"| {r['file']} | {r['wall_s']:.0f} | {r2c} | {r2f} | {counts} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or sorted(DATA.glob("session_*.csv")) + [DATA / "mother_three_sessions.csv"])
