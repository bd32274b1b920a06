"""`mer.fit`: observed sessions in, the mother's parameters with intervals and the fitted curves out."""

from __future__ import annotations

import copy
import logging
import pathlib
import time

import numpy as np

from mer.build import build
from mer.config.compose import compose_config
from mer.config.validate import ConfigError, validate
from mer.fit import pulses
from mer.fit.checkpoint import fingerprint
from mer.fit.compiled import functions
from mer.fit.counts import search_counts
from mer.fit.data import gaps, load_sessions
from mer.fit.optimise import minimise, starting_points
from mer.fit.polish import on_host, polish_candidate, polish_starts
from mer.fit.problem import FitProblem, make_problem, model_grid
from mer.fit.refine import check_refining, refine
from mer.fit.result import FitResult, model_config, session_metrics
from mer.fit.settings import check_settings
from mer.fit.shape import shape_widths
from mer.fit.start import starting_problem
from mer.fit.uncertainty import laplace

log = logging.getLogger(__name__)


def prepare(cfg_or_overrides=None) -> tuple[dict, FitProblem]:
    """The resolved configuration and the fitting problem (data on the model grid, layout, bounds)."""
    if isinstance(cfg_or_overrides, dict):
        cfg = cfg_or_overrides
    else:
        cfg = compose_config(cfg_or_overrides or (), "fit")
    fit_cfg, data_cfg = cfg["fit"], cfg["data"]
    check_settings(fit_cfg)
    if int(cfg.get("breasts", 1)) == 2 and cfg["anatomy"]["kind"] == "generated":
        raise ConfigError(
            "anatomy: mer-fit breasts=2 fits one value of each breast parameter for both breasts, and a generated "
            "anatomy draws each breast's own storage capacity; fit both breasts with anatomy=default"
        )
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
    check_refining(cfg, fit_cfg)
    log.info("fitting %d session(s) from %s on a %d-point grid", len(sessions), data_cfg["path"], ts.size)
    problem = make_problem(build(mcfg), sessions, fit_cfg, ts)
    return cfg, starting_problem(problem, fit_cfg)


def _warn_about_data(problem: FitProblem) -> None:
    for session in problem.sessions:
        for t0, t1 in gaps(session):
            log.warning(
                "session %s: no samples from %g s to %g s; the fit ignores that stretch", session.session_id, t0, t1
            )
    pulses.warn_about_ejections(problem.setup.mode, problem.sessions)


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
    fit_cfg, setup = cfg["fit"], problem.setup
    _warn_about_data(problem)
    a, wall = problem.arrays, {}

    start = time.perf_counter()
    fns = functions(problem)

    def value_and_grad(u):
        return fns["value_and_grad"](u, a, setup.params, setup.structure)

    # the other starts spread the mother's values and the pulse amounts; pulse times stay where the
    # observed onsets put them (a start with its pulses moved off its ejections is a wasted start)
    timed = np.array([label.startswith("neuro.onsets_s") for label in problem.labels], dtype=float)
    starts = starting_points(np.asarray(a.u0), np.asarray(a.used) * (1.0 - timed), fit_cfg)
    settings = {k: v for k, v in fit_cfg.items() if k not in ("resume", "progress", "checkpoint")}
    fit_id = fingerprint(np.asarray(a.obs_flow), np.asarray(a.obs_cum), settings, model_config(cfg))
    optimum = minimise(value_and_grad, starts, fit_cfg, checkpoint_path, fit_id, callback)
    wall["optimise_s"] = time.perf_counter() - start

    start = time.perf_counter()
    polished, tolerance = polish_starts(problem, optimum.start_best_u[np.argsort(optimum.start_best_loss)], fit_cfg)
    wall["polish_s"] = time.perf_counter() - start
    steps, seconds = polished.iterations, wall["polish_s"]
    log.info("polish: loss %.5f (Levenberg-Marquardt, %d steps), %.1f s", polished.loss, steps, seconds)

    start = time.perf_counter()
    problem, polished, counts = search_counts(
        problem, polished, fit_cfg, lambda p, u: polish_candidate(p, u, fit_cfg, tolerance)
    )
    if counts is not None:
        wall["counts_s"] = time.perf_counter() - start

    start = time.perf_counter()
    problem, shaped = shape_widths(problem, polished.u, fit_cfg, tolerance)
    if shaped is not None:
        wall["shape_s"] = time.perf_counter() - start
        log.info(
            "shape: loss %.5f with one width per pulse, %.5f after %d Levenberg-Marquardt steps, %.1f s",
            shaped.history[0],
            shaped.loss,
            shaped.iterations,
            wall["shape_s"],
        )
        polished = polished.then(shaped)

    start = time.perf_counter()
    coarse = problem
    cfg, problem, refined = refine(cfg, problem, polished.u, fit_cfg, tolerance)
    if refined is not None:
        wall["refine_s"] = time.perf_counter() - start
        an = cfg["anatomy"]
        log.info(
            "refine: loss %.5f at %d agents and %d generations, %.5f after %d Levenberg-Marquardt steps, %.1f s",
            refined.history[0],
            an["n_alveoli"],
            an["generations"],
            refined.loss,
            refined.iterations,
            wall["refine_s"],
        )
        polished = polished.then(refined)

    log.info("intervals: Laplace approximation at the optimum")
    start = time.perf_counter()
    u = polished.u
    predict, jacobian = on_host(problem)[0], on_host(coarse)[1]  # the coarse Jacobian: mer.fit.refine
    flow, cum, _ = predict(u)
    unc = laplace(problem, u, *jacobian(u), flow, cum, float(fit_cfg["confidence"]))
    at_bounds = problem.at_bounds(u)
    for text in at_bounds:
        log.warning("fit: %s (the bound, not the data, set it; widen fit.parameters if it is plausible)", text)
    wall["uncertainty_s"] = time.perf_counter() - start
    log.info("intervals: %d values, %d not pinned down by the data", len(problem.labels), len(unc.not_identifiable))
    metrics = session_metrics(problem, flow, cum)
    initial = np.asarray(problem.arrays.initial)
    return FitResult(
        cfg, problem, optimum, polished, unc, problem.natural(u), initial, flow, cum, metrics, wall, counts, at_bounds
    )


def default_checkpoint(out_dir) -> pathlib.Path:
    return pathlib.Path(out_dir) / "checkpoint.h5"
