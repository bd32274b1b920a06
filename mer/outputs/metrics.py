"""Session metrics from the flow curve (docs/reference_design.md 4.6; thresholds from Idei 2024)."""

from __future__ import annotations

import numpy as np

ACTIVE_FLOW_G_PER_S = 0.1  # active-flow threshold (Idei 2024)
MIN_GAP_S = 20.0  # dips shorter than this do not split one ejection into two
MIN_DURATION_S = 10.0  # shorter episodes are not ejections (ejections last 45 s - 3.5 min, docs/literature.md),
# e.g. the milk already in the ducts, expressed as they collapse when the pump starts


def ejection_onsets(
    time_s: np.ndarray,
    flow_g_per_s: np.ndarray,
    threshold=ACTIVE_FLOW_G_PER_S,
    min_gap_s=MIN_GAP_S,
    min_duration_s=MIN_DURATION_S,
):
    """Onset times of ejections: rises of flow above `threshold`, merging episodes whose
    below-threshold gap is shorter than `min_gap_s` and dropping those shorter than
    `min_duration_s`. Returns (onsets, ends) in s."""
    above = flow_g_per_s > threshold
    edges = np.diff(above.astype(int))
    starts = list(time_s[1:][edges == 1])
    ends = list(time_s[1:][edges == -1])
    if above[0]:
        starts.insert(0, time_s[0])
    if above[-1]:
        ends.append(time_s[-1])
    merged_s, merged_e = [], []
    for s, e in zip(starts, ends):
        if merged_e and s - merged_e[-1] < min_gap_s:
            merged_e[-1] = e
        else:
            merged_s.append(s)
            merged_e.append(e)
    keep = [k for k in range(len(merged_s)) if merged_e[k] - merged_s[k] >= min_duration_s]
    return np.asarray(merged_s)[keep], np.asarray(merged_e)[keep]


def session_metrics(time_s, flow_g_per_s, cumulative_g, initial_ml, density_g_per_mL):
    """Total yield, ejection count and onsets, first-ejection share, peak flow, removal."""
    onsets, _ = ejection_onsets(time_s, flow_g_per_s)
    total = float(cumulative_g[-1] - cumulative_g[0])
    first_share = float("nan")
    if onsets.size:
        stop = onsets[1] if onsets.size > 1 else time_s[-1]
        first = np.interp(stop, time_s, cumulative_g) - np.interp(onsets[0], time_s, cumulative_g)
        first_share = float(first / total) if total > 0 else float("nan")
    return {
        "total_yield_g": total,
        "n_mer": int(onsets.size),
        "mer_onsets_s": onsets.astype(float),
        "time_to_first_mer_s": float(onsets[0]) if onsets.size else float("nan"),
        "peak_flow_g_per_s": float(np.max(flow_g_per_s)),
        "first_mer_share": first_share,
        "removed_fraction": float(total / density_g_per_mL / initial_ml),
    }


def contraction_response_mmHg_s(time_s, contraction_pressure_mmHg):
    """The milk-ejection response as an intramammary catheter scores it: the pressure that
    contraction adds above the resting pressure, integrated over the session [mmHg s]. Cobo 1973
    graded alcohol's inhibition by this response to suckling; unlike the yield it is not capped
    by the milk available, so smaller releases show as smaller responses."""
    return float(np.trapezoid(contraction_pressure_mmHg, time_s))
