import pytest

import mer  # noqa: F401  (enables float64)
from mer.runtime import enable_compilation_cache
from mer.simulate import simulate

# the same compiled solves serve both workers and the command-line tools the tests start
enable_compilation_cache()

# A small breast for physics checks: 2 generations x 9 lobes = 18 lobules, 3-4 agents each.
SMALL = ["anatomy.n_alveoli=60", "anatomy.generations=2"]


@pytest.fixture(scope="session")
def default_result():
    return simulate([])


@pytest.fixture(scope="session")
def small_result():
    return simulate(SMALL)
