"""Mass balance, Kirchhoff at the nipple, and cumulative = integral of flow."""

import numpy as np

from mer.hydraulics import mammary_fluxes, unloaded_volume_mL
from mer.model import with_agent_factors
from mer.parameters import replace


def test_mass_balance_closes(default_result):
    b = default_result.balance
    assert abs(b["error_ml"]) <= 1e-3 * b["initial_ml"]  # 0.1 %
    assert b["secreted_ml"] > 0.0  # production is present even within a session


def test_cumulative_is_integral_of_flow(small_result):
    t = small_result.time
    flow = small_result.timeseries["flow"]
    cum = small_result.timeseries["cumulative"]
    integral = np.concatenate([[0.0], np.cumsum(0.5 * (flow[1:] + flow[:-1]) * np.diff(t))])
    # trapezoid error on a 1 s grid; flow changes on a >= 5 s scale
    np.testing.assert_allclose(integral, cum, atol=2e-3 * cum[-1])


def test_nipple_outflow_equals_alveolar_outflow(small_result):
    """What leaves the alveoli either fills the ducts or leaves the nipple."""
    import jax.numpy as jnp

    setup = small_result.setup
    n = setup.population.n_agents
    rng = np.random.default_rng(0)
    y = {
        "fullness": jnp.asarray(rng.uniform(0.1, 0.9, n)),
        "activation": jnp.asarray(rng.uniform(0.0, 1.0, n)),
        "duct_area_ratio": jnp.asarray(rng.uniform(0.3, 1.5, setup.tree.n_segments)),
        "suck_phase": jnp.asarray(0.3),
        "removed": jnp.asarray(5.0),
    }
    gland, structure = setup.params.breasts[0], setup.structure["breasts"][0]
    m = mammary_fluxes(300.0, y, setup.params, gland, with_agent_factors(gland, structure), setup.tree)
    storage = np.asarray(m["duct_area_rate"] * unloaded_volume_mL(gland, structure))
    total = float(jnp.sum(m["alveolar_outflow"]))
    assert total > 0 and np.abs(storage).max() > 0  # the check covers moving walls
    np.testing.assert_allclose(float(m["nipple_outflow"]), total - storage.sum(), rtol=1e-10)
    # and at every junction: a segment carries its children's flow plus its own alveoli's, less
    # what its own lumen takes up
    tree = setup.tree
    q = np.asarray(m["segment_flow"])
    inflow = np.zeros_like(q)
    np.add.at(inflow, tree.parent[tree.parent >= 0], q[tree.parent >= 0])
    np.add.at(inflow, setup.tree.terminal[setup.population.lobule], np.asarray(m["alveolar_outflow"]))
    np.testing.assert_allclose(q, inflow - storage, rtol=1e-9, atol=1e-14)


def test_removed_milk_never_returns(default_result):
    """Removal is one-way: flow out of the nipple is never negative, also when the pump stops at
    the session's end and the ducts are below the outside pressure; the cumulative yield never
    falls by more than the solver's own error control (rtol x yield) between save times."""
    flow = default_result.timeseries["flow"]
    cum = default_result.timeseries["cumulative"]
    rtol = float(default_result.config["solver"]["rtol"])
    assert flow.min() >= -1e-12  # roundoff of a closed pore's zero flow
    assert np.diff(cum).min() >= -rtol * cum[-1]
    assert cum[-1] >= cum.max() - rtol * cum[-1]  # the reported yield is not lowered at the end


def test_a_pore_closes_instead_of_drawing_milk_back(small_result):
    """With the pump's vacuum released while the ducts are under it, the pores close: no flow
    into the breast, and the lobe's alveolar outflow goes into its ducts' walls."""
    import jax.numpy as jnp

    setup = small_result.setup
    n = setup.population.n_agents
    params = replace(setup.params, "stimulus", session_end_s=jnp.asarray(0.0))
    y = {
        "fullness": jnp.full(n, 0.05),  # nearly empty alveoli: little pressure behind the ducts
        "activation": jnp.zeros(n),
        "duct_area_ratio": jnp.full(setup.tree.n_segments, 0.3),  # collapsed by the vacuum
        "suck_phase": jnp.asarray(0.0),
        "removed": jnp.asarray(50.0),
    }
    gland, structure = params.breasts[0], setup.structure["breasts"][0]
    m = mammary_fluxes(600.0, y, params, gland, with_agent_factors(gland, structure), setup.tree)
    roots = setup.tree.levels()[0]
    assert float(m["vacuum"]) > -1e-6  # the pump has stopped
    assert np.all(np.asarray(m["segment_flow"])[roots] >= -1e-12)  # zero within roundoff
    assert float(m["nipple_outflow"]) >= 0.0
