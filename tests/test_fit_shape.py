"""One pulse width per pulse after the count is chosen (mer.fit.shape): the pulses held, every width
starting where the chosen fit's model is, the steps only ever lowering the loss, and each width
free to differ within its bounds; no such steps when asked for none or when the width is fitted
already; the bounds checked."""

import numpy as np
import pytest

from mer.config.validate import ConfigError
from mer.fit.counts import fitted_pulses
from mer.fit.polish import on_host, stacked_residuals
from mer.fit.run import prepare
from mer.fit.shape import shape_widths
from mer.fit.synthetic import synthetic_session, write_csv


@pytest.fixture(scope="module")
def chosen(tmp_path_factory):
    """A small fit's problem and a point near its start, as the count search would hand it on."""
    path = tmp_path_factory.mktemp("shape") / "two.csv"
    write_csv(path, synthetic_session(5, duration_s=300.0, n_ejections=2))
    overrides = [f"data.path={path}", "fit.progress=false", "fit.pulse_counts=[0]", "anatomy.n_alveoli=60"]
    return prepare(overrides + ["fit.shape_iterations=2"])


def loss(problem, u):
    flow, cum, ok = on_host(problem)[0](u)
    assert ok
    r = stacked_residuals(problem, flow, cum, u)
    return float(r @ r)


def widths(problem, u):
    return np.asarray(problem.natural(u))[[i for i, x in enumerate(problem.labels) if x.startswith("neuro.widths_s[")]]


def test_each_pulse_gets_its_own_width_from_where_the_chosen_fit_is(chosen):
    cfg, problem = chosen
    u = np.asarray(problem.arrays.u0)
    shaped, result = shape_widths(problem, u, cfg["fit"], 1e-6)
    mask = np.asarray(problem.arrays.pulse_mask)
    assert "neuro.widths_s[0][0]" in shaped.labels and "neuro.widths_s[0][0]" not in problem.labels
    assert len([x for x in shaped.labels if x.startswith("neuro.widths_s[")]) == int(mask.sum(axis=1).max())
    # the pulses as chosen, and the model at the start is the chosen fit's (the configured 8-s width)
    start = np.asarray(shaped.arrays.u0)
    for (c0, a0), (c1, a1) in zip(fitted_pulses(problem, u), fitted_pulses(shaped, start)):
        np.testing.assert_allclose(c1, c0, atol=1e-6)
        np.testing.assert_allclose(a1, a0, rtol=1e-6)
    np.testing.assert_allclose(widths(shaped, start), 8.0, rtol=1e-9)
    flow0, cum0, _ = on_host(problem)[0](u)
    flow1, cum1, _ = on_host(shaped)[0](start)
    np.testing.assert_allclose(flow1, flow0, atol=1e-9)
    np.testing.assert_allclose(cum1, cum0, atol=1e-9)
    # the steps lower the loss, and the widths are free to part
    assert result.history[0] == pytest.approx(loss(shaped, start), rel=1e-9)
    assert result.loss < result.history[0] and np.all(np.diff(result.history) < 0)
    used = widths(shaped, result.u)[np.asarray(shaped.arrays.pulse_mask)[0] > 0]
    assert np.ptp(used) > 0.01 and np.all((used >= 4.0) & (used <= 30.0))


def test_no_shaping_when_asked_for_none_or_when_the_width_is_fitted(chosen, tmp_path):
    cfg, problem = chosen
    u = np.asarray(problem.arrays.u0)
    same, result = shape_widths(problem, u, dict(cfg["fit"], shape_iterations=0), 1e-6)
    assert same is problem and result is None
    path = tmp_path / "one.csv"
    write_csv(path, synthetic_session(5, duration_s=300.0, n_ejections=1))
    width = "+fit.parameters.neuro.widths_s={lower:4.0,upper:60.0,scale:log,start:20.0}"
    cfg, fitted_width = prepare([f"data.path={path}", "fit.progress=false", width])
    same, result = shape_widths(fitted_width, np.asarray(fitted_width.arrays.u0), cfg["fit"], 1e-6)
    assert same is fitted_width and result is None


def test_the_width_bounds_are_checked(tmp_path):
    path = tmp_path / "one.csv"
    write_csv(path, synthetic_session(5, duration_s=300.0, n_ejections=1))
    with pytest.raises(ConfigError, match="fit.shape_width_min_s: expected below fit.shape_width_max_s"):
        prepare([f"data.path={path}", "fit.shape_width_min_s=40.0"])
