"""Write a fit (`mer.fit.FitResult`) as an archive of kind `fit`.

fit/time (T,) s; fit/session_id (S,); fit/{observed,predicted}_{flow,cumulative} (S, T) in g/s and g
(one row per session, also for a single session); fit/inside (S, T) 1 where the session was
recorded; fit/loss_history (iterations, starts) of Adam and fit/polish_history of the
Levenberg-Marquardt steps after it; fit/params/<group.name> the fitted values with
attributes initial, ci_low, ci_high, lower, upper, unit, source, identifiable (per-session values
are (S, ...) arrays; unused pulse slots are NaN); fit/covariance_unconstrained (P, P) and
fit/labels (P,); metrics/{r2_cumulative, r2_flow, n_mer_observed, n_mer_predicted} (S,).
"""

from __future__ import annotations

import numpy as np

from mer.archive.write import dataset, params_group, root_attrs, write_atomically
from mer.parameters import SPECS


def parameter_spec(key: str):
    group, name = key.split(".")
    return SPECS.get(f"params.{group}.{name}") or SPECS.get(f"{group}.{name}")


def _per_parameter(result, flat):
    """Split a flat per-label vector into {key: array like the parameter}, NaN where unused."""
    used = np.asarray(result.problem.arrays["used"]) > 0
    values = np.where(used, flat, np.nan)
    return {k: np.asarray(v) for k, v in result.problem.layout.split(values).items()}


def save_fit(path, result, diagnosis=None):
    """Write a fit archive atomically (README: Archive schema, fits).

    **Arguments:**
    - `path`: where, e.g. `"fit.h5"`.
    - `result`: a `mer.fit.FitResult`.
    - `diagnosis`: a `mer.fit.diagnose.Diagnosis`, written as the group `diagnosis` (optional).

    **Returns:** the path."""
    problem = result.problem
    a = {k: np.asarray(v) for k, v in problem.arrays.items()}

    def fill(f):
        root_attrs(f, "fit", result.config)
        params_group(f, result.session_config(0))
        g = f.create_group("fit")
        st = ("session", "time")
        dataset(g, "time", problem.ts, "s", ("time",), "time since the start of the session (the data grid)")
        dataset(g, "session_id", np.asarray(result.session_ids, dtype="S"), "1", ("session",), "session name")
        dataset(g, "observed_flow", a["obs_flow"], "g/s", st, "observed milk flow")
        dataset(g, "observed_cumulative", a["obs_cum"], "g", st, "observed cumulative yield")
        dataset(g, "predicted_flow", result.predicted_flow, "g/s", st, "fitted milk flow")
        dataset(g, "predicted_cumulative", result.predicted_cumulative, "g", st, "fitted cumulative yield")
        dataset(g, "inside", a["inside"], "1", st, "1 where the session was recorded")
        history = ("iteration", "start")
        dataset(g, "loss_history", result.optimum.history, "1", history, "Adam's loss per start")
        dataset(g, "labels", np.asarray(result.labels, dtype="S"), "1", ("label",), "one name per fitted value")
        dataset(
            g,
            "covariance_unconstrained",
            result.uncertainty.covariance_u,
            "1",
            ("label", "label_2"),
            "covariance of the logit-transformed fitted values",
            note="of the logit-transformed parameters",
        )
        g.attrs["best_loss"] = result.optimum.best_loss
        g.attrs["iterations"] = result.optimum.iterations
        g.attrs["evaluations"] = result.optimum.evaluations
        g.attrs["stopped_early"] = result.optimum.stopped_early
        g.attrs["resumed_from_iteration"] = result.optimum.resumed_from
        g.attrs["polish_iterations"] = result.polished.iterations
        g.attrs["loss"] = result.polished.loss  # final, after the polish
        dataset(g, "polish_history", np.asarray(result.polished.history), "1", ("polish_step",), "polish loss")
        fitted = _per_parameter(result, result.values)
        initial = _per_parameter(result, result.initial)
        low = _per_parameter(result, result.uncertainty.ci_low)
        high = _per_parameter(result, result.uncertainty.ci_high)
        lower = _per_parameter(result, a["lower"])
        upper = _per_parameter(result, a["upper"])
        flagged = result.uncertainty.not_identifiable
        pg = g.create_group("params")
        for fp in problem.layout.parameters:
            spec = parameter_spec(fp.key)
            reasons = [f"{label}: {why}" for label, why in flagged.items() if label.split("[")[0] == fp.key]
            value = fitted[fp.key]
            # per-session values: (session, pulse slot ...)
            dims = ("session", *(f"{fp.key}_dim{k}" for k in range(1, np.ndim(value)))) if fp.per_session else None
            dataset(
                pg,
                fp.key,
                value,
                spec.unit if spec else "1",
                dims,
                source=spec.source if spec else "",
                initial=initial[fp.key],
                ci_low=low[fp.key],
                ci_high=high[fp.key],
                lower=lower[fp.key],
                upper=upper[fp.key],
                confidence=float(result.config["fit"]["confidence"]),
                per_session=fp.per_session,
                identifiable=not reasons,
                not_identifiable="; ".join(reasons),
            )
        me = f.create_group("metrics")
        units = {"r2_cumulative": "1", "r2_flow": "1", "n_mer_observed": "1", "n_mer_predicted": "1"}
        for k, v in result.metrics.items():
            dataset(me, k, v, units[k], ("session",), k.replace("_", " ").replace("r2", "R^2"))
        dataset(me, "fit_wall_s", sum(result.wall_s.values()), "s")
        if diagnosis is not None:
            diagnosis.write(f.create_group("diagnosis"))

    return write_atomically(path, fill)
