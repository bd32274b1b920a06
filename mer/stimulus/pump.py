"""Pump and infant suck schedules: peak vacuum, baseline vacuum and cycle rate against time.

- `pump`, pattern `two_phase` (Ramsay et al. 2005 J Hum Lact; Kent et al. 2008): a stimulation
  phase of fast cycles (~120/min) for ~2 min, then expression (~54-78/min) at the maximum
  comfortable vacuum (-191 +/- 9 mmHg).
- `pump`, pattern `three_phase` (Ramsay 2005 J Hum Lact): 120/min until ejection, 20/min for 2 min,
  then 55-78/min; "until ejection" is taken as the stimulation duration (time-based).
- `infant` (Geddes et al. 2008): baseline -64 +/- 45, peak -145 +/- 58 mmHg; non-nutritive sucking
  ~2 Hz until milk arrives, nutritive ~1 Hz after (the switch follows the milk removed so far).
Phase changes are smooth (sigmoids) so the vector field stays differentiable.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp


@dataclasses.dataclass(frozen=True)
class Stimulus:
    """What stimulates the nipple: fixed for a compiled solve (static, hashable)."""

    kind: str = "pump"  # pump | infant
    pattern: str = "two_phase"  # the pump's: two_phase | three_phase
    resolved: bool = False  # each suck or pump cycle resolved instead of the cycle-averaged vacuum


PUMP = Stimulus()  # the default: a two-phase pump, cycle-averaged


SWITCH_WIDTH_S = 2.0
SWITCH_WIDTH_ML = 0.2


def _after(t, t_switch):
    return jax.nn.sigmoid((t - t_switch) / SWITCH_WIDTH_S)


def session_on(t, s):
    """1 while the pump or baby is at the breast (from `start_s` to `session_end_s`), else 0."""
    return jnp.where(t >= s.start_s, 1.0, 0.0) * jax.nn.sigmoid((s.session_end_s - t) / SWITCH_WIDTH_S)


def schedule(t, removed_mL, s, kind: str, pattern: str):
    """(peak vacuum [mmHg], baseline vacuum [mmHg], cycles per min) at time t."""
    if kind == "infant":
        w = jax.nn.sigmoid((removed_mL - s.switch_volume_mL) / SWITCH_WIDTH_ML)
        rate = (1.0 - w) * s.nonnutritive_cycles_per_min + w * s.nutritive_cycles_per_min
        return s.peak_vacuum_mmHg, s.baseline_vacuum_mmHg, rate
    w = _after(t, s.start_s + s.stimulation_duration_s)
    peak = (1.0 - w) * s.stimulation_vacuum_mmHg + w * s.expression_vacuum_mmHg
    if pattern == "three_phase":
        slow = w * (1.0 - _after(t, s.start_s + s.stimulation_duration_s + s.slow_phase_duration_s))
        rate = (1.0 - w) * s.stimulation_cycles_per_min + slow * s.slow_phase_cycles_per_min
        rate = rate + (w - slow) * s.expression_cycles_per_min
    else:
        rate = (1.0 - w) * s.stimulation_cycles_per_min + w * s.expression_cycles_per_min
    return peak, jnp.zeros_like(peak), rate


def afferent_input(t, removed_mL, s, kind, pattern):
    """Afferent input from nipple stretch [1 = pump expression at -190 mmHg, 60 cycles/min]: grows
    with the stretch (peak vacuum relative to the reference) and sub-linearly with the rate
    (mechanoreceptors adapt)."""
    peak, base, rate = schedule(t, removed_mL, s, kind, pattern)
    stretch = jnp.abs(peak) / s.reference_vacuum_mmHg
    return session_on(t, s) * stretch * jnp.sqrt(rate / s.reference_cycles_per_min)


def vacuum_mmHg(t, phase_cycles, removed_mL, s, kind, pattern, resolved: bool):
    """Vacuum at the nipple. Each cycle rises from the baseline to the peak and back as
    (1 - cos 2 pi phase) / 2; cycle-averaged, that is the midpoint of baseline and peak."""
    peak, base, _ = schedule(t, removed_mL, s, kind, pattern)
    shape = 0.5 * (1.0 - jnp.cos(2.0 * jnp.pi * phase_cycles)) if resolved else 0.5
    return session_on(t, s) * (base + (peak - base) * shape)


def cycle_rate_per_s(t, removed_mL, s, kind, pattern):
    return session_on(t, s) * schedule(t, removed_mL, s, kind, pattern)[2] / 60.0
