"""Where the pressure falls between the alveoli and the pump (mer.ducts.drops)."""

import jax.numpy as jnp
import numpy as np
import pytest

from mer.ducts.drops import shares_at_peak_flow, stage_names, stage_pressure_drops
from mer.ducts.network import poiseuille_conductance, solve_tree
from mer.ducts.tree import dichotomous_tree

MURRAY = 2.0 ** (-1.0 / 3.0)


def _drained(tree, g_out, p_alveolar, g_pore, p_out):
    """Each terminal duct fed by one group of alveoli at `p_alveolar` through outlets `g_out`."""
    a = np.zeros(tree.n_segments)
    b = np.zeros(tree.n_segments)
    b[tree.terminal] = g_out
    a[tree.terminal] = g_out * p_alveolar
    g = np.asarray(poiseuille_conductance(tree.radius_mm, tree.length_mm, 2.0))
    p_dist, p_prox, q = (
        np.asarray(x) for x in solve_tree(tree, jnp.asarray(g), g_pore, jnp.asarray(a), jnp.asarray(b), p_out)
    )
    p_terminal = p_dist[tree.terminal]
    q_alveolar = g_out * (p_alveolar - p_terminal)
    drops = np.asarray(stage_pressure_drops(tree, q_alveolar, p_alveolar, p_terminal, q, p_dist, p_prox, p_out))
    return drops, q_alveolar, g


def test_murray_tree_takes_the_same_drop_in_every_generation():
    """Radii and lengths both shrinking by 2^(-1/3) per generation: a generation of 2^g ducts has
    the main ducts' conductance, so with even drainage each generation takes Q / (n_lobes g_main)."""
    tree = dichotomous_tree(9, 6, 1.0, 8.0, MURRAY, MURRAY)
    n = tree.n_lobules
    drops, q_alveolar, g = _drained(tree, np.full(n, 0.01 / n), np.full(n, 30.0), jnp.full(9, 0.005), -150.0)
    q_total = q_alveolar.sum()
    expected = q_total / (9 * g[0])
    np.testing.assert_allclose(drops[1:-1], expected, rtol=1e-9)
    assert len(stage_names(tree)) == drops.size == tree.depth + 2


def test_stage_drops_add_up_to_the_driving_pressure():
    """Tellegen: with still walls the stages' flow-weighted drops sum to the flow-weighted mean of
    (alveolar pressure - pressure outside), whatever the conductances."""
    rng = np.random.default_rng(4)
    tree = dichotomous_tree(5, 5, 1.0, 8.0, 0.7, 0.9)
    n = tree.n_lobules
    p_alveolar, p_out = rng.uniform(5.0, 40.0, n), -120.0
    drops, q_alveolar, _ = _drained(
        tree, rng.uniform(1e-4, 1e-2, n), p_alveolar, jnp.asarray(rng.uniform(1e-3, 0.05, 5)), p_out
    )
    assert np.all(q_alveolar > 0) and np.all(drops > 0)
    assert drops.sum() == pytest.approx(np.sum(q_alveolar * (p_alveolar - p_out)) / q_alveolar.sum(), rel=1e-10)


def test_shares_are_read_at_the_peak_of_the_ejections_not_of_the_start():
    """The collapsing ducts give up their milk in the first seconds of pumping: a peak there is not
    where the ejections' pressure is shared; without an ejection there is nothing to read."""
    time = np.arange(0.0, 200.0)
    flow = np.where((time >= 50) & (time < 110), 0.3, 0.0)
    flow[0], flow[80] = 0.7, 0.5  # a start transient above the ejection's peak
    drop = np.tile([1.0, 1.0, 1.0], (time.size, 1))
    drop[80] = [6.0, 1.0, 3.0]
    shares = shares_at_peak_flow(time, flow, drop)
    assert shares == pytest.approx(
        {"outlet_pressure_share": 0.6, "duct_pressure_share": 0.1, "pore_pressure_share": 0.3}
    )
    start_only = np.where(time < 5, 0.7, 0.0)  # the transient alone: no ejection
    assert np.isnan(shares_at_peak_flow(time, start_only, drop)["duct_pressure_share"])


def test_stages_come_in_the_order_milk_passes_them():
    """A tree whose generations differ (radius ratio 0.7, length ratio 0.9), drained evenly: each
    generation's drop is Q / (its segments' summed conductance), deepest first; the outlets' and
    the pores' drops are each their own flow-weighted pressure difference."""
    tree = dichotomous_tree(3, 4, 1.0, 8.0, 0.7, 0.9)
    n = tree.n_lobules
    g_out, g_pore, p_out = np.full(n, 0.002), jnp.full(3, 0.004), -100.0
    drops, q_alveolar, g = _drained(tree, g_out, np.full(n, 30.0), g_pore, p_out)
    q_total = q_alveolar.sum()
    by_generation = [q_total / g[tree.generation == k].sum() for k in range(tree.depth)]
    np.testing.assert_allclose(drops[1:-1], by_generation[::-1], rtol=1e-9)
    p_terminal = 30.0 - q_alveolar / g_out
    assert drops[0] == pytest.approx(np.sum(q_alveolar * (30.0 - p_terminal)) / q_total, rel=1e-9)
    p_pore = p_out + (q_total / 3) / np.asarray(g_pore)  # three equal lobes
    assert drops[-1] == pytest.approx(p_pore[0] - p_out, rel=1e-9)


def test_session_saves_the_drop_of_every_stage(small_result):
    r = small_result
    drop = r.timeseries["pressure_drop"]
    assert drop.shape == (r.time.size, r.setup.tree.depth + 2)
    assert np.all(drop >= -1e-9)
    shares = [r.metrics[k] for k in ("outlet_pressure_share", "duct_pressure_share", "pore_pressure_share")]
    assert all(0.0 < s < 1.0 for s in shares)
    # read at the ejections' peak flow, after the first onset
    peak = np.argmax(np.where(r.time >= r.metrics["mer_onsets_s"][0], r.timeseries["flow"], -np.inf))
    assert shares[0] == pytest.approx(drop[peak, 0] / drop[peak].sum(), rel=1e-12)
