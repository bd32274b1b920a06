"""Gradient descent on the fit loss: several starts at once, early stopping, resumable checkpoints.

Adam with a cosine-decayed learning rate and per-start gradient clipping (optax); the starts are
one batch (vmap), each with its own optimiser state. The loop is over iterations only; each
iteration is one batched, jitted value-and-gradient. Every `checkpoint_every` iterations the whole
state (positions, optimiser state, best so far, history) is written atomically, so a fit killed at
any moment resumes from its last checkpoint and follows the same path to the same result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import pathlib
import time

import h5py
import jax
import jax.numpy as jnp
import numpy as np
import optax

from mer import progress
from mer.archive.write import write_atomically

log = logging.getLogger(__name__)


class CheckpointError(ValueError):
    """A checkpoint is missing or belongs to another fit."""


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


def fingerprint(*parts) -> str:
    """Identifies a fit: its data and configuration. A checkpoint only resumes the same fit."""
    h = hashlib.sha256()
    for p in parts:
        h.update(np.ascontiguousarray(p).tobytes() if isinstance(p, np.ndarray) else repr(p).encode())
    return h.hexdigest()[:16]


def _save_checkpoint(path, state, print_to=None):
    def fill(f):
        f.attrs["fingerprint"] = state["fingerprint"]
        f.attrs["iteration"] = state["iteration"]
        f.attrs["stall"] = state["stall"]
        f.attrs["evaluations"] = state["evaluations"]
        for key in ("u", "best_u", "best_loss", "start_u", "history"):
            f.create_dataset(key, data=np.asarray(state[key]))
        leaves = jax.tree_util.tree_leaves(state["opt_state"])
        g = f.create_group("opt_state")
        for i, leaf in enumerate(leaves):
            g.create_dataset(f"{i:04d}", data=np.asarray(leaf))

    write_atomically(path, fill)


CHECKPOINT_KEYS = ("u", "best_u", "best_loss", "start_u", "history", "opt_state")
CHECKPOINT_ATTRS = ("fingerprint", "iteration", "stall", "evaluations")


def check_checkpoint(path) -> None:
    """Before a resumed fit starts: the checkpoint exists and is whole (every dataset readable)."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise CheckpointError(f"fit.resume: no checkpoint at {path}; run the fit without fit.resume=true first")
    try:
        with h5py.File(path, "r") as f:
            missing = [k for k in CHECKPOINT_KEYS if k not in f] + [a for a in CHECKPOINT_ATTRS if a not in f.attrs]
            if missing:
                raise CheckpointError(
                    f"fit.resume: the checkpoint {path} is incomplete (no {missing[0]!r}); delete it to start "
                    "the fit afresh"
                )
            datasets = []
            f.visititems(lambda name, obj: datasets.append(obj) if isinstance(obj, h5py.Dataset) else None)
            for ds in datasets:
                ds[()]  # a truncated file fails here, naming nothing: the message below names the file
    except (OSError, KeyError, ValueError) as err:
        if isinstance(err, CheckpointError):
            raise
        raise CheckpointError(
            f"fit.resume: the checkpoint {path} is damaged or truncated ({err}); delete it to start the fit afresh"
        ) from None


def _load_checkpoint(path, expected_fingerprint, opt_state_like):
    path = pathlib.Path(path)
    if not path.is_file():
        raise CheckpointError(f"fit.resume: no checkpoint at {path}; run the fit without fit.resume=true first")
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("fingerprint") != expected_fingerprint:
                raise CheckpointError(
                    f"fit.resume: the checkpoint {path} belongs to a different fit (other data or settings); "
                    "delete it or point fit.checkpoint elsewhere"
                )
            state = {k: f[k][()] for k in ("u", "best_u", "best_loss", "start_u", "history")}
            state.update(
                iteration=int(f.attrs["iteration"]),
                stall=int(f.attrs["stall"]),
                evaluations=int(f.attrs["evaluations"]),
            )
            treedef = jax.tree_util.tree_structure(opt_state_like)
            leaves = [jnp.asarray(f["opt_state"][name][()]) for name in sorted(f["opt_state"])]
        state["opt_state"] = jax.tree_util.tree_unflatten(treedef, leaves)
    except (OSError, KeyError, ValueError) as err:  # truncated, damaged or not a checkpoint
        if isinstance(err, CheckpointError):
            raise
        raise CheckpointError(
            f"fit.resume: the checkpoint {path} is damaged or incomplete ({err}); delete it to start the fit afresh"
        ) from None
    return state


def minimise(value_and_grad, u_starts, cfg, checkpoint_path=None, fit_id="", callback=None) -> OptimiseResult:
    """Minimise with Adam from every row of `u_starts` at once.

    `value_and_grad(U) -> (loss (n,), grad (n, P))`. Stops after `max_iterations`, or when the best
    loss has not improved by a relative `tolerance` for `patience` iterations. `callback(iteration)`
    runs after each checkpointed iteration (a progress hook; raising from it interrupts the fit)."""
    opt = optimiser(cfg)
    max_iter = int(cfg["max_iterations"])
    patience, tol = int(cfg["patience"]), float(cfg["tolerance"])
    every = int(cfg["checkpoint_every"])
    update = jax.jit(jax.vmap(opt.update))
    u = jnp.asarray(u_starts)
    opt_state = jax.vmap(opt.init)(u)
    state = {
        "fingerprint": fit_id,
        "iteration": 0,
        "stall": 0,
        "evaluations": 0,
        "u": np.asarray(u),
        "best_u": np.asarray(u),
        "best_loss": np.full(u.shape[0], np.inf),
        "start_u": np.asarray(u),
        "history": np.zeros((0, u.shape[0])),
        "opt_state": opt_state,
    }
    resumed_from = 0
    if cfg.get("resume") and checkpoint_path is not None:
        state = _load_checkpoint(checkpoint_path, fit_id, opt_state)
        state["fingerprint"] = fit_id
        resumed_from = state["iteration"]
    u, opt_state = jnp.asarray(state["u"]), state["opt_state"]
    history = list(state["history"])
    best_u, best_loss = np.array(state["best_u"]), np.array(state["best_loss"])
    stall, evaluations = state["stall"], state["evaluations"]
    start = time.perf_counter()
    iteration = state["iteration"]
    stopped_early = False
    shown = progress.bar(total=max_iter, desc="fit: Adam", unit="step", enable=cfg.get("progress", True))
    shown.update(iteration)  # a resumed fit starts where the checkpoint left it
    while iteration < max_iter:
        if stall >= patience:
            stopped_early = True
            break
        loss, grad = value_and_grad(u)
        loss, grad = np.asarray(loss), jnp.where(jnp.isfinite(grad), grad, 0.0)  # a failed start stays put
        evaluations += u.shape[0]
        previous = float(np.min(best_loss))
        improved = loss < best_loss
        best_loss = np.where(improved, loss, best_loss)
        best_u = np.where(improved[:, None], np.asarray(u), best_u)
        stall = 0 if np.min(best_loss) < previous - tol * abs(previous) else stall + 1
        history.append(loss)
        updates, opt_state = update(grad, opt_state, u)
        u = u + updates
        iteration += 1
        shown.update(1)
        shown.set_postfix(loss=f"{float(np.min(best_loss)):.5f}", refresh=False)
        if checkpoint_path is not None and (iteration % every == 0 or iteration == max_iter or stall >= patience):
            _save_checkpoint(
                checkpoint_path,
                {
                    "fingerprint": fit_id,
                    "iteration": iteration,
                    "stall": stall,
                    "evaluations": evaluations,
                    "u": u,
                    "best_u": best_u,
                    "best_loss": best_loss,
                    "start_u": state["start_u"],
                    "history": np.asarray(history),
                    "opt_state": opt_state,
                },
            )
            if callback is not None:
                callback(iteration)
    shown.close()
    log.info(
        "Adam: loss %.5f after %d iterations x %d starts%s",
        float(np.min(best_loss)),
        iteration,
        u.shape[0],
        " (stopped early: no improvement)" if stopped_early else "",
    )
    k = int(np.argmin(best_loss))
    return OptimiseResult(
        best_u[k],
        float(best_loss[k]),
        np.asarray(state["start_u"]),
        best_loss,
        best_u,
        np.asarray(history).reshape(-1, u.shape[0]),
        iteration,
        evaluations,
        stopped_early,
        resumed_from,
        time.perf_counter() - start,
    )
