"""Where the pressure falls between the alveoli and the pump: the alveolar outlets, each generation
of the duct tree, and the nipple pores.

The mean pressure drop across a stage, weighted by the flow through it, is the power the stage
dissipates divided by the milk flow leaving the breast: sum q (p_in - p_out) / Q. Summed over the
stages it is the flow-weighted mean of (alveolar pressure - pressure outside the pores) when the
duct walls hold still (Tellegen's theorem), so each stage's share is the part of the driving
pressure that it takes. Moving walls store or return milk: in the default session the sum
departs from the driving pressure by 0.3 % (median) during the ejections, but by up to a quarter
at the session's end and more in its first seconds, when the walls collapse under the pump.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from mer.ducts.tree import DuctTree
from mer.outputs.metrics import ejection_onsets


def stage_names(tree: DuctTree) -> list[str]:
    """Stages in the order milk passes them: outlets, the deepest generation ... the main ducts, pores."""
    return ["alveolar outlets", *(f"generation {g}" for g in range(tree.depth - 1, -1, -1)), "nipple pores"]


def stage_pressure_drops(tree: DuctTree, q_alveolar, p_alveolar, p_terminal, q_seg, p_dist, p_prox, p_out):
    """(depth + 2,) flow-weighted mean pressure drop [mmHg] across each stage (`stage_names`).

    **Arguments:** agents' outflow and pressure, each agent's terminal-duct pressure, and the
    tree's segment flows and node pressures (mer.ducts.network.solve_tree), `p_out` outside.
    Before any milk leaves (Q = 0) every drop is 0."""
    power_outlets = jnp.sum(q_alveolar * (p_alveolar - p_terminal))
    power_segments = q_seg * (p_dist - p_prox)
    levels = tree.levels()  # contiguous (mer.ducts.network.solve_tree checks)
    power_generations = jnp.stack([power_segments[ix[0] : ix[-1] + 1].sum() for ix in levels])
    roots = levels[0]
    power_pores = jnp.sum(q_seg[roots] * (p_prox[roots] - p_out))
    outflow = jnp.sum(q_seg[roots])
    power = jnp.concatenate([power_outlets[None], power_generations[::-1], power_pores[None]])
    return jnp.where(outflow > 0.0, power / jnp.where(outflow > 0.0, outflow, 1.0), 0.0)


def shares_at_peak_flow(time_s, flow, pressure_drop) -> dict:
    """Shares of the driving pressure taken by the alveolar outlets, the ducts (all generations) and
    the nipple pores at the peak of the flow during the milk ejections, from the saved curves
    (`pressure_drop`: (T, stages)). The flow of the first seconds, milk the collapsing ducts give
    up when the pump starts, is not an ejection; without an ejection the shares are NaN."""
    flow = np.asarray(flow)
    onsets, ends = ejection_onsets(time_s, flow)
    nothing = {k: float("nan") for k in ("outlet_pressure_share", "duct_pressure_share", "pore_pressure_share")}
    if not onsets.size:
        return nothing
    during = np.zeros(flow.shape, bool)
    for start, stop in zip(onsets, ends):  # a few ejections
        during |= (time_s >= start) & (time_s <= stop)
    drop = np.asarray(pressure_drop)[int(np.argmax(np.where(during, flow, -np.inf)))]
    total = drop.sum()
    if not total > 0.0:
        return nothing
    return {
        "outlet_pressure_share": float(drop[0] / total),
        "duct_pressure_share": float(drop[1:-1].sum() / total),
        "pore_pressure_share": float(drop[-1] / total),
    }
