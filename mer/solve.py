"""One diffrax solve of the whole reflex, for the simulation and the fit alike.

`solve` is jitted once per `SolveConfig` (topology, switches, solver settings: static and
hashable) and per shape. The save times are traced arguments and the end time is the last of
them, so a new duration, save step or data grid reuses the compilation; they are padded to a
bucket length (`padded`) with the end time repeated, so that nearby lengths share one shape too.
"""

from __future__ import annotations

import dataclasses

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from mer import programs
from mer.breasts import (
    agents,
    cumulative_yield,
    initial_state,
    make_ducts,
    make_observer,
    make_vector_field,
    with_factors,
)
from mer.build import Setup
from mer.ducts.tree import DuctTree
from mer.model import Central
from mer.stimulus.pump import Stimulus


def save_times(duration_s: float, dt_s: float) -> np.ndarray:
    """0, dt, 2 dt, ... and the end of the session (never past it)."""
    n = int(np.floor(duration_s / dt_s + 1e-9))
    ts = np.arange(n + 1) * dt_s
    return ts if np.isclose(ts[-1], duration_s) else np.append(ts, duration_s)


def bucket(n: int) -> int:
    """The padded length for `n` save times: four lengths per doubling (at most 25 % more saves,
    each a cheap interpolation), at least 16."""
    step = max(16, 2 ** (int(np.log2(max(n, 1))) - 2))
    return -(-n // step) * step


def padded(ts: np.ndarray) -> np.ndarray:
    """`ts` lengthened to `bucket(len(ts))` with its last time repeated (diffrax saves the end
    state at each repeat)."""
    ts = np.asarray(ts, dtype=float)
    return np.concatenate([ts, np.full(bucket(ts.size) - ts.size, ts[-1])])


DTYPES = {"float64": jnp.float64, "float32": jnp.float32}


def cast_floats(tree, dtype):
    """Every floating-point leaf of `tree` as `dtype` (index arrays stay integers)."""
    return jax.tree_util.tree_map(lambda x: x.astype(dtype) if jnp.issubdtype(x.dtype, jnp.floating) else x, tree)


@dataclasses.dataclass(frozen=True)
class SolveConfig:
    """What fixes a compiled solve. `trees`: one DuctTree per breast (mer/breasts.py): only their
    topology enters the compiled code (radii and lengths travel in `structure`), which is why
    DuctTree compares by topology. `outputs`: "session" saves the
    curves, the agents and the ducts on three grids; "yield" saves the cumulative yield [g] on one
    and returns its balance-read flow [g/s] beside it (the fit, `balance_rate`). `adjoint`:
    "reverse" (checkpointed) or "forward" (the fit's Jacobian)."""

    trees: tuple[DuctTree, ...]
    mode: str  # where the OT comes from: "network" or "pulses" (mer.model.Central)
    stim: Stimulus
    n_neurons: int
    n_bundles: int
    rtol: float
    atol: float
    dt0_s: float
    max_steps: int
    precision: str = "float64"
    outputs: str = "session"
    adjoint: str = "reverse"
    progress: bool = False
    plasma_compartments: int = 1  # mer/circulation/plasma.py

    @property
    def central(self) -> Central:
        return Central(self.mode, self.plasma_compartments)


def config_for(setup: Setup, **changes) -> SolveConfig:
    """The SolveConfig of `setup`, with `changes` to its fields."""
    s = setup.solver
    config = SolveConfig(
        setup.trees,
        setup.mode,
        setup.stimulus,
        setup.n_neurons,
        setup.n_bundles,
        float(s["rtol"]),
        float(s["atol"]),
        float(s["dt0_s"]),
        int(s["max_steps"]),
        s.get("precision", "float64"),
        plasma_compartments=setup.plasma_compartments,
    )
    return dataclasses.replace(config, **changes)


def _session_saves(c: SolveConfig):
    """(observe, agents, ducts) for the session outputs."""
    return make_observer(c.trees, c.central, c.stim), agents, make_ducts(c.trees, c.stim)


def _yield_saves(c: SolveConfig):
    """cumulative yield of all breasts (the fit's output; its flow is `balance_rate` of it)."""
    return (cumulative_yield,)


def balance_rate(ts, cumulative):
    """Flow [g/s] at the save times as a balance reports it: the yield's change across the samples
    either side (one-sided at the ends), i.e. the mean flow over [t_i-1, t_i+1]; on the fit's 1-s
    grid it differs from the instantaneous flow by ~ dt^2 f''/6 (on a coarser grid, e.g. 5-s
    samples, the window is 2 dt, and observed flow finer than the grid is averaged over the same
    window: mer.fit.data.on_grid). The padding (the end time repeated) makes the last real
    sample's rate one-sided."""
    t_prev, t_next = jnp.concatenate([ts[:1], ts[:-1]]), jnp.concatenate([ts[1:], ts[-1:]])
    c_prev = jnp.concatenate([cumulative[:1], cumulative[:-1]])
    c_next = jnp.concatenate([cumulative[1:], cumulative[-1:]])
    span = t_next - t_prev
    return jnp.where(span > 0, (c_next - c_prev) / jnp.where(span > 0, span, 1.0), 0.0)


LARGE_LEAF = 1024  # state leaves of at least this many values stay arrays of their own


def packed_state(y):
    """(pack, unpack) for states shaped as `y`: `pack` gives a tuple of the large leaves (the
    per-agent and per-segment arrays) and, last, one flat vector of all the rest; `unpack`
    restores the pytree. The solver's arithmetic is one operation per leaf, and tracing and
    differentiating that is what a many-leaf state costs; copying a large leaf into a flat vector
    at every evaluation would cost more. `pack` refuses a pytree of another structure, which it
    would otherwise pair with the wrong variables."""
    leaves, treedef = jax.tree_util.tree_flatten(y)
    large = tuple(i for i, x in enumerate(leaves) if jnp.size(x) >= LARGE_LEAF)
    _, unravel = ravel_pytree([x for i, x in enumerate(leaves) if i not in large])

    def pack(tree):
        values, given = jax.tree_util.tree_flatten(tree)
        if given != treedef:
            raise TypeError(f"packed state: expected the structure {treedef}, got {given}")
        rest = ravel_pytree([x for i, x in enumerate(values) if i not in large])[0]
        return (*(values[i] for i in large), rest)

    def unpack(packed):
        big, rest = iter(packed[:-1]), iter(unravel(packed[-1]))
        return jax.tree_util.tree_unflatten(
            treedef, [next(big) if i in large else next(rest) for i in range(len(leaves))]
        )

    return pack, unpack


@eqx.filter_jit
def solve(config: SolveConfig, params, structure, saves: tuple):
    """Solve from t = 0 to the last save time. `saves`: one array of save times per output of
    `config.outputs` (three for "session", one for "yield"), each ending at the end time.

    Returns for "session" (series, agents, ducts, accepted steps, rejected steps), for "yield"
    (flow, cumulative, succeeded). A failed solve does not raise (diffrax throw=False): the save
    times it never reached hold inf (the fit's flow NaN there), and `succeeded` is False."""
    dtype = DTYPES[config.precision]
    params, structure, saves = cast_floats((params, structure, saves), dtype)
    structure = with_factors(params, structure)
    fns = (_session_saves if config.outputs == "session" else _yield_saves)(config)
    # The solver steps the packed state (its arithmetic: one operation per leaf, not per state
    # variable), and the vector field and the saves are jitted so that each is traced once, not
    # once per Runge-Kutta stage, save loop and differentiation pass (benchmarks/README.md).
    state0 = initial_state(params, structure, config.n_neurons, config.n_bundles, config.central)
    pack, unpack = packed_state(state0)
    y0 = pack(state0)
    field = make_vector_field(config.trees, config.central, config.stim)
    vector_field = jax.jit(lambda t, y, args: pack(field(t, unpack(y), args)))
    fns = [jax.jit(lambda t, y, args, fn=fn: fn(t, unpack(y), args)) for fn in fns]
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(vector_field),
        diffrax.Tsit5(),
        # times in the solve's type: diffrax promotes the state to the time's type, and a float64
        # time would promote every float32 quantity it touches
        t0=jnp.zeros((), dtype),
        t1=saves[0][-1],
        dt0=jnp.asarray(config.dt0_s, dtype),
        y0=y0,
        args=(params, structure),
        saveat=diffrax.SaveAt(subs=[diffrax.SubSaveAt(ts=ts, fn=fn) for ts, fn in zip(saves, fns)]),
        stepsize_controller=diffrax.PIDController(rtol=config.rtol, atol=config.atol),
        max_steps=config.max_steps,
        adjoint=diffrax.ForwardMode() if config.adjoint == "forward" else diffrax.RecursiveCheckpointAdjoint(),
        throw=False,  # a failed solve leaves inf after the time it reached: mer.simulate says where
        # a bar with an ETA over simulated time; never inside vmapped cohorts (one bar per solve)
        progress_meter=diffrax.TqdmProgressMeter() if config.progress else diffrax.NoProgressMeter(),
    )
    if config.outputs == "yield":
        cumulative = sol.ys[0]
        return balance_rate(saves[0], cumulative), cumulative, sol.result == diffrax.RESULTS.successful
    return sol.ys[0], sol.ys[1], sol.ys[2], sol.stats["num_accepted_steps"], sol.stats["num_rejected_steps"]


@eqx.filter_jit
def solve_many(config: SolveConfig, params, structure, saves: tuple):
    """`solve` vmapped over the leading axis of `params` and `structure` (e.g. mothers), the save
    times shared (traced, so a new duration reuses the compilation here too)."""
    return jax.vmap(lambda p, s: solve(config, p, s, saves))(params, structure)


def _trimmed(tree, n: int, axis: int = 0):
    """The first `n` saves of every leaf along its time axis."""
    return jax.tree_util.tree_map(lambda x: jax.lax.slice_in_dim(x, 0, n, axis=axis), tree)


@dataclasses.dataclass(frozen=True, eq=False)
class SessionSolver:
    """`solver_for`'s answer: call it with (params, structure) (`Setup.args()`) for
    (series, agents, ducts, accepted, rejected) on `ts`, `ts_agents` and `ts_tree`; `lower`
    gives the compilation without running it. vmap and grad pass through it."""

    config: SolveConfig
    ts: np.ndarray
    ts_agents: np.ndarray
    ts_tree: np.ndarray

    def _saves(self):
        return tuple(jnp.asarray(padded(t)) for t in (self.ts, self.ts_agents, self.ts_tree))

    def _trimmed(self, out, axis=0):
        series, agents, ducts, accepted, rejected = out
        sizes = (self.ts.size, self.ts_agents.size, self.ts_tree.size)
        return (*(_trimmed(x, n, axis) for x, n in zip((series, agents, ducts), sizes)), accepted, rejected)

    def __call__(self, params, structure):
        return self._trimmed(solve(self.config, params, structure, self._saves()))

    def many(self, params, structure):
        """The solve of many (params, structure) stacked on a leading axis (e.g. mothers)."""
        return self._trimmed(solve_many(self.config, params, structure, self._saves()), axis=1)

    def compiled(self, params, structure):
        """The solve compiled for these arguments' shapes, as a function of (params, structure):
        a warm process reads the traced program back (mer/programs.py) instead of tracing it."""
        saves = self._saves()
        # a progress bar is a host callback, and so are equinox's checks unless EQX_ON_ERROR=nan:
        # such a solve is traced and compiled here, and called through `solve`, which turns a
        # failed check into an EquinoxRuntimeError (a compiled object would not)
        executable = None
        if not self.config.progress and programs.folder() is not None:
            executable = programs.compiled(
                lambda p, s, t: solve(self.config, p, s, t), self.config, (params, structure, saves)
            )
        if executable is None:
            solve.lower(self.config, params, structure, saves).compile()
            return self
        return lambda params, structure: self._trimmed(executable(params, structure, saves))


def solver_for(setup: Setup, progress: bool = False):
    """(run, ts, ts_agents, ts_tree): the session solve of `setup` (a SessionSolver) and its save
    grids. `progress`: draw diffrax's progress bar (simulated time, ETA) while solving."""
    s = setup.solver
    grids = (save_times(setup.duration_s, float(s[k])) for k in ("save_dt_s", "agent_save_dt_s", "tree_save_dt_s"))
    run = SessionSolver(config_for(setup, progress=progress), *grids)
    return run, run.ts, run.ts_agents, run.ts_tree
