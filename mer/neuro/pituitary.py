"""Posterior pituitary: OT store and release driven by the neurons' firing.

Release is proportional to the population's mean normalised firing rate and to the fraction of the
store left (3000-9000 mU stored, 50-100 mU per reflex: Marasco 2022 deck; plasma peaks of 10-50
pg/mL imply ~35-80 mU per pulse, docs/literature.md). A basal release keeps plasma OT at ~1 pg/mL.
"""

from __future__ import annotations

import jax.numpy as jnp


def burst_release_mU_per_s(mean_rate, store_mU, pit):
    return pit.release_gain_mU_per_s * mean_rate * jnp.clip(store_mU / pit.store_mU, 0.0, 1.0)
