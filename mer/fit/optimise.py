"""Gradient descent on the fit loss: several starts at once, early stopping, resumable checkpoints.

Adam with a cosine-decayed learning rate and per-start gradient clipping (optax); the starts are
one batch (vmap), each with its own optimiser state. The loop is over iterations only; each
iteration is one batched, jitted value-and-gradient. Every `checkpoint_every` iterations the whole
state is written (mer.fit.checkpoint), so a fit killed at any moment resumes from its last
checkpoint and follows the same path to the same result.
"""

from __future__ import annotations

import dataclasses
import logging
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from mer import progress
from mer.fit.checkpoint import AdamState, load_checkpoint, save_checkpoint

log = logging.getLogger(__name__)


@dataclasses.dataclass
class OptimiseResult:
    best_u: np.ndarray  # (P,) the lowest loss seen, over all starts
    best_loss: float
    start_u: np.ndarray  # (n_starts, P) where each start began
    start_best_loss: np.ndarray  # (n_starts,)
    start_best_u: np.ndarray  # (n_starts, P) the lowest point each start reached
    history: np.ndarray  # (iterations, n_starts) loss at each iteration
    iterations: int
    evaluations: int  # model solves (value-and-gradient per start)
    stopped_early: bool
    resumed_from: int  # iteration the fit resumed from (0: fresh)
    wall_s: float


def optimiser(cfg) -> optax.GradientTransformation:
    schedule = optax.cosine_decay_schedule(
        float(cfg["learning_rate"]), max(int(cfg["max_iterations"]), 1), alpha=float(cfg["lr_final_fraction"])
    )
    return optax.chain(optax.clip_by_global_norm(float(cfg["clip_norm"])), optax.adam(schedule))


def starting_points(u0: np.ndarray, used: np.ndarray, cfg) -> np.ndarray:
    """Start 0 at the initial guess; the others perturbed in the unconstrained space (seeded)."""
    rng = np.random.default_rng(int(cfg["seed"]))
    n = int(cfg["n_starts"])
    noise = rng.standard_normal((n, u0.size)) * float(cfg["start_spread"]) * used
    noise[0] = 0.0
    return u0[None, :] + noise


def first_state(opt, u_starts, cfg, checkpoint_path, fit_id) -> AdamState:
    """The state at iteration 0, or the checkpoint's with `fit.resume`."""
    u = jnp.asarray(u_starts)
    opt_state = jax.vmap(opt.init)(u)
    if cfg.get("resume") and checkpoint_path is not None:
        state = load_checkpoint(checkpoint_path, fit_id, opt_state)
        return dataclasses.replace(state, u=jnp.asarray(state.u), best_u=np.array(state.best_u))
    n = u.shape[0]
    return AdamState(fit_id, 0, 0, 0, u, np.asarray(u), np.full(n, np.inf), np.asarray(u), [], opt_state)


def adam_step(state: AdamState, value_and_grad, update, tolerance) -> AdamState:
    """One iteration: the loss and gradient of every start, the best so far, one Adam update."""
    loss, grad = value_and_grad(state.u)
    loss, grad = np.asarray(loss), jnp.where(jnp.isfinite(grad), grad, 0.0)  # a failed start stays put
    previous = float(np.min(state.best_loss))
    improved = loss < state.best_loss
    best_loss = np.where(improved, loss, state.best_loss)
    best_u = np.where(improved[:, None], np.asarray(state.u), state.best_u)
    stall = 0 if np.min(best_loss) < previous - tolerance * abs(previous) else state.stall + 1
    updates, opt_state = update(grad, state.opt_state, state.u)
    return dataclasses.replace(
        state,
        iteration=state.iteration + 1,
        stall=stall,
        evaluations=state.evaluations + state.u.shape[0],
        u=state.u + updates,
        best_u=best_u,
        best_loss=best_loss,
        history=[*state.history, loss],
        opt_state=opt_state,
    )


def checkpoint_due(state: AdamState, cfg) -> bool:
    """Every `checkpoint_every` iterations, and at the last (by count or by early stopping)."""
    return (
        state.iteration % int(cfg["checkpoint_every"]) == 0
        or state.iteration == int(cfg["max_iterations"])
        or state.stall >= int(cfg["patience"])
    )


def result_of(state: AdamState, resumed_from: int, stopped_early: bool, wall_s: float) -> OptimiseResult:
    n = state.u.shape[0]
    k = int(np.argmin(state.best_loss))
    log.info(
        "Adam: loss %.5f after %d iterations x %d starts%s",
        float(np.min(state.best_loss)),
        state.iteration,
        n,
        " (stopped early: no improvement)" if stopped_early else "",
    )
    return OptimiseResult(
        state.best_u[k],
        float(state.best_loss[k]),
        np.asarray(state.start_u),
        state.best_loss,
        state.best_u,
        np.asarray(state.history).reshape(-1, n),
        state.iteration,
        state.evaluations,
        stopped_early,
        resumed_from,
        wall_s,
    )


def minimise(value_and_grad, u_starts, cfg, checkpoint_path=None, fit_id="", callback=None) -> OptimiseResult:
    """Minimise with Adam from every row of `u_starts` at once.

    `value_and_grad(U) -> (loss (n,), grad (n, P))`. Stops after `max_iterations`, or when the best
    loss has not improved by a relative `tolerance` for `patience` iterations. `callback(iteration)`
    runs after each checkpointed iteration (a progress hook; raising from it interrupts the fit)."""
    opt = optimiser(cfg)
    update = jax.jit(jax.vmap(opt.update))
    max_iterations, patience, tolerance = int(cfg["max_iterations"]), int(cfg["patience"]), float(cfg["tolerance"])
    state = first_state(opt, u_starts, cfg, checkpoint_path, fit_id)
    resumed_from = state.iteration
    start = time.perf_counter()
    shown = progress.bar(total=max_iterations, desc="fit: Adam", unit="step", enable=cfg.get("progress", True))
    shown.update(state.iteration)  # a resumed fit starts where the checkpoint left it
    while state.iteration < max_iterations and state.stall < patience:
        state = adam_step(state, value_and_grad, update, tolerance)
        shown.update(1)
        shown.set_postfix(loss=f"{float(np.min(state.best_loss)):.5f}", refresh=False)
        if checkpoint_path is not None and checkpoint_due(state, cfg):
            save_checkpoint(checkpoint_path, state)
            if callback is not None:
                callback(state.iteration)
    shown.close()
    stopped_early = state.iteration < max_iterations  # the loop ended on `patience`
    return result_of(state, resumed_from, stopped_early, time.perf_counter() - start)
