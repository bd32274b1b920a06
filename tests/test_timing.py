"""Mother-specific, irregular timing: the session's fluctuation of the afferent drive
(mer/neuro/fluctuation.py) and the report of interval variation (mer/validation/timing.py)."""

import types

import numpy as np
import pytest

from mer.build import build
from mer.config.compose import compose_config
from mer.neuro.fluctuation import drive_factor, drive_fluctuation, fluctuation_draws
from mer.simulate import simulate
from mer.validation.timing import interval_variation


def _xi(seed, t, tau):
    d = fluctuation_draws(seed)
    return np.array([float(drive_fluctuation(x, d["drive_mode_z"], d["drive_mode_phase"], tau)) for x in t])


def test_fluctuation_has_unit_variance_and_the_stated_correlation_time():
    # over many sessions: mean 0, variance 1, correlation exp(-1/2) at a lag of one tau (Gaussian
    # kernel); tolerances from 400 draws of 32 modes
    tau = 30.0
    t = np.array([0.0, tau, 3.0 * tau])
    xs = np.array([_xi(seed, t, tau) for seed in range(400)])
    assert abs(xs[:, 0].mean()) < 0.15
    assert abs(xs[:, 0].var() - 1.0) < 0.2
    assert abs(np.corrcoef(xs[:, 0], xs[:, 1])[0, 1] - np.exp(-0.5)) < 0.12
    assert abs(np.corrcoef(xs[:, 0], xs[:, 2])[0, 1] - np.exp(-4.5)) < 0.15


def test_no_fluctuation_leaves_the_drive_unchanged():
    d = fluctuation_draws(3)
    n = types.SimpleNamespace(drive_fluctuation_sd=0.0, drive_fluctuation_tau_s=30.0)
    assert float(drive_factor(123.0, d["drive_mode_z"], d["drive_mode_phase"], n)) == 1.0


def test_session_seed_draws_the_session_not_the_mother():
    a = build(compose_config(["session_seed=1"]))
    b = build(compose_config(["session_seed=2"]))
    np.testing.assert_array_equal(a.structure["z_excitability"], b.structure["z_excitability"])
    for key in ("z_capacity", "z_sensitivity", "duct_radius_mm"):
        np.testing.assert_array_equal(a.structure["breasts"][0][key], b.structure["breasts"][0][key])
    assert not np.array_equal(a.structure["drive_mode_phase"], b.structure["drive_mode_phase"])


@pytest.mark.slow
def test_sessions_of_one_mother_differ_in_timing_and_repeat_exactly():
    small = ["anatomy.n_alveoli=200", "anatomy.generations=2", "quiet=true"]
    one = simulate(small + ["session_seed=1"]).metrics["mer_onsets_s"]
    again = simulate(small + ["session_seed=1"]).metrics["mer_onsets_s"]
    other = simulate(small + ["session_seed=2"]).metrics["mer_onsets_s"]
    np.testing.assert_array_equal(one, again)
    assert one.size != other.size or np.max(np.abs(one - other)) > 10.0


def test_interval_variation_separates_within_from_between_mothers():
    # mothers with their own mean interval (100-300 s) and small scatter within: most variance
    # lies between mothers; identical mothers: none does
    rng = np.random.default_rng(0)
    own = [[np.cumsum(rng.normal(mean, 10.0, 5)) for _ in range(3)] for mean in np.linspace(100, 300, 8)]
    same = [[np.cumsum(rng.normal(200.0, 40.0, 5)) for _ in range(3)] for _ in range(8)]
    v_own, v_same = interval_variation(own), interval_variation(same)
    assert v_own["between_share"] > 0.9
    assert v_same["between_share"] < 0.2
    assert abs(v_same["within_cv"] - 0.2) < 0.07  # sd 40 s on 200 s
    assert v_own["within_cv"] < 0.1


def test_interval_variation_needs_two_mothers_with_intervals():
    v = interval_variation([[np.array([60.0])], [np.array([50.0, 300.0, 500.0])]])
    assert np.isnan(v["within_cv"])
