"""The lobule-block layout gives the same sums and gap-junction currents as index-based reductions
over an explicit ring graph (computed here independently with NumPy)."""

import numpy as np
import pytest

from mer.alveoli.lobules import lobule_sums, ring_coupling
from mer.alveoli.population import build_population
from mer.seeds import stream


def ring_edges(lobule, neighbours):
    """The ring of each lobule as an edge list: agent i to the agents `o` places on either side
    within its lobule, for each offset o with more than 2 o members (distinct partners)."""
    edges = []
    for lob in np.unique(lobule):
        members = np.flatnonzero(lobule == lob)
        m = members.size
        for o in range(1, neighbours + 1):
            if m > 2 * o:
                for p in range(m):
                    edges += [(members[p], members[(p + o) % m]), (members[p], members[(p - o) % m])]
    return np.array(edges, dtype=int).reshape(-1, 2)


@pytest.mark.parametrize(("n_agents", "n_lobules", "neighbours"), [(60, 18, 2), (2000, 72, 2), (101, 7, 3), (5, 9, 2)])
def test_block_reductions_equal_index_reductions(n_agents, n_lobules, neighbours):
    pop = build_population(n_agents, n_lobules, neighbours, stream(3, "agents"))
    rng = np.random.default_rng(0)
    x = rng.random(n_agents)
    expected_sums = np.zeros(n_lobules)
    np.add.at(expected_sums, pop.lobule, x)
    np.testing.assert_allclose(np.asarray(lobule_sums(x, n_lobules)), expected_sums, rtol=1e-12)
    edges = ring_edges(pop.lobule, neighbours)
    current = np.zeros(n_agents)
    if edges.size:
        np.add.at(current, edges[:, 0], x[edges[:, 1]] - x[edges[:, 0]])
    np.testing.assert_allclose(np.asarray(ring_coupling(x, pop.ring_partners)), current, atol=1e-12)


def test_gap_junction_current_conserves_activation_and_vanishes_when_uniform():
    """Gap junctions move activation between partners: the currents sum to zero, and a uniform
    activation drives none."""
    partners = build_population(500, 17, 2, stream(0, "agents")).ring_partners
    x = np.random.default_rng(1).random(500)
    assert abs(float(np.sum(ring_coupling(x, partners)))) < 1e-10
    np.testing.assert_allclose(np.asarray(ring_coupling(np.full(500, 0.4), partners)), 0.0, atol=1e-12)
