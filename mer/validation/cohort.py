"""A virtual cohort: mother-level parameters drawn from population distributions, and their
sessions solved as batches (`vmap` over mothers, chunked to bound memory).

Each distribution in `configs/validate.yaml` (`cohort.mother`) names the configuration field it
sets, its law and its source or status. Every mother also gets her own seed, which draws her
agents' heterogeneity and her neurons' excitability, and a session seed, which draws the
fluctuation of her afferent drive in one session (mer/neuro/fluctuation.py).
"""

from __future__ import annotations

import copy
import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from mer.build import build
from mer.config.validate import ConfigError, validate
from mer.solve import solver_for

LAWS = {
    # law: (the parameters it needs, draw(rng, p, n) of the untruncated variable)
    "lognormal": (("median", "sd_log"), lambda rng, p, n: p["median"] * np.exp(p["sd_log"] * rng.standard_normal(n))),
    "normal": (("mean", "sd"), lambda rng, p, n: p["mean"] + p["sd"] * rng.standard_normal(n)),
    "logitnormal": (
        ("median", "sd_logit"),
        lambda rng, p, n: (
            1.0 / (1.0 + np.exp(-(np.log(p["median"] / (1 - p["median"])) + p["sd_logit"] * rng.standard_normal(n))))
        ),
    ),
}


def flatten_mother_spec(spec: dict, prefix: str = "") -> dict:
    """The nested `cohort.mother` mapping as {dotted field: distribution}."""
    out = {}
    for key, value in (spec or {}).items():
        if isinstance(value, dict) and "law" not in value:
            out.update(flatten_mother_spec(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def check_mother_spec(spec: dict) -> None:
    """Each distribution: a known law, its parameters, a source; bounds low < high if given."""
    if not isinstance(spec, dict) or not spec:
        raise ConfigError("cohort.mother: expected a mapping of field -> distribution")
    for field, p in spec.items():
        where = f"cohort.mother.{field}"
        if not isinstance(p, dict) or p.get("law") not in LAWS:
            raise ConfigError(
                f"{where}.law: expected one of {sorted(LAWS)}, got {p.get('law') if isinstance(p, dict) else p!r}"
            )
        for k in LAWS[p["law"]][0]:
            if not isinstance(p.get(k), (int, float)) or isinstance(p.get(k), bool):
                raise ConfigError(f"{where}.{k}: expected a number for a {p['law']} law, got {p.get(k)!r}")
        if not p.get("source"):
            raise ConfigError(f"{where}.source: every distribution says where it comes from (or 'assumption: ...')")
        lo, hi = p.get("low", -np.inf), p.get("high", np.inf)
        if not lo < hi:
            raise ConfigError(f"{where}: expected low < high, got {lo} and {hi}")


def sample_mothers(spec: dict, n: int, seed: int) -> dict[str, np.ndarray]:
    """`n` draws of every field in `spec`, truncated to [low, high] by redrawing (not clipping:
    clipping would pile mothers on the bounds), and `seed` for each mother's own draws. One
    child of `numpy.random.SeedSequence(seed)` per field, so adding a field leaves the others."""
    spec = flatten_mother_spec(spec)
    check_mother_spec(spec)
    children = np.random.SeedSequence(seed).spawn(len(spec) + 2)
    out = {"seed": np.random.default_rng(children[0]).integers(0, 2**31 - 1, n)}
    # the last child: each mother's session seed (the fluctuation of her afferent drive)
    out["session_seed"] = np.random.default_rng(children[-1]).integers(0, 2**31 - 1 - SESSIONS_MAX, n)
    for child, (field, p) in zip(children[1:], sorted(spec.items())):
        rng = np.random.default_rng(child)
        lo, hi = p.get("low", -np.inf), p.get("high", np.inf)
        draw = LAWS[p["law"]][1]
        x = draw(rng, p, n)
        for _ in range(100):
            bad = (x < lo) | (x > hi)
            if not bad.any():
                break
            x[bad] = draw(rng, p, int(bad.sum()))
        else:
            raise ConfigError(f"cohort.mother.{field}: the bounds [{lo}, {hi}] leave almost no mass of the law")
        out[field] = x
    return out


SESSIONS_MAX = 100  # repeat sessions of one mother take session seeds s, s + 1, ...


def set_path(cfg: dict, path: str, value) -> None:
    node = cfg
    *parents, leaf = path.split(".")
    for key in parents:
        node = node[key]
    if leaf not in node:
        raise ConfigError(f"cohort.mother.{path}: not a configuration field")
    node[leaf] = type(node[leaf])(value) if isinstance(node[leaf], (int, float)) else value


INTEGER_FIELDS = ("seed", "session_seed")


def mother_config(base: dict, mothers: dict, k: int) -> dict:
    cfg = copy.deepcopy(base)
    for field, values in mothers.items():
        set_path(cfg, field, int(values[k]) if field in INTEGER_FIELDS else float(values[k]))
    return cfg


@dataclasses.dataclass
class Batch:
    """One condition's solves: saved curves stacked over mothers (leading axis)."""

    setup: object  # the first mother's Setup (shapes, tree, times)
    ts: np.ndarray
    ts_tree: np.ndarray
    series: dict
    ducts: tuple  # one dict per breast: radius, pressures, flow (mothers, time, segment)
    accepted_steps: np.ndarray
    solved: np.ndarray  # (mothers,) bool: the solve reached the session's end (finite curves)


def _stack(trees):
    return jax.tree_util.tree_map(lambda *x: jnp.stack(x), *trees)


def solve_cohort(configs: list[dict], chunk: int, progress=None) -> Batch:
    """Solve every configuration (one shape) in chunks of `chunk` mothers; the last chunk is
    padded with copies so that every chunk has one shape and one compilation."""
    setups = []
    for cfg in configs:
        validate(cfg)
        setups.append(build(cfg))
    switches = {(s.central, s.stimulus) for s in setups}
    if len(switches) > 1:  # one compilation serves every mother: static switches must agree
        raise ValueError(
            f"cohort: every mother must share the static switches (release, plasma model, stimulus); got {switches}"
        )
    run, ts, _, ts_tree = solver_for(setups[0])
    parts = []
    for start in range(0, len(setups), chunk):
        group = setups[start : start + chunk]
        pad = group + [group[-1]] * (min(chunk, len(setups)) - len(group))
        params, structure = zip(*(s.args() for s in pad))
        series, _, ducts, accepted, _ = run.many(_stack(params), _stack(structure))
        keep = slice(0, len(group))  # drop the padding
        parts.append(jax.tree_util.tree_map(lambda x, keep=keep: np.asarray(x)[keep], (series, ducts, accepted)))
        if progress is not None:
            progress(len(group))
    series, ducts, accepted = jax.tree_util.tree_map(lambda *x: np.concatenate(x), *parts)
    flows = [v for k, v in series.items() if k.startswith("flow")]
    solved = np.all([np.all(np.isfinite(f), axis=1) for f in flows], axis=0)
    return Batch(setups[0], ts, ts_tree, series, ducts, accepted, solved)
