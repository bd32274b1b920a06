"""Where a pulse fit starts: the starting pulses moved onto the observed ejections, the pulse width
read from their rises (when fitted, mer.fit.width), and the storage capacity scaled to the milk
the mother gave. Each costs a few forward solves and keeps Levenberg-Marquardt, which finishes in
the basin it starts in, out of basins of the wrong shape (docs/design.md, Fitting)."""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np

from mer import progress
from mer.fit.compiled import functions
from mer.fit.problem import make_problem
from mer.fit.pulses import observed_onsets
from mer.fit.width import INSIDE_BOUNDS, width_from_rises
from mer.outputs.metrics import ejection_rises
from mer.parameters import replace

OWN_EJECTION_S = (5.0, 40.0)  # a pulse's ejection begins 3-16 s after its centre (docs/design.md)
MAX_SHIFT_S = 60.0  # a pulse is not moved further than this onto an ejection
STORAGE_SCALING = (1.0 / 3.0, 3.0)  # the most the starting capacity is scaled by
STORAGE_CLOSE = 0.3  # a start within 30 % of the observed yield is left where it is
CAPACITY = "alveoli.capacity_mL"


def starting_problem(problem, fit_cfg):
    """The pulse fit's start: width (when fitted), `fit.align_rounds` rounds of alignment, then
    the capacity scaled to the yield. Unchanged without pulses."""
    if not problem.pulsed:
        return problem
    problem = width_from_rises(problem, fit_cfg)
    rounds = range(int(fit_cfg["align_rounds"]))
    for _ in progress.bar(rounds, desc="fit: aligning pulses", unit="round", enable=fit_cfg["progress"]):
        problem = make_problem(problem.setup, problem.sessions, fit_cfg, problem.ts, aligned_pulse_centres(problem))
    return storage_scaled_to_yield(problem, fit_cfg)


def aligned_pulse_centres(problem) -> list[np.ndarray]:
    """The starting pulse centres moved so that the starting model's ejections begin where the
    observed ones do (one round: one forward solve of the starting point). The delay from a pulse
    to its ejection is not one number (-16 to +3 s for 15-100 mU: later ejections, from emptier and
    less sensitive alveoli, come later), and a start with its pulses 10-20 s off can settle in a
    wrong basin, trading storage for sensitivity. A pulse whose own ejection (a rise 5 s before to
    40 s after its centre) the starting model does not reproduce within 60 s keeps its place."""
    s, a = problem.setup, problem.arrays
    flow, _, _ = functions(problem)["predict"](a.u0, a, s.params, s.structure)
    centres = []
    for i, (session, c) in enumerate(zip(problem.sessions, problem.used_pulses())):
        observed = observed_onsets(session)
        predicted = ejection_rises(problem.ts, np.asarray(flow[i]))[0]
        for k in range(min(c.size, observed.size)):
            # pulse k's own ejection: the first predicted rise from its centre on (a rise that
            # belongs to another pulse must not move this one)
            own = predicted[(predicted >= c[k] - OWN_EJECTION_S[0]) & (predicted <= c[k] + OWN_EJECTION_S[1])]
            if own.size and abs(own[0] - observed[k]) <= MAX_SHIFT_S:
                c[k] += observed[k] - own[0]
        centres.append(c)
    return centres


def storage_scaled_to_yield(problem, fit_cfg):
    """The problem with its starting storage capacity scaled by observed / predicted yield of the
    starting model (one forward solve), within STORAGE_SCALING and the capacity's bounds. A start
    that holds twice the milk the mother gave begins far from every basin: Levenberg-Marquardt's
    first step from there went to passive drainage (gamma_2.csv, flow R^2 below 0) instead of the
    ejections. The capacity's prior is centred on the scaled start. Unchanged when the capacity is
    not fitted, or when the start is within STORAGE_CLOSE of the observed yield: scaling a start
    that is already close moved the recovery test's mother (tests/test_fit.py, yield ratio 0.90)
    into the neighbouring basin, capacity 122 mL against the true 180 (199 unscaled)."""
    labels = problem.labels
    if CAPACITY not in labels:
        return problem
    s, a = problem.setup, problem.arrays
    _, cum, _ = functions(problem)["predict"](a.u0, a, s.params, s.structure)
    inside = np.asarray(a.inside) > 0
    last = [np.flatnonzero(row)[-1] for row in inside]
    observed = sum(float(np.asarray(a.obs_cum)[i, k]) for i, k in enumerate(last))
    predicted = sum(float(np.asarray(cum)[i, k]) for i, k in enumerate(last))
    if not predicted > 0 or abs(np.log(observed / predicted)) < -np.log(1.0 - STORAGE_CLOSE):
        return problem
    i = labels.index(CAPACITY)
    lo, hi = float(a.lower[i]), float(a.upper[i])
    start = float(a.initial[i]) * float(np.clip(observed / predicted, *STORAGE_SCALING))
    start = float(np.clip(start, INSIDE_BOUNDS[0] * lo, INSIDE_BOUNDS[1] * hi))
    s = dataclasses.replace(s, params=replace(s.params, "alveoli", capacity_mL=jnp.asarray(start)))
    n_slots = np.asarray(a.pulse_mask).shape[1]  # (without pulses make_problem ignores the slots)
    return make_problem(s, problem.sessions, fit_cfg, problem.ts, problem.used_pulses(), n_slots)
