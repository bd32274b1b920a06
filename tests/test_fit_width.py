"""The release pulses' width, fitted (when asked for) as one value per mother or one per pulse: it
sets how fast each ejection's flow rises, the mother's is the same for every pulse slot and a
pulse's own shapes only its ejection, it starts where the starting model's ejections rise as fast
as the observed ones, a second Levenberg-Marquardt path starts from another width, widths follow
their pulses when the count search adds or drops one, and a fitted mother hands them to
mer.simulate."""

import numpy as np
import pytest

from mer.config.validate import ConfigError
from mer.fit.compiled import functions
from mer.fit.parameters import to_unconstrained
from mer.fit.run import prepare
from mer.fit.synthetic import synthetic_session, write_csv


@pytest.fixture(scope="module")
def session_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("width") / "two.csv"
    write_csv(path, synthetic_session(5, duration_s=300.0, n_ejections=2))
    return path


# the override that fits the width, started from the observed rises (configs/fit/pulses.yaml)
FIT_WIDTH = "+fit.parameters.neuro.widths_s={lower:4.0,upper:60.0,scale:log}"


def fit_width(start=20.0, extra=""):
    """The override that fits the width from a given start."""
    return f"+fit.parameters.neuro.widths_s={{lower:4.0,upper:60.0,scale:log,start:{start}{extra}}}"


def overrides(path, *more):
    return [f"data.path={path}", "fit.progress=false", "fit.align_rounds=0", "fit.pulse_counts=[0]", *more]


def with_width(problem, width_s):
    """The starting point with every pulse's width set to `width_s`."""
    a = problem.arrays
    u = np.array(a.u0)
    i = problem.labels.index("neuro.widths_s")
    u[i] = to_unconstrained(width_s, a.lower[i], a.upper[i], a.log[i])
    return u


def rise_s(t, flow):
    """Time from 10 % to 90 % of the first ejection's peak above the flow where it began."""
    first = (t > 20.0) & (t < t[-1] * 0.6)
    t, flow = t[first], flow[first]
    k = int(np.argmax(flow))
    base = float(flow[: k + 1].min())
    level = base + np.array([0.1, 0.9]) * (flow[k] - base)
    before = flow[: k + 1]
    return float(t[np.flatnonzero(before < level[1])[-1]] - t[np.flatnonzero(before < level[0])[-1]])


def test_the_width_is_one_value_of_the_mother_and_shapes_every_rise(session_file):
    assert "neuro.widths_s" not in prepare(overrides(session_file))[1].labels  # not fitted by default
    _, problem = prepare(overrides(session_file, fit_width()))
    assert problem.labels.count("neuro.widths_s") == 1  # not one per session or per pulse
    start = problem.natural(np.asarray(problem.arrays.u0))[problem.labels.index("neuro.widths_s")]
    assert start == pytest.approx(20.0, rel=1e-6)  # the start asked for, not the model's 8 s
    s = problem.setup
    predict = functions(problem)["predict"]
    rises = {}
    for width in (6.0, 40.0):
        flow, _, ok = predict(with_width(problem, width), problem.arrays, s.params, s.structure)
        assert bool(np.all(ok))
        rises[width] = rise_s(problem.ts, np.asarray(flow[0]))
    # a pulse spread over more time raises plasma OT, and the flow, more slowly
    assert rises[40.0] > rises[6.0] + 5.0


WIDTH_ERRORS = {
    "start outside bounds": ([fit_width(100.0)], "starting value 100 lies outside"),
    "start not a number": ([fit_width("wide")], "widths_s.start: expected a number"),
}


@pytest.mark.parametrize("case", WIDTH_ERRORS)
def test_width_settings_errors_name_the_field(session_file, case):
    more, message = WIDTH_ERRORS[case]
    with pytest.raises(ConfigError, match=message):
        prepare(overrides(session_file, *more))


def test_the_width_is_refused_without_pulses(session_file):
    with pytest.raises(ConfigError, match="fit.parameters.neuro.widths_s: the model has no parameter"):
        prepare([f"data.path={session_file}", "fit.progress=false", "neuro=network", "fit=network", FIT_WIDTH])


def model_session(path, width_s):
    """A session of the fitting model itself with every release pulse `width_s` wide."""
    from mer.config.compose import compose_config
    from mer.fit.run import model_config
    from mer.simulate import simulate

    onsets, amounts = [90.0, 300.0, 500.0], [50.0, 45.0, 40.0]
    cfg = compose_config(
        [
            "duration_s=700",
            f"neuro.onsets_s={onsets}",
            f"neuro.amounts_mU={amounts}",
            f"neuro.widths_s={[width_s] * 3}",
        ],
        "fit",
    )
    result = simulate(model_config(cfg))
    lines = ["time_s,flow_g_per_s"] + [f"{t:g},{f:.5f}" for t, f in zip(result.time, result.timeseries["flow"])]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("width_s", [8.0, 24.0])
def test_the_width_starts_where_the_observed_ejections_rise(tmp_path, width_s):
    """Fitted without a start: it starts at the width whose modelled ejections rise (onset to
    peak) as fast as the observed ones, so a mother made with 8-s pulses starts near 8 s
    and one made with 24-s pulses near 24 s (within the spread of the detector's onsets and peaks)."""
    path = model_session(tmp_path / f"width_{width_s:g}.csv", width_s)
    _, problem = prepare(overrides(path, FIT_WIDTH))
    assert problem.labels.count("neuro.widths_s") == 1
    start = problem.natural(np.asarray(problem.arrays.u0))[problem.labels.index("neuro.widths_s")]
    assert width_s / 1.5 <= start <= width_s * 1.5, start


def test_rise_times_read_each_ejection_from_onset_to_peak():
    """A slower ejection rises for longer; two overlapping ones are both read."""
    from mer.fit.synthetic import episode
    from mer.fit.width import rise_times

    t = np.arange(0.0, 600.0, 1.0)
    fast = episode(t, 100.0, 0.5, 3.0, 6.0)  # peaks (3 - 1) * 6 = 12 s after its onset
    slow = episode(t, 100.0, 0.5, 3.0, 20.0)  # 40 s
    (r_fast,), (r_slow,) = rise_times(t, fast), rise_times(t, slow)
    assert r_fast == pytest.approx(12.0, abs=5.0)
    assert r_slow == pytest.approx(40.0, abs=8.0)
    both = episode(t, 100.0, 0.5, 3.0, 10.0) + episode(t, 200.0, 0.4, 3.0, 10.0)  # 100 s apart, overlapping
    assert rise_times(t, both) == pytest.approx([20.0, 20.0], abs=6.0)


def test_a_second_path_starts_at_each_width_of_width_paths(session_file):
    """fit.width_paths_s adds Levenberg-Marquardt starts that differ from the first only in the
    width; none when the width is not fitted or the path would start where the first does."""
    from mer.fit.width import width_paths

    cfg, problem = prepare(overrides(session_file, fit_width(8.0)))
    u0 = np.asarray(problem.arrays.u0)
    i = problem.labels.index("neuro.widths_s")
    extra = width_paths(problem, u0, dict(cfg["fit"], width_paths_s=[20.0, 8.1]))
    assert extra.shape == (1, u0.size)  # 8.1 s is within 5 % of the start: no second path there
    assert problem.natural(extra[0])[i] == pytest.approx(20.0, rel=1e-6)
    np.testing.assert_array_equal(np.delete(extra[0], i), np.delete(u0, i))
    cfg, fixed = prepare(overrides(session_file))
    assert width_paths(fixed, np.asarray(fixed.arrays.u0), cfg["fit"]).shape[0] == 0


PER_PULSE = "+fit.parameters.neuro.widths_s={lower:4.0,upper:60.0,scale:log,start:8.0,per_session:true}"


def width_entries(problem):
    return [i for i, label in enumerate(problem.labels) if label.startswith("neuro.widths_s[")]


def test_each_pulse_has_its_own_width(session_file):
    """per_session: true fits one width per pulse slot (the unused slot not fitted). Widening the
    first pulse slows the first ejection's rise; widening the second leaves the flow before it as
    it was (plasma OT from a pulse persists, so it may change what follows)."""
    _, problem = prepare(overrides(session_file, PER_PULSE))
    entries = width_entries(problem)
    mask = np.asarray(problem.arrays.pulse_mask)
    assert len(entries) == mask.shape[1]
    np.testing.assert_array_equal(np.asarray(problem.arrays.used)[entries], mask[0])
    s, a = problem.setup, problem.arrays
    predict = functions(problem)["predict"]

    def flow_with(slot, width):
        u = np.array(a.u0)
        i = entries[slot]
        u[i] = to_unconstrained(width, a.lower[i], a.upper[i], a.log[i])
        flow, _, ok = predict(u, a, s.params, s.structure)
        assert bool(np.all(ok))
        return np.asarray(flow[0])

    assert rise_s(problem.ts, flow_with(0, 40.0)) > rise_s(problem.ts, flow_with(0, 6.0)) + 5.0  # its own
    second = float(np.asarray(a.onsets)[0][1])
    before = problem.ts < second - 5 * 12.0  # 5 sd of the wider second pulse
    wide, narrow = flow_with(1, 12.0), flow_with(1, 6.0)
    np.testing.assert_allclose(wide[before], narrow[before], atol=1e-6 * float(np.max(narrow)))
    assert np.max(np.abs(wide - narrow)) > 1e-3 * float(np.max(narrow))


def test_widths_follow_their_pulses_when_the_count_changes(session_file):
    """The count search's candidate with one more pulse keeps each old pulse's width and gives
    the new one the width of the old pulse nearest in time."""
    from mer.fit.counts import fitted_pulses, with_pulses

    room = [o.replace("pulse_counts=[0]", "pulse_counts=[0,1]") for o in overrides(session_file, PER_PULSE)]
    cfg, problem = prepare(room)  # a slot free for one more pulse
    a = problem.arrays
    entries = width_entries(problem)
    u = np.array(a.u0)
    used = np.flatnonzero(np.asarray(a.pulse_mask)[0] > 0)
    widths = np.array([10.0, 30.0])[: used.size]
    for k, w in zip(used, widths):
        i = entries[k]
        u[i] = to_unconstrained(w, a.lower[i], a.upper[i], a.log[i])
    ((centres, amounts),) = fitted_pulses(problem, u)
    extra = centres[-1] + 60.0  # after the last pulse: nearest to it
    more, u_more = with_pulses(problem, cfg["fit"], u, [(np.append(centres, extra), np.append(amounts, 40.0))])
    natural = np.asarray(more.natural(u_more))[width_entries(more)]
    np.testing.assert_allclose(natural[: used.size + 1], [*widths, widths[-1]], rtol=1e-9)
