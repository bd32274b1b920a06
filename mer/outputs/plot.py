"""Session figure: flow and cumulative yield against time, ejections marked, with plasma OT."""

from __future__ import annotations

import matplotlib.pyplot as plt

from mer.outputs.figure import save_figure
from mer.outputs.metrics import ACTIVE_FLOW_G_PER_S

SIDE_STYLE = {"left": "tab:cyan", "right": "tab:orange"}


def plot_session(time_s, flow, cumulative, plasma_ot, onsets_s, path, title="", sides=None):
    """`sides` (both breasts): {"left": (flow, cumulative), "right": ...}, drawn beside the totals."""
    t_min = time_s / 60.0
    fig, (ax_flow, ax_ot) = plt.subplots(2, 1, figsize=(8, 6), sharex=True, height_ratios=[2, 1])
    ax_flow.plot(t_min, flow, color="tab:blue", label="flow" if not sides else "flow, both")
    for side, (side_flow, _) in (sides or {}).items():
        ax_flow.plot(t_min, side_flow, color=SIDE_STYLE[side], lw=0.9, label=f"flow, {side}")
    ax_flow.axhline(ACTIVE_FLOW_G_PER_S, color="tab:blue", lw=0.6, ls=":", label="active-flow threshold")
    for k, onset in enumerate(onsets_s):
        ax_flow.axvline(onset / 60.0, color="tab:red", lw=0.8, ls="--", label="ejection onset" if k == 0 else None)
    ax_flow.set_ylabel("flow (g/s)")
    ax_cum = ax_flow.twinx()
    ax_cum.plot(t_min, cumulative, color="black", lw=1.5, label="cumulative" if not sides else "cumulative, both")
    for side, (_, side_cumulative) in (sides or {}).items():
        ax_cum.plot(t_min, side_cumulative, color=SIDE_STYLE[side], lw=1.2, ls="--", label=f"cumulative, {side}")
    ax_cum.set_ylabel("cumulative (g)")
    lines = ax_flow.get_legend_handles_labels()
    more = ax_cum.get_legend_handles_labels()
    ax_flow.legend(lines[0] + more[0], lines[1] + more[1], loc="center right", fontsize=8)
    ax_ot.plot(t_min, plasma_ot, color="tab:green")
    ax_ot.set_ylabel("plasma OT (pM)")
    ax_ot.set_xlabel("time (min)")
    ax_flow.set_title(title)
    return save_figure(fig, path)
