"""From a resolved configuration to the arrays the model runs on: one central part (drive,
neurons, pituitary, circulation) and a tuple of one or two breasts."""

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

SIDES = ("left", "right")  # the breasts' names with `breasts=2`, in the order of `Setup.breasts`


def only_breast(breasts: tuple, what: str):
    """The one breast of a one-breast `what` (setup, session); with two, refused by name rather
    than answered with the left breast's."""
    if len(breasts) != 1:
        raise ValueError(f"this {what} has two breasts: read {what}.breasts[k] (0 left, 1 right)")
    return breasts[0]


@dataclasses.dataclass(frozen=True)
class Breast:
    """One breast's fixed parts: its duct tree (static: its topology selects compiled code), its
    alveolar agents, and where its segments lie (nipple at the origin)."""

    tree: DuctTree
    population: AlveolarPopulation
    segment_start_mm: np.ndarray  # (S, 3)
    segment_end_mm: np.ndarray  # (S, 3)


@dataclasses.dataclass(frozen=True)
class Setup:
    """Everything a solve needs: differentiable `params` (mer.parameters.Params: the central groups
    once, one Gland per breast), fixed `structure` (the central draws, and under "breasts" one
    dict of agent and duct arrays per breast), and the static parts: the `breasts` (one or two),
    the release mode, the neurons, the stimulus and the plasma model."""

    params: Params
    structure: dict
    breasts: tuple[Breast, ...]
    mode: str
    n_neurons: int
    n_bundles: int
    duration_s: float
    solver: dict
    stimulus: Stimulus = Stimulus()

    @property
    def plasma_compartments(self) -> int:
        """1 or 2 (mer/circulation/plasma.py): the static field `params.circulation.two_compartment`."""
        return 1 + int(self.params.circulation.two_compartment)

    @property
    def central(self) -> Central:
        """The static switches of the shared part (release mode, plasma model)."""
        return Central(self.mode, self.plasma_compartments)

    @property
    def trees(self) -> tuple[DuctTree, ...]:
        return tuple(b.tree for b in self.breasts)

    @property
    def sides(self) -> tuple[str, ...]:
        """The breasts' names: ("left", "right") with two, ("",) with one."""
        return SIDES if len(self.breasts) == 2 else ("",)

    @property
    def tree(self) -> DuctTree:
        """The duct tree of a one-breast setup (with two, `breasts[k].tree`)."""
        return only_breast(self.breasts, "setup").tree

    @property
    def population(self) -> AlveolarPopulation:
        """The agents of a one-breast setup (with two, `breasts[k].population`)."""
        return only_breast(self.breasts, "setup").population

    def args(self):
        """(params, structure), as the solve takes them."""
        return self.params, self.structure


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
    """Build a model from a plain-dict configuration (see configs/simulate.yaml): one central part
    and `breasts` (1 or 2) breasts, each drawn from its own streams of the mother's `seed`
    (mer.seeds: a different generated anatomy, or for the average anatomy the same tree with other
    agents). A float64 model (`solver.precision`, the default) switches JAX's 64-bit mode on first."""
    if cfg.get("solver", {}).get("precision", "float64") == "float64":
        float64_on()
    seed = int(cfg["seed"])
    neuro = dict(cfg["neuro"])
    mode = neuro.pop("mode")
    n_neurons = int(neuro.pop("n_neurons", 0))
    n_bundles = int(neuro.pop("n_bundles", 0))
    stimulus = dict(cfg["stimulus"])
    stim = Stimulus(
        stimulus.pop("kind"), stimulus.pop("pattern", "two_phase"), stimulus.pop("resolution") == "resolved"
    )
    glands, breasts, structures = [], [], []
    for k in range(int(cfg.get("breasts", 1))):
        params = {g: dict(v) for g, v in cfg["params"].items()}
        params["neuro"], params["stimulus"] = dict(neuro), dict(stimulus)
        # the same intervention on each breast's copy: its central part is the same in every copy
        params, an = apply_intervention(params, cfg["anatomy"], cfg.get("intervention"))
        neuro_values, stimulus_values = params.pop("neuro"), params.pop("stimulus")
        breast, structure = _breast(an, params, seed, k)
        glands.append(params)
        breasts.append(breast)
        structures.append(structure)
    params = from_config(glands[0], neuro_values, stimulus_values, mode, stim.kind, tuple(glands))
    return Setup(
        params,
        {**_central_structure(cfg, mode, n_neurons, n_bundles), "breasts": tuple(structures)},
        tuple(breasts),
        mode,
        n_neurons,
        n_bundles,
        float(cfg["duration_s"]),
        dict(cfg["solver"]),
        stim,
    )


def _central_structure(cfg, mode, n_neurons, n_bundles) -> dict:
    """The central part's draws: the OT neurons' membership and excitability, and the session's
    fluctuation of the afferent drive (one mother's neurons, however many breasts)."""
    if mode != "network":
        return {}
    cell, bundle = bundle_membership(n_neurons, n_bundles)
    rng = stream(int(cfg["seed"]), "neurons")
    draws = fluctuation_draws(int(cfg.get("session_seed", 0)))
    return {
        "member_cell": jnp.asarray(cell),
        "member_bundle": jnp.asarray(bundle),
        "z_excitability": jnp.asarray(rng.standard_normal(n_neurons)),
        **{k: jnp.asarray(v) for k, v in draws.items()},
    }


def _breast(an, params, seed, breast) -> tuple[Breast, dict]:
    """Breast `breast` (0 left, 1 right): its anatomy and agents from its streams of `seed`, and
    its arrays; may set its drawn storage capacity in `params`."""
    tree, pore_scale, start, end = _anatomy(an, params, seed, breast)
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
    return Breast(tree, pop, start, end), structure
