"""Quasi-steady milk flow through the duct tree, solved exactly in O(segments).

Duct RC times are milliseconds against a 900 s session (docs/reference_design.md 4.5), so duct pressures are
treated as quasi-steady: at every evaluation of the vector field the tree's resistor network is
solved exactly by two sweeps (Hines 1984; the same idea as jaxley's tree solver).

Upward sweep (terminal ducts -> nipple): everything distal to a segment's distal node is a Norton
source, inflow = A - B p. A segment of conductance g in series turns (A, B) into
(A g / (B + g), B g / (B + g)) seen from its proximal end; siblings add at their parent's node.
Downward sweep: each main duct meets the pore (conductance g_pore) at pressure
p = (A' + g_pore P_out) / (B' + g_pore); then p_distal = (A + g p_proximal) / (B + g).

Loops run over generations (`fori_loop`, compiled once), never over segments.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

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

    Both sweeps are `fori_loop`s over the rows of `tree.level_table()`; the padding and the main
    ducts' parent point at one extra slot S, which collects (finite) throwaway values.
    """
    table = jnp.asarray(tree.level_table())
    depth = table.shape[0]
    n = tree.n_segments
    parent = jnp.asarray(np.where(tree.parent >= 0, tree.parent, n))
    parent = jnp.concatenate([parent, jnp.asarray([n])])
    pad = jnp.zeros(1, dtype=source_a.dtype)
    g = jnp.concatenate([g_seg, jnp.ones(1, dtype=g_seg.dtype)])  # the extra slot: no division by 0
    a0 = jnp.concatenate([source_a, pad])
    b0 = jnp.concatenate([source_b, pad])

    def up(k, carry):  # terminal ducts -> nipple: each segment's Norton source seen from its parent
        a, b, a_seen, b_seen = carry
        idx = table[depth - 1 - k]
        a_up = a[idx] * g[idx] / (b[idx] + g[idx])
        b_up = b[idx] * g[idx] / (b[idx] + g[idx])
        a_seen, b_seen = a_seen.at[idx].set(a_up), b_seen.at[idx].set(b_up)
        return a.at[parent[idx]].add(a_up), b.at[parent[idx]].add(b_up), a_seen, b_seen

    a, b, a_seen, b_seen = jax.lax.fori_loop(0, depth, up, (a0, b0, jnp.zeros_like(a0), jnp.zeros_like(b0)))
    roots = tree.levels()[0]
    p_prox = jnp.zeros_like(a).at[roots].set((a_seen[roots] + g_pore * p_out) / (b_seen[roots] + g_pore))

    def down(k, carry):  # nipple -> terminal ducts: a child's proximal node is its parent's distal one
        p_dist, p_prox = carry
        idx = table[k]
        p_prox = p_prox.at[idx].set(jnp.where(k > 0, p_dist[parent[idx]], p_prox[idx]))
        return p_dist.at[idx].set((a[idx] + g[idx] * p_prox[idx]) / (b[idx] + g[idx])), p_prox

    p_dist, p_prox = jax.lax.fori_loop(0, depth, down, (jnp.zeros_like(a), p_prox))
    p_dist, p_prox = p_dist[:n], p_prox[:n]
    return p_dist, p_prox, g_seg * (p_dist - p_prox)
