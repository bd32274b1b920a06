"""`mer.simulate`: configuration in, a `Result` with curves, balance and metrics out."""

from __future__ import annotations

import dataclasses
import logging
import re
import time

import equinox as eqx
import jax
import numpy as np

from mer.build import Setup, build, only_breast
from mer.config.compose import compose_config
from mer.config.validate import validate
from mer.ducts.drops import shares_at_peak_flow
from mer.facade import callable_module
from mer.outputs.metrics import session_metrics
from mer.progress import enabled as progress_enabled
from mer.solve import solver_for

log = logging.getLogger(__name__)


class SolverError(RuntimeError):
    """The solve stopped before the end of the session, or its curves are not numbers."""


def solver_failure(message: str, cfg: dict) -> str:
    """One line from diffrax's runtime error: what failed and the settings to change."""
    found = re.search(r"EquinoxRuntimeError: ([^\n]*)", message)
    what = (found.group(1) if found else message.strip().splitlines()[-1]).strip()
    s = cfg["solver"]
    tolerances = f"solver.rtol={s['rtol']:g} and solver.atol={s['atol']:g}"
    if "maximum number of solver steps" in what:
        return (
            f"solver.max_steps: the solve used all {s['max_steps']} steps before the end of the session "
            f"(duration_s={cfg['duration_s']:g} s); raise solver.max_steps or loosen {tolerances}"
        )
    return f"solver: the solve failed before the end of the session ({what}); check {tolerances} and solver.dt0_s"


@dataclasses.dataclass
class BreastResult:
    """One breast's part of a session: its mass balance and metrics, its agents and duct tree."""

    side: str  # "left" or "right" with two breasts; "" with one
    balance: dict
    metrics: dict
    alveoli: dict  # fullness, activation: (time, agent) on Result.alveoli_time
    tree: dict  # radius [mm], pressure_in / pressure_out [mmHg], flow [mL/s]: (time, segment)


@dataclasses.dataclass
class Result:
    """One simulated session: `timeseries`, `balance` and `metrics` of all breasts together (with
    two, `timeseries` also holds each one's curves as `<name>_left` / `_right`), and `breasts`, one
    BreastResult per breast. NumPy arrays, units in UNITS."""

    config: dict
    setup: Setup
    time: np.ndarray
    timeseries: dict
    alveoli_time: np.ndarray
    tree_time: np.ndarray
    balance: dict
    metrics: dict
    stats: dict
    breasts: tuple[BreastResult, ...]

    @property
    def alveoli(self) -> dict:
        """The agents of a one-breast session (with two, `breasts[k].alveoli`)."""
        return only_breast(self.breasts, "result").alveoli

    @property
    def tree(self) -> dict:
        """The duct tree of a one-breast session (with two, `breasts[k].tree`)."""
        return only_breast(self.breasts, "result").tree


UNITS = {
    "time": "s",
    "flow": "g/s",
    "cumulative": "g",
    "plasma_ot": "pM",
    "mammary_ot": "pM",
    "release_rate": "mU/s",
    "active_fraction": "1",
    "alveolar_synchrony": "1",
    "neuron_synchrony": "1",
    "alveolar_pressure": "mmHg",
    "contraction_pressure": "mmHg",
    "vacuum": "mmHg",
}


# (balance term, saved curve, save index)
BALANCE_TERMS = (
    ("initial_ml", "remaining_ml", 0),
    ("secreted_ml", "secreted_ml", -1),
    ("remaining_ml", "remaining_ml", -1),
    ("removed_ml", "removed_ml", -1),
)


def simulate(cfg_or_overrides=None) -> Result:
    """Simulate one session.

    **Arguments:**
    - `cfg_or_overrides`: a resolved configuration dict, or a list of Hydra overrides applied to
      `configs/simulate.yaml` (e.g. `["anatomy.n_alveoli=500", "neuro=pulses"]`), or None.

    **Returns:** a `Result` (curves, per-agent and per-duct states, mass balance, metrics, solver
    statistics); `mer.archive.save_simulation` writes it. Raises ConfigError for bad settings
    (naming the field) and SolverError for a solve that could not finish.
    """
    if cfg_or_overrides is None or isinstance(cfg_or_overrides, (list, tuple)):
        cfg = compose_config(cfg_or_overrides or ())
    else:
        cfg = cfg_or_overrides
    validate(cfg)
    setup = build(cfg)
    run, ts, ts_agents, ts_tree = solver_for(setup, progress=progress_enabled())
    log.info(
        "solving %g s: %d alveolus agents, %d duct segments, neuro=%s%s (the first run of a shape compiles first)",
        cfg["duration_s"],
        cfg["anatomy"]["n_alveoli"],
        sum(tree.n_segments for tree in setup.trees),
        setup.mode,
        ", both breasts" if len(setup.breasts) == 2 else "",
    )
    args = setup.args()
    start = time.perf_counter()
    # compiled before the clock starts, so solve_wall_s is the solve alone (a warm process reads
    # the traced program back, mer/programs.py). A stand-in solver without `compiled`
    # (tests/test_bad_inputs.py) is timed as it is.
    if hasattr(run, "compiled"):
        run = run.compiled(*args)
    compile_wall = time.perf_counter() - start
    start = time.perf_counter()
    try:
        series, agents, ducts, accepted, rejected = jax.block_until_ready(run(*args))
    except eqx.EquinoxRuntimeError as err:  # nothing is returned, so nothing can be written half
        raise SolverError(solver_failure(str(err), cfg)) from None
    wall = time.perf_counter() - start
    log.info(
        "solved in %.1f s (compiled in %.1f s): %d steps accepted, %d rejected",
        wall,
        compile_wall,
        int(accepted),
        int(rejected),
    )
    series, agents, ducts = jax.tree_util.tree_map(np.asarray, (series, agents, ducts))
    bad = np.flatnonzero(~np.isfinite(series["flow"]))
    if bad.size:
        # a solve that does not throw (diffrax throw=False) leaves the save times it never reached inf
        if int(accepted) + int(rejected) >= int(cfg["solver"]["max_steps"]):
            reached = ts[bad[0] - 1] if bad[0] > 0 else 0.0
            raise SolverError(
                solver_failure("EquinoxRuntimeError: The maximum number of solver steps was reached", cfg)
                + f" (it stopped at t = {reached:g} s)"
            )
        raise SolverError(
            f"solver: flow is not a number from t = {ts[bad[0]]:g} s on; tighten solver.rtol and solver.atol "
            "or check the parameters"
        )
    if setup.stimulus.resolved:
        series = balance_flow(ts, series)
    density = float(setup.params.breasts[0].milk.density_g_per_mL)
    balance = mass_balance(series)
    metrics = session_metrics(ts, series["flow"], series["cumulative"], balance["initial_ml"], density)
    metrics["alveolar_synchrony"] = float(np.max(series["alveolar_synchrony"]))
    metrics["neuron_synchrony"] = float(np.max(series["neuron_synchrony"]))
    metrics.update(shares_at_peak_flow(ts, series["flow"], series["pressure_drop"]))
    stats = {"accepted_steps": int(accepted), "rejected_steps": int(rejected), "solve_wall_s": wall}
    breasts = []
    for k, side in enumerate(setup.sides):
        if not side:  # one breast: its balance and metrics are the session's
            breasts.append(BreastResult(side, balance, metrics, agents[k], ducts[k]))
            continue
        suffix = f"_{side}"
        b = mass_balance(series, suffix)
        own = float(setup.params.breasts[k].milk.density_g_per_mL)
        m = session_metrics(ts, series["flow" + suffix], series["cumulative" + suffix], b["initial_ml"], own)
        m.update(shares_at_peak_flow(ts, series["flow" + suffix], series["pressure_drop" + suffix]))
        breasts.append(BreastResult(side, b, m, agents[k], ducts[k]))
    return Result(cfg, setup, ts, series, ts_agents, ts_tree, balance, metrics, stats, tuple(breasts))


def balance_flow(ts, series):
    """Flow as a balance records it: the yield's change over each save interval. A cycle-resolved
    pump's instantaneous flow swings with every cycle, and saves 1 s apart at 1 cycle/s all fall at
    one phase of it (aliasing); the interval mean does not. The first value stays instantaneous."""
    out = dict(series)
    for key in [k for k in series if k == "flow" or k.startswith("flow_")]:
        cumulative = series["cumulative" + key.removeprefix("flow")]
        out[key] = np.concatenate([series[key][:1], np.diff(cumulative) / np.diff(ts)])
    return out


def mass_balance(series, suffix=""):
    """initial + secreted = remaining + removed [mL], from the saved curves (`suffix`: one breast's)."""
    b = {term: float(series[curve + suffix][i]) for term, curve, i in BALANCE_TERMS}
    b["error_ml"] = b["initial_ml"] + b["secreted_ml"] - b["remaining_ml"] - b["removed_ml"]
    return b


callable_module(__name__, "simulate")  # mer.simulate(...) is simulate(...) (mer/facade.py)
