"""The start of the fitted pulse width (opt-in, configs/fit/pulses.yaml): read from how fast the
observed ejections rise, and a second Levenberg-Marquardt path from each width of
`fit.width_paths_s`. (One width per pulse after the count is chosen: mer.fit.shape.)"""

from __future__ import annotations

import dataclasses
import logging

import jax.numpy as jnp
import numpy as np

from mer.fit.compiled import functions
from mer.fit.parameters import to_unconstrained
from mer.fit.problem import make_problem
from mer.fit.pulses import WIDTH_KEY
from mer.outputs.metrics import ejection_rises
from mer.parameters import replace

log = logging.getLogger(__name__)

# trial widths for the start (s, sd of the pulse): 4-60 s is the fitted range (configs/fit/pulses.yaml);
# five forward solves, doubling, are enough to interpolate the rise they give
WIDTH_TRIALS_S = (4.0, 8.0, 16.0, 32.0, 60.0)
INSIDE_BOUNDS = (1.05, 0.95)  # a start or path is kept this far inside the bounds (x lower, x upper)
SAME_PATH = 1.05  # a path whose width is within 5 % of the start's is the start's own path


def rise_times(t, flow) -> np.ndarray:
    """The rise time (s) of each ejection that mer.outputs.metrics.ejection_rises finds: from its
    onset to its peak, both as the detector reads them on the 5-s mean flow. The whole climb, not
    10-90 % of it: measured on modelled ejections, the 10-90 % rise grew by only 5-7 s from 4-s to
    32-s pulses, the onset-to-peak time by 20 s (about 6 s + 0.85 x the width), so it tells the
    widths apart."""
    onsets, peaks, _ = ejection_rises(np.asarray(t, dtype=float), np.asarray(flow, dtype=float))
    return np.asarray(peaks[: onsets.size] - onsets)


def width_indices(problem) -> np.ndarray:
    """Where the fitted width lives in u: one entry (the mother's), or one per pulse slot."""
    return np.array([i for i, label in enumerate(problem.labels) if label.split("[")[0] == WIDTH_KEY], dtype=int)


def _width_bounds(problem):
    a = problem.arrays
    i = width_indices(problem)
    return i, float(a.lower[i[0]]), float(a.upper[i[0]])


def _with_width(problem, u, i, width_s):
    """`u` with every fitted width (`i`: their indices) at `width_s`."""
    a = problem.arrays
    u = np.array(u, dtype=float)
    u[i] = to_unconstrained(np.full(i.size, width_s), a.lower[i], a.upper[i], a.log[i])
    return u


def width_from_rises(problem, fit_cfg):
    """The problem with its starting pulse width set so that the starting model's ejections rise
    (onset to peak, median over all sessions' ejections) as fast as the observed ones. The configured 8-s pulse
    raises a modelled ejection within seconds, while balance recordings rise over 10-60 s; started
    at 8 s the fit stayed in a basin of wrong shape (gamma_3.csv, flow R^2 0.78), started at a
    fixed 20 s the recovery of mer's own 8-s mother went to another basin (EC50 1.9x the truth).
    One forward solve per trial width (WIDTH_TRIALS_S), the width interpolated between the two
    whose rises bracket the observed one (extrapolated past the widest that still rose more),
    within the fitted bounds. Unchanged when the
    width is not fitted, when its start is given (fit.parameters.neuro.widths_s.start), or when
    no ejection's rise can be read in the data or the model."""
    bounds = fit_cfg["parameters"].get("neuro", {}).get("widths_s") or {}
    if width_indices(problem).size == 0 or bounds.get("start") is not None:
        return problem
    s, a = problem.setup, problem.arrays
    inside = np.asarray(a.inside) > 0
    # the observed flow on the model's grid, read as the model's is (the same smoothing)
    observed = np.concatenate(
        [rise_times(problem.ts[inside[k]], np.asarray(a.obs_flow)[k][inside[k]]) for k in range(inside.shape[0])]
    )
    if observed.size == 0:
        return problem
    i, lo, hi = _width_bounds(problem)
    trials = np.array([w for w in WIDTH_TRIALS_S if lo <= w <= hi] or [lo, hi])
    predict = functions(problem)["predict"]
    modelled = []
    for w in trials:
        flow, _, ok = predict(jnp.asarray(_with_width(problem, a.u0, i, w)), a, s.params, s.structure)
        flow = np.asarray(flow)
        r = np.concatenate([rise_times(problem.ts, flow[k]) for k in range(flow.shape[0])])
        modelled.append(float(np.median(r)) if r.size and bool(np.all(ok)) else np.nan)
    modelled = np.asarray(modelled)
    good = np.isfinite(modelled)
    rise, widths = modelled[good], trials[good]
    if rise.size < 2:
        return problem
    # the rise grows with the width (on the recovery test's mother about 6 s + 0.85 x the width)
    # until the starting pulses' amounts, spread over a wider pulse, no longer recruit the breast at
    # once: past the widest trial before the rise falls, extrapolate along the last slope
    fall = np.flatnonzero(np.diff(rise) < 0)
    kept = int(fall[0]) + 1 if fall.size else rise.size
    rise, widths = rise[:kept], widths[:kept]
    target = float(np.median(observed))
    if target > rise[-1] and kept >= 2 and rise[-1] > rise[-2]:
        width = float(widths[-1] + (target - rise[-1]) * (widths[-1] - widths[-2]) / (rise[-1] - rise[-2]))
    else:  # np.interp holds the end values outside the trials' rises
        width = float(np.interp(target, rise, widths))
    width = float(np.clip(width, INSIDE_BOUNDS[0] * lo, INSIDE_BOUNDS[1] * hi))
    log.info(
        "pulse width: start %.1f s (observed onset-to-peak rise %.1f s, median of %d; modelled %s s at widths %s s)",
        width,
        float(np.median(observed)),
        observed.size,
        np.round(modelled, 1).tolist(),
        trials.tolist(),
    )
    n = np.size(s.params.neuro.widths_s)
    s = dataclasses.replace(s, params=replace(s.params, "neuro", widths_s=jnp.full((n,), width)))
    mask = np.asarray(a.pulse_mask) > 0
    return make_problem(s, problem.sessions, fit_cfg, problem.ts, problem.used_pulses(), mask.shape[1])


def width_paths(problem, u, fit_cfg) -> np.ndarray:
    """More starts for Levenberg-Marquardt: `u` with its pulse width at each of
    `fit.width_paths_s` (when the width is fitted and that start differs from u's by more than
    5 %); shape (n, P), possibly (0, P). A single path was fragile on sessions the model did not
    make: small changes of the start moved gamma_2.csv's flow R^2 between 0.55 and 0.93."""
    u = np.asarray(u, dtype=float)
    if width_indices(problem).size == 0:
        return np.zeros((0, u.size))
    i, lo, hi = _width_bounds(problem)
    used = np.asarray(problem.arrays.used)[i] > 0
    current = float(np.exp(np.mean(np.log(np.asarray(problem.natural(u))[i][used]))))  # geometric mean
    out = []
    for w in fit_cfg.get("width_paths_s", []):
        w = float(np.clip(float(w), INSIDE_BOUNDS[0] * lo, INSIDE_BOUNDS[1] * hi))
        if abs(np.log(w / current)) > np.log(SAME_PATH):
            out.append(_with_width(problem, u, i, w))
    return np.array(out).reshape(-1, u.size)
