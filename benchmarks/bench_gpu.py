"""The same code on whatever device JAX finds: a vmapped ensemble against sequential solves, then
session solves of growing breasts with the per-agent saves off (host memory bounded).

    EQX_ON_ERROR=nan python benchmarks/bench_gpu.py                    # 1e5, 1e6, 1e7 agents
    python benchmarks/bench_gpu.py --sizes 2000 100000 --out gpu.json  # chosen agent counts

Ensemble: `--ensemble` mothers (EC50 spread +-20 %) at the fit's breast (200 agents, 2 duct
generations, `neuro=pulses`, bench_ratios.py's setting) in one vmapped solve, against the same
compiled single solve called `--sequential` times (the per-solve median times the ensemble size
when fewer than the ensemble are run). Sizes: each breast's solve compiled apart
(`lower().compile()`), then called `--calls` times; the accepted steps, the yield, the host's peak
resident memory and the device's peak bytes. Per-agent volumes are saved at the start and end only
(`solver.agent_save_dt_s=900`): at 1e7 agents every 10-s save would hold 1.5 GB.
The JSON is rewritten after every measurement, so a run cut short keeps what it measured.
`EQX_ON_ERROR=nan` keeps equinox's checks off the host (a callback per step costs a GPU a sync).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import resource
import sys
import time

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench_ratios import PARAMS, timed, with_values  # noqa: E402

import mer  # noqa: E402
from mer.build import build  # noqa: E402
from mer.config.compose import compose_config  # noqa: E402
from mer.parameters import as_dict  # noqa: E402
from mer.runtime import float64_on  # noqa: E402
from mer.solve import solver_for  # noqa: E402


def memory() -> dict:
    """Peak resident memory of this process (GiB) and the device's peak bytes in use (GiB, where
    the backend reports it)."""
    stats = jax.devices()[0].memory_stats() or {}
    return {
        "host_peak_GiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "device_peak_GiB": stats.get("peak_bytes_in_use", float("nan")) / 2**30,
    }


def ensemble(size: int, sequential: int, repeat: int) -> dict:
    setup = build(
        compose_config(
            [
                "anatomy.n_alveoli=200",
                "anatomy.generations=2",
                "neuro=pulses",
                "plot=false",
                "solver.agent_save_dt_s=900",
                "solver.tree_save_dt_s=900",
            ]
        )
    )
    run, *_ = solver_for(setup)
    x0 = {k: as_dict(setup.params)[k.split(".")[0]][k.split(".")[1]] for k in PARAMS}

    def total_yield(ec50):
        values = dict(x0, **{"alveoli.ec50_pM": ec50})
        return run(with_values(setup.params, values), setup.structure)[0]["cumulative"][-1]

    single = jax.jit(total_yield)
    batched = jax.jit(jax.vmap(total_yield))
    ec50 = jnp.linspace(0.8, 1.2, size) * x0["alveoli.ec50_pM"]
    r = {"members": size}
    r["single_compile_s"], r["single_s"], _ = timed(single, ec50[0], repeat=repeat)
    r["ensemble_compile_s"], r["ensemble_s"], yields = timed(batched, ec50, repeat=repeat)
    times = []
    for e in ec50[:sequential]:
        start = time.perf_counter()
        jax.block_until_ready(single(e))
        times.append(time.perf_counter() - start)
    r["sequential_run"] = len(times)
    r["sequential_s"] = float(np.median(times)) * size if len(times) < size else float(np.sum(times))
    r["sequential_over_ensemble"] = r["sequential_s"] / r["ensemble_s"]
    r["yield_range_g"] = [float(jnp.min(yields)), float(jnp.max(yields))]
    return r


def session(n: int, precision: str, calls: int) -> dict:
    start = time.perf_counter()
    setup = build(
        compose_config(
            [f"anatomy.n_alveoli={n}", "plot=false", "solver.agent_save_dt_s=900", f"solver.precision={precision}"]
        )
    )
    r = {"agents": n, "precision": precision, "build_s": time.perf_counter() - start}
    run, *_ = solver_for(setup)
    start = time.perf_counter()
    compiled = run.compiled(setup.params, setup.structure)
    r["compile_s"] = time.perf_counter() - start
    r["solve_s"] = []
    for _ in range(calls):
        start = time.perf_counter()
        series, _, _, steps, _ = jax.block_until_ready(compiled(setup.params, setup.structure))
        r["solve_s"].append(time.perf_counter() - start)
    r["steps"] = int(steps)
    r["yield_g"] = float(series["cumulative"][-1])
    return r | memory()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--precision", nargs="+", default=["float64"], choices=["float64", "float32"])
    ap.add_argument("--calls", type=int, default=1, help="calls of each compiled session solve")
    ap.add_argument("--ensemble", type=int, default=64)
    ap.add_argument("--sequential", type=int, default=64, help="single solves run for the ensemble's comparison")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", default="benchmarks/gpu.json")
    opts = ap.parse_args()
    float64_on(say=False)

    info = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="minutes"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {jax.devices()[0].device_kind}",
        "versions": {
            "mer": mer.__version__,
            "jax": jax.__version__,
            "diffrax": diffrax.__version__,
            "equinox": eqx.__version__,
            "python": platform.python_version(),
        },
        "EQX_ON_ERROR": os.environ.get("EQX_ON_ERROR", "raise"),
        "settings": vars(opts),
        "sessions": [],
    }

    def save():
        pathlib.Path(opts.out).write_text(json.dumps(info, indent=2))

    print(f"{info['machine']}; jax {jax.__version__}, diffrax {diffrax.__version__}", flush=True)
    if opts.ensemble:
        info["ensemble"] = e = ensemble(opts.ensemble, opts.sequential, opts.repeat)
        save()
        print(
            f"ensemble of {e['members']}: {e['ensemble_s']:.2f} s (compile {e['ensemble_compile_s']:.1f} s); "
            f"one solve {e['single_s']:.3f} s; sequential {e['sequential_s']:.1f} s "
            f"({e['sequential_run']} run); ratio {e['sequential_over_ensemble']:.1f}",
            flush=True,
        )
    for precision in opts.precision:
        for n in opts.sizes:
            s = session(n, precision, opts.calls)
            info["sessions"].append(s)
            save()
            print(
                f"{n} agents, {precision}: build {s['build_s']:.1f} s, compile {s['compile_s']:.1f} s, "
                f"solve {', '.join(f'{t:.2f}' for t in s['solve_s'])} s, {s['steps']} steps, "
                f"yield {s['yield_g']:.2f} g; host peak {s['host_peak_GiB']:.1f} GiB, "
                f"device peak {s['device_peak_GiB']:.1f} GiB",
                flush=True,
            )


if __name__ == "__main__":
    main()
