"""`mer.simulate`: configuration in, a `Result` with curves, balance and metrics out."""

from __future__ import annotations

import dataclasses
import time

import jax
import numpy as np

from mer.build import Setup, build
from mer.config.compose import compose_config
from mer.config.validate import validate
from mer.outputs.metrics import session_metrics
from mer.solve import solver_for


@dataclasses.dataclass
class Result:
    """One simulated session. `timeseries` and `alveoli` hold NumPy arrays (units in UNITS)."""

    config: dict
    setup: Setup
    time: np.ndarray
    timeseries: dict
    alveoli_time: np.ndarray
    alveoli: dict
    tree_time: np.ndarray
    tree: dict  # radius [mm], pressure_in / pressure_out [mmHg], flow [mL/s], (time, segment)
    balance: dict
    metrics: dict
    stats: dict


UNITS = {
    "time": "s",
    "flow": "g/s",
    "cumulative": "g",
    "plasma_ot": "pM",
    "release_rate": "mU/s",
    "active_fraction": "1",
    "alveolar_synchrony": "1",
    "neuron_synchrony": "1",
    "alveolar_pressure": "mmHg",
    "vacuum": "mmHg",
}


def simulate(cfg_or_overrides=None) -> Result:
    """Simulate one session.

    **Arguments:**
    - `cfg_or_overrides`: a resolved configuration dict, or a list of Hydra overrides applied to
      `configs/simulate.yaml` (e.g. `["anatomy.n_alveoli=500", "neuro=pulses"]`), or None.
    """
    if cfg_or_overrides is None or isinstance(cfg_or_overrides, (list, tuple)):
        cfg = compose_config(cfg_or_overrides or ())
    else:
        cfg = cfg_or_overrides
    validate(cfg)
    setup = build(cfg)
    run, ts, ts_agents, ts_tree = solver_for(setup)
    start = time.perf_counter()
    series, agents, ducts, accepted, rejected = jax.block_until_ready(run(setup.params, setup.structure))
    wall = time.perf_counter() - start
    series = {k: np.asarray(v) for k, v in series.items()}
    agents = {k: np.asarray(v) for k, v in agents.items()}
    ducts = {k: np.asarray(v) for k, v in ducts.items()}
    density = float(setup.params["milk"]["density_g_per_mL"])
    balance = {
        "initial_ml": float(series["remaining_ml"][0]),
        "secreted_ml": float(series["secreted_ml"][-1]),
        "remaining_ml": float(series["remaining_ml"][-1]),
        "removed_ml": float(series["removed_ml"][-1]),
    }
    balance["error_ml"] = (
        balance["initial_ml"] + balance["secreted_ml"] - balance["remaining_ml"] - balance["removed_ml"]
    )
    metrics = session_metrics(ts, series["flow"], series["cumulative"], balance["initial_ml"], density)
    metrics["alveolar_synchrony"] = float(np.max(series["alveolar_synchrony"]))
    metrics["neuron_synchrony"] = float(np.max(series["neuron_synchrony"]))
    stats = {"accepted_steps": int(accepted), "rejected_steps": int(rejected), "solve_wall_s": wall}
    return Result(cfg, setup, ts, series, ts_agents, agents, ts_tree, ducts, balance, metrics, stats)
