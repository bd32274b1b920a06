"""The one solve: traced save times (a new duration reuses the compilation), padded save grids
that change nothing, the packed state, and the fit's flow read from the yield as a balance reads it."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import SMALL

from mer.build import build
from mer.config.compose import compose_config
from mer.solve import LARGE_LEAF, bucket, packed_state, padded, solve, solver_for


def _setup(duration_s):
    return build(compose_config(SMALL + [f"duration_s={duration_s}"]))


def test_bucket_lengths_cover_and_stay_within_a_quarter():
    for n in (1, 2, 15, 16, 17, 61, 100, 901, 1201, 4097, 90001):
        m = bucket(n)
        assert m >= n and m >= 16
        assert m <= max(16, 1.25 * n + 16)
    ts = padded(np.arange(5.0))
    assert ts.size == 16 and np.all(np.diff(ts) >= 0) and np.all(ts[5:] == 4.0)


def test_a_new_duration_in_the_same_bucket_does_not_compile_again():
    first = _setup(120)
    run, *_ = solver_for(first)
    run(*first.args())  # compiles (or finds) the shape
    before = solve._cached._cache_size()
    for duration in (118, 121, 126):  # 119-127 save times, all padded to 128
        setup = _setup(duration)
        run, ts, *_ = solver_for(setup)
        series, *_ = run(*setup.args())
        assert series["flow"].shape == ts.shape and ts[-1] == duration
    assert solve._cached._cache_size() == before


def test_padding_the_save_grids_changes_no_saved_value():
    setup = _setup(121)
    run, ts, ts_agents, ts_tree = solver_for(setup)
    series, agents, ducts, accepted, _ = run(*setup.args())
    exact = solve(run.config, *setup.args(), tuple(jnp.asarray(t) for t in (ts, ts_agents, ts_tree)))
    assert int(exact[3]) == int(accepted)  # the same steps: the end time is the same
    for got, want in ((series, exact[0]), (agents[0], exact[1][0]), (ducts[0], exact[2][0])):
        for key in want:
            np.testing.assert_allclose(np.asarray(got[key]), np.asarray(want[key]), rtol=1e-12, atol=1e-12)


def test_the_packed_state_keeps_large_leaves_apart_and_restores_the_state_exactly():
    state = {
        "agents": jnp.arange(LARGE_LEAF, dtype=float),
        "scalar": jnp.asarray(2.5),
        "neurons": jnp.linspace(0.0, 1.0, 48),
        "breasts": ({"fullness": jnp.ones(LARGE_LEAF + 3), "removed": jnp.asarray(0.1)},),
    }
    pack, unpack = packed_state(state)
    packed = pack(state)
    assert [x.size for x in packed[:-1]] == [LARGE_LEAF, LARGE_LEAF + 3]  # not copied into the flat vector
    assert packed[-1].shape == (1 + 48 + 1,)
    restored = unpack(packed)
    with pytest.raises(TypeError, match="structure"):  # it would pair values with other variables
        pack({**state, "extra": jnp.zeros(())})
    for got, want in zip(jax.tree_util.tree_leaves(restored), jax.tree_util.tree_leaves(state)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_the_fits_flow_is_the_yields_change_across_neighbouring_samples():
    """The fit's flow is the centred difference of its cumulative yield (a balance's reading): it
    equals that of the session's own cumulative, and departs from the instantaneous flow by no
    more than the centred difference's error, dt^2 max|f''| / 6."""
    setup = _setup(300)
    run, ts, *_ = solver_for(setup)
    series = run(*setup.args())[0]
    grid = jnp.asarray(padded(ts))  # as the fit passes it: the end time repeated
    flow, cumulative, ok = solve(dataclasses.replace(run.config, outputs="yield"), *setup.args(), (grid,))
    flow, cumulative = flow[: ts.size], cumulative[: ts.size]
    assert bool(ok)
    np.testing.assert_allclose(np.asarray(cumulative), np.asarray(series["cumulative"]), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(np.asarray(flow), np.gradient(np.asarray(series["cumulative"]), ts), atol=1e-9)
    instantaneous = np.asarray(series["flow"])
    bound = np.max(np.abs(np.diff(instantaneous, 2))) / 6.0  # dt^2 f'' / 6 with dt^2 f'' ~ second difference
    assert np.max(np.abs(np.asarray(flow) - instantaneous)[1:-1]) <= 2.0 * bound + 1e-6
