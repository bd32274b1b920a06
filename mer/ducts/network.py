"""Quasi-steady milk flow through the duct tree, solved exactly in O(segments).

Duct RC times are milliseconds against a 900 s session (docs/reference_design.md 4.5), so duct pressures are
treated as quasi-steady: at every evaluation of the vector field the tree's resistor network is
solved exactly by two sweeps (Hines 1984; the same idea as jaxley's tree solver).

Upward sweep (terminal ducts -> nipple): everything distal to a segment's distal node is a Norton
source, inflow = A - B p. A segment of conductance g in series turns (A, B) into
(A g / (B + g), B g / (B + g)) seen from its proximal end; siblings add at their parent's node.
Downward sweep: each main duct meets the pore (conductance g_pore) at pressure
p = (A' + g_pore P_out) / (B' + g_pore); then p_distal = (A + g p_proximal) / (B + g).

Loops run over generations (a static handful), never over segments.
"""

from __future__ import annotations

import jax.numpy as jnp

from mer.ducts.tree import DuctTree

MMHG_PER_DYN_CM2 = 1.0 / 1333.22  # 1 mmHg = 133.322 Pa = 1333.22 dyn/cm^2


def poiseuille_conductance(radius_mm, length_mm, viscosity_mPa_s):
    """Conductance pi r^4 / (8 mu L) in mL/s per mmHg (r, L in mm; mu in mPa s)."""
    r_cm = radius_mm * 0.1
    l_cm = length_mm * 0.1
    mu_poise = viscosity_mPa_s * 0.01
    return jnp.pi * r_cm**4 / (8.0 * mu_poise * l_cm) / MMHG_PER_DYN_CM2


def solve_tree(tree: DuctTree, g_seg, g_pore, source_a, source_b, p_out):
    """Pressures and flows of the duct network.

    **Arguments:**
    - `g_seg`: (S,) segment conductances [mL/s/mmHg].
    - `g_pore`: (S_main,) pore conductance of each main duct [mL/s/mmHg].
    - `source_a`, `source_b`: (S,) Norton sources entering each segment's distal node from the
      alveoli it drains: inflow = source_a - source_b * p [mL/s].
    - `p_out`: pressure outside the pores (pump or mouth) [mmHg].

    **Returns:** `(p_distal, p_proximal, q)`: node pressures [mmHg] at each segment's distal and
    proximal end and segment flow toward the nipple [mL/s].
    """
    levels = tree.levels()
    parent = jnp.asarray(tree.parent)
    a = source_a
    b = source_b
    a_seen = jnp.zeros_like(a)
    b_seen = jnp.zeros_like(b)
    for idx in reversed(levels):
        g = g_seg[idx]
        a_up = a[idx] * g / (b[idx] + g)
        b_up = b[idx] * g / (b[idx] + g)
        a_seen = a_seen.at[idx].set(a_up)
        b_seen = b_seen.at[idx].set(b_up)
        if idx is not levels[0]:
            a = a.at[parent[idx]].add(a_up)
            b = b.at[parent[idx]].add(b_up)
    roots = levels[0]
    p_prox = jnp.zeros_like(a)
    p_prox = p_prox.at[roots].set((a_seen[roots] + g_pore * p_out) / (b_seen[roots] + g_pore))
    p_dist = jnp.zeros_like(a)
    for idx in levels:
        if idx is not roots:
            p_prox = p_prox.at[idx].set(p_dist[parent[idx]])
        g = g_seg[idx]
        p_dist = p_dist.at[idx].set((a[idx] + g * p_prox[idx]) / (b[idx] + g))
    q = g_seg * (p_dist - p_prox)
    return p_dist, p_prox, q
