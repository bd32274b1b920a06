"""`mer.fit`: observed sessions in, the mother's parameters with intervals and the fitted curves out."""

from __future__ import annotations

import copy
import dataclasses
import logging
import pathlib
import time

import numpy as np

from mer import progress
from mer.build import build
from mer.config.compose import compose_config
from mer.config.validate import ConfigError, validate
from mer.fit.counts import CountChoice, choose_counts
from mer.fit.data import gaps, load_sessions
from mer.fit.optimise import OptimiseResult, fingerprint, minimise, starting_points
from mer.fit.polish import PolishResult, levenberg_marquardt
from mer.fit.problem import (
    WIDTH_KEY,
    FitProblem,
    aligned_pulse_centres,
    functions,
    make_problem,
    model_grid,
    observed_onsets,
    storage_scaled_to_yield,
    width_from_rises,
    width_paths,
)
from mer.fit.settings import check_settings
from mer.fit.uncertainty import Uncertainty, laplace
from mer.outputs.metrics import ejection_rises

FIT_ONLY = ("data", "fit", "diagnose")  # top-level keys that are not part of the model
# Levenberg-Marquardt steps each path takes before the lowest is kept and finished: the two width
# paths' losses after 10 steps ranked them as after 20 on gamma_2.csv, gamma_3.csv and gamma_7.csv
# (after 8, gamma_3's were ranked the wrong way round: 0.106 / 0.093, after 20 0.071 / 0.083)
PATH_STEPS = 10
# a step that lowers the loss (a sum of 1 - R^2 terms) by less than 0.1 % of itself ends the polish:
# at a loss of 0.04 that is 4e-5 of R^2, while the tails of 20-step runs crept on by such steps
POLISH_TOLERANCE = 1e-3

log = logging.getLogger(__name__)


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
            value = value[session]
            if key.startswith("neuro.") and value.ndim == 1:
                value = value[np.asarray(self.problem.arrays["pulse_mask"])[session] > 0]
        return value

    def session_config(self, session: int = 0) -> dict:
        """A model configuration that reproduces fitted session `session` with `mer.simulate`."""
        cfg = copy.deepcopy(model_config(self.config))
        cfg["duration_s"] = float(self.problem.ts[-1])
        mask = np.asarray(self.problem.arrays["pulse_mask"])[session] > 0
        if cfg["neuro"]["mode"] == "pulses":
            a = self.problem.arrays
            cfg["neuro"]["onsets_s"] = np.asarray(a["onsets"])[session][mask].tolist()
            cfg["neuro"]["amounts_mU"] = np.asarray(a["amounts"])[session][mask].tolist()
            cfg["neuro"]["widths_s"] = [float(cfg["neuro"]["widths_s"][0])] * int(mask.sum())
        for fp in self.problem.layout.parameters:
            value = self.parameter(fp.key, session)
            value = value.tolist() if np.ndim(value) else float(value)
            if fp.key == WIDTH_KEY:  # one fitted width for every pulse
                value = [value] * int(mask.sum())
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


def prepare(cfg_or_overrides=None) -> tuple[dict, FitProblem]:
    """The resolved configuration and the fitting problem (data on the model grid, layout, bounds)."""
    if isinstance(cfg_or_overrides, dict):
        cfg = cfg_or_overrides
    else:
        cfg = compose_config(cfg_or_overrides or (), "fit")
    fit_cfg, data_cfg = cfg["fit"], cfg["data"]
    check_settings(fit_cfg)
    if int(cfg.get("breasts", 1)) != 1:
        raise ConfigError("breasts: mer-fit fits the flow of one breast; fit each breast's session separately")
    if not data_cfg.get("path"):
        raise ConfigError("data.path: expected the path of a session file (CSV or HDF5), e.g. data.path=session.csv")
    sessions = load_sessions(data_cfg["path"])
    if data_cfg.get("session") is not None:
        wanted = str(data_cfg["session"])
        sessions = [s for s in sessions if s.session_id == wanted]
        if not sessions:
            raise ConfigError(f"data.session: no session {wanted!r} in {data_cfg['path']}")
    mcfg = copy.deepcopy(model_config(cfg))
    ts = model_grid(sessions, float(mcfg["solver"]["save_dt_s"]))
    mcfg["duration_s"] = float(ts[-1])
    cfg = dict(cfg, duration_s=mcfg["duration_s"])
    validate(mcfg)
    log.info("fitting %d session(s) from %s on a %d-point grid", len(sessions), data_cfg["path"], ts.size)
    problem = make_problem(build(mcfg), sessions, fit_cfg, ts)
    if problem.setup.mode == "pulses":
        problem = width_from_rises(problem, fit_cfg)
        rounds = int(fit_cfg["align_rounds"])
        for _ in progress.bar(range(rounds), desc="fit: aligning pulses", unit="round", enable=fit_cfg["progress"]):
            problem = make_problem(problem.setup, sessions, fit_cfg, ts, aligned_pulse_centres(problem))
        problem = storage_scaled_to_yield(problem, fit_cfg)
    return cfg, problem


def fit(cfg_or_overrides=None, checkpoint_path=None, callback=None) -> FitResult:
    """Fit the configured parameters to the sessions in `data.path`.

    **Arguments:**
    - `cfg_or_overrides`: a resolved configuration (configs/fit.yaml) or a list of overrides, e.g.
      `["data.path=experiments/data/session_a.csv", "fit.max_iterations=50"]`.
    - `checkpoint_path`: where to write (and, with `fit.resume=true`, read) the checkpoint.
    - `callback(iteration)`: called after each checkpoint.

    **Returns:** a `FitResult`: fitted values (`values`, `parameter(key)`), intervals
    (`uncertainty.ci_low`, `ci_high`, `not_identifiable`), fitted curves and per-session metrics;
    `mer.archive.fit.save_fit` writes it.
    """
    cfg, problem = prepare(cfg_or_overrides)
    fit_cfg, setup, sessions, ts = cfg["fit"], problem.setup, problem.sessions, problem.ts
    for session in sessions:
        for t0, t1 in gaps(session):
            log.warning(
                "session %s: no samples from %g s to %g s; the fit ignores that stretch", session.session_id, t0, t1
            )
        if setup.mode == "pulses" and observed_onsets(session).size == 0:
            log.warning(
                "session %s: no acute rise of flow (no ejection seen); fitted with one pulse to start from, "
                "the count then chosen by BIC: read its pulses as the release that best explains the flow",
                session.session_id,
            )
    fns = functions(problem)
    a, base, structure = problem.arrays, setup.params, setup.structure
    wall = {}
    start = time.perf_counter()

    def value_and_grad(u):
        return fns["value_and_grad"](u, a, base, structure)

    # the other starts spread the mother's values and the pulse amounts; pulse times stay where the
    # observed onsets put them (a start with its pulses moved off its ejections is a wasted start)
    timed = np.array([label.startswith("neuro.onsets_s") for label in problem.labels], dtype=float)
    starts = starting_points(np.asarray(a["u0"]), np.asarray(a["used"]) * (1.0 - timed), fit_cfg)
    settings = {k: v for k, v in fit_cfg.items() if k not in ("resume", "progress", "checkpoint")}
    fit_id = fingerprint(np.asarray(a["obs_flow"]), np.asarray(a["obs_cum"]), settings, model_config(cfg))
    optimum = minimise(value_and_grad, starts, fit_cfg, checkpoint_path, fit_id, callback)
    wall["optimise_s"] = time.perf_counter() - start

    def predict(u, p=None):
        flow, cum, ok = fns["predict"](u, (p or problem).arrays, base, structure)
        return np.asarray(flow), np.asarray(cum), bool(np.all(ok))

    def jacobian(u, p=None):
        return tuple(np.asarray(j) for j in fns["jacobian"](u, (p or problem).arrays, base, structure))

    t0 = time.perf_counter()
    # every start is finished by Levenberg-Marquardt: Adam's lowest start is not always in the
    # deepest basin (pulse times trade off against storage), so the lowest polished one wins
    ordered = optimum.start_best_u[np.argsort(optimum.start_best_loss)]
    extra = width_paths(problem, ordered[0], fit_cfg)
    ordered = np.concatenate([ordered, extra])
    steps = int(fit_cfg["polish_iterations"])
    # with width paths, each path (start, pulse width) takes the first PATH_STEPS steps and the
    # lowest goes on, all stopping at a POLISH_TOLERANCE gain; without, every start is polished in full
    lm = {"tolerance": POLISH_TOLERANCE} if extra.size else {}
    first = min(steps, PATH_STEPS) if extra.size else steps
    paths = [
        levenberg_marquardt(problem, predict, jacobian, u_start, first, **lm)
        for u_start in progress.bar(ordered, desc="fit: polish", unit="start", enable=fit_cfg["progress"])
    ]
    polished = min(paths, key=lambda p: p.loss)
    if extra.size:
        log.info(
            "polish: %d paths, losses after %d steps %s; the lowest goes on",
            len(paths),
            first,
            [round(p.loss, 5) for p in paths],
        )
    if steps > first:
        rest = levenberg_marquardt(problem, predict, jacobian, polished.u, steps - first, **lm)
        polished = PolishResult(
            rest.u,
            rest.loss,
            polished.iterations + rest.iterations,
            polished.evaluations + rest.evaluations,
            polished.history + rest.history[1:],
        )
    wall["polish_s"] = time.perf_counter() - t0
    log.info(
        "polish: loss %.5f (Levenberg-Marquardt, %d steps), %.1f s",
        polished.loss,
        polished.iterations,
        wall["polish_s"],
    )
    counts = None
    if setup.mode == "pulses" and any(int(o) for o in fit_cfg.get("pulse_counts", [0])):
        t0 = time.perf_counter()

        def polish(p, u_start):  # from the detected count's optimum: a third of the steps
            steps = max(1, int(fit_cfg["polish_iterations"]) // 3)
            return levenberg_marquardt(p, lambda u: predict(u, p), lambda u: jacobian(u, p), u_start, steps, **lm)

        problem, polished, counts = choose_counts(problem, polished, fit_cfg, polish, lambda p, u: predict(u, p))
        a = problem.arrays
        wall["counts_s"] = time.perf_counter() - t0
    log.info("intervals: Laplace approximation at the optimum")
    u = polished.u
    t0 = time.perf_counter()
    flow, cum, _ = predict(u)
    jac_flow, jac_cum = jacobian(u)
    unc = laplace(problem, u, jac_flow, jac_cum, flow, cum, float(fit_cfg["confidence"]))
    at_bounds = problem.at_bounds(u)
    for text in at_bounds:
        log.warning("fit: %s (the bound, not the data, set it; widen fit.parameters if it is plausible)", text)
    wall["uncertainty_s"] = time.perf_counter() - t0
    log.info("intervals: %d values, %d not pinned down by the data", len(problem.labels), len(unc.not_identifiable))
    inside = np.asarray(a["inside"])
    metrics = {"r2_cumulative": [], "r2_flow": [], "n_mer_observed": [], "n_mer_predicted": [], "n_pulses": []}
    for s, session in enumerate(sessions):
        metrics["r2_cumulative"].append(r_squared(np.asarray(a["obs_cum"])[s], cum[s], inside[s]))
        metrics["r2_flow"].append(r_squared(np.asarray(a["obs_flow"])[s], flow[s], inside[s]))
        metrics["n_mer_observed"].append(ejection_rises(session.time_s, session.flow_g_per_s)[0].size)
        metrics["n_mer_predicted"].append(ejection_rises(ts, flow[s])[0].size)
        metrics["n_pulses"].append(int(np.sum(np.asarray(a["pulse_mask"])[s] > 0)) if setup.mode == "pulses" else 0)
    metrics = {k: np.asarray(v) for k, v in metrics.items()}
    return FitResult(
        cfg,
        problem,
        optimum,
        polished,
        unc,
        problem.natural(u),
        np.asarray(a["initial"]),
        flow,
        cum,
        metrics,
        wall,
        counts,
        at_bounds,
    )


def default_checkpoint(out_dir) -> pathlib.Path:
    return pathlib.Path(out_dir) / "checkpoint.h5"
