"""Where the time of a first solve goes: tracing (Python, through diffrax), lowering to StableHLO,
and XLA's compilation, for the forward solve and its value-and-gradient, with JAX's persistent
cache off (what a new shape costs) and the kept-program path timed apart (mer/programs.py).

    python benchmarks/bench_compile.py                       # the default model (2000 agents)
    python benchmarks/bench_compile.py --out compile.json

Cases: the session solve of `mer-simulate` (three save grids), the same solve saving only flow and
cumulative yield (the fit's outputs), and `jax.value_and_grad` of the total yield with respect to
every parameter, through each. Each case runs in its own process, so nothing compiled before is
reused. Prints a markdown table; JSON keeps machine, versions and date.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import subprocess
import sys
import time

CASES = ("session", "yield", "grad_yield", "grad_session")


def one(case: str) -> dict:
    os.environ["EQX_ON_ERROR"] = "nan"  # as the commands run (no host callbacks in the program)
    import jax
    import jax.numpy as jnp

    from mer.build import build
    from mer.config.compose import compose_config
    from mer.solve import padded, solve, solver_for

    setup = build(compose_config([]))
    run, ts, *_ = solver_for(setup)
    params, structure = setup.args()
    if case in ("session", "grad_session"):
        config, saves = run.config, run._saves()

        def total_yield(p):
            return solve(config, p, structure, saves)[0]["cumulative"][ts.size - 1]
    else:
        config, saves = dataclasses.replace(run.config, outputs="yield"), (jnp.asarray(padded(ts)),)

        def total_yield(p):
            return solve(config, p, structure, saves)[1][ts.size - 1]

    fn = jax.value_and_grad(total_yield) if case.startswith("grad") else total_yield
    start = time.perf_counter()
    traced = jax.jit(fn).trace(params)
    t_trace = time.perf_counter()
    lowered = traced.lower()
    t_lower = time.perf_counter()
    compiled = lowered.compile()
    t_compile = time.perf_counter()
    jax.block_until_ready(compiled(params))
    t_first = time.perf_counter()
    jax.block_until_ready(compiled(params))
    t_second = time.perf_counter()
    return {
        "trace_s": t_trace - start,
        "lower_s": t_lower - t_trace,
        "compile_s": t_compile - t_lower,
        "run_s": t_second - t_first,
        "hlo_lines": lowered.as_text().count("\n"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", choices=CASES, help="run one case in this process (used internally)")
    ap.add_argument("--out", default=None)
    opts = ap.parse_args()
    if opts.case:
        print(json.dumps(one(opts.case)))
        return
    import jax

    import mer

    env = dict(os.environ, MER_CACHE_DIR="off", JAX_COMPILATION_CACHE_DIR="")
    results = {}
    for case in CASES:
        proc = subprocess.run(
            [sys.executable, __file__, "--case", case], capture_output=True, text=True, env=env, check=True
        )
        results[case] = json.loads(proc.stdout.strip().splitlines()[-1])
    load = os.getloadavg()[0]
    out = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load:.1f} at the end",
        "versions": {"mer": mer.__version__, "jax": jax.__version__, "python": platform.python_version()},
        "cases": results,
    }
    print(f"{out['date']}, {out['machine']}, jax {jax.__version__}\n")
    print("| case | trace (s) | lower (s) | compile (s) | total (s) | HLO lines | run (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for case, r in results.items():
        total = r["trace_s"] + r["lower_s"] + r["compile_s"]
        print(
            f"| {case} | {r['trace_s']:.1f} | {r['lower_s']:.1f} | {r['compile_s']:.1f} | {total:.1f} | "
            f"{r['hlo_lines']} | {r['run_s']:.2f} |"
        )
    if opts.out:
        with open(opts.out, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
