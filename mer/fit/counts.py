"""The number of release pulses chosen by the data.

The detector (mer.outputs.metrics.ejection_rises) misses an ejection that rises on the shoulder of
another and can take a wobble for one, so the fit tries the neighbouring counts: from the fit with
the detected count, one more pulse per session (placed where the observed flow most exceeds the
fitted flow: the ejection the fit lacks) and one fewer (the pulse that releases least dropped),
each polished by Levenberg-Marquardt. Each session's count is chosen by the Bayesian information
criterion of its measured channel (flow if the file gave flow, else cumulative):

    BIC = n_eff ln(SSR / n) + 2 K ln(n_eff)

with SSR the sum of squared residuals over the n samples, K pulses (a time and an amount each;
the mother's values are shared by every candidate and cancel) and n_eff = n (1 - rho1) / (1 + rho1)
the independent samples in autocorrelated residuals (as for the intervals, mer.fit.uncertainty),
rho1 taken from the candidate that fits the session best and used for all, so that the criteria
compare like with like. A pulse is kept only if it lowers the SSR by more than a factor
exp(2 ln(n_eff) / n_eff) (e.g. 17 % at n_eff = 50), and an added pulse only if the fitted flow
then shows one more acute rise (its own ejection): a pulse that only reshapes the others' flow
absorbs misfit of shape, not an ejection the data show.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from mer.fit.parameters import to_unconstrained
from mer.fit.polish import on_host
from mer.fit.problem import make_problem
from mer.fit.pulses import PULSE_KEYS, WIDTH_KEY, width_per_pulse
from mer.fit.uncertainty import effective_samples
from mer.outputs.metrics import ejection_rises

log = logging.getLogger(__name__)

RESIDUAL_SMOOTHING_S = 15.0  # the missing ejection is sought in the residual flow averaged over 15 s
NO_NEW_PULSE_BEFORE_S = 30.0  # ... after the first 30 s: the first ejection comes 1-2.5 min into
# pumping (docs/literature.md); flow before is the milk already in the ducts


@dataclasses.dataclass
class CountChoice:
    detected: np.ndarray  # (S,) ejections found in the data
    tried: np.ndarray  # (C, S) pulse counts of each candidate fit
    loss: np.ndarray  # (C,) each candidate's fit loss
    ssr: np.ndarray  # (C, S) of the measured channel
    criterion: np.ndarray  # (C, S) BIC
    n_effective: np.ndarray  # (S,)
    chosen: np.ndarray  # (S,) pulse counts of the final fit

    def reasons(self) -> list[str]:
        """One line per session: which counts were tried, their BIC and why one won."""
        lines = []
        for s in range(self.chosen.size):
            k = int(self.chosen[s])
            tried = sorted({int(c): float(b) for c, b in zip(self.tried[:, s], self.criterion[:, s])}.items())
            text = ", ".join(
                f"{c} (BIC {b:.1f})" if np.isfinite(b) else f"{c} (no ejection of its own)" for c, b in tried
            )
            why = "the lowest BIC"
            if k != int(self.detected[s]):
                why += f"; {int(self.detected[s])} ejection(s) detected"
            lines.append(f"pulses tried {text}: {k} chosen, {why}")
        return lines


def measured_residuals(problem, flow, cum, s):
    a = problem.arrays
    inside = np.asarray(a.inside[s]) > 0
    if "flow_g_per_s" in problem.sessions[s].measured:
        r = flow[s] - np.asarray(a.obs_flow[s])
    else:
        r = cum[s] - np.asarray(a.obs_cum[s])
    return r[inside]


def fitted_pulses(problem, u):
    """Per session: (centres, amounts) of the used pulses at `u`."""
    split = problem.layout.split(problem.natural(u))
    mask = np.asarray(problem.arrays.pulse_mask) > 0
    onsets, amounts = (split[key] for key in PULSE_KEYS)
    return [(onsets[s][mask[s]], amounts[s][mask[s]]) for s in range(mask.shape[0])]


def missing_pulse(problem, flow, s, lead_s):
    """Where the fit lacks an ejection: the onset of the largest excess of observed over fitted
    flow (15-s mean), moved back by the pulse-to-onset delay."""
    a = problem.arrays
    ts = problem.ts
    excess = (np.asarray(a.obs_flow[s]) - flow[s]) * np.asarray(a.inside[s])
    n = max(1, int(round(RESIDUAL_SMOOTHING_S / float(np.median(np.diff(ts))))))
    excess = np.convolve(excess, np.ones(n) / n, mode="same")
    excess[ts < NO_NEW_PULSE_BEFORE_S] = -np.inf
    top = int(np.argmax(excess))
    below = np.flatnonzero(excess[: top + 1] < 0.3 * excess[top])
    start = below[-1] if below.size else top
    return float(ts[start]) + lead_s


def with_pulses(problem, fit_cfg, u, per_session, n_slots=None):
    """A problem with the given (centres, amounts) per session, its other values taken from `u`,
    and the unconstrained start for it; `n_slots` pulse slots per session (default: the same as
    `problem`'s, so that the two share their compilation). Widths fitted per pulse follow their
    pulses: each new pulse takes the width of the old pulse nearest in time."""
    centres = [np.asarray(c) for c, _ in per_session]
    old_mask = np.asarray(problem.arrays.pulse_mask) > 0
    n_slots = old_mask.shape[1] if n_slots is None else int(n_slots)
    new = make_problem(problem.setup, problem.sessions, fit_cfg, problem.ts, centres, slots=n_slots)
    old_values = problem.layout.split(problem.natural(u))
    values = new.layout.split(np.asarray(new.arrays.initial, dtype=float).copy())
    for key in values:
        if key not in old_values:  # fitted from here on (mer.fit.shape.shape_widths): its start
            continue
        if key == "neuro.amounts_mU":
            for s, (_, amounts) in enumerate(per_session):
                values[key][s][: len(amounts)] = amounts
        elif key == WIDTH_KEY and np.ndim(values[key]) == 2:
            for s, c in enumerate(centres):
                old = np.asarray(old_values[key][s])[old_mask[s]]
                old_centres = np.asarray(old_values["neuro.onsets_s"][s])[old_mask[s]]
                values[key][s][: c.size] = old[np.argmin(np.abs(c[:, None] - old_centres[None, :]), axis=1)]
        elif key != "neuro.onsets_s":
            values[key] = np.asarray(old_values[key])
    x = np.asarray(new.layout.join(values))
    a = new.arrays
    return new, to_unconstrained(x, a.lower, a.upper, a.log)


def criterion(residuals, counts, per_pulse: int = 2):
    """BIC per candidate and session from the measured channel's residuals (`residuals[c][s]`)
    and pulse counts (C, S), each pulse `per_pulse` values (time and amount, and its width when
    fitted per pulse); n_eff from the candidate of lowest SSR. Returns (ssr, bic, n_eff)."""
    ssr = np.array([[float(np.sum(np.square(r))) for r in row] for row in residuals])
    best = np.argmin(ssr, axis=0)
    sessions = range(ssr.shape[1])
    n = np.array([residuals[0][s].size for s in sessions])
    n_eff = np.array([max(effective_samples(np.asarray(residuals[best[s]][s])), 2.0) for s in sessions])
    bic = n_eff * np.log(np.maximum(ssr, 1e-300) / n) + per_pulse * np.asarray(counts) * np.log(n_eff)
    return ssr, bic, n_eff


def search_counts(problem, polished, fit_cfg, polish):
    """`choose_counts` for a pulse fit asked to try other counts (fit.pulse_counts beyond [0]);
    else (problem, polished, None)."""
    if not problem.pulsed or not any(int(o) for o in fit_cfg.get("pulse_counts", [0])):
        return problem, polished, None
    return choose_counts(problem, polished, fit_cfg, polish)


def choose_counts(problem, polished, fit_cfg, polish):
    """Fit the neighbouring pulse counts around `polished` (the fit with the detected counts) and
    keep each session's count of lowest BIC. `polish(problem, u_start) -> PolishResult`. Returns
    (problem, polished, CountChoice)."""

    def predict(p, u):
        return on_host(p)[0](u)

    lead = float(fit_cfg["onset_to_pulse_s"])
    detected = np.array([c.size for c, _ in fitted_pulses(problem, polished.u)])
    slots = int(np.asarray(problem.arrays.pulse_mask).shape[1])
    flow, cum, _ = predict(problem, polished.u)
    fits = {0: (problem, polished, flow, cum)}
    base = fitted_pulses(problem, polished.u)
    for offset in (int(o) for o in fit_cfg["pulse_counts"] if int(o) != 0):
        per_session = []
        for s, (centres, amounts) in enumerate(base):
            if offset > 0 and centres.size < slots:
                extra = missing_pulse(problem, flow, s, lead)
                default = float(np.median(amounts)) if amounts.size else 40.0
                order = np.argsort(np.append(centres, extra))
                per_session.append((np.append(centres, extra)[order], np.append(amounts, default)[order]))
            elif offset < 0 and centres.size > 1:
                keep = np.arange(centres.size) != int(np.argmin(amounts))
                per_session.append((centres[keep], amounts[keep]))
            else:
                per_session.append((centres, amounts))
        if all(c.size == b[0].size for (c, _), b in zip(per_session, base)):
            continue  # no session can change by this offset
        candidate, u_start = with_pulses(problem, fit_cfg, polished.u, per_session)
        result = polish(candidate, u_start)
        f, c, _ = predict(candidate, result.u)
        fits[offset] = (candidate, result, f, c)
    offsets = sorted(fits)
    counts = np.array([[c.size for c, _ in fitted_pulses(fits[o][0], fits[o][1].u)] for o in offsets])
    residuals = [
        [measured_residuals(fits[o][0], fits[o][2], fits[o][3], s) for s in range(detected.size)] for o in offsets
    ]
    ssr, bic, n_eff = criterion(residuals, counts, 3 if width_per_pulse(fit_cfg) else 2)
    # an added pulse must add an ejection to the fitted flow: a pulse that only reshapes the others
    # (absorbing misfit of shape) is not an ejection the data show
    rises = np.array(
        [[ejection_rises(problem.ts, fits[o][2][s])[0].size for s in range(detected.size)] for o in offsets]
    )
    own = (counts <= counts[offsets.index(0)]) | (rises > rises[offsets.index(0)])
    bic = np.where(own, bic, np.inf)
    pick = np.argmin(bic, axis=0)
    loss = np.array([fits[o][1].loss for o in offsets])
    if np.all(pick == pick[0]):
        chosen_problem, chosen = fits[offsets[pick[0]]][0], fits[offsets[pick[0]]][1]
    else:  # sessions disagree: each keeps its own count, the mother's values from the best overall
        overall = int(np.argmin(bic.sum(axis=1)))
        chosen_fits = [fits[offsets[k]] for k in pick]  # each session's own candidate
        per_session = [fitted_pulses(p, result.u)[s] for s, (p, result, _, _) in enumerate(chosen_fits)]
        chosen_problem, u_start = with_pulses(
            fits[offsets[overall]][0], fit_cfg, fits[offsets[overall]][1].u, per_session
        )
        chosen = polish(chosen_problem, u_start)
    choice = CountChoice(detected, counts, loss, ssr, bic, n_eff, counts[pick, np.arange(pick.size)])
    for line in choice.reasons():
        log.info("counts: %s", line)
    return chosen_problem, chosen, choice
