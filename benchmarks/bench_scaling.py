"""Wall time and solver steps of a 15-min session against the number of alveolus agents.

    python benchmarks/bench_scaling.py                 # 1e3, 1e4, 1e5 agents
    python benchmarks/bench_scaling.py 1000 3000       # chosen sizes

For each size: the first call (compile + solve) and a second call (solve only) of the jitted solve,
the accepted steps, and the cost exponent k from a fit of solve time ~ N^k. Never run in the test
suite: figures go in benchmarks/README.md with the machine they came from.
"""

from __future__ import annotations

import sys
import time

import jax
import numpy as np

import mer  # noqa: F401
from mer.build import build
from mer.config.compose import compose_config
from mer.solve import solver_for


def measure(n: int) -> dict:
    setup = build(compose_config([f"anatomy.n_alveoli={n}", "plot=false"]))
    run, *_ = solver_for(setup)
    t0 = time.perf_counter()
    series, _, _, steps, _ = jax.block_until_ready(run(setup.params, setup.structure))
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    jax.block_until_ready(run(setup.params, setup.structure))
    second = time.perf_counter() - t0
    return {
        "n": n,
        "first_s": first,
        "solve_s": second,
        "steps": int(steps),
        "yield_g": float(series["cumulative"][-1]),
    }


def main(sizes):
    rows = [measure(n) for n in sizes]
    print(f"{'agents':>8} {'first call s':>13} {'solve s':>9} {'steps':>7} {'yield g':>8}")
    for r in rows:
        print(f"{r['n']:>8} {r['first_s']:>13.1f} {r['solve_s']:>9.2f} {r['steps']:>7} {r['yield_g']:>8.1f}")
    if len(rows) > 1:
        k = np.polyfit(np.log([r["n"] for r in rows]), np.log([r["solve_s"] for r in rows]), 1)[0]
        print(f"cost exponent k (solve time ~ N^k): {k:.2f}")
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
