"""Where the OT comes from: the OT neuron network driven by the nipple (`neuro=network`) or a
given pulse train (`neuro=pulses`). The values are in each option's YAML (configs/neuro/); the
structural settings (mode, n_neurons, n_bundles) are in mer/parameters/settings.py."""

from __future__ import annotations

import equinox as eqx

from mer.parameters.spec import (
    ASSUMPTION,
    FITTED,
    MODEL,
    SETTING,
    Scalar,
    Spec,
    Vector,
    frac,
    nonneg,
    parameter,
    pos,
)


class NetworkDrive(eqx.Module):
    """The afferent drive and the OT neuron network (mer/neuro/network.py, fluctuation.py)."""

    drive_gain: Scalar = parameter(None, nonneg("1", MODEL, FITTED))
    drive_tau_s: Scalar = parameter(
        None, pos("s", "first ejection ~1-2.5 min into pumping (docs/literature.md); " + MODEL, FITTED)
    )
    threshold: Scalar = parameter(None, Spec("1", MODEL, status=FITTED))
    gain_width: Scalar = parameter(None, pos("1", MODEL, FITTED))
    excitability_sd: Scalar = parameter(None, nonneg("1", "heterogeneous excitability (Rossoni 2008)", FITTED))
    dendritic_weight: Scalar = parameter(None, nonneg("1", "dendritic OT positive feedback (Rossoni 2008)", FITTED))
    dendritic_tau_s: Scalar = parameter(None, pos("s", MODEL, FITTED))
    rate_tau_s: Scalar = parameter(None, pos("s", MODEL, FITTED))
    fatigue_weight: Scalar = parameter(None, nonneg("1", MODEL, FITTED))
    fatigue_rate_per_s: Scalar = parameter(None, nonneg("1/s", "burst duration; " + MODEL, FITTED))
    fatigue_tau_s: Scalar = parameter(
        None, pos("s", "inter-burst interval ~1.5-4 min (docs/literature.md); " + MODEL, FITTED)
    )
    drive_fluctuation_sd: Scalar = parameter(
        None,
        Spec(
            "1",
            (
                "log sd of the session's fluctuation of the afferent drive: intervals vary within"
                " a session and each mother keeps her pattern (Prime et al. 2011); size an "
                "assumption"
            ),
            low=0.0,
            high=2.0,
            limit="above 2 the drive would swing by more than a factor 7 either way within minutes",
            status=ASSUMPTION,
        ),
    )
    drive_fluctuation_tau_s: Scalar = parameter(
        None, pos("s", "time scale of the drive's fluctuation (assumption)", ASSUMPTION)
    )
    conditioned_drive: Scalar = parameter(
        None,
        nonneg(
            "1",
            ("anticipatory release 3-10 min before suckling in all 10 women (McNeilly et al. 1983); size unchecked"),
            FITTED,
        ),
    )
    central_block: Scalar = parameter(None, frac("central block of afferent drive (0 none)", SETTING))
    bilateral_summation: Scalar = parameter(
        None,
        frac(
            (
                "breasts=2: share of the weaker nipple's afferent input added to the stronger's "
                "(0 the stronger alone, 1 the sum). Simultaneous pumping gives more ejections "
                "than sequential (Prime 2012); how the two afferents add is not measured: an "
                "assumption"
            ),
            ASSUMPTION,
        ),
    )


class PulseTrain(eqx.Module):
    """OT release as given pulses, one entry per pulse (mer/neuro/pulses.py; what the fit fits)."""

    onsets_s: Vector = parameter(None, Spec("s", "pulse centres", kind=list, status=SETTING))
    amounts_mU: Vector = parameter(
        None, Spec("mU", "35-80 mU per pulse (docs/literature.md)", kind=list, low=0.0, status=SETTING)
    )
    widths_s: Vector = parameter(
        None,
        Spec("s", "pulse width (surges < 1 min, Weitzman 1980)", kind=list, low=0.0, low_open=True, status=SETTING),
    )
