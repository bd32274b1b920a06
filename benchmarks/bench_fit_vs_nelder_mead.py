"""Gradient fit (Adam through diffrax) against a derivative-free optimiser on the same loss and model.

    python benchmarks/bench_fit_vs_nelder_mead.py                         # experiments/data/session_a.csv
    python benchmarks/bench_fit_vs_nelder_mead.py experiments/data/session_c.csv 3000

Both start from the same point (the fit's initial guess) and minimise the same jitted loss
(mer.fit.problem). Adam runs one start for 100 iterations (no early stop); its best loss is the
target. SciPy's Nelder-Mead then runs on the loss alone until it reaches that target or spends its
budget of model evaluations. Reported: wall time and model evaluations each needed to reach the
target (compilation excluded for both; one Adam evaluation is a value and a gradient). Never run in
the test suite: figures go in benchmarks/README.md with the machine they came from.
"""

from __future__ import annotations

import sys
import time

import jax
import numpy as np
from scipy.optimize import minimize

import mer  # noqa: F401
from mer.fit.compiled import functions
from mer.fit.optimise import minimise
from mer.fit.run import prepare

ADAM_ITERATIONS = 100


def main(path="experiments/data/session_a.csv", budget=2000):
    cfg, problem = prepare([f"data.path={path}", "fit.n_starts=1", "fit.progress=false"])
    fns = functions(problem)
    a, base, structure = problem.arrays, problem.setup.params, problem.setup.structure
    u0 = np.asarray(a.u0)

    def value_and_grad(u):
        return fns["value_and_grad"](u, a, base, structure)

    def loss(u):
        return float(fns["loss"](np.asarray(u), a, base, structure))

    t0 = time.perf_counter()
    jax.block_until_ready(value_and_grad(u0[None, :]))
    loss(u0)
    compile_s = time.perf_counter() - t0

    settings = dict(cfg["fit"], max_iterations=ADAM_ITERATIONS, patience=10**9)
    t0 = time.perf_counter()
    adam = minimise(value_and_grad, u0[None, :], settings)
    adam_wall = time.perf_counter() - t0
    target = adam.best_loss
    best_so_far = np.minimum.accumulate(adam.history[:, 0])
    adam_evals = int(np.argmax(best_so_far <= target)) + 1
    adam_time = adam_wall * adam_evals / adam.iterations

    evals, reached = {"n": 0, "t": None, "n_at": None, "best": np.inf}, time.perf_counter()

    def counted(u):
        value = loss(u)
        evals["n"] += 1
        evals["best"] = min(evals["best"], value)
        if evals["t"] is None and value <= target:
            evals["t"], evals["n_at"] = time.perf_counter() - reached, evals["n"]
        return value

    reached = time.perf_counter()
    nm = minimize(counted, u0, method="Nelder-Mead", options={"maxfev": budget, "xatol": 1e-8, "fatol": 1e-10})
    nm_wall = time.perf_counter() - reached
    forward_s = nm_wall / max(evals["n"], 1)

    print(f"data {path}: {u0.size} parameters, compile {compile_s:.1f} s (both)")
    print(f"Adam: loss {adam.best_loss:.5f} after {adam_evals} value+gradient evaluations, {adam_time:.1f} s")
    if evals["t"] is not None:
        print(
            f"Nelder-Mead: reached {target:.5f} after {evals['n_at']} evaluations, {evals['t']:.1f} s "
            f"(ratio: {evals['n_at'] / adam_evals:.1f}x evaluations, {evals['t'] / adam_time:.1f}x wall time)"
        )
    else:
        print(
            f"Nelder-Mead: best {evals['best']:.5f} after its budget of {evals['n']} evaluations, {nm_wall:.1f} s, "
            f"without reaching {target:.5f} (ratio > {evals['n'] / adam_evals:.1f}x evaluations, "
            f"> {nm_wall / adam_time:.1f}x wall time)"
        )
    print(f"one forward solve {forward_s * 1e3:.0f} ms; one value+gradient {adam_wall / adam.iterations * 1e3:.0f} ms")
    print(f"Nelder-Mead message: {nm.message}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*(args[:1] or ["experiments/data/session_a.csv"]), *(int(x) for x in args[1:2]))
