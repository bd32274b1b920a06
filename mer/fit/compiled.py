"""The compiled functions of a fit: predicted curves, loss, its gradient, and the curves' Jacobian.

loss(u) = mean over sessions of [w_c SSR_cum / SST_cum + w_f SSR_flow / SST_flow]
          + prior_weight * mean(((u - u0) / prior_sd)^2)
Each term is one minus an R^2, so the loss reads on the scale of the fit's quality whatever the
session's size. Sessions are solved together with vmap: the mother's values broadcast, the
per-session values (pulses) batched. The loss is the square of the residual vector that
Levenberg-Marquardt works on (mer.fit.polish.stacked_residuals).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from concurrent.futures import ThreadPoolExecutor

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from mer import programs
from mer.fit import pulses
from mer.fit.arrays import FitArrays
from mer.fit.parameters import Layout, to_natural
from mer.solve import SolveConfig, config_for, solve

FAILED_LOSS = 1.0e3  # the loss of a failed solve: far above any fit's (a sum of 1 - R^2 terms)


@functools.lru_cache(maxsize=8)
def compiled(config: SolveConfig, layout: Layout, weights):
    """Jitted loss/gradient (vmapped over starts), predictions and the forward-mode Jacobian on
    the time grid `a.ts` (traced: a new data grid of the same padded length reuses them);
    cached so a second problem of the same shape reuses the compilation."""
    w_cum, w_flow, prior_sd, prior_weight = weights
    configs = {
        fwd: dataclasses.replace(config, outputs="yield", adjoint="forward" if fwd else "reverse")
        for fwd in (False, True)
    }
    per_session = {p.key for p in layout.parameters if p.per_session}

    def predict(u, a: FitArrays, base, structure, forward_mode=False):
        values = layout.split(to_natural(u, a.lower, a.upper, a.log))
        shared = {k: v for k, v in values.items() if k not in per_session}
        batched = {k: v for k, v in values.items() if k in per_session}

        def one_session(fitted, onsets, amounts, mask):
            params = pulses.into_params(base, config.mode, onsets, amounts, mask, shared | fitted)
            return solve(configs[forward_mode], params, structure, (a.ts,))

        return jax.vmap(one_session)(batched, a.onsets, a.amounts, a.pulse_mask)

    def loss(u, a: FitArrays, base, structure):
        flow, cum, ok = predict(u, a, base, structure)
        ss_cum = jnp.sum(a.inside * (cum - a.obs_cum) ** 2, axis=1) / a.sst_cum
        ss_flow = jnp.sum(a.inside * (flow - a.obs_flow) ** 2, axis=1) / a.sst_flow
        data = jnp.mean(w_cum * ss_cum + w_flow * ss_flow)
        prior = prior_weight * jnp.mean(((u - a.u0) / prior_sd) ** 2)
        return jnp.where(jnp.all(ok), data + prior, FAILED_LOSS)

    def curves(u, a: FitArrays, base, structure):
        flow, cum, _ = predict(u, a, base, structure, forward_mode=True)
        return flow, cum

    return {
        "loss": eqx.filter_jit(loss),
        "value_and_grad": eqx.filter_jit(jax.vmap(jax.value_and_grad(loss), in_axes=(0, None, None, None))),
        "predict": eqx.filter_jit(predict),
        "columns": eqx.filter_jit(pushed_columns(curves)),
    }


def pushed_columns(curves):
    """`columns(u, seeds, ...)`: the curves' forward-mode derivatives along each row of `seeds`,
    (C, S, T) for flow and cumulative."""

    def columns(u, seeds, *rest):
        return jax.vmap(lambda d: jax.jvp(lambda v: curves(v, *rest), (u,), (d.astype(u.dtype),))[1])(seeds)

    return columns


def seed_groups(layout: Layout, n_groups: int) -> list[np.ndarray]:
    """The forward-mode directions of the compressed Jacobian, one per colour of
    `layout.colouring()` rather than per parameter: a session's pulses act on that session alone,
    so the same slot of every session shares one direction (a three-session mother with five
    pulses each pushes 6 + 10 directions through the solve, six values of hers, instead of 6 + 30).
    Split into `n_groups` groups of equal size (zero rows pad the last), so one compiled program
    serves every group."""
    owner, colour, n_colours = layout.colouring()
    size = -(-n_colours // n_groups)
    seeds = np.zeros((size * n_groups, owner.size))
    seeds[colour, np.arange(owner.size)] = 1.0
    return [seeds[k * size : (k + 1) * size] for k in range(n_groups)]


def jacobian_groups(n_colours: int) -> int:
    """Groups of directions pushed at once, each in its own thread: one per core on a CPU, where
    XLA runs one solve on one core (on 2 cores, two halves of gamma_3.csv's 20 directions took
    0.49 s together against 0.90 s for all 20 in one solve); one on a GPU, which a single batched
    solve fills."""
    if jax.default_backend() != "cpu":
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(n_colours, cores))


_EXECUTABLES = {}  # compiled functions by mer.programs key: one per function and shape in a process
_WARM = set()  # the Jacobians' pushes already compiled, which threads may then call at once


def _executable(name, fn, static, args):
    """`fn` compiled for `args`, its traced program kept on disk (mer/programs.py) so that the next
    fit of this shape skips tracing; `fn` itself when no program folder is on."""
    if programs.folder() is None or not all(isinstance(x, jax.Array) for x in jax.tree_util.tree_leaves(args)):
        return fn
    key = programs.key((*static, name), args)
    if key not in _EXECUTABLES:
        _EXECUTABLES[key] = programs.compiled(fn, (*static, name), args) or fn
    return _EXECUTABLES[key]


def functions(problem) -> dict:
    """The functions of `compiled` for a FitProblem, each called as `f(u, arrays, params,
    structure)` on the padded grid; predictions and Jacobians come back on the data grid."""
    # the fit's Levenberg-Marquardt and its intervals need float64, whatever solver.precision says
    static = (config_for(problem.setup, precision="float64"), problem.layout, problem.weights)
    fns = compiled(*static)

    def on_grid(name):
        def call(u, a: FitArrays, *rest):
            args = (jnp.asarray(u), a.padded(), *rest)
            out = _executable(name, fns[name], static, args)(*args)
            if name == "predict":
                n = a.ts.shape[0]
                out = jax.tree_util.tree_map(lambda x: x[:, :n] if x.ndim > 1 else x, out)
            return out

        return call

    out = {name: on_grid(name) for name in fns if name != "columns"}
    out["jacobian"] = grouped_jacobian(problem.layout, fns["columns"], static)
    return out


def grouped_jacobian(layout: Layout, columns, static):
    """`jacobian(u, arrays, params, structure)`: `jax.jacfwd` of the predicted curves, (S, T, P)
    NumPy arrays for flow and cumulative on the data grid, from the compressed directions of
    `seed_groups`, the groups pushed through the solve concurrently."""
    owner, colour, n_colours = layout.colouring()
    groups = [jnp.asarray(g) for g in seed_groups(layout, jacobian_groups(n_colours))]
    acts_on = (owner[None, :] < 0) | (owner[None, :] == np.arange(layout.n_sessions)[:, None])  # (S, P)

    def jacobian(u, a: FitArrays, *rest):
        u, padded = jnp.asarray(u), a.padded()  # once for every group
        args = [(u, g, padded, *rest) for g in groups]
        push = _executable("columns", columns, static, args[0])
        shape = (push, *((x.shape, x.dtype) for x in jax.tree_util.tree_leaves(args[0])))
        first = jax.device_get(push(*args[0])) if shape not in _WARM else None  # compiled once, not per thread
        _WARM.add(shape)
        with ThreadPoolExecutor(len(groups)) as pool:
            pushed = list(pool.map(lambda x: jax.device_get(push(*x)), args[first is not None :]))
        if first is not None:
            pushed.insert(0, first)
        n = a.ts.shape[0]
        return tuple(
            np.where(acts_on[:, None, :], np.moveaxis(np.concatenate(c)[:n_colours, :, :n], 0, -1)[..., colour], 0.0)
            for c in zip(*pushed)
        )

    return jacobian
