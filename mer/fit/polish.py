"""Levenberg-Marquardt polish of the best Adam start on the same loss.

The loss is a sum of squares (mer.fit.problem): R(u) stacks the weighted residuals of cumulative
and flow of every session and the prior's rows, so loss = |R|^2. Adam finds the basin from a few
starts; near the optimum its steps shrink with the learning rate and it stalls short of the
minimum, which biases the estimates and the intervals built on them. Gauss-Newton steps with the
forward-mode Jacobian (the one the intervals need anyway) converge there in a few iterations.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class PolishResult:
    u: np.ndarray
    loss: float
    iterations: int  # accepted steps
    evaluations: int  # forward solves + Jacobians
    history: list


def stacked_residuals(problem, flow, cum, u):
    """R(u) such that the fit loss equals |R|^2 (flow, cum: (S, T) predictions)."""
    a = {k: np.asarray(v) for k, v in problem.arrays.items()}
    w_cum, w_flow, prior_sd, prior_weight = problem.weights
    n_sessions = flow.shape[0]
    inside = np.sqrt(a["inside"])
    rc = np.sqrt(w_cum / (n_sessions * a["sst_cum"]))[:, None] * inside * (cum - a["obs_cum"])
    rf = np.sqrt(w_flow / (n_sessions * a["sst_flow"]))[:, None] * inside * (flow - a["obs_flow"])
    prior = np.sqrt(prior_weight / u.size) / prior_sd * (u - a["u0"])
    return np.concatenate([rc.ravel(), rf.ravel(), prior])


def stacked_jacobian(problem, jac_flow, jac_cum):
    """dR/du from the Jacobians of the predicted curves, (S, T, P) each."""
    a = {k: np.asarray(v) for k, v in problem.arrays.items()}
    w_cum, w_flow, prior_sd, prior_weight = problem.weights
    n_sessions, _, p = jac_flow.shape
    inside = np.sqrt(a["inside"])[:, :, None]
    jc = np.sqrt(w_cum / (n_sessions * a["sst_cum"]))[:, None, None] * inside * jac_cum
    jf = np.sqrt(w_flow / (n_sessions * a["sst_flow"]))[:, None, None] * inside * jac_flow
    prior = np.sqrt(prior_weight / p) / prior_sd * np.eye(p)
    return np.concatenate([jc.reshape(-1, p), jf.reshape(-1, p), prior])


def levenberg_marquardt(problem, predict, jacobian, u, max_iterations=10, tolerance=1e-6) -> PolishResult:
    """`predict(u) -> (flow, cum, ok)`, `jacobian(u) -> (jac_flow, jac_cum)`, both (S, T[, P])."""
    flow, cum, ok = predict(u)
    r = stacked_residuals(problem, flow, cum, u)
    cost = float(r @ r) if ok else np.inf
    damping, evaluations, history = 1e-3, 1, [cost]
    for _ in range(max_iterations):
        jac = stacked_jacobian(problem, *jacobian(u))
        evaluations += 1
        a, g = jac.T @ jac, jac.T @ r
        improved = False
        for _ in range(8):  # raise the damping until a step lowers the loss
            step = np.linalg.solve(a + damping * np.diag(np.diag(a) + 1e-12), -g)
            trial_u = u + step
            flow, cum, ok = predict(trial_u)
            evaluations += 1
            trial_r = stacked_residuals(problem, flow, cum, trial_u)
            trial_cost = float(trial_r @ trial_r) if ok else np.inf
            if trial_cost < cost:
                improved = True
                break
            damping *= 4.0
        if not improved:
            break
        gain = (cost - trial_cost) / cost
        u, r, cost = trial_u, trial_r, trial_cost
        damping = max(damping / 3.0, 1e-9)
        history.append(cost)
        if gain < tolerance:
            break
    return PolishResult(u, cost, len(history) - 1, evaluations, history)
