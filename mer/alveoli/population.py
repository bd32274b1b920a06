"""Alveolus agents as a struct of arrays.

Each agent stands for a group of real alveoli that share one state (its multiplicity is the
group's share of the breast's storage capacity), so a 500-agent sketch and a 10^5-agent breast
run the same code. Heterogeneity is drawn once from the mother's agent stream (mer.seeds) as
stratified standard-normal draws; scales and locations are applied inside the model (reparameterisation), so
population parameters stay differentiable.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.special import ndtri


@dataclasses.dataclass(frozen=True)
class AlveolarPopulation:
    """Static, seeded description of the agents (NumPy; fixed per shape)."""

    lobule: np.ndarray  # (N,) int, lobule (terminal duct) that drains the agent
    z_capacity: np.ndarray  # (N,) standard-normal draw for storage capacity
    z_sensitivity: np.ndarray  # (N,) standard-normal draw for OT sensitivity (receptor density)
    z_lobule_sensitivity: np.ndarray  # (N,) the agent's lobule's standard-normal sensitivity draw
    z_myoepithelium: np.ndarray  # (N,) standard-normal draw for myoepithelial complement
    z_fullness: np.ndarray  # (N,) standard-normal draw for initial fullness
    ring_partners: np.ndarray  # (2 neighbours, N) int32, each agent's gap-junction partners

    @property
    def n_agents(self) -> int:
        return int(self.lobule.shape[0])


def ring_partners(lobule: np.ndarray, neighbours: int) -> np.ndarray:
    """(2 neighbours, N) partner indices: agent i's partners `o` places on either side within its
    lobule's ring, o = 1..neighbours; an offset needs more than 2 o members (distinct partners), so
    in smaller lobules the row holds the agent itself. Loops over offsets (a few), not agents."""
    n_agents = lobule.size
    start = np.searchsorted(lobule, np.arange(lobule.max() + 1 if n_agents else 0))
    size = np.bincount(lobule)
    pos = np.arange(n_agents) - start[lobule]
    m = size[lobule]
    rows = [
        np.where(m > 2 * o, start[lobule] + (pos + side * o) % m, np.arange(n_agents))
        for o in range(1, neighbours + 1)
        for side in (1, -1)
    ]
    return np.stack(rows).astype(np.int32) if rows else np.zeros((0, n_agents), np.int32)


def stratified_normal(n: int, rng: np.random.Generator) -> np.ndarray:
    """n standard-normal draws, one from each of n equally likely strata, in random order
    (stratified, Latin-hypercube sampling). The agents and lobules then cover the distribution
    of the heterogeneity evenly whatever their number, so a coarse breast behaves as a fine one:
    with independent draws the flow of 200 agents in 18 lobules matched 2000 agents in 288 lobules
    with R^2 0.984-0.991 (seeds 0-3), with strata 0.996-0.997 (docs/design.md)."""
    return ndtri((rng.permutation(n) + rng.uniform(size=n)) / n)


def build_population(n_agents: int, n_lobules: int, neighbours: int, rng: np.random.Generator) -> AlveolarPopulation:
    """Assign agents to lobules in contiguous blocks (mer.alveoli.lobules) and wire each lobule as a
    ring with `neighbours` on each side.

    A ring is the simplest graph in which Ca2+ waves travel between neighbouring alveoli of a
    lobule; any other graph with a fixed number of partners per agent fits `ring_partners`' form.
    """
    # Agents in contiguous blocks per lobule; block sizes differ by at most one agent, the larger first.
    lobule = np.sort(np.arange(n_agents) % n_lobules)
    draws = np.stack([stratified_normal(n_agents, rng) for _ in range(4)])
    lobule_draws = stratified_normal(n_lobules, rng)
    return AlveolarPopulation(
        lobule=lobule,
        z_capacity=draws[0],
        z_sensitivity=draws[1],
        z_lobule_sensitivity=lobule_draws[lobule],
        z_myoepithelium=draws[2],
        z_fullness=draws[3],
        ring_partners=ring_partners(lobule, neighbours),
    )
