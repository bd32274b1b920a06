"""The alveoli: storage, OT receptors, Ca2+ dynamics, the myoepithelial squeeze and secretion
(mer/alveoli/); and the external compression of the breast."""

from __future__ import annotations

import equinox as eqx

from mer.parameters.spec import (
    ASSUMPTION,
    CAPACITY_LIMIT,
    DERIVED,
    FITTED,
    MEASURED_HUMAN,
    MEASURED_HUMAN_MYOMETRIUM,
    MEASURED_SOW,
    MODEL,
    SETTING,
    Scalar,
    Spec,
    frac,
    nonneg,
    parameter,
    pos,
    upto,
)


class Alveoli(eqx.Module):
    """Alveolar agents: capacity and fullness, receptor sensitivity, activation, contraction, outlets.
    `desensitisation_tau_s` and `store_gating` default to mechanism=desensitisation (configs/mechanism/)."""

    capacity_mL: Scalar = parameter(
        210.0,
        upto("mL", "storage capacity 74-606 mL, mean ~210 (Kent et al. 1999)", 2000.0, CAPACITY_LIMIT, MEASURED_HUMAN),
    )
    capacity_sd: Scalar = parameter(0.3, nonneg("1", "spread of alveolar capacity (unchecked)", ASSUMPTION))
    initial_fullness: Scalar = parameter(
        0.75,
        frac(
            ("66 % of available milk removed in 15 min (Kent 2008) implies a full breast; unchecked"),
            FITTED,
            low_open=True,
        ),
    )
    fullness_sd: Scalar = parameter(0.5, nonneg("1", "spread of initial fullness, logit scale (unchecked)", ASSUMPTION))
    ec50_pM: Scalar = parameter(
        16.0,
        pos(
            "pM",
            (
                "in-vivo effective EC50, prior 10-100 pM; 16 makes 2 mU IV the threshold dose for"
                " an ejection (1961 human study; docs/hypothalamus_and_breasts.md)"
            ),
            FITTED,
        ),
    )
    hill: Scalar = parameter(
        1.5, pos("1", "Hill coefficient ~1-1.5 (estimate; OT Kd Hill ~1, Tahara 2000)", ASSUMPTION)
    )
    fullness_sensitivity: Scalar = parameter(
        1.5, nonneg("1", "fuller alveoli respond faster (Marasco 2022 deck; size unchecked)", ASSUMPTION)
    )
    sensitivity_sd: Scalar = parameter(
        0.3, nonneg("1", "spread of receptor density within a lobule (unchecked)", ASSUMPTION)
    )
    lobule_sensitivity_sd: Scalar = parameter(
        0.8, nonneg("1", "spread of receptor density between lobules (unchecked)", ASSUMPTION)
    )
    antagonist_ki_nM: Scalar = parameter(
        10.0, pos("nM", "atosiban Ki ~10 nM (Phaneuf 1994)", MEASURED_HUMAN_MYOMETRIUM)
    )
    desensitisation_tau_s: Scalar = parameter(
        60.0,
        pos(
            "s",
            (
                "OT receptor desensitisation: hours at nM in myometrium (Phaneuf 1998; Balki "
                "2013); 60 s only in mechanism=desensitisation, fitted to separate ejections"
            ),
            ASSUMPTION,
        ),
    )
    signal_rate_per_s: Scalar = parameter(0.5, nonneg("1/s", MODEL, FITTED))
    stretch_rate_per_s: Scalar = parameter(
        0.01, nonneg("1/s", "stretch-activated (Piezo1-like) influx; " + MODEL, FITTED)
    )
    cicr_rate_per_s: Scalar = parameter(
        2.0, nonneg("1/s", "regenerative store release (Davis et al. 2015 PNAS); " + MODEL, FITTED)
    )
    cicr_half_activation: Scalar = parameter(0.3, pos("1", MODEL, FITTED))
    cicr_hill: Scalar = parameter(4.0, pos("1", MODEL, FITTED))
    activation_tau_s: Scalar = parameter(3.0, pos("s", "Ca2+ removal; " + MODEL, FITTED))
    recovery_tau_s: Scalar = parameter(120.0, pos("s", "store refilling; " + MODEL, FITTED))
    inactivation_rate_per_s: Scalar = parameter(0.25, nonneg("1/s", "store depletion; " + MODEL, FITTED))
    store_gating: Scalar = parameter(
        0.0, frac("share of receptor-driven Ca2+ release drawn from the releasable store", ASSUMPTION)
    )
    gap_junction_rate_per_s: Scalar = parameter(
        0.05, nonneg("1/s", "Cx43 coupling per edge (myometrium 32 nS/pair, Miyoshi 1996); " + MODEL, FITTED)
    )
    cx43: Scalar = parameter(1.0, frac("Cx43 function, 1 normal, 0 knockout (Plante & Laird 2008)", SETTING))
    ca_entry: Scalar = parameter(1.0, nonneg("1", "Ca2+ entry scale, 1 normal (calcium blockers lower it)", SETTING))
    basket_cells: Scalar = parameter(
        30.0,
        Spec(
            "1",
            (
                "myoepithelial cells around one alveolus: 'a relatively small number of basal "
                "cells' wraps each alveolar unit (mouse); no count per human alveolus found; "
                "assumption"
            ),
            low=1.0,
            high=10000.0,
            limit="a basket of more than 10^4 cells is no alveolus",
            status=ASSUMPTION,
        ),
    )
    coupling_margin: Scalar = parameter(
        2.0,
        pos(
            "1",
            (
                "gap-junction coupling of a basket's cells over the critical coupling "
                "(mer/alveoli/basket.py); at 2, losing more than half of Cx43 function abolishes "
                "the coherent squeeze, as in G60S mice whose reduced Cx43 left OT unable to "
                "deliver milk (Plante & Laird 2008); assumption"
            ),
            ASSUMPTION,
        ),
    )
    contractility: Scalar = parameter(1.0, nonneg("1", "contractile response, 1 normal", SETTING))
    max_tension_mmHg: Scalar = parameter(
        30.0,
        upto(
            "mmHg",
            "intramammary pressure 20-49 mmHg at ejection (sow, J Physiol 1982;333:577)",
            500.0,
            ("20-49 mmHg at ejection (J Physiol 1982;333:577); 500 mmHg is above arterial pressure"),
            MEASURED_SOW,
        ),
    )
    tension_hill: Scalar = parameter(2.0, pos("1", MODEL, FITTED))
    tension_half_activation: Scalar = parameter(0.3, pos("1", MODEL, FITTED))
    myoepithelium_sd: Scalar = parameter(0.2, nonneg("1", "spread of myoepithelial complement (unchecked)", ASSUMPTION))
    elastic_mmHg: Scalar = parameter(
        5.0,
        nonneg(
            "mmHg", ("resting intramammary pressure of a few mmHg (touch alone 1-13 cmH2O, rat); unchecked"), ASSUMPTION
        ),
    )
    resting_opening: Scalar = parameter(
        0.01, frac("ducts dilate at ejection (Ramsay 2004); flow near zero before it", FITTED, low_open=True)
    )
    empty_half_fullness: Scalar = parameter(0.1, pos("1", MODEL, FITTED))
    outlet_conductance_mL_per_s_per_mmHg: Scalar = parameter(
        0.01, pos("mL/s/mmHg", "peak flow 0.5 +/- 0.2 g/s (Ramsay 2006; Idei 2024); " + MODEL, FITTED)
    )
    secretion_max_mL_per_h: Scalar = parameter(
        38.0,
        Spec(
            "mL/h",
            "454 +/- 201 g/24 h per breast (Kent et al. 1999); unchecked",
            low=0.0,
            high=500.0,
            limit=("454 +/- 201 g per breast per day (Kent et al. 1999), ~19 mL/h; 500 mL/h is 12 L a day"),
            status=DERIVED,
        ),
    )


class Compression(eqx.Module):
    """External breast compression (none by default; mer/alveoli/compression.py)."""

    pressure_mmHg: Scalar = parameter(
        0.0, nonneg("mmHg", "external breast compression (direction only; unchecked size)", SETTING)
    )
    start_s: Scalar = parameter(0.0, Spec("s", "first compression", status=SETTING))
    duration_s: Scalar = parameter(0.0, nonneg("s", "length of one compression", SETTING))
    period_s: Scalar = parameter(60.0, pos("s", "time between compression starts", SETTING))
