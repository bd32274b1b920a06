"""Atosiban, an OT receptor antagonist: one-compartment PK and its free concentration.

CL 42 L/h and Vd 18 L (Goodwin 1995; SmPC) give t_half ~18 min and, at 300 ug/min, a steady state
of ~430 ng/mL (observed 442 +/- 73 ng/mL); 46-48 % is protein bound. Its effect is competitive,
EC50_eff = EC50 (1 + A_free / Ki) with Ki ~10 nM (Phaneuf 1994).
"""

from __future__ import annotations

ATOSIBAN_G_PER_MOL = 994.2


def atosiban_rhs(conc_ng_per_mL, a):
    k = a.clearance_L_per_h / a.volume_L / 3600.0
    infusion = a.infusion_ug_per_min / 60.0 / a.volume_L  # ug/L/s = ng/mL/s
    return infusion - k * conc_ng_per_mL


def initial_ng_per_mL(a):
    return a.bolus_mg * 1000.0 / a.volume_L  # mg -> ug; ug/L = ng/mL


def free_nM(conc_ng_per_mL, a):
    return conc_ng_per_mL * (1.0 - a.bound_fraction) * 1.0e3 / ATOSIBAN_G_PER_MOL
