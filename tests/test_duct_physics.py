"""Compliant ducts in the default session: Poiseuille on every saved segment, dilation at ejection."""

import numpy as np

DYN_CM2_PER_MMHG = 1333.22  # 1 mmHg = 133.322 Pa, written out independently of the model


def test_saved_segment_flows_obey_poiseuille(default_result):
    tr = default_result.tree
    tree = default_result.setup.tree
    mu_poise = default_result.config["params"]["ducts"]["milk_viscosity_mPa_s"] * 0.01
    r_cm = tr["radius"] * 0.1
    dp_dyn = (tr["pressure_in"] - tr["pressure_out"]) * DYN_CM2_PER_MMHG
    expected = np.pi * r_cm**4 * dp_dyn / (8.0 * mu_poise * tree.length_mm * 0.1)  # cm^3/s = mL/s
    np.testing.assert_allclose(tr["flow"], expected, rtol=1e-9, atol=1e-15)
    assert np.abs(tr["flow"]).max() > 0.01


def test_main_ducts_widen_during_ejections_and_narrow_after(default_result):
    tree = default_result.setup.tree
    t = default_result.tree_time
    radius = default_result.tree["radius"][:, tree.parent == -1].mean(axis=1)
    onsets = default_result.metrics["mer_onsets_s"]
    assert onsets.size >= 3
    for k, onset in enumerate(onsets):
        before = radius[(t >= onset - 20) & (t < onset)].mean()
        during = radius[(t >= onset) & (t <= onset + 60)].max()
        end = onsets[k + 1] if k + 1 < onsets.size else t[-1] - 5
        after = radius[(t >= end - 30) & (t < end)].mean()
        assert during > 1.03 * before  # dilation with the ejected milk (Ramsay 2004; Geddes 2009)
        assert after < during - 0.5 * (during - before)  # and back toward baseline after


def test_pores_open_under_pressure_and_close_without_it():
    import jax.numpy as jnp

    from mer.model import pore_opening

    d = {"pore_opening_mmHg": jnp.asarray(5.0), "pore_closed_fraction": jnp.asarray(0.02)}
    closed, half, open_ = (float(pore_opening(jnp.asarray(p), d)) for p in (-20.0, 5.0, 40.0))
    assert closed < 0.03 and abs(half - 0.51) < 1e-12 and open_ > 0.999
