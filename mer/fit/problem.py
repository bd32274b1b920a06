"""A fitting problem: the model, the observed sessions on its time grid, and the fitted values.

u is the flat unconstrained vector of the fitted values (mer.fit.parameters); the loss and the
model's predictions at u are the compiled functions of mer.fit.compiled.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from mer.build import Setup
from mer.config.validate import ConfigError
from mer.fit import pulses
from mer.fit.arrays import FitArrays
from mer.fit.data import Session, on_grid
from mer.fit.parameters import Layout, parse_parameters, to_natural, to_unconstrained
from mer.parameters import as_dict
from mer.solve import save_times

MIN_SST = 1e-12  # a flat observed curve (SST 0) divides by this instead: its R^2 term is its SSR


@dataclasses.dataclass
class FitProblem:
    layout: Layout
    setup: Setup
    sessions: list[Session]
    ts: np.ndarray  # model save times = data grid [s]
    arrays: FitArrays  # observed curves, pulse slots, bounds and start (mer.fit.arrays)
    weights: tuple  # (cumulative, flow, prior_sd, prior_weight)

    @property
    def labels(self):
        return self.layout.labels()

    @property
    def pulsed(self) -> bool:
        return self.setup.mode == pulses.PULSES

    def at_bounds(self, u, margin=0.01) -> list[str]:
        """Labels of the used values within `margin` of their range (in the fitted, sigmoid scale)
        of a bound: the data push them there, so the bound, not the data, set them."""
        a = self.arrays
        share = np.asarray(jax.nn.sigmoid(jnp.asarray(u)))
        used = np.asarray(a.used) > 0
        lower, upper = np.asarray(a.lower), np.asarray(a.upper)
        x = self.natural(u)
        return [
            f"{label} = {x[i]:.4g} at its {'lower' if share[i] < 0.5 else 'upper'} bound "
            f"{lower[i] if share[i] < 0.5 else upper[i]:.4g}"
            for i, label in enumerate(self.labels)
            if used[i] and (share[i] < margin or share[i] > 1.0 - margin)
        ]

    def natural(self, u):
        a = self.arrays
        return np.asarray(to_natural(jnp.asarray(u), a.lower, a.upper, a.log))

    def used_pulses(self):
        """Per session, the centres of its used pulse slots (their starting values)."""
        mask = np.asarray(self.arrays.pulse_mask) > 0
        return [np.asarray(self.arrays.onsets)[k][mask[k]] for k in range(mask.shape[0])]


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
    model_neuro = setup.params.neuro
    onsets, amounts, mask = pulses.slots(setup.mode, sessions, fit_cfg, ts, model_neuro, pulse_centres, slots)

    shapes = pulses.shapes(onsets.shape[1], pulses.width_per_pulse(fit_cfg))
    parsed = parse_parameters(fit_cfg["parameters"], setup.params, shapes)
    model_values = as_dict(setup.params)  # the starting values of the mother's parameters
    for fp, _ in parsed:
        pulses.check_parameter(fp, setup.mode)
    layout = Layout(tuple(fp for fp, _ in parsed), n_sessions)

    initial, lower, upper, log, used = [], [], [], [], []
    for fp, b in parsed:
        shape = ((n_sessions,) if fp.per_session else ()) + fp.shape
        from_pulses = pulses.starting_value(fp, b["start"], onsets, amounts, mask, model_neuro)
        if from_pulses is not None:
            x0, use = from_pulses
        elif b["start"] is not None:
            x0, use = np.full(shape, b["start"]), np.ones(shape)
        else:
            x0 = np.broadcast_to(np.asarray(model_values[fp.group][fp.name], dtype=float), shape)
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

    def sst(y):
        mean = np.sum(inside * y, axis=1, keepdims=True) / np.sum(inside, axis=1, keepdims=True)
        return np.maximum(np.sum(inside * (y - mean) ** 2, axis=1), MIN_SST)

    arrays = FitArrays(
        ts=ts,
        obs_flow=obs_flow,
        obs_cum=obs_cum,
        inside=inside,
        sst_flow=sst(obs_flow),
        sst_cum=sst(obs_cum),
        onsets=onsets,
        amounts=amounts,
        pulse_mask=mask,
        lower=lower,
        upper=upper,
        log=log,
        initial=initial,
        u0=to_unconstrained(initial, lower, upper, log),
        used=used,
    )
    arrays = jax.tree_util.tree_map(jnp.asarray, arrays)
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
    data_dt = min(s.step_s for s in sessions)
    dt = max(save_dt_s, data_dt)
    return save_times(max(s.duration_s for s in sessions), dt)
