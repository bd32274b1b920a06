"""The residual vector Levenberg-Marquardt works on (mer.fit.polish) squares to the fit's loss
(mer.fit.compiled), at the start and away from it, so both optimisers minimise the same thing."""

import os

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


def test_the_compressed_jacobian_is_the_full_one(tmp_path):
    """Three sessions of one mother: the Jacobian with one column per pulse slot shared by the
    sessions, its directions pushed in concurrent groups (mer.fit.compiled.grouped_jacobian),
    equals jax.jacfwd's, one column per entry."""
    import jax
    import jax.numpy as jnp

    from mer.fit.compiled import compiled, jacobian_groups
    from mer.solve import config_for

    rows = ["time_s,flow_g_per_s,cumulative_g,session_id"]
    for k, seed in enumerate((3, 4, 5)):
        s = synthetic_session(seed, duration_s=240.0, n_ejections=2)
        rows += [f"{t:g},{f:.4f},{c:.1f},s{k}" for t, f, c in zip(s.time_s, s.flow_g_per_s, s.cumulative_g)]
    path = tmp_path / "mother.csv"
    path.write_text("\n".join(rows) + "\n")
    problem = prepare([f"data.path={path}", "fit.progress=false", "fit.align_rounds=0", "fit.pulse_counts=[0]"])[1]
    owner, colour, n_colours = problem.layout.colouring()
    assert n_colours < owner.size  # the pulses of the three sessions share columns
    fns = compiled(config_for(problem.setup, precision="float64"), problem.layout, problem.weights)
    a, s = problem.arrays.padded(), problem.setup
    u = jnp.asarray(problem.arrays.u0) + 0.1

    def curves(v):
        flow, cum, _ = fns["predict"](v, a, s.params, s.structure, forward_mode=True)
        return flow, cum

    n = problem.arrays.ts.shape[0]
    full = [j[:, :n] for j in jax.jacfwd(curves)(u)]
    assert jacobian_groups(n_colours) >= min(2, os.cpu_count())  # one group per core here
    compressed = functions(problem)["jacobian"](u, problem.arrays, s.params, s.structure)
    for want, got in zip(full, compressed):
        np.testing.assert_allclose(got, np.asarray(want), rtol=1e-9, atol=1e-12)


def test_the_polish_raises_its_damping_until_a_step_lowers_the_loss(monkeypatch):
    """Where the Gauss-Newton step overshoots (r = tanh(u) from u = 2: it lands at u = -11.6, higher
    loss), the damping must rise until the step lowers the loss, however low it had fallen after
    earlier steps (here it starts at its floor): the polish reaches the minimum at u = 0 instead of
    ending where it stands."""
    from mer.fit import polish

    def on_host(problem):
        return (lambda u: (np.tanh(u), None, True)), (lambda u: (np.diag(1.0 - np.tanh(u) ** 2), None))

    monkeypatch.setattr(polish, "on_host", on_host)
    monkeypatch.setattr(polish, "stacked_residuals", lambda problem, flow, cum, u: flow)
    monkeypatch.setattr(polish, "stacked_jacobian", lambda problem, jac_flow, jac_cum: jac_flow)
    monkeypatch.setattr(polish, "DAMPING_START", polish.DAMPING_FLOOR)
    result = polish.levenberg_marquardt(None, np.array([2.0]), max_iterations=30)
    assert abs(result.u[0]) < 1e-4
    assert np.all(np.diff(result.history) < 0)  # every accepted step lowered the loss
