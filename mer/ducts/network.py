"""Quasi-steady milk flow through the duct tree, solved exactly in O(segments).

Duct RC times are milliseconds against a 900 s session (docs/reference_design.md 4.5), so duct pressures are
treated as quasi-steady: at every evaluation of the vector field the tree's resistor network is
solved exactly by two sweeps (Hines 1984; the same idea as jaxley's tree solver).

Upward sweep (terminal ducts -> nipple): everything distal to a segment's distal node is a Norton
source, inflow = A - B p. A segment of conductance g in series turns (A, B) into
(A g / (B + g), B g / (B + g)) seen from its proximal end; siblings add at their parent's node.
Downward sweep: each main duct meets the pore (conductance g_pore) at pressure
p = (A' + g_pore P_out) / (B' + g_pore); then p_distal = (A + g p_proximal) / (B + g).

Loops run over generations (a few steps, each a whole generation at once), never over segments.
"""

from __future__ import annotations

import functools

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


@functools.lru_cache(maxsize=64)  # per topology (DuctTree compares by it): each trace solves the tree ~5 times
def _level_links(tree: DuctTree):
    """Per generation: its slice of the segments, and how its segments hang on the generation
    above: `fan` children per parent in order (every tree mer builds: `fan` = 2), or else the
    parent of each (index within the generation above). Generations must be contiguous."""
    levels = tree.levels()
    if any(ix.size == 0 for ix in levels):
        raise ValueError("duct tree: every generation from 0 to the deepest needs a segment")
    if not all(np.array_equal(ix, np.arange(ix[0], ix[0] + ix.size)) for ix in levels):
        raise ValueError("duct tree: the segments of each generation must be contiguous, root first")
    links = []
    for g, ix in enumerate(levels):
        if g == 0:
            links.append((slice(ix[0], ix[-1] + 1), None, None))
            continue
        local = tree.parent[ix] - levels[g - 1][0]
        n_parents = levels[g - 1].size
        if local.min() < 0 or local.max() >= n_parents:
            raise ValueError(f"duct tree: a segment of generation {g} has a parent outside generation {g - 1}")
        fan = ix.size // n_parents
        ordered = ix.size == fan * n_parents and np.array_equal(local, np.repeat(np.arange(n_parents), fan))
        links.append((slice(ix[0], ix[-1] + 1), fan if ordered else None, local))
    return links


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

    Both sweeps step through the generations, each a whole generation at once: a parent sums its
    children as a reshape (`fan` children in order) and hands its pressure back by repeating it,
    with no scatter and no padding to the widest generation (one unrolled step per generation,
    6 in the default breast).
    """
    links = _level_links(tree)
    depth = len(links)
    node, seen = [None] * depth, [None] * depth  # Norton sources at each distal node; seen from its proximal end
    from_children = None
    for g in reversed(range(depth)):  # terminal ducts -> nipple
        where, _, _ = links[g]
        a, b, c = source_a[where], source_b[where], g_seg[where]
        if from_children is not None:
            a, b = a + from_children[0], b + from_children[1]
        node[g] = (a, b)
        seen[g] = (a * c / (b + c), b * c / (b + c))
        if g > 0:
            _, fan, local = links[g]
            if fan is not None:
                from_children = tuple(x.reshape(-1, fan).sum(axis=1) for x in seen[g])
            else:
                n_parents = links[g - 1][0].stop - links[g - 1][0].start
                from_children = tuple(jnp.zeros(n_parents, x.dtype).at[local].add(x) for x in seen[g])
    p_in = (seen[0][0] + g_pore * p_out) / (seen[0][1] + g_pore)  # each main duct's node at the pore
    p_dist, p_prox = [], []
    for g in range(depth):  # nipple -> terminal ducts
        (a, b), c = node[g], g_seg[links[g][0]]
        p_prox.append(p_in)
        p_dist.append((a + c * p_in) / (b + c))
        if g + 1 < depth:
            _, fan, local = links[g + 1]
            p_in = jnp.repeat(p_dist[-1], fan) if fan is not None else p_dist[-1][local]
    p_dist, p_prox = jnp.concatenate(p_dist), jnp.concatenate(p_prox)
    return p_dist, p_prox, g_seg * (p_dist - p_prox)
