"""The arrays of a fitting problem, by name: the observed curves on the model's time grid, the
release-pulse slots, and the bounds and start of the fitted vector.

Shapes: S sessions, T save times (the data grid; padded to a bucket length inside the compiled
functions, mer.solve.padded), K pulse slots per session, P entries of the flat fitted vector u
(mer.fit.parameters.Layout). All are jax arrays: the compiled functions take them as traced
arguments, so a new data set of the same shapes reuses the compilation.

A NamedTuple because it is a pytree that `jax.export` can write (registered below), so the fit's
compiled functions are kept as programs (mer/programs.py) like the simulation's.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from mer.solve import bucket, padded

TIME_AXIS = ("obs_flow", "obs_cum", "inside")  # the fields with the data grid as their last axis


@functools.partial(jax.export.register_namedtuple_serialization, serialized_name="mer.fit.arrays.FitArrays")
class FitArrays(NamedTuple):
    ts: jax.Array  # (T,) s: the model's save times, the data grid
    obs_flow: jax.Array  # (S, T) g/s: observed flow on ts
    obs_cum: jax.Array  # (S, T) g: observed milk removed since the first sample, on ts
    inside: jax.Array  # (S, T) 1 where ts lies within the recording, 0 outside it and in gaps
    sst_flow: jax.Array  # (S,) (g/s)^2: sum of squares of the observed flow about its mean (inside)
    sst_cum: jax.Array  # (S,) g^2: the same for cumulative; the loss divides by these (1 - R^2)
    onsets: jax.Array  # (S, K) s: pulse centres the slots start from (without pulses: one dummy slot)
    amounts: jax.Array  # (S, K) mU: OT per pulse the slots start from
    pulse_mask: jax.Array  # (S, K) 1 for a used slot; an unused slot releases nothing
    lower: jax.Array  # (P,) natural units: each fitted value's lower bound
    upper: jax.Array  # (P,) natural units: upper bound
    log: jax.Array  # (P,) 1 where the value is fitted on a log scale
    initial: jax.Array  # (P,) natural units: the starting values
    u0: jax.Array  # (P,) the starting point in the unconstrained space, also the prior's centre
    used: jax.Array  # (P,) 1 where the entry is fitted, 0 for an unused pulse slot

    def padded(self) -> FitArrays:
        """The arrays on the padded save grid (mer.solve.padded): the added times lie outside the
        data (inside = 0), so the loss and the fitted values do not change."""
        n = self.ts.shape[0]
        extra = bucket(n) - n
        longer = {key: jnp.pad(getattr(self, key), ((0, 0), (0, extra))) for key in TIME_AXIS}
        return self._replace(ts=jnp.asarray(padded(np.asarray(self.ts))), **longer)
