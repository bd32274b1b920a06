"""solver.precision=float32: a float32 solve throughout, close to float64 (benchmarks/README.md
gives the measured gaps and speed)."""

import numpy as np
import pytest

from mer.config.compose import compose_config
from mer.config.validate import ConfigError, validate
from mer.simulate import simulate

SMALL = ["anatomy.n_alveoli=200", "anatomy.generations=2", "quiet=true"]


@pytest.fixture(scope="module")
def both():
    return {p: simulate([*SMALL, f"solver.precision={p}"]) for p in ("float64", "float32")}


def test_float32_solves_in_float32(both):
    assert both["float32"].timeseries["flow"].dtype == np.float32
    assert both["float64"].timeseries["flow"].dtype == np.float64


def test_float32_agrees_with_float64_within_its_rounding_and_the_tolerances(both):
    # rtol 1e-5 on ~100 g: the yields may differ by the solver's error control, ~0.01 %, not more
    a, b = both["float64"], both["float32"]
    assert b.metrics["total_yield_g"] == pytest.approx(a.metrics["total_yield_g"], rel=1e-3)
    on_a, on_b = a.metrics["mer_onsets_s"], b.metrics["mer_onsets_s"]
    assert on_a.size == on_b.size and np.max(np.abs(on_a - on_b)) <= 2.0  # the 1-s save grid
    # mass is still kept, to float32 rounding of ~150 mL (1e-7 relative, summed over the agents)
    assert abs(b.balance["error_ml"]) < 1e-3


def test_float32_refuses_tolerances_below_its_rounding():
    cfg = compose_config(["solver.precision=float32", "solver.rtol=1e-8"])
    with pytest.raises(ConfigError, match="solver.rtol"):
        validate(cfg)


def test_unknown_precision_is_refused():
    with pytest.raises(ConfigError, match="solver.precision"):
        validate(compose_config(["solver.precision=float16"]))


def test_importing_mer_leaves_jax_alone_and_a_float64_model_switches_it_on():
    import subprocess
    import sys

    code = (
        "import jax, mer, mer.simulate\n"
        "assert not jax.config.jax_enable_x64, 'import switched 64-bit mode on'\n"
        "from mer.build import build\n"
        "from mer.config.compose import compose_config\n"
        "build(compose_config(['anatomy.n_alveoli=60', 'anatomy.generations=2', 'solver.precision=float32']))\n"
        "assert not jax.config.jax_enable_x64, 'a float32 model switched 64-bit mode on'\n"
        "build(compose_config(['anatomy.n_alveoli=60', 'anatomy.generations=2']))\n"
        "assert jax.config.jax_enable_x64, 'a float64 model left 64-bit mode off'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
