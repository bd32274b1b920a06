"""Fit figure: observed against fitted flow and cumulative yield, ejections marked, residuals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from mer.outputs.figure import save_figure
from mer.outputs.metrics import ejection_rises


def plot_fit(result, path):
    """One column per session: flow, cumulative, residuals (fitted - observed)."""
    p = result.problem
    a = {k: np.asarray(v) for k, v in p.arrays._asdict().items()}
    n = len(p.sessions)
    fig, axes = plt.subplots(3, n, figsize=(5.5 * n, 7.5), sharex=True, squeeze=False, height_ratios=[2, 2, 1])
    t_min = p.ts / 60.0
    for s, session in enumerate(p.sessions):
        inside = a["inside"][s] > 0
        ax_flow, ax_cum, ax_res = axes[:, s]
        ax_flow.plot(session.time_s / 60.0, session.flow_g_per_s, color="0.6", lw=0.8, label="observed")
        ax_flow.plot(t_min[inside], result.predicted_flow[s][inside], color="tab:blue", lw=1.4, label="fitted")
        observed_onsets = ejection_rises(session.time_s, session.flow_g_per_s)[0]
        fitted_onsets = ejection_rises(p.ts[inside], result.predicted_flow[s][inside])[0]
        for k, t in enumerate(observed_onsets):
            ax_flow.axvline(t / 60.0, color="0.3", ls=":", lw=0.9, label="observed ejection" if k == 0 else None)
        for k, t in enumerate(fitted_onsets):
            ax_flow.axvline(t / 60.0, color="tab:red", ls="--", lw=0.8, label="fitted ejection" if k == 0 else None)
        r2c = result.metrics["r2_cumulative"][s]
        r2f = result.metrics["r2_flow"][s]
        ax_flow.set_title(f"session {session.session_id}: R2 cumulative {r2c:.3f}, flow {r2f:.3f}", fontsize=10)
        ax_flow.set_ylabel("flow (g/s)")
        ax_flow.legend(fontsize=7, loc="upper right")
        ax_cum.plot(session.time_s / 60.0, session.cumulative_g, color="0.6", lw=1.0, label="observed")
        ax_cum.plot(t_min[inside], result.predicted_cumulative[s][inside], color="black", lw=1.4, label="fitted")
        ax_cum.set_ylabel("cumulative (g)")
        ax_cum.legend(fontsize=7, loc="lower right")
        ax_res.plot(t_min[inside], (result.predicted_flow[s] - a["obs_flow"][s])[inside], color="tab:blue", lw=0.7)
        ax_res.axhline(0.0, color="0.3", lw=0.6)
        ax_res.set_ylabel("flow residual (g/s)")
        ax_res.set_xlabel("time (min)")
    return save_figure(fig, path)
