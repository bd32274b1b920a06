"""The fitted parameters: bounds, transforms to an unconstrained space, and the flat vector layout.

Each fitted parameter x with bounds [lo, hi] is written as x = lo + (hi - lo) sigmoid(u) (scale
`linear`) or log x = log lo + (log hi - log lo) sigmoid(u) (scale `log`): the optimiser moves u
freely on the real line and x can never leave its bounds. A `relative` parameter's bounds are
offsets from its initial value (pulse times: within +/- a window of the detected ejection).
A `per_session` parameter has one value per session (pulses); the others are the mother's.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from mer.config.validate import ConfigError
from mer.parameters import as_dict


@dataclasses.dataclass(frozen=True)
class FitParameter:
    group: str  # key in the model's params (alveoli, ducts, neuro, ...)
    name: str
    shape: tuple  # () or (K,) per session
    per_session: bool
    log: bool

    @property
    def key(self) -> str:
        return f"{self.group}.{self.name}"


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where each fitted parameter lives in the flat unconstrained vector u."""

    parameters: tuple[FitParameter, ...]
    n_sessions: int

    def sizes(self):
        return [(self.n_sessions if p.per_session else 1) * int(np.prod(p.shape, dtype=int)) for p in self.parameters]

    @property
    def size(self) -> int:
        return sum(self.sizes())

    def split(self, u):
        """u (P,) -> {key: array (S, *shape) or (*shape)}."""
        out, start = {}, 0
        for p, n in zip(self.parameters, self.sizes()):
            shape = ((self.n_sessions,) if p.per_session else ()) + p.shape
            out[p.key] = u[start : start + n].reshape(shape)
            start += n
        return out

    def join(self, values: dict):
        """{key: array} -> flat (P,): the inverse of split (mer.fit.counts rebuilds a start with it)."""
        return jnp.concatenate([jnp.ravel(jnp.asarray(values[p.key])) for p in self.parameters])

    def colouring(self):
        """(owner, colour, n): for each entry of u, the session it acts on (-1: the mother's
        values, every session) and a colour shared only by entries that never act on the same
        session (the same pulse slot in different sessions); n colours in all. Forward-mode
        derivatives along one colour's summed directions are then each entry's own, session by
        session: a compressed Jacobian (Curtis, Powell & Reid 1974, J Inst Math Appl 13:117) with
        one column per colour instead of one per entry. One session: one colour per entry, in order."""
        owner, colour, n = [], [], 0
        for p, size in zip(self.parameters, self.sizes()):
            if p.per_session:
                k = size // self.n_sessions
                owner.append(np.repeat(np.arange(self.n_sessions), k))
                colour.append(n + np.tile(np.arange(k), self.n_sessions))
                n += k
            else:
                owner.append(np.full(size, -1))
                colour.append(n + np.arange(size))
                n += size
        return np.concatenate(owner), np.concatenate(colour), n

    def labels(self) -> list[str]:
        """One name per entry of u: `alveoli.ec50_pM`, `neuro.onsets_s[s1][2]`, ..."""
        names = []
        for p, n in zip(self.parameters, self.sizes()):
            if n == 1 and not p.per_session:
                names.append(p.key)
                continue
            shape = ((self.n_sessions,) if p.per_session else ()) + p.shape
            names += [p.key + "".join(f"[{i}]" for i in idx) for idx in np.ndindex(*shape)]
        return names


def to_natural(u, lower, upper, log):
    """Bounded natural value from unconstrained u (arrays broadcast; `log` a 0/1 array)."""
    s = jax.nn.sigmoid(u)
    linear = lower + (upper - lower) * s
    logged = jnp.exp(
        jnp.log(jnp.maximum(lower, 1e-300))
        + (jnp.log(jnp.maximum(upper, 1e-300)) - jnp.log(jnp.maximum(lower, 1e-300))) * s
    )
    return jnp.where(log > 0, logged, linear)


def to_unconstrained(x, lower, upper, log):
    x, lower, upper, log = (np.asarray(v, dtype=float) for v in (x, lower, upper, log))
    # the log branch only where it applies: linear-scale bounds may be zero or negative (np.where
    # evaluates both branches, and log(-1) warned "invalid value encountered in log")
    on_log = log > 0
    with np.errstate(divide="ignore"):  # a value of 0 on a log scale: -inf, the lower bound below
        x_log, lower_log, upper_log = (np.log(np.where(on_log, v, 1.0)) for v in (x, lower, upper))
    span = np.where(on_log, upper_log - lower_log, upper - lower)
    frac = np.where(on_log, x_log - lower_log, x - lower) / np.where(span == 0, 1.0, span)
    frac = np.clip(frac, 1e-6, 1 - 1e-6)  # a value on a bound starts just inside it
    return np.log(frac) - np.log1p(-frac)


def parse_parameters(spec: dict, params, per_session_shapes: dict) -> list[tuple[FitParameter, dict]]:
    """Check `fit.parameters` ({group: {name: {lower, upper, scale, relative, per_session, start}}})
    against the model's parameters (`params`, mer.parameters.Params: its groups and their fields are
    the paths a fit may name); return (FitParameter, bounds) pairs. `start` replaces the model's
    value as the starting point (and the prior's centre) of a mother's parameter."""
    model_params = as_dict(params)
    if not spec:
        raise ConfigError("fit.parameters: expected at least one parameter to fit")
    out = []
    for group, names in spec.items():
        if group not in model_params:
            raise ConfigError(
                f"fit.parameters.{group}: no such parameter group; expected one of {sorted(model_params)}"
            )
        for name, b in (names or {}).items():
            where = f"fit.parameters.{group}.{name}"
            if name not in model_params[group]:
                raise ConfigError(f"{where}: the model has no parameter {group}.{name}")
            unknown = set(b) - {"lower", "upper", "scale", "relative", "per_session", "start"}
            if unknown:
                raise ConfigError(
                    f"{where}: unknown field {sorted(unknown)[0]!r}; expected lower, upper, scale, relative, "
                    "per_session, start"
                )
            for field in ("lower", "upper") + (("start",) if b.get("start") is not None else ()):
                if not isinstance(b.get(field), (int, float)) or isinstance(b.get(field), bool):
                    raise ConfigError(f"{where}.{field}: expected a number, got {b.get(field)!r}")
            if not b["lower"] < b["upper"]:
                raise ConfigError(f"{where}: expected lower < upper, got [{b['lower']}, {b['upper']}]")
            scale = b.get("scale", "log")
            if scale not in ("log", "linear"):
                raise ConfigError(f"{where}.scale: expected 'log' or 'linear', got {scale!r}")
            relative = bool(b.get("relative", False))
            if scale == "log" and (b["lower"] <= 0 or relative):
                raise ConfigError(f"{where}.scale: 'log' needs positive absolute bounds; use scale: linear")
            per_session = bool(b.get("per_session", False))
            shape = per_session_shapes.get(f"{group}.{name}", np.shape(model_params[group][name]))
            fp = FitParameter(group, name, tuple(shape), per_session, scale == "log")
            start = None if b.get("start") is None else float(b["start"])  # else the model's value
            out.append(
                (fp, {"lower": float(b["lower"]), "upper": float(b["upper"]), "relative": relative, "start": start})
            )
    return out
