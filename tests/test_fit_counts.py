"""The pulse count chosen by the data (mer.fit.counts), gaps in a recording, and the fit of a
session the model did not make: the count the detector missed is found, the fitted mother
simulated at full resolution agrees with the fit, and mer-fit-collect gathers the result."""

import pathlib
import sys

import h5py
import numpy as np
import pytest

from mer.config.validate import ConfigError
from mer.fit.counts import criterion
from mer.fit.data import Session, gaps, on_grid
from mer.fit.settings import check_settings

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_a_pulse_is_kept_only_when_it_explains_enough():
    """BIC with autocorrelated residuals counted: one more pulse that removes a third of the
    residual wins, one that removes 3 % (noise it can bend to) loses."""
    rng = np.random.default_rng(0)
    noise = np.convolve(rng.standard_normal(900), np.ones(5) / 5, mode="same")  # correlated, as fits leave
    big = [[noise * 1.25], [noise]]  # 4 pulses: residual 1.25 x; 5 pulses: 1 x (SSR -36 %)
    ssr, bic, n_eff = criterion(big, np.array([[4], [5]]))
    assert n_eff[0] < 0.5 * 900  # the autocorrelation counted
    assert np.argmin(bic[:, 0]) == 1
    small = [[noise * 1.015], [noise]]  # SSR -3 %
    _, bic, _ = criterion(small, np.array([[4], [5]]))
    assert np.argmin(bic[:, 0]) == 0


def test_pulse_counts_setting_is_checked():
    from mer.config.compose import compose_config

    fit_cfg = compose_config(["data.path=x.csv"], "fit")["fit"]
    check_settings(fit_cfg)
    for bad in ([1, 2], [0, 5], "0,1", [0, True]):
        with pytest.raises(ConfigError, match="fit.pulse_counts"):
            check_settings(dict(fit_cfg, pulse_counts=bad))


def test_a_gap_in_the_recording_is_ignored_not_bridged():
    t = np.concatenate([np.arange(0.0, 300.0), np.arange(360.0, 600.0)])  # the sensor dropped out for 60 s
    flow = np.full(t.size, 0.1)
    s = Session("1", t, flow, np.cumsum(flow), ("flow_g_per_s",), "x.csv")
    assert gaps(s) == [(299.0, 360.0)]
    ts = np.arange(0.0, 600.0)
    _, _, inside = on_grid(s, ts)
    assert np.all(inside[(ts > 299) & (ts < 360)] == 0.0)
    assert inside[(ts <= 299) | (ts >= 360)].all()


@pytest.fixture(scope="module")
def gamma_fit(tmp_path_factory):
    """`mer-fit` with its defaults on gamma_4.csv: five ejections, the last rising on the shoulder
    of the fourth, so that the detector finds four."""
    from mer.cli.fit import main

    out = tmp_path_factory.mktemp("fits") / "gamma_4"
    argv = ["mer-fit", f"data.path={ROOT / 'benchmarks/sessions/gamma_4.csv'}", f"hydra.run.dir={out}", "quiet=true"]
    old = sys.argv
    sys.argv = argv
    try:
        main()
    finally:
        sys.argv = old
    return out


@pytest.mark.slow  # one whole fit with its count search, ~2 min on 2 cores
def test_the_count_the_detector_missed_is_chosen(gamma_fit):
    from mer.fit.synthetic import true_onsets

    truth = true_onsets(ROOT / "benchmarks/sessions/gamma_4.csv").size
    with h5py.File(gamma_fit / "fit.h5") as f:
        c = f["fit/counts"]
        assert c["detected"][0] == truth - 1
        assert set(c["tried"][:, 0]) >= {truth - 1, truth}
        assert c["chosen"][0] == truth
        assert "chosen" in c.attrs["reasons"] and "BIC" in c.attrs["reasons"]
        assert f["metrics/n_pulses"][0] == truth
        assert f["metrics/r2_cumulative"][0] >= 0.99


@pytest.mark.slow  # a fit and a full-resolution simulation
def test_the_fitted_mother_at_full_resolution_agrees_with_the_fit(gamma_fit):
    """mer.simulate of fit/session_config with mer-simulate's own breast (2000 agents, 6 duct
    generations) against the data: R^2 within 0.01 of the fit's, its flow read as the balance reads
    the data (mer.solve.balance_rate). The fit is finished on that breast (mer.fit.refine), so
    session_config hands it over as it is."""
    import yaml

    from mer.config.compose import compose_config
    from mer.simulate import simulate
    from mer.solve import balance_rate

    with h5py.File(gamma_fit / "fit.h5") as f:
        cfg = yaml.safe_load(f["fit/session_config"][0])
        t, obs_flow, obs_cum = f["fit/time"][()], f["fit/observed_flow"][0], f["fit/observed_cumulative"][0]
        r2_fit = f["metrics/r2_cumulative"][0], f["metrics/r2_flow"][0]
    full = compose_config([], "simulate")["anatomy"]
    assert (cfg["anatomy"]["n_alveoli"], cfg["anatomy"]["generations"]) == (full["n_alveoli"], full["generations"])
    cfg["anatomy"] = full
    sim = simulate(cfg)
    cum = np.interp(t, sim.time, sim.timeseries["cumulative"])
    for obs, pred, fitted in ((obs_cum, cum, r2_fit[0]), (obs_flow, np.asarray(balance_rate(t, cum)), r2_fit[1])):
        r2 = 1.0 - np.sum((pred - obs) ** 2) / np.sum((obs - obs.mean()) ** 2)
        assert abs(r2 - fitted) <= 0.01, (r2, fitted)


@pytest.mark.slow  # uses the fit above
def test_fits_are_collected_into_a_cohort_table(gamma_fit, tmp_path):
    import csv
    import shutil

    from mer.cli.collect import main

    shutil.copytree(gamma_fit, tmp_path / "mother1")
    shutil.copytree(gamma_fit, tmp_path / "mother2")
    main([str(tmp_path)])
    rows = list(csv.DictReader(open(tmp_path / "cohort.csv")))
    assert len(rows) == 2
    keys = ("alveoli.ec50_pM_low", "alveoli.ec50_pM", "alveoli.ec50_pM_high")
    assert {"r2_flow", "pulses_fitted", *keys} <= set(rows[0])
    low, value, high = (float(rows[0][k]) for k in keys)
    assert low <= value <= high
    with h5py.File(tmp_path / "cohort.h5") as f:
        assert f.attrs["kind"] == "fit_cohort"
        assert f["alveoli.ec50_pM"].attrs["unit"] == "pM"
