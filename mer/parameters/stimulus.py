"""The stimulus at the nipple: a breast pump or a suckling infant (mer/stimulus/pump.py). The
values are in each option's YAML (configs/stimulus/); kind, pattern and resolution, which select
compiled code, are in mer/parameters/settings.py."""

from __future__ import annotations

import equinox as eqx

from mer.parameters.spec import (
    ASSUMPTION,
    MEASURED_HUMAN,
    SETTING,
    Scalar,
    Spec,
    nonneg,
    parameter,
    pos,
)


class Stimulus(eqx.Module):
    """What both stimuli have: the normalisation of the afferent input, start and end."""

    reference_vacuum_mmHg: Scalar = parameter(None, pos("mmHg", "normalisation of afferent stretch", SETTING))
    reference_cycles_per_min: Scalar = parameter(None, pos("1/min", "normalisation of afferent rate", SETTING))
    start_s: Scalar = parameter(None, nonneg("s", "when the pump or baby starts", SETTING))
    session_end_s: Scalar = parameter(None, nonneg("s", "pump stops", SETTING))


class Pump(Stimulus):
    """A breast pump: a stimulation phase, then expression (two_phase; three_phase adds a slow phase)."""

    stimulation_duration_s: Scalar = parameter(
        None, nonneg("s", "~2 min stimulation phase (Ramsay 2005 J Hum Lact)", MEASURED_HUMAN)
    )
    stimulation_cycles_per_min: Scalar = parameter(
        None, pos("1/min", "~120 cycles/min (Ramsay 2005 J Hum Lact)", MEASURED_HUMAN)
    )
    slow_phase_cycles_per_min: Scalar = parameter(
        None, pos("1/min", "20 cycles/min for 2 min in the 3-phase pattern (Ramsay 2005 J Hum Lact)", MEASURED_HUMAN)
    )
    slow_phase_duration_s: Scalar = parameter(None, nonneg("s", "2 min (Ramsay 2005 J Hum Lact)", MEASURED_HUMAN))
    expression_cycles_per_min: Scalar = parameter(
        None, pos("1/min", "54-78 cycles/min (Ramsay 2005 J Hum Lact)", MEASURED_HUMAN)
    )
    stimulation_vacuum_mmHg: Scalar = parameter(
        None, Spec("mmHg", "stimulation phase vacuum (unchecked)", low=-400.0, high=0.0, status=ASSUMPTION)
    )
    expression_vacuum_mmHg: Scalar = parameter(
        None,
        Spec("mmHg", "maximum comfortable -191 +/- 9 mmHg (Kent 2008)", low=-400.0, high=0.0, status=MEASURED_HUMAN),
    )


class Infant(Stimulus):
    """A suckling infant: non-nutritive sucking until milk flows, then nutritive."""

    nonnutritive_cycles_per_min: Scalar = parameter(
        None, pos("1/min", "non-nutritive sucking ~2 Hz (unchecked)", ASSUMPTION)
    )
    nutritive_cycles_per_min: Scalar = parameter(None, pos("1/min", "nutritive sucking ~1 Hz (unchecked)", ASSUMPTION))
    baseline_vacuum_mmHg: Scalar = parameter(
        None,
        Spec(
            "mmHg", "infant baseline -64 +/- 45 mmHg (Geddes et al. 2008)", low=-400.0, high=0.0, status=MEASURED_HUMAN
        ),
    )
    peak_vacuum_mmHg: Scalar = parameter(
        None,
        Spec("mmHg", "infant peak -145 +/- 58 mmHg (Geddes et al. 2008)", low=-400.0, high=0.0, status=MEASURED_HUMAN),
    )
    switch_volume_mL: Scalar = parameter(
        None, pos("mL", "milk removed at which sucking turns nutritive (unchecked)", ASSUMPTION)
    )
