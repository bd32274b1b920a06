"""The basket's coherence from gap-junction coupling (mer/alveoli/basket.py) against a direct
simulation of coupled phase oscillators, and its consequence for Cx43 loss."""

import dataclasses

import numpy as np
import pytest

from mer.alveoli.basket import basket_coherence, coherence, synchronised_share
from mer.parameters import Alveoli

A = Alveoli(basket_cells=30.0, coupling_margin=2.0)


def kuramoto_order(coupling_ratio, n=4000, steps=3000, dt=0.02):
    """Time-averaged order parameter of n all-to-all coupled phase oscillators with Lorentzian
    natural frequencies (half-width 1, so Kc = 2), from random initial phases."""
    half_width = 1.0
    q = (np.arange(n) + 0.5) / n
    omega = half_width * np.tan(np.pi * (q - 0.5))  # deterministic Lorentzian quantiles
    omega = np.clip(omega, -200.0, 200.0)  # the far tails never lock; clipping keeps Euler stable
    k = coupling_ratio * 2.0 * half_width
    theta = np.random.default_rng(0).uniform(0.0, 2.0 * np.pi, n)
    rs = []
    for step in range(steps):
        z = np.mean(np.exp(1j * theta))
        theta = theta + dt * (omega + k * np.abs(z) * np.sin(np.angle(z) - theta))
        if step >= steps // 2:
            rs.append(np.abs(z))
    return float(np.mean(rs))


@pytest.mark.parametrize("ratio", [1.5, 2.0, 4.0])
def test_mean_field_order_parameter_matches_coupled_oscillators_above_critical(ratio):
    # Ott-Antonsen: r = sqrt(1 - Kc/K); finite n and the time step leave a few hundredths
    direct = kuramoto_order(ratio)
    assert direct == pytest.approx(np.sqrt(float(synchronised_share(ratio))), abs=0.05)


def test_below_critical_coupling_no_cell_is_in_step():
    assert kuramoto_order(0.5) < 0.1
    assert float(synchronised_share(0.5)) < 1e-3


def test_out_of_step_cells_squeeze_with_one_over_root_n():
    # random phases: the magnitude of the summed unit forces of n cells is ~ sqrt(n), i.e. 1/sqrt(n)
    # of their coherent sum (root mean square over many draws)
    n = 30
    phases = np.random.default_rng(1).uniform(0.0, 2.0 * np.pi, (20000, n))
    rms = np.sqrt(np.mean(np.abs(np.exp(1j * phases).mean(axis=1)) ** 2))
    assert float(basket_coherence(0.0, A)) == pytest.approx(rms, rel=0.02)
    assert rms == pytest.approx(1.0 / np.sqrt(n), rel=0.02)


def test_coherence_is_one_with_normal_cx43_and_falls_with_its_loss():
    assert float(coherence(dataclasses.replace(A, cx43=1.0))) == pytest.approx(1.0)
    values = [float(coherence(dataclasses.replace(A, cx43=c))) for c in np.linspace(0.0, 1.0, 11)]
    assert np.all(np.diff(values) >= 0.0)
    # below half the normal coupling (margin 2) the basket is hardly better than without Cx43
    assert values[4] <= 1.2 * values[0]


@pytest.mark.slow
def test_partial_loss_of_cx43_below_critical_fails_like_the_knockout():
    # Plante & Laird 2008: G60S mice with reduced (not absent) Cx43 failed to deliver milk
    from mer.simulate import simulate

    small = ["anatomy.n_alveoli=200", "anatomy.generations=2", "quiet=true", "intervention=cx43_ko"]
    control = simulate(small[:3]).metrics["total_yield_g"]
    knockout = simulate(small + ["intervention.cx43_ko.residual_cx43=0.0"]).metrics["total_yield_g"]
    partial = simulate(small + ["intervention.cx43_ko.residual_cx43=0.4"]).metrics["total_yield_g"]
    assert knockout < 0.5 * control
    assert control - partial >= 0.8 * (control - knockout)
