"""OT in the blood: release from the pituitary, distribution and clearance, doses given from
outside, and atosiban. One class per parameter group (`params.<group>` in the configuration)."""

from __future__ import annotations

import equinox as eqx

from mer.parameters.spec import (
    ASSUMPTION,
    DERIVED,
    FITTED,
    MEASURED_HUMAN,
    SETTING,
    Scalar,
    Spec,
    frac,
    nonneg,
    parameter,
    pos,
)


class Circulation(eqx.Module):
    """Plasma OT kinetics (mer/circulation/plasma.py, transit.py). `two_compartment` selects the
    plasma model that is compiled (a static switch)."""

    half_life_s: Scalar = parameter(
        192.0,
        pos(
            "s",
            (
                "3.2 min median after an IV bolus (Fabian et al. 1969 J Physiol 204:653; 2.0-5.7 "
                "min are its 95 % limits)"
            ),
            MEASURED_HUMAN,
        ),
    )
    clearance_L_per_min: Scalar = parameter(
        1.4, pos("L/min", "postpartum clearance 1.3-1.4 L/min (Am J Physiol 1990)", MEASURED_HUMAN)
    )
    basal_pM: Scalar = parameter(1.2, nonneg("pM", "0.7 uU/mL ~1.2 pg/mL (Johnston & Amico 1986 JCEM)", MEASURED_HUMAN))
    two_compartment: int = parameter(
        0,
        Spec("1", "0 one compartment, 1 two compartments (De Groot 1995)", kind=int, low=0, high=1, status=SETTING),
        static=True,
    )
    alpha_half_life_s: Scalar = parameter(
        176.4, pos("s", "t1/2,alpha 0.049 h after 1 IU IV (De Groot et al. 1995)", MEASURED_HUMAN)
    )
    beta_half_life_s: Scalar = parameter(1188.0, pos("s", "t1/2,beta 0.33 h (De Groot et al. 1995)", MEASURED_HUMAN))
    two_compartment_clearance_L_per_h: Scalar = parameter(
        67.0, pos("L/h", "CL 67 L/h (De Groot et al. 1995)", MEASURED_HUMAN)
    )
    central_volume_L: Scalar = parameter(
        8.0,
        pos(
            "L", ("central volume, not in De Groot's fit; must give k10 between beta and alpha (unchecked)"), ASSUMPTION
        ),
    )
    transit_s: Scalar = parameter(
        10.0,
        nonneg(
            "s",
            (
                "mean vein -> breast-artery transit; arm vein -> femoral artery 11.2 s (I-131), "
                "lung -> ear 5.2 s (classical circulation times; unchecked for the pituitary's "
                "veins); 0 = none"
            ),
            ASSUMPTION,
        ),
    )
    mammary_delivery: Scalar = parameter(
        1.0,
        Spec(
            "1",
            ("share of arterial OT reaching the myoepithelium (1 = all; vasoconstriction lowers it; unchecked)"),
            low=0.0,
            high=1.0,
            limit="the myoepithelium cannot see more OT than the arterial blood carries",
            status=ASSUMPTION,
        ),
    )


class Pituitary(eqx.Module):
    """The posterior pituitary store and its release (mer/neuro/pituitary.py)."""

    store_mU: Scalar = parameter(5000.0, pos("mU", "3000-9000 mU (Marasco 2022 deck; unchecked)", ASSUMPTION))
    release_gain_mU_per_s: Scalar = parameter(
        3.0, nonneg("mU/s", "gives 35-80 mU per burst (plasma peaks, docs/literature.md)", FITTED)
    )
    release_scale: Scalar = parameter(
        1.0, nonneg("1", ("central modulation of release, 1 none (alcohol: Cobo 1973; morphine: Lindow 1999)"), SETTING)
    )


class Exogenous(eqx.Module):
    """OT given from outside: IV bolus and infusion, IM injection, nasal spray (none by default;
    interventions set the doses; mer/circulation/exogenous.py)."""

    iv_bolus_mU: Scalar = parameter(
        0.0, nonneg("mU", "IV threshold dose for ejection 2 mU (1961 human study)", SETTING)
    )
    iv_bolus_time_s: Scalar = parameter(0.0, Spec("s", "time of the bolus", status=SETTING))
    infusion_mU_per_min: Scalar = parameter(0.0, nonneg("mU/min", "IV infusion rate", SETTING))
    infusion_start_s: Scalar = parameter(0.0, Spec("s", "infusion start", status=SETTING))
    infusion_end_s: Scalar = parameter(0.0, Spec("s", "infusion end", status=SETTING))
    im_mU: Scalar = parameter(0.0, nonneg("mU", "intramuscular dose", SETTING))
    im_time_s: Scalar = parameter(0.0, Spec("s", "time of the IM injection", status=SETTING))
    im_absorption_tau_s: Scalar = parameter(600.0, pos("s", "IM absorption time constant (unchecked)", ASSUMPTION))
    intranasal_IU: Scalar = parameter(
        0.0, nonneg("IU", "nasal 65-100 ug (~40-60 IU) -> 36-85 pg/mL (Landgraf, probable)", SETTING)
    )
    intranasal_time_s: Scalar = parameter(0.0, Spec("s", "time of the nasal dose", status=SETTING))
    intranasal_lag_s: Scalar = parameter(
        100.0, nonneg("s", "nasal response ~100 s after dosing (1961 human study)", MEASURED_HUMAN)
    )
    intranasal_absorption_tau_s: Scalar = parameter(
        120.0, pos("s", "nasal absorption time constant (unchecked)", ASSUMPTION)
    )
    intranasal_bioavailability: Scalar = parameter(
        0.005, frac("nasal needs ~200x the IV dose (1961 human study); 0.005", DERIVED)
    )


class Atosiban(eqx.Module):
    """The OT receptor antagonist atosiban: dose and pharmacokinetics (mer/circulation/atosiban.py)."""

    bolus_mg: Scalar = parameter(0.0, nonneg("mg", "6.75 mg bolus (SmPC)", SETTING))
    infusion_ug_per_min: Scalar = parameter(0.0, nonneg("ug/min", "300 ug/min (SmPC)", SETTING))
    clearance_L_per_h: Scalar = parameter(42.0, pos("L/h", "CL 42 L/h (Goodwin 1995)", MEASURED_HUMAN))
    volume_L: Scalar = parameter(18.0, pos("L", "Vd 18 L (Goodwin 1995)", MEASURED_HUMAN))
    bound_fraction: Scalar = parameter(0.47, frac("46-48 % protein bound (SmPC)", MEASURED_HUMAN))
