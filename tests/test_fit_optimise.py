"""The Adam loop of the fit (mer.fit.optimise) on a loss without the model: it stops on patience,
a run killed between checkpoints resumes to the same path, and a checkpoint of another fit or a
damaged one is refused by name."""

import jax.numpy as jnp
import numpy as np
import pytest

from mer.fit.checkpoint import CheckpointError, check_checkpoint
from mer.fit.optimise import minimise

TARGET = jnp.array([1.0, -2.0, 0.5])


def value_and_grad(u):
    """A quadratic bowl per start: loss (n,), gradient (n, P)."""
    return jnp.sum((u - TARGET) ** 2, axis=1), 2.0 * (u - TARGET)


def settings(**changes):
    cfg = {
        "learning_rate": 0.1,
        "max_iterations": 12,
        "lr_final_fraction": 0.05,
        "clip_norm": 10.0,
        "patience": 100,
        "tolerance": 1e-3,
        "checkpoint_every": 4,
        "progress": False,
        "resume": False,
    }
    return cfg | changes


STARTS = np.array([[0.0, 0.0, 0.0], [3.0, 3.0, 3.0]])


class Interrupt(Exception):
    pass


def test_adam_lowers_the_loss_of_every_start_and_keeps_the_lowest():
    r = minimise(value_and_grad, STARTS, settings())
    assert r.iterations == 12 and not r.stopped_early
    assert r.history.shape == (12, 2)
    assert np.all(r.start_best_loss < r.history[0])
    assert r.best_loss == pytest.approx(np.min(r.start_best_loss))
    assert r.evaluations == 24  # one value-and-gradient per start and iteration


def test_adam_stops_when_the_best_loss_stalls():
    flat = minimise(lambda u: (jnp.zeros(u.shape[0]), jnp.zeros_like(u)), STARTS, settings(patience=3))
    # the first iteration counts too: there is no best before it to improve on by the tolerance
    assert flat.stopped_early and flat.iterations == 3


def test_a_killed_run_resumes_from_its_checkpoint_to_the_same_path(tmp_path):
    whole = minimise(value_and_grad, STARTS, settings(), tmp_path / "whole.h5", "fit-a")

    def kill_at_8(iteration):
        if iteration == 8:
            raise Interrupt

    with pytest.raises(Interrupt):
        minimise(value_and_grad, STARTS, settings(), tmp_path / "cut.h5", "fit-a", kill_at_8)
    check_checkpoint(tmp_path / "cut.h5")
    resumed = minimise(value_and_grad, STARTS, settings(resume=True), tmp_path / "cut.h5", "fit-a")
    assert resumed.resumed_from == 8 and resumed.iterations == 12
    np.testing.assert_array_equal(resumed.history, whole.history)
    np.testing.assert_array_equal(resumed.start_best_u, whole.start_best_u)
    with pytest.raises(CheckpointError, match="belongs to a different fit"):
        minimise(value_and_grad, STARTS, settings(resume=True), tmp_path / "cut.h5", "fit-b")


def test_a_damaged_checkpoint_is_named(tmp_path):
    minimise(value_and_grad, STARTS, settings(max_iterations=4), tmp_path / "c.h5", "fit-a")
    data = (tmp_path / "c.h5").read_bytes()
    (tmp_path / "c.h5").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="c.h5 is damaged or truncated"):
        check_checkpoint(tmp_path / "c.h5")
    with pytest.raises(CheckpointError, match="no checkpoint at"):
        check_checkpoint(tmp_path / "absent.h5")
