"""What a fit returns: the fitted values with their intervals, the fitted curves and how well they
match, and each session as a configuration `mer.simulate` runs."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np

from mer.fit import pulses
from mer.fit.counts import CountChoice
from mer.fit.optimise import OptimiseResult
from mer.fit.polish import PolishResult
from mer.fit.problem import FitProblem
from mer.fit.uncertainty import Uncertainty
from mer.outputs.metrics import ejection_rises

FIT_ONLY = ("data", "fit", "diagnose")  # top-level keys that are not part of the model


@dataclasses.dataclass
class FitResult:
    config: dict
    problem: FitProblem
    optimum: OptimiseResult
    polished: PolishResult
    uncertainty: Uncertainty
    values: np.ndarray  # fitted natural values, one per label
    initial: np.ndarray
    predicted_flow: np.ndarray  # (S, T) g/s on problem.ts
    predicted_cumulative: np.ndarray  # (S, T) g
    metrics: dict  # per session arrays: r2_cumulative, r2_flow, n_mer_observed, n_mer_predicted, n_pulses
    wall_s: dict
    counts: CountChoice | None = None  # the pulse counts tried and chosen (mer.fit.counts)
    at_bounds: list = dataclasses.field(default_factory=list)  # fitted values that ended at a bound

    @property
    def labels(self):
        return self.problem.labels

    @property
    def session_ids(self):
        return [s.session_id for s in self.problem.sessions]

    def parameter(self, key: str, session: int = 0):
        """The fitted value of `group.name` (per-session values for `session`, unused pulses dropped)."""
        split = self.problem.layout.split(self.values)
        fp = next(p for p in self.problem.layout.parameters if p.key == key)
        value = np.asarray(split[key])
        if fp.per_session:
            value = pulses.used_slots(key, value[session], np.asarray(self.problem.arrays.pulse_mask)[session])
        return value

    def session_config(self, session: int = 0) -> dict:
        """A model configuration that reproduces fitted session `session` with `mer.simulate`."""
        cfg = copy.deepcopy(model_config(self.config))
        cfg["duration_s"] = float(self.problem.ts[-1])
        cfg["neuro"] = pulses.session_neuro(cfg["neuro"], self.problem.arrays, session)
        n_pulses = pulses.count(cfg["neuro"]["mode"], self.problem.arrays, session)
        for fp in self.problem.layout.parameters:
            value = self.parameter(fp.key, session)
            value = pulses.per_pulse(fp.key, value.tolist() if np.ndim(value) else float(value), n_pulses)
            node = cfg["neuro"] if fp.group == "neuro" else cfg["params"][fp.group]
            node[fp.name] = value
        return cfg


def model_config(cfg: dict) -> dict:
    return {k: v for k, v in cfg.items() if k not in FIT_ONLY}


def r_squared(observed, predicted, inside):
    w = inside > 0
    ss_res = np.sum((predicted[w] - observed[w]) ** 2)
    ss_tot = np.sum((observed[w] - observed[w].mean()) ** 2)
    return float(1.0 - ss_res / ss_tot) if ss_tot > 0 else float("nan")


def session_metrics(problem: FitProblem, flow, cum) -> dict:
    """Per session: R^2 of cumulative and flow, ejections observed and fitted, pulses used."""
    a = problem.arrays
    inside, obs_cum, obs_flow = np.asarray(a.inside), np.asarray(a.obs_cum), np.asarray(a.obs_flow)
    metrics = {"r2_cumulative": [], "r2_flow": [], "n_mer_observed": [], "n_mer_predicted": [], "n_pulses": []}
    for s, session in enumerate(problem.sessions):
        metrics["r2_cumulative"].append(r_squared(obs_cum[s], cum[s], inside[s]))
        metrics["r2_flow"].append(r_squared(obs_flow[s], flow[s], inside[s]))
        metrics["n_mer_observed"].append(ejection_rises(session.time_s, session.flow_g_per_s)[0].size)
        metrics["n_mer_predicted"].append(ejection_rises(problem.ts, flow[s])[0].size)
        metrics["n_pulses"].append(pulses.count(problem.setup.mode, a, s))
    return {k: np.asarray(v) for k, v in metrics.items()}
