"""The breast's hydraulics at one instant: alveolar pressures, the alveolar outlets, the duct tree's
quasi-steady pressures and flows with its compliant walls, and the one-way nipple pores.

`mammary_fluxes` is called by the vector field (mer.model.breast_rhs) and by the saves; it reads
the per-solve agent factors (mer.model.with_agent_factors) from `structure`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from mer.alveoli.compression import compression_mmHg
from mer.alveoli.lobules import lobule_sums
from mer.alveoli.mechanics import outlet_conductance, pressure_mmHg, tension_mmHg
from mer.ducts.network import poiseuille_conductance, solve_tree
from mer.ducts.tree import DuctTree
from mer.ducts.wall import area_ratio_rate
from mer.stimulus.pump import PUMP, vacuum_mmHg


def duct_radius_mm(y, gland, structure):
    """Current duct radius: unloaded radius x tone x sqrt(area ratio)."""
    return structure["duct_radius_mm"] * gland.ducts.tone * jnp.sqrt(y["duct_area_ratio"])


def unloaded_volume_mL(gland, structure):
    r0 = structure["duct_radius_mm"] * gland.ducts.tone
    return jnp.pi * r0**2 * structure["duct_length_mm"] * 1.0e-3  # mm^3 -> mL


def pore_opening(pressure_across_mmHg, d, width_mmHg=2.0):
    """Nipple pores open when milk presses on them from inside by more than an opening pressure
    and close (to a small leak) otherwise; under a pump's vacuum they stay open."""
    rest = d.pore_closed_fraction
    return rest + (1.0 - rest) * jax.nn.sigmoid((pressure_across_mmHg - d.pore_opening_mmHg) / width_mmHg)


def stimulus_vacuum(t, y, params, stim):
    return vacuum_mmHg(t, y["suck_phase"], y["removed"], params.stimulus, stim.kind, stim.pattern, stim.resolved)


def mammary_fluxes(t, y, params, gland, structure, tree: DuctTree, stim=PUMP):
    """Alveolar pressures and the duct tree's quasi-steady flows of one breast at one instant
    (`gland`, `structure` and `tree` that breast's; `params` for the stimulus). `structure` holds
    the per-solve agent factors (`with_agent_factors`; mer.solve.solve adds them)."""
    if "agent_share" not in structure:
        raise KeyError("structure: the per-agent factors are missing; pass with_agent_factors(gland, structure)")
    a = gland.alveoli
    share = structure["agent_share"]
    tension = tension_mmHg(y["activation"], structure["myoepithelial_complement"], a)
    external = compression_mmHg(t, gland.compression)  # presses on alveoli and ducts alike
    pressure = pressure_mmHg(y["fullness"], tension, a, external)
    wall = gland.duct_wall
    d = gland.ducts
    g_out = outlet_conductance(share, y["fullness"], tension, a) * d.tone**4  # ductules share duct tone
    radius = duct_radius_mm(y, gland, structure)
    g_seg = poiseuille_conductance(radius, structure["duct_length_mm"], d.milk_viscosity_mPa_s)
    g_pore = (
        poiseuille_conductance(d.pore_radius_mm * structure["pore_scale"], d.pore_length_mm, d.milk_viscosity_mPa_s)
        * d.pore_patent_fraction
    )
    # each lobule's agents drain into its terminal duct: row sums of the lobule blocks, placed at the
    # terminal segments (mer/alveoli/lobules.py)
    terminal, n_lobules = tree.terminal, tree.n_lobules
    src_a = jnp.zeros(tree.n_segments, pressure.dtype).at[terminal].set(lobule_sums(g_out * pressure, n_lobules))
    src_b = jnp.zeros(tree.n_segments, pressure.dtype).at[terminal].set(lobule_sums(g_out, n_lobules))
    p_vac = stimulus_vacuum(t, y, params, stim)
    # 1) pressures with the walls held still and the pores open -> how fast each wall moves and which
    # pores are pushed open; 2) that volume change as a known sink at each segment's distal node,
    # through the pores as opened -> pressures and flows (mass conserved exactly)
    p_still, p_pore_still, _ = solve_tree(tree, g_seg, g_pore, src_a, src_b, p_vac)
    d_area = area_ratio_rate(y["duct_area_ratio"], p_still - external, wall)
    storage = d_area * unloaded_volume_mL(gland, structure)
    g_pore = g_pore * pore_opening(p_pore_still[tree.levels()[0]] - p_vac, d)
    p_dist, p_prox, q_seg = solve_tree(tree, g_seg, g_pore, src_a - storage, src_b, p_vac)
    # 3) removal is one-way (a pump's valve, an infant's swallow): a pore whose flow would run back
    # into the breast is closed and its lobe solved again, so no milk returns and mass is kept
    roots = tree.levels()[0]
    g_pore = jnp.where(q_seg[roots] < 0.0, 0.0, g_pore)
    p_dist, p_prox, q_seg = solve_tree(tree, g_seg, g_pore, src_a - storage, src_b, p_vac)
    p_terminal = p_dist[terminal][structure["agent_lobule"]]
    q_alv = g_out * (pressure - p_terminal)
    return {
        "duct_radius": radius,
        "duct_area_rate": d_area,
        "duct_volume": y["duct_area_ratio"] * unloaded_volume_mL(gland, structure),
        "share": share,
        "tension": tension,
        "pressure": pressure,
        "alveolar_outflow": q_alv,
        "segment_flow": q_seg,
        "p_distal": p_dist,
        "p_proximal": p_prox,
        # through the pores (a closed pore carries exactly nothing; Kirchhoff: the main ducts' flow)
        "nipple_outflow": jnp.sum(g_pore * (p_prox[roots] - p_vac)),
        "vacuum": p_vac,
        "terminal_pressure": p_terminal,  # each agent's terminal duct
    }
