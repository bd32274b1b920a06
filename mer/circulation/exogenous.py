"""Exogenous oxytocin entering plasma: IV bolus, IV infusion, intramuscular and intranasal.

Each route is an input rate [mU/s] given analytically in time (no extra states):
- IV bolus: a unit-area Gaussian 5 s wide (injection over a few seconds); the human IV threshold
  dose for an ejection is 2 mU, with a response ~20 s later (1961 intramammary pressure study).
- IV infusion: a constant rate between start and end.
- IM and intranasal: first-order absorption after a lag, rate = F D exp(-(t - t0 - lag)/tau)/tau.
  Intranasal bioavailability is low (nasal needs ~200x the IV dose; response ~100 s after dosing),
  and 65-100 ug (~40-60 IU) gives plasma 36-85 pg/mL (Landgraf, probable).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

BOLUS_WIDTH_S = 5.0
EDGE_S = 2.0  # smooth edges keep the vector field differentiable


def _absorption(t, dose_mU, time_s, lag_s, tau_s, fraction):
    since = t - time_s - lag_s
    gate = jax.nn.sigmoid(since / EDGE_S)
    return fraction * dose_mU * gate * jnp.exp(-jnp.maximum(since, 0.0) / tau_s) / tau_s


def exogenous_input_mU_per_s(t, x):
    z = (t - x.iv_bolus_time_s) / BOLUS_WIDTH_S
    bolus = x.iv_bolus_mU * jnp.exp(-0.5 * z**2) / (BOLUS_WIDTH_S * jnp.sqrt(2.0 * jnp.pi))
    window = jax.nn.sigmoid((t - x.infusion_start_s) / EDGE_S) * jax.nn.sigmoid((x.infusion_end_s - t) / EDGE_S)
    infusion = x.infusion_mU_per_min / 60.0 * window
    im = _absorption(t, x.im_mU, x.im_time_s, 0.0, x.im_absorption_tau_s, 1.0)
    nasal = _absorption(
        t,
        x.intranasal_IU * 1000.0,
        x.intranasal_time_s,
        x.intranasal_lag_s,
        x.intranasal_absorption_tau_s,
        x.intranasal_bioavailability,
    )
    return bolus + infusion + im + nasal
