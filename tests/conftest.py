import os

import pytest

from mer.runtime import enable_compilation_cache, float64_on

os.environ.setdefault("MPLBACKEND", "Agg")  # figures off-screen, as the commands draw them

# the same compiled solves serve both workers and the command-line tools the tests start (before
# equinox is imported: see mer/runtime.py)
enable_compilation_cache()
float64_on()  # the physics tests build arrays themselves, before any model is built
from mer.simulate import simulate  # noqa: E402

# A small breast for physics checks: 2 generations x 9 lobes = 18 lobules, 3-4 agents each.
SMALL = ["anatomy.n_alveoli=60", "anatomy.generations=2"]


@pytest.fixture(scope="session")
def default_result():
    return simulate([])


@pytest.fixture(scope="session")
def small_result():
    return simulate(SMALL)
