"""Intervention functions: f(params, doses, anatomy) changes copies of the parameter set and the
anatomy in place (apply_intervention makes the copies); one per configs/intervention/ file.

Each function states its mechanism and source; the config file beside it holds the doses, which
Hydra users override (`intervention=alcohol intervention.alcohol.g_per_kg=1.5`). Interventions
compose: `intervention=[stress_mental,warmth]` applies both, in that order.
"""

from __future__ import annotations

import copy

from mer.config.validate import ConfigError

NIFEDIPINE_G_PER_MOL = 346.3
NIFEDIPINE_IC50_NM = 290.0  # geometric middle of 29 nM-2.9 uM (myometrium); unchecked for myoepithelium
MGSO4_INVITRO_BLOCK = 0.35  # -30-40 % at 8 mM in vitro (Gynecol Endocrinol 2007)
MGSO4_INVITRO_MM = 8.0
MORPHINE_ABOLISHING_MG = 5.0  # no significant OT rise after 5 mg IV (Lindow et al. 1999): a full block


def cx43_ko(params, d, anatomy):
    """Cx43 loss: no gap-junction spread of activation and an incoherent basket contraction
    (Plante & Laird 2008). `residual_cx43` between 0 and 1 gives partial loss (diabetes, high-fat diet)."""
    params["alveoli"]["cx43"] = params["alveoli"]["cx43"] * d["residual_cx43"]


def atosiban(params, d, anatomy):
    """Competitive OT receptor antagonist, IV bolus then infusion from the session start
    (SmPC standard dosing; Ki ~10 nM, Phaneuf 1994)."""
    params["atosiban"]["bolus_mg"] = d["bolus_mg"]
    params["atosiban"]["infusion_ug_per_min"] = d["infusion_ug_per_min"]


def nifedipine_block(plasma_ng_per_mL):
    c_nM = plasma_ng_per_mL * 1.0e3 / NIFEDIPINE_G_PER_MOL
    return c_nM / (c_nM + NIFEDIPINE_IC50_NM)


def nifedipine(params, d, anatomy):
    """L-type Ca2+ channel block, C / (C + IC50) at Ferguson 1989's plasma levels, of the share of
    myoepithelial Ca2+ entry that runs through L-type channels (`l_type_share`; 0 by default: OT's
    Ca2+ signals use store-operated entry, Davis et al. 2015, and no loss of milk is reported)."""
    block = nifedipine_block(d["plasma_ng_per_mL"]) * d["l_type_share"]
    params["alveoli"]["ca_entry"] = params["alveoli"]["ca_entry"] * (1.0 - block)


def mgso4_block(serum_mM):
    return min(MGSO4_INVITRO_BLOCK, MGSO4_INVITRO_BLOCK * serum_mM / MGSO4_INVITRO_MM)


def mgso4(params, d, anatomy):
    """Mg2+ competes with Ca2+ entry; at most the in-vitro 35 % at 8 mM (none seen in vivo, sheep)."""
    params["alveoli"]["ca_entry"] = params["alveoli"]["ca_entry"] * (1.0 - mgso4_block(d["serum_mM"]))


def terbutaline(params, d, anatomy):
    """beta2 agonist: no relaxation of the myoepithelium (isoproterenol, goat); residual `efficacy`."""
    params["alveoli"]["contractility"] = params["alveoli"]["contractility"] * (1.0 - d["efficacy"])


def stress_mental(params, d, anatomy):
    """Mental stress (arithmetic, noise) during a feed: a central block of part of the afferent
    drive, so fewer OT pulses (Ueda 1994: 2.25 -> 1.28 per 20 min). The breast is left as it is:
    Ueda saw the same milk yield and prolactin rise."""
    _block_drive(params, d["drive_block"])


def stress_pain(params, d, anatomy):
    """Pain and distraction during a feed: a central block of OT release with the breast intact
    (Newton & Newton 1948: less milk; that injected OT restored it is the usual summary, not
    confirmed here). The model lowers the OT released per burst; that pain shrinks bursts rather
    than removing them is an assumption."""
    params["pituitary"]["release_scale"] = params["pituitary"]["release_scale"] * (1.0 - d["release_block"])


def caesarean(params, d, anatomy):
    """Emergency caesarean: fewer OT pulses on day 2 (Nissen 1996), as a central block of drive."""
    _block_drive(params, d["central_block"])


def _block_drive(params, fraction):
    """Block a fraction of the afferent drive (neuro=network). With neuro=pulses the pulses are
    given explicitly, so only the interventions' other effects (release scale, periphery) act."""
    n = params["neuro"]
    if "central_block" in n:
        n["central_block"] = 1.0 - (1.0 - n["central_block"]) * (1.0 - fraction)


def alcohol_release_block(g_per_kg, half_block_g_per_kg, hill):
    """Fraction of the OT released per burst that ethanol blocks: a Hill function of the dose."""
    x = (g_per_kg / half_block_g_per_kg) ** hill
    return x / (1.0 + x)


def alcohol(params, d, anatomy):
    """Central block by ethanol (Cobo 1973); the breast's response to injected OT is kept.

    Ethanol acts on OT release, not on the breast: it inhibits the Ca2+ currents and peptide
    release of neurohypophysial nerve terminals (Wang et al. 1991, shown for vasopressin), so the
    OT released per burst falls with the dose while the neurons keep their rhythm. The block's
    dose-response in women is not measured; its half-block dose and steepness are model constants
    fitted to Cobo's bands of the ejection response (docs/design.md, Interventions). `central_fraction` x
    block also removes afferent drive (fewer bursts); 0 by default."""
    block = alcohol_release_block(d["g_per_kg"], d["half_block_g_per_kg"], d["hill"])
    params["pituitary"]["release_scale"] = params["pituitary"]["release_scale"] * (1.0 - block)
    _block_drive(params, d["central_fraction"] * block)


def morphine(params, d, anatomy):
    """Opioid block of OT release; 5 mg IV: no significant OT rise to breastfeeding in 6 women (Lindow 1999)."""
    block = min(1.0, d["dose_mg"] / MORPHINE_ABOLISHING_MG)
    params["pituitary"]["release_scale"] = params["pituitary"]["release_scale"] * (1.0 - block)


def warmth(params, d, anatomy):
    """Warm breast: ducts and ductules dilate (Kent et al. 2011: more milk in the same time). Warmth
    also raises mammary blood flow, but faster flow cannot make the OT the myoepithelium sees exceed
    the arterial concentration, so it changes nothing here (mammary_delivery is at most 1)."""
    params["ducts"]["tone"] = params["ducts"]["tone"] * (1.0 + d["duct_dilation"])


def compression(params, d, anatomy):
    """Timed external pressure on the breast, added to alveolar pressure."""
    params["compression"].update({k: d[k] for k in ("pressure_mmHg", "start_s", "duration_s", "period_s")})


def intranasal_ot(params, d, anatomy):
    """Intranasal OT absorbed into plasma (bioavailability ~0.5 %, ~100 s lag)."""
    params["exogenous"]["intranasal_IU"] = d["dose_IU"]
    params["exogenous"]["intranasal_time_s"] = d["time_s"]


def labour_ot(params, d, anatomy):
    """Synthetic OT in labour damps endogenous OT release afterwards."""
    params["pituitary"]["release_scale"] = params["pituitary"]["release_scale"] * d["release_scale"]


def obesity(params, d, anatomy):
    """Fewer duct branches and fewer myoepithelial cells."""
    anatomy["generations"] = max(1, anatomy["generations"] - int(d["generations_lost"]))
    params["alveoli"]["contractility"] = params["alveoli"]["contractility"] * d["myoepithelium_scale"]


def preeclampsia(params, d, anatomy):
    """Weaker contractile response of the myoepithelium."""
    params["alveoli"]["contractility"] = params["alveoli"]["contractility"] * d["contractility_scale"]


def hypothyroid(params, d, anatomy):
    """Less OT released per burst."""
    params["pituitary"]["release_scale"] = params["pituitary"]["release_scale"] * d["release_scale"]


def sci(params, d, anatomy):
    """Spinal cord injury / nerve damage: afferent drive to the OT neurons lost."""
    if "drive_gain" not in params["neuro"]:
        raise ConfigError(
            "intervention.sci: acts on the afferent drive of neuro=network; with neuro=pulses the "
            "release pulses are given explicitly (set neuro.amounts_mU instead)"
        )
    params["neuro"]["drive_gain"] = params["neuro"]["drive_gain"] * d["residual_drive"]


INTERVENTIONS = {
    f.__name__: f
    for f in (
        caesarean,
        cx43_ko,
        atosiban,
        nifedipine,
        mgso4,
        terbutaline,
        stress_mental,
        stress_pain,
        alcohol,
        morphine,
        warmth,
        compression,
        intranasal_ot,
        labour_ot,
        obesity,
        preeclampsia,
        hypothyroid,
        sci,
    )
}
# old names kept as aliases: `stress` is stress_mental (configs/validate.yaml, configs/ablate.yaml)
ALIASES = {"stress": "stress_mental"}
INTERVENTIONS.update({alias: INTERVENTIONS[name] for alias, name in ALIASES.items()})


def apply_intervention(params, anatomy, interventions):
    """(params, anatomy) changed by every intervention in `interventions` ({name: doses}), in order.
    The interventions change their arguments in place, so they are given copies: the caller's
    params and anatomy are left as they were."""
    params = copy.deepcopy(params)
    anatomy = copy.deepcopy(anatomy)
    for alias, name in ALIASES.items():
        if alias in (interventions or {}) and name in interventions:
            raise ConfigError(f"intervention: {alias!r} is {name!r} under its old name; list one of them, not both")
    for name, doses in (interventions or {}).items():
        if name not in INTERVENTIONS:
            raise ConfigError(f"intervention.{name}: unknown intervention; expected one of {sorted(INTERVENTIONS)}")
        INTERVENTIONS[name](params, doses, anatomy)
    return params, anatomy
