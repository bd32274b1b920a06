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


# Ejections as acute rises of flow. The studies that count ejections from a balance count each acute
# rise of flow rate: Ramsay et al. 2006 (Breastfeed Med 1:14) compared flow in 5-s periods with
# duct dilation on ultrasound (the same number of ejections and time to the first by both), Prime
# et al. 2009 (Int Breastfeed J 4:10; 72 % of 67 ejections found by both the balance and
# ultrasound) and 2011 (Breastfeed Med 6:183) used a continuous balance. None publishes a
# numerical threshold, so these are choices, with their reasons:
RISE_SMOOTHING_S = 5.0  # flow averaged over 5 s, as Ramsay 2006 read it (and over 3 samples at least)
RISE_WINDOW_S = 30.0  # the rise is reached within 30 s of its trough: an ejection's flow peaks
# 10-60 s after it starts (duct dilation peaks within the first minute, Ramsay 2004 Pediatrics
# 113:361); a slower climb is drift, not an ejection
RISE_FRACTION = 0.1  # a rise of at least 10 % of the session's peak flow: later ejections are
# smaller (Prime 2011) but stand out of the flow between them by more than this
RISE_NOISE = 6.0  # ... and of at least 6 sd of the smoothed sensor noise (no false rises from noise)
RISE_FLOOR_G_PER_S = 0.05  # ... and of at least 0.05 g/s, half the active-flow threshold (Idei 2024)
RISE_FALL = 0.25  # an ejection has peaked once flow falls from its top by a quarter of the threshold
# (and 3 sd of the noise): overlapping ejections dip only a little between them


def _smoothed(time_s, flow, width_s):
    """Moving mean over `width_s` (the samples in it) and the sd of its noise, from the
    successive differences of the raw samples (median absolute deviation: robust to the rises)."""
    dt = float(np.median(np.diff(time_s)))
    n = max(3, int(round(width_s / dt)))  # at least three samples: a single reading is not a rise
    kernel = np.ones(n) / n
    padded = np.concatenate([np.full(n // 2, flow[0]), flow, np.full(n - 1 - n // 2, flow[-1])])
    smooth = np.convolve(padded, kernel, mode="valid")
    d = np.diff(flow)[(flow[1:] > 0) & (flow[:-1] > 0)]  # a balance clips its noise at zero flow
    sd = float(np.median(np.abs(d - np.median(d)))) / 0.6745 / np.sqrt(2.0) if d.size else 0.0
    return smooth, sd / np.sqrt(n)


def ejection_rises(
    time_s: np.ndarray,
    flow_g_per_s: np.ndarray,
    smoothing_s=RISE_SMOOTHING_S,
    window_s=RISE_WINDOW_S,
    fraction=RISE_FRACTION,
):
    """Ejections as acute rises of flow: the `smoothing_s`-mean flow climbs, within `window_s` of
    its lowest point since the last ejection peaked, by at least the session's rise threshold
    (`fraction` of its peak flow, RISE_NOISE sd of its noise, RISE_FLOOR_G_PER_S, the largest);
    the next rise counts once flow has fallen from this one's peak (RISE_FALL of the threshold). Overlapping
    ejections (flow never below 0.1 g/s between them) are found, a slow drift is not.
    Returns (onsets, peak times, threshold): an onset is the last time before the rise where flow
    was within 0.3 times the threshold of its trough."""
    t = np.asarray(time_s, dtype=float)
    smooth, noise = _smoothed(t, np.asarray(flow_g_per_s, dtype=float), smoothing_s)
    threshold = max(fraction * float(np.max(smooth)), RISE_NOISE * noise, RISE_FLOOR_G_PER_S)
    fall = max(RISE_FALL * threshold, 3.0 * noise)
    onsets, peaks = [], []
    rising, since, top = True, 0, 0  # looking for a rise (from index `since`) or for the fall after one
    for i in range(t.size):
        if rising:
            window = np.flatnonzero(t[since : i + 1] >= t[i] - window_s) + since
            low = window[np.argmin(smooth[window])]
            if smooth[i] - smooth[low] >= threshold:
                near = np.flatnonzero(smooth[low : i + 1] <= smooth[low] + 0.3 * threshold) + low
                onsets.append(t[near[-1]])
                rising, top = False, i
        elif smooth[i] > smooth[top]:
            top = i
        elif smooth[top] - smooth[i] >= fall:
            peaks.append(t[top])
            rising, since = True, top
    if not rising:
        peaks.append(t[top])
    return np.asarray(onsets), np.asarray(peaks), threshold


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
