"""The residual vector Levenberg-Marquardt works on (mer.fit.polish) squares to the fit's loss
(mer.fit.compiled), at the start and away from it, so both optimisers minimise the same thing."""

import numpy as np
import pytest

from mer.fit.compiled import functions
from mer.fit.polish import on_host, stacked_residuals
from mer.fit.run import prepare
from mer.fit.synthetic import synthetic_session, write_csv


@pytest.fixture(scope="module")
def problem(tmp_path_factory):
    path = tmp_path_factory.mktemp("polish") / "two.csv"
    write_csv(path, synthetic_session(3, duration_s=300.0, n_ejections=2))
    overrides = [f"data.path={path}", "fit.progress=false", "fit.align_rounds=0", "fit.pulse_counts=[0]"]
    return prepare(overrides + ["fit.prior_weight=0.1"])[1]  # a prior heavy enough to count


def test_the_stacked_residuals_square_to_the_loss(problem):
    predict, _ = on_host(problem)
    loss = functions(problem)["loss"]
    a, s = problem.arrays, problem.setup
    rng = np.random.default_rng(0)
    for u in (np.asarray(a.u0), np.asarray(a.u0) + 0.3 * rng.standard_normal(a.u0.shape) * np.asarray(a.used)):
        flow, cum, ok = predict(u)
        assert ok
        r = stacked_residuals(problem, flow, cum, u)
        assert float(r @ r) == pytest.approx(float(loss(u, a, s.params, s.structure)), rel=1e-9)
