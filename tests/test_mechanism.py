"""What ends each contraction (configs/mechanism/): the response to a constant OT infusion as each
mechanism and the data predict.

Bruckmaier, Schams & Blum 1994 (J Dairy Res 61:323, cows): during a continuous OT infusion the
intramammary pressure rose to a maximum that stayed for the 10 min of the infusion, and milk flowed
until the udder was empty. Davis et al. 2015 (PNAS 112:5827): OT gives myoepithelial cells a large
transient Ca2+ release followed by slower, irregular oscillations (an intermediate mean).
"""

import numpy as np
import pytest

from mer.simulate import simulate

# no endogenous release (the afferent drive is blocked), OT infused from 1 to 11 min at a rate
# that gives ~100 pM at the breast (a strong dose, as in the cows)
INFUSION = [
    "anatomy.n_alveoli=200",
    "anatomy.generations=2",
    "neuro.central_block=1.0",
    "params.exogenous.infusion_mU_per_min=100",
    "params.exogenous.infusion_start_s=60",
    "params.exogenous.infusion_end_s=660",
    "quiet=true",
]
LATE = (360.0, 660.0)  # minutes 6-11: the infusion's second half


@pytest.fixture(scope="module")
def infused():
    out = {}
    for mechanism in ("desensitisation", "store", "threshold"):
        r = simulate(INFUSION + [f"mechanism={mechanism}"])
        t, cp = r.time, r.timeseries["contraction_pressure"]
        late = cp[(t > LATE[0]) & (t < LATE[1])]
        out[mechanism] = {"peak": cp.max(), "late": late, "yield": r.metrics["total_yield_g"], "result": r}
    return out


def test_threshold_holds_the_maximum_while_ot_is_infused(infused):
    # the contraction follows OT: the maximum is held (within 10 %) as in Bruckmaier 1994
    x = infused["threshold"]
    assert x["late"].min() >= 0.9 * x["peak"]


def test_store_gives_a_transient_then_a_sustained_intermediate_contraction(infused):
    # Davis 2015: a large transient, then oscillations with a lower mean; never a return to rest
    x = infused["store"]
    assert x["late"].min() >= 0.25 * x["peak"]
    assert x["late"].mean() <= 0.8 * x["peak"]


def test_desensitisation_ends_the_contraction_under_constant_ot(infused):
    # what a 60-s desensitisation predicts, and what the cows contradict: back near rest in minutes
    x = infused["desensitisation"]
    assert x["late"].max() <= 0.1 * x["peak"]


@pytest.mark.parametrize(
    "mechanism",
    [
        pytest.param(
            "desensitisation",
            marks=pytest.mark.xfail(strict=True, reason="60-s desensitisation ends the contraction under constant OT"),
        ),
        pytest.param(
            "store",
            marks=pytest.mark.xfail(
                strict=True,
                reason="with its store constants fitted to the sessions (inactivation 0.5 /s) the oscillations hold "
                "~30 % of the peak pressure and remove ~2/3 of the milk: the mechanism as calibrated contradicts "
                "Bruckmaier 1994 here (docs/design.md)",
            ),
        ),
        "threshold",
    ],
)
def test_constant_ot_empties_the_breast(infused, mechanism):
    # Bruckmaier 1994: with OT infused, milk flowed until the udder was empty: at least 90 % of the
    # milk there was (at the start and secreted since) removed by the end
    b = infused[mechanism]["result"].balance
    assert b["removed_ml"] >= 0.9 * (b["initial_ml"] + b["secreted_ml"])


def test_no_infusion_no_contraction(infused):
    # before the infusion starts the breast is at rest (no endogenous release): contraction < 1 mmHg
    for x in infused.values():
        r = x["result"]
        assert np.max(r.timeseries["contraction_pressure"][r.time < 55.0]) < 1.0
