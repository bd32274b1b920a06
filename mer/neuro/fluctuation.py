"""Slow fluctuation of the afferent drive within a session, drawn once per session.

Measured intervals between milk ejections vary within a session (about 40-200 s; Prime et al.
2011 Breastfeed Med 6:183), while each mother keeps her own pattern across sessions (same
paper). The mother's part is her own anatomy, agents and neuron excitability (`seed`); the
session's part is this fluctuation of the afferent drive (`session_seed`): how the infant sucks or
the pump sits, and the mother's attention, vary from minute to minute. Its size and time scale
are assumptions (no measurement of the afferent drive's variability in women is known).

The fluctuation xi(t) is a stationary Gaussian process with unit variance and a squared-exponential
correlation of time scale tau, written as a sum of N_MODES cosines with frequencies drawn from its
spectrum (random Fourier features, Rahimi & Recht 2007): smooth, so the solver's steps do not
shrink, differentiable in tau and the size, and of one shape whatever the duration. The drive is
scaled by the log-normal factor exp(sd xi - sd^2 / 2), whose mean is 1.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from mer.seeds import stream

N_MODES = 32


def fluctuation_draws(session_seed: int) -> dict:
    """Standard-normal frequencies and uniform phases of the session's modes (NumPy)."""
    rng = stream(session_seed, "fluctuation")
    return {
        "drive_mode_z": rng.standard_normal(N_MODES),
        "drive_mode_phase": rng.uniform(0.0, 2.0 * np.pi, N_MODES),
    }


def drive_fluctuation(t, mode_z, mode_phase, tau_s):
    """xi(t): unit variance, correlation exp(-dt^2 / (2 tau^2))."""
    omega = mode_z / tau_s
    return jnp.sqrt(2.0 / mode_z.shape[0]) * jnp.sum(jnp.cos(omega * t + mode_phase))


def drive_factor(t, mode_z, mode_phase, n):
    """Log-normal factor (mean 1) on the afferent drive."""
    sd = n.drive_fluctuation_sd
    return jnp.exp(sd * drive_fluctuation(t, mode_z, mode_phase, n.drive_fluctuation_tau_s) - 0.5 * sd**2)
