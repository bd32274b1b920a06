"""Each component draws from its own stream of the mother's seed (mer.seeds)."""

import numpy as np
import pytest

from mer.build import build
from mer.config.compose import compose_config
from mer.seeds import COMPONENTS, stream

SMALL = ["anatomy.n_alveoli=60", "anatomy.generations=2", "neuro=network"]


def _draws(seed, component, breast=0):
    return stream(seed, component, breast).standard_normal(64)


def test_streams_are_reproducible_and_independent_across_components_seeds_and_breasts():
    np.testing.assert_array_equal(_draws(5, "agents"), _draws(5, "agents"))
    samples = [_draws(s, c, b) for s in (4, 5) for c in COMPONENTS for b in (0, 1)]
    # the old schemes made seed k's neuron draws equal seed k+1's agent draws and the right breast
    # seed + 1000's left one: no two streams may share draws now
    for i in range(len(samples)):
        for j in range(i):
            assert not np.any(np.isclose(samples[i][:, None], samples[j][None, :], rtol=0, atol=1e-15))
    # independent standard normals: the correlation of two streams is ~N(0, 1/sqrt(64))
    r = np.corrcoef(_draws(5, "neurons"), _draws(6, "agents"))[0, 1]
    assert abs(r) < 0.5


def test_unknown_component_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown component 'alveoli'"):
        stream(0, "alveoli")


def test_right_breast_has_its_own_agents_and_leaves_the_left_as_a_single_breast():
    one = build(compose_config(SMALL))
    two = build(compose_config(["breasts=2", *SMALL]))
    left, right = two.breasts
    np.testing.assert_array_equal(one.population.z_capacity, left.population.z_capacity)
    assert not np.allclose(left.population.z_capacity, right.population.z_capacity)
    # the neurons are central: drawn once, the same as the one-breast mother's
    np.testing.assert_array_equal(one.structure["z_excitability"], two.structure["z_excitability"])


def test_build_draws_each_component_from_its_own_stream():
    """The neurons' excitability and the agents' first draws are those of their streams, for both
    breasts (a build that fell back to another seeding scheme would fail here)."""
    from mer.alveoli.population import stratified_normal

    cfg = compose_config(["breasts=2", *SMALL, "seed=11"])
    setup = build(cfg)
    n_neurons, n_agents = setup.n_neurons, setup.breasts[0].population.n_agents
    np.testing.assert_array_equal(setup.structure["z_excitability"], stream(11, "neurons").standard_normal(n_neurons))
    for breast, s in enumerate(setup.breasts):
        np.testing.assert_array_equal(
            s.population.z_capacity, stratified_normal(n_agents, stream(11, "agents", breast))
        )
