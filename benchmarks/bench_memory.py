"""How close one evaluation of the vector field comes to the machine's memory bandwidth.

    python benchmarks/bench_memory.py                      # 10^5 agents, float64 and float32
    python benchmarks/bench_memory.py --agents 20000 --out memory.json
    python benchmarks/bench_memory.py --agents 10000000 --copy-mib 2048   # a GPU

For each precision: the compulsory bytes of one evaluation (the state, parameters and per-agent
structure read once, the derivatives written once), the median time of one evaluation, and from
them the bandwidth achieved; against it, the bandwidth of a plain streaming copy (y = x + 1 over a
`--copy-mib` array, 256 MiB by default, buffer reused: one read and one write per element)
measured in the same process. On a GPU give the copy as many bytes as the evaluation moves: a
256-MiB copy lasts ~0.3 ms on an H200, and the call's own overhead then halves its bandwidth. The ratio is
the share of the copy bandwidth the evaluation reaches (a model bound by arithmetic, e.g. exp and
log per agent, sits below 1). XLA's cost model (`cost_analysis()["bytes accessed"]`) is shown
beside it: it counts every fused kernel's inputs and outputs, most of which stay in cache, so it
exceeds what reaches memory. Prints a markdown table; JSON with the machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

from mer.breasts import initial_state, make_vector_field, with_factors  # noqa: E402
from mer.build import build  # noqa: E402
from mer.config.compose import compose_config  # noqa: E402
from mer.solve import cast_floats  # noqa: E402


def median_time(fn, *args, repeat):
    jax.block_until_ready(fn(*args))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def copy_bandwidth(dtype, repeat, mib=256):
    """Streaming bandwidth: y = x + 1 over `mib` MiB, the buffer donated so that each call reuses
    it (a fresh 256 MiB output would time the kernel's page faults, ~10x slower on a CPU)."""
    x = jnp.ones(mib * 2**20 // jnp.dtype(dtype).itemsize, dtype)
    f = jax.jit(lambda x: x + 1, donate_argnums=0)
    x = jax.block_until_ready(f(x))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        x = jax.block_until_ready(f(x))
        times.append(time.perf_counter() - start)
    return 2 * x.nbytes / float(np.median(times))


def evaluation(agents, precision, repeat, copy_mib):
    setup = build(compose_config([f"anatomy.n_alveoli={agents}", f"solver.precision={precision}"]))
    dtype = jnp.float64 if precision == "float64" else jnp.float32
    params, structure = cast_floats((setup.params, setup.structure), dtype)
    structure = with_factors(params, structure)  # once per solve, as mer.solve.solve does
    field = jax.jit(make_vector_field(setup.trees, setup.central, setup.stimulus))
    y0 = initial_state(params, structure, setup.n_neurons, setup.n_bundles, setup.central)
    t = jnp.asarray(100.0, dtype)
    cost = field.lower(t, y0, (params, structure)).compile().cost_analysis()
    cost = cost[0] if isinstance(cost, list) else cost
    seconds = median_time(field, t, y0, (params, structure), repeat=repeat)
    # what one evaluation cannot avoid moving: read the state, the parameters and the per-agent
    # structure once, write the derivatives once
    compulsory = 2 * sum(x.nbytes for x in jax.tree_util.tree_leaves(y0)) + sum(
        x.nbytes for x in jax.tree_util.tree_leaves((params, structure))
    )
    return {
        "compulsory_bytes": float(compulsory),
        "bytes_accessed": float(cost["bytes accessed"]),
        "flops": float(cost.get("flops", np.nan)),
        "transcendentals_per_agent": float(cost.get("transcendentals", np.nan)) / agents,
        "evaluation_s": seconds,
        "bandwidth_GBps": compulsory / seconds / 1e9,
        "cost_model_bandwidth_GBps": float(cost["bytes accessed"]) / seconds / 1e9,
        "copy_bandwidth_GBps": copy_bandwidth(dtype, repeat, copy_mib) / 1e9,
        "copy_MiB": copy_mib,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--copy-mib", type=int, default=256, help="size of the streaming copy's array")
    ap.add_argument("--out", default=None)
    opts = ap.parse_args()
    results = {p: evaluation(opts.agents, p, opts.repeat, opts.copy_mib) for p in ("float64", "float32")}
    import mer

    out = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {jax.default_backend()}, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        "versions": {"mer": mer.__version__, "jax": jax.__version__, "python": platform.python_version()},
        "agents": opts.agents,
        "results": results,
    }
    print(f"{out['date']}, {out['machine']}, jax {jax.__version__}, {opts.agents} agents\n")
    print(
        "| precision | compulsory MB | XLA cost model MB | evaluation (ms) | compulsory GB/s | cost-model GB/s "
        "| copy GB/s | ratio (compulsory / copy) | exp, log, ... per agent |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for p, r in results.items():
        print(
            f"| {p} | {r['compulsory_bytes'] / 1e6:.1f} | {r['bytes_accessed'] / 1e6:.1f} | "
            f"{r['evaluation_s'] * 1e3:.2f} | {r['bandwidth_GBps']:.2f} | {r['cost_model_bandwidth_GBps']:.2f} | "
            f"{r['copy_bandwidth_GBps']:.2f} | {r['bandwidth_GBps'] / r['copy_bandwidth_GBps']:.2f} | "
            f"{r['transcendentals_per_agent']:.0f} |"
        )
    if opts.out:
        with open(opts.out, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
