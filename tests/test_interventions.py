"""Expected effects of interventions from the literature, each with its tolerance.

Where a source gives only a direction (warmth, compression, terbutaline, MgSO4 in vivo), the test
asserts the direction and a loose size bound, and says so.
"""

import numpy as np
import pytest

from mer.outputs.metrics import contraction_response_mmHg_s
from mer.parameters import Alveoli, Atosiban, as_dict
from mer.simulate import simulate


@pytest.fixture(scope="module")
def run():
    cache = {}

    def _run(*overrides):
        if overrides not in cache:
            cache[overrides] = simulate(list(overrides))
        return cache[overrides]

    return _run


def change(run, *overrides):
    base = run().metrics["total_yield_g"]
    return run(*overrides).metrics["total_yield_g"] / base - 1.0


def neuron_bursts(result):
    bursting = result.timeseries["neuron_synchrony"] > 0.5
    return int(np.sum(np.diff(bursting.astype(int)) == 1))


def test_cx43_knockout_removes_most_of_the_yield(run):
    assert change(run, "intervention=cx43_ko") <= -0.5  # Plante & Laird 2008: OT fails to deliver milk


def test_partial_cx43_loss_is_graded(run):
    half = change(run, "intervention=cx43_ko", "intervention.cx43_ko.residual_cx43=0.5")
    assert change(run, "intervention=cx43_ko") < half < 0.0


def test_atosiban_nearly_abolishes_ejection(run):
    assert change(run, "intervention=atosiban") <= -0.7


def contraction_change(run, *overrides):
    """Change of the integrated contraction pressure (the ejection response Cobo measured)."""

    def response(r):
        return contraction_response_mmHg_s(r.time, r.timeseries["contraction_pressure"])

    return response(run(*overrides)) / response(run()) - 1.0


# Cobo 1973: inhibition of the milk-ejection response by dose band, at the band midpoints
# (below 0.5 g/kg: none; above 2 g/kg: ~complete)
COBO_BANDS = [(0.4, 0.0), (0.75, 0.18), (1.25, 0.63), (1.75, 0.80), (2.25, 1.0)]


@pytest.mark.parametrize("g_per_kg, inhibition", COBO_BANDS)
def test_alcohol_reproduces_cobo_bands(run, g_per_kg, inhibition):
    """Each band within +/-15 percentage points of Cobo's inhibition of the ejection response."""
    c = contraction_change(run, "intervention=alcohol", f"intervention.alcohol.g_per_kg={g_per_kg}")
    assert abs(-c - inhibition) <= 0.15


def test_alcohol_spares_the_response_to_injected_ot(run):
    """Cobo 1973: the breast still responds to OT given by injection after a blocking dose."""
    blocked = run("intervention=alcohol", "intervention.alcohol.g_per_kg=2.5")
    injected = run(
        "intervention=alcohol",
        "intervention.alcohol.g_per_kg=2.5",
        "params.exogenous.iv_bolus_mU=100.0",
        "params.exogenous.iv_bolus_time_s=300.0",
    )
    assert blocked.metrics["n_mer"] == 0
    assert injected.metrics["n_mer"] >= 1
    onset = injected.metrics["mer_onsets_s"][0]
    # IV response ~20 s after injection (1961 study); the bolus is a 5 s-wide Gaussian around 300 s
    # and arm-to-breast transit is not modelled, so the window opens 15 s before its centre
    assert 285.0 <= onset <= 340.0
    # the breast's response to the bolus is that of a breast without alcohol and without
    # endogenous release (sci): alcohol acts on release only
    bolus = ("params.exogenous.iv_bolus_mU=100.0", "params.exogenous.iv_bolus_time_s=300.0")
    sober = run("intervention=sci", *bolus)

    def response(r):
        window = (r.time >= 280.0) & (r.time <= 480.0)
        return contraction_response_mmHg_s(r.time[window], r.timeseries["contraction_pressure"][window])

    assert response(injected) >= 0.9 * response(sober)


def test_mental_stress_gives_fewer_pulses(run):
    """Ueda 1994 (20 min of nursing): mental arithmetic 2.25 -> 1.28 OT pulses (ratio 0.57); the
    drive block was fitted to this ratio on the default session."""
    base = run("duration_s=1200")
    stressed = run("duration_s=1200", "intervention=stress_mental")
    ratio = neuron_bursts(stressed) / neuron_bursts(base)
    assert abs(ratio - 1.28 / 2.25) <= 0.15
    assert stressed.metrics["n_mer"] < base.metrics["n_mer"]


LOST_BURSTS_LOSE_MILK = "each burst the block removes is an ejection lost, and its milk stays in the breast"


@pytest.mark.parametrize(
    "mechanism",
    [
        pytest.param("desensitisation", marks=pytest.mark.xfail(strict=True, reason=LOST_BURSTS_LOSE_MILK)),
        pytest.param("store", marks=pytest.mark.xfail(strict=True, reason=LOST_BURSTS_LOSE_MILK)),
        "threshold",
    ],
)
def test_mental_stress_leaves_the_milk_yield(run, mechanism):
    """Ueda 1994: the milk yield of 20 min of nursing did not differ with mental arithmetic, although
    the pulses fell to 0.57. Which mechanism ends each contraction decides whether the model agrees
    (configs/mechanism/): a 5 % tolerance for 'no difference' between groups of about 7 women."""
    base = run("duration_s=1200", f"mechanism={mechanism}")
    stressed = run("duration_s=1200", f"mechanism={mechanism}", "intervention=stress_mental")
    assert neuron_bursts(stressed) < neuron_bursts(base)
    assert abs(stressed.metrics["total_yield_g"] / base.metrics["total_yield_g"] - 1.0) <= 0.05


def test_mental_stress_leaves_the_breast_alone(run):
    """Only the afferent drive is blocked: no peripheral (vascular, duct) term."""
    base, stressed = run().setup.params, run("intervention=stress_mental").setup.params
    assert float(stressed.neuro.central_block) == pytest.approx(0.18)
    base, stressed = as_dict(base), as_dict(stressed)
    for group in ("circulation", "ducts", "alveoli", "pituitary"):
        for k, v in base[group].items():
            np.testing.assert_array_equal(stressed[group][k], v, err_msg=f"{group}.{k}")


def test_pain_blocks_release_and_injected_ot_restores_the_milk(run):
    """Newton & Newton 1948: distraction by pain lowered the milk; that injected OT restored it (the
    breast intact, the block central) is the usual summary of the study, not confirmed in the
    sources read here, and is what the model's central block implies. The injection here is
    100 mU IM at the start (Newton's dose not retrieved); it must win back at least a quarter of
    what pain took."""
    control = run().metrics["total_yield_g"]
    pain = run("intervention=stress_pain").metrics["total_yield_g"]
    injected = run("intervention=stress_pain", "params.exogenous.im_mU=100.0").metrics["total_yield_g"]
    assert pain < 0.97 * control
    assert injected >= pain + 0.25 * (control - pain)
    p = run("intervention=stress_pain").setup.params
    assert float(p.pituitary.release_scale) == pytest.approx(0.5)
    assert float(p.neuro.central_block) == 0.0


def test_stress_is_stress_mental_under_its_old_name():
    from mer.config.compose import compose_config
    from mer.config.validate import ConfigError
    from mer.interventions.registry import INTERVENTIONS, apply_intervention

    old = compose_config(["intervention=stress"])["intervention"]["stress"]
    new = compose_config(["intervention=stress_mental"])["intervention"]["stress_mental"]
    assert old == new
    assert INTERVENTIONS["stress"] is INTERVENTIONS["stress_mental"]
    both = compose_config(["intervention=[stress,stress_mental]"])
    with pytest.raises(ConfigError, match="old name"):
        apply_intervention(both["params"], both["anatomy"], both["intervention"])


def test_mgso4_weak_to_moderate(run):
    """-30-40 % of contraction at 8 mM in vitro, none in vivo (sheep): weak to moderate."""
    c = change(run, "intervention=mgso4")
    assert -0.40 <= c < 0.0


def test_terbutaline_close_to_none(run):
    """beta-agonists leave intramammary pressure unchanged (goat): direction-only source."""
    assert abs(change(run, "intervention=terbutaline")) <= 0.05


def test_warmth_gives_more_milk_in_the_same_time(run):
    """Kent et al. 2011 (direction only)."""
    assert change(run, "intervention=warmth") > 0.02


def test_compression_raises_flow_during_compressions(run):
    base = run()
    comp = run("intervention=compression")
    t = comp.time
    c = comp.config["intervention"]["compression"]
    phase = np.mod(t - c["start_s"], c["period_s"])
    during = (t >= c["start_s"] + 2) & (phase > 2) & (phase < c["duration_s"] - 2)
    assert np.mean(comp.timeseries["flow"][during]) > 1.01 * np.mean(base.timeseries["flow"][during])


def test_intranasal_ot_restores_ejection_when_central_release_is_blocked(run):
    blocked = run("intervention=sci")
    rescued = run("intervention=[sci,intranasal_ot]")
    assert blocked.metrics["n_mer"] == 0
    assert rescued.metrics["n_mer"] >= 1
    assert rescued.metrics["total_yield_g"] >= 3.0 * blocked.metrics["total_yield_g"]


def test_morphine_abolishes_ejection(run):
    """5 mg IV abolishes the OT rise to breastfeeding (Lindow 1999)."""
    r = run("intervention=morphine")
    assert r.metrics["n_mer"] == 0
    assert change(run, "intervention=morphine") <= -0.8


@pytest.mark.parametrize("name", ["labour_ot", "obesity", "preeclampsia", "hypothyroid"])
def test_impairments_lower_the_yield(run, name):
    """Direction from the mechanism (docs/reference_design.md 6); sizes are unchecked priors."""
    assert change(run, f"intervention={name}") < 0.0


def test_nifedipine_leaves_the_yield_unless_l_type_channels_carry_the_entry(run):
    """Clinical doses for nipple vasospasm leave milk production unchanged (LactMed; Magee 2005):
    with no L-type share of myoepithelial Ca2+ entry (Davis 2015) the yield moves < 1 %; if the
    entry were all L-type, the 100 ng/mL block (C / (C + IC50)) would lower it."""
    assert abs(change(run, "intervention=nifedipine")) < 0.01
    assert change(run, "intervention=nifedipine", "intervention.nifedipine.l_type_share=1.0") < -0.05


def test_interventions_compose(run):
    both = run("intervention=[stress_pain,warmth]")
    p = both.setup.params
    assert float(p.breasts[0].ducts.tone) == pytest.approx(1 + 0.04)
    assert float(p.pituitary.release_scale) == pytest.approx(0.5)


def test_caesarean_gives_fewer_pulses(run):
    """Nissen 1996: fewer OT pulses after emergency caesarean (direction only)."""
    base = run("duration_s=1200")
    cs = run("duration_s=1200", "intervention=caesarean")
    assert neuron_bursts(cs) < neuron_bursts(base)


def test_atosiban_shifts_the_ot_dose_response_twentyfold():
    """Standard dosing: free atosiban at steady state vs Ki 10 nM moves EC50 >= 20x (Phaneuf 1994)."""
    import jax.numpy as jnp

    from mer.alveoli.receptor import ec50_pM
    from mer.circulation.atosiban import free_nM
    from mer.config.compose import compose_config

    p = compose_config(["intervention=atosiban"])["params"]
    a = Atosiban(**p["atosiban"])
    steady_ng_per_mL = 300.0 / 60.0 / a.clearance_L_per_h * 3600.0  # infusion / clearance
    antagonist = free_nM(steady_ng_per_mL, a)
    alv = Alveoli(**{k: jnp.asarray(v) for k, v in p["alveoli"].items()})
    shift = ec50_pM(0.5, 0.0, 0.0, antagonist, alv) / ec50_pM(0.5, 0.0, 0.0, 0.0, alv)
    assert 420.0 <= steady_ng_per_mL <= 470.0  # 442 +/- 73 ng/mL observed at 300 ug/min (Goodwin 1995)
    assert float(shift) >= 20.0
