"""Bad overrides fail with a message that names the field and what was expected."""

import subprocess
import sys

import pytest
from hydra.errors import ConfigCompositionException

from mer.config.compose import compose_config
from mer.config.validate import ConfigError, validate
from mer.simulate import simulate


@pytest.mark.parametrize(
    "override,field,expected",
    [
        ("anatomy.n_alveoli=-5", "anatomy.n_alveoli", "expected a value in [1"),
        ("anatomy.n_alveoli=2.5", "anatomy.n_alveoli", "expected an integer"),
        ("anatomy.n_alveoli=abc", "anatomy.n_alveoli", "expected a number"),
        ("anatomy.n_lobes=0", "anatomy.n_lobes", "expected a value in [1"),
        ("params.alveoli.ec50_pM=-1", "params.alveoli.ec50_pM", "expected a value in (0.0"),
        ("params.alveoli.cx43=1.5", "params.alveoli.cx43", "expected a value in [0.0, 1.0]"),
        ("duration_s=fifteen", "duration_s", "expected a number"),
        ("plot=3", "plot", "expected true or false"),
        ("anatomy.n_alveoli=10", "anatomy.n_alveoli", "at least one agent per lobule"),
        ("anatomy.n_alveoli=100.0", "anatomy.n_alveoli", "expected an integer"),
        ("anatomy.kind=generated", "anatomy.kind", "select the config group instead (anatomy=generated)"),
        ("neuro.mode=pulses", "neuro.mode", "select the config group instead (neuro=pulses)"),
        ("stimulus.kind=infant", "stimulus.kind", "select the config group instead (stimulus=infant)"),
        ("stimulus.resolution=fine", "stimulus.resolution", "expected 'averaged' or 'resolved'"),
        ("neuro=pulses", "neuro.onsets_s", None),  # valid: must not raise
    ],
)
def test_bad_values_name_the_field(override, field, expected):
    cfg = compose_config([override])
    if expected is None:
        validate(cfg)
        return
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    assert str(err.value).startswith(field)
    assert expected in str(err.value)


def test_unknown_key_is_rejected_by_name():
    with pytest.raises(ConfigCompositionException) as err:
        compose_config(["anatomy.n_alveolli=500"])
    assert "anatomy.n_alveolli" in str(err.value.__cause__ or err.value)


def test_unequal_pulse_lists_are_rejected():
    cfg = compose_config(["neuro=pulses", "neuro.amounts_mU=[40.0]"])
    with pytest.raises(ConfigError, match="equal length"):
        validate(cfg)


def test_simulate_validates_before_running():
    with pytest.raises(ConfigError, match="anatomy.n_alveoli"):
        simulate(["anatomy.n_alveoli=0"])


def test_cli_reports_bad_override_and_exits_nonzero(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.simulate", "anatomy.n_alveoli=-3", f"hydra.run.dir={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "anatomy.n_alveoli" in proc.stderr
    assert not (tmp_path / "run.h5").exists()


def test_intervention_that_needs_the_network_says_so():
    with pytest.raises(ConfigError, match="intervention.sci: acts on the afferent drive"):
        simulate(["neuro=pulses", "intervention=sci", "anatomy.n_alveoli=100", "anatomy.generations=2"])
