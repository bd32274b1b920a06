"""Duct tree: segments in topological order with a parent index.

Each lobe is drained by one main duct that opens at the nipple through a pore and branches
dichotomously for `generations` levels (Ramsay et al. 2005 J Anat 206:525: 9.6 +/- 2.9 main ducts,
~2 mm wide at the nipple). Radii shrink by `radius_ratio` per generation (Murray's law,
2^(-1/3) = 0.794) and lengths by `length_ratio`. Terminal segments each drain one lobule of
alveolus agents.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True, eq=False)
class DuctTree:
    """Static description of the duct tree (NumPy arrays, fixed per shape).

    Segments are ordered so that a parent always precedes its children; `parent[s] == -1`
    marks a main duct, which drains through a nipple pore.
    """

    parent: np.ndarray  # (S,) int, -1 for main ducts
    generation: np.ndarray  # (S,) int, 0 for main ducts
    lobe: np.ndarray  # (S,) int
    length_mm: np.ndarray  # (S,) float
    radius_mm: np.ndarray  # (S,) float, unloaded radius
    terminal: np.ndarray  # (L,) int, segment index of each lobule's terminal duct

    def _topology(self):
        return (self.parent.tobytes(), self.generation.tobytes(), self.terminal.tobytes())

    def __hash__(self):  # the solve is compiled per topology; geometry travels as arrays
        return hash(self._topology())

    def __eq__(self, other):
        return isinstance(other, DuctTree) and self._topology() == other._topology()

    @property
    def n_segments(self) -> int:
        return int(self.parent.shape[0])

    @property
    def n_lobules(self) -> int:
        return int(self.terminal.shape[0])

    @property
    def depth(self) -> int:
        return int(self.generation.max()) + 1

    def levels(self) -> list[np.ndarray]:
        """Segment indices grouped by generation, root first (the sweep order)."""
        return [np.flatnonzero(self.generation == g) for g in range(self.depth)]


def dichotomous_tree(
    n_lobes: int,
    generations: int,
    main_radius_mm: float,
    main_length_mm: float,
    radius_ratio: float,
    length_ratio: float,
) -> DuctTree:
    """A symmetric dichotomous tree per lobe, built generation by generation (no per-segment loop)."""
    parents, gens, lobes = [np.full(n_lobes, -1)], [np.zeros(n_lobes, int)], [np.arange(n_lobes)]
    start = 0
    for g in range(1, generations):
        prev = np.arange(start, start + parents[-1].size)
        start += prev.size
        parents.append(np.repeat(prev, 2))
        gens.append(np.full(2 * prev.size, g))
        lobes.append(np.repeat(lobes[-1], 2))
    parent = np.concatenate(parents)
    generation = np.concatenate(gens)
    radius = main_radius_mm * radius_ratio**generation
    length = main_length_mm * length_ratio**generation
    terminal = np.flatnonzero(generation == generations - 1)
    return DuctTree(parent, generation, np.concatenate(lobes), length, radius, terminal)
