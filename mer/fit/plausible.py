"""A session must look like a pumping session or feed (one breast's, or both breasts' weighed
together with `breasts=2`): a wrong unit (flow in g/min,
time in minutes) or a corrupt value is refused with the reason, not fitted.

The limits are far outside the measured ranges, so that unusual mothers pass and wrong units do not.
"""

from __future__ import annotations

import numpy as np

from mer.fit.read import DataError

# flow and cumulative given together must agree: the integral of flow over the session within this
# share of the rise in cumulative (scales are read to 0.1-1 g; g/min vs g/s is a factor 60)
CONSISTENCY_TOLERANCE = 0.25
MIN_DURATION_S = 120.0  # the first ejection comes 1-2.5 min into pumping (docs/literature.md)
MAX_DURATION_S = 7200.0  # a pumping session lasts 15 min (Kent 2008), a feed rarely over an hour
MAX_SAMPLE_STEP_S = 30.0  # ejections last 45 s - 3.5 min (docs/literature.md): a coarser record misses them
MAX_YIELD_G = 2000.0  # each breast stores 74-606 mL (Kent et al. 1999); both together with breasts=2
MAX_FLOW_G_PER_S = 5.0  # peak flow 0.5 +/- 0.2 g/s (Ramsay 2006; Idei 2024)
# A balance reads weight, and its flow is the difference of two readings (Ramsay 2006 used 5-s
# periods): near zero flow its noise gives negative readings, and a cumulative reading can fall by
# the balance's resolution (0.1-1 g) from one sample to the next. Both are kept as measured, noise
# the fit's residuals weigh like any other. What no balance's noise gives is refused: a flow
# reading below -MAX_FLOW_G_PER_S (a corrupt value or a reversed sign), or a cumulative reading
# that falls by more than MAX_FALL_G at once (a re-tared balance, a container taken off).
MAX_FALL_G = 2.0


def check_values(where, columns) -> None:
    """Finite numbers, time increasing from >= 0, flow and cumulative within a balance's noise of
    flow >= 0 and of a cumulative that never falls."""
    t = columns["time_s"]
    if t.size < 2:
        raise DataError(f"{where}: expected at least two samples, got {t.size}")
    for name, values in columns.items():
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(f"{where}: column {name!r} has NaN or infinite values (first at sample {bad[0]})")
    steps = np.diff(t)
    if np.any(steps == 0):
        i = int(np.flatnonzero(steps == 0)[0])
        raise DataError(f"{where}: time_s has a duplicated time {t[i]:g} s (samples {i} and {i + 1})")
    if np.any(steps < 0):
        i = int(np.flatnonzero(steps < 0)[0])
        raise DataError(f"{where}: time_s is not increasing: {t[i]:g} s is followed by {t[i + 1]:g} s")
    if t[0] < 0:
        raise DataError(f"{where}: time_s starts at {t[0]:g} s; time is counted from the start of pumping (>= 0)")
    flow = columns.get("flow_g_per_s")
    cumulative = columns.get("cumulative_g")
    if flow is not None and np.any(flow < -MAX_FLOW_G_PER_S):
        i = int(np.flatnonzero(flow < -MAX_FLOW_G_PER_S)[0])
        raise DataError(
            f"{where}: flow_g_per_s is {flow[i]:g} g/s at {t[i]:g} s; flow out of the breast is >= 0, and a "
            f"balance's noise takes it below zero by far less than {MAX_FLOW_G_PER_S:g} g/s (is the sign reversed?)"
        )
    if cumulative is not None:
        falls = -np.diff(cumulative)
        if np.any(falls > MAX_FALL_G):
            i = int(np.flatnonzero(falls > MAX_FALL_G)[0])
            raise DataError(
                f"{where}: cumulative_g decreases from {cumulative[i]:g} g to {cumulative[i + 1]:g} g at "
                f"{t[i + 1]:g} s; the milk removed can only grow, and a balance's noise moves it by less than "
                f"{MAX_FALL_G:g} g (was the balance re-tared?)"
            )


def check_timing(where, t):
    """Session length and sampling that a fit can use; time in minutes is named as the likely cause."""
    span = float(t[-1] - t[0])
    if span < MIN_DURATION_S:
        # in minutes a session spans 5-120 "s" at steps of at most 1 (a minute)
        looks_like_minutes = 300.0 <= span * 60 <= MAX_DURATION_S and np.median(np.diff(t)) <= 1.0
        minutes = " Is time in minutes? time_s must be in seconds." if looks_like_minutes else ""
        raise DataError(
            f"{where}: time_s spans {span:g} s; expected at least {MIN_DURATION_S:g} s (the first ejection "
            f"comes 1-2.5 min into pumping).{minutes}"
        )
    if span > MAX_DURATION_S:
        raise DataError(
            f"{where}: time_s spans {span / 3600:.3g} h; expected at most {MAX_DURATION_S / 3600:g} h for one "
            "session (a pumping session lasts 15 min, Kent 2008); give several sessions a session_id each"
        )
    step = float(np.median(np.diff(t)))
    if step > MAX_SAMPLE_STEP_S:
        raise DataError(
            f"{where}: time_s has a median step of {step:g} s; expected at most {MAX_SAMPLE_STEP_S:g} s "
            "(ejections last 45 s - 3.5 min and would be missed)"
        )


def check_amounts(where, t, flow, cumulative, measured):
    """Yield and peak flow of a session; far outside them is a wrong unit or a corrupt value."""
    name = measured[0]
    total = float(cumulative[-1])
    if total <= 0.0:
        raise DataError(
            f"{where}: {name} shows no milk removed ({total:.3g} g over the session); there is nothing to fit"
        )
    checks = [_check_peak, _check_yield]
    if name == "cumulative_g":  # the yield is what the file gave; the flow is derived from it
        checks.reverse()
    for check in checks:
        check(where, name, t, flow, total)


def _check_yield(where, name, t, flow, total):
    if total > MAX_YIELD_G:
        raise DataError(
            f"{where}: {name} gives a yield of {total:.4g} g; expected at most {MAX_YIELD_G:g} g in one "
            "session (a breast stores 74-606 mL, Kent et al. 1999; both breasts together with breasts=2). "
            "Is flow in g/min, or cumulative in another unit?"
        )


def _check_peak(where, name, t, flow, total):
    peak = float(np.max(flow))
    if peak > MAX_FLOW_G_PER_S:
        i = int(np.argmax(flow))
        raise DataError(
            f"{where}: {name} gives a flow of {peak:.4g} g/s at {t[i]:g} s; expected at most "
            f"{MAX_FLOW_G_PER_S:g} g/s (peak flow 0.5 +/- 0.2 g/s, Ramsay 2006). Is flow in g/min, or a "
            "value corrupt?"
        )


def check_consistent(where, integral, cumulative):
    """`integral`: of the flow over the session (g), against the rise of `cumulative`."""
    rise = float(cumulative[-1] - cumulative[0])
    scale = max(rise, integral, 1e-12)
    if abs(integral - rise) > CONSISTENCY_TOLERANCE * scale:
        ratio = integral / max(rise, 1e-12)
        # flow in g/min makes the integral 60x too large; time in minutes makes it 60x too small
        hint = "is time_s in minutes?" if ratio < 1 else "is flow in another unit (g/min, mL/min)?"
        raise DataError(
            f"{where}: unit mismatch between columns: flow_g_per_s integrates to {integral:.3g} g but "
            f"cumulative_g rises by {rise:.3g} g (ratio {ratio:.3g}); {hint}"
        )
