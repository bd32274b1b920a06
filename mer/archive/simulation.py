"""The simulation archive (`kind=simulation`, README: Archive schema): curves, agents, duct tree,
pressure drop by stage, balance and metrics, per breast with `breasts=2`."""

from __future__ import annotations

import pathlib

import h5py
import numpy as np

from mer.archive.write import dataset, params_group, root_attrs, write_atomically
from mer.ducts.drops import stage_names
from mer.parameters import GLAND, as_dict

METRIC_UNITS = {
    "total_yield_g": "g",
    "n_mer": "1",
    "mer_onsets_s": "s",
    "time_to_first_mer_s": "s",
    "peak_flow_g_per_s": "g/s",
    "first_mer_share": "1",
    "removed_fraction": "1",
    "alveolar_synchrony": "1",
    "neuron_synchrony": "1",
    "outlet_pressure_share": "1",
    "duct_pressure_share": "1",
    "pore_pressure_share": "1",
}


METRIC_NAMES = {
    "total_yield_g": "milk out of the nipple in the session",
    "n_mer": "number of milk ejections",
    "mer_onsets_s": "onset of each milk ejection",
    "time_to_first_mer_s": "time to the first milk ejection",
    "peak_flow_g_per_s": "peak milk flow",
    "first_mer_share": "share of the yield in the first ejection",
    "removed_fraction": "share of the available milk removed",
    "alveolar_synchrony": "largest share of myoepithelium contracting in step",
    "neuron_synchrony": "largest share of OT neurons bursting together",
    "outlet_pressure_share": "share of the driving pressure taken by the alveolar outlets at the ejections' peak flow",
    "duct_pressure_share": "share of the driving pressure taken by the duct tree at the ejections' peak flow",
    "pore_pressure_share": "share of the driving pressure taken by the nipple pores at the ejections' peak flow",
}
BALANCE_NAMES = {
    "initial_ml": "milk in the breast at the start",
    "secreted_ml": "milk secreted during the session",
    "remaining_ml": "milk in the breast at the end",
    "removed_ml": "milk removed",
    "error_ml": "mass balance error: initial + secreted - remaining - removed",
}
# time series (mer.simulate.UNITS gives their units)
LONG_NAMES = {
    "flow": "milk flow out of the nipple",
    "cumulative": "cumulative milk yield",
    "plasma_ot": "plasma oxytocin (mixed venous)",
    "mammary_ot": "oxytocin in the blood reaching the breast",
    "release_rate": "pituitary oxytocin release",
    "active_fraction": "share of alveoli active",
    "alveolar_synchrony": "share of myoepithelium contracting in step",
    "neuron_synchrony": "share of OT neurons bursting",
    "alveolar_pressure": "capacity-weighted alveolar pressure",
    "contraction_pressure": "alveolar pressure added by contraction",
    "vacuum": "pump vacuum",
}


def _alveoli(group, setup, k, time_s, agents):
    al = group.create_group("alveoli")
    capacity = _capacity(setup, k)
    dataset(al, "time", time_s, "s", ("time",), "time since the start of the session")
    dataset(al, "volume", agents["fullness"] * capacity[None, :], "mL", ("time", "agent"), "milk stored in each agent")
    dataset(al, "capacity", capacity, "mL", ("agent",), "storage capacity of each agent")
    dataset(al, "lobule", setup.breasts[k].population.lobule, "1", ("agent",), "lobule of each agent")


def _tree(group, setup, k, time_s, ducts):
    breast = setup.breasts[k]
    tree = breast.tree
    tr = group.create_group("tree")
    seg, xyz, t = ("segment",), ("segment", "xyz"), ("time", "segment")
    dataset(tr, "parent", tree.parent, "1", seg, "parent segment (-1: a main duct at the nipple)")
    dataset(tr, "length", tree.length_mm, "mm", seg, "duct segment length")
    dataset(tr, "radius0", tree.radius_mm, "mm", seg, "duct segment radius at rest")
    dataset(tr, "generation", tree.generation, "1", seg, "branching generation (0: main duct)")
    dataset(tr, "lobe", tree.lobe, "1", seg, "lobe of the segment")
    dataset(tr, "start", breast.segment_start_mm, "mm", xyz, "segment start (x, y, z), nipple at 0")
    dataset(tr, "end", breast.segment_end_mm, "mm", xyz, "segment end (x, y, z), nipple at 0")
    dataset(tr, "time", time_s, "s", ("time",), "time since the start of the session")
    dataset(tr, "radius", ducts["radius"], "mm", t, "duct radius")
    dataset(tr, "pressure_in", ducts["pressure_in"], "mmHg", t, "pressure at the upstream (distal) end")
    dataset(tr, "pressure_out", ducts["pressure_out"], "mmHg", t, "pressure at the downstream end, toward the nipple")
    dataset(tr, "flow", ducts["flow"], "mL/s", t, "milk flow from the upstream end toward the nipple")


def _pressure_drop(group, tree, time_s, drop):
    pd = group.create_group("pressure_drop")
    dataset(pd, "time", time_s, "s", ("time",), "time since the start of the session")
    names = np.array(stage_names(tree), dtype=h5py.string_dtype())
    dataset(pd, "stage", names, "1", ("stage",), "stage of the path from the alveoli to the pump")
    dataset(pd, "drop", drop, "mmHg", ("time", "stage"), "flow-weighted mean pressure drop across each stage")


def _balance_and_metrics(group, balance, metrics):
    bal = group.create_group("balance")
    for k, v in balance.items():
        dataset(bal, k, v, "mL", long_name=BALANCE_NAMES.get(k))
    me = group.create_group("metrics")
    for k, v in metrics.items():
        dataset(me, k, v, METRIC_UNITS[k], ("ejection",) if np.ndim(v) else None, METRIC_NAMES.get(k))


def save_simulation(path, result) -> pathlib.Path:
    """Write a simulation archive atomically (README: Archive schema).

    **Arguments:**
    - `path`: where, e.g. `"run.h5"` (an archive already there is replaced whole, or left as it was).
    - `result`: a `mer.simulate.Result`.

    **Returns:** the path. With one breast, `alveoli` and `tree` are its own. With two, the
    top-level curves, balance, metrics and pressure drops are the totals, `breasts/<left|right>/`
    holds each breast's parameters (its gland groups: a generated anatomy draws each breast's
    capacity), balance, metrics, alveoli, tree and pressure drops, and
    `timeseries/<name>_left` and `_right` each breast's curves.
    Raises ArchiveWriteError (naming the path and why) when the file cannot be written."""
    from mer.simulate import UNITS

    def fill(f):
        root_attrs(f, "simulation", result.config)
        params_group(f, result.config, as_dict(result.setup.params))
        ts = f.create_group("timeseries")
        dataset(ts, "time", result.time, "s", ("time",), "time since the start of the session")
        for name, unit in UNITS.items():
            for key in (name, f"{name}_left", f"{name}_right"):
                if key != "time" and key in result.timeseries:
                    side = f" ({key.rpartition('_')[2]} breast)" if key != name else ""
                    dataset(ts, key, result.timeseries[key], unit, ("time",), LONG_NAMES.get(name, name) + side)
        # the combined drops follow the first breast's stage names (its depth; both share the config's)
        _pressure_drop(f, result.setup.trees[0], result.time, result.timeseries["pressure_drop"])
        if "neuron_rate" in result.timeseries:
            ne = f.create_group("neurons")
            dataset(ne, "time", result.time, "s", ("time",), "time since the start of the session")
            dataset(
                ne,
                "rate",
                result.timeseries["neuron_rate"],
                "1",
                ("time", "neuron"),
                "OT neuron firing rate",
                note="normalised to the burst peak ~60 spikes/s",
            )
        _balance_and_metrics(f, result.balance, result.metrics)
        for k, b in enumerate(result.breasts):
            g = f.create_group(f"breasts/{b.side}") if b.side else f
            if b.side:
                params_group(g, result.config, as_dict(result.setup.params, k), GLAND)
                _balance_and_metrics(g, b.balance, b.metrics)
                _pressure_drop(g, result.setup.trees[k], result.time, result.timeseries[f"pressure_drop_{b.side}"])
            _alveoli(g, result.setup, k, result.alveoli_time, b.alveoli)
            _tree(g, result.setup, k, result.tree_time, b.tree)
        st = f.create_group("solver_stats")
        for k, v in result.stats.items():
            dataset(st, k, v, "s" if k.endswith("_s") else "1", long_name=k.replace("_", " "))

    return write_atomically(path, fill)


def _capacity(setup, k):
    """Each agent's storage capacity in breast `k` [mL]."""
    from mer.model import agent_shares

    gland = setup.params.breasts[k]
    return np.asarray(agent_shares(gland, setup.structure["breasts"][k]) * gland.alveoli.capacity_mL)
