"""From a resolved configuration to the arrays the model runs on."""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np

from mer.alveoli.population import AlveolarPopulation, build_population
from mer.ducts.anatomy import generated_anatomy, lobe_directions, place_segments
from mer.ducts.tree import DuctTree, dichotomous_tree
from mer.interventions import apply_intervention
from mer.model import Central
from mer.neuro.fluctuation import fluctuation_draws
from mer.neuro.network import bundle_membership
from mer.parameters import Params, from_config
from mer.runtime import float64_on
from mer.seeds import stream
from mer.stimulus.pump import Stimulus


@dataclasses.dataclass(frozen=True)
class Setup:
    """Everything a solve needs: differentiable `params` (typed groups: mer.parameters), fixed
    `structure`, static `tree`."""

    segment_start_mm: np.ndarray  # (S, 3) segment start points (nipple at the origin)
    segment_end_mm: np.ndarray  # (S, 3)
    params: Params
    structure: dict
    tree: DuctTree
    population: AlveolarPopulation
    mode: str
    n_neurons: int
    n_bundles: int
    duration_s: float
    solver: dict
    stimulus: Stimulus = Stimulus()
    plasma_compartments: int = 1  # a static switch (mer/circulation/plasma.py), not a parameter
    right: Setup | None = None  # the right breast with `breasts=2` (mer/breasts.py); this one is the left

    @property
    def central(self) -> Central:
        """The static switches of the shared part (release mode, plasma model)."""
        return Central(self.mode, self.plasma_compartments)

    def pair(self):
        """(params, structure) as the solve takes them: one breast's, or (left, right) pairs."""
        if self.right is None:
            return self.params, self.structure
        return (self.params, self.right.params), (self.structure, self.right.structure)


def _anatomy(an, params, seed, breast):
    """(tree, pore radius scale per main duct, segment starts, segment ends); may set the drawn
    storage capacity in `params`."""
    if an["kind"] == "generated":
        tree, capacity, pore_diameter, start, end = generated_anatomy(an, stream(seed, "anatomy", breast))
        params["alveoli"]["capacity_mL"] = capacity
        return tree, pore_diameter / (2.0 * params["ducts"]["pore_radius_mm"]), start, end
    tree = dichotomous_tree(
        an["n_lobes"],
        an["generations"],
        an["main_duct_radius_mm"],
        an["main_duct_length_mm"],
        an["radius_ratio"],
        an["length_ratio"],
    )
    start, end = place_segments(tree, lobe_directions(an["n_lobes"]), 35.0)
    return tree, np.ones(an["n_lobes"]), start, end


def build(cfg: dict) -> Setup:
    """Build a model from a plain-dict configuration (see configs/simulate.yaml); with
    `breasts: 2` the returned Setup is the left breast and holds the right one in `right`.
    A float64 model (`solver.precision`, the default) switches JAX's 64-bit mode on first."""
    if cfg.get("solver", {}).get("precision", "float64") == "float64":
        float64_on()
    setup = build_breast(cfg, breast=0)
    if int(cfg.get("breasts", 1)) == 2:
        # the right breast draws from its own streams of the mother's seed (mer.seeds): a different
        # generated anatomy, or for the average anatomy the same tree with other agents
        setup = dataclasses.replace(setup, right=build_breast(cfg, breast=1))
    return setup


def build_breast(cfg: dict, breast: int = 0) -> Setup:
    """One breast (and the shared physiology) from the configuration; its anatomy and agents are
    drawn from the mother's `seed`, in the streams of breast `breast` (0 left, 1 right)."""
    seed = int(cfg["seed"])
    params = {k: dict(v) for k, v in cfg["params"].items()}
    neuro = dict(cfg["neuro"])
    mode = neuro.pop("mode")
    n_neurons = int(neuro.pop("n_neurons", 0))
    n_bundles = int(neuro.pop("n_bundles", 0))
    stimulus = dict(cfg["stimulus"])
    stim = Stimulus(
        stimulus.pop("kind"), stimulus.pop("pattern", "two_phase"), stimulus.pop("resolution") == "resolved"
    )
    params["neuro"] = neuro
    params["stimulus"] = stimulus
    params, an = apply_intervention(params, cfg["anatomy"], cfg.get("intervention"))
    compartments = 1 + int(params["circulation"]["two_compartment"])
    tree, pore_scale, start, end = _anatomy(an, params, seed, breast)
    params = from_config(params, params.pop("neuro"), params.pop("stimulus"), mode, stim.kind)
    pop = build_population(
        an["n_alveoli"], tree.n_lobules, an["gap_junction_neighbours"], stream(seed, "agents", breast)
    )
    # the model sums each lobule's agents as a block (mer/alveoli/lobules.py): the layout must be it
    if not np.array_equal(pop.lobule, np.sort(np.arange(pop.n_agents) % tree.n_lobules)):
        raise ValueError("anatomy: the agents are not in lobule blocks, larger blocks first (mer/alveoli/lobules.py)")

    structure = {
        "agent_lobule": jnp.asarray(pop.lobule, dtype=jnp.int32),
        "ring_partners": jnp.asarray(pop.ring_partners, dtype=jnp.int32),
        "z_capacity": jnp.asarray(pop.z_capacity),
        "z_sensitivity": jnp.asarray(pop.z_sensitivity),
        "z_lobule_sensitivity": jnp.asarray(pop.z_lobule_sensitivity),
        "z_myoepithelium": jnp.asarray(pop.z_myoepithelium),
        "z_fullness": jnp.asarray(pop.z_fullness),
        "duct_radius_mm": jnp.asarray(tree.radius_mm),
        "duct_length_mm": jnp.asarray(tree.length_mm),
        "pore_scale": jnp.asarray(pore_scale),
    }
    if mode == "network":
        cell, bundle = bundle_membership(n_neurons, n_bundles)
        rng = stream(seed, "neurons")  # central: one mother's neurons whichever breast is built
        structure["member_cell"] = jnp.asarray(cell)
        structure["member_bundle"] = jnp.asarray(bundle)
        structure["z_excitability"] = jnp.asarray(rng.standard_normal(n_neurons))
        draws = fluctuation_draws(int(cfg.get("session_seed", 0)))
        structure.update({k: jnp.asarray(v) for k, v in draws.items()})
    return Setup(
        start,
        end,
        params,
        structure,
        tree,
        pop,
        mode,
        n_neurons,
        n_bundles,
        float(cfg["duration_s"]),
        dict(cfg["solver"]),
        stim,
        compartments,
    )
