"""One stream of random draws per component, spawned from the mother's seed.

A mother's `seed` (and a session's `session_seed`) feeds a `numpy.random.SeedSequence`; every
component that draws gets its own child stream, keyed by the component and the breast (NumPy's
recommended way to make independent streams: numpy.org/doc/stable/reference/random/parallel.html).
So seed k and seed k + 1 share no draws, the right breast's draws are not another mother's left
ones, and adding a draw to one component leaves every other component's draws as they were.
"""

from __future__ import annotations

import numpy as np

# the spawn key of each component's stream; append new components, never reorder
COMPONENTS = ("anatomy", "agents", "neurons", "fluctuation")


def stream(seed: int, component: str, breast: int = 0) -> np.random.Generator:
    """The generator of `component`'s draws for `breast` (0 left or the only one, 1 right)."""
    if component not in COMPONENTS:
        raise ValueError(f"seeds: unknown component {component!r}; expected one of {COMPONENTS}")
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(COMPONENTS.index(component), breast)))
