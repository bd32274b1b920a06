"""Tension, pressure, outlet and secretion of each alveolus agent.

Tension follows activation by a Hill law, scaled by the agent's myoepithelial complement and by the
coherence of its basket, which follows from the gap-junction coupling of its cells
(mer/alveoli/basket.py). Pressure = elastic recoil + tension (sow intramammary pressure 20-49
mmHg at ejection, J Physiol 1982;333:577). Contraction also shortens and widens the ductule that
drains the alveolus (Ramsay 2004: ducts dilate at ejection), so the outlet conductance rises with
tension from a small resting value: milk flows little before the first ejection. The outlet closes
as the alveolus empties (phi / (phi + K)), which keeps volumes non-negative.
Secretion refills each agent at a rate that falls with fullness (autocrine feedback; 454 +/- 201
g per breast per 24 h, Kent et al. 1999).
"""

from __future__ import annotations

import jax.numpy as jnp

from mer.alveoli.basket import coherence
from mer.alveoli.hill import hill


def tension_mmHg(activation, myoepithelium, a):
    drive = hill(activation, a.tension_half_activation, a.tension_hill)
    return a.max_tension_mmHg * myoepithelium * coherence(a) * a.contractility * drive


def pressure_mmHg(fullness, tension, a, external_mmHg=0.0):
    return a.elastic_mmHg * fullness + tension + external_mmHg


def outlet_conductance(share, fullness, tension, a):
    """Outlet conductance of an agent [mL/s/mmHg]; `share` is its share of the total."""
    opening = a.resting_opening + (1.0 - a.resting_opening) * tension / a.max_tension_mmHg
    emptying = fullness / (fullness + a.empty_half_fullness)
    return a.outlet_conductance_mL_per_s_per_mmHg * share * opening * emptying


def secretion_mL_per_s(share, fullness, a):
    return a.secretion_max_mL_per_h / 3600.0 * share * jnp.clip(1.0 - fullness, 0.0, 1.0)
