"""Breast pump stimulus, cycle-averaged.

A two-phase electric pump (Ramsay et al. 2005 J Hum Lact; Kent et al. 2008 Breastfeed Med): a
stimulation phase of fast, shallow cycles (~120 cycles/min) for ~2 min, then an expression phase
of slower cycles (~54-78 cycles/min) at the mother's maximum comfortable vacuum (-191 +/- 9 mmHg).
Cycle-averaged: the pump's vacuum is replaced by its mean over a cycle (duty fraction times the
peak), so the solver does not resolve individual cycles.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

PHASE_SWITCH_WIDTH_S = 2.0  # s; smooth phase change keeps the vector field differentiable


def _expression_weight(t, s):
    return jax.nn.sigmoid((t - s["stimulation_duration_s"]) / PHASE_SWITCH_WIDTH_S)


def peak_vacuum_mmHg(t, s):
    """Peak vacuum of the current phase [mmHg, negative = suction]."""
    w = _expression_weight(t, s)
    return (1.0 - w) * s["stimulation_vacuum_mmHg"] + w * s["expression_vacuum_mmHg"]


def cycle_rate_per_min(t, s):
    w = _expression_weight(t, s)
    return (1.0 - w) * s["stimulation_cycles_per_min"] + w * s["expression_cycles_per_min"]


def mean_vacuum_mmHg(t, s):
    """Cycle-averaged vacuum at the nipple [mmHg]: zero outside the session."""
    on = jax.nn.sigmoid(t / PHASE_SWITCH_WIDTH_S) * jax.nn.sigmoid((s["session_end_s"] - t) / PHASE_SWITCH_WIDTH_S)
    return on * s["duty_fraction"] * peak_vacuum_mmHg(t, s)


def afferent_input(t, s):
    """Afferent input from nipple stretch [dimensionless, 1 = expression phase at -190 mmHg].

    Each cycle stretches the nipple once; the input grows with the stretch (vacuum relative to
    the reference) and sub-linearly with the cycle rate (mechanoreceptors adapt).
    """
    on = jnp.where(t >= 0.0, 1.0, 0.0) * jax.nn.sigmoid((s["session_end_s"] - t) / PHASE_SWITCH_WIDTH_S)
    stretch = jnp.abs(peak_vacuum_mmHg(t, s)) / s["reference_vacuum_mmHg"]
    rate = jnp.sqrt(cycle_rate_per_min(t, s) / s["reference_cycles_per_min"])
    return on * stretch * rate
