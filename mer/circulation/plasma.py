"""Plasma oxytocin, one compartment: dC/dt = R * c_per_mU - k_el C.

k_el = ln 2 / t_half with t_half 3.2 min median after an IV bolus (docs/literature.md); the volume of
distribution follows from the postpartum clearance (~1.4 L/min): V = CL t_half / ln 2 (~6.5 L).
1 IU = 1.71 ug, so 1 mU in V litres gives 1.71 / V pg/mL (~pM; OT 1007 g/mol).
"""

from __future__ import annotations

import jax.numpy as jnp

NG_PER_MU = 1.71  # ng of OT per mU (1 IU = 1.71 ug)
PM_PER_PG_PER_ML = 1000.0 / 1007.1  # OT molar mass 1007.1 g/mol


def elimination_rate_per_s(c):
    return jnp.log(2.0) / c["half_life_s"]


def distribution_volume_L(c):
    return c["clearance_L_per_min"] / 60.0 * c["half_life_s"] / jnp.log(2.0)


def pM_per_mU(c):
    return NG_PER_MU / distribution_volume_L(c) * PM_PER_PG_PER_ML


def plasma_rhs(conc_pM, release_mU_per_s, c):
    return release_mU_per_s * pM_per_mU(c) - elimination_rate_per_s(c) * conc_pM


def basal_release_mU_per_s(c):
    """Release that holds plasma OT at its basal level."""
    return c["basal_pM"] * elimination_rate_per_s(c) / pM_per_mU(c)
