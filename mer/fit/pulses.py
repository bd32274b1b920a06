"""Everything the fit does differently when the release is explicit pulses (neuro=pulses).

Each session gets K pulse slots: one per ejection detected in its flow (a centre and an amount of
OT), padded to the largest count (plus room for the count search, mer.fit.counts) and masked, so
sessions with different counts, and fits with neighbouring counts, share one compilation. The
pulse parameters are per session; the width (sd), when fitted, is one value for the mother, or one
per pulse (`per_session: true`). With
the neuron network there are no pulses: one dummy slot, never used by the model.
"""

from __future__ import annotations

import logging

import jax.numpy as jnp
import numpy as np

from mer.config.validate import ConfigError
from mer.fit.data import Session
from mer.outputs.metrics import ejection_rises
from mer.parameters import replace

log = logging.getLogger(__name__)

PULSES = "pulses"  # the neuro mode with explicit pulses (configs/neuro/pulses.yaml)
PULSE_KEYS = ("neuro.onsets_s", "neuro.amounts_mU")
# the release pulses' width (sd, s): one value for all pulses of a mother when fitted, because how
# fast plasma OT rises shapes every ejection's rising flank alike (docs/design.md, Fitting); or one
# per pulse (per_session: true), for ejections that rise at different speeds within a session
WIDTH_KEY = "neuro.widths_s"
RELEASE_KEYS = (*PULSE_KEYS, WIDTH_KEY)  # the release, restored together by the diagnosis


def observed_onsets(session: Session) -> np.ndarray:
    return ejection_rises(session.time_s, session.flow_g_per_s)[0]


def detect_pulses(session: Session, lead_s: float) -> np.ndarray:
    """Pulse centres from the observed flow: each ejection's onset (an acute rise of flow,
    mer.outputs.metrics.ejection_rises) plus the delay from a release pulse's centre to flow onset."""
    return observed_onsets(session) + lead_s


# the balance studies read flow in 5-s periods (Ramsay 2006) or continuously (Prime 2009, 2011);
# at coarser samples an ejection that rises on the shoulder of another shows in one or two
# readings and its rise can be lost (benchmarks/README.md, "Other shapes")
COUNTED_SAMPLE_S = 5.0


def warn_about_ejections(mode, sessions) -> None:
    """Name each session in which no ejection is seen (it starts from one pulse mid-session), and
    each sampled too coarsely for overlapping ejections to be told apart by their rises."""
    for session in sessions if mode == PULSES else ():
        if observed_onsets(session).size == 0:
            log.warning(
                "session %s: no acute rise of flow (no ejection seen); fitted with one pulse to start from, "
                "the count then chosen by BIC: read its pulses as the release that best explains the flow",
                session.session_id,
            )
        if session.step_s > COUNTED_SAMPLE_S:
            log.warning(
                "session %s: a sample every %g s; ejections are counted from rises of flow read every %g s or "
                "less, and at this sampling two overlapping ejections can look like one (the count search "
                "adds one pulse at most): check the fitted count against the flow",
                session.session_id,
                session.step_s,
                COUNTED_SAMPLE_S,
            )


def slots(mode, sessions, fit_cfg, ts, model_neuro, centres=None, n_slots=None):
    """(onsets, amounts, mask), each (S, K): the pulse slots of every session. Pulses at `centres`
    (one array per session) or detected in the flow, each starting from the configured pulses'
    mean amount (`model_neuro`: the model's neuro params); `n_slots`: room for this many per
    session (unused ones masked), else the largest count plus the count search's extra pulse."""
    n_sessions = len(sessions)
    if mode != PULSES:
        return np.zeros((n_sessions, 1)), np.zeros((n_sessions, 1)), np.ones((n_sessions, 1))
    detected = centres or [detect_pulses(s, float(fit_cfg["onset_to_pulse_s"])) for s in sessions]
    extra = max([0] + [int(o) for o in fit_cfg.get("pulse_counts", [0])])
    k = int(n_slots) if n_slots else max(1, max(d.size for d in detected) + extra)
    onsets = np.full((n_sessions, k), 0.5 * float(ts[-1]))  # an unused slot sits mid-session
    mask = np.zeros((n_sessions, k))
    for i, d in enumerate(detected):
        onsets[i, : d.size] = d
        mask[i, : d.size] = 1.0
    if not mask.any():  # no ejection seen anywhere: one pulse mid-session to start from
        mask[:, 0] = 1.0
    amounts = np.full((n_sessions, k), float(np.mean(np.asarray(model_neuro.amounts_mU))))
    return onsets, amounts, mask


def shapes(n_slots: int, width_per_pulse: bool = False) -> dict:
    """The shape of one session's value of each pulse parameter (the width: one value, or one per
    pulse slot)."""
    return {key: (n_slots,) for key in PULSE_KEYS} | {WIDTH_KEY: (n_slots,) if width_per_pulse else ()}


def width_per_pulse(fit_cfg) -> bool:
    """Whether fit.parameters fits one pulse width per pulse (per_session: true)."""
    width = ((fit_cfg["parameters"] or {}).get("neuro") or {}).get("widths_s") or {}
    return bool(width.get("per_session", False))


def check_parameter(fp, mode) -> None:
    """Pulse times and amounts are fitted per session, the width once for the mother or per pulse;
    none of them without pulses."""
    if fp.key in PULSE_KEYS and (mode != PULSES or not fp.per_session):
        raise ConfigError(
            f"fit.parameters.{fp.key}: pulse parameters are fitted per session with neuro=pulses (per_session: true)"
        )
    if fp.key == WIDTH_KEY and mode != PULSES:
        raise ConfigError(
            f"fit.parameters.{fp.key}: the pulse width is fitted with neuro=pulses (one value for the mother, "
            "or one per pulse with per_session: true)"
        )


def starting_value(fp, start, onsets, amounts, mask, model_neuro):
    """(starting value, used) of a pulse parameter: times and amounts from the slots (an unused
    slot is not fitted), the width (every pulse's, when one per pulse) from `start` if given, else
    from the configured width of the first pulse; None for the other parameters."""
    if fp.key == "neuro.onsets_s":
        return onsets, mask
    if fp.key == "neuro.amounts_mU":
        return amounts, mask
    if fp.key == WIDTH_KEY:
        width = float(np.ravel(model_neuro.widths_s)[0]) if start is None else float(start)
        return (np.full(np.shape(onsets), width), mask) if fp.per_session else (np.asarray(width), np.ones(()))
    return None


def into_params(base, mode, onsets, amounts, mask, fitted):
    """The model's params of one session (traced): `base` with its pulse slots, then the fitted
    values (`fitted`: {group.name: value}) over them, then the unused slots silenced. `base` is
    not changed: each group set is a new one (mer.parameters.replace)."""
    params = base
    if mode == PULSES:
        widths = jnp.full_like(onsets, base.neuro.widths_s[0])
        params = replace(params, "neuro", onsets_s=onsets, amounts_mU=amounts, widths_s=widths)
    for key, v in fitted.items():
        group, name = key.split(".")
        if key == WIDTH_KEY:  # the mother's width in every pulse slot (one per pulse: as it is)
            v = jnp.broadcast_to(v, onsets.shape)
        params = replace(params, group, **{name: v})
    if mode == PULSES:
        params = replace(params, "neuro", amounts_mU=params.neuro.amounts_mU * mask)
    return params


def used_slots(key, value, mask_row):
    """A session's fitted value of `key` with its unused pulse slots dropped."""
    if key in RELEASE_KEYS and np.ndim(value) == 1:
        return value[np.asarray(mask_row) > 0]
    return value


def session_neuro(neuro_cfg: dict, arrays, session: int) -> dict:
    """The `neuro` configuration of one fitted session: its used pulses (the starting values; the
    fitted ones are set over them by the caller) and one width per pulse."""
    if neuro_cfg["mode"] != PULSES:
        return neuro_cfg
    mask = np.asarray(arrays.pulse_mask)[session] > 0
    return dict(
        neuro_cfg,
        onsets_s=np.asarray(arrays.onsets)[session][mask].tolist(),
        amounts_mU=np.asarray(arrays.amounts)[session][mask].tolist(),
        widths_s=[float(neuro_cfg["widths_s"][0])] * int(mask.sum()),
    )


def per_pulse(key, value, n_pulses):
    """A fitted value as the configuration holds it: the mother's one width, once per pulse."""
    return [value] * n_pulses if key == WIDTH_KEY and np.ndim(value) == 0 else value


def count(mode, arrays, session: int) -> int:
    """Pulses a session's fit used (0 without pulses)."""
    return int(np.sum(np.asarray(arrays.pulse_mask)[session] > 0)) if mode == PULSES else 0


def release_keys(mode) -> tuple:
    """The release parameters a diagnosis restores with the central side."""
    return RELEASE_KEYS if mode == PULSES else ()
