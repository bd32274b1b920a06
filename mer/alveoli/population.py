"""Alveolus agents as a struct of arrays.

Each agent stands for a group of real alveoli that share one state (its multiplicity is the
group's share of the breast's storage capacity), so a 500-agent sketch and a 10^5-agent breast
run the same code. Heterogeneity is drawn once from a seed as standard-normal draws; scales and
locations are applied inside the model (reparameterisation), so population parameters stay
differentiable.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class AlveolarPopulation:
    """Static, seeded description of the agents (NumPy; fixed per shape)."""

    lobule: np.ndarray  # (N,) int, lobule (terminal duct) that drains the agent
    z_capacity: np.ndarray  # (N,) standard-normal draw for storage capacity
    z_sensitivity: np.ndarray  # (N,) standard-normal draw for OT sensitivity (receptor density)
    z_lobule_sensitivity: np.ndarray  # (N,) the agent's lobule's standard-normal sensitivity draw
    z_myoepithelium: np.ndarray  # (N,) standard-normal draw for myoepithelial complement
    z_fullness: np.ndarray  # (N,) standard-normal draw for initial fullness
    edge_i: np.ndarray  # (E,) int, gap-junction edges i <- j (both directions listed)
    edge_j: np.ndarray  # (E,) int

    @property
    def n_agents(self) -> int:
        return int(self.lobule.shape[0])


def build_population(n_agents: int, n_lobules: int, neighbours: int, seed: int) -> AlveolarPopulation:
    """Assign agents to lobules and wire each lobule as a ring with `neighbours` on each side.

    A ring is the simplest graph in which Ca2+ waves travel between neighbouring alveoli of a
    lobule; the edge list is explicit so that any other graph (3-D contact graphs) slots in.
    """
    rng = np.random.default_rng(seed)
    # Agents in contiguous blocks per lobule; block sizes differ by at most one agent.
    lobule = np.sort(np.arange(n_agents) % n_lobules)
    start = np.searchsorted(lobule, np.arange(n_lobules))
    size = np.bincount(lobule, minlength=n_lobules)
    pos = np.arange(n_agents) - start[lobule]
    ii, jj = [], []
    for k in range(1, neighbours + 1):  # loop over ring offsets (a few), vectorised over agents
        ok = size[lobule] > 2 * k  # a ring needs more than 2k members for distinct offsets
        j = start[lobule] + (pos + k) % size[lobule]
        ii.append(np.arange(n_agents)[ok])
        jj.append(j[ok])
    i = np.concatenate(ii)
    j = np.concatenate(jj)
    draws = rng.standard_normal((4, n_agents))
    lobule_draws = rng.standard_normal(n_lobules)
    return AlveolarPopulation(
        lobule=lobule,
        z_capacity=draws[0],
        z_sensitivity=draws[1],
        z_lobule_sensitivity=lobule_draws[lobule],
        z_myoepithelium=draws[2],
        z_fullness=draws[3],
        edge_i=np.concatenate([i, j]),
        edge_j=np.concatenate([j, i]),
    )
