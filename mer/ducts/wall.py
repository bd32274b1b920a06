"""Compliant duct walls: a tube law and a viscoelastic lag.

The lumen area relative to its unloaded area, a = A / A0, follows the transmural pressure
P = P_lumen - P_tissue by a logistic tube law between a collapsed floor and a distension ceiling,
a_eq(P) = a_min + (a_max - a_min) sigmoid((P - P_half) / P_w), with P_half set so that a_eq(0) = 1.
Ducts are superficial and compressible (Ramsay 2005): they collapse under the pump's vacuum and
dilate when ejected milk raises their pressure (Ramsay 2004; Geddes 2009: dilation during an
ejection, return toward baseline within it). The wall follows a_eq with time constant tau_w:
da/dt = (a_eq(P) - a) / tau_w, where P is the quasi-steady pressure the tree would have if its
walls held still; the volume change is then a known sink at each node (mass conserved exactly).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def _half_pressure(w):
    f0 = (1.0 - w.area_min) / (w.area_max - w.area_min)
    return -w.pressure_scale_mmHg * jnp.log(f0 / (1.0 - f0))


def equilibrium_area_ratio(transmural_mmHg, w):
    z = (transmural_mmHg - _half_pressure(w)) / w.pressure_scale_mmHg
    return w.area_min + (w.area_max - w.area_min) * jax.nn.sigmoid(z)


def area_ratio_rate(area_ratio, transmural_mmHg, w):
    return (equilibrium_area_ratio(transmural_mmHg, w) - area_ratio) / w.wall_tau_s
