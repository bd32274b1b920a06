"""The same code on whatever device JAX finds: session solves at two sizes and one fit gradient.

    python benchmarks/bench_gpu.py            # on a GPU machine (pip install -e ".[cuda]")
    python benchmarks/bench_gpu.py 2000       # chosen agent counts

Prints the device, then for each agent count the first (compiling) and second call of the
session solve with steps and yield (benchmarks/bench_scaling.py's measure), then the batched
value-and-gradient of the fit loss on experiments/data/session_a.csv (3 starts) and the
forward-mode Jacobian. Run it on the CPU machine too and compare in benchmarks/README.md.
"""

from __future__ import annotations

import pathlib
import sys
import time

import jax
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench_scaling import measure  # noqa: E402

import mer  # noqa: E402, F401
from mer.fit.compiled import functions  # noqa: E402
from mer.fit.run import prepare  # noqa: E402

DATA = pathlib.Path(__file__).resolve().parents[1] / "experiments" / "data" / "session_a.csv"


def timed(fn, *args):
    start = time.perf_counter()
    out = jax.block_until_ready(fn(*args))
    return out, time.perf_counter() - start


def fit_gradient():
    _, problem = prepare([f"data.path={DATA}", "fit.progress=false"])
    f = functions(problem)
    a, base, structure = problem.arrays, problem.setup.params, problem.setup.structure
    u = np.repeat(np.asarray(a.u0)[None], 3, axis=0)
    _, first = timed(f["value_and_grad"], u, a, base, structure)
    (loss, _), second = timed(f["value_and_grad"], u + 0.01, a, base, structure)
    _, jac_first = timed(f["jacobian"], u[0], a, base, structure)
    _, jac_second = timed(f["jacobian"], u[0] + 0.01, a, base, structure)
    print(
        f"fit value+gradient, 3 starts: first {first:.1f} s, then {second:.2f} s (loss {float(loss[0]):.4f}); "
        f"Jacobian: first {jac_first:.1f} s, then {jac_second:.2f} s",
        flush=True,
    )


def main(sizes):
    print(f"jax {jax.__version__}, devices {jax.devices()}", flush=True)
    for n in sizes:
        m = measure(n)
        print(
            f"{n} agents: first call {m['first_s']:.1f} s, solve {m['solve_s']:.2f} s, {m['steps']} steps, "
            f"yield {m['yield_g']:.1f} g",
            flush=True,
        )
    fit_gradient()


if __name__ == "__main__":
    main([int(x) for x in sys.argv[1:]] or [2000, 100000])
