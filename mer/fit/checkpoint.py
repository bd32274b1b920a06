"""The Adam loop's checkpoint: its whole state written atomically, so a fit killed at any moment
resumes from the last one and follows the same path to the same result; and the fingerprint
that ties a checkpoint to one fit (its data and settings)."""

from __future__ import annotations

import dataclasses
import hashlib
import pathlib

import h5py
import jax
import jax.numpy as jnp
import numpy as np

from mer.archive.write import write_atomically

ARRAYS = ("u", "best_u", "best_loss", "start_u", "history")  # datasets; the optimiser's state in opt_state/
COUNTERS = ("iteration", "stall", "evaluations")  # attributes, with the fingerprint
CHECKPOINT_KEYS = (*ARRAYS, "opt_state")
CHECKPOINT_ATTRS = ("fingerprint", *COUNTERS)


class CheckpointError(ValueError):
    """A checkpoint is missing or belongs to another fit."""


@dataclasses.dataclass
class AdamState:
    """Everything the Adam loop carries from one iteration to the next (n starts, P values)."""

    fingerprint: str
    iteration: int
    stall: int  # iterations since the best loss last improved by the relative tolerance
    evaluations: int  # model solves so far (one value-and-gradient per start and iteration)
    u: np.ndarray  # (n, P) where each start is now
    best_u: np.ndarray  # (n, P) the lowest point each start has reached
    best_loss: np.ndarray  # (n,)
    start_u: np.ndarray  # (n, P) where each start began
    history: list  # one (n,) array of losses per iteration
    opt_state: object  # optax's state, batched over the starts


def fingerprint(*parts) -> str:
    """Identifies a fit: its data and configuration. A checkpoint only resumes the same fit."""
    h = hashlib.sha256()
    for p in parts:
        h.update(np.ascontiguousarray(p).tobytes() if isinstance(p, np.ndarray) else repr(p).encode())
    return h.hexdigest()[:16]


def save_checkpoint(path, state: AdamState) -> None:
    def fill(f):
        f.attrs["fingerprint"] = state.fingerprint
        for key in COUNTERS:
            f.attrs[key] = getattr(state, key)
        for key in ARRAYS:
            f.create_dataset(key, data=np.asarray(getattr(state, key)))
        g = f.create_group("opt_state")
        for i, leaf in enumerate(jax.tree_util.tree_leaves(state.opt_state)):
            g.create_dataset(f"{i:04d}", data=np.asarray(leaf))

    write_atomically(path, fill)


def _damaged(path, err, what="damaged or incomplete"):
    return CheckpointError(f"fit.resume: the checkpoint {path} is {what} ({err}); delete it to start the fit afresh")


def _missing(path):
    return CheckpointError(f"fit.resume: no checkpoint at {path}; run the fit without fit.resume=true first")


def check_checkpoint(path) -> None:
    """Before a resumed fit starts: the checkpoint exists and is whole (every dataset readable)."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise _missing(path)
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
        raise _damaged(path, err, "damaged or truncated") from None


def load_checkpoint(path, expected_fingerprint, opt_state_like) -> AdamState:
    """The state saved at `path`; `opt_state_like` gives the optimiser state's structure."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise _missing(path)
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("fingerprint") != expected_fingerprint:
                raise CheckpointError(
                    f"fit.resume: the checkpoint {path} belongs to a different fit (other data or settings); "
                    "delete it or point fit.checkpoint elsewhere"
                )
            arrays = {k: f[k][()] for k in ARRAYS}
            counters = {k: int(f.attrs[k]) for k in COUNTERS}
            leaves = [jnp.asarray(f["opt_state"][name][()]) for name in sorted(f["opt_state"])]
        opt_state = jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(opt_state_like), leaves)
    except (OSError, KeyError, ValueError) as err:  # truncated, damaged or not a checkpoint
        if isinstance(err, CheckpointError):
            raise
        raise _damaged(path, err) from None
    arrays["history"] = list(arrays["history"])
    return AdamState(expected_fingerprint, **counters, **arrays, opt_state=opt_state)
