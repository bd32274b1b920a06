"""One diffrax solve of the whole reflex, jitted once per shape."""

from __future__ import annotations

import functools

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from mer.breasts import make_pair_ducts, make_pair_observer, make_pair_vector_field, pair_agents, pair_initial_state
from mer.build import Setup
from mer.model import initial_state, make_observer, make_vector_field, mammary_fluxes


def save_times(duration_s: float, dt_s: float) -> np.ndarray:
    """0, dt, 2 dt, ... and the end of the session (never past it)."""
    n = int(np.floor(duration_s / dt_s + 1e-9))
    ts = np.arange(n + 1) * dt_s
    return ts if np.isclose(ts[-1], duration_s) else np.append(ts, duration_s)


DTYPES = {"float64": jnp.float64, "float32": jnp.float32}


def cast_floats(tree, dtype):
    """Every floating-point leaf of `tree` as `dtype` (index arrays stay integers)."""
    return jax.tree_util.tree_map(lambda x: x.astype(dtype) if jnp.issubdtype(x.dtype, jnp.floating) else x, tree)


@functools.lru_cache(maxsize=16)
def _solver_fn(
    tree,
    mode,
    stim,
    n_neurons,
    n_bundles,
    duration_s,
    save_dt_s,
    agent_save_dt_s,
    tree_save_dt_s,
    rtol,
    atol,
    dt0_s,
    max_steps,
    progress=False,
    precision="float64",
):
    """`tree` is one DuctTree, or a (left, right) pair for both breasts (mer/breasts.py);
    `precision` the floating-point type of the states, parameters and outputs."""
    dtype = DTYPES[precision]
    ts = jnp.asarray(save_times(duration_s, save_dt_s), dtype)
    ts_agents = jnp.asarray(save_times(duration_s, agent_save_dt_s), dtype)
    ts_tree = jnp.asarray(save_times(duration_s, tree_save_dt_s), dtype)

    if isinstance(tree, tuple):
        vector_field = make_pair_vector_field(tree, mode, stim)
        observe = make_pair_observer(tree, mode, stim)
        agents, ducts, start_state = pair_agents, make_pair_ducts(tree, stim), pair_initial_state
    else:
        vector_field = make_vector_field(tree, mode, stim)
        observe = make_observer(tree, mode, stim)
        start_state = initial_state

        def agents(t, y, args):
            return {"fullness": y["fullness"], "activation": y["activation"]}

        def ducts(t, y, args):
            m = mammary_fluxes(t, y, *args, tree, stim)
            return {
                "radius": m["duct_radius"],
                "pressure_in": m["p_distal"],
                "pressure_out": m["p_proximal"],
                "flow": m["segment_flow"],
            }

    def run(params, structure):
        params, structure = cast_floats((params, structure), dtype)
        y0 = start_state(params, structure, n_neurons, n_bundles, mode)
        saveat = diffrax.SaveAt(
            subs=[
                diffrax.SubSaveAt(ts=ts, fn=observe),
                diffrax.SubSaveAt(ts=ts_agents, fn=agents),
                diffrax.SubSaveAt(ts=ts_tree, fn=ducts),
            ]
        )
        sol = diffrax.diffeqsolve(
            diffrax.ODETerm(vector_field),
            diffrax.Tsit5(),
            # times in the solve's type: diffrax promotes the state to the time's type, and a float64
            # time would promote every float32 quantity it touches
            t0=jnp.asarray(0.0, dtype),
            t1=jnp.asarray(duration_s, dtype),
            dt0=jnp.asarray(dt0_s, dtype),
            y0=y0,
            args=(params, structure),
            saveat=saveat,
            stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
            max_steps=max_steps,
            throw=False,  # a failed solve leaves inf after the time it reached: mer.simulate says where
            # a bar with an ETA over simulated time; never inside vmapped cohorts (one bar per solve)
            progress_meter=diffrax.TqdmProgressMeter() if progress else diffrax.NoProgressMeter(),
        )
        return sol.ys[0], sol.ys[1], sol.ys[2], sol.stats["num_accepted_steps"], sol.stats["num_rejected_steps"]

    return eqx.filter_jit(run), np.asarray(ts), np.asarray(ts_agents), np.asarray(ts_tree)


def solver_for(setup: Setup, progress: bool = False):
    """(run(params, structure) -> (series, agents, ducts, accepted, rejected), ts, ts_agents, ts_tree).
    With two breasts, run takes (left, right) pairs of params and structure and returns agents and
    ducts per side. `progress`: draw diffrax's progress bar (simulated time, ETA) while solving."""
    s = setup.solver
    return _solver_fn(
        setup.tree if setup.right is None else (setup.tree, setup.right.tree),
        setup.mode,
        setup.stimulus,
        setup.n_neurons,
        setup.n_bundles,
        setup.duration_s,
        float(s["save_dt_s"]),
        float(s["agent_save_dt_s"]),
        float(s["tree_save_dt_s"]),
        float(s["rtol"]),
        float(s["atol"]),
        float(s["dt0_s"]),
        int(s["max_steps"]),
        progress,
        s.get("precision", "float64"),
    )
