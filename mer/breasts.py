"""Both breasts in one solve: one hypothalamus, pituitary and circulation, two mammary glands.

Left and right share one OT drive: the OT released by the pituitary reaches both through the same
plasma, so their ejections start together (Prime et al. 2009: 95.5 % of the rises of milk flow
coincide between the breasts during simultaneous pumping). Each breast keeps its own anatomy, duct
tree and agents. Trees of different shape cannot be stacked, so the vector field closes over the
two static trees and evaluates each breast in turn (a loop over two breasts, never over agents).

The state is the shared part (afferent drive, neurons, pituitary store, plasma OT, atosiban) once
and the mammary part (`MAMMARY_KEYS`) under "left" and "right"; `params` and `structure` are
(left, right) pairs, the shared physiology read from the left one.

The afferent drive comes from both nipples, each with its own stimulus and milk removed
(`bilateral_afferent`). Simultaneous pumping gives more milk ejections than sequential pumping
(Prime et al. 2012 Breastfeed Med 7:442), which a larger drive from two nipples is the simplest
reading of; how the two afferent streams add at the OT neurons is not measured. The model adds the
stronger nipple's input and a share `neuro.bilateral_summation` of the weaker one's: 0 is the
stronger alone (occlusion), 1 the linear sum, between them sub-additive (an assumption;
configs/neuro/network.yaml). With one nipple stimulated the input is that nipple's own, as in the
one-breast model. That both breasts eject together (Prime 2009) follows from the one shared OT
drive, whatever its size.
"""

from __future__ import annotations

import jax.numpy as jnp

from mer.ducts.tree import DuctTree
from mer.hydraulics import mammary_fluxes
from mer.model import (
    MAMMARY_KEYS,
    Central,
    breast_outputs,
    breast_rhs,
    central_outputs,
    central_rhs,
    initial_state,
)
from mer.stimulus.pump import afferent_input

SIDES = ("left", "right")
# summed over both breasts; the other breast outputs are averaged with capacity weights
SUMMED = ("flow", "cumulative", "removed_ml", "secreted_ml", "remaining_ml")


def _view(y, side):
    """One breast's state beside the shared state, as the one-breast model sees it."""
    shared = {k: v for k, v in y.items() if k not in SIDES}
    return {**shared, **y[side]}


def bilateral_afferent(t, y, params, stim):
    """Afferent input from both nipples: the stronger one's plus `bilateral_summation` times the
    weaker one's (sub-additive between 0 and 1; module docstring). `params` is the (left, right) pair."""
    left, right = (
        afferent_input(t, y[side]["removed"], params[k].stimulus, stim.kind, stim.pattern)
        for k, side in enumerate(SIDES)
    )
    weaker_share = params[0].neuro.bilateral_summation
    return jnp.maximum(left, right) + weaker_share * jnp.minimum(left, right)


def make_pair_vector_field(trees: tuple[DuctTree, DuctTree], central: Central, stim):
    def vector_field(t, y, args):
        params, structure = args
        afferent = bilateral_afferent(t, y, params, stim) if central.release == "network" else None
        dy = central_rhs(t, _view(y, "left"), params[0], structure[0], central, stim, afferent)
        for k, side in enumerate(SIDES):
            dy[side] = breast_rhs(t, _view(y, side), params[k], structure[k], trees[k], stim)
        return {k: ({m: dy[k][m] for m in y[k]} if k in SIDES else dy[k]) for k in y}

    return vector_field


def make_pair_observer(trees: tuple[DuctTree, DuctTree], central: Central, stim):
    """Per-breast outputs with a `_left` / `_right` suffix, their totals and the shared outputs."""

    def observe(t, y, args):
        params, structure = args
        out = central_outputs(t, y, params[0], structure[0], central)
        each = [breast_outputs(t, _view(y, s), params[k], structure[k], trees[k], stim) for k, s in enumerate(SIDES)]
        capacity = [p.alveoli.capacity_mL for p in params]
        weight = [c / (capacity[0] + capacity[1]) for c in capacity]
        for name in each[0]:
            for k, side in enumerate(SIDES):
                out[f"{name}_{side}"] = each[k][name]
            if name in SUMMED:
                out[name] = each[0][name] + each[1][name]
            elif name == "vacuum":
                out[name] = each[0][name]  # one pump on both
            elif name == "pressure_drop":  # a flow-weighted mean in each breast: weight by flow again
                flow = [each[k]["flow"] for k in range(2)]
                total = flow[0] + flow[1]
                share = jnp.where(total > 0.0, flow[0] / jnp.where(total > 0.0, total, 1.0), weight[0])
                out[name] = share * each[0][name] + (1.0 - share) * each[1][name]
            else:
                out[name] = weight[0] * each[0][name] + weight[1] * each[1][name]
        return out

    return observe


def pair_initial_state(params, structure, n_neurons, n_bundles, central: Central):
    each = [initial_state(params[k], structure[k], n_neurons, n_bundles, central) for k in range(2)]
    y = {k: v for k, v in each[0].items() if k not in MAMMARY_KEYS}
    for k, side in enumerate(SIDES):
        y[side] = {m: each[k][m] for m in MAMMARY_KEYS}
    return y


def pair_agents(t, y, args):
    return {side: {"fullness": y[side]["fullness"], "activation": y[side]["activation"]} for side in SIDES}


def make_pair_ducts(trees, stim):
    def ducts(t, y, args):
        params, structure = args
        out = {}
        for k, side in enumerate(SIDES):
            m = mammary_fluxes(t, _view(y, side), params[k], structure[k], trees[k], stim)
            out[side] = {
                "radius": m["duct_radius"],
                "pressure_in": m["p_distal"],
                "pressure_out": m["p_proximal"],
                "flow": m["segment_flow"],
            }
        return out

    return ducts
