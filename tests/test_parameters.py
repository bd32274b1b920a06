"""Every configurable value says what it is: measured (in which species), derived, fitted to a
target, an assumption, or the user's setting; and every archive carries it."""

import re

import h5py

from mer.parameters import SPECS, STATUS_GROUPS


def test_every_field_has_one_status():
    assert set(STATUS_GROUPS) >= {"derived", "fitted", "assumption", "setting"}
    for path, spec in SPECS.items():
        assert spec.status in STATUS_GROUPS, path
        assert path in STATUS_GROUPS[spec.status]


def test_measured_values_cite_a_dated_source_and_fitted_ones_name_what_set_them():
    for path, spec in SPECS.items():
        if spec.status.startswith("measured"):
            assert re.search(r"(19|20)\d\d|SmPC", spec.source), f"{path}: {spec.source}"
            assert "unchecked" not in spec.source, f"{path} is marked measured but its source says unchecked"
        if spec.status == "fitted":
            assert len(spec.source) > 20, f"{path}: a fitted value names its target"


def test_archives_carry_each_value_s_status(small_result, tmp_path):
    from mer.archive import save_simulation

    path = save_simulation(tmp_path / "run.h5", small_result)
    with h5py.File(path) as f:
        ec50 = f["params/alveoli.ec50_pM"].attrs["status"]
        tension = f["params/alveoli.max_tension_mmHg"].attrs["status"]
    assert ec50 == "fitted"  # set so 2 mU IV is the threshold dose
    assert tension == "measured (sow)"
