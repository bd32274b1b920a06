"""How much of its cells' force the myoepithelial basket of one alveolus puts into squeezing it.

The basket's cells are Ca2+ oscillators (Davis et al. 2015 PNAS 112:5827) that gap junctions
(Cx43) pull into step: "individual oscillators can be electrically coupled to achieve global
synchrony" (Stevenson et al. 2020 PNAS 117:26822). For phase oscillators whose natural
frequencies are spread (Lorentzian, half-width D) and coupled with strength K, the stationary
order parameter is r = sqrt(1 - Kc / K) above the critical coupling Kc = 2 D and 0 below it
(Kuramoto's mean field; exact for many oscillators in the Ott-Antonsen reduction, Ott & Antonsen
2008 Chaos 18:037113). Cx43 scales the coupling, K / Kc = margin x cx43, so a partial loss of
Cx43 that takes the coupling below critical abolishes the coherent squeeze, as in the Cx43
G60S (Gja1 Jrt/+) mice, whose reduced Cx43 left oxytocin unable to deliver milk (Plante & Laird
2008 Dev Biol). The basket's squeeze is the magnitude of its N cells' summed force: the coherent
share r plus the out-of-step remainder, whose N random phases sum to ~1/sqrt(N) of the whole:
coherence = sqrt(r^2 + (1 - r^2) / N). Without Cx43 the squeeze is 1/sqrt(N) of the coherent one.
Tension is scaled by the coherence relative to the normal basket (cx43 = 1), so `max_tension_mmHg`
stays the normal basket's.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

TRANSITION_WIDTH = 0.02  # r^2 is smoothed over this width around the critical coupling (differentiable)


def synchronised_share(coupling_ratio):
    """r^2 of the mean field: max(0, 1 - 1 / (K / Kc)), smoothed (softplus) at the transition."""
    x = jnp.maximum(coupling_ratio, 1e-6)
    return TRANSITION_WIDTH * jax.nn.softplus((1.0 - 1.0 / x) / TRANSITION_WIDTH)


def basket_coherence(cx43, a):
    """Magnitude of the basket's summed force over its coherent maximum, for Cx43 function `cx43`."""
    r2 = jnp.minimum(synchronised_share(a.coupling_margin * cx43), 1.0)
    return jnp.sqrt(r2 + (1.0 - r2) / a.basket_cells)


def coherence(a):
    """The basket's squeeze relative to the normal basket's (1 with normal Cx43)."""
    return basket_coherence(a.cx43, a) / basket_coherence(1.0, a)
