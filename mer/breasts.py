"""One central part and one or two breasts in one solve: one hypothalamus, pituitary and
circulation, a tuple of mammary glands.

Both breasts share one OT drive: the OT released by the pituitary reaches them through the same
plasma, so their ejections start together (Prime et al. 2009: 95.5 % of the rises of milk flow
coincide between the breasts during simultaneous pumping). Each breast keeps its own anatomy, duct
tree and agents. Trees of different shape cannot be stacked, so the vector field closes over the
static trees and evaluates each breast in turn (a loop over one or two breasts, never over agents).

The state is the shared part (afferent drive, neurons, pituitary store, plasma OT, atosiban) once
and under "breasts" one mammary part (`MAMMARY_KEYS`) per breast; `params.breasts` and
`structure["breasts"]` hold each breast's parameters and arrays. One breast is the same code with a
tuple of one.

The afferent drive comes from every stimulated nipple, each with its own milk removed
(`nipple_afferent`). Simultaneous pumping gives more milk ejections than sequential pumping
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

from mer.build import SIDES
from mer.ducts.tree import DuctTree
from mer.hydraulics import mammary_fluxes
from mer.model import (
    Central,
    breast_outputs,
    breast_rhs,
    breast_state,
    central_outputs,
    central_rhs,
    central_state,
    with_agent_factors,
)
from mer.stimulus.pump import afferent_input

# summed over the breasts; the other breast outputs are averaged with capacity weights
SUMMED = ("flow", "cumulative", "removed_ml", "secreted_ml", "remaining_ml")


def view(y, k):
    """Breast `k`'s state beside the shared state, as one breast's functions see it."""
    return {**{key: v for key, v in y.items() if key != "breasts"}, **y["breasts"][k]}


def glands(params, structure, trees):
    """(gland, structure, tree) of each breast."""
    return zip(params.breasts, structure["breasts"], trees)


def with_factors(params, structure):
    """`structure` with each breast's per-agent factors (mer.model.with_agent_factors)."""
    each = tuple(with_agent_factors(g, s) for g, s in zip(params.breasts, structure["breasts"]))
    return {**structure, "breasts": each}


def nipple_afferent(t, y, params, stim):
    """Afferent input from the nipples: one nipple's own; of two, the stronger one's plus
    `bilateral_summation` times the weaker one's (sub-additive between 0 and 1; module docstring)."""
    each = [afferent_input(t, b["removed"], params.stimulus, stim.kind, stim.pattern) for b in y["breasts"]]
    if len(each) == 1:
        return each[0]
    left, right = each
    return jnp.maximum(left, right) + params.neuro.bilateral_summation * jnp.minimum(left, right)


def make_vector_field(trees: tuple[DuctTree, ...], central: Central, stim):
    """Vector field f(t, y, (params, structure)) for diffrax; `central` the static switches of the
    shared part (mer.model.Central), `stim` the Stimulus (mer/stimulus/pump.py)."""

    def vector_field(t, y, args):
        params, structure = args
        afferent = nipple_afferent(t, y, params, stim) if central.release == "network" else None
        dy = central_rhs(t, y, params, structure, central, afferent)
        dy["breasts"] = tuple(
            breast_rhs(t, view(y, k), params, g, s, tree, stim)
            for k, (g, s, tree) in enumerate(glands(params, structure, trees))
        )
        return {k: dy[k] for k in y}

    return vector_field


def combined(each: list[dict], capacity: list) -> dict:
    """The breasts' outputs as one: flows and volumes summed, the rest weighted by capacity (the
    pressure drops by flow); one breast's are its own."""
    if len(each) == 1:
        return each[0]
    weight = [c / sum(capacity) for c in capacity]
    out = {}
    for name in each[0]:
        if name in SUMMED:
            out[name] = each[0][name] + each[1][name]
        elif name == "vacuum":
            out[name] = each[0][name]  # one pump on both
        elif name == "pressure_drop":  # a flow-weighted mean in each breast: weight by flow again
            total = each[0]["flow"] + each[1]["flow"]
            share = jnp.where(total > 0.0, each[0]["flow"] / jnp.where(total > 0.0, total, 1.0), weight[0])
            out[name] = share * each[0][name] + (1.0 - share) * each[1][name]
        else:
            out[name] = weight[0] * each[0][name] + weight[1] * each[1][name]
    return out


def make_observer(trees: tuple[DuctTree, ...], central: Central, stim):
    """Scalar outputs saved on the fine grid: the shared part's, the breasts' combined, and with two
    breasts each one's with a `_left` / `_right` suffix."""

    def observe(t, y, args):
        params, structure = args
        out = central_outputs(t, y, params, structure, central)
        each = [
            breast_outputs(t, view(y, k), params, g, s, tree, stim)
            for k, (g, s, tree) in enumerate(glands(params, structure, trees))
        ]
        out.update(combined(each, [g.alveoli.capacity_mL for g in params.breasts]))
        if len(each) == 2:
            for k, side in enumerate(SIDES):
                out.update({f"{name}_{side}": v for name, v in each[k].items()})
        return out

    return observe


def initial_state(params, structure, n_neurons, n_bundles, central: Central):
    each = tuple(breast_state(params, g, s) for g, s in zip(params.breasts, structure["breasts"]))
    dtype = each[0]["fullness"].dtype
    return {**central_state(params, structure, n_neurons, n_bundles, central, dtype), "breasts": each}


def agents(t, y, args):
    """Each breast's per-agent states (the agents' save grid)."""
    return tuple({"fullness": b["fullness"], "activation": b["activation"]} for b in y["breasts"])


def make_ducts(trees, stim):
    """Each breast's per-segment radius, pressures and flow (the duct tree's save grid)."""

    def ducts(t, y, args):
        params, structure = args
        out = []
        for k, (g, s, tree) in enumerate(glands(params, structure, trees)):
            m = mammary_fluxes(t, view(y, k), params, g, s, tree, stim)
            out.append(
                {
                    "radius": m["duct_radius"],
                    "pressure_in": m["p_distal"],
                    "pressure_out": m["p_proximal"],
                    "flow": m["segment_flow"],
                }
            )
        return tuple(out)

    return ducts


def cumulative_yield(t, y, args):
    """Cumulative yield [g] of all breasts together (the fit's save). Only the state is read: the
    fit's flow is the yield's rate between saves (mer.solve.balance_rate), as a balance reports it,
    so no save solves the duct tree."""
    params, _ = args
    return sum(b["removed"] * g.milk.density_g_per_mL for b, g in zip(y["breasts"], params.breasts))
