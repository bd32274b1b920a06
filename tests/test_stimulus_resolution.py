"""The cycle-resolved pump against the cycle-averaged one (README, "Stimulus resolution")."""

import numpy as np
import pytest

from mer.simulate import balance_flow, simulate

SMALL = ["anatomy.n_alveoli=300", "anatomy.generations=4"]


@pytest.fixture(scope="module")
def both():
    return simulate(SMALL), simulate([*SMALL, "stimulus.resolution=resolved"])


def test_resolved_flow_is_what_a_balance_records(both):
    """Saves 1 s apart at one pump cycle per second fall at one phase of the cycle; the saved flow
    is the yield's change over each interval instead (mer.simulate.balance_flow)."""
    _, resolved = both
    t, flow, cumulative = resolved.time, resolved.timeseries["flow"], resolved.timeseries["cumulative"]
    np.testing.assert_allclose(flow[1:], np.diff(cumulative) / np.diff(t), rtol=1e-12, atol=1e-15)


def test_interval_flow_is_the_flow_where_it_is_smooth(both):
    """On the averaged pump, whose flow changes little within a second except at the pump's start
    and in an ejection's rise (its first ~15 s), the interval flow and the instantaneous flow agree
    within 5 % of the peak flow."""
    averaged, _ = both
    t = averaged.time
    interval = balance_flow(t, averaged.timeseries)["flow"]
    rising = t < 5.0  # the ducts' milk at the pump's start, then each ejection's first seconds
    for onset in averaged.metrics["mer_onsets_s"]:
        rising |= (t >= onset - 5.0) & (t <= onset + 15.0)
    gap = np.abs(interval - averaged.timeseries["flow"])[~rising]
    assert np.max(gap) <= 0.05 * averaged.metrics["peak_flow_g_per_s"]


def test_ejections_start_when_the_ot_drive_says_whatever_the_resolution(both):
    """The ejections follow the OT release, not the pump's cycles: the same mother's ejections start
    within 3 s of each other with either pump."""
    averaged, resolved = both
    a, r = averaged.metrics["mer_onsets_s"], resolved.metrics["mer_onsets_s"]
    assert a.size >= 3 and a.size == r.size
    assert np.max(np.abs(a - r)) <= 3.0
