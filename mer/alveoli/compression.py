"""External breast compression: a timed pressure added to every alveolus.

Windows of `duration_s` repeat every `period_s` from `start_s` (a mother compressing her breast
during pumping; breast compression is taught to raise flow, direction only).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

EDGE_S = 1.0


def compression_mmHg(t, c):
    since = t - c.start_s
    phase = jnp.mod(jnp.maximum(since, 0.0), c.period_s)
    on = (
        jax.nn.sigmoid(since / EDGE_S)
        * jax.nn.sigmoid(phase / EDGE_S)
        * jax.nn.sigmoid((c.duration_s - phase) / EDGE_S)
    )
    return c.pressure_mmHg * on
