"""What each published measurement reads off one simulated session, per mother.

Names follow mer/validation/targets.yaml's `metric` field. Ejections are counted with the
session metrics of `mer-simulate` (mer/outputs/metrics.py), so the report and a single run agree.
"""

from __future__ import annotations

import numpy as np

from mer.outputs.metrics import contraction_response_mmHg_s, ejection_onsets, session_metrics

RELEASE_BURST_MU_PER_S = 1.0  # a pituitary release burst: release above 1 mU/s (basal ~0.03 mU/s)
DILATION_WINDOW_S = 90.0  # the main ducts' widest point is sought this long after an ejection's onset
HALF_LIFE_WINDOW_S = (60.0, 360.0)  # after the plasma peak of a bolus: the log-linear decay fitted
PLASMA_SAMPLES_S = (180.0, 360.0, 540.0, 720.0, 900.0)  # Johnston & Amico 1986 sampled every 3 min
OT_RESPONSE_FOLD = 2.0  # an OT response: the session's peak above twice basal (targets.yaml, Weitzman 1980)
FIRST_MINUTES_S = 600.0  # Nissen 1996 counted pulses in the first 10 min of a feed


def _episodes(t, above):
    """Start times of runs where `above` holds."""
    rises = np.flatnonzero(np.diff(above.astype(int)) == 1) + 1
    starts = list(t[rises])
    if above[0]:
        starts.insert(0, t[0])
    return np.asarray(starts)


def flow_metrics(t, flow, cumulative, initial_ml, density) -> dict:
    """Yield, ejections and their timing, shares and peak flow of one breast's session."""
    m = session_metrics(t, flow, cumulative, initial_ml, density)
    onsets, ends = ejection_onsets(t, flow)
    total = m["total_yield_g"]
    first_two = np.nan
    if onsets.size and total > 0:
        stop = onsets[2] if onsets.size > 2 else t[-1]
        first_two = (np.interp(stop, t, cumulative) - np.interp(onsets[0], t, cumulative)) / total
    later = [np.mean(flow[(t >= a) & (t <= b)]) for a, b in zip(onsets[2:], ends[2:])]
    first = np.mean(flow[(t >= onsets[0]) & (t <= ends[0])]) if onsets.size else np.nan
    return {
        "first_to_third_flow_ratio": float(first / np.mean(later)) if later else np.nan,
        "yield_g": total,
        "removed_fraction": m["removed_fraction"],
        "n_ejections": float(m["n_mer"]),
        "time_to_first_ejection_s": m["time_to_first_mer_s"],
        "ejection_interval_s": float(np.mean(np.diff(onsets))) if onsets.size > 1 else np.nan,
        "ejection_duration_s": float(np.mean(ends - onsets)) if onsets.size else np.nan,
        "first_ejection_share": m["first_mer_share"],
        "first_two_share": float(first_two),
        "peak_flow_g_per_s": m["peak_flow_g_per_s"],
        "onsets_s": onsets,
        "ends_s": ends,
    }


def central_metrics(t, plasma_ot, release_rate, duration_s) -> dict:
    bursts = _episodes(t, release_rate > RELEASE_BURST_MU_PER_S)
    samples = [s for s in PLASMA_SAMPLES_S if s <= t[-1]]
    return {
        "plasma_ot_mean_pM": float(np.mean(np.interp(samples, t, plasma_ot))) if samples else np.nan,
        "ot_response": float(np.max(plasma_ot) > OT_RESPONSE_FOLD * plasma_ot[0]),
        "ot_pulses_first_10min": float(np.sum(bursts < FIRST_MINUTES_S)),
        "ot_released_mU": float(np.trapezoid(np.maximum(release_rate - release_rate[0], 0.0), t)),
        "plasma_ot_basal_pM": float(plasma_ot[0]),
        "plasma_ot_peak_pM": float(np.max(plasma_ot)),
        "ot_rise_pM": float(np.max(plasma_ot) - plasma_ot[0]),
        "ot_pulses_per_20min": bursts.size * 1200.0 / duration_s,
        "first_release_s": float(bursts[0]) if bursts.size else np.nan,
    }


def duct_metrics(t_tree, root_radius_mm, onsets_s) -> dict:
    """Main-duct diameter (mean over the main ducts) just before the first ejection, its relative
    increase at that ejection and how long it stays above half that increase (ultrasound:
    Ramsay 2004; Gardner 2015)."""
    d = 2.0 * np.mean(root_radius_mm, axis=1)
    rest = {"main_duct_diameter_rest_mm": float(d[0])}  # before the pump or baby starts (Ramsay 2005)
    nan = {"main_duct_diameter_mm": np.nan, "duct_dilation_fraction": np.nan, "duct_dilation_duration_s": np.nan}
    if len(onsets_s) == 0:
        return rest | nan
    before = int(np.searchsorted(t_tree, onsets_s[0], side="right")) - 1
    if before < 0:
        return rest | nan
    window = (t_tree >= onsets_s[0]) & (t_tree <= onsets_s[0] + DILATION_WINDOW_S)
    peak_i = np.flatnonzero(window)[np.argmax(d[window])]
    half = d[before] + 0.5 * (d[peak_i] - d[before])
    below = np.flatnonzero((t_tree > t_tree[peak_i]) & (d < half))
    up = np.flatnonzero((t_tree <= t_tree[peak_i]) & (t_tree >= t_tree[before]) & (d >= half))
    end = t_tree[below[0]] if below.size else t_tree[-1]
    return rest | {
        "main_duct_diameter_mm": float(d[before]),
        "duct_dilation_fraction": float(d[peak_i] / d[before] - 1.0),
        "duct_dilation_duration_s": float(end - t_tree[up[0]]) if up.size else np.nan,
    }


def duct_flow_correlation(t, cumulative, t_tree, root_radius_mm, onsets_s, ends_s) -> float:
    """Pearson correlation, over the 5-s bins of the duct saves that lie inside ejections, of the
    main ducts' diameter and the milk removed in the bin (Ramsay 2006 compared 5-s volumes with
    duct diameter)."""
    d = 2.0 * np.mean(root_radius_mm, axis=1)
    removed = np.diff(np.interp(t_tree, t, cumulative))
    inside = np.zeros(t_tree.size - 1, dtype=bool)
    for a, b in zip(onsets_s, ends_s):
        inside |= (t_tree[1:] > a) & (t_tree[:-1] < b)
    if inside.sum() < 3 or np.std(d[1:][inside]) == 0 or np.std(removed[inside]) == 0:
        return np.nan
    return float(np.corrcoef(d[1:][inside], removed[inside])[0, 1])


def half_life_s(t, plasma_ot) -> float:
    """Plasma OT half-life from the log-linear decay above basal after the peak."""
    i = int(np.argmax(plasma_ot))
    excess = plasma_ot - plasma_ot[0]
    w = (t >= t[i] + HALF_LIFE_WINDOW_S[0]) & (t <= t[i] + HALF_LIFE_WINDOW_S[1]) & (excess > 0)
    if w.sum() < 10:
        return np.nan
    slope = np.polyfit(t[w], np.log(excess[w]), 1)[0]
    return float(-np.log(2.0) / slope) if slope < 0 else np.nan


def session_values(t, series, duration_s, density, side="") -> dict:
    """Every per-mother metric of one session (one breast: `side` '', or '_left' / '_right')."""
    initial_ml = float(series["remaining_ml" + side][0])
    out = flow_metrics(t, series["flow" + side], series["cumulative" + side], initial_ml, density)
    out.update(central_metrics(t, series["plasma_ot"], series["release_rate"], duration_s))
    out["contraction_response_mmHg_s"] = contraction_response_mmHg_s(t, series["contraction_pressure" + side])
    out["ot_half_life_s"] = half_life_s(t, series["plasma_ot"])
    out["available_ml"] = initial_ml
    out["secreted_ml"] = float(series["secreted_ml" + side][-1])
    return out


def coincidence(onsets_a, onsets_b, within_s=10.0) -> float:
    """Share of flow rises of both breasts that have a rise of the other breast within `within_s`
    (Prime 2009 counted coinciding rises of left and right flow)."""
    a, b = np.asarray(onsets_a), np.asarray(onsets_b)
    if a.size + b.size == 0:
        return np.nan
    hit_a = sum(np.any(np.abs(b - x) <= within_s) for x in a)
    hit_b = sum(np.any(np.abs(a - x) <= within_s) for x in b)
    return (hit_a + hit_b) / (a.size + b.size)


def ejected_after(onsets_s, time_s, within_s=120.0) -> float:
    """1 if an ejection starts within `within_s` after `time_s` (an IV bolus), else 0."""
    o = np.asarray(onsets_s)
    return float(np.any((o >= time_s) & (o <= time_s + within_s)))


def latency_after(onsets_s, time_s, within_s=120.0) -> float:
    """Time from `time_s` (an IV bolus) to the first ejection that starts within `within_s`."""
    o = np.asarray(onsets_s)
    o = o[(o >= time_s) & (o <= time_s + within_s)]
    return float(o[0] - time_s) if o.size else np.nan
