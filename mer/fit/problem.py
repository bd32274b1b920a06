"""A fitting problem: the model, the observed sessions on its time grid, and the loss.

loss(u) = mean over sessions of [w_c SSR_cum / SST_cum + w_f SSR_flow / SST_flow]
          + prior_weight * mean(((u - u0) / prior_sd)^2)
Each term is one minus an R^2, so the loss reads on the scale of the fit's quality whatever the
session's size. u is the flat unconstrained vector (mer.fit.parameters); sessions are solved
together with vmap, shared (mother-level) values broadcast, per-session values (pulses) batched.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import logging

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx

from mer import programs
from mer.build import Setup
from mer.config.validate import ConfigError
from mer.fit.data import Session, on_grid
from mer.fit.parameters import Layout, parse_parameters, to_natural, to_unconstrained
from mer.outputs.metrics import ejection_rises
from mer.solve import SolveConfig, bucket, config_for, padded, save_times, solve

log = logging.getLogger(__name__)

PULSE_KEYS = ("neuro.onsets_s", "neuro.amounts_mU")
# the release pulses' width (sd, s): one value for all pulses of a mother when fitted, because how
# fast plasma OT rises shapes every ejection's rising flank alike (docs/design.md, Fitting)
WIDTH_KEY = "neuro.widths_s"
# Levenberg-Marquardt stops when a step changes u and the loss by less than atol + rtol |.|
LM_RTOL, LM_ATOL = 1.0e-4, 1.0e-6


@dataclasses.dataclass
class FitProblem:
    layout: Layout
    setup: Setup
    sessions: list[Session]
    ts: np.ndarray  # model save times = data grid [s]
    arrays: dict  # observed curves, masks, bounds, u0 (jnp arrays; traced, so one compile per shape)
    weights: tuple  # (cumulative, flow, prior_sd, prior_weight)

    @property
    def labels(self):
        return self.layout.labels()

    def at_bounds(self, u, margin=0.01) -> list[str]:
        """Labels of the used values within `margin` of their range (in the fitted, sigmoid scale)
        of a bound: the data push them there, so the bound, not the data, set them."""
        a = self.arrays
        share = np.asarray(jax.nn.sigmoid(jnp.asarray(u)))
        used = np.asarray(a["used"]) > 0
        lower, upper = np.asarray(a["lower"]), np.asarray(a["upper"])
        x = self.natural(u)
        return [
            f"{label} = {x[i]:.4g} at its {'lower' if share[i] < 0.5 else 'upper'} bound "
            f"{lower[i] if share[i] < 0.5 else upper[i]:.4g}"
            for i, label in enumerate(self.labels)
            if used[i] and (share[i] < margin or share[i] > 1.0 - margin)
        ]

    def natural(self, u):
        a = self.arrays
        return np.asarray(to_natural(jnp.asarray(u), a["lower"], a["upper"], a["log"]))


def detect_pulses(session: Session, lead_s: float):
    """Pulse centres from the observed flow: each ejection's onset (an acute rise of flow,
    mer.outputs.metrics.ejection_rises) plus the delay from a release pulse's centre to flow onset."""
    return observed_onsets(session) + lead_s


def observed_onsets(session: Session) -> np.ndarray:
    return ejection_rises(session.time_s, session.flow_g_per_s)[0]


OWN_EJECTION_S = (5.0, 40.0)  # a pulse's ejection begins 3-16 s after its centre (docs/design.md)


def aligned_pulse_centres(problem) -> list[np.ndarray]:
    """The starting pulse centres moved so that the starting model's ejections begin where the
    observed ones do (one round: one forward solve of the starting point). The delay from a pulse
    to its ejection is not one number (-16 to +3 s for 15-100 mU: later ejections, from emptier and
    less sensitive alveoli, come later), and a start with its pulses 10-20 s off can settle in a
    wrong basin, trading storage for sensitivity. A pulse whose own ejection (a rise 5 s before to
    40 s after its centre) the starting model does not reproduce within 60 s keeps its place."""
    s, a = problem.setup, problem.arrays
    flow, _, _ = functions(problem)["predict"](a["u0"], a, s.params, s.structure)
    centres = []
    for i, session in enumerate(problem.sessions):
        c = np.asarray(a["onsets"][i])[np.asarray(a["pulse_mask"][i]) > 0]
        observed = observed_onsets(session)
        predicted = ejection_rises(problem.ts, np.asarray(flow[i]))[0]
        for k in range(min(c.size, observed.size)):
            # pulse k's own ejection: the first predicted rise from its centre on (a rise that
            # belongs to another pulse must not move this one)
            own = predicted[(predicted >= c[k] - OWN_EJECTION_S[0]) & (predicted <= c[k] + OWN_EJECTION_S[1])]
            if own.size and abs(own[0] - observed[k]) <= 60.0:
                c[k] += observed[k] - own[0]
        centres.append(c)
    return centres


# trial widths for the start (s, sd of the pulse): 4-60 s is the fitted range (configs/fit/pulses.yaml);
# five forward solves, doubling, are enough to interpolate the rise they give
WIDTH_TRIALS_S = (4.0, 8.0, 16.0, 32.0, 60.0)


def rise_times(t, flow) -> np.ndarray:
    """The rise time (s) of each ejection that mer.outputs.metrics.ejection_rises finds: from its
    onset to its peak, both as the detector reads them on the 5-s mean flow. The whole climb, not
    10-90 % of it: measured on modelled ejections, the 10-90 % rise grew by only 5-7 s from 4-s to
    32-s pulses, the onset-to-peak time by 20 s (about 6 s + 0.85 x the width), so it tells the
    widths apart."""
    onsets, peaks, _ = ejection_rises(np.asarray(t, dtype=float), np.asarray(flow, dtype=float))
    return np.asarray(peaks[: onsets.size] - onsets)


def width_from_rises(problem, fit_cfg):
    """The problem with its starting pulse width set so that the starting model's ejections rise
    (onset to peak, median over all sessions' ejections) as fast as the observed ones. The configured 8-s pulse
    raises a modelled ejection within seconds, while balance recordings rise over 10-60 s; started
    at 8 s the fit stayed in a basin of wrong shape (gamma_3.csv, flow R^2 0.78), started at a
    fixed 20 s the recovery of mer's own 8-s mother went to another basin (EC50 1.9x the truth).
    One forward solve per trial width (WIDTH_TRIALS_S), the width interpolated between the two
    whose rises bracket the observed one (extrapolated past the widest that still rose more),
    within the fitted bounds. Unchanged when the
    width is not fitted, when its start is given (fit.parameters.neuro.widths_s.start), or when
    no ejection's rise can be read in the data or the model."""
    labels = problem.labels
    bounds = fit_cfg["parameters"].get("neuro", {}).get("widths_s") or {}
    if WIDTH_KEY not in labels or bounds.get("start") is not None:
        return problem
    s, a = problem.setup, problem.arrays
    inside = np.asarray(a["inside"]) > 0
    # the observed flow on the model's grid, read as the model's is (the same smoothing)
    observed = np.concatenate(
        [rise_times(problem.ts[inside[k]], np.asarray(a["obs_flow"])[k][inside[k]]) for k in range(inside.shape[0])]
    )
    if observed.size == 0:
        return problem
    i = labels.index(WIDTH_KEY)
    lo, hi = float(a["lower"][i]), float(a["upper"][i])
    trials = np.array([w for w in WIDTH_TRIALS_S if lo <= w <= hi] or [lo, hi])
    predict = functions(problem)["predict"]
    modelled = []
    for w in trials:
        u = np.array(a["u0"])
        u[i] = float(to_unconstrained(w, a["lower"][i], a["upper"][i], a["log"][i]))
        flow, _, ok = predict(jnp.asarray(u), a, s.params, s.structure)
        flow = np.asarray(flow)
        r = np.concatenate([rise_times(problem.ts, flow[k]) for k in range(flow.shape[0])])
        modelled.append(float(np.median(r)) if r.size and bool(np.all(ok)) else np.nan)
    modelled = np.asarray(modelled)
    good = np.isfinite(modelled)
    rise, widths = modelled[good], trials[good]
    if rise.size < 2:
        return problem
    # the rise grows with the width (on the recovery test's mother about 6 s + 0.85 x the width)
    # until the starting pulses' amounts, spread over a wider pulse, no longer recruit the breast at
    # once: past the widest trial before the rise falls, extrapolate along the last slope
    fall = np.flatnonzero(np.diff(rise) < 0)
    kept = int(fall[0]) + 1 if fall.size else rise.size
    rise, widths = rise[:kept], widths[:kept]
    target = float(np.median(observed))
    if target > rise[-1] and kept >= 2 and rise[-1] > rise[-2]:
        width = float(widths[-1] + (target - rise[-1]) * (widths[-1] - widths[-2]) / (rise[-1] - rise[-2]))
    else:  # np.interp holds the end values outside the trials' rises
        width = float(np.interp(target, rise, widths))
    width = float(np.clip(width, 1.05 * lo, 0.95 * hi))
    log.info(
        "pulse width: start %.1f s (observed onset-to-peak rise %.1f s, median of %d; modelled %s s at widths %s s)",
        width,
        float(np.median(observed)),
        observed.size,
        np.round(modelled, 1).tolist(),
        trials.tolist(),
    )
    n = np.size(s.params["neuro"]["widths_s"])
    s.params["neuro"] = dict(s.params["neuro"], widths_s=jnp.full((n,), width))
    mask = np.asarray(a["pulse_mask"]) > 0
    centres = [np.asarray(a["onsets"])[k][mask[k]] for k in range(mask.shape[0])]
    return make_problem(s, problem.sessions, fit_cfg, problem.ts, centres, mask.shape[1])


def width_paths(problem, u, fit_cfg) -> np.ndarray:
    """More starts for Levenberg-Marquardt: `u` with its pulse width at each of
    `fit.width_paths_s` (when the width is fitted and that start differs from u's by more than
    5 %); shape (n, P), possibly (0, P). A single path was fragile on sessions the model did not
    make: small changes of the start moved gamma_2.csv's flow R^2 between 0.55 and 0.93."""
    u = np.asarray(u, dtype=float)
    if WIDTH_KEY not in problem.labels:
        return np.zeros((0, u.size))
    a = problem.arrays
    i = problem.labels.index(WIDTH_KEY)
    lo, hi = float(a["lower"][i]), float(a["upper"][i])
    current = float(problem.natural(u)[i])
    out = []
    for w in fit_cfg.get("width_paths_s", []):
        w = float(np.clip(float(w), 1.05 * lo, 0.95 * hi))
        if abs(np.log(w / current)) > np.log(1.05):
            v = u.copy()
            v[i] = float(to_unconstrained(w, a["lower"][i], a["upper"][i], a["log"][i]))
            out.append(v)
    return np.array(out).reshape(-1, u.size)


STORAGE_SCALING = (1.0 / 3.0, 3.0)  # the most the starting capacity is scaled by
STORAGE_CLOSE = 0.3  # a start within 30 % of the observed yield is left where it is


def storage_scaled_to_yield(problem, fit_cfg):
    """The problem with its starting storage capacity scaled by observed / predicted yield of the
    starting model (one forward solve), within STORAGE_SCALING and the capacity's bounds. A start
    that holds twice the milk the mother gave begins far from every basin: Levenberg-Marquardt's
    first step from there went to passive drainage (gamma_2.csv, flow R^2 below 0) instead of the
    ejections. The capacity's prior is centred on the scaled start. Unchanged when the capacity is
    not fitted, or when the start is within STORAGE_CLOSE of the observed yield: scaling a start
    that is already close moved the recovery test's mother (tests/test_fit.py, yield ratio 0.90)
    into the neighbouring basin, capacity 122 mL against the true 180 (199 unscaled)."""
    labels = problem.labels
    if "alveoli.capacity_mL" not in labels:
        return problem
    s, a = problem.setup, problem.arrays
    _, cum, _ = functions(problem)["predict"](a["u0"], a, s.params, s.structure)
    inside = np.asarray(a["inside"]) > 0
    last = [np.flatnonzero(row)[-1] for row in inside]
    observed = sum(float(np.asarray(a["obs_cum"])[i, k]) for i, k in enumerate(last))
    predicted = sum(float(np.asarray(cum)[i, k]) for i, k in enumerate(last))
    if not predicted > 0 or abs(np.log(observed / predicted)) < -np.log(1.0 - STORAGE_CLOSE):
        return problem
    i = labels.index("alveoli.capacity_mL")
    lo, hi = float(a["lower"][i]), float(a["upper"][i])
    start = float(a["initial"][i]) * float(np.clip(observed / predicted, *STORAGE_SCALING))
    s.params["alveoli"] = dict(
        s.params["alveoli"], capacity_mL=jnp.asarray(float(np.clip(start, 1.05 * lo, 0.95 * hi)))
    )
    mask = np.asarray(a["pulse_mask"]) > 0
    centres = [np.asarray(a["onsets"])[k][mask[k]] for k in range(mask.shape[0])] if s.mode == "pulses" else None
    slots = mask.shape[1] if s.mode == "pulses" else None
    return make_problem(s, problem.sessions, fit_cfg, problem.ts, centres, slots)


@functools.lru_cache(maxsize=8)
def compiled(config: SolveConfig, layout: Layout, weights):
    """Jitted loss/gradient (vmapped over starts), predictions and the forward-mode Jacobian on
    the time grid `a["ts"]` (traced: a new data grid of the same padded length reuses them);
    cached so a second problem of the same shape reuses the compilation."""
    w_cum, w_flow, prior_sd, prior_weight = weights
    configs = {
        fwd: dataclasses.replace(config, outputs="yield", adjoint="forward" if fwd else "reverse")
        for fwd in (False, True)
    }

    def predict(u, a, base, structure, forward_mode=False):
        x = to_natural(u, a["lower"], a["upper"], a["log"])
        values = layout.split(x)
        shared = {k: v for k, v in values.items() if not _per_session(layout, k)}
        batched = {k: v for k, v in values.items() if _per_session(layout, k)}
        batched["_onsets"], batched["_amounts"], batched["_mask"] = a["onsets"], a["amounts"], a["pulse_mask"]

        def one_session(b):
            params = copy.copy(base)
            params["neuro"] = dict(params["neuro"])
            if config.mode == "pulses":
                width = params["neuro"]["widths_s"][0]
                params["neuro"].update(
                    onsets_s=b["_onsets"], amounts_mU=b["_amounts"], widths_s=jnp.full_like(b["_onsets"], width)
                )
            for key, v in list(shared.items()) + [(k, v) for k, v in b.items() if not k.startswith("_")]:
                group, name = key.split(".")
                if key == WIDTH_KEY:  # the fitted width, the same for every pulse slot
                    v = jnp.broadcast_to(v, b["_onsets"].shape)
                params[group] = dict(params[group], **{name: v})
            if config.mode == "pulses":
                params["neuro"]["amounts_mU"] = params["neuro"]["amounts_mU"] * b["_mask"]
            return solve(configs[forward_mode], params, structure, (a["ts"],))

        return jax.vmap(one_session)(batched)

    def loss(u, a, base, structure):
        flow, cum, ok = predict(u, a, base, structure)
        w = a["inside"]
        ss_cum = jnp.sum(w * (cum - a["obs_cum"]) ** 2, axis=1) / a["sst_cum"]
        ss_flow = jnp.sum(w * (flow - a["obs_flow"]) ** 2, axis=1) / a["sst_flow"]
        data = jnp.mean(w_cum * ss_cum + w_flow * ss_flow)
        prior = prior_weight * jnp.mean(((u - a["u0"]) / prior_sd) ** 2)
        return jnp.where(jnp.all(ok), data + prior, 1.0e3)

    def residuals(u, a, base, structure):
        flow, cum, _ = predict(u, a, base, structure, forward_mode=True)
        return flow, cum

    def stacked(u, args):
        """R(u) with loss(u) = |R|^2 (mer.fit.polish.stacked_residuals); a failed solve is far off."""
        a, base, structure = args
        flow, cum, ok = predict(u, a, base, structure, forward_mode=True)
        n, inside = flow.shape[0], jnp.sqrt(a["inside"])
        rc = jnp.sqrt(w_cum / (n * a["sst_cum"]))[:, None] * inside * (cum - a["obs_cum"])
        rf = jnp.sqrt(w_flow / (n * a["sst_flow"]))[:, None] * inside * (flow - a["obs_flow"])
        prior = jnp.sqrt(prior_weight / u.size) / prior_sd * (u - a["u0"])
        r = jnp.concatenate([rc.ravel(), rf.ravel(), prior])
        return jnp.where(jnp.all(ok), r, 1.0e3)

    def least_squares(u, a, base, structure, max_steps):
        """Levenberg-Marquardt (optimistix) on |R|^2 with the forward-mode Jacobian."""
        solver = optx.LevenbergMarquardt(rtol=LM_RTOL, atol=LM_ATOL)
        sol = optx.least_squares(stacked, solver, u, (a, base, structure), max_steps=max_steps, throw=False)
        r = stacked(sol.value, (a, base, structure))
        return sol.value, jnp.sum(r**2), sol.stats["num_steps"]

    return {
        "least_squares": eqx.filter_jit(least_squares),
        "loss": eqx.filter_jit(loss),
        "value_and_grad": eqx.filter_jit(jax.vmap(jax.value_and_grad(loss), in_axes=(0, None, None, None))),
        "predict": eqx.filter_jit(predict),
        "jacobian": eqx.filter_jit(jax.jacfwd(residuals)),
    }


def _per_session(layout: Layout, key: str) -> bool:
    return any(p.per_session for p in layout.parameters if p.key == key)


TIME_AXIS = ("obs_flow", "obs_cum", "inside")  # the arrays with the data grid as their last axis


def _padded_arrays(a: dict) -> dict:
    """`a` on the padded save grid (mer.solve.padded): the added times lie outside the data
    (inside = 0), so the loss and the fitted values do not change."""
    n = a["ts"].shape[0]
    extra = bucket(n) - n
    out = dict(a, ts=jnp.asarray(padded(np.asarray(a["ts"]))))
    for key in TIME_AXIS:
        out[key] = jnp.pad(a[key], ((0, 0), (0, extra)))
    return out


_EXECUTABLES = {}  # compiled functions by mer.programs key: one per function and shape in a process


def _executable(name, fn, static, args):
    """`fn` compiled for `args`, its traced program kept on disk (mer/programs.py) so that the next
    fit of this shape skips tracing; `fn` itself when no program folder is on."""
    if programs.folder() is None or not all(isinstance(x, jax.Array) for x in jax.tree_util.tree_leaves(args)):
        return fn
    key = programs.key((*static, name), args)
    if key not in _EXECUTABLES:
        _EXECUTABLES[key] = programs.compiled(fn, (*static, name), args) or fn
    return _EXECUTABLES[key]


def functions(problem: FitProblem) -> dict:
    """The compiled functions of `compiled`, called on the padded grid; predictions and Jacobians
    come back on the data grid."""
    # the fit's Levenberg-Marquardt and its intervals need float64, whatever solver.precision says
    static = (config_for(problem.setup, precision="float64"), problem.layout, problem.weights)
    fns = compiled(*static)

    def on_grid(name):
        def call(u, a, *rest):
            args = (jnp.asarray(u), _padded_arrays(a), *rest)
            out = _executable(name, fns[name], static, args)(*args)
            if name in ("predict", "jacobian"):
                n = a["ts"].shape[0]
                out = jax.tree_util.tree_map(lambda x: x[:, :n] if x.ndim > 1 else x, out)
            return out

        return call

    return {name: on_grid(name) for name in fns}


def make_problem(
    setup: Setup, sessions: list[Session], fit_cfg: dict, ts: np.ndarray, pulse_centres=None, slots=None
) -> FitProblem:
    """Put the sessions on the model grid `ts`, detect pulses (or take `pulse_centres`, one array
    per session) and lay out the fitted parameters. `slots`: room for this many pulses per session
    (unused ones masked), so that fits with neighbouring pulse counts share one compilation."""
    n_sessions = len(sessions)
    obs = [on_grid(s, ts) for s in sessions]
    obs_flow = np.stack([o[0] for o in obs])
    obs_cum = np.stack([o[1] for o in obs])
    inside = np.stack([o[2] for o in obs])

    # pulses: one per detected ejection, padded (masked out) to the largest count
    if setup.mode == "pulses":
        detected = pulse_centres or [detect_pulses(s, float(fit_cfg["onset_to_pulse_s"])) for s in sessions]
        # room for the extra pulse of the count search (mer.fit.counts) unless `slots` is given
        extra = max([0] + [int(o) for o in fit_cfg.get("pulse_counts", [0])])
        k = int(slots) if slots else max(1, max(d.size for d in detected) + extra)
        onsets = np.full((n_sessions, k), 0.5 * float(ts[-1]))
        mask = np.zeros((n_sessions, k))
        for i, d in enumerate(detected):
            onsets[i, : d.size] = d
            mask[i, : d.size] = 1.0
        if not mask.any():  # no ejection seen anywhere: one pulse mid-session to start from
            mask[:, 0] = 1.0
        amounts = np.full((n_sessions, k), float(np.mean(np.asarray(setup.params["neuro"]["amounts_mU"]))))
    else:
        k, onsets, amounts, mask = 1, np.zeros((n_sessions, 1)), np.zeros((n_sessions, 1)), np.ones((n_sessions, 1))

    pulse_shapes = {key: (k,) for key in PULSE_KEYS} | {WIDTH_KEY: ()}
    parsed = parse_parameters(fit_cfg["parameters"], setup.params, pulse_shapes)
    for fp, _ in parsed:
        if fp.key in PULSE_KEYS and (setup.mode != "pulses" or not fp.per_session):
            raise ConfigError(
                f"fit.parameters.{fp.key}: pulse parameters are fitted per session with neuro=pulses "
                "(per_session: true)"
            )
        if fp.key == WIDTH_KEY and (setup.mode != "pulses" or fp.per_session):
            raise ConfigError(
                f"fit.parameters.{fp.key}: the pulse width is one value for the mother, fitted with neuro=pulses "
                "(per_session: false)"
            )
    layout = Layout(tuple(fp for fp, _ in parsed), n_sessions)

    initial, lower, upper, log, used = [], [], [], [], []
    for fp, b in parsed:
        shape = ((n_sessions,) if fp.per_session else ()) + fp.shape
        if fp.key == "neuro.onsets_s":
            x0, use = onsets, mask
        elif fp.key == "neuro.amounts_mU":
            x0, use = amounts, mask
        elif b["start"] is not None:
            x0, use = np.full(shape, b["start"]), np.ones(shape)
        elif fp.key == WIDTH_KEY:  # starts at the configured width of the first pulse
            x0, use = np.asarray(float(np.ravel(setup.params["neuro"]["widths_s"])[0])), np.ones(())
        else:
            x0 = np.broadcast_to(np.asarray(setup.params[fp.group][fp.name], dtype=float), shape)
            use = np.ones(shape)
        lo = x0 + b["lower"] if b["relative"] else np.full(shape, b["lower"])
        hi = x0 + b["upper"] if b["relative"] else np.full(shape, b["upper"])
        outside = (x0 < lo) | (x0 > hi)
        if np.any(outside):
            raise ConfigError(
                f"fit.parameters.{fp.key}: the starting value {float(np.asarray(x0)[outside][0]):g} lies outside "
                f"the bounds [{float(lo[outside][0]):g}, {float(hi[outside][0]):g}]"
            )
        for store, v in ((initial, x0), (lower, lo), (upper, hi), (log, np.full(shape, float(fp.log))), (used, use)):
            store.append(np.ravel(v))
    initial, lower, upper, log, used = (np.concatenate(v) for v in (initial, lower, upper, log, used))
    u0 = to_unconstrained(initial, lower, upper, log)

    def sst(y):
        mean = np.sum(inside * y, axis=1, keepdims=True) / np.sum(inside, axis=1, keepdims=True)
        return np.maximum(np.sum(inside * (y - mean) ** 2, axis=1), 1e-12)

    arrays = {
        "obs_flow": obs_flow,
        "obs_cum": obs_cum,
        "inside": inside,
        "sst_flow": sst(obs_flow),
        "sst_cum": sst(obs_cum),
        "onsets": onsets,
        "amounts": amounts,
        "pulse_mask": mask,
        "lower": lower,
        "upper": upper,
        "log": log,
        "u0": u0,
        "initial": initial,
        "used": used,
        "ts": ts,
    }
    arrays = {key: jnp.asarray(v) for key, v in arrays.items()}
    weights = (
        float(fit_cfg["weight_cumulative"]),
        float(fit_cfg["weight_flow"]),
        float(fit_cfg["prior_sd"]),
        float(fit_cfg["prior_weight"]),
    )
    return FitProblem(layout, setup, sessions, ts, arrays, weights)


def model_grid(sessions: list[Session], save_dt_s: float) -> np.ndarray:
    """Save times for the fit: the data's resolution (never finer than `save_dt_s`), up to the
    end of the longest session."""
    data_dt = min(float(np.median(np.diff(s.time_s))) for s in sessions)
    dt = max(save_dt_s, data_dt)
    return save_times(max(s.duration_s for s in sessions), dt)
