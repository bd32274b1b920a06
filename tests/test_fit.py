"""Fitting: known parameters are recovered inside their intervals, a killed fit resumes to the same
result, several sessions share the mother's parameters, and the archive holds what it promises."""

import dataclasses

import numpy as np
import pytest

from mer.config.compose import compose_config
from mer.config.validate import ConfigError
from mer.fit.optimise import CheckpointError
from mer.fit.run import fit, model_config
from mer.simulate import simulate

TRUE_PERIPHERY = {"capacity_mL": 180.0, "initial_fullness": 0.7, "ec50_pM": 18.0, "max_tension_mmHg": 26.0}
TRUE_ONSETS = [100.0, 330.0, 560.0, 760.0]
TRUE_AMOUNTS = [60.0, 45.0, 50.0, 35.0]
FLOW_NOISE = 0.01  # g/s, sd of the sensor noise added to the simulated flow


def simulate_session(onsets, amounts, duration_s=900.0, periphery=TRUE_PERIPHERY):
    """A session from the fitting model itself (neuro=pulses, the fit's anatomy) with known values."""
    overrides = [
        f"duration_s={duration_s}",
        f"neuro.onsets_s={list(onsets)}",
        f"neuro.amounts_mU={list(amounts)}",
        f"neuro.widths_s={[8.0] * len(onsets)}",
    ] + [f"params.alveoli.{k}={v}" for k, v in periphery.items()]
    return simulate(model_config(compose_config(overrides, "fit")))


def write_csv(path, sessions, seed):
    rng = np.random.default_rng(seed)
    lines = ["session_id,time_s,flow_g_per_s"]
    for sid, result in sessions.items():
        flow = np.maximum(result.timeseries["flow"] + FLOW_NOISE * rng.standard_normal(result.time.size), 0.0)
        lines += [f"{sid},{t:.0f},{f:.5f}" for t, f in zip(result.time, flow)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def recovery_file(tmp_path_factory):
    result = simulate_session(TRUE_ONSETS, TRUE_AMOUNTS)
    return write_csv(tmp_path_factory.mktemp("recovery") / "session.csv", {"1": result}, seed=1)


@pytest.fixture(scope="module")
def recovered(recovery_file, tmp_path_factory):
    ckpt = tmp_path_factory.mktemp("ckpt") / "checkpoint.h5"
    return fit([f"data.path={recovery_file}", "fit.progress=false"], checkpoint_path=ckpt)


def test_recovered_parameters_lie_inside_their_intervals(recovered):
    r = recovered
    truth = {f"alveoli.{k}": v for k, v in TRUE_PERIPHERY.items()}
    truth.update({f"neuro.onsets_s[0][{k}]": v for k, v in enumerate(TRUE_ONSETS)})
    truth.update({f"neuro.amounts_mU[0][{k}]": v for k, v in enumerate(TRUE_AMOUNTS)})
    assert set(truth) == set(r.labels)  # every fitted value is checked, the pulses were all found
    outside = {
        label: (truth[label], lo, hi)
        for label, lo, hi in zip(r.labels, r.uncertainty.ci_low, r.uncertainty.ci_high)
        if not lo <= truth[label] <= hi
    }
    assert not outside, f"true values outside the 95 % intervals: {outside}"
    # the starting point was the literature's, not the truth: the fit moved to it
    start = dict(zip(r.labels, r.initial))
    assert abs(start["alveoli.capacity_mL"] - 180.0) > 20.0
    assert r.metrics["r2_cumulative"][0] > 0.99
    assert r.metrics["n_mer_predicted"][0] == r.metrics["n_mer_observed"][0] == 4


def test_pulse_times_are_pinned_to_seconds(recovered):
    r = recovered
    width = dict(zip(r.labels, r.uncertainty.ci_high - r.uncertainty.ci_low))
    assert all(width[f"neuro.onsets_s[0][{k}]"] < 5.0 for k in range(4))
    assert not any(label.startswith("neuro.onsets_s") for label in r.uncertainty.not_identifiable)


def test_fit_predictions_agree_with_simulate_of_the_fitted_configuration(recovered):
    r = recovered
    sim = simulate(r.session_config(0))
    np.testing.assert_allclose(sim.timeseries["cumulative"], r.predicted_cumulative[0], atol=0.05)


class Interrupt(Exception):
    pass


def test_a_killed_fit_resumes_from_its_checkpoint_to_the_same_result(recovery_file, tmp_path):
    settings = [
        f"data.path={recovery_file}",
        "fit.progress=false",
        "fit.max_iterations=6",
        "fit.checkpoint_every=2",
        "fit.polish_iterations=0",
    ]
    whole = fit(settings, checkpoint_path=tmp_path / "whole.h5")

    def kill_at_4(iteration):
        if iteration == 4:
            raise Interrupt

    with pytest.raises(Interrupt):
        fit(settings, checkpoint_path=tmp_path / "cut.h5", callback=kill_at_4)
    resumed = fit(settings + ["fit.resume=true"], checkpoint_path=tmp_path / "cut.h5")
    assert resumed.optimum.resumed_from == 4
    assert resumed.optimum.iterations == whole.optimum.iterations == 6
    np.testing.assert_allclose(resumed.optimum.history, whole.optimum.history, rtol=1e-12)
    np.testing.assert_allclose(resumed.values, whole.values, rtol=1e-10)
    with pytest.raises(CheckpointError, match="belongs to a different fit"):
        fit(settings + ["fit.resume=true", "fit.learning_rate=0.01"], checkpoint_path=tmp_path / "cut.h5")
    with pytest.raises(CheckpointError, match="no checkpoint at"):
        fit(settings + ["fit.resume=true"], checkpoint_path=tmp_path / "absent.h5")


def test_several_sessions_share_the_mothers_parameters(tmp_path):
    """Two 7.5-min sessions of one mother: her storage, fullness, EC50 and contraction are one value
    each, the pulses are per session (two and three), and all are recovered inside their intervals."""
    days = {
        "day1": simulate_session([90.0, 300.0], [50.0, 40.0], duration_s=450.0),
        "day2": simulate_session([80.0, 220.0, 380.0], [40.0, 55.0, 30.0], duration_s=450.0),
    }
    path = write_csv(tmp_path / "mother.csv", days, seed=2)
    # atosiban's clearance does nothing without atosiban: the fit must say the data cannot pin it down
    useless = "+fit.parameters.atosiban.clearance_L_per_h={lower:10.0,upper:100.0,scale:log}"
    settings = [f"data.path={path}", "fit.progress=false", "fit.n_starts=2", useless]
    r = fit(settings, checkpoint_path=tmp_path / "c.h5")
    assert r.session_ids == ["day1", "day2"]
    assert "atosiban.clearance_L_per_h" in r.uncertainty.not_identifiable
    assert not any(label.startswith("neuro.onsets_s") for label in r.uncertainty.not_identifiable)
    assert np.all(r.metrics["r2_cumulative"] > 0.99)
    assert list(r.metrics["n_mer_predicted"]) == [2, 3]
    np.testing.assert_allclose(r.parameter("neuro.onsets_s", 0), [90.0, 300.0], atol=2.0)
    np.testing.assert_allclose(r.parameter("neuro.onsets_s", 1), [80.0, 220.0, 380.0], atol=2.0)
    for key, true in TRUE_PERIPHERY.items():  # one value for both days, its interval covering the truth
        i = r.labels.index(f"alveoli.{key}")
        assert r.uncertainty.ci_low[i] <= true <= r.uncertainty.ci_high[i], key


def test_fit_configuration_errors_name_the_field(recovery_file):
    cases = [
        ([], "data.path: expected the path"),
        (
            [f"data.path={recovery_file}", "+fit.parameters.alveoli.no_such={lower:1,upper:2}"],
            "the model has no parameter alveoli.no_such",
        ),
        ([f"data.path={recovery_file}", "fit.parameters.alveoli.ec50_pM.lower=30"], "starting value 25 lies outside"),
        ([f"data.path={recovery_file}", "fit.parameters.alveoli.ec50_pM.upper=1"], "expected lower < upper"),
        ([f"data.path={recovery_file}", "fit.parameters.alveoli.ec50_pM.scale=cubic"], "expected 'log' or 'linear'"),
        ([f"data.path={recovery_file}", "data.session=nobody"], "data.session: no session 'nobody'"),
        ([f"data.path={recovery_file}", "fit.n_starts=0"], r"fit.n_starts: expected a value in \[1, 64\], got 0"),
        ([f"data.path={recovery_file}", "fit.learning_rate=fast"], "fit.learning_rate: expected a number"),
        ([f"data.path={recovery_file}", "+fit.learning_rat=0.1"], "fit.learning_rat: unknown fit setting"),
    ]
    for overrides, message in cases:
        with pytest.raises(ConfigError, match=message):
            fit(overrides + ["fit.progress=false"])


def test_mer_fit_reaches_the_targets_on_an_unseen_session(tmp_path, monkeypatch):
    """`mer-fit data.path=...` on a session simulated by a different model (neuro=network, a
    generated breast; experiments/data/): R^2 >= 0.95 on the cumulative curve, ejection count
    within +/-1, and the archive and figure it promises. Run in-process so the compiled fit of
    the recovery test (same shapes) is reused."""
    import sys

    from mer.archive import load
    from mer.cli.fit import main

    data = "experiments/data/session_a.csv"
    monkeypatch.setattr(
        sys, "argv", ["mer-fit", f"data.path={data}", f"hydra.run.dir={tmp_path}", "fit.progress=false"]
    )
    main()
    arch = load(tmp_path / "fit.h5")
    assert arch.attrs["kind"] == "fit"
    assert arch["metrics/r2_cumulative"][0] >= 0.95
    assert abs(int(arch["metrics/n_mer_predicted"][0]) - int(arch["metrics/n_mer_observed"][0])) <= 1
    assert 3 <= arch["metrics/n_mer_observed"][0] <= 5
    for name, unit in [
        ("time", "s"),
        ("observed_flow", "g/s"),
        ("observed_cumulative", "g"),
        ("predicted_flow", "g/s"),
        ("predicted_cumulative", "g"),
        ("loss_history", "1"),
    ]:
        assert arch.units[f"fit/{name}"] == unit
    assert arch["fit/observed_cumulative"].shape == arch["fit/predicted_cumulative"].shape == (1, 901)
    import h5py

    with h5py.File(tmp_path / "fit.h5") as f:
        ec50 = f["fit/params/alveoli.ec50_pM"]
        assert ec50.attrs["unit"] == "pM"
        assert ec50.attrs["ci_low"] <= ec50[()] <= ec50.attrs["ci_high"]
        assert ec50.attrs["initial"] == 25.0
    assert (tmp_path / "fit.png").stat().st_size > 20_000


def test_mer_fit_bad_data_exits_with_the_message(tmp_path):
    import subprocess

    bad = tmp_path / "bad.csv"
    bad.write_text("time_s,flow_g_per_s\n0,0\n1,-0.5\n")
    proc = subprocess.run(
        [sys_executable(), "-m", "mer.cli.fit", f"data.path={bad}", f"hydra.run.dir={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert "flow_g_per_s is negative (-0.5 g/s at 1 s)" in proc.stderr


def sys_executable():
    import sys

    return sys.executable


def _with_values(result, **scale):
    """The fit `result` with some fitted values scaled (a different mother, same machinery)."""
    values = result.values.copy()
    for prefix, factor in scale.items():
        key = prefix.replace("__", ".")
        for i, label in enumerate(result.labels):
            if label.split("[")[0] == key:
                values[i] *= factor
    return dataclasses.replace(result, values=values)


def test_diagnosis_tells_central_from_peripheral(recovered):
    """A mother who releases a fifth of the OT is short centrally; one whose breast needs five
    times the OT is short peripherally; restoring the other side helps neither much."""
    from mer.fit.diagnose import diagnose

    central = diagnose(_with_values(recovered, neuro__amounts_mU=0.2), rank=False)
    assert central.limiting == "central", central.report()
    assert central.central_restored_yield_g > central.fitted_yield_g
    peripheral = diagnose(_with_values(recovered, alveoli__ec50_pM=5.0), rank=False)
    assert peripheral.limiting == "peripheral", peripheral.report()
    assert peripheral.peripheral_restored_yield_g > peripheral.fitted_yield_g


def test_interventions_are_ranked_by_predicted_yield(recovered):
    from mer.fit.diagnose import diagnose

    d = diagnose(recovered)
    added = {name: gain for name, _, gain, _ in d.interventions}
    ranked = [gain for gain in added.values() if np.isfinite(gain)]
    assert ranked == sorted(ranked, reverse=True)
    assert added["warmth"] > 0.0  # dilated ducts, more OT delivered
    assert added["atosiban"] < -0.5 * d.fitted_yield_g  # receptor block
    assert not np.isfinite(added["sci"])  # acts on the network's drive, which neuro=pulses does not have
