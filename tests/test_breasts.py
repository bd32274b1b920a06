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
    left, right = (b.metrics["mer_onsets_s"] for b in r.breasts)
    left, right = left[left <= last], right[right <= last]
    assert left.size >= 3 and left.size == right.size
    assert np.max(np.abs(left - right)) <= 5.0


@pytest.mark.parametrize("which", ["pair", "generated_pair"])
def test_mass_balance_holds_in_each_breast(which, request):
    r = request.getfixturevalue(which)
    assert [b.side for b in r.breasts] == ["left", "right"]
    for b in r.breasts:
        assert abs(b.balance["error_ml"]) <= 1e-3 * b.balance["initial_ml"], b.side
    ts = r.timeseries
    np.testing.assert_allclose(ts["flow"], ts["flow_left"] + ts["flow_right"], rtol=1e-12)
    total = r.breasts[0].metrics["total_yield_g"] + r.breasts[1].metrics["total_yield_g"]
    assert r.metrics["total_yield_g"] == pytest.approx(total, rel=1e-12)


def test_generated_anatomies_give_different_yields(generated_pair):
    left, right = generated_pair.setup.params.breasts
    assert float(left.alveoli.capacity_mL) != float(right.alveoli.capacity_mL)
    yields = [b.metrics["total_yield_g"] for b in generated_pair.breasts]
    assert abs(yields[0] / yields[1] - 1.0) > 0.05


def test_the_archive_holds_each_breast_s_own_parameters(generated_pair, tmp_path):
    """Each generated breast draws its own storage capacity: both are in the archive, each under
    its breast, as the build drew them."""
    arch = load(save_simulation(tmp_path / "run.h5", generated_pair))
    for side, gland in zip(("left", "right"), generated_pair.setup.params.breasts):
        assert arch[f"breasts/{side}/params/alveoli.capacity_mL"] == pytest.approx(float(gland.alveoli.capacity_mL))
    assert "circulation.basal_pM" not in arch.groups["breasts/left/params"]  # the central part: once, at the top
    assert "circulation.basal_pM" in arch.groups["params"]


def test_average_anatomy_breasts_differ_only_in_agent_draws(pair):
    left, right = pair.setup.breasts
    assert left.tree == right.tree  # same topology
    np.testing.assert_array_equal(left.tree.radius_mm, right.tree.radius_mm)
    z_left, z_right = (s["z_sensitivity"] for s in pair.setup.structure["breasts"])
    assert not np.allclose(z_left, z_right)


def test_one_breast_accessors_refuse_two_breasts(pair):
    """`Setup.tree`, `Setup.population`, `Result.alveoli` and `Result.tree` are one breast's: with
    two they refuse by name instead of answering with the left breast's."""
    for read in (
        lambda: pair.setup.tree,
        lambda: pair.setup.population,
        lambda: pair.alveoli,
        lambda: pair.tree,
    ):
        with pytest.raises(ValueError, match=r"two breasts: read .*breasts\[k\]"):
            read()


@pytest.fixture(scope="module")
def one():
    return simulate(SMALL)


def test_drive_comes_from_both_nipples():
    """At least one nipple's afferent input; `bilateral_summation` spans the stronger nipple alone
    (0) to the sum of both (1)."""
    import jax.numpy as jnp

    from mer.breasts import nipple_afferent
    from mer.build import build
    from mer.config.compose import compose_config
    from mer.parameters import replace
    from mer.stimulus.pump import afferent_input

    setup = build(compose_config(["breasts=2", *SMALL]))
    params = setup.params
    stim = setup.stimulus
    pumped = {"removed": jnp.asarray(0.0)}
    for t in (30.0, 200.0, 600.0):  # stimulation phase, expression phase
        alone = float(afferent_input(t, 0.0, params.stimulus, stim.kind, stim.pattern))
        assert alone > 0.0
        assert float(nipple_afferent(t, {"breasts": (pumped, pumped)}, params, stim)) >= alone
        for share, expected in ((0.0, alone), (1.0, 2.0 * alone)):  # both nipples pumped alike
            p = replace(params, "neuro", bilateral_summation=jnp.asarray(share))
            assert float(nipple_afferent(t, {"breasts": (pumped, pumped)}, p, stim)) == pytest.approx(
                expected, rel=1e-12
            )


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
    left = pair.breasts[0].metrics
    assert left["total_yield_g"] == pytest.approx(one.metrics["total_yield_g"], rel=0.01)
    np.testing.assert_allclose(left["mer_onsets_s"], one.metrics["mer_onsets_s"], atol=2.0)


def test_archive_holds_both_breasts(pair, tmp_path):
    arch = load(save_simulation(tmp_path / "run.h5", pair))
    for k, side in enumerate(("left", "right")):
        b = pair.breasts[k]
        assert arch.units[f"timeseries/flow_{side}"] == "g/s"
        assert arch.units[f"timeseries/cumulative_{side}"] == "g"
        assert arch[f"breasts/{side}/metrics/total_yield_g"] == b.metrics["total_yield_g"]
        assert arch.units[f"breasts/{side}/balance/error_ml"] == "mL"
        assert arch[f"breasts/{side}/tree/flow"].shape == b.tree["flow"].shape
        np.testing.assert_array_equal(arch[f"breasts/{side}/alveoli/capacity"].shape, (b.alveoli["fullness"].shape[1],))
    # no breast's agents or tree stand at the top level for both
    assert "alveoli" not in arch.groups and "tree" not in arch.groups
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


@pytest.mark.slow  # a fit of both breasts, minutes
def test_a_double_pump_session_is_fitted_with_both_breasts(tmp_path):
    """`mer-fit breasts=2` fits both breasts' flow together (a double pump's bottles weighed
    together): a session simulated with both breasts from known pulses, in the fit's own model so
    the truth is within its reach, is matched and its two pulses are the two fitted."""
    from mer.config.compose import compose_config
    from mer.fit.run import fit, model_config

    pulses = ["neuro.onsets_s=[90.0,300.0]", "neuro.amounts_mU=[50.0,40.0]", "neuro.widths_s=[8.0,8.0]"]
    truth = simulate(model_config(compose_config(["breasts=2", "duration_s=450", *pulses], "fit")))
    assert truth.breasts[1].metrics["total_yield_g"] > 0.2 * truth.metrics["total_yield_g"]  # both give milk
    path = tmp_path / "double.csv"
    rows = [f"{t:.0f},{f:.6f}" for t, f in zip(truth.time, truth.timeseries["flow"])]
    path.write_text("time_s,flow_g_per_s\n" + "\n".join(rows) + "\n")
    result = fit([f"data.path={path}", "breasts=2", "fit.progress=false", "fit.n_starts=1"], tmp_path / "ckpt.h5")
    assert len(result.problem.setup.breasts) == 2  # both breasts in the fitted model
    assert result.metrics["r2_cumulative"][0] >= 0.99
    assert result.metrics["r2_flow"][0] >= 0.9
    assert result.metrics["n_pulses"][0] == 2
    # the fitted mother, simulated with both breasts, gives the data's milk
    again = simulate(result.session_config(0))
    assert len(again.breasts) == 2
    assert again.metrics["total_yield_g"] == pytest.approx(truth.metrics["total_yield_g"], rel=0.02)
