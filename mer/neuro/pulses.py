"""Explicit pulse train of pituitary OT release (`neuro=pulses`), for per-session fitting.

R(t) = sum_k A_k g(t - t_k; w_k), g a unit-area Gaussian: A_k [mU] is the OT released by pulse k,
t_k its centre [s], w_k its width (standard deviation) [s].
"""

from __future__ import annotations

import jax.numpy as jnp


def pulse_release_mU_per_s(t, onsets_s, amounts_mU, widths_s):
    z = (t - onsets_s) / widths_s
    return jnp.sum(amounts_mU * jnp.exp(-0.5 * z**2) / (widths_s * jnp.sqrt(2.0 * jnp.pi)))
