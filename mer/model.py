"""The reflex's two parts: the central part (stimulus -> neurons -> pituitary -> plasma) and one
breast (alveoli -> ducts -> pores); mer/breasts.py joins one central part and one or two breasts
into the vector field.

Central state: afferent_drive [-], neuron_rate (Nn,) [-], bundle_ot (Nb,) [-], neuron_fatigue (Nn,)
[-], pituitary_store [mU], plasma_ot [pM], peripheral_ot [pM], arterial_transit (6,) [pM] (plasma
OT on its way to the breasts), atosiban [ng/mL]. One breast's state (MAMMARY_KEYS, leading axis =
agent where per-agent): fullness (N,) [-], activation (N,) [-], recovery (N,) [-], desensitised
(N,) [-], duct_area_ratio (S,) [-] (lumen area over unloaded), removed [mL], secreted [mL],
suck_phase [cycles] (pump or suck cycles completed).
`params` is a `mer.parameters.Params` (the central groups, read as `params.circulation.basal_pM`;
each breast's `gland`, read as `gland.alveoli.hill`); `structure` holds index arrays and seeded
draws (not differentiated); `tree` (static, closed over) fixes the sweep order.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp

from mer.alveoli.activation import activation_rhs, active_fraction
from mer.alveoli.basket import coherence
from mer.alveoli.lobules import ring_coupling
from mer.alveoli.mechanics import secretion_mL_per_s
from mer.alveoli.receptor import log_ec50, occupancy, receptor_signal
from mer.circulation.atosiban import atosiban_rhs, free_nM, initial_ng_per_mL
from mer.circulation.exogenous import exogenous_input_mU_per_s
from mer.circulation.plasma import basal_peripheral_pM, basal_release_mU_per_s, plasma_rhs
from mer.circulation.transit import TRANSIT_STAGES, mammary_arterial_pM, transit_rhs
from mer.ducts.drops import stage_pressure_drops
from mer.ducts.tree import DuctTree
from mer.hydraulics import mammary_fluxes
from mer.neuro.fluctuation import drive_factor
from mer.neuro.network import network_rhs, synchrony
from mer.neuro.pituitary import burst_release_mU_per_s
from mer.neuro.pulses import pulse_release_mU_per_s
from mer.stimulus.pump import cycle_rate_per_s


def agent_shares(gland, structure):
    """Each agent's share of the breast's storage capacity (log-normal heterogeneity); `gland` and
    `structure` one breast's."""
    w = jnp.exp(gland.alveoli.capacity_sd * structure["z_capacity"])
    return w / jnp.sum(w)


def myoepithelial_complement(gland, structure):
    sd = gland.alveoli.myoepithelium_sd
    return jnp.exp(sd * structure["z_myoepithelium"] - 0.5 * sd**2)


def with_agent_factors(gland, structure):
    """One breast's `structure` with the per-agent factors that depend on the parameters alone
    (each agent's share of the storage capacity, its myoepithelial complement), computed once per
    solve rather than in every evaluation of the vector field: they were two of its eight exps per
    agent."""
    return {
        **structure,
        "agent_share": agent_shares(gland, structure),
        "myoepithelial_complement": myoepithelial_complement(gland, structure),
    }


@dataclasses.dataclass(frozen=True)
class Central:
    """Static switches of the shared part: where the OT comes from (`release`: "network", the OT
    neurons, or "pulses", a given pulse train) and the plasma model (`plasma_compartments`: 1 or 2,
    mer/circulation/plasma.py). Each selects the code that is compiled; nothing is blended."""

    release: str = "network"
    plasma_compartments: int = 1


def release_mU_per_s(t, y, params, structure, central: Central):
    basal = basal_release_mU_per_s(params.circulation, central.plasma_compartments)
    scale = params.pituitary.release_scale  # central modulators (alcohol, opioids, ...)
    if central.release == "pulses":
        n = params.neuro
        return basal + scale * pulse_release_mU_per_s(t, n.onsets_s, n.amounts_mU, n.widths_s)
    burst = burst_release_mU_per_s(jnp.mean(y["neuron_rate"]), y["pituitary_store"], params.pituitary)
    return basal + scale * burst


# The mammary part of the state: one copy per breast. The rest (afferent drive, neurons, pituitary,
# plasma OT, atosiban) is shared: both breasts hang on the same circulation.
MAMMARY_KEYS = (
    "fullness",
    "activation",
    "recovery",
    "desensitised",
    "duct_area_ratio",
    "removed",
    "secreted",
    "suck_phase",
)


def central_rhs(t, y, params, structure, central: Central, afferent=None):
    """Derivatives of the shared state: afferent drive, OT neurons, pituitary store, plasma OT, atosiban.
    `afferent`: the nipples' afferent input (mer.breasts.nipple_afferent; with neuro=network)."""
    dy = {}
    if central.release == "network":
        n = params.neuro
        # conditioned drive (the mother expects the feed) acts from t = 0, before the stimulus
        # starts at stimulus.start_s (anticipatory release: McNeilly et al. 1983)
        fluctuation = drive_factor(t, structure["drive_mode_z"], structure["drive_mode_phase"], n)
        target = n.drive_gain * afferent * fluctuation + n.conditioned_drive
        dy["afferent_drive"] = (target - y["afferent_drive"]) / n.drive_tau_s
        members = (structure["member_cell"], structure["member_bundle"])
        dy["neuron_rate"], dy["bundle_ot"], dy["neuron_fatigue"] = network_rhs(
            y["afferent_drive"],
            y["neuron_rate"],
            y["bundle_ot"],
            y["neuron_fatigue"],
            structure["z_excitability"],
            members,
            n,
            n.central_block,
        )
    release = release_mU_per_s(t, y, params, structure, central)
    basal = basal_release_mU_per_s(params.circulation, central.plasma_compartments)
    dy["pituitary_store"] = -(release - basal)
    exogenous = exogenous_input_mU_per_s(t, params.exogenous)
    dy["plasma_ot"], dy["peripheral_ot"] = plasma_rhs(
        y["plasma_ot"], y["peripheral_ot"], release + exogenous, params.circulation, central.plasma_compartments
    )
    dy["arterial_transit"] = transit_rhs(y["arterial_transit"], y["plasma_ot"], params.circulation)
    dy["atosiban"] = atosiban_rhs(y["atosiban"], params.atosiban)
    return dy


def breast_rhs(t, y, params, gland, structure, tree: DuctTree, stim):
    """Derivatives of one breast's state (MAMMARY_KEYS), given the shared plasma OT and atosiban in
    `y`; `gland`, `structure` and `tree` that breast's."""
    a = gland.alveoli
    dy = {"suck_phase": cycle_rate_per_s(t, y["removed"], params.stimulus, stim.kind, stim.pattern)}
    antagonist = free_nM(y["atosiban"], params.atosiban)
    log_ec50_pM = log_ec50(y["fullness"], structure["z_sensitivity"], structure["z_lobule_sensitivity"], antagonist, a)
    c = params.circulation
    arterial = mammary_arterial_pM(y["arterial_transit"], y["plasma_ot"], c)
    theta = occupancy(c.mammary_delivery * arterial, log_ec50_pM, a.hill)
    signal = receptor_signal(theta, y["desensitised"])
    dy["desensitised"] = (theta - y["desensitised"]) / a.desensitisation_tau_s
    coupling = ring_coupling(y["activation"], structure["ring_partners"])
    dy["activation"], dy["recovery"] = activation_rhs(
        y["activation"], y["recovery"], signal, y["fullness"], coupling, a
    )

    m = mammary_fluxes(t, y, params, gland, structure, tree, stim)
    capacity = a.capacity_mL * m["share"]
    secretion = secretion_mL_per_s(m["share"], y["fullness"], a)
    dy["fullness"] = (secretion - m["alveolar_outflow"]) / capacity
    dy["duct_area_ratio"] = m["duct_area_rate"]
    dy["removed"] = m["nipple_outflow"]
    dy["secreted"] = jnp.sum(secretion)
    return dy


def breast_outputs(t, y, params, gland, structure, tree: DuctTree, stim):
    """One breast's saved outputs: flow, yield, balance terms, alveolar activity and pressure."""
    m = mammary_fluxes(t, y, params, gland, structure, tree, stim)
    density = gland.milk.density_g_per_mL
    return {
        "flow": m["nipple_outflow"] * density,
        "cumulative": y["removed"] * density,
        "removed_ml": y["removed"],
        "secreted_ml": y["secreted"],
        "remaining_ml": jnp.sum(gland.alveoli.capacity_mL * m["share"] * y["fullness"]) + jnp.sum(m["duct_volume"]),
        "active_fraction": active_fraction(y["activation"], m["share"]),
        # share of the myoepithelium contracting in step: active alveoli x basket coherence (Cx43)
        "alveolar_synchrony": coherence(gland.alveoli) * active_fraction(y["activation"], m["share"]),
        "alveolar_pressure": jnp.sum(m["share"] * m["pressure"]),
        # the rise of intramammary pressure that contraction adds (what a catheter records
        # above the resting pressure; Cobo 1973 scored the ejection response by it)
        "contraction_pressure": jnp.sum(m["share"] * m["tension"]),
        "vacuum": m["vacuum"],
        # (outlets, generations deepest first, pores): mer.ducts.drops
        "pressure_drop": stage_pressure_drops(
            tree,
            m["alveolar_outflow"],
            m["pressure"],
            m["terminal_pressure"],
            m["segment_flow"],
            m["p_distal"],
            m["p_proximal"],
            m["vacuum"],
        ),
    }


def central_outputs(t, y, params, structure, central: Central):
    """Saved outputs of the shared part: plasma OT, pituitary release, neuron synchrony and rates."""
    out = {
        "plasma_ot": y["plasma_ot"],
        "mammary_ot": mammary_arterial_pM(y["arterial_transit"], y["plasma_ot"], params.circulation),
        "release_rate": release_mU_per_s(t, y, params, structure, central),
        "neuron_synchrony": synchrony(y["neuron_rate"]) if central.release == "network" else jnp.zeros(()),
    }
    if central.release == "network":
        out["neuron_rate"] = y["neuron_rate"]  # 48 cells: cheap at the fine save rate
    return out


def central_state(params, structure, n_neurons, n_bundles, central: Central, dtype):
    """The shared state at t = 0: basal plasma OT, a full pituitary store, resting neurons."""
    c = params.circulation
    zero = jnp.zeros((), dtype=dtype)
    y = {
        "pituitary_store": params.pituitary.store_mU + zero,
        "plasma_ot": c.basal_pM + zero,
        "peripheral_ot": basal_peripheral_pM(c, central.plasma_compartments) + zero,
        "arterial_transit": jnp.full(TRANSIT_STAGES, c.basal_pM, dtype=dtype),
        "atosiban": initial_ng_per_mL(params.atosiban) + zero,
    }
    if central.release == "network":
        y["afferent_drive"] = zero
        y["neuron_rate"] = jnp.zeros(n_neurons, dtype=dtype)
        y["bundle_ot"] = jnp.zeros(n_bundles, dtype=dtype)
        y["neuron_fatigue"] = jnp.zeros(n_neurons, dtype=dtype)
    return y


def breast_state(params, gland, structure):
    """One breast's state at t = 0 (MAMMARY_KEYS): its drawn fullness, receptors at basal OT,
    relaxed myoepithelium, unloaded ducts."""
    a = gland.alveoli
    c = params.circulation
    z = structure["z_fullness"]
    fullness = jax.nn.sigmoid(jnp.log(a.initial_fullness / (1.0 - a.initial_fullness)) + a.fullness_sd * z)
    atosiban = initial_ng_per_mL(params.atosiban)
    log_ec50_pM = log_ec50(
        fullness,
        structure["z_sensitivity"],
        structure["z_lobule_sensitivity"],
        free_nM(atosiban, params.atosiban),
        a,
    )
    theta0 = occupancy(c.mammary_delivery * c.basal_pM, log_ec50_pM, a.hill)
    zero = jnp.zeros((), dtype=fullness.dtype)
    return {
        "fullness": fullness,
        "activation": jnp.zeros_like(fullness),
        "recovery": jnp.ones_like(fullness),
        "desensitised": theta0,
        "removed": zero,
        "secreted": zero,
        "duct_area_ratio": jnp.ones_like(structure["duct_radius_mm"]),  # unloaded at the start
        "suck_phase": zero,  # pump or suck cycles completed
    }
