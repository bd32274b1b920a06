"""Generated anatomies reproduce the measured statistics over 100 seeds."""

import numpy as np
import pytest

from mer.config.compose import compose_config
from mer.ducts.anatomy import generated_anatomy
from mer.seeds import stream

N_SEEDS = 100


@pytest.fixture(scope="module")
def draws():
    an = compose_config(["anatomy=generated"])["anatomy"]
    return an, [generated_anatomy(an, stream(seed, "anatomy")) for seed in range(N_SEEDS)]


def test_main_duct_count(draws):
    """9.6 +/- 2.9, range 4-18 (Ramsay 2005); tolerance 3 standard errors of the mean."""
    _, out = draws
    n = np.array([(tree.parent == -1).sum() for tree, *_ in out])
    assert abs(n.mean() - 9.6) <= 3 * 2.9 / np.sqrt(N_SEEDS)
    assert 2.0 <= n.std() <= 3.8
    assert n.min() >= 4 and n.max() <= 18


def test_main_duct_width_and_first_branch(draws):
    """Diameter 1.95 +/- 0.6 mm; first branch 8.0 +/- 5.5 mm (Ramsay 2005); clipping shifts the
    branch-distance mean up a little, so its tolerance is wider."""
    _, out = draws
    diam = np.concatenate([2 * tree.radius_mm[tree.parent == -1] for tree, *_ in out])
    first = np.concatenate([tree.length_mm[tree.parent == -1] for tree, *_ in out])
    assert abs(diam.mean() - 1.95) <= 0.1
    assert abs(diam.std() - 0.6) <= 0.1
    assert abs(first.mean() - 8.0) <= 1.5
    assert first.min() > 0.0


def test_murray_law_at_every_bifurcation(draws):
    _, out = draws
    for tree, *_ in out[:10]:
        child = tree.parent >= 0
        cubes = np.zeros(tree.n_segments)
        np.add.at(cubes, tree.parent[child], tree.radius_mm[child] ** 3)
        has_children = np.bincount(tree.parent[child], minlength=tree.n_segments) > 0
        np.testing.assert_allclose(cubes[has_children], tree.radius_mm[has_children] ** 3, rtol=1e-12)


def test_storage_capacity_and_pores(draws):
    """Capacity 74-606 mL, mean ~210 (Cox 1999); pores 0.4-0.7 mm (Marasco 2022 deck)."""
    _, out = draws
    cap = np.array([c for _, c, *_ in out])
    assert cap.min() >= 74.0 and cap.max() <= 606.0
    assert abs(cap.mean() - 210.0) <= 3 * 0.45 * 210 / np.sqrt(N_SEEDS)
    pores = np.concatenate([p for *_, p, _, _ in out])
    assert pores.min() >= 0.4 and pores.max() <= 0.7


def test_positions_follow_the_tree(draws):
    _, out = draws
    tree, _, _, start, end = out[0]
    np.testing.assert_allclose(np.linalg.norm(end - start, axis=1), tree.length_mm, rtol=1e-12)
    child = tree.parent >= 0
    np.testing.assert_allclose(start[child], end[tree.parent[child]])
    np.testing.assert_allclose(start[~child], 0.0)  # main ducts open at the nipple


def test_same_seed_same_breast(draws):
    an, out = draws
    again = generated_anatomy(an, stream(3, "anatomy"))
    np.testing.assert_array_equal(again[0].radius_mm, out[3][0].radius_mm)
    assert again[1] == out[3][1]
