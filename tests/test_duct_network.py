"""The O(N) tree solve against Poiseuille and an independent sparse Laplacian solve."""

import jax.numpy as jnp
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from mer.ducts.network import poiseuille_conductance, solve_tree
from mer.ducts.tree import DuctTree, dichotomous_tree


def test_single_duct_is_poiseuille():
    tree = DuctTree(np.array([-1]), np.array([0]), np.array([0]), np.array([10.0]), np.array([1.0]), np.array([0]))
    mu, r, length = 2.0, 1.0, 10.0
    g = poiseuille_conductance(jnp.array([r]), jnp.array([length]), mu)
    # a pressure source of 30 mmHg behind a negligible resistance, open pore (huge conductance)
    big = 1e12
    _, _, q = solve_tree(tree, g, jnp.array([big]), jnp.array([30.0 * big]), jnp.array([big]), 0.0)
    dp_dyn = 30.0 * 1333.22
    expected = np.pi * (r * 0.1) ** 4 * dp_dyn / (8 * mu * 0.01 * length * 0.1)  # cm^3/s
    np.testing.assert_allclose(float(q[0]), expected, rtol=1e-9)


def _irregular_tree():
    """Two lobes; parents with 2, 1 and 0 children and children out of their parents' order: the
    sweeps' scatter path (not `fan` children in order)."""
    parent = np.array([-1, -1, 0, 0, 1, 3, 2, 2])
    generation = np.array([0, 0, 1, 1, 1, 2, 2, 2])
    lobe = np.array([0, 1, 0, 0, 1, 0, 0, 0])
    leaves = np.setdiff1d(np.arange(parent.size), parent)
    return DuctTree(parent, generation, lobe, np.full(8, 5.0), np.full(8, 0.5), leaves)


@pytest.mark.parametrize(
    "tree", [dichotomous_tree(7, 5, 1.0, 8.0, 0.794, 0.794), _irregular_tree()], ids=["dichotomous", "irregular"]
)
def test_random_tree_matches_sparse_laplacian(tree):
    rng = np.random.default_rng(3)
    s = tree.n_segments
    g = rng.uniform(0.5, 2.0, s)
    g_pore = rng.uniform(0.1, 1.0, int(np.sum(tree.parent == -1)))
    src_b = np.zeros(s)
    src_b[tree.terminal] = rng.uniform(0.01, 0.1, tree.n_lobules)
    src_a = src_b * rng.uniform(5.0, 40.0, s)
    p_out = -95.0
    p_dist, p_prox, q = solve_tree(
        tree, jnp.asarray(g), jnp.asarray(g_pore), jnp.asarray(src_a), jnp.asarray(src_b), p_out
    )

    # nodes: distal node of each segment (0..s-1) plus one pore-side node per main duct
    roots = np.flatnonzero(tree.parent == -1)
    n = s + roots.size
    prox_node = np.where(tree.parent >= 0, tree.parent, 0)
    prox_node[roots] = s + np.arange(roots.size)
    rows, cols, vals = [], [], []
    rhs = src_a.copy().tolist() + [0.0] * roots.size
    diag = np.zeros(n)
    diag[:s] += src_b
    for a, b, c in zip(np.arange(s), prox_node, g):  # test-side assembly, independent of the sweeps
        diag[a] += c
        diag[b] += c
        rows += [a, b]
        cols += [b, a]
        vals += [-c, -c]
    diag[s:] += g_pore
    rhs = np.asarray(rhs)
    rhs[s:] += g_pore * p_out
    lap = sp.csr_matrix((vals, (rows, cols)), shape=(n, n)) + sp.diags(diag)
    p = spla.spsolve(lap.tocsc(), rhs)
    np.testing.assert_allclose(np.asarray(p_dist), p[:s], rtol=1e-8)
    np.testing.assert_allclose(np.asarray(p_prox)[roots], p[s:], rtol=1e-8)


def test_symmetric_tree_equivalent_resistance():
    """A symmetric dichotomous lobe: R_eq = sum_g R_g / 2^g (closed form)."""
    gens = 5
    tree = dichotomous_tree(1, gens, 1.0, 8.0, 0.794, 0.794)
    g = np.asarray(poiseuille_conductance(jnp.asarray(tree.radius_mm), jnp.asarray(tree.length_mm), 2.0))
    big = 1e12
    src_b = np.zeros(tree.n_segments)
    src_b[tree.terminal] = big
    src_a = src_b * 10.0  # every terminal node held at 10 mmHg
    _, _, q = solve_tree(tree, jnp.asarray(g), jnp.asarray([big]), jnp.asarray(src_a), jnp.asarray(src_b), 0.0)
    r_gen = np.array([1.0 / g[tree.generation == k][0] for k in range(gens)])
    r_eq = np.sum(r_gen / 2.0 ** np.arange(gens))
    np.testing.assert_allclose(float(q[0]), 10.0 / r_eq, rtol=1e-9)


def test_trees_the_sweeps_cannot_solve_are_refused():
    gap = DuctTree(np.array([-1, 0]), np.array([0, 2]), np.array([0, 0]), np.ones(2), np.ones(2), np.array([1]))
    wrong_parent = DuctTree(
        np.array([-1, -1, 2]), np.array([0, 0, 1]), np.zeros(3, int), np.ones(3), np.ones(3), np.array([2])
    )
    for tree, message in ((gap, "every generation"), (wrong_parent, "parent outside generation 0")):
        with pytest.raises(ValueError, match=message):
            solve_tree(
                tree, jnp.ones(tree.n_segments), jnp.ones(2), jnp.ones(tree.n_segments), jnp.ones(tree.n_segments), 0.0
            )
