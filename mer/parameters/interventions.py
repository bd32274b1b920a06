"""The interventions' doses and effect sizes (`intervention.<name>.<field>`; what each does and its
sources: configs/intervention/ and mer/interventions/)."""

from __future__ import annotations

from mer.parameters.spec import ASSUMPTION, FITTED, MODEL, SETTING, Spec, frac, nonneg, pos

INTERVENTIONS = {
    "intervention.cx43_ko.residual_cx43": frac("fraction of Cx43 function left (Plante & Laird 2008)", SETTING),
    "intervention.atosiban.bolus_mg": nonneg("mg", "6.75 mg IV bolus (SmPC)", SETTING),
    "intervention.atosiban.infusion_ug_per_min": nonneg("ug/min", "300 ug/min (SmPC)", SETTING),
    "intervention.nifedipine.plasma_ng_per_mL": nonneg("ng/mL", "plasma peaks 23-198 ng/mL (Ferguson 1989)", SETTING),
    "intervention.nifedipine.l_type_share": frac(
        (
            "share of myoepithelial Ca2+ entry through L-type channels; OT's signals use "
            "store-operated entry (Davis et al. 2015 PNAS) and nifedipine for nipple "
            "vasospasm leaves milk production unchanged (LactMed; e-lactancia citing Magee "
            "2005): 0, an assumption"
        ),
        ASSUMPTION,
    ),
    "intervention.mgso4.serum_mM": nonneg("mM", "therapeutic 2-3.5 mmol/L; in vitro effect at 8 mM", SETTING),
    "intervention.terbutaline.efficacy": frac(
        "no change in intramammary pressure with isoproterenol (goat); unchecked", ASSUMPTION
    ),
    "intervention.stress_mental.drive_block": frac(
        (
            "mental arithmetic: OT pulses 2.25 -> 1.28 per 20 min (Ueda 1994); fitted to that"
            " ratio on the default pump session"
        ),
        FITTED,
    ),
    "intervention.stress.drive_block": frac("stress_mental's drive_block under the old name `stress`", FITTED),
    "intervention.stress_pain.release_block": frac(
        (
            "pain and distraction: less milk, restored by injected OT (Newton & Newton 1948);"
            " share of the OT per burst blocked, size an assumption"
        ),
        ASSUMPTION,
    ),
    "intervention.alcohol.g_per_kg": Spec(
        "g/kg",
        "Cobo 1973 dose bands",
        low=0.0,
        high=5.0,
        limit="Cobo 1973 graded 0.5 to over 2 g/kg; 5 g/kg is beyond a lethal dose",
        status=SETTING,
    ),
    "intervention.alcohol.half_block_g_per_kg": pos(
        "g/kg", "half block of OT release per burst; fitted to Cobo 1973's bands; " + MODEL, FITTED
    ),
    "intervention.alcohol.hill": pos(
        "1", "steepness of the release block; fitted to Cobo 1973's bands; " + MODEL, FITTED
    ),
    "intervention.alcohol.central_fraction": frac(
        "share of the release block also acting on afferent drive; 0", SETTING
    ),
    "intervention.morphine.dose_mg": nonneg(
        "mg", "5 mg IV: no significant OT rise to breastfeeding in 6 women (Lindow 1999)", SETTING
    ),
    "intervention.warmth.duct_dilation": nonneg("1", "warmth dilates ducts (Kent 2011; size unchecked)", ASSUMPTION),
    "intervention.compression.pressure_mmHg": nonneg("mmHg", "external compression (size unchecked)", SETTING),
    "intervention.compression.start_s": nonneg("s", "first compression", SETTING),
    "intervention.compression.duration_s": nonneg("s", "one compression", SETTING),
    "intervention.compression.period_s": pos("s", "time between compression starts", SETTING),
    "intervention.intranasal_ot.dose_IU": nonneg("IU", "nasal 65-100 ug (~40-60 IU) (Landgraf, probable)", SETTING),
    "intervention.intranasal_ot.time_s": Spec("s", "time of the nasal dose", status=SETTING),
    "intervention.labour_ot.release_scale": frac(
        "damped endogenous release after labour OT (unchecked size)", ASSUMPTION
    ),
    "intervention.obesity.generations_lost": Spec(
        "1", "fewer duct branches (unchecked)", kind=int, low=0, status=ASSUMPTION
    ),
    "intervention.obesity.myoepithelium_scale": frac("fewer myoepithelial cells (unchecked)", ASSUMPTION),
    "intervention.preeclampsia.contractility_scale": frac("weaker contraction response (unchecked)", ASSUMPTION),
    "intervention.hypothyroid.release_scale": frac("less OT release (unchecked)", ASSUMPTION),
    "intervention.caesarean.central_block": frac(
        "fewer OT pulses after emergency caesarean (Nissen 1996); size unchecked", ASSUMPTION
    ),
    "intervention.sci.residual_drive": frac("afferent drive left after spinal cord injury", SETTING),
}
