"""Intervals and identifiability from the Gauss-Newton (Laplace) approximation at the optimum.

For each session the measured channel (flow if the file gave flow, else cumulative) gives
residuals r = model - data with variance s^2 = SSR / (n - p). Residuals of a curve are correlated
in time, so each channel counts n_eff = n (1 - rho1) / (1 + rho1) independent samples (rho1 the
lag-1 autocorrelation of its residuals). With J = dr/du (forward-mode through the solve), the
posterior precision of the unconstrained parameters is
    H = sum_sessions (n_eff / n) J^T J / s^2 + I / prior_sd^2
and cov(u) = H^-1. Intervals u* -/+ z sd(u) map through the (monotone) transforms to natural
units, so they respect the bounds. A parameter is not identifiable when the data shrink its prior
sd by less than half, or when it is confounded (|correlation| > 0.95) with another.
"""

from __future__ import annotations

import dataclasses
import math
import statistics

import jax.numpy as jnp
import numpy as np

from mer.fit.parameters import to_natural

NOT_PINNED = 0.5  # posterior sd / prior sd above this: the data hardly inform the parameter
CONFOUNDED = 0.95  # |correlation| above this: two parameters trade off against each other


@dataclasses.dataclass
class Uncertainty:
    covariance_u: np.ndarray  # (P, P) in the unconstrained space
    sd_u: np.ndarray
    ci_low: np.ndarray  # natural units
    ci_high: np.ndarray
    correlation: np.ndarray
    not_identifiable: dict  # label -> reason
    residual_sd: np.ndarray  # per session, of the measured channel (g/s or g)
    n_effective: np.ndarray  # per session


def effective_samples(r) -> float:
    """n (1 - rho1) / (1 + rho1): the independent samples in residuals `r` with lag-1
    autocorrelation rho1 (clipped to [0, 0.99])."""
    rc = r - r.mean()
    rho = float(np.sum(rc[1:] * rc[:-1]) / max(np.sum(rc**2), 1e-300))
    rho = min(max(rho, 0.0), 0.99)
    return r.size * (1.0 - rho) / (1.0 + rho)


def laplace(problem, u_star, jac_flow, jac_cum, flow, cum, confidence=0.95) -> Uncertainty:
    """`jac_flow`, `jac_cum`: (S, T, P) Jacobians of the predicted curves at `u_star`; `flow`,
    `cum`: (S, T) predictions."""
    a = problem.arrays
    p = u_star.size
    used = np.asarray(a.used) > 0
    inside, obs_flow, obs_cum = (np.asarray(x) for x in (a.inside, a.obs_flow, a.obs_cum))
    prior_sd = problem.weights[2]
    info = np.zeros((p, p))
    residual_sd, n_effective = [], []
    for s, session in enumerate(problem.sessions):
        within = inside[s] > 0
        if "flow_g_per_s" in session.measured:
            r, jac = flow[s] - obs_flow[s], jac_flow[s]
        else:
            r, jac = cum[s] - obs_cum[s], jac_cum[s]
        r, jac = r[within], jac[within][:, used]
        n = r.size
        dof = max(n - int(np.linalg.matrix_rank(jac)), 1)
        var = float(np.sum(r**2) / dof)
        n_eff = effective_samples(r)
        info_s = np.zeros((p, p))
        info_s[np.ix_(used, used)] = jac.T @ jac / max(var, 1e-300) * (n_eff / n)
        info += info_s
        residual_sd.append(math.sqrt(var))
        n_effective.append(n_eff)
    precision = info + np.eye(p) / prior_sd**2
    cov = np.linalg.inv(precision)
    cov = 0.5 * (cov + cov.T)
    sd = np.sqrt(np.diag(cov))
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2.0)
    low = np.asarray(to_natural(jnp.asarray(u_star - z * sd), a.lower, a.upper, a.log))
    high = np.asarray(to_natural(jnp.asarray(u_star + z * sd), a.lower, a.upper, a.log))
    corr = cov / np.outer(sd, sd)
    labels = problem.labels
    flagged = {}
    for i in np.flatnonzero(used):
        if sd[i] > NOT_PINNED * prior_sd:
            flagged[labels[i]] = f"the data shrink its prior sd only to {sd[i] / prior_sd:.0%}"
            continue
        partners = [labels[j] for j in np.flatnonzero(used) if j != i and abs(corr[i, j]) > CONFOUNDED]
        if partners:
            flagged[labels[i]] = "confounded with " + ", ".join(partners) + f" (|correlation| > {CONFOUNDED})"
    return Uncertainty(cov, sd, low, high, corr, flagged, np.asarray(residual_sd), np.asarray(n_effective))
