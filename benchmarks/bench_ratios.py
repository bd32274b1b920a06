"""Ratios measured in one run, so a shared, noisy machine cancels out: reverse-mode gradient
against the forward solve, AD against finite differences over 20 parameters, a vmapped ensemble
against sequential solves, and SciPy's solve_ivp against diffrax on the same vector field.

    python benchmarks/bench_ratios.py                 # the fit's breast and release (200 agents, pulses), 15 min
    python benchmarks/bench_ratios.py --agents 2000 --generations 4 --out ratios.json

Writes JSON (machine, versions, date, every timing) and prints a markdown table for
benchmarks/README.md. Every timing is the median of `--repeat` calls of an already compiled
function; compilation is timed apart. The forward solve and the gradient are called in turn
(`--pairs` times), so that the machine's load falls on both alike.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import time

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import scipy
from jax.flatten_util import ravel_pytree
from scipy.integrate import solve_ivp

import mer
from mer.breasts import initial_state, make_vector_field, with_factors
from mer.build import build
from mer.config.compose import compose_config
from mer.parameters import as_dict, replace
from mer.solve import solver_for

# 20 differentiable parameters a fit or a sensitivity study would ask about
PARAMS = [
    "alveoli.ec50_pM",
    "alveoli.hill",
    "alveoli.capacity_mL",
    "alveoli.initial_fullness",
    "alveoli.max_tension_mmHg",
    "alveoli.fullness_sensitivity",
    "alveoli.signal_rate_per_s",
    "alveoli.cicr_rate_per_s",
    "alveoli.activation_tau_s",
    "alveoli.recovery_tau_s",
    "alveoli.gap_junction_rate_per_s",
    "alveoli.elastic_mmHg",
    "alveoli.outlet_conductance_mL_per_s_per_mmHg",
    "alveoli.secretion_max_mL_per_h",
    "circulation.half_life_s",
    "circulation.transit_s",
    "pituitary.release_gain_mU_per_s",
    "ducts.milk_viscosity_mPa_s",
    "ducts.pore_radius_mm",
    "duct_wall.wall_tau_s",
]


def timed(f, *args, repeat=3):
    """(compile-and-first-call seconds, median seconds of the next `repeat` calls, result)."""
    start = time.perf_counter()
    out = jax.block_until_ready(f(*args))
    first = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = jax.block_until_ready(f(*args))
        times.append(time.perf_counter() - start)
    return first, float(np.median(times)) if times else first, out


def with_values(params, values):
    for key, v in values.items():
        group, name = key.split(".")
        params = replace(params, group, **{name: v})
    return params


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=200)
    ap.add_argument("--generations", type=int, default=2)
    ap.add_argument("--duration", type=float, default=900.0)
    ap.add_argument("--ensemble", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=21, help="forward and gradient calls in turn for their ratio")
    ap.add_argument("--neuro", default="pulses", help="pulses (the fit's smooth release) or network (threshold bursts)")
    ap.add_argument("--out", default="benchmarks/ratios.json")
    opts = ap.parse_args()

    overrides = [f"anatomy.n_alveoli={opts.agents}", f"anatomy.generations={opts.generations}", f"neuro={opts.neuro}"]
    overrides += [
        f"duration_s={opts.duration}",
        "plot=false",
        "solver.agent_save_dt_s=900",
        "solver.tree_save_dt_s=900",
    ]
    setup = build(compose_config(overrides))
    run, *_ = solver_for(setup)
    x0 = {k: as_dict(setup.params)[k.split(".")[0]][k.split(".")[1]] for k in PARAMS}

    def total_yield(values):
        return run(with_values(setup.params, values), setup.structure)[0]["cumulative"][-1]

    forward = jax.jit(total_yield)
    gradient = jax.jit(jax.value_and_grad(total_yield))
    r = {}
    r["forward_compile_s"], r["forward_s"], y = timed(forward, x0, repeat=opts.repeat)
    r["gradient_compile_s"], r["gradient_s"], (_, g) = timed(gradient, x0, repeat=opts.repeat)
    pairs = []
    for _ in range(opts.pairs):
        pairs.append([timed(f, x0, repeat=0)[0] for f in (forward, gradient)])  # one call each
    pairs = np.asarray(pairs)
    r["forward_s"], r["gradient_s"] = (float(x) for x in np.median(pairs, axis=0))
    r["gradient_over_forward"] = float(np.median(pairs[:, 1] / pairs[:, 0]))
    r["gradient_over_forward_quartiles"] = [float(q) for q in np.percentile(pairs[:, 1] / pairs[:, 0], [25, 75])]

    # finite differences: 2 solves per parameter (central), against one reverse pass
    start = time.perf_counter()
    fd = {}
    for k in PARAMS:
        h = 1e-3 * abs(float(x0[k]))  # large enough that the solver's rtol does not dominate the difference
        up, down = dict(x0, **{k: x0[k] + h}), dict(x0, **{k: x0[k] - h})
        fd[k] = (float(forward(up)) - float(forward(down))) / (2 * h)
    r["finite_differences_s"] = time.perf_counter() - start
    r["finite_differences_over_gradient"] = r["finite_differences_s"] / r["gradient_s"]
    errors = [abs(float(g[k]) - fd[k]) / abs(fd[k]) for k in PARAMS if abs(fd[k]) * abs(float(x0[k])) > 1e-3]
    r["gradient_vs_fd_median_rel_error"] = float(np.median(errors))
    r["gradient_vs_fd_max_rel_error"] = float(np.max(errors))
    r["gradient_vs_fd_compared"] = len(errors)  # parameters that move the yield by > 1 mg per unit relative change

    # ensemble: `ensemble` mothers with different EC50 in one vmapped solve against a loop
    ec50 = jnp.linspace(0.8, 1.2, opts.ensemble) * x0["alveoli.ec50_pM"]
    batched = jax.jit(jax.vmap(lambda e: total_yield(dict(x0, **{"alveoli.ec50_pM": e}))))
    r["ensemble_compile_s"], r["ensemble_s"], _ = timed(batched, ec50, repeat=max(1, opts.repeat - 2))
    start = time.perf_counter()
    for e in ec50:
        jax.block_until_ready(forward(dict(x0, **{"alveoli.ec50_pM": e})))
    r["sequential_s"] = time.perf_counter() - start
    r["sequential_over_ensemble"] = r["sequential_s"] / r["ensemble_s"]

    # SciPy on the same vector field (jitted right-hand side and Jacobian), against diffrax
    args = (setup.params, with_factors(setup.params, setup.structure))
    y0 = initial_state(setup.params, args[1], setup.n_neurons, setup.n_bundles, setup.central)
    flat0, unravel = ravel_pytree(y0)
    field = make_vector_field(setup.trees, setup.central, setup.stimulus)
    f = jax.jit(lambda t, y: ravel_pytree(field(t, unravel(y), args))[0])
    f(0.0, flat0)
    for method in ("RK45",):  # explicit, as Tsit5; an implicit method would need the Jacobian
        start = time.perf_counter()
        sol = solve_ivp(
            lambda t, y: np.asarray(f(t, y)),
            (0.0, opts.duration),
            np.asarray(flat0),
            method=method,
            rtol=float(setup.solver["rtol"]),
            atol=float(setup.solver["atol"]),
        )
        r[f"scipy_{method}_s"] = time.perf_counter() - start
        r[f"scipy_{method}_over_diffrax"] = r[f"scipy_{method}_s"] / r["forward_s"]
        end = unravel(jnp.asarray(sol.y[:, -1]))["breasts"][0]["removed"]
        r[f"scipy_{method}_yield_g"] = float(end) * float(setup.params.breasts[0].milk.density_g_per_mL)
    r["diffrax_yield_g"] = float(y)

    info = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {jax.device_count()} x {jax.devices()[0].device_kind}",
        "cores": __import__("os").cpu_count(),
        "versions": {
            "mer": mer.__version__,
            "jax": jax.__version__,
            "diffrax": diffrax.__version__,
            "scipy": scipy.__version__,
            "python": platform.python_version(),
        },
        "settings": vars(opts),
        "results": r,
    }
    with open(opts.out, "w") as fh:
        json.dump(info, fh, indent=2)
    print(
        f"{info['date']}, {info['machine']}, {info['cores']} cores, jax {jax.__version__}; "
        f"{opts.agents} agents, {opts.generations} generations, {opts.duration:g} s"
    )
    print("| ratio | value | goal |\n|---|---:|---|")
    q = r["gradient_over_forward_quartiles"]
    ratio = f"{r['gradient_over_forward']:.2f} (quartiles {q[0]:.2f}-{q[1]:.2f})"
    print(f"| reverse-mode gradient / forward solve | {ratio} | <= 4 |")
    print(
        "| finite differences (20 parameters, central) / AD gradient | "
        f"{r['finite_differences_over_gradient']:.1f} | >= 5 |"
    )
    ratio = r["sequential_over_ensemble"]
    print(f"| {opts.ensemble} sequential solves / one vmapped ensemble | {ratio:.1f} | >= 10 on GPU; CPU reported |")
    for m in ("RK45",):
        print(f"| SciPy {m} / diffrax Tsit5 (same vector field, jitted) | {r[f'scipy_{m}_over_diffrax']:.1f} | |")
    print(
        f"\nforward {r['forward_s']:.2f} s (compile {r['forward_compile_s']:.1f} s), gradient {r['gradient_s']:.2f} s "
        f"(compile {r['gradient_compile_s']:.1f} s), "
        f"AD vs FD relative error median {r['gradient_vs_fd_median_rel_error']:.1e}, "
        f"max {r['gradient_vs_fd_max_rel_error']:.1e} over {r['gradient_vs_fd_compared']} parameters"
    )


if __name__ == "__main__":
    main()
