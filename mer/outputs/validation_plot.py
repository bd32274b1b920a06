"""Figures of the validation report: cohort histograms against the published statistics, a few
mothers' sessions, and the main ducts' diameter against ultrasound."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from mer.outputs.figure import save_figure
from mer.outputs.metrics import ACTIVE_FLOW_G_PER_S

VERDICT_COLOUR = {"pass": "tab:green", "fail": "tab:red", "not computed": "tab:gray"}


def shaded(target):
    """(low, high, centre) of where a target passes, for drawing (one-sided limits as a line)."""
    lo, hi, _ = target.band()
    lo, hi = (hi, hi) if math.isinf(lo) else (lo, lo) if math.isinf(hi) else (lo, hi)
    v = target.value
    return lo, hi, v.get("mean", v.get("median", v.get("value", 0.5 * (lo + hi))))


def plot_histograms(result, path):
    """One panel per target with per-mother values: the cohort's histogram, the published band."""
    shown = [
        t
        for t in result.targets
        if t.metric and t.condition in result.values and np.size(result.values[t.condition].get(t.metric, [])) > 1
    ]
    if not shown:
        return None
    cols = 4
    rows = math.ceil(len(shown) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    for ax, t in zip(axes.flat, shown):
        x = np.asarray(result.values[t.condition][t.metric], dtype=float)
        x = x[np.isfinite(x)]
        lo, hi, centre = shaded(t)
        ax.axvspan(lo, hi, color="tab:orange", alpha=0.25, label="published")
        ax.axvline(centre, color="tab:orange")
        if x.size:
            ax.hist(x, bins=min(20, max(5, x.size // 5)), color="tab:blue", alpha=0.7, label="cohort")
        verdict = result.verdicts[t.id].verdict
        ax.set_title(f"{t.id}\n{t.role}: {verdict}", fontsize=7, color=VERDICT_COLOUR[verdict])
        ax.set_xlabel(f"{t.metric} ({t.unit})", fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in axes.flat[len(shown) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    return save_figure(fig, path)


def plot_sessions(result, path, condition="pump"):
    """Flow and cumulative yield of the first mothers of one condition, beside what the published
    sessions of that condition look like (the session-scale targets and their verdicts)."""
    c = result.curves[condition]
    n = c["flow"].shape[0]
    fig = plt.figure(figsize=(13, 1.6 * n + 0.8))
    grid = fig.add_gridspec(n, 2, width_ratios=[3, 2])
    t_min = c["time"] / 60.0
    axes = [fig.add_subplot(grid[k, 0]) for k in range(n)]
    for k, ax in enumerate(axes):
        ax.plot(t_min, c["flow"][k], color="tab:blue", lw=1)
        ax.axhline(ACTIVE_FLOW_G_PER_S, color="tab:blue", lw=0.5, ls=":")
        for onset in c["onsets"][k]:
            ax.axvline(onset / 60.0, color="tab:red", lw=0.7, ls="--")
        ax.set_ylabel(f"mother {k}\nflow (g/s)", fontsize=7)
        twin = ax.twinx()
        twin.plot(t_min, c["cumulative"][k], color="black", lw=1)
        twin.set_ylabel("g", fontsize=7)
        if k < n - 1:
            ax.tick_params(labelbottom=False)
    axes[0].set_title(f"{condition}: flow (blue), cumulative (black), ejection onsets (red)", fontsize=9)
    axes[-1].set_xlabel("time (min)")
    text = fig.add_subplot(grid[:, 1])
    text.axis("off")
    lines = [
        f"{t.quantity[:60]}\n  published {t.published()} {'' if t.unit == '1' else t.unit} ({t.citation()[:32]})\n"
        f"  cohort {result.verdicts[t.id].model}: {result.verdicts[t.id].verdict}"
        for t in result.targets
        if t.condition == condition and t.scale == "session" and t.metric
    ]
    text.text(0.0, 1.0, "published sessions\n\n" + "\n".join(lines), va="top", fontsize=6.5, family="monospace")
    return save_figure(fig, path)


def plot_ducts(result, path, condition="pump"):
    """Main-duct diameter of the first mothers against the published before-ejection diameter."""
    c = result.curves[condition]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    for k in range(c["main_duct_diameter_mm"].shape[0]):
        ax.plot(c["tree_time"] / 60.0, c["main_duct_diameter_mm"][k], lw=1, label=f"mother {k}")
    for t in result.targets:
        if t.metric == "main_duct_diameter_mm":
            lo, hi, centre = shaded(t)
            ax.axhspan(lo, hi, color="tab:orange", alpha=0.15)
            ax.axhline(centre, color="tab:orange", lw=1, label=f"{t.citation()} before ejection")
    ax.set_xlabel("time (min)")
    ax.set_ylabel("main duct diameter (mm)")
    ax.legend(fontsize=6, ncol=2)
    return save_figure(fig, path)
