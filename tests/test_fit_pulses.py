"""The pulse slots of a fit (mer.fit.pulses), without the model: detected pulses fill the slots and
the rest are masked, a masked slot releases nothing, the fitted width is every slot's, the
mother's base values are not changed, and a fitted session's configuration holds its used pulses."""

import jax.numpy as jnp
import numpy as np

from mer.fit import pulses
from mer.fit.arrays import FitArrays
from mer.parameters import CENTRAL, Gland, Params, PulseTrain
from mer.parameters import GLAND as GLAND_GROUPS

NEURO = PulseTrain(jnp.array([90.0, 300.0]), jnp.array([40.0, 40.0]), jnp.array([8.0, 8.0]))
GLAND = Gland(**{name: group() for name, group in GLAND_GROUPS.items()})
BASE = Params(**{name: group() for name, group in CENTRAL.items()}, neuro=NEURO, stimulus=None, breasts=(GLAND,))
FIT_CFG = {"onset_to_pulse_s": -8.0, "pulse_counts": [-1, 0, 1]}


def test_slots_hold_the_given_pulses_and_room_for_one_more():
    ts = np.arange(0.0, 601.0, 5.0)
    onsets, amounts, mask = pulses.slots(
        "pulses", [None, None], FIT_CFG, ts, BASE.neuro, [np.array([90.0]), np.array([80.0, 200.0])]
    )
    assert onsets.shape == amounts.shape == mask.shape == (2, 3)  # the most pulses (2) + the count search's one
    np.testing.assert_array_equal(mask, [[1, 0, 0], [1, 1, 0]])
    np.testing.assert_array_equal(onsets[1, :2], [80.0, 200.0])
    assert np.all(amounts == 40.0)  # the configured pulses' mean
    _, _, network_mask = pulses.slots("network", [None, None], FIT_CFG, ts, {}, None)
    assert network_mask.shape == (2, 1)  # one dummy slot, no detection


def test_a_masked_slot_releases_nothing_and_the_width_is_every_slots():
    onsets, amounts, mask = jnp.array([100.0, 300.0]), jnp.array([50.0, 60.0]), jnp.array([1.0, 0.0])
    fitted = {"neuro.widths_s": jnp.asarray(20.0), "neuro.amounts_mU": jnp.array([70.0, 80.0])}
    params = pulses.into_params(BASE, "pulses", onsets, amounts, mask, fitted)
    np.testing.assert_array_equal(params.neuro.amounts_mU, [70.0, 0.0])  # fitted, then masked
    np.testing.assert_array_equal(params.neuro.onsets_s, onsets)  # not fitted: the slots'
    np.testing.assert_array_equal(params.neuro.widths_s, [20.0, 20.0])
    np.testing.assert_array_equal(BASE.neuro.widths_s, [8.0, 8.0])  # the mother's base unchanged
    plain = pulses.into_params(BASE, "pulses", onsets, amounts, mask, {})
    np.testing.assert_array_equal(plain.neuro.widths_s, [8.0, 8.0])  # the configured first width
    without = pulses.into_params(BASE, "network", onsets, amounts, mask, {})
    assert without.neuro is BASE.neuro  # no pulses: nothing of the release set


def test_a_fitted_session_keeps_its_used_pulses_only():
    zeros = jnp.zeros(1)
    arrays = FitArrays(
        *([zeros] * 6),
        onsets=jnp.array([[90.0, 300.0, 450.0]]),
        amounts=jnp.array([[40.0, 50.0, 40.0]]),
        pulse_mask=jnp.array([[1.0, 1.0, 0.0]]),
        **{name: zeros for name in ("lower", "upper", "log", "initial", "u0", "used")},
    )
    neuro = pulses.session_neuro({"mode": "pulses", "widths_s": [8.0]}, arrays, 0)
    assert neuro["onsets_s"] == [90.0, 300.0] and neuro["widths_s"] == [8.0, 8.0]
    assert pulses.count("pulses", arrays, 0) == 2 and pulses.count("network", arrays, 0) == 0
    np.testing.assert_array_equal(pulses.used_slots("neuro.onsets_s", np.array([1.0, 2.0, 3.0]), [1, 1, 0]), [1, 2])
    assert pulses.per_pulse("neuro.widths_s", 20.0, 2) == [20.0, 20.0]
    assert arrays._asdict()["pulse_mask"] is arrays.pulse_mask  # read by name (mer/outputs/fit_plot.py)
