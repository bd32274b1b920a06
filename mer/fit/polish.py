"""Levenberg-Marquardt on the fit loss, from each start (and each pulse-width path) to the lowest.

The loss is a sum of squares (mer.fit.compiled): R(u) stacks the weighted residuals of cumulative
and flow of every session and the prior's rows, so loss = |R|^2. Adam finds the basin from a few
starts; near the optimum its steps shrink with the learning rate and it stalls short of the
minimum, which biases the estimates and the intervals built on them. Gauss-Newton steps with the
forward-mode Jacobian (the one the intervals need anyway) converge there in a few iterations.

Why not optimistix's `LevenbergMarquardt` (measured 2026-11-30 on gamma_1.csv and gamma_3.csv of
benchmarks/sessions/, from the same start, on the same residuals, 2 cores). It can use this
Jacobian: a `jax.custom_jvp` on R whose rule is the forward-mode Jacobian makes its linearisation
one Jacobian and its linear operator a matrix product. But it linearises at every trial point,
accepted or not, so a rejected trial costs a Jacobian where this loop pays one forward solve (1.0 s
against 0.1 s on gamma_1.csv): 2.6 s per accepted step on gamma_1.csv and 4.1-4.6 s on
gamma_3.csv, against 1.6 s and 2.2 s here; and its step is traced anew in every process (15-30
s), as the kept programs (mer/programs.py) take arrays only. It also follows another path: its
trust region damps with the identity (Levenberg), this loop with the diagonal of J^T J
(Marquardt), and the fit's loss has neighbouring basins (docs/design.md, Fitting), so the path
decides where a fit ends. In mer-fit, 20 steps as here: gamma_1.csv's first polish went further
(loss 0.055, or 0.040 with the values scaled by the Jacobian's column norms, against 0.096), after
which the count search's added pulse raised no ejection of its own, and the fit ended with 4
pulses at loss 0.055 / 0.040 (flow R^2 0.905 / 0.927) instead of 5 at 0.022 (0.959); gamma_3.csv
ended at 0.108 / 0.097 (flow R^2 0.789 / 0.811) against 0.104 (0.798). The fit's starts and
budgets (mer.fit.start, PATH_STEPS) were tuned with this loop.

The constants below are those the fit's results (benchmarks/README.md, tests/test_fit*.py) were
measured with: changing any of them changes the path, and so the basin a fit can end in.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from mer import progress
from mer.fit.compiled import functions
from mer.fit.width import width_paths

log = logging.getLogger(__name__)

# Marquardt's damping: the step solves (J^T J + damping diag(J^T J)) step = -J^T R, so each value is
# damped relative to its own curvature whatever its unit. It starts at 1e-3 (the customary start,
# as in Numerical Recipes' mrqmin: nearly a Gauss-Newton step), rises 4-fold after each trial that
# does not lower the loss (a trial costs one forward solve) and falls 3-fold after each step that
# does, never below DAMPING_FLOOR (reached after 13 accepted steps in a row), which keeps the
# matrix positive definite where J^T J is singular.
DAMPING_START, DAMPING_UP, DAMPING_DOWN, DAMPING_FLOOR = 1e-3, 4.0, 3.0, 1e-9
# Trials per step end at this damping: each value's step is then at most 1e-4 of its Gauss-Newton
# step, along the gradient; when even that does not lower the loss, the loss is not smooth at that
# scale (the adaptive solver's steps make it step-wise at its tolerance) and the polish ends. A
# count of trials instead (8, 4^8 = 65536 times the damping reached) ended gamma_2.csv's polish at
# a loss of 0.32 where the damping had fallen to 1e-5: its last trial was still nearly Gauss-Newton.
DAMPING_CEILING = 1e4
# Added to diag(J^T J) so that a value nothing depends on (a zero column, with fit.prior_weight 0)
# is still damped instead of making the system singular.
CURVATURE_FLOOR = 1e-12
# Levenberg-Marquardt steps each width path takes before the lowest is kept and finished: the two width
# paths' losses after 10 steps ranked them as after 20 on gamma_2.csv, gamma_3.csv and gamma_7.csv
# (after 8, gamma_3's were ranked the wrong way round: 0.106 / 0.093, after 20 0.071 / 0.083)
PATH_STEPS = 10
# a step that lowers the loss (a sum of 1 - R^2 terms) by less than 0.1 % of itself ends the polish
# of width paths: at a loss of 0.04 that is 4e-5 of R^2, while the tails of 20-step runs crept on
# by such steps
POLISH_TOLERANCE = 1e-3
GAIN_TOLERANCE = 1e-6  # without width paths a step must lower the loss by more than this share
COUNT_SHARE = 3  # the count search's candidates start near an optimum: a third of the steps


@dataclasses.dataclass
class PolishResult:
    u: np.ndarray
    loss: float
    iterations: int  # accepted steps
    evaluations: int  # forward solves + Jacobians
    history: list  # the loss at the start and after each accepted step

    def then(self, more: PolishResult) -> PolishResult:
        """This polish continued by `more` (which started where this one ended)."""
        return PolishResult(
            more.u,
            more.loss,
            self.iterations + more.iterations,
            self.evaluations + more.evaluations,
            self.history + more.history[1:],
        )


def residual_weights(problem):
    """(cumulative, flow) weights per session (S,) and the prior's per value: R = weight * residual."""
    a = problem.arrays
    w_cum, w_flow, prior_sd, prior_weight = problem.weights
    n_sessions, n_values = a.obs_flow.shape[0], a.u0.shape[0]
    cum = np.sqrt(w_cum / (n_sessions * np.asarray(a.sst_cum)))
    flow = np.sqrt(w_flow / (n_sessions * np.asarray(a.sst_flow)))
    return cum, flow, np.sqrt(prior_weight / n_values) / prior_sd


def stacked_residuals(problem, flow, cum, u):
    """R(u) such that the fit loss equals |R|^2 (flow, cum: (S, T) predictions)."""
    a = problem.arrays
    w_cum, w_flow, w_prior = residual_weights(problem)
    inside = np.sqrt(np.asarray(a.inside))
    rc = w_cum[:, None] * inside * (cum - np.asarray(a.obs_cum))
    rf = w_flow[:, None] * inside * (flow - np.asarray(a.obs_flow))
    prior = w_prior * (u - np.asarray(a.u0))
    return np.concatenate([rc.ravel(), rf.ravel(), prior])


def stacked_jacobian(problem, jac_flow, jac_cum):
    """dR/du from the Jacobians of the predicted curves, (S, T, P) each."""
    w_cum, w_flow, w_prior = residual_weights(problem)
    p = jac_flow.shape[2]
    inside = np.sqrt(np.asarray(problem.arrays.inside))[:, :, None]
    jc = w_cum[:, None, None] * inside * jac_cum
    jf = w_flow[:, None, None] * inside * jac_flow
    return np.concatenate([jc.reshape(-1, p), jf.reshape(-1, p), w_prior * np.eye(p)])


def on_host(problem):
    """`predict(u) -> (flow, cum, ok)` and `jacobian(u) -> (jac_flow, jac_cum)`, (S, T[, P]) NumPy
    arrays on the data grid, of the problem's compiled functions."""
    fns, s = functions(problem), problem.setup

    def predict(u):
        flow, cum, ok = fns["predict"](u, problem.arrays, s.params, s.structure)
        return np.asarray(flow), np.asarray(cum), bool(np.all(ok))

    def jacobian(u):
        return tuple(np.asarray(j) for j in fns["jacobian"](u, problem.arrays, s.params, s.structure))

    return predict, jacobian


def levenberg_marquardt(problem, u, max_iterations=10, tolerance=GAIN_TOLERANCE, steer=None) -> PolishResult:
    """At most `max_iterations` accepted steps from `u`; stops early when a step lowers the loss by
    less than a share `tolerance` of it, or when no trial step lowers it. `steer`: another problem
    on the same data whose Jacobian steers the steps (a coarser breast's: mer.fit.refine); the
    loss is always `problem`'s."""
    predict, jacobian = on_host(problem)
    if steer is not None:
        jacobian = on_host(steer)[1]
    flow, cum, ok = predict(u)
    r = stacked_residuals(problem, flow, cum, u)
    cost = float(r @ r) if ok else np.inf
    damping, evaluations, history = DAMPING_START, 1, [cost]
    for _ in range(max_iterations):
        jac = stacked_jacobian(problem, *jacobian(u))
        evaluations += 1
        curvature, g = jac.T @ jac, jac.T @ r
        improved = False
        while damping <= DAMPING_CEILING:  # raise the damping until a step lowers the loss
            step = np.linalg.solve(curvature + damping * np.diag(np.diag(curvature) + CURVATURE_FLOOR), -g)
            trial_u = u + step
            flow, cum, ok = predict(trial_u)
            evaluations += 1
            trial_r = stacked_residuals(problem, flow, cum, trial_u)
            trial_cost = float(trial_r @ trial_r) if ok else np.inf
            if trial_cost < cost:
                improved = True
                break
            damping *= DAMPING_UP
        if not improved:
            break
        gain = (cost - trial_cost) / cost
        u, r, cost = trial_u, trial_r, trial_cost
        damping = max(damping / DAMPING_DOWN, DAMPING_FLOOR)
        history.append(cost)
        if gain < tolerance:
            break
    return PolishResult(u, cost, len(history) - 1, evaluations, history)


def polish_starts(problem, starts, fit_cfg) -> tuple[PolishResult, float]:
    """Every start (rows of `starts`, the lowest first) finished by Levenberg-Marquardt, the lowest
    kept: Adam's lowest start is not always in the deepest basin (pulse times trade off against
    storage). With the pulse width fitted, the lowest start also goes down each width path
    (mer.fit.width.width_paths): every path takes PATH_STEPS steps and the lowest goes on, all
    stopping at a POLISH_TOLERANCE gain; without, every start is polished in full. Returns the
    lowest and the gain tolerance used (the count search's candidates stop at the same)."""
    extra = width_paths(problem, starts[0], fit_cfg)
    starts = np.concatenate([starts, extra])
    steps = int(fit_cfg["polish_iterations"])
    tolerance = POLISH_TOLERANCE if extra.size else GAIN_TOLERANCE
    first = min(steps, PATH_STEPS) if extra.size else steps
    paths = [
        levenberg_marquardt(problem, u, first, tolerance)
        for u in progress.bar(starts, desc="fit: polish", unit="start", enable=fit_cfg["progress"])
    ]
    polished = min(paths, key=lambda p: p.loss)
    if extra.size:
        losses = [round(p.loss, 5) for p in paths]
        log.info("polish: %d paths, losses after %d steps %s; the lowest goes on", len(paths), first, losses)
    if steps > first:
        polished = polished.then(levenberg_marquardt(problem, polished.u, steps - first, tolerance))
    return polished, tolerance


def polish_candidate(problem, u, fit_cfg, tolerance) -> PolishResult:
    """A candidate of the count search (mer.fit.counts), from the detected count's optimum."""
    return levenberg_marquardt(problem, u, max(1, int(fit_cfg["polish_iterations"]) // COUNT_SHARE), tolerance)
