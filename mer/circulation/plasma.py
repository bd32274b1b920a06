"""Plasma oxytocin: one compartment (default) or two (De Groot et al. 1995).

One compartment: k_el = ln 2 / t_half with t_half 3.2 min median after an IV bolus
(docs/literature.md); the volume follows from the postpartum clearance (~1.4 L/min):
V = CL t_half / ln 2 (~6.5 L).
Two compartments (`circulation.two_compartment=1`, a static switch: `compartments` = 2 below, only
that model's rates computed): De Groot's fit to 1 IU IV gives t_half,alpha
0.049 h, t_half,beta 0.33 h and CL 67 L/h (their Vd 33 L is CL / beta). The central volume V1 is not
in the fit and is a prior (8 L, unchecked); then k10 = CL / V1, k21 = alpha beta / k10 and
k12 = alpha + beta - k10 - k21.
States: plasma OT C1 [pM] and the peripheral amount expressed in central concentration units
X2 = A2 / V1 [pM]: dC1/dt = R c_mU - (k10 + k12) C1 + k21 X2, dX2/dt = k12 C1 - k21 X2.
1 IU = 1.71 ug, so 1 mU in V litres gives 1.71 / V pg/mL (~pM; OT 1007 g/mol).
"""

from __future__ import annotations

import jax.numpy as jnp

NG_PER_MU = 1.71  # ng of OT per mU (1 IU = 1.71 ug)
PM_PER_PG_PER_ML = 1000.0 / 1007.1  # OT molar mass 1007.1 g/mol


def _two_compartment_rates(c):
    alpha = jnp.log(2.0) / c.alpha_half_life_s
    beta = jnp.log(2.0) / c.beta_half_life_s
    k10 = c.two_compartment_clearance_L_per_h / 3600.0 / c.central_volume_L
    k21 = alpha * beta / k10
    return k10, alpha + beta - k10 - k21, k21


def rate_constants(c, compartments: int):
    """(k10, k12, k21) [1/s]; k12 = k21 = 0 for one compartment."""
    if compartments == 2:
        return _two_compartment_rates(c)
    zero = jnp.zeros_like(c.half_life_s)
    return jnp.log(2.0) / c.half_life_s, zero, zero


def distribution_volume_L(c, compartments: int):
    """Central volume [L]."""
    if compartments == 2:
        return c.central_volume_L
    return c.clearance_L_per_min / 60.0 * c.half_life_s / jnp.log(2.0)


def pM_per_mU(c, compartments: int):
    return NG_PER_MU / distribution_volume_L(c, compartments) * PM_PER_PG_PER_ML


def plasma_rhs(conc_pM, peripheral_pM, release_mU_per_s, c, compartments: int):
    k10, k12, k21 = rate_constants(c, compartments)
    d_central = release_mU_per_s * pM_per_mU(c, compartments) - (k10 + k12) * conc_pM + k21 * peripheral_pM
    return d_central, k12 * conc_pM - k21 * peripheral_pM


def basal_release_mU_per_s(c, compartments: int):
    """Release that holds plasma OT at its basal level."""
    return c.basal_pM * rate_constants(c, compartments)[0] / pM_per_mU(c, compartments)


def basal_peripheral_pM(c, compartments: int):
    if compartments == 1:
        return jnp.zeros_like(c.basal_pM)
    k10, k12, k21 = rate_constants(c, compartments)
    return k12 * c.basal_pM / k21
