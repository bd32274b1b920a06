"""Both breasts in one solve share one OT drive (Prime 2009: 95.5 % of flow rises coincide)."""

import subprocess
import sys

import numpy as np
import pytest
from pictures import assert_picture

from mer.archive import load, save_simulation
from mer.outputs.metrics import MIN_DURATION_S
from mer.simulate import simulate

SMALL = ["anatomy.n_alveoli=300", "anatomy.generations=4"]  # a small breast: 72 lobules (144 generated at most)


@pytest.fixture(scope="module")
def pair():
    return simulate(["breasts=2", *SMALL])


@pytest.fixture(scope="module")
def generated_pair():
    return simulate(["breasts=2", "anatomy=generated", *SMALL])


@pytest.mark.parametrize("which", ["pair", "generated_pair"])
def test_ejections_start_together_in_both_breasts(which, request):
    """One plasma OT for both: every ejection of one breast has its twin in the other within 5 s."""
    r = request.getfixturevalue(which)
    # an ejection is counted once it has lasted MIN_DURATION_S: a twin that starts up to 5 s later
    # than its partner near the record's end can be cut by the end, so onsets later than that are left
    last = r.time[-1] - MIN_DURATION_S - 5.0
    left, right = (r.breasts[s]["metrics"]["mer_onsets_s"] for s in ("left", "right"))
    left, right = left[left <= last], right[right <= last]
    assert left.size >= 3 and left.size == right.size
    assert np.max(np.abs(left - right)) <= 5.0


@pytest.mark.parametrize("which", ["pair", "generated_pair"])
def test_mass_balance_holds_in_each_breast(which, request):
    r = request.getfixturevalue(which)
    for side in ("left", "right"):
        b = r.breasts[side]["balance"]
        assert abs(b["error_ml"]) <= 1e-3 * b["initial_ml"], side
    ts = r.timeseries
    np.testing.assert_allclose(ts["flow"], ts["flow_left"] + ts["flow_right"], rtol=1e-12)
    total = r.breasts["left"]["metrics"]["total_yield_g"] + r.breasts["right"]["metrics"]["total_yield_g"]
    assert r.metrics["total_yield_g"] == pytest.approx(total, rel=1e-12)


def test_generated_anatomies_give_different_yields(generated_pair):
    left, right = generated_pair.setup, generated_pair.setup.right
    assert float(left.params.alveoli.capacity_mL) != float(right.params.alveoli.capacity_mL)
    yields = [generated_pair.breasts[s]["metrics"]["total_yield_g"] for s in ("left", "right")]
    assert abs(yields[0] / yields[1] - 1.0) > 0.05


def test_average_anatomy_breasts_differ_only_in_agent_draws(pair):
    left, right = pair.setup, pair.setup.right
    assert left.tree == right.tree  # same topology
    np.testing.assert_array_equal(left.tree.radius_mm, right.tree.radius_mm)
    assert not np.allclose(left.structure["z_sensitivity"], right.structure["z_sensitivity"])


@pytest.fixture(scope="module")
def one():
    return simulate(SMALL)


def test_drive_comes_from_both_nipples():
    """At least one nipple's afferent input, exactly it when the other nipple is not stimulated;
    `bilateral_summation` spans the stronger nipple alone (0) to the sum of both (1)."""
    import jax.numpy as jnp

    from mer.breasts import bilateral_afferent
    from mer.build import build
    from mer.config.compose import compose_config
    from mer.parameters import replace
    from mer.stimulus.pump import afferent_input

    setup = build(compose_config(["breasts=2", *SMALL]))
    (left, right), _ = setup.pair()
    stim = setup.stimulus
    y = {side: {"removed": jnp.asarray(0.0)} for side in ("left", "right")}
    idle = replace(right, "stimulus", start_s=jnp.asarray(1.0e6))  # right never pumped
    for t in (30.0, 200.0, 600.0):  # stimulation phase, expression phase
        alone = float(afferent_input(t, 0.0, left.stimulus, stim.kind, stim.pattern))
        assert alone > 0.0
        assert float(bilateral_afferent(t, y, (left, idle), stim)) == alone
        assert float(bilateral_afferent(t, y, (left, right), stim)) >= alone
        for share, expected in ((0.0, alone), (1.0, 2.0 * alone)):  # both nipples pumped alike
            p = replace(left, "neuro", bilateral_summation=jnp.asarray(share))
            assert float(bilateral_afferent(t, y, (p, right), stim)) == pytest.approx(expected, rel=1e-12)


def test_two_nipples_release_at_least_as_much_ot_as_one(one):
    """Prime 2012: simultaneous pumping gives more ejections than sequential, read here as a larger
    drive from two nipples: with their inputs summed (`bilateral_summation` > 0; 0, the default,
    takes the stronger nipple's) the neurons burst at least as often and release at least as much OT."""
    pair = simulate(["breasts=2", "neuro.bilateral_summation=0.5", *SMALL])

    def released_mU(r):
        return np.trapezoid(r.timeseries["release_rate"], r.time)

    def bursts(r):
        bursting = r.timeseries["neuron_synchrony"] > 0.5
        return int(np.sum(np.diff(bursting.astype(int)) == 1))

    assert released_mU(pair) >= released_mU(one)
    assert bursts(pair) >= bursts(one)


def test_left_breast_matches_the_one_breast_run_when_one_nipple_drives(one):
    """With bilateral_summation 0 the drive is one nipple's and the breasts do not act on it under a
    pump, so the left breast of a pair is the one-breast run with the same seed (up to the adaptive
    steps the extra breast changes)."""
    pair = simulate(["breasts=2", "neuro.bilateral_summation=0", *SMALL])
    left = pair.breasts["left"]["metrics"]
    assert left["total_yield_g"] == pytest.approx(one.metrics["total_yield_g"], rel=0.01)
    np.testing.assert_allclose(left["mer_onsets_s"], one.metrics["mer_onsets_s"], atol=2.0)


def test_archive_holds_both_breasts(pair, tmp_path):
    arch = load(save_simulation(tmp_path / "run.h5", pair))
    for side in ("left", "right"):
        assert arch.units[f"timeseries/flow_{side}"] == "g/s"
        assert arch.units[f"timeseries/cumulative_{side}"] == "g"
        assert arch[f"breasts/{side}/metrics/total_yield_g"] == pair.breasts[side]["metrics"]["total_yield_g"]
        assert arch.units[f"breasts/{side}/balance/error_ml"] == "mL"
        assert arch[f"breasts/{side}/tree/flow"].shape == pair.breasts[side]["tree"]["flow"].shape
    assert arch["metrics/total_yield_g"] == pair.metrics["total_yield_g"]


def test_mer_simulate_both_breasts(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mer.cli.simulate",
            "breasts=2",
            "anatomy.n_alveoli=100",
            "anatomy.generations=2",
            "duration_s=300",
            f"hydra.run.dir={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "left" in proc.stdout and "right" in proc.stdout
    # both breasts' curves (cyan, orange) beside the totals (blue)
    assert_picture(tmp_path / "flow.png", (8, 6), ("tab:blue", "tab:cyan", "tab:orange"))
    assert load(tmp_path / "run.h5").config["breasts"] == 2
