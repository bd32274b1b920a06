"""Archive schema, units, round trip and atomic writing."""

import h5py
import numpy as np
import pytest

from mer.archive import load, save_simulation
from mer.archive.read import ArchiveError

REQUIRED = {
    "timeseries/time": "s",
    "timeseries/flow": "g/s",
    "timeseries/cumulative": "g",
    "timeseries/plasma_ot": "pM",
    "timeseries/release_rate": "mU/s",
    "alveoli/time": "s",
    "alveoli/volume": "mL",
    "tree/parent": "1",
    "tree/length": "mm",
    "tree/radius0": "mm",
    "balance/initial_ml": "mL",
    "balance/secreted_ml": "mL",
    "balance/remaining_ml": "mL",
    "balance/removed_ml": "mL",
    "metrics/total_yield_g": "g",
    "metrics/n_mer": "1",
    "metrics/mer_onsets_s": "s",
    "metrics/time_to_first_mer_s": "s",
    "metrics/peak_flow_g_per_s": "g/s",
    "metrics/first_mer_share": "1",
    "metrics/removed_fraction": "1",
}
ROOT = ["schema", "schema_version", "kind", "mer_version", "jax_version", "git_commit", "seed", "created"]


def test_round_trip(small_result, tmp_path):
    path = save_simulation(tmp_path / "run.h5", small_result)
    arch = load(path)
    for key in ROOT:
        assert key in arch.attrs
    assert arch.attrs["schema"] == "mer-archive" and arch.attrs["kind"] == "simulation"
    for key, unit in REQUIRED.items():
        assert arch.units[key] == unit, key
    np.testing.assert_array_equal(arch["timeseries/flow"], small_result.timeseries["flow"])
    assert arch["metrics/n_mer"] == small_result.metrics["n_mer"]
    assert arch.config == small_result.config
    assert arch["params/alveoli.ec50_pM"] == small_result.config["params"]["alveoli"]["ec50_pM"]
    with h5py.File(path) as f:
        assert "Kent et al. 1999" in f["params/alveoli.capacity_mL"].attrs["source"]
        for ds in f.values():
            if isinstance(ds, h5py.Group):
                for sub in ds.values():
                    assert "unit" in sub.attrs, sub.name
    # per-agent volumes plus the milk in the (unloaded) ducts add up to the breast's milk
    vol = arch["alveoli/volume"]
    ducts_ml = np.sum(np.pi * arch["tree/radius0"] ** 2 * arch["tree/length"]) * 1e-3
    np.testing.assert_allclose(vol[0].sum() + ducts_ml, small_result.balance["initial_ml"], rtol=1e-12)


def test_failed_write_leaves_nothing(small_result, tmp_path, monkeypatch):
    import mer.archive.simulation as w

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(w, "params_group", broken)
    with pytest.raises(RuntimeError):
        save_simulation(tmp_path / "run.h5", small_result)
    assert list(tmp_path.iterdir()) == []


def test_load_rejects_non_archives(tmp_path):
    with pytest.raises(ArchiveError, match="no such archive"):
        load(tmp_path / "missing.h5")
    bad = tmp_path / "bad.h5"
    bad.write_text("not hdf5")
    with pytest.raises(ArchiveError, match="not an HDF5 file"):
        load(bad)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.attrs["schema"] = "something-else"
    with pytest.raises(ArchiveError, match="schema"):
        load(other)
