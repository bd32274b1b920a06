"""float32 against float64 (`solver.precision`): accuracy of the curves, onsets and gradients, and
the speed ratio in one run.

    python benchmarks/bench_precision.py            # writes benchmarks/precision.json

Accuracy on the default session (2,000 agents): yield, ejection onsets, largest gaps between the
cumulative and flow curves. Gradients of the yield with respect to four parameters through the
whole solve (reverse mode) on a small breast (500 agents, 2 generations). Speed: the compiled
solve of 10^5 agents (second call) in each precision, one after the other in one process, so the
ratio is exact on a shared machine while the seconds are not.
"""

from __future__ import annotations

import json
import pathlib
import platform
import time

import jax
import numpy as np

import mer
from mer.build import build
from mer.config.compose import compose_config
from mer.outputs.metrics import ejection_onsets
from mer.parameters import as_dict
from mer.solve import solver_for

GRADIENT_PARAMS = (
    ("alveoli", "ec50_pM"),
    ("alveoli", "capacity_mL"),
    ("alveoli", "max_tension_mmHg"),
    ("neuro", "drive_gain"),
)


def solve(overrides, precision):
    setup = build(compose_config([*overrides, f"solver.precision={precision}"]))
    run, ts, *_ = solver_for(setup)
    return setup, run, ts


def curves(precision):
    setup, run, ts = solve([], precision)
    series = jax.block_until_ready(run(setup.params, setup.structure))[0]
    flow, cumulative = (np.asarray(series[k], dtype=float) for k in ("flow", "cumulative"))
    return ts, flow, cumulative


def gradients(precision):
    setup, run, _ = solve(["anatomy.n_alveoli=500", "anatomy.generations=2"], precision)

    def yield_g(params):
        return run(params, setup.structure)[0]["cumulative"][-1]

    grad = jax.grad(yield_g)(setup.params)
    grad = as_dict(grad)
    return {f"{g}.{k}": float(grad[g][k]) for g, k in GRADIENT_PARAMS}


def solve_seconds(precision, n=100_000):
    setup, run, _ = solve([f"anatomy.n_alveoli={n}"], precision)
    out = jax.block_until_ready(run(setup.params, setup.structure))  # compiles
    start = time.perf_counter()
    out = jax.block_until_ready(run(setup.params, setup.structure))
    return time.perf_counter() - start, int(out[3])


def main():
    ts, f64_flow, f64_cum = curves("float64")
    _, f32_flow, f32_cum = curves("float32")
    on64, on32 = ejection_onsets(ts, f64_flow)[0], ejection_onsets(ts, f32_flow)[0]
    g64, g32 = gradients("float64"), gradients("float32")
    s64, steps64 = solve_seconds("float64")
    s32, steps32 = solve_seconds("float32")
    out = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.processor() or platform.machine()}, {jax.device_count()} {jax.default_backend()} device(s)",
        "versions": {"mer": mer.__version__, "jax": jax.__version__, "python": platform.python_version()},
        "yield_g": {"float64": float(f64_cum[-1]), "float32": float(f32_cum[-1])},
        "onsets_s": {"float64": on64.tolist(), "float32": on32.tolist()},
        "max_gap_cumulative_g": float(np.max(np.abs(f64_cum - f32_cum))),
        "max_gap_flow_g_per_s": float(np.max(np.abs(f64_flow - f32_flow))),
        "gradient_of_yield": {"float64": g64, "float32": g32},
        "gradient_relative_difference": {k: abs(g32[k] - g64[k]) / abs(g64[k]) for k in g64},
        "solve_100k_s": {"float64": s64, "float32": s32, "ratio_float32_to_float64": s32 / s64},
        "steps_100k": {"float64": steps64, "float32": steps32},
    }
    path = pathlib.Path(__file__).with_name("precision.json")
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
