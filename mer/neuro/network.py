"""Oxytocin neuron agents whose synchronous bursts emerge from the afferent drive.

A differentiable rate reduction in the spirit of Rossoni et al. 2008 (PLoS Comput Biol 4:e1000123;
48 cells in 12 dendritic bundles) and its two-variable reduction (Wu et al. 2012 PLoS ONE):

    tau_r dr_i/dt = sigmoid(I_i / kappa) - r_i
    I_i = drive + excitability_i - threshold + w_dendritic * <D>_bundles(i) - g_fatigue * z_i
    tau_D dD_b/dt = <r>_b - D_b                        (dendritic OT shared in a bundle)
    dz_i/dt = k_fatigue * r_i^4 - z_i / tau_fatigue    (slow depletion / endocannabinoid-like)

Dendritic OT is fast positive feedback (bistable silent/burst states); bundles shared between
cells synchronise the population; the slow z ends each burst and spaces the next (a relaxation
oscillator). Fatigue grows with r^4, i.e. only at burst rates, so the silent state near threshold
does not accumulate it and cannot freeze the rhythm. No burst time is scheduled: below a drive
threshold the silent state is stable.
Rates r are normalised to the burst peak (~60 spikes/s, Wakerley & Lincoln 1973).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def bundle_mean(rate, member_cell, member_bundle, n_bundles):
    """Mean rate of the cells whose dendrites share each bundle (segment_sum over memberships)."""
    total = jax.ops.segment_sum(rate[member_cell], member_bundle, num_segments=n_bundles)
    count = jax.ops.segment_sum(jnp.ones_like(member_cell, dtype=rate.dtype), member_bundle, num_segments=n_bundles)
    return total / count


def cell_dendritic_input(bundle_ot, member_cell, member_bundle, n_cells):
    """Mean dendritic OT of the bundles each cell belongs to."""
    total = jax.ops.segment_sum(bundle_ot[member_bundle], member_cell, num_segments=n_cells)
    count = jax.ops.segment_sum(jnp.ones_like(member_cell, dtype=bundle_ot.dtype), member_cell, num_segments=n_cells)
    return total / count


def network_rhs(drive, rate, bundle_ot, fatigue, z_excitability, members, n, central_block):
    """Time derivatives of (rate, bundle_ot, fatigue); `central_block` in [0, 1] scales the drive."""
    member_cell, member_bundle = members
    n_cells, n_bundles = rate.shape[0], bundle_ot.shape[0]
    dendritic = cell_dendritic_input(bundle_ot, member_cell, member_bundle, n_cells)
    current = (
        (1.0 - central_block) * drive
        + n.excitability_sd * z_excitability
        - n.threshold
        + n.dendritic_weight * dendritic
        - n.fatigue_weight * fatigue
    )
    d_rate = (jax.nn.sigmoid(current / n.gain_width) - rate) / n.rate_tau_s
    d_bundle = (bundle_mean(rate, member_cell, member_bundle, n_bundles) - bundle_ot) / n.dendritic_tau_s
    d_fatigue = n.fatigue_rate_per_s * rate**4 - fatigue / n.fatigue_tau_s
    return d_rate, d_bundle, d_fatigue


def synchrony(rate, threshold=0.5, width=0.05):
    """Fraction of cells in a burst (smooth count of rates above half the burst peak)."""
    return jnp.mean(jax.nn.sigmoid((rate - threshold) / width))


def bundle_membership(n_cells: int, n_bundles: int):
    """Each cell's dendrites join its own bundle and one neighbouring bundle (Rossoni 2008 shares
    bundles between cells); the overlap chains all bundles into one synchronising network."""
    import numpy as np

    cell = np.arange(n_cells)
    own = cell * n_bundles // n_cells
    other = (own + 1 + cell % 2) % n_bundles
    return np.concatenate([cell, cell]), np.concatenate([own, other])
