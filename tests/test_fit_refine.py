"""The fit finished on the full breast (mer.fit.refine): the problem rebuilt at the refining
resolution, steered there by the coarse Jacobian, never raising the loss; the configuration it
hands on (session_config) is that breast's."""

import numpy as np
import pytest

from mer.fit.polish import on_host, stacked_residuals
from mer.fit.refine import refine
from mer.fit.run import prepare
from mer.fit.synthetic import synthetic_session, write_csv


@pytest.fixture(scope="module")
def coarse(tmp_path_factory):
    path = tmp_path_factory.mktemp("refine") / "two.csv"
    write_csv(path, synthetic_session(5, duration_s=300.0, n_ejections=2))
    overrides = [f"data.path={path}", "fit.progress=false", "fit.pulse_counts=[0]", "anatomy.n_alveoli=60"]
    return prepare(overrides + ["fit.refine_agents=300", "fit.refine_generations=3", "fit.refine_iterations=2"])


def loss(problem, u):
    flow, cum, ok = on_host(problem)[0](u)
    assert ok
    r = stacked_residuals(problem, flow, cum, u)
    return float(r @ r)


def test_the_fit_is_finished_on_the_full_breast(coarse):
    cfg, problem = coarse
    u = np.asarray(problem.arrays.u0)
    full_cfg, full, result = refine(cfg, problem, u, cfg["fit"], 1e-6)
    assert (full_cfg["anatomy"]["n_alveoli"], full_cfg["anatomy"]["generations"]) == (300, 3)
    assert (cfg["anatomy"]["n_alveoli"], cfg["anatomy"]["generations"]) == (60, 2)  # the caller's is left as it was
    assert full.setup.breasts[0].population.n_agents == 300 and full.setup.breasts[0].tree.depth == 3
    assert full.labels == problem.labels
    # the loss is the full breast's, and the coarse Jacobian's steps only ever lower it
    assert result.history[0] == pytest.approx(loss(full, u), rel=1e-9)
    assert result.loss == pytest.approx(loss(full, result.u), rel=1e-9)
    assert np.all(np.diff(result.history) < 0) and result.iterations >= 1


def test_no_refining_leaves_the_coarse_fit(coarse):
    cfg, problem = coarse
    u = np.asarray(problem.arrays.u0)
    for fit_cfg in (dict(cfg["fit"], refine_iterations=0), dict(cfg["fit"], refine_agents=60, refine_generations=2)):
        same_cfg, same, result = refine(cfg, problem, u, fit_cfg, 1e-6)
        assert same_cfg is cfg and same is problem and result is None


def test_a_breast_to_finish_on_that_the_model_refuses_is_refused_before_the_fit(tmp_path):
    from mer.config.validate import ConfigError

    path = tmp_path / "one.csv"
    write_csv(path, synthetic_session(5, duration_s=300.0, n_ejections=1))
    with pytest.raises(ConfigError, match=r"fit.refine_agents.*\(10 agents, 6 generations\).*at least one agent per"):
        prepare([f"data.path={path}", "fit.refine_agents=10"])
    prepare([f"data.path={path}", "fit.refine_agents=10", "fit.refine_iterations=0"])  # not refining: no check
