"""The Hill function, computed where it is cheap.

x^n / (x^n + k^n) = sigmoid(n (log x - log k)): one log and one exp per agent. A float power
(x ** n with a non-integer or traced n) costs about 30 exps on XLA's CPU backend (4.9 ms against
0.15 ms for 10^5 agents, measured 2026-11-29 on this project's 2-core machine), and the vector field
took three per agent. x = 0 gives sigmoid(-large) ~ 0 instead of 0 (x is floored at TINY, whose
n-th power is far below any tolerance), with a zero gradient there instead of NaN.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

TINY = 1.0e-30


def log_floor(x):
    """log x for x >= 0, floored at log TINY."""
    return jnp.log(jnp.maximum(x, TINY))


def hill_of_logs(log_x, log_k, n):
    """x^n / (x^n + k^n) from log x and log k."""
    return jax.nn.sigmoid(n * (log_x - log_k))


def hill(x, k, n):
    """x^n / (x^n + k^n) for x >= 0, k > 0."""
    return hill_of_logs(log_floor(x), jnp.log(k), n)
