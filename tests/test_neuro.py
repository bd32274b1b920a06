"""OT neuron network: bursts emerge above a drive threshold, synchronise, and set human timing."""

import numpy as np
import pytest

from mer.simulate import simulate


def burst_onsets(result, level=0.5):
    on = result.timeseries["neuron_synchrony"] > level
    return result.time[1:][np.diff(on.astype(int)) == 1]


@pytest.fixture(scope="module")
def baseline():
    return simulate([])


def test_no_bursts_without_suckling():
    r = simulate(["intervention=sci"])
    assert r.timeseries["neuron_synchrony"].max() < 0.05


def test_bursts_only_above_a_drive_threshold(baseline):
    """Silent state stable below threshold (drive 0.6 x input), relaxation oscillation above."""
    # the network's own threshold: without the session's fluctuation of the drive
    weak = simulate(["neuro.drive_gain=0.6", "neuro.drive_fluctuation_sd=0.0"])
    assert burst_onsets(weak).size == 0
    assert burst_onsets(baseline).size >= 3


def test_synchrony_rises_during_a_burst(baseline):
    ts = baseline.timeseries
    peak = np.argmax(ts["release_rate"])
    assert ts["neuron_synchrony"][peak] > 0.9
    quiet = ts["release_rate"] < 0.05
    assert ts["neuron_synchrony"][quiet].max() < 0.1


def test_plasma_half_life_fitted_after_a_pulse():
    """One release pulse: log(C - C_basal) decays with t1/2 = 3.2 min (fit between 2 and 8 min)."""
    r = simulate(["neuro=pulses", "neuro.onsets_s=[60.0]", "neuro.amounts_mU=[40.0]", "neuro.widths_s=[8.0]"])
    t, c = r.time, r.timeseries["plasma_ot"]
    basal = r.config["params"]["circulation"]["basal_pM"]
    window = (t > 120) & (t < 480)
    slope = np.polyfit(t[window], np.log(c[window] - basal), 1)[0]
    half_life_min = np.log(2) / -slope / 60
    assert 3.0 <= half_life_min <= 4.0


def test_human_timing_over_20_mothers_and_sessions():
    """First release 30-150 s, 4-6 bursts per 15 min, intervals within the range Idei et al. 2024
    observed between high-flow periods (68-371 s; docs/literature.md)."""
    firsts, counts, intervals = [], [], []
    for seed in range(20):
        small = [f"seed={seed}", f"session_seed={seed}", "anatomy.n_alveoli=200", "anatomy.generations=2"]
        onsets = burst_onsets(simulate(small))
        firsts.append(onsets[0])
        counts.append(onsets.size)
        intervals.extend(np.diff(onsets))
    assert 30 <= min(firsts) and max(firsts) <= 150
    assert 4 <= min(counts) and max(counts) <= 6
    assert 68 <= min(intervals) and max(intervals) <= 371


def test_two_compartment_plasma_decays_with_de_groot_half_lives():
    """De Groot 1995: t1/2,beta 0.33 h; the terminal decay after one pulse (fit 30-45 min, ten
    alpha half-lives on) follows it."""
    r = simulate(
        [
            "neuro=pulses",
            "neuro.onsets_s=[60.0]",
            "neuro.amounts_mU=[1000.0]",
            "neuro.widths_s=[5.0]",
            "params.circulation.two_compartment=1",
            "duration_s=2760",
            "anatomy.n_alveoli=100",
            "anatomy.generations=2",
            "solver.agent_save_dt_s=60",
            "solver.tree_save_dt_s=60",
        ]
    )
    t, c = r.time, r.timeseries["plasma_ot"] - r.config["params"]["circulation"]["basal_pM"]
    late = (t > 1800) & (t < 2700)
    early = (t > 90) & (t < 300)
    late_half_life_h = np.log(2) / -np.polyfit(t[late], np.log(c[late]), 1)[0] / 3600
    early_half_life_h = np.log(2) / -np.polyfit(t[early], np.log(c[early]), 1)[0] / 3600
    assert abs(late_half_life_h - 0.33) <= 0.1 * 0.33
    assert early_half_life_h < 0.5 * late_half_life_h  # distribution phase first


def test_two_compartment_central_volume_is_checked():
    from mer.config.validate import ConfigError

    with pytest.raises(ConfigError, match="params.circulation.central_volume_L"):
        simulate(["params.circulation.two_compartment=1", "params.circulation.central_volume_L=2.0"])


def test_conditioned_drive_gives_anticipatory_release():
    """McNeilly et al. 1983: OT release 3-10 min before suckling, in all 10 women."""
    common = ["stimulus.start_s=600", "anatomy.n_alveoli=200", "anatomy.generations=2"]
    plain = burst_onsets(simulate(common))
    conditioned = burst_onsets(simulate([*common, "neuro.conditioned_drive=0.75"]))
    assert plain.size and plain[0] > 600.0  # without conditioning nothing happens before the pump
    lead = 600.0 - conditioned[0]
    assert 180.0 <= lead <= 600.0


def test_iv_threshold_dose_produces_an_ejection_without_endogenous_release():
    """The 1961 human study found 2 mU IV to be the threshold dose for a milk ejection, ~20 s after
    the injection. With the afferent drive removed (no endogenous bursts) the response is graded:
    0 mU none, 1 mU below the ejection count (< 0.1 g/s, pressure rise < 1 mmHg), 2 mU a counted
    ejection (flow above 0.1 g/s) starting 10-40 s after the injection (bolus centred at 300 s; the
    vein -> breast transit is ~10 s of it), 5 mU a larger one."""

    def response(dose, seed):
        r = simulate(
            [
                "intervention=sci",
                f"seed={seed}",
                f"params.exogenous.iv_bolus_mU={dose}",
                "params.exogenous.iv_bolus_time_s=300",
            ]
        )
        t, p, f = r.time, r.timeseries["alveolar_pressure"], r.timeseries["flow"]
        window = (t > 290) & (t < 420)
        rise = p[window].max() - p[(t > 270) & (t < 290)].mean()
        return rise, f[window].max(), r.metrics["mer_onsets_s"]

    rise0, _, on0 = response(0.0, 0)
    assert rise0 < 0.1 and on0.size == 0
    for seed in (0, 1, 2):
        (rise1, peak1, on1), (rise2, peak2, on2), (rise5, peak5, on5) = (response(d, seed) for d in (1.0, 2.0, 5.0))
        assert rise1 < 1.0 and peak1 < 0.1 and on1.size == 0, seed
        assert on2.size == 1 and 310.0 <= on2[0] <= 340.0, (seed, on2)
        assert on5.size == 1 and on5[0] < on2[0] and peak5 > 1.5 * peak2 and rise5 > rise2, seed


def _gamma_delayed(time, signal, mean_s, stages):
    """The signal passed through a gamma-distributed delay, by direct convolution (independent of
    the model's chain of ODE stages)."""
    from scipy.stats import gamma

    dt = time[1] - time[0]
    lags = np.arange(0.0, 10.0 * mean_s, dt)
    kernel = gamma.pdf(lags + 0.5 * dt, a=stages, scale=mean_s / stages) * dt
    kernel /= kernel.sum()
    padded = np.concatenate([np.full(lags.size - 1, signal[0]), signal])
    return np.convolve(padded, kernel, mode="valid")


def test_breast_sees_plasma_ot_after_the_circulation_transit(baseline):
    """Arterial OT at the breast is plasma OT delayed by a gamma-distributed transit with mean
    circulation.transit_s (arm vein -> artery ~11 s): checked against a direct convolution."""
    from mer.circulation.transit import TRANSIT_STAGES

    t, plasma, arterial = baseline.time, baseline.timeseries["plasma_ot"], baseline.timeseries["mammary_ot"]
    mean_s = baseline.config["params"]["circulation"]["transit_s"]
    assert mean_s > 0
    expected = _gamma_delayed(t, plasma, mean_s, TRANSIT_STAGES)
    assert np.max(np.abs(arterial - expected)) < 0.02 * plasma.max()
    # the arterial peak follows the plasma peak by roughly the transit (mode of the gamma: 5/6 of it)
    lag = t[np.argmax(arterial)] - t[np.argmax(plasma)]
    assert 0.5 * mean_s <= lag <= 1.5 * mean_s


def test_transit_leaves_plasma_unchanged_and_zero_transit_gives_mixed_plasma(baseline):
    """The chain holds concentrations, not mass: plasma OT is the same with or without it (the pump
    drive does not depend on milk flow), and transit_s = 0 hands the breast mixed plasma."""
    direct = simulate(["params.circulation.transit_s=0"])
    np.testing.assert_allclose(direct.timeseries["plasma_ot"], baseline.timeseries["plasma_ot"], rtol=1e-3)
    np.testing.assert_array_equal(direct.timeseries["mammary_ot"], direct.timeseries["plasma_ot"])
    # without the transit the first ejection comes earlier
    assert direct.metrics["time_to_first_mer_s"] < baseline.metrics["time_to_first_mer_s"]
