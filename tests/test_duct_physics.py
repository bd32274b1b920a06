"""Duct physics the code must satisfy whatever its formulas: Poiseuille's law for a known pipe,
series and parallel resistances, mass conservation and falling pressure toward the nipple in a
tree solve; pores that open under pressure; in the default session, dilation at ejection."""

import jax.numpy as jnp
import numpy as np
import pytest

from mer.ducts.network import poiseuille_conductance, solve_tree
from mer.ducts.tree import DuctTree, dichotomous_tree
from mer.parameters import Ducts

BIG = 1e12  # conductance of a node held at a pressure, or of an open pore [mL/s/mmHg]


def tree_of(parent):
    """A DuctTree from its parent list (segments in topological order), 1 mm x 10 mm ducts."""
    parent = np.asarray(parent)
    generation = np.zeros(parent.size, int)
    for s, p in enumerate(parent):
        generation[s] = 0 if p < 0 else generation[p] + 1
    is_parent = np.isin(np.arange(parent.size), parent)
    return DuctTree(
        parent,
        generation,
        np.zeros(parent.size, int),
        np.full(parent.size, 10.0),
        np.ones(parent.size),
        np.flatnonzero(~is_parent),
    )


def held_at(tree, pressures_mmHg):
    """Norton sources holding each terminal node at the given pressure (a stiff source)."""
    a, b = np.zeros(tree.n_segments), np.zeros(tree.n_segments)
    b[tree.terminal] = BIG
    a[tree.terminal] = BIG * np.asarray(pressures_mmHg, dtype=float)
    return jnp.asarray(a), jnp.asarray(b)


def test_conductance_of_a_known_pipe():
    # r = 1 mm, L = 10 mm, mu = 2 mPa s, in SI by hand: pi (1e-3 m)^4 / (8 x 2e-3 Pa s x 1e-2 m)
    # = 1.9635e-8 m^3/(s Pa); x 1e6 mL/m^3 x 133.322 Pa/mmHg = 2.6178 mL/s per mmHg
    assert float(poiseuille_conductance(1.0, 10.0, 2.0)) == pytest.approx(2.6178, rel=1e-4)


@pytest.mark.parametrize(
    "changed, factor",
    [
        ((2.0, 10.0, 2.0), 16.0),  # twice the radius: r^4
        ((1.0, 20.0, 2.0), 0.5),  # twice the length: 1/L
        ((1.0, 10.0, 4.0), 0.5),  # twice the viscosity: 1/mu
        ((0.5, 2.5, 1.0), 0.5),  # r/2, L/4, mu/2: 1/16 x 4 x 2
    ],
)
def test_conductance_scales_as_r4_over_mu_l(changed, factor):
    ratio = float(poiseuille_conductance(*changed)) / float(poiseuille_conductance(1.0, 10.0, 2.0))
    assert ratio == pytest.approx(factor, rel=1e-12)


def test_two_segments_in_series():
    """Main duct g0 and its one branch g1, the branch's end held at 30 mmHg, the pore open to 0:
    q = 30 / (1/g0 + 1/g1) through both, and the junction divides the pressure as R0 : R1."""
    g0, g1 = 2.0, 0.5
    tree = tree_of([-1, 0])
    p_dist, p_prox, q = solve_tree(tree, jnp.array([g0, g1]), jnp.array([BIG]), *held_at(tree, [30.0]), 0.0)
    r0, r1 = 1.0 / g0, 1.0 / g1
    np.testing.assert_allclose(np.asarray(q), [30.0 / (r0 + r1)] * 2, rtol=1e-9)
    assert float(p_dist[0]) == pytest.approx(30.0 * r0 / (r0 + r1), rel=1e-9)
    assert float(p_prox[1]) == pytest.approx(float(p_dist[0]), rel=1e-12)  # one node


def test_two_branches_in_parallel():
    """Two branches g1, g2 both held at 30 mmHg drain into a main duct g0:
    q0 = 30 / (1/g0 + 1/(g1 + g2)), shared between the branches as g1 : g2."""
    g0, g1, g2 = 2.0, 0.5, 1.5
    tree = tree_of([-1, 0, 0])
    _, _, q = solve_tree(tree, jnp.array([g0, g1, g2]), jnp.array([BIG]), *held_at(tree, [30.0, 30.0]), 0.0)
    q0 = 30.0 / (1.0 / g0 + 1.0 / (g1 + g2))
    np.testing.assert_allclose(np.asarray(q), [q0, q0 * g1 / (g1 + g2), q0 * g2 / (g1 + g2)], rtol=1e-9)


def branched(alveolar_mmHg, sink_mL_per_s=0.0):
    """Three lobes, four generations, random conductances and pores; each terminal node fed by its
    alveoli (at `alveolar_mmHg`, one value or one per lobule) through their outlets, every node
    losing `sink_mL_per_s` (a filling duct wall), the pores under 50 mmHg of vacuum."""
    rng = np.random.default_rng(11)
    tree = dichotomous_tree(3, 4, 1.0, 8.0, 0.794, 0.794)
    g = rng.uniform(0.2, 3.0, tree.n_segments)
    g_pore = rng.uniform(0.1, 1.0, 3)
    b = np.zeros(tree.n_segments)
    b[tree.terminal] = rng.uniform(0.01, 0.1, tree.n_lobules)
    a = np.zeros(tree.n_segments)
    a[tree.terminal] = b[tree.terminal] * alveolar_mmHg
    a = a - sink_mL_per_s
    p_out = -50.0
    solved = solve_tree(tree, *(jnp.asarray(x) for x in (g, g_pore, a, b)), p_out)
    return tree, a, b, g_pore, p_out, [np.asarray(x) for x in solved]


def test_mass_is_conserved_at_every_node_and_through_the_pores():
    rng = np.random.default_rng(5)
    tree, a, b, g_pore, p_out, (p_dist, p_prox, q) = branched(rng.uniform(5.0, 40.0, 24), sink_mL_per_s=0.05)
    inflow = a - b * p_dist  # what the alveoli push into each segment's distal node, less its sink
    from_children = np.zeros(tree.n_segments)
    for s, p in enumerate(tree.parent):
        if p >= 0:
            from_children[p] += q[s]
    scale = np.abs(q).max()
    np.testing.assert_allclose(q, inflow + from_children, rtol=0, atol=1e-12 * scale)
    roots = np.flatnonzero(tree.parent == -1)
    through_pores = g_pore * (p_prox[roots] - p_out)
    np.testing.assert_allclose(through_pores, q[roots], rtol=0, atol=1e-12 * scale)
    assert np.sum(through_pores) == pytest.approx(np.sum(inflow), rel=1e-12)
    assert np.sum(inflow) > 0.1  # milk flows (a check of nothing otherwise)


def test_pressure_falls_from_the_alveoli_to_the_nipple_under_outflow():
    """Every alveolus at 30 mmHg, the pores at -50: milk runs toward the nipple in every segment
    and each node's pressure lies between the two."""
    tree, a, b, _, p_out, (p_dist, p_prox, q) = branched(30.0)
    assert np.all(q > 0)
    assert np.all(p_dist > p_prox)  # along every segment
    child = tree.parent >= 0
    np.testing.assert_allclose(p_prox[child], p_dist[tree.parent[child]], rtol=1e-12)  # joined at nodes
    assert np.all(p_dist < 30.0) and np.all(p_prox > p_out)
    lobule = np.flatnonzero(tree.generation == tree.depth - 1)[0]
    path = [lobule]  # one lobule's way out: pressure falls at every node
    while tree.parent[path[-1]] >= 0:
        path.append(tree.parent[path[-1]])
    assert np.all(np.diff(p_dist[path]) < 0)


def test_main_ducts_widen_during_ejections_and_narrow_after(default_result):
    tree = default_result.setup.tree
    t = default_result.tree_time
    radius = default_result.tree["radius"][:, tree.parent == -1].mean(axis=1)
    onsets = default_result.metrics["mer_onsets_s"]
    assert onsets.size >= 3
    for k, onset in enumerate(onsets):
        before = radius[(t >= onset - 20) & (t < onset)].mean()
        during = radius[(t >= onset) & (t <= onset + 60)].max()
        end = onsets[k + 1] if k + 1 < onsets.size else t[-1] - 5
        after = radius[(t >= end - 30) & (t < end)].mean()
        assert during > 1.03 * before  # dilation with the ejected milk (Ramsay 2004; Geddes 2009)
        assert after < during - 0.5 * (during - before)  # and back toward baseline after


def test_pores_open_under_pressure_and_close_without_it():
    from mer.hydraulics import pore_opening

    d = Ducts(pore_opening_mmHg=jnp.asarray(5.0), pore_closed_fraction=jnp.asarray(0.02))
    closed, half, open_ = (float(pore_opening(jnp.asarray(p), d)) for p in (-20.0, 5.0, 40.0))
    # at the opening pressure, halfway between the closed fraction and fully open
    assert closed < 0.03 and abs(half - (0.02 + 1.0) / 2) < 1e-12 and open_ > 0.999
