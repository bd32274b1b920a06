"""Cycle-resolved against cycle-averaged pump vacuum on the default session.

    python benchmarks/compare_stimulus_resolution.py

Prints the yield of each, the largest gap between the cumulative curves, the gap between their
flow curves after a one-cycle moving average (the resolved flow oscillates with every cycle), and
the solver steps. The figures choose the default resolution (README, "Stimulus resolution").
"""

from __future__ import annotations

import numpy as np

import mer  # noqa: F401
from mer.simulate import simulate


def cycle_average(t, flow, window_s=1.0):
    n = max(1, int(round(window_s / (t[1] - t[0]))))
    return np.convolve(flow, np.ones(n) / n, mode="same")


def main():
    fine = ["solver.save_dt_s=0.05"]
    avg = simulate(["stimulus.resolution=averaged", *fine])
    res = simulate(["stimulus.resolution=resolved", *fine])
    t = avg.time
    ca, cr = avg.timeseries["cumulative"], res.timeseries["cumulative"]
    fa = cycle_average(t, avg.timeseries["flow"])
    fr = cycle_average(t, res.timeseries["flow"])
    total = ca[-1]
    cum_gap = np.abs(ca - cr).max()
    flow_gap = np.abs(fa - fr).max()
    print(f"yield averaged {ca[-1]:.2f} g, resolved {cr[-1]:.2f} g ({100 * (cr[-1] / ca[-1] - 1):+.2f} %)")
    print(f"max |cumulative gap| {cum_gap:.2f} g ({100 * cum_gap / total:.2f} % of yield)")
    print(f"max |1-s averaged flow gap| {flow_gap:.3f} g/s ({100 * flow_gap / fa.max():.1f} % of peak)")
    print(f"steps averaged {avg.stats['accepted_steps']}, resolved {res.stats['accepted_steps']}")


if __name__ == "__main__":
    main()
