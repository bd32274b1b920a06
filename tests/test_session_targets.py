"""The default session looks like a measured one (docs/literature.md, "Observed sessions")."""

import numpy as np


def test_default_session_matches_observed_sessions(default_result):
    m = default_result.metrics
    assert 40.0 <= m["total_yield_g"] <= 150.0  # 70 +/- 43 g (Idei 2024); 118 +/- 11 mL (Kent 2008)
    assert 3 <= m["n_mer"] <= 7  # 4.3 +/- 0.4 (Kent 2008); 5.1 +/- 2.0 (Prime 2011)
    assert 60.0 <= m["time_to_first_mer_s"] <= 300.0
    assert 0.2 <= m["peak_flow_g_per_s"] <= 1.2  # 0.5 +/- 0.2, up to ~0.9 g/s (Ramsay 2006; Idei 2024)
    assert 0.40 <= m["removed_fraction"] <= 0.85  # 66 % of available (Kent 2008)
    assert 0.10 <= m["first_mer_share"] <= 0.70  # 41 +/- 22 % (Ramsay 2005)


def test_each_ejection_follows_a_release_burst(default_result):
    """The flow peaks are caused by the OT pulses: one burst of release precedes each ejection
    onset by less than 60 s (burst -> pressure rise 12-20 s in the rat, Wakerley & Lincoln 1973)."""
    t, release = default_result.time, default_result.timeseries["release_rate"]
    bursting = release > 1.0  # mU/s; basal release is ~0.02 mU/s
    burst_starts = t[1:][np.diff(bursting.astype(int)) == 1]
    onsets = default_result.metrics["mer_onsets_s"]
    assert burst_starts.size == onsets.size
    lag = onsets - burst_starts
    assert np.all((lag > -5.0) & (lag < 60.0))


def test_flow_near_zero_before_first_ejection(default_result):
    t, flow = default_result.time, default_result.timeseries["flow"]
    # after the first 10 s, in which the collapsing ducts give up the milk they held (wall lag 3 s)
    before = (t > 10.0) & (t < default_result.metrics["time_to_first_mer_s"] - 5.0)
    assert flow[before].max() < 0.1 * default_result.metrics["peak_flow_g_per_s"]


def test_release_pulses_drive_plasma_ot_in_physiological_range(default_result):
    ot = default_result.timeseries["plasma_ot"]
    assert 0.5 <= ot[0] <= 2.0  # basal ~1.2 pg/mL (Johnston & Amico 1986)
    assert 10.0 <= ot.max() <= 60.0  # suckling peaks 10-50 pg/mL
