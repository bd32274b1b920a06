"""Settings that are not parameters of the model: the session, the anatomy the build draws, the
solver, and the switches of the neuro and stimulus groups that select compiled code. Each is one
`Spec` (unit, meaning, bounds, status), checked against the configuration like the parameters."""

from __future__ import annotations

from mer.parameters.spec import (
    ASSUMPTION,
    CAPACITY_LIMIT,
    DERIVED,
    MEASURED_HUMAN,
    SEED_LIMIT,
    SETTING,
    Spec,
    frac,
    nonneg,
    pos,
    upto,
)

SESSION = {
    "seed": Spec(
        "1",
        "random seed of the mother (anatomy, agents, neurons)",
        kind=int,
        low=0,
        high=2147483647,
        limit=SEED_LIMIT,
        status=SETTING,
    ),
    "session_seed": Spec(
        "1",
        "random seed of the session (fluctuation of the afferent drive)",
        kind=int,
        low=0,
        high=2147483647,
        limit=SEED_LIMIT,
        status=SETTING,
    ),
    "breasts": Spec(
        "1",
        ("1 one breast; 2 both, one shared OT drive (Prime 2009: 95.5 % of flow rises coincide)"),
        kind=int,
        low=1,
        high=2,
        status=SETTING,
    ),
    "duration_s": upto(
        "s",
        "15-min pumping session (Kent et al. 2008)",
        86400.0,
        ("one feed or pumping session lasts 15-40 min (Kent et al. 2008); longer than a day is not a session"),
        SETTING,
    ),
    "plot": Spec("1", "write flow.png", kind=bool, status=SETTING),
    "mechanism": Spec(
        "1",
        ("what ends each contraction: desensitisation | store | threshold (configs/mechanism/)"),
        kind=str,
        status=SETTING,
    ),
    "quiet": Spec("1", "no progress bars, only warnings on the console (mer/progress.py)", kind=bool, status=SETTING),
}
ANATOMY = {
    "anatomy.kind": Spec("1", "average | generated", kind=str, status=SETTING),
    "anatomy.n_alveoli": Spec("1", "alveolus agents (resolution)", kind=int, low=1, status=SETTING),
    "anatomy.n_lobes_mean": pos("1", "9.6 main ducts (Ramsay 2005)", MEASURED_HUMAN),
    "anatomy.n_lobes_sd": nonneg("1", "+/- 2.9 (Ramsay 2005)", MEASURED_HUMAN),
    "anatomy.n_lobes_min": Spec("1", "range 4-18 (Ramsay 2005)", kind=int, low=1, status=MEASURED_HUMAN),
    "anatomy.n_lobes_max": Spec("1", "range 4-18 (Ramsay 2005)", kind=int, low=1, status=MEASURED_HUMAN),
    "anatomy.main_duct_diameter_mm_mean": pos("mm", "1.9-2.0 mm (Ramsay 2005)", MEASURED_HUMAN),
    "anatomy.main_duct_diameter_mm_sd": nonneg("mm", "+/- 0.6 mm (Ramsay 2005)", MEASURED_HUMAN),
    "anatomy.first_branch_mm_mean": pos("mm", "8.0 mm from the nipple (Ramsay 2005)", MEASURED_HUMAN),
    "anatomy.first_branch_mm_sd": nonneg("mm", "+/- 5.5 mm (Ramsay 2005)", MEASURED_HUMAN),
    "anatomy.branch_asymmetry": frac("flow-split range at a bifurcation (unchecked)", ASSUMPTION),
    "anatomy.length_jitter": nonneg("1", "log-normal jitter of segment length (unchecked)", ASSUMPTION),
    "anatomy.branch_angle_deg": Spec(
        "deg", "branching angle (for positions; unchecked)", low=0.0, high=90.0, status=ASSUMPTION
    ),
    "anatomy.capacity_mean_mL": upto("mL", "mean ~210 mL (Kent et al. 1999)", 2000.0, CAPACITY_LIMIT, MEASURED_HUMAN),
    "anatomy.capacity_sd_log": nonneg("1", "spread giving the 74-606 mL range (Kent 1999); unchecked", ASSUMPTION),
    "anatomy.capacity_min_mL": upto("mL", "74 mL (Kent et al. 1999)", 2000.0, CAPACITY_LIMIT, MEASURED_HUMAN),
    "anatomy.capacity_max_mL": upto("mL", "606 mL (Kent et al. 1999)", 2000.0, CAPACITY_LIMIT, MEASURED_HUMAN),
    "anatomy.pore_diameter_mm_min": pos("mm", "0.4 mm (Marasco 2022 deck)", ASSUMPTION),
    "anatomy.pore_diameter_mm_max": pos("mm", "0.7 mm (Marasco 2022 deck)", ASSUMPTION),
    "anatomy.n_lobes": Spec("1", "main ducts 9.6 +/- 2.9 (4-18) (Ramsay 2005)", kind=int, low=1, status=MEASURED_HUMAN),
    "anatomy.generations": Spec(
        "1",
        (
            "segment levels per lobe, main duct to terminal duct: 6 (63 segments and 32 "
            "lobules per lobe) from 20-40 terminal duct lobular units per lobe (IARC "
            "screening atlas); one traced human lobe had 440 segments with terminal ducts "
            "pruned (~9 levels; Going & Mohun 2006 Breast Cancer Res Treat 97:285) and a "
            "breast 'thousands of lobules' (UC Davis subgross atlas, ~8): derived, range 6-9,"
            " low certainty"
        ),
        kind=int,
        low=1,
        high=20,
        status=DERIVED,
    ),
    "anatomy.main_duct_radius_mm": pos("mm", "main duct 1.9-2.0 mm wide (Ramsay 2005)", MEASURED_HUMAN),
    "anatomy.main_duct_length_mm": pos(
        "mm", "first branch 8.0 +/- 5.5 mm from the nipple (Ramsay 2005)", MEASURED_HUMAN
    ),
    "anatomy.radius_ratio": frac("Murray's law 2^(-1/3)", DERIVED, low_open=True),
    "anatomy.length_ratio": pos("1", "0.794 (FractalMammaryLobule defaults)", ASSUMPTION),
    "anatomy.gap_junction_neighbours": Spec(
        "1", "ring neighbours per side in a lobule", kind=int, low=0, status=SETTING
    ),
}
SOLVER = {
    "solver.rtol": Spec(
        "1",
        "relative tolerance",
        low=1e-12,
        high=0.1,
        limit=("below 1e-12 float64 rounding defeats step control; above 0.1 (10 %) the curves are not solved"),
        status=SETTING,
    ),
    "solver.atol": Spec(
        "1",
        "absolute tolerance",
        low=1e-14,
        high=0.01,
        limit=(
            "fractions (fullness, activation) lie in [0, 1]: above 0.01 they are not solved; "
            "below 1e-14 float64 rounding defeats step control"
        ),
        status=SETTING,
    ),
    "solver.precision": Spec(
        "1",
        (
            "float64 | float32: floating-point type of the solve (float32: 1e5 agents ~2.8x "
            "faster on 2 CPU cores, yield within 0.01 g; benchmarks/README.md)"
        ),
        kind=str,
        status=SETTING,
    ),
    "solver.dt0_s": pos("s", "initial step", SETTING),
    "solver.max_steps": Spec("1", "step budget", kind=int, low=1, status=SETTING),
    "solver.save_dt_s": pos("s", "timeseries resolution", SETTING),
    "solver.agent_save_dt_s": pos("s", "per-agent resolution", SETTING),
    "solver.tree_save_dt_s": pos("s", "duct-tree resolution", SETTING),
}
SWITCHES = {  # the neuro and stimulus groups' keys that select code (the values: mer/parameters/neuro.py, stimulus.py)
    "neuro.mode": Spec("1", "network | pulses", kind=str, status=SETTING),
    "neuro.n_neurons": Spec("1", "48 cells (Rossoni 2008)", kind=int, low=1, status=ASSUMPTION),
    "neuro.n_bundles": Spec("1", "12 dendritic bundles (Rossoni 2008)", kind=int, low=1, status=ASSUMPTION),
    "stimulus.kind": Spec("1", "stimulus kind", kind=str, status=SETTING),
    "stimulus.pattern": Spec("1", "two_phase | three_phase (Ramsay 2005 J Hum Lact)", kind=str, status=SETTING),
    "stimulus.resolution": Spec("1", "averaged | resolved", kind=str, status=SETTING),
}
