"""jax.grad of the total yield agrees with central finite differences."""

import jax
import pytest
from conftest import SMALL

from mer.build import build
from mer.config.compose import compose_config
from mer.parameters import as_dict, replace
from mer.solve import solver_for

PARAMS = ["alveoli.ec50_pM", "alveoli.max_tension_mmHg", "pituitary.release_gain_mU_per_s", "circulation.half_life_s"]


@pytest.fixture(scope="module")
def yield_and_grad():
    setup = build(compose_config(SMALL + ["solver.rtol=1e-9", "solver.atol=1e-11"]))
    run, *_ = solver_for(setup)

    def total_yield(values):
        params = setup.params
        for key, v in values.items():
            group, name = key.split(".")
            params = replace(params, group, **{name: v})
        return run(params, setup.structure)[0]["cumulative"][-1]

    x0 = {key: as_dict(setup.params)[key.split(".")[0]][key.split(".")[1]] for key in PARAMS}
    grads = jax.grad(total_yield)(x0)  # one reverse pass for all four parameters
    return total_yield, x0, grads


@pytest.mark.parametrize("key", PARAMS)
def test_grad_of_total_yield_matches_finite_differences(yield_and_grad, key):
    total_yield, x0, grads = yield_and_grad
    h = 1e-4 * float(x0[key])
    up = dict(x0, **{key: x0[key] + h})
    down = dict(x0, **{key: x0[key] - h})
    fd = (float(total_yield(up)) - float(total_yield(down))) / (2 * h)
    assert abs(fd) > 1e-6  # the parameter matters, so the comparison means something
    assert float(grads[key]) == pytest.approx(fd, rel=2e-3)
