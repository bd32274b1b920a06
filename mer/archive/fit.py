"""Write a fit (`mer.fit.FitResult`) as an archive of kind `fit`.

fit/time (T,) s; fit/session_id (S,); fit/{observed,predicted}_{flow,cumulative} (S, T) in g/s and g
(one row per session, also for a single session); fit/session_config (S,) the fitted mother
per session as YAML (`mer.simulate(yaml.safe_load(...))` reproduces the fit); fit/inside (S, T) 1 where the session was
recorded; fit/loss_history (iterations, starts) of Adam and fit/polish_history of the
Levenberg-Marquardt steps after it; fit/params/<group.name> the fitted values with
attributes initial, ci_low, ci_high, lower, upper, unit, source, identifiable (per-session values
are (S, ...) arrays; unused pulse slots are NaN); fit/covariance_unconstrained (P, P) and
fit/labels (P,); metrics/{r2_cumulative, r2_flow, n_mer_observed, n_mer_predicted, n_pulses} (S,)
(ejections found as acute rises in the observed and fitted flow; pulses fitted); fit/counts the
pulse counts tried (candidate, session), their BIC and SSR, the detected and chosen counts and,
as the attribute `reasons`, why each session's count won (mer.fit.counts).
"""

from __future__ import annotations

import numpy as np
import yaml

from mer.archive.write import dataset, params_group, root_attrs, write_atomically
from mer.parameters import SPECS


def parameter_spec(key: str):
    group, name = key.split(".")
    return SPECS.get(f"params.{group}.{name}") or SPECS.get(f"{group}.{name}")


def _per_parameter(result, flat):
    """Split a flat per-label vector into {key: array like the parameter}, NaN where unused."""
    used = np.asarray(result.problem.arrays.used) > 0
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
    a = problem.arrays

    def fill(f):
        root_attrs(f, "fit", result.config)
        params_group(f, result.session_config(0))
        g = f.create_group("fit")
        st = ("session", "time")
        dataset(g, "time", problem.ts, "s", ("time",), "time since the start of the session (the data grid)")
        dataset(g, "session_id", np.asarray(result.session_ids, dtype="S"), "1", ("session",), "session name")
        dataset(g, "observed_flow", np.asarray(a.obs_flow), "g/s", st, "observed milk flow")
        dataset(g, "observed_cumulative", np.asarray(a.obs_cum), "g", st, "observed cumulative yield")
        dataset(g, "predicted_flow", result.predicted_flow, "g/s", st, "fitted milk flow")
        dataset(g, "predicted_cumulative", result.predicted_cumulative, "g", st, "fitted cumulative yield")
        dataset(g, "inside", np.asarray(a.inside), "1", st, "1 where the session was recorded")
        configs = [yaml.safe_dump(result.session_config(s), sort_keys=False) for s in range(len(result.session_ids))]
        configs = np.asarray(configs, dtype="S")
        dataset(g, "session_config", configs, "yaml", ("session",), "the fitted mother per session, for mer.simulate")
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
        g.attrs["at_bounds"] = "; ".join(result.at_bounds)  # fitted values that ended at a bound
        dataset(g, "polish_history", np.asarray(result.polished.history), "1", ("polish_step",), "polish loss")
        fitted = _per_parameter(result, result.values)
        initial = _per_parameter(result, result.initial)
        low = _per_parameter(result, result.uncertainty.ci_low)
        high = _per_parameter(result, result.uncertainty.ci_high)
        lower = _per_parameter(result, np.asarray(a.lower))
        upper = _per_parameter(result, np.asarray(a.upper))
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
        for k, v in result.metrics.items():
            dataset(me, k, v, "1", ("session",), k.replace("_", " ").replace("r2", "R^2"))
        dataset(me, "fit_wall_s", sum(result.wall_s.values()), "s")
        if result.counts is not None:
            _write_counts(g.create_group("counts"), result.counts)
        if diagnosis is not None:
            diagnosis.write(f.create_group("diagnosis"))

    return write_atomically(path, fill)


def _write_counts(group, counts):
    cs = ("candidate", "session")
    dataset(group, "detected", counts.detected, "1", ("session",), "ejections detected as acute rises of flow")
    dataset(group, "chosen", counts.chosen, "1", ("session",), "pulses of the final fit")
    dataset(group, "tried", counts.tried, "1", cs, "pulses per session of each candidate fit")
    dataset(group, "criterion", counts.criterion, "1", cs, "BIC of the measured channel (lower wins)")
    dataset(group, "ssr", counts.ssr, "1", cs, "sum of squared residuals of the measured channel")
    dataset(group, "candidate_loss", counts.loss, "1", ("candidate",), "fit loss of each candidate")
    dataset(group, "n_effective", counts.n_effective, "1", ("session",), "independent residual samples")
    group.attrs["criterion"] = "BIC = n_eff ln(SSR / n) + 2 K ln(n_eff) (mer.fit.counts)"
    group.attrs["reasons"] = "\n".join(counts.reasons())
