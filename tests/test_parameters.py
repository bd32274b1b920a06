"""Every configurable value says what it is: measured (in which species), derived, fitted to a
target, an assumption, or the user's setting; and every archive carries it."""

import re

import h5py

from mer.parameters import SPECS


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


def test_the_params_group_is_the_definitions_defaults_with_no_second_copy():
    """One definition per parameter: `params=literature` is what mer/parameters/ defines (Hydra's
    ConfigStore), and no YAML file repeats it."""
    from mer.config.compose import compose_config, config_dir
    from mer.parameters import params_defaults

    assert not (config_dir() / "params").exists()
    assert compose_config(["mechanism=desensitisation"])["params"] == params_defaults()
    store = compose_config(["mechanism=store"])["params"]["alveoli"]
    assert store["store_gating"] == 1.0  # a mechanism's option still sets the values that make it


def test_each_option_sets_exactly_the_fields_of_its_group():
    """configs/neuro/<mode>.yaml and configs/stimulus/<kind>.yaml hold the values of the typed group
    their switch selects, and nothing else beside the switches."""
    import dataclasses

    import yaml

    from mer.config.compose import config_dir
    from mer.parameters import NEURO, STIMULUS
    from mer.parameters.settings import SWITCHES

    for folder, groups, switch in (("neuro", NEURO, "mode"), ("stimulus", STIMULUS, "kind")):
        for path in sorted((config_dir() / folder).glob("*.yaml")):
            values = yaml.safe_load(path.read_text())
            keys = {k for k in values if f"{folder}.{k}" not in SWITCHES}
            fields = {f.name for f in dataclasses.fields(groups[values[switch]])}
            assert keys == fields, f"{path.name}: {sorted(keys ^ fields)}"


def test_a_misspelt_or_missing_parameter_is_refused_by_name():
    import pytest

    from mer.config.compose import compose_config
    from mer.config.validate import ConfigError
    from mer.parameters import from_config

    cfg = compose_config([])
    neuro = {k: v for k, v in cfg["neuro"].items() if k not in ("mode", "n_neurons", "n_bundles")}
    stimulus = {k: v for k, v in cfg["stimulus"].items() if k not in ("kind", "pattern", "resolution")}
    params = {**cfg["params"], "alveoli": {**cfg["params"]["alveoli"], "ec50_pm": 16.0}}
    with pytest.raises(ConfigError, match=r"params\.alveoli\.ec50_pm: no such parameter of Alveoli"):
        from_config(params, neuro, stimulus, "network", "pump")
    del neuro["drive_gain"]
    with pytest.raises(ConfigError, match=r"neuro\.drive_gain: missing"):
        from_config(cfg["params"], neuro, stimulus, "network", "pump")


def test_a_spec_without_a_known_status_is_refused():
    import pytest

    from mer.parameters import Spec

    with pytest.raises(ValueError, match="status 'guess'"):
        Spec("1", "a source", status="guess")
