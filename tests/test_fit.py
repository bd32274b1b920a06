"""Fitting: known parameters of a mother with two sessions are recovered inside their intervals,
what the data cannot inform is named, a killed fit resumes to the same result, and the diagnosis
tells central from peripheral shortfalls."""

import dataclasses

import numpy as np
import pytest

from mer.config.compose import compose_config
from mer.config.validate import ConfigError
from mer.fit.checkpoint import CheckpointError
from mer.fit.refine import full_resolution
from mer.fit.run import fit, model_config
from mer.simulate import simulate

TRUE_PERIPHERY = {"capacity_mL": 180.0, "initial_fullness": 0.7, "ec50_pM": 18.0, "max_tension_mmHg": 26.0}
# two 7.5-min sessions of one mother: (pulse centres s, OT per pulse mU)
TRUE_PULSES = {
    "day1": ([90.0, 300.0], [50.0, 40.0]),
    "day2": ([80.0, 220.0, 380.0], [40.0, 55.0, 30.0]),
}
DURATION_S = 450.0
FLOW_NOISE = 0.01  # g/s, sd of the sensor noise added to the simulated flow
# atosiban's clearance does nothing without atosiban: the fit must say the data cannot pin it down
USELESS = "+fit.parameters.atosiban.clearance_L_per_h={lower:10.0,upper:100.0,scale:log}"


def simulate_session(onsets, amounts, duration_s=DURATION_S, periphery=TRUE_PERIPHERY, full=False):
    """A session from the fitting model itself (neuro=pulses, the fit's coarse breast, or with
    `full` mer-simulate's, which the fit finishes on: mer.fit.refine) with known values."""
    overrides = [
        f"duration_s={duration_s}",
        f"neuro.onsets_s={list(onsets)}",
        f"neuro.amounts_mU={list(amounts)}",
        f"neuro.widths_s={[8.0] * len(onsets)}",
    ] + [f"params.alveoli.{k}={v}" for k, v in periphery.items()]
    cfg = compose_config(overrides, "fit")
    return simulate(model_config(full_resolution(cfg, cfg["fit"]) if full else cfg))


def write_csv(path, sessions, seed):
    rng = np.random.default_rng(seed)
    lines = ["session_id,time_s,flow_g_per_s"]
    for sid, result in sessions.items():
        flow = np.maximum(result.timeseries["flow"] + FLOW_NOISE * rng.standard_normal(result.time.size), 0.0)
        lines += [f"{sid},{t:.0f},{f:.5f}" for t, f in zip(result.time, flow)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def mother_file(tmp_path_factory):
    days = {sid: simulate_session(*pulses) for sid, pulses in TRUE_PULSES.items()}
    return write_csv(tmp_path_factory.mktemp("mother") / "mother.csv", days, seed=2)


def settings(path):
    # the sessions are simulated on the coarse breast the fit searches on, so the fit is checked
    # there, without the refining steps on mer-simulate's breast (a mother simulated on that one:
    # test_a_mother_simulated_at_full_resolution_is_recovered)
    return [f"data.path={path}", "fit.progress=false", "fit.n_starts=2", USELESS, "fit.refine_iterations=0"]


@pytest.fixture(scope="module")
def recovered(mother_file, tmp_path_factory):
    return fit(settings(mother_file), checkpoint_path=tmp_path_factory.mktemp("ckpt") / "checkpoint.h5")


def truth():
    t = {f"alveoli.{k}": v for k, v in TRUE_PERIPHERY.items()}
    t["atosiban.clearance_L_per_h"] = 42.0  # the literature value it starts from
    t["alveoli.resting_opening"] = 0.01  # the literature value the sessions were simulated with
    t["alveoli.lobule_sensitivity_sd"] = 0.8  # the assumed value the sessions were simulated with
    for s, (onsets, amounts) in enumerate(TRUE_PULSES.values()):
        t.update({f"neuro.onsets_s[{s}][{k}]": v for k, v in enumerate(onsets)})
        t.update({f"neuro.amounts_mU[{s}][{k}]": v for k, v in enumerate(amounts)})
        t.update({f"neuro.widths_s[{s}][{k}]": 8.0 for k in range(len(onsets))})  # each pulse's, as simulated
    return t


@pytest.fixture(scope="module")
def truth_basin(recovered):
    """Levenberg-Marquardt started from the true values on the same problem: the optimum of the
    truth's own basin, its loss and its intervals (the uncertainty method judged apart from the
    optimiser's choice of basin)."""
    import jax.numpy as jnp

    from mer.fit.parameters import to_unconstrained
    from mer.fit.polish import levenberg_marquardt, on_host
    from mer.fit.uncertainty import laplace

    p = recovered.problem
    a, (predict, jacobian) = p.arrays, on_host(p)
    t = truth()
    x = np.array([t.get(label, v) for label, v in zip(p.labels, recovered.values)])
    u_true = np.asarray(to_unconstrained(jnp.asarray(x), a.lower, a.upper, a.log))

    best = levenberg_marquardt(p, u_true, 20)
    flow, cum, _ = predict(best.u)
    return best, p.natural(best.u), laplace(p, best.u, *jacobian(best.u), flow, cum, 0.95)


def outside_intervals(labels, ci_low, ci_high, used):
    t = truth()
    rows = zip(labels, ci_low, ci_high, used)
    return {label: (t[label], lo, hi) for label, lo, hi, u in rows if u and not lo <= t[label] <= hi}


def assert_close_to_truth(r):
    """Every pulse found and every fitted value close to the truth."""
    used = np.asarray(r.problem.arrays.used) > 0
    labels = [label for label, u in zip(r.labels, used) if u]
    assert set(labels) == set(truth())  # every pulse was found, and every fitted value is checked
    t = truth()
    fitted = dict(zip(r.labels, r.values))
    tolerance = {"alveoli.capacity_mL": 0.15, "alveoli.initial_fullness": 0.07, "alveoli.ec50_pM": 0.25}
    tolerance["alveoli.max_tension_mmHg"] = 0.10
    for label in labels:
        if label.startswith("neuro.onsets_s"):
            assert abs(fitted[label] - t[label]) < 1.0, label
        elif label.startswith("neuro.amounts_mU"):
            assert abs(fitted[label] / t[label] - 1.0) < 0.25, label
        elif label.startswith("neuro.widths_s"):  # each pulse's width, freed after the count (mer.fit.shape)
            assert abs(fitted[label] / t[label] - 1.0) < 0.25, label
        elif label in tolerance:
            assert abs(fitted[label] / t[label] - 1.0) < tolerance[label], label


@pytest.mark.slow  # the recovery fit takes ~1.5 min on 2 cores
def test_recovered_parameters_are_close_to_the_truth(recovered, truth_basin):
    """Shared (mother) and per-session (pulse) values, started from the literature's values and
    from pulses detected in the flow. The loss has more than one basin here (storage trades
    against pulse timing and sensitivity, and 200 excitable agents make it rough), and the fit
    can end in a neighbour of the truth's: measured 2026-11-26, loss +7.4 % over the truth's
    basin, capacity +11 %, onsets 0.3 s early, and 5 of 15 true values outside the intervals of
    that basin (docs/design.md, Fitting). Since 2026-11-29 (the fit reads flow as a balance does
    and fits the spread of sensitivity between lobules) it passes, and the true values lie inside
    the fit's own intervals too. What is asserted: every pulse found and every value close to the
    truth, and the fit's loss within 10 % of the truth basin's."""
    r = recovered
    assert_close_to_truth(r)
    best, _, _ = truth_basin
    assert r.polished.loss <= 1.10 * best.loss
    start = dict(zip(r.labels, r.initial))
    assert abs(start["alveoli.capacity_mL"] - 180.0) > 20.0  # it started elsewhere and moved


@pytest.mark.slow  # the recovery fit takes ~1.5 min on 2 cores
def test_the_fits_own_intervals_cover_the_truth(recovered):
    """The end-to-end claim: the true values inside the fitted optimum's own 95 % intervals."""
    used = np.asarray(recovered.problem.arrays.used) > 0
    u = recovered.uncertainty
    outside = outside_intervals(recovered.labels, u.ci_low, u.ci_high, used)
    assert not outside, f"true values outside the 95 % intervals: {outside}"


@pytest.mark.slow  # a recovery fit with its refining steps, ~4 min on 2 cores
@pytest.mark.xfail(
    strict=True,
    reason="open (the fitting issue): the coarse search's optimum is biased against a mother simulated on "
    "mer-simulate's breast, and 3 refining steps steered by the coarse Jacobian (or 10, or the full "
    "Jacobian held from the start) do not remove it: measured 2026-11-29, starting fullness 7.6 % high "
    "(7 % allowed), capacity, EC50, contraction pressure, the lobules' spread (0.96-1.00 for 0.8), "
    "pulse amounts (10-20 % low) and onsets (0.3-0.6 s late) outside the fit's own 95 % intervals",
)
def test_a_mother_simulated_at_full_resolution_is_recovered(tmp_path):
    """The default fit (searching on the coarse breast, finished on mer-simulate's) of sessions
    simulated on mer-simulate's breast: every value close to the truth and inside its interval."""
    days = {sid: simulate_session(*pulses, full=True) for sid, pulses in TRUE_PULSES.items()}
    path = write_csv(tmp_path / "mother.csv", days, seed=2)
    r = fit([f"data.path={path}", "fit.progress=false", "fit.n_starts=2", USELESS])
    assert (r.config["anatomy"]["n_alveoli"], r.config["anatomy"]["generations"]) == (2000, 6)
    assert_close_to_truth(r)
    used = np.asarray(r.problem.arrays.used) > 0
    assert not outside_intervals(r.labels, r.uncertainty.ci_low, r.uncertainty.ci_high, used)


@pytest.mark.slow  # the recovery fit takes ~1.5 min on 2 cores
def test_intervals_at_the_optimum_cover_the_truth(recovered, truth_basin):
    """At the optimum of the truth's basin every true value lies inside its 95 % interval (the
    Laplace intervals, with autocorrelated residuals counted)."""
    _, _, unc = truth_basin
    used = np.asarray(recovered.problem.arrays.used) > 0
    outside = outside_intervals(recovered.labels, unc.ci_low, unc.ci_high, used)
    assert not outside, f"true values outside the 95 % intervals: {outside}"


@pytest.mark.slow  # the recovery fit takes ~1.5 min on 2 cores
def test_the_mothers_values_are_shared_and_the_pulses_per_session(recovered):
    r = recovered
    assert r.session_ids == ["day1", "day2"]
    assert sum(label == "alveoli.ec50_pM" for label in r.labels) == 1
    assert np.all(r.metrics["r2_cumulative"] > 0.99)
    assert list(r.metrics["n_mer_predicted"]) == list(r.metrics["n_mer_observed"]) == [2, 3]
    for s, (onsets, _) in enumerate(TRUE_PULSES.values()):
        np.testing.assert_allclose(r.parameter("neuro.onsets_s", s), onsets, atol=2.0)


@pytest.mark.slow  # the recovery fit takes ~1.5 min on 2 cores
def test_what_the_data_cannot_pin_down_is_named(recovered):
    flagged = recovered.uncertainty.not_identifiable
    assert "atosiban.clearance_L_per_h" in flagged
    assert "prior sd" in flagged["atosiban.clearance_L_per_h"]
    width = dict(zip(recovered.labels, recovered.uncertainty.ci_high - recovered.uncertainty.ci_low))
    assert all(width[label] < 5.0 for label in truth() if label.startswith("neuro.onsets_s"))
    assert not any(label.startswith("neuro.onsets_s") for label in flagged)


@pytest.mark.slow  # the recovery fit takes ~1.5 min on 2 cores
def test_fit_predictions_agree_with_simulate_of_the_fitted_configuration(recovered):
    for s in range(2):
        sim = simulate(recovered.session_config(s))
        np.testing.assert_allclose(sim.timeseries["cumulative"], recovered.predicted_cumulative[s], atol=0.05)


class Interrupt(Exception):
    pass


@pytest.mark.slow  # two short fits, ~30 s
def test_a_killed_fit_resumes_from_its_checkpoint_to_the_same_result(mother_file, tmp_path):
    short = settings(mother_file) + ["fit.max_iterations=6", "fit.checkpoint_every=2", "fit.polish_iterations=0"]
    whole = fit(short, checkpoint_path=tmp_path / "whole.h5")

    def kill_at_4(iteration):
        if iteration == 4:
            raise Interrupt

    with pytest.raises(Interrupt):
        fit(short, checkpoint_path=tmp_path / "cut.h5", callback=kill_at_4)
    resumed = fit(short + ["fit.resume=true"], checkpoint_path=tmp_path / "cut.h5")
    assert resumed.optimum.resumed_from == 4
    assert resumed.optimum.iterations == whole.optimum.iterations == 6
    np.testing.assert_allclose(resumed.optimum.history, whole.optimum.history, rtol=1e-12)
    np.testing.assert_allclose(resumed.values, whole.values, rtol=1e-10)
    with pytest.raises(CheckpointError, match="belongs to a different fit"):
        fit(short + ["fit.resume=true", "fit.learning_rate=0.01"], checkpoint_path=tmp_path / "cut.h5")
    with pytest.raises(CheckpointError, match="no checkpoint at"):
        fit(short + ["fit.resume=true"], checkpoint_path=tmp_path / "absent.h5")


# (overrides after data.path=<the mother's file>, or without data, and the message expected)
BAD_SETTINGS = {
    "no data": (None, "data.path: expected the path"),
    "unknown parameter": (
        ["+fit.parameters.alveoli.no_such={lower:1,upper:2}"],
        "the model has no parameter alveoli.no_such",
    ),
    "start below bounds": (["fit.parameters.alveoli.ec50_pM.lower=30"], "starting value 16 lies outside"),
    "upper below lower": (["fit.parameters.alveoli.ec50_pM.upper=1"], "expected lower < upper"),
    "unknown scale": (["fit.parameters.alveoli.ec50_pM.scale=cubic"], "expected 'log' or 'linear'"),
    "unknown session": (["data.session=nobody"], "data.session: no session 'nobody'"),
    "no starts": (["fit.n_starts=0"], r"fit.n_starts: expected a value in \[1, 64\] 1, got 0"),
    "rate not a number": (["fit.learning_rate=fast"], "fit.learning_rate: expected a number"),
    "misspelt setting": (["+fit.learning_rat=0.1"], "fit.learning_rat: unknown fit setting"),
    "width path not a number": (["fit.width_paths_s=[wide]"], "fit.width_paths_s: expected a list of pulse widths"),
}


@pytest.mark.parametrize("case", BAD_SETTINGS)
def test_fit_configuration_errors_name_the_field(mother_file, case):
    overrides, message = BAD_SETTINGS[case]
    data = [] if overrides is None else [f"data.path={mother_file}", *overrides]
    with pytest.raises(ConfigError, match=message):
        fit(data + ["fit.progress=false"])


@pytest.mark.parametrize("group", ["pulses", "network"])
def test_every_fit_setting_has_a_registry_entry(group):
    """Each setting of configs/fit/<group>.yaml is a registry entry (mer.parameters.Spec) with a
    unit and a meaning, and the defaults pass their own checks."""
    from mer.fit.settings import SETTINGS, STRUCTURED, check_settings

    fit_cfg = compose_config(["data.path=x.csv", f"fit={group}"], "fit")["fit"]
    check_settings(fit_cfg)
    assert set(fit_cfg) <= set(SETTINGS) | set(STRUCTURED)
    for name, spec in SETTINGS.items():
        assert spec.unit and spec.source and spec.status == "setting", name
    with pytest.raises(ConfigError, match=r"fit.onset_to_pulse_s: expected a value in \[-120.0, 120.0\] s, got 200"):
        check_settings(dict(fit_cfg, onset_to_pulse_s=200))


def _with_values(result, **scale):
    """The fit `result` with some fitted values scaled (a different mother, same machinery)."""
    values = result.values.copy()
    for prefix, factor in scale.items():
        key = prefix.replace("__", ".")
        for i, label in enumerate(result.labels):
            if label.split("[")[0] == key:
                values[i] *= factor
    return dataclasses.replace(result, values=values)


@pytest.mark.slow  # the recovery fit takes ~1.5 min on 2 cores
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


@pytest.mark.slow  # the recovery fit takes ~1.5 min on 2 cores
def test_interventions_are_ranked_by_predicted_yield(recovered):
    from mer.fit.diagnose import diagnose

    d = diagnose(recovered)
    added = {name: gain for name, _, gain, _ in d.interventions}
    ranked = [gain for gain in added.values() if np.isfinite(gain)]
    assert ranked == sorted(ranked, reverse=True)
    assert added["warmth"] > 0.0  # dilated ducts, more OT delivered
    assert added["atosiban"] < -0.5 * d.fitted_yield_g  # receptor block
    assert not np.isfinite(added["sci"])  # acts on the network's drive, which neuro=pulses does not have
