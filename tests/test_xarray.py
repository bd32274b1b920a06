"""Archives read by xarray and pandas without help: named dimensions, CF units and long names."""

import os

import h5py
import numpy as np
import pytest
import xarray as xr

import mer
from mer.archive import load, open_dataset, save_simulation, timeseries_frame
from mer.archive.read import ArchiveError


@pytest.fixture(scope="module")
def archive(small_result, tmp_path_factory):
    return save_simulation(tmp_path_factory.mktemp("xr") / "run.h5", small_result)


def test_plain_xarray_sees_named_dimensions_and_cf_units(archive, small_result):
    # what a user types, with no help from mer
    with xr.open_dataset(archive, engine="h5netcdf", group="timeseries") as ds:
        assert dict(ds.sizes) == {"time": small_result.time.size}
        assert "time" in ds.coords and not [d for d in ds.dims if str(d).startswith("phony_dim")]
        np.testing.assert_array_equal(ds["time"].values, small_result.time)
        np.testing.assert_array_equal(ds["flow"].values, small_result.timeseries["flow"])
        assert ds["flow"].attrs["units"] == "g/s" and ds["flow"].attrs["long_name"] == "milk flow out of the nipple"
        assert ds["plasma_ot"].attrs["units"] == "pM"


@pytest.mark.parametrize(
    "group, variable, dims",
    [
        ("alveoli", "volume", ("time", "agent")),
        ("alveoli", "capacity", ("agent",)),
        ("tree", "start", ("segment", "xyz")),
        ("tree", "radius", ("time", "segment")),
        ("neurons", "rate", ("time", "neuron")),
        ("metrics", "mer_onsets_s", ("ejection",)),
    ],
)
def test_every_axis_is_named(archive, small_result, group, variable, dims):
    ds = open_dataset(archive, group)
    assert ds[variable].dims == dims
    arch = load(archive)
    np.testing.assert_array_equal(ds[variable].values, arch[f"{group}/{variable}"])
    assert (
        ds.sizes.get("xyz", 3) == 3
        and ds.sizes.get("agent", small_result.alveoli["fullness"].shape[1])
        == (small_result.alveoli["fullness"].shape[1])
    )
    assert ds[variable].attrs["units"] == arch.units[f"{group}/{variable}"]


def test_every_group_opens_without_phony_dimensions(archive):
    with h5py.File(archive) as f:
        groups = []
        f.visititems(lambda name, obj: groups.append(name) if isinstance(obj, h5py.Group) else None)
    for group in groups:
        with xr.open_dataset(archive, engine="h5netcdf", group=group, decode_timedelta=False) as ds:
            assert not [d for d in ds.dims if str(d).startswith("phony_dim")], group


def test_timeseries_frame(archive, small_result):
    frame = timeseries_frame(archive)
    assert frame.index.name == "time" and len(frame) == small_result.time.size
    np.testing.assert_array_equal(frame["cumulative"].to_numpy(), small_result.timeseries["cumulative"])
    assert frame.attrs["units"]["flow"] == "g/s"


def test_open_dataset_checks_the_archive_first(archive, tmp_path):
    with pytest.raises(ArchiveError, match="no group 'nonsense'"):
        open_dataset(archive, "nonsense")
    damaged = tmp_path / "run.h5"
    damaged.write_bytes(archive.read_bytes())
    with h5py.File(damaged, "a") as f:  # consistent HDF5, stale checksum
        f["timeseries/flow"][3] = 99.0
    with pytest.raises(ArchiveError, match="'timeseries/flow' is damaged"):
        open_dataset(damaged, "timeseries")


def test_archives_with_unit_only_still_read(archive, tmp_path):
    old = tmp_path / "old.h5"
    old.write_bytes(archive.read_bytes())
    with h5py.File(old, "a") as f:
        f.visititems(lambda name, obj: obj.attrs.__delitem__("units") if "units" in obj.attrs else None)
    arch = load(old)
    assert arch.units["timeseries/flow"] == "g/s" and arch.units["tree/radius"] == "mm"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_files_readable_as_the_umask_says(small_result, tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        path = save_simulation(tmp_path / "run.h5", small_result)
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == mode


def test_loaded_archive_has_a_short_repr(archive):
    arch = mer.load(archive)
    text = repr(arch)
    assert len(text) < 1000 and "simulation archive" in text and "total_yield_g" in text
    page = arch._repr_html_()
    assert "<table>" in page and "timeseries" in page and len(page) < 20000
