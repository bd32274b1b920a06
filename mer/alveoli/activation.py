"""Ca2+-like activation of the myoepithelial basket of each alveolus agent.

    da/dt = (k_sig s g(h) + k_str phi^4 + k_cicr h a^m/(a^m + K^m)) (1 - a) - a / tau_a + D_gap sum_j (a_j - a_i)
    dh/dt = (1 - h) / tau_h - k_h a h

s is the receptor signal, phi^4 a stretch (Piezo1-like) influx in full alveoli, the a^m term
regenerative Ca2+ release from stores that makes the unit excitable, h the fraction of releasable
store left (refractoriness, ends each event), g(h) = 1 - w + w h with w = `store_gating`: with
w = 1 (mechanism=store) the receptor-driven (IP3) release draws on the same store, so sustained OT
gives a transient and then oscillations instead of a sustained rise. Myoepithelial Ca2+ responses
to OT are a store-release transient followed by oscillations (Davis et al. 2015 PNAS); gap junctions (Cx43) couple
neighbouring cells so that activation spreads between alveoli (Stevenson et al. 2020 PNAS). The
coupling sum D_gap sum_j (a_j - a_i) comes from mer.alveoli.lobules.ring_coupling.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from mer.alveoli.hill import hill


def activation_rhs(activation, recovery, signal, fullness, coupling, a):
    regenerative = a.cicr_rate_per_s * recovery * hill(activation, a.cicr_half_activation, a.cicr_hill)
    # receptor-driven (IP3) release draws on the same store when store_gating = 1
    release = a.signal_rate_per_s * signal * (1.0 - a.store_gating + a.store_gating * recovery)
    influx = a.ca_entry * (release + a.stretch_rate_per_s * fullness**4) + regenerative
    d_act = (
        influx * (1.0 - activation) - activation / a.activation_tau_s + a.gap_junction_rate_per_s * a.cx43 * coupling
    )
    d_rec = (1.0 - recovery) / a.recovery_tau_s - a.inactivation_rate_per_s * activation * recovery
    return d_act, d_rec


def active_fraction(activation, weight, threshold=0.3, width=0.03):
    """Share of the breast's alveoli (weighted by capacity) whose activation is above threshold."""
    return jnp.sum(weight * jax.nn.sigmoid((activation - threshold) / width)) / jnp.sum(weight)
