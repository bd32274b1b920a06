"""Both breasts in one solve share one OT drive (Prime 2009: 95.5 % of flow rises coincide)."""

import subprocess
import sys

import numpy as np
import pytest
from pictures import assert_picture

from mer.archive import load, save_simulation
from mer.simulate import simulate

SMALL = ["anatomy.n_alveoli=300"]


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
    left, right = (r.breasts[s]["metrics"]["mer_onsets_s"] for s in ("left", "right"))
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
    assert float(left.params["alveoli"]["capacity_mL"]) != float(right.params["alveoli"]["capacity_mL"])
    yields = [generated_pair.breasts[s]["metrics"]["total_yield_g"] for s in ("left", "right")]
    assert abs(yields[0] / yields[1] - 1.0) > 0.05


def test_average_anatomy_breasts_differ_only_in_agent_draws(pair):
    left, right = pair.setup, pair.setup.right
    assert left.tree == right.tree  # same topology
    np.testing.assert_array_equal(left.tree.radius_mm, right.tree.radius_mm)
    assert not np.allclose(left.structure["z_sensitivity"], right.structure["z_sensitivity"])


def test_left_breast_matches_the_one_breast_run(pair):
    """The breasts do not act on the shared drive under a pump, so the left breast of a pair is
    the one-breast run with the same seed (up to the adaptive steps the extra breast changes)."""
    one = simulate(SMALL)
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
