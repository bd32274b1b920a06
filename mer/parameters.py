"""Every configurable quantity: its unit, its source and the values it may take.

The values live in configs/ (YAML, so that Hydra can select and override them); this registry
says what each one means. `validate` checks a resolved configuration against it and names the
offending field. "unchecked" marks a prior or estimate (docs/literature.md); "model" marks a
dimensionless model constant chosen to reproduce the observed sessions. Each field's status
(measured in which species, derived, fitted to a target, assumption, or a user's setting) is in
the groups at the end of this file, one group per field, and travels into every archive.
"""

from __future__ import annotations

import dataclasses
import math


@dataclasses.dataclass(frozen=True)
class Spec:
    unit: str
    source: str
    kind: type = float
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False  # True: the value must be strictly above `low`
    limit: str = ""  # why the bounds are where they are, quoted when a value falls outside them
    status: str = ""  # measured (species), derived, fitted, assumption or setting: STATUS_GROUPS below


def pos(unit, source, kind=float):
    return Spec(unit, source, kind, 0.0, math.inf, True)


def frac(source, low_open=False):
    return Spec("1", source, float, 0.0, 1.0, low_open)


def upto(unit, source, high, limit, kind=float):
    """A positive value with a physiological ceiling far above anything measured (`limit` says whose)."""
    return Spec(unit, source, kind, 0.0, high, True, limit)


# Ceilings are set well outside the measured ranges: they refuse typing errors and wrong units
# (1e12 mL, mL for L), not unusual mothers.
CAPACITY_LIMIT = "storage capacity of one breast 74-606 mL (Kent et al. 1999); above 2000 mL is no breast"
SEED_LIMIT = "a 32-bit seed (NumPy, JAX and the archive's integer attribute)"


MODEL = "model constant, tuned to the observed sessions (docs/literature.md)"
SPECS: dict[str, Spec] = {
    "seed": Spec("1", "random seed of the mother (anatomy, agents, neurons)", int, 0, 2**31 - 1, limit=SEED_LIMIT),
    "session_seed": Spec(
        "1", "random seed of the session (fluctuation of the afferent drive)", int, 0, 2**31 - 1, limit=SEED_LIMIT
    ),
    "breasts": Spec(
        "1", "1 one breast; 2 both, one shared OT drive (Prime 2009: 95.5 % of flow rises coincide)", int, 1, 2
    ),
    "duration_s": upto(
        "s",
        "15-min pumping session (Kent et al. 2008)",
        86400.0,
        "one feed or pumping session lasts 15-40 min (Kent et al. 2008); longer than a day is not a session",
    ),
    "plot": Spec("1", "write flow.png", bool),
    "mechanism": Spec("1", "what ends each contraction: desensitisation | store | threshold (configs/mechanism/)", str),
    "quiet": Spec("1", "no progress bars, only warnings on the console (mer/progress.py)", bool),
    # circulation
    "params.circulation.half_life_s": pos(
        "s", "3.2 min median after an IV bolus (Fabian et al. 1969 J Physiol 204:653; 2.0-5.7 min are its 95 % limits)"
    ),
    "params.circulation.clearance_L_per_min": pos("L/min", "postpartum clearance 1.3-1.4 L/min (Am J Physiol 1990)"),
    "params.circulation.basal_pM": Spec("pM", "0.7 uU/mL ~1.2 pg/mL (Johnston & Amico 1986 JCEM)", float, 0.0),
    "params.circulation.two_compartment": Spec("1", "0 one compartment, 1 two compartments (De Groot 1995)", int, 0, 1),
    "params.circulation.alpha_half_life_s": pos("s", "t1/2,alpha 0.049 h after 1 IU IV (De Groot et al. 1995)"),
    "params.circulation.beta_half_life_s": pos("s", "t1/2,beta 0.33 h (De Groot et al. 1995)"),
    "params.circulation.two_compartment_clearance_L_per_h": pos("L/h", "CL 67 L/h (De Groot et al. 1995)"),
    "params.circulation.central_volume_L": pos(
        "L", "central volume, not in De Groot's fit; must give k10 between beta and alpha (unchecked)"
    ),
    "params.circulation.transit_s": Spec(
        "s",
        "mean vein -> breast-artery transit; arm vein -> femoral artery 11.2 s (I-131), lung -> ear 5.2 s "
        "(classical circulation times; unchecked for the pituitary's veins); 0 = none",
        float,
        0.0,
    ),
    "params.circulation.mammary_delivery": Spec(
        "1",
        "share of arterial OT reaching the myoepithelium (1 = all; vasoconstriction lowers it; unchecked)",
        float,
        0.0,
        1.0,
        limit="the myoepithelium cannot see more OT than the arterial blood carries",
    ),
    # pituitary
    "params.pituitary.store_mU": pos("mU", "3000-9000 mU (Marasco 2022 deck; unchecked)"),
    "params.pituitary.release_gain_mU_per_s": Spec(
        "mU/s", "gives 35-80 mU per burst (plasma peaks, docs/literature.md)", float, 0.0
    ),
    "params.pituitary.release_scale": Spec(
        "1", "central modulation of release, 1 none (alcohol: Cobo 1973; morphine: Lindow 1999)", float, 0.0
    ),
    # exogenous OT
    "params.exogenous.iv_bolus_mU": Spec("mU", "IV threshold dose for ejection 2 mU (1961 human study)", float, 0.0),
    "params.exogenous.iv_bolus_time_s": Spec("s", "time of the bolus"),
    "params.exogenous.infusion_mU_per_min": Spec("mU/min", "IV infusion rate", float, 0.0),
    "params.exogenous.infusion_start_s": Spec("s", "infusion start"),
    "params.exogenous.infusion_end_s": Spec("s", "infusion end"),
    "params.exogenous.im_mU": Spec("mU", "intramuscular dose", float, 0.0),
    "params.exogenous.im_time_s": Spec("s", "time of the IM injection"),
    "params.exogenous.im_absorption_tau_s": pos("s", "IM absorption time constant (unchecked)"),
    "params.exogenous.intranasal_IU": Spec(
        "IU", "nasal 65-100 ug (~40-60 IU) -> 36-85 pg/mL (Landgraf, probable)", float, 0.0
    ),
    "params.exogenous.intranasal_time_s": Spec("s", "time of the nasal dose"),
    "params.exogenous.intranasal_lag_s": Spec("s", "nasal response ~100 s after dosing (1961 human study)", float, 0.0),
    "params.exogenous.intranasal_absorption_tau_s": pos("s", "nasal absorption time constant (unchecked)"),
    "params.exogenous.intranasal_bioavailability": frac("nasal needs ~200x the IV dose (1961 human study); 0.005"),
    # external compression
    "params.compression.pressure_mmHg": Spec(
        "mmHg", "external breast compression (direction only; unchecked size)", float, 0.0
    ),
    "params.compression.start_s": Spec("s", "first compression"),
    "params.compression.duration_s": Spec("s", "length of one compression", float, 0.0),
    "params.compression.period_s": pos("s", "time between compression starts"),
    # alveoli
    "params.alveoli.capacity_mL": upto(
        "mL", "storage capacity 74-606 mL, mean ~210 (Kent et al. 1999)", 2000.0, CAPACITY_LIMIT
    ),
    "params.alveoli.capacity_sd": Spec("1", "spread of alveolar capacity (unchecked)", float, 0.0),
    "params.alveoli.initial_fullness": Spec(
        "1",
        "66 % of available milk removed in 15 min (Kent 2008) implies a full breast; unchecked",
        float,
        0.0,
        1.0,
        True,
    ),
    "params.alveoli.fullness_sd": Spec("1", "spread of initial fullness, logit scale (unchecked)", float, 0.0),
    "params.alveoli.ec50_pM": pos(
        "pM",
        "in-vivo effective EC50, prior 10-100 pM; 16 makes 2 mU IV the threshold dose for an ejection "
        "(1961 human study; docs/hypothalamus_and_breasts.md)",
    ),
    "params.alveoli.hill": pos("1", "Hill coefficient ~1-1.5 (estimate; OT Kd Hill ~1, Tahara 2000)"),
    "params.alveoli.fullness_sensitivity": Spec(
        "1", "fuller alveoli respond faster (Marasco 2022 deck; size unchecked)", float, 0.0
    ),
    "params.alveoli.sensitivity_sd": Spec("1", "spread of receptor density within a lobule (unchecked)", float, 0.0),
    "params.alveoli.lobule_sensitivity_sd": Spec(
        "1", "spread of receptor density between lobules (unchecked)", float, 0.0
    ),
    "params.alveoli.antagonist_ki_nM": pos("nM", "atosiban Ki ~10 nM (Phaneuf 1994)"),
    "params.alveoli.desensitisation_tau_s": pos(
        "s",
        "OT receptor desensitisation: hours at nM in myometrium (Phaneuf 1998; Balki 2013); "
        "60 s only in mechanism=desensitisation, fitted to separate ejections",
    ),
    "params.alveoli.signal_rate_per_s": Spec("1/s", MODEL, float, 0.0),
    "params.alveoli.stretch_rate_per_s": Spec("1/s", "stretch-activated (Piezo1-like) influx; " + MODEL, float, 0.0),
    "params.alveoli.cicr_rate_per_s": Spec(
        "1/s", "regenerative store release (Davis et al. 2015 PNAS); " + MODEL, float, 0.0
    ),
    "params.alveoli.cicr_half_activation": pos("1", MODEL),
    "params.alveoli.cicr_hill": pos("1", MODEL),
    "params.alveoli.activation_tau_s": pos("s", "Ca2+ removal; " + MODEL),
    "params.alveoli.recovery_tau_s": pos("s", "store refilling; " + MODEL),
    "params.alveoli.inactivation_rate_per_s": Spec("1/s", "store depletion; " + MODEL, float, 0.0),
    "params.alveoli.store_gating": frac("share of receptor-driven Ca2+ release drawn from the releasable store"),
    "params.alveoli.gap_junction_rate_per_s": Spec(
        "1/s", "Cx43 coupling per edge (myometrium 32 nS/pair, Miyoshi 1996); " + MODEL, float, 0.0
    ),
    "params.alveoli.cx43": frac("Cx43 function, 1 normal, 0 knockout (Plante & Laird 2008)"),
    "params.alveoli.ca_entry": Spec("1", "Ca2+ entry scale, 1 normal (calcium blockers lower it)", float, 0.0),
    "params.alveoli.basket_cells": Spec(
        "1",
        "myoepithelial cells around one alveolus: 'a relatively small number of basal cells' wraps each "
        "alveolar unit (mouse); no count per human alveolus found; assumption",
        float,
        1.0,
        1.0e4,
        limit="a basket of more than 10^4 cells is no alveolus",
    ),
    "params.alveoli.coupling_margin": pos(
        "1",
        "gap-junction coupling of a basket's cells over the critical coupling (mer/alveoli/basket.py); at 2, "
        "losing more than half of Cx43 function abolishes the coherent squeeze, as in G60S mice whose reduced "
        "Cx43 left OT unable to deliver milk (Plante & Laird 2008); assumption",
    ),
    "params.alveoli.contractility": Spec("1", "contractile response, 1 normal", float, 0.0),
    "params.alveoli.max_tension_mmHg": upto(
        "mmHg",
        "intramammary pressure 20-49 mmHg at ejection (sow, J Physiol 1982;333:577)",
        500.0,
        "20-49 mmHg at ejection (J Physiol 1982;333:577); 500 mmHg is above arterial pressure",
    ),
    "params.alveoli.tension_hill": pos("1", MODEL),
    "params.alveoli.tension_half_activation": pos("1", MODEL),
    "params.alveoli.myoepithelium_sd": Spec("1", "spread of myoepithelial complement (unchecked)", float, 0.0),
    "params.alveoli.elastic_mmHg": Spec(
        "mmHg", "resting intramammary pressure of a few mmHg (touch alone 1-13 cmH2O, rat); unchecked", float, 0.0
    ),
    "params.alveoli.resting_opening": frac(
        "ducts dilate at ejection (Ramsay 2004); flow near zero before it", low_open=True
    ),
    "params.alveoli.empty_half_fullness": pos("1", MODEL),
    "params.alveoli.outlet_conductance_mL_per_s_per_mmHg": pos(
        "mL/s/mmHg", "peak flow 0.5 +/- 0.2 g/s (Ramsay 2006; Idei 2024); " + MODEL
    ),
    "params.alveoli.secretion_max_mL_per_h": Spec(
        "mL/h",
        "454 +/- 201 g/24 h per breast (Kent et al. 1999); unchecked",
        float,
        0.0,
        500.0,
        limit="454 +/- 201 g per breast per day (Kent et al. 1999), ~19 mL/h; 500 mL/h is 12 L a day",
    ),
    # ducts and milk
    "params.ducts.milk_viscosity_mPa_s": upto(
        "mPa s",
        "~1.5-3 mPa s at 37 C (Alatalo & Hassanipour 2020; unchecked)",
        100.0,
        "milk 1.5-3 mPa s at 37 C (Alatalo & Hassanipour 2020); 100 mPa s is a syrup",
    ),
    "params.ducts.tone": pos("1", "duct radius scale, 1 normal"),
    "params.ducts.pore_radius_mm": pos("mm", "pores 0.4-0.7 mm diameter (Marasco 2022 deck; unchecked)"),
    "params.ducts.pore_length_mm": pos("mm", "nipple pore canal (unchecked)"),
    "params.ducts.pore_patent_fraction": frac(
        "3.9 +/- 1.5 orifices with flow (BMC Pregnancy Childbirth 2014)", low_open=True
    ),
    "params.duct_wall.area_min": Spec(
        "1", "ducts are compressible (Ramsay 2005); collapsed area unchecked", float, 0.0, 1.0, True
    ),
    "params.duct_wall.area_max": Spec(
        "1", "ducts dilate at ejection (Ramsay 2004; size unchecked)", float, 1.0, math.inf, True
    ),
    "params.duct_wall.pressure_scale_mmHg": pos("mmHg", "tube-law pressure scale (unchecked)"),
    "params.duct_wall.wall_tau_s": pos("s", "viscoelastic lag of the duct wall (unchecked)"),
    "params.ducts.pore_opening_mmHg": Spec("mmHg", "pore opening pressure (unchecked)", float, 0.0),
    "params.ducts.pore_closed_fraction": frac("leak of a closed pore (unchecked)", low_open=True),
    "params.milk.density_g_per_mL": Spec(
        "g/mL",
        "milk density ~1.03 g/mL, the usual g-to-mL conversion of balance studies (unchecked)",
        float,
        0.9,
        1.2,
        limit="milk is ~1.03 g/mL; water 1.0",
    ),
    # atosiban
    "params.atosiban.bolus_mg": Spec("mg", "6.75 mg bolus (SmPC)", float, 0.0),
    "params.atosiban.infusion_ug_per_min": Spec("ug/min", "300 ug/min (SmPC)", float, 0.0),
    "params.atosiban.clearance_L_per_h": pos("L/h", "CL 42 L/h (Goodwin 1995)"),
    "params.atosiban.volume_L": pos("L", "Vd 18 L (Goodwin 1995)"),
    "params.atosiban.bound_fraction": Spec("1", "46-48 % protein bound (SmPC)", float, 0.0, 1.0),
    # anatomy
    "anatomy.kind": Spec("1", "average | generated", str),
    "anatomy.n_alveoli": Spec("1", "alveolus agents (resolution)", int, 1),
    "anatomy.n_lobes_mean": pos("1", "9.6 main ducts (Ramsay 2005)"),
    "anatomy.n_lobes_sd": Spec("1", "+/- 2.9 (Ramsay 2005)", float, 0.0),
    "anatomy.n_lobes_min": Spec("1", "range 4-18 (Ramsay 2005)", int, 1),
    "anatomy.n_lobes_max": Spec("1", "range 4-18 (Ramsay 2005)", int, 1),
    "anatomy.main_duct_diameter_mm_mean": pos("mm", "1.9-2.0 mm (Ramsay 2005)"),
    "anatomy.main_duct_diameter_mm_sd": Spec("mm", "+/- 0.6 mm (Ramsay 2005)", float, 0.0),
    "anatomy.first_branch_mm_mean": pos("mm", "8.0 mm from the nipple (Ramsay 2005)"),
    "anatomy.first_branch_mm_sd": Spec("mm", "+/- 5.5 mm (Ramsay 2005)", float, 0.0),
    "anatomy.branch_asymmetry": frac("flow-split range at a bifurcation (unchecked)"),
    "anatomy.length_jitter": Spec("1", "log-normal jitter of segment length (unchecked)", float, 0.0),
    "anatomy.branch_angle_deg": Spec("deg", "branching angle (for positions; unchecked)", float, 0.0, 90.0),
    "anatomy.capacity_mean_mL": upto("mL", "mean ~210 mL (Kent et al. 1999)", 2000.0, CAPACITY_LIMIT),
    "anatomy.capacity_sd_log": Spec("1", "spread giving the 74-606 mL range (Kent 1999); unchecked", float, 0.0),
    "anatomy.capacity_min_mL": upto("mL", "74 mL (Kent et al. 1999)", 2000.0, CAPACITY_LIMIT),
    "anatomy.capacity_max_mL": upto("mL", "606 mL (Kent et al. 1999)", 2000.0, CAPACITY_LIMIT),
    "anatomy.pore_diameter_mm_min": pos("mm", "0.4 mm (Marasco 2022 deck)"),
    "anatomy.pore_diameter_mm_max": pos("mm", "0.7 mm (Marasco 2022 deck)"),
    "anatomy.n_lobes": Spec("1", "main ducts 9.6 +/- 2.9 (4-18) (Ramsay 2005)", int, 1),
    "anatomy.generations": Spec(
        "1",
        "segment levels per lobe, main duct to terminal duct: 6 (63 segments and 32 lobules per lobe) from "
        "20-40 terminal duct lobular units per lobe (IARC screening atlas); one traced human lobe had 440 "
        "segments with terminal ducts pruned (~9 levels; Going & Mohun 2006 Breast Cancer Res Treat 97:285) and "
        "a breast 'thousands of lobules' (UC Davis subgross atlas, ~8): derived, range 6-9, low certainty",
        int,
        1,
        20,
    ),
    "anatomy.main_duct_radius_mm": pos("mm", "main duct 1.9-2.0 mm wide (Ramsay 2005)"),
    "anatomy.main_duct_length_mm": pos("mm", "first branch 8.0 +/- 5.5 mm from the nipple (Ramsay 2005)"),
    "anatomy.radius_ratio": Spec("1", "Murray's law 2^(-1/3)", float, 0.0, 1.0, True),
    "anatomy.length_ratio": pos("1", "0.794 (FractalMammaryLobule defaults)"),
    "anatomy.gap_junction_neighbours": Spec("1", "ring neighbours per side in a lobule", int, 0),
    # stimulus
    "stimulus.kind": Spec("1", "stimulus kind", str),
    "stimulus.stimulation_duration_s": Spec("s", "~2 min stimulation phase (Ramsay 2005 J Hum Lact)", float, 0.0),
    "stimulus.stimulation_cycles_per_min": pos("1/min", "~120 cycles/min (Ramsay 2005 J Hum Lact)"),
    "stimulus.expression_cycles_per_min": pos("1/min", "54-78 cycles/min (Ramsay 2005 J Hum Lact)"),
    "stimulus.stimulation_vacuum_mmHg": Spec("mmHg", "stimulation phase vacuum (unchecked)", float, -400.0, 0.0),
    "stimulus.expression_vacuum_mmHg": Spec(
        "mmHg", "maximum comfortable -191 +/- 9 mmHg (Kent 2008)", float, -400.0, 0.0
    ),
    "stimulus.pattern": Spec("1", "two_phase | three_phase (Ramsay 2005 J Hum Lact)", str),
    "stimulus.resolution": Spec("1", "averaged | resolved", str),
    "stimulus.slow_phase_cycles_per_min": pos(
        "1/min", "20 cycles/min for 2 min in the 3-phase pattern (Ramsay 2005 J Hum Lact)"
    ),
    "stimulus.slow_phase_duration_s": Spec("s", "2 min (Ramsay 2005 J Hum Lact)", float, 0.0),
    "stimulus.nonnutritive_cycles_per_min": pos("1/min", "non-nutritive sucking ~2 Hz (unchecked)"),
    "stimulus.nutritive_cycles_per_min": pos("1/min", "nutritive sucking ~1 Hz (unchecked)"),
    "stimulus.peak_vacuum_mmHg": Spec("mmHg", "infant peak -145 +/- 58 mmHg (Geddes et al. 2008)", float, -400.0, 0.0),
    "stimulus.baseline_vacuum_mmHg": Spec(
        "mmHg", "infant baseline -64 +/- 45 mmHg (Geddes et al. 2008)", float, -400.0, 0.0
    ),
    "stimulus.switch_volume_mL": pos("mL", "milk removed at which sucking turns nutritive (unchecked)"),
    "stimulus.reference_vacuum_mmHg": pos("mmHg", "normalisation of afferent stretch"),
    "stimulus.reference_cycles_per_min": pos("1/min", "normalisation of afferent rate"),
    "stimulus.start_s": Spec("s", "when the pump or baby starts", float, 0.0),
    "stimulus.session_end_s": Spec("s", "pump stops", float, 0.0),
    # neuro
    "neuro.mode": Spec("1", "network | pulses", str),
    "neuro.n_neurons": Spec("1", "48 cells (Rossoni 2008)", int, 1),
    "neuro.n_bundles": Spec("1", "12 dendritic bundles (Rossoni 2008)", int, 1),
    "neuro.drive_gain": Spec("1", MODEL, float, 0.0),
    "neuro.drive_tau_s": pos("s", "first ejection ~1-2.5 min into pumping (docs/literature.md); " + MODEL),
    "neuro.threshold": Spec("1", MODEL),
    "neuro.gain_width": pos("1", MODEL),
    "neuro.excitability_sd": Spec("1", "heterogeneous excitability (Rossoni 2008)", float, 0.0),
    "neuro.dendritic_weight": Spec("1", "dendritic OT positive feedback (Rossoni 2008)", float, 0.0),
    "neuro.dendritic_tau_s": pos("s", MODEL),
    "neuro.rate_tau_s": pos("s", MODEL),
    "neuro.fatigue_weight": Spec("1", MODEL, float, 0.0),
    "neuro.fatigue_rate_per_s": Spec("1/s", "burst duration; " + MODEL, float, 0.0),
    "neuro.fatigue_tau_s": pos("s", "inter-burst interval ~1.5-4 min (docs/literature.md); " + MODEL),
    "neuro.drive_fluctuation_sd": Spec(
        "1",
        "log sd of the session's fluctuation of the afferent drive: intervals vary within a session "
        "and each mother keeps her pattern (Prime et al. 2011); size an assumption",
        float,
        0.0,
        2.0,
        limit="above 2 the drive would swing by more than a factor 7 either way within minutes",
    ),
    "neuro.drive_fluctuation_tau_s": pos("s", "time scale of the drive's fluctuation (assumption)"),
    "neuro.conditioned_drive": Spec(
        "1",
        "anticipatory release 3-10 min before suckling in all 10 women (McNeilly et al. 1983); size unchecked",
        float,
        0.0,
    ),
    "neuro.central_block": frac("central block of afferent drive (0 none)"),
    "neuro.bilateral_summation": frac(
        "breasts=2: share of the weaker nipple's afferent input added to the stronger's (0 the stronger alone, 1 "
        "the sum). Simultaneous pumping gives more ejections than sequential (Prime 2012); how the two afferents "
        "add is not measured: an assumption"
    ),
    "neuro.onsets_s": Spec("s", "pulse centres", list),
    "neuro.amounts_mU": Spec("mU", "35-80 mU per pulse (docs/literature.md)", list, 0.0),
    "neuro.widths_s": Spec("s", "pulse width (surges < 1 min, Weitzman 1980)", list, 0.0, math.inf, True),
    # solver
    "solver.rtol": Spec(
        "1",
        "relative tolerance",
        float,
        1e-12,
        0.1,
        limit="below 1e-12 float64 rounding defeats step control; above 0.1 (10 %) the curves are not solved",
    ),
    "solver.atol": Spec(
        "1",
        "absolute tolerance",
        float,
        1e-14,
        1e-2,
        limit="fractions (fullness, activation) lie in [0, 1]: above 0.01 they are not solved; below 1e-14 "
        "float64 rounding defeats step control",
    ),
    "solver.precision": Spec(
        "1",
        "float64 | float32: floating-point type of the solve (float32: 1e5 agents ~2.8x faster on 2 CPU cores, "
        "yield within 0.01 g; benchmarks/README.md)",
        str,
    ),
    "solver.dt0_s": pos("s", "initial step"),
    "solver.max_steps": Spec("1", "step budget", int, 1),
    "solver.save_dt_s": pos("s", "timeseries resolution"),
    "solver.agent_save_dt_s": pos("s", "per-agent resolution"),
    "solver.tree_save_dt_s": pos("s", "duct-tree resolution"),
    # interventions (doses; mechanisms and sources in configs/intervention/ and mer/interventions/)
    "intervention.cx43_ko.residual_cx43": frac("fraction of Cx43 function left (Plante & Laird 2008)"),
    "intervention.atosiban.bolus_mg": Spec("mg", "6.75 mg IV bolus (SmPC)", float, 0.0),
    "intervention.atosiban.infusion_ug_per_min": Spec("ug/min", "300 ug/min (SmPC)", float, 0.0),
    "intervention.nifedipine.plasma_ng_per_mL": Spec("ng/mL", "plasma peaks 23-198 ng/mL (Ferguson 1989)", float, 0.0),
    "intervention.nifedipine.l_type_share": frac(
        "share of myoepithelial Ca2+ entry through L-type channels; OT's signals use store-operated entry "
        "(Davis et al. 2015 PNAS) and nifedipine for nipple vasospasm leaves milk production unchanged "
        "(LactMed; e-lactancia citing Magee 2005): 0, an assumption"
    ),
    "intervention.mgso4.serum_mM": Spec("mM", "therapeutic 2-3.5 mmol/L; in vitro effect at 8 mM", float, 0.0),
    "intervention.terbutaline.efficacy": frac(
        "no change in intramammary pressure with isoproterenol (goat); unchecked"
    ),
    "intervention.stress_mental.drive_block": frac(
        "mental arithmetic: OT pulses 2.25 -> 1.28 per 20 min (Ueda 1994); fitted to that ratio on the default "
        "pump session"
    ),
    "intervention.stress.drive_block": frac("stress_mental's drive_block under the old name `stress`"),
    "intervention.stress_pain.release_block": frac(
        "pain and distraction: less milk, restored by injected OT (Newton & Newton 1948); share of the OT per "
        "burst blocked, size an assumption"
    ),
    "intervention.alcohol.g_per_kg": Spec(
        "g/kg",
        "Cobo 1973 dose bands",
        float,
        0.0,
        5.0,
        limit="Cobo 1973 graded 0.5 to over 2 g/kg; 5 g/kg is beyond a lethal dose",
    ),
    "intervention.alcohol.half_block_g_per_kg": pos(
        "g/kg", "half block of OT release per burst; fitted to Cobo 1973's bands; " + MODEL
    ),
    "intervention.alcohol.hill": pos("1", "steepness of the release block; fitted to Cobo 1973's bands; " + MODEL),
    "intervention.alcohol.central_fraction": frac("share of the release block also acting on afferent drive; 0"),
    "intervention.morphine.dose_mg": Spec(
        "mg", "5 mg IV: no significant OT rise to breastfeeding in 6 women (Lindow 1999)", float, 0.0
    ),
    "intervention.warmth.duct_dilation": Spec("1", "warmth dilates ducts (Kent 2011; size unchecked)", float, 0.0),
    "intervention.compression.pressure_mmHg": Spec("mmHg", "external compression (size unchecked)", float, 0.0),
    "intervention.compression.start_s": Spec("s", "first compression", float, 0.0),
    "intervention.compression.duration_s": Spec("s", "one compression", float, 0.0),
    "intervention.compression.period_s": pos("s", "time between compression starts"),
    "intervention.intranasal_ot.dose_IU": Spec("IU", "nasal 65-100 ug (~40-60 IU) (Landgraf, probable)", float, 0.0),
    "intervention.intranasal_ot.time_s": Spec("s", "time of the nasal dose"),
    "intervention.labour_ot.release_scale": frac("damped endogenous release after labour OT (unchecked size)"),
    "intervention.obesity.generations_lost": Spec("1", "fewer duct branches (unchecked)", int, 0),
    "intervention.obesity.myoepithelium_scale": frac("fewer myoepithelial cells (unchecked)"),
    "intervention.preeclampsia.contractility_scale": frac("weaker contraction response (unchecked)"),
    "intervention.hypothyroid.release_scale": frac("less OT release (unchecked)"),
    "intervention.caesarean.central_block": frac(
        "fewer OT pulses after emergency caesarean (Nissen 1996); size unchecked"
    ),
    "intervention.sci.residual_drive": frac("afferent drive left after spinal cord injury"),
}


# What each value is (physiology review 2026-11-29; docs/design.md). Every field of SPECS is in
# exactly one group; `Spec.status` and each archive's params/ attributes carry it.
MEASURED_HUMAN = (  # read from measurements in women (the source names the study)
    "params.circulation.half_life_s",
    "params.circulation.clearance_L_per_min",
    "params.circulation.basal_pM",
    "params.circulation.alpha_half_life_s",
    "params.circulation.beta_half_life_s",
    "params.circulation.two_compartment_clearance_L_per_h",
    "params.alveoli.capacity_mL",
    "params.ducts.pore_patent_fraction",
    "params.atosiban.clearance_L_per_h",
    "params.atosiban.volume_L",
    "params.atosiban.bound_fraction",
    "anatomy.n_lobes_mean",
    "anatomy.n_lobes_sd",
    "anatomy.n_lobes_min",
    "anatomy.n_lobes_max",
    "anatomy.main_duct_diameter_mm_mean",
    "anatomy.main_duct_diameter_mm_sd",
    "anatomy.first_branch_mm_mean",
    "anatomy.first_branch_mm_sd",
    "anatomy.capacity_mean_mL",
    "anatomy.capacity_min_mL",
    "anatomy.capacity_max_mL",
    "anatomy.n_lobes",
    "anatomy.main_duct_radius_mm",
    "anatomy.main_duct_length_mm",
    "stimulus.stimulation_duration_s",
    "stimulus.stimulation_cycles_per_min",
    "stimulus.expression_cycles_per_min",
    "stimulus.expression_vacuum_mmHg",
    "stimulus.slow_phase_cycles_per_min",
    "stimulus.slow_phase_duration_s",
    "stimulus.peak_vacuum_mmHg",
    "stimulus.baseline_vacuum_mmHg",
    "params.exogenous.intranasal_lag_s",
)
MEASURED_HUMAN_MYOMETRIUM = (  # measured in human tissue other than the breast
    "params.alveoli.antagonist_ki_nM",
)
MEASURED_SOW = (  # measured in another species
    "params.alveoli.max_tension_mmHg",
)
DERIVED = (  # computed from measured values (the source says from which)
    "params.alveoli.secretion_max_mL_per_h",
    "anatomy.generations",
    "anatomy.radius_ratio",
    "params.exogenous.intranasal_bioavailability",
)
FITTED = (  # set so that the model reproduces a target (the source names it; mer-validate counts those targets as calibration)
    "params.pituitary.release_gain_mU_per_s",
    "params.alveoli.initial_fullness",
    "params.alveoli.ec50_pM",
    "params.alveoli.signal_rate_per_s",
    "params.alveoli.stretch_rate_per_s",
    "params.alveoli.cicr_rate_per_s",
    "params.alveoli.cicr_half_activation",
    "params.alveoli.cicr_hill",
    "params.alveoli.activation_tau_s",
    "params.alveoli.recovery_tau_s",
    "params.alveoli.inactivation_rate_per_s",
    "params.alveoli.gap_junction_rate_per_s",
    "params.alveoli.tension_hill",
    "params.alveoli.tension_half_activation",
    "params.alveoli.resting_opening",
    "params.alveoli.empty_half_fullness",
    "params.alveoli.outlet_conductance_mL_per_s_per_mmHg",
    "neuro.drive_gain",
    "neuro.drive_tau_s",
    "neuro.threshold",
    "neuro.gain_width",
    "neuro.excitability_sd",
    "neuro.dendritic_weight",
    "neuro.dendritic_tau_s",
    "neuro.rate_tau_s",
    "neuro.fatigue_weight",
    "neuro.fatigue_rate_per_s",
    "neuro.fatigue_tau_s",
    "neuro.conditioned_drive",
    "intervention.stress_mental.drive_block",
    "intervention.stress.drive_block",
    "intervention.alcohol.half_block_g_per_kg",
    "intervention.alcohol.hill",
)
ASSUMPTION = (  # a prior, a size nothing measured pins down, or a structural choice
    "intervention.nifedipine.l_type_share",
    "params.milk.density_g_per_mL",
    "params.circulation.central_volume_L",
    "params.circulation.transit_s",
    "params.circulation.mammary_delivery",
    "params.pituitary.store_mU",
    "params.alveoli.capacity_sd",
    "params.alveoli.fullness_sd",
    "params.alveoli.hill",
    "params.alveoli.fullness_sensitivity",
    "params.alveoli.sensitivity_sd",
    "params.alveoli.lobule_sensitivity_sd",
    "params.alveoli.desensitisation_tau_s",
    "params.alveoli.store_gating",
    "params.alveoli.basket_cells",
    "params.alveoli.coupling_margin",
    "params.alveoli.myoepithelium_sd",
    "params.alveoli.elastic_mmHg",
    "params.ducts.milk_viscosity_mPa_s",
    "params.ducts.pore_radius_mm",
    "params.ducts.pore_length_mm",
    "params.duct_wall.area_min",
    "params.duct_wall.area_max",
    "params.duct_wall.pressure_scale_mmHg",
    "params.duct_wall.wall_tau_s",
    "params.ducts.pore_opening_mmHg",
    "params.ducts.pore_closed_fraction",
    "anatomy.branch_asymmetry",
    "anatomy.length_jitter",
    "anatomy.branch_angle_deg",
    "anatomy.capacity_sd_log",
    "anatomy.pore_diameter_mm_min",
    "anatomy.pore_diameter_mm_max",
    "anatomy.length_ratio",
    "stimulus.stimulation_vacuum_mmHg",
    "stimulus.nonnutritive_cycles_per_min",
    "stimulus.nutritive_cycles_per_min",
    "stimulus.switch_volume_mL",
    "neuro.n_neurons",
    "neuro.n_bundles",
    "neuro.bilateral_summation",
    "neuro.drive_fluctuation_sd",
    "neuro.drive_fluctuation_tau_s",
    "intervention.terbutaline.efficacy",
    "intervention.stress_pain.release_block",
    "intervention.warmth.duct_dilation",
    "intervention.labour_ot.release_scale",
    "intervention.obesity.generations_lost",
    "intervention.obesity.myoepithelium_scale",
    "intervention.preeclampsia.contractility_scale",
    "intervention.hypothyroid.release_scale",
    "intervention.caesarean.central_block",
    "params.exogenous.im_absorption_tau_s",
    "params.exogenous.intranasal_absorption_tau_s",
)
SETTING = (  # the experiment, a dose, a switch, the resolution or the numerics: chosen by the user
    "seed",
    "session_seed",
    "breasts",
    "duration_s",
    "plot",
    "quiet",
    "mechanism",
    "params.circulation.two_compartment",
    "params.pituitary.release_scale",
    "params.exogenous.iv_bolus_mU",
    "params.exogenous.iv_bolus_time_s",
    "params.exogenous.infusion_mU_per_min",
    "params.exogenous.infusion_start_s",
    "params.exogenous.infusion_end_s",
    "params.exogenous.im_mU",
    "params.exogenous.im_time_s",
    "params.exogenous.intranasal_IU",
    "params.exogenous.intranasal_time_s",
    "params.compression.pressure_mmHg",
    "params.compression.start_s",
    "params.compression.duration_s",
    "params.compression.period_s",
    "params.alveoli.cx43",
    "params.alveoli.ca_entry",
    "params.alveoli.contractility",
    "params.ducts.tone",
    "params.atosiban.bolus_mg",
    "params.atosiban.infusion_ug_per_min",
    "anatomy.kind",
    "anatomy.n_alveoli",
    "anatomy.gap_junction_neighbours",
    "stimulus.kind",
    "stimulus.pattern",
    "stimulus.resolution",
    "stimulus.reference_vacuum_mmHg",
    "stimulus.reference_cycles_per_min",
    "stimulus.start_s",
    "stimulus.session_end_s",
    "neuro.mode",
    "neuro.central_block",
    "neuro.onsets_s",
    "neuro.amounts_mU",
    "neuro.widths_s",
    "solver.rtol",
    "solver.precision",
    "solver.atol",
    "solver.dt0_s",
    "solver.max_steps",
    "solver.save_dt_s",
    "solver.agent_save_dt_s",
    "solver.tree_save_dt_s",
    "intervention.cx43_ko.residual_cx43",
    "intervention.atosiban.bolus_mg",
    "intervention.atosiban.infusion_ug_per_min",
    "intervention.nifedipine.plasma_ng_per_mL",
    "intervention.mgso4.serum_mM",
    "intervention.alcohol.g_per_kg",
    "intervention.alcohol.central_fraction",
    "intervention.morphine.dose_mg",
    "intervention.compression.pressure_mmHg",
    "intervention.compression.start_s",
    "intervention.compression.duration_s",
    "intervention.compression.period_s",
    "intervention.intranasal_ot.dose_IU",
    "intervention.intranasal_ot.time_s",
    "intervention.sci.residual_drive",
)
STATUS_GROUPS = {
    "measured (human)": MEASURED_HUMAN,
    "measured (human myometrium)": MEASURED_HUMAN_MYOMETRIUM,
    "measured (sow)": MEASURED_SOW,
    "derived": DERIVED,
    "fitted": FITTED,
    "assumption": ASSUMPTION,
    "setting": SETTING,
}
_status = {path: status for status, paths in STATUS_GROUPS.items() for path in paths}
if sorted(_status) != sorted(SPECS) or sum(map(len, STATUS_GROUPS.values())) != len(SPECS):  # one group each
    raise RuntimeError(f"mer.parameters: status groups and SPECS differ: {sorted(set(SPECS) ^ set(_status))}")
SPECS = {path: dataclasses.replace(spec, status=_status[path]) for path, spec in SPECS.items()}
