"""Seeded breast anatomy from measured statistics (`anatomy=generated`).

- main ducts per breast 9.6 +/- 2.9, range 4-18 (Ramsay et al. 2005 J Anat 206:525);
- main duct diameter at the nipple 1.9-2.0 +/- 0.6 mm, first branch 8.0 +/- 5.5 mm from the
  nipple (Ramsay 2005), drawn per lobe and clipped to anatomical bounds;
- dichotomous lobe trees: at each bifurcation the flow split f ~ U(0.5 - s/2, 0.5 + s/2) sets the
  daughters' radii by Murray's law, r_1^3 + r_2^3 = r_parent^3 (r_i = r_parent (f_i)^(1/3));
  lengths shrink by `length_ratio` (0.794, FractalMammaryLobule defaults) with jitter;
- storage capacity 74-606 mL, mean ~210 (Kent et al. 1999): log-normal, clipped to the range;
- nipple pores 0.4-0.7 mm wide (Marasco 2022 deck), uniform;
- 3-D positions: lobes fan out from the nipple over a hemisphere; each daughter turns by
  `branch_angle_deg` from its parent in a random plane (for neighbour graphs and pictures).
Draws are vectorised per generation (no loop over segments).
"""

from __future__ import annotations

import numpy as np

from mer.ducts.tree import DuctTree, dichotomous_tree


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _turn(direction, angle_rad, rng):
    """Rotate unit vectors by `angle_rad` toward a random perpendicular direction."""
    random = rng.standard_normal(direction.shape)
    perp = _unit(random - np.sum(random * direction, axis=-1, keepdims=True) * direction)
    return _unit(np.cos(angle_rad)[..., None] * direction + np.sin(angle_rad)[..., None] * perp)


def lobe_directions(n_lobes: int, rng=None):
    """Lobe axes fanned over the chest-side hemisphere (z > 0 points into the breast)."""
    k = np.arange(n_lobes)
    azimuth = 2.0 * np.pi * k / n_lobes + (rng.uniform(-0.2, 0.2, n_lobes) if rng is not None else 0.0)
    polar = np.full(n_lobes, np.deg2rad(55.0))
    return np.stack([np.sin(polar) * np.cos(azimuth), np.sin(polar) * np.sin(azimuth), np.cos(polar)], axis=-1)


def place_segments(tree: DuctTree, directions, branch_angle_deg, rng=None):
    """Start and end points [mm] of every segment, generation by generation."""
    s = tree.n_segments
    start = np.zeros((s, 3))
    end = np.zeros((s, 3))
    direction = np.zeros((s, 3))
    for idx in tree.levels():
        parent = tree.parent[idx]
        if parent[0] < 0:
            direction[idx] = directions[tree.lobe[idx]]
        else:
            sign = np.where(np.arange(idx.size) % 2 == 0, 1.0, -1.0)
            angle = np.deg2rad(branch_angle_deg) * sign
            if rng is None:
                axis = _unit(np.cross(direction[parent], np.array([0.0, 0.0, 1.0])) + 1e-9)
                turned = np.cos(angle)[:, None] * direction[parent] + np.sin(angle)[:, None] * axis
                direction[idx] = _unit(turned)
            else:
                direction[idx] = _turn(direction[parent], np.abs(angle), rng)
            start[idx] = end[parent]
        end[idx] = start[idx] + tree.length_mm[idx, None] * direction[idx]
    return start, end


def generated_anatomy(an: dict, rng: np.random.Generator):
    """(tree, storage_capacity_mL, pore_diameter_mm) drawn from the statistics in `an` with the
    breast's anatomy stream (mer.seeds)."""
    sigma = an["capacity_sd_log"]  # drawn first: independent of the tree size
    mu = np.log(an["capacity_mean_mL"]) - 0.5 * sigma**2
    capacity = float(np.clip(rng.lognormal(mu, sigma), an["capacity_min_mL"], an["capacity_max_mL"]))
    n_lobes = int(
        np.clip(np.rint(rng.normal(an["n_lobes_mean"], an["n_lobes_sd"])), an["n_lobes_min"], an["n_lobes_max"])
    )
    generations = int(an["generations"])
    tree = dichotomous_tree(n_lobes, generations, 1.0, 1.0, 1.0, 1.0)  # topology; geometry below
    radius = np.zeros(tree.n_segments)
    length = np.zeros(tree.n_segments)
    diameter = np.clip(rng.normal(an["main_duct_diameter_mm_mean"], an["main_duct_diameter_mm_sd"], n_lobes), 0.8, 4.0)
    first_branch = np.clip(rng.normal(an["first_branch_mm_mean"], an["first_branch_mm_sd"], n_lobes), 1.0, 30.0)
    levels = tree.levels()
    radius[levels[0]] = diameter / 2.0
    length[levels[0]] = first_branch
    for idx in levels[1:]:  # a loop over generations, vectorised over the segments of each
        parent = tree.parent[idx]
        half = idx.size // 2
        split = rng.uniform(0.5 - an["branch_asymmetry"] / 2, 0.5 + an["branch_asymmetry"] / 2, half)
        f = np.empty(idx.size)
        f[0::2], f[1::2] = split, 1.0 - split
        radius[idx] = radius[parent] * f ** (1.0 / 3.0)  # Murray: sum of daughters' r^3 = parent's r^3
        jitter = np.exp(an["length_jitter"] * rng.standard_normal(idx.size))
        length[idx] = length[parent] * an["length_ratio"] * jitter
    tree = DuctTree(tree.parent, tree.generation, tree.lobe, length, radius, tree.terminal)
    pore_diameter = rng.uniform(an["pore_diameter_mm_min"], an["pore_diameter_mm_max"], n_lobes)
    start, end = place_segments(tree, lobe_directions(n_lobes, rng), an["branch_angle_deg"], rng)
    return tree, capacity, pore_diameter, start, end
