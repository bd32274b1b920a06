"""Transit of plasma OT from the veins to the breast's arteries.

OT from the posterior pituitary and an IV injection both enter venous blood; the myoepithelium sees
it only after the venous return, the lungs and the arterial tree. Circulation times in normal adults:
arm vein -> femoral artery 11.2 s (I-131 first arrival), arm -> tongue 11-17 s (decholin, saccharin),
lung -> ear 5.2 s (oximeter) (classical circulation-time studies; docs/literature.md). The delay is
a chain of `TRANSIT_STAGES` first-order stages with mean transit `circulation.transit_s` (a
gamma-distributed delay, the transit-compartment model of pharmacometrics): each stage holds a
concentration and no mass, so plasma PK (half-lives, clearance) is unchanged. The chain gives the
breast's IV latency (~20 s in the 1961 human study: ~10 s transit + receptor and Ca2+ rise) and makes
every ejection follow the release that causes it; `transit_s = 0` makes the breast see mixed plasma.
"""

from __future__ import annotations

import jax.numpy as jnp

TRANSIT_STAGES = 6  # coefficient of variation 1/sqrt(6) ~ 0.4 of the transit time


def transit_rhs(stages_pM, plasma_pM, c):
    """d/dt of the chain: each stage relaxes towards the one before it at rate n / transit_s."""
    tau = c.transit_s
    rate = TRANSIT_STAGES / jnp.where(tau > 0, tau, 1.0)
    upstream = jnp.concatenate([jnp.reshape(plasma_pM, (1,)), stages_pM[:-1]])
    return jnp.where(tau > 0, rate * (upstream - stages_pM), 0.0)


def mammary_arterial_pM(stages_pM, plasma_pM, c):
    """OT concentration in the blood that reaches the breast [pM]."""
    return jnp.where(c.transit_s > 0, stages_pM[-1], plasma_pM)
