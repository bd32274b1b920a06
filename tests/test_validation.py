"""mer-validate: every target sourced and typed, the cohort sampler draws what it specifies, the
verdicts say pass and fail where they should, bad input fails before any solve, and the command
writes its three outputs."""

import math
import subprocess
import sys

import numpy as np
import pytest
import yaml
from pictures import assert_picture

from mer.config.compose import compose_config
from mer.config.validate import ConfigError
from mer.validation.cohort import flatten_mother_spec, sample_mothers
from mer.validation.run import METRICS, run_validation
from mer.validation.targets import ROLES, TargetError, judge, load_targets, parse_target

TARGETS = load_targets(metrics=METRICS)
CONDITIONS = compose_config([], "validate")["conditions"]


def entry(**changes):
    """A valid target entry with some fields changed (None removes a field)."""
    e = {
        "id": "probe",
        "scale": "session",
        "quantity": "ejections",
        "metric": "n_ejections",
        "condition": "pump",
        "method": "balance",
        "population": {"n": 20},
        "value": {"mean": 4.0, "sd": 1.0},
        "unit": "1",
        "source": {"authors": "Someone A", "year": 2000, "journal": "J"},
        "role": "validation",
    }
    for k, v in changes.items():
        if v is None:
            e.pop(k)
        else:
            e[k] = v
    return e


def test_there_are_at_least_25_targets_each_sourced_with_a_role():
    assert len(TARGETS) >= 25
    for t in TARGETS:
        assert t.role in ROLES
        assert t.source["authors"] and t.source["year"], t.id
        assert t.role == "validation" or t.calibrates, f"{t.id}: a calibration target names what it set"
        assert t.metric is None or t.condition in CONDITIONS, f"{t.id}: condition {t.condition} is not simulated"
    assert sum(t.role == "validation" for t in TARGETS) >= 10  # evidence, not only calibration


def test_every_scale_is_covered():
    assert {t.scale for t in TARGETS} >= {"plasma", "hypothalamus", "breast", "duct", "session", "intervention"}


@pytest.mark.parametrize(
    "changes, named",
    [
        ({"source": None}, "source"),
        ({"source": {"authors": "", "year": 2000}}, "source"),
        ({"role": "evidence"}, "role"),
        ({"unit": "furlongs"}, "unit"),
        ({"scale": "galaxy"}, "scale"),
        ({"value": {"mean": 4.0}}, "value"),
        ({"value": {"range": [5.0, 1.0]}}, "value.range"),
        ({"value": {"mean": 4.0, "sd": -1.0}}, "value.sd"),
        ({"value": {"mean": 4.0, "se": 0.5}, "population": {}}, "population.n"),
        ({"role": "calibration"}, "calibrates"),
        ({"metric": "happiness"}, "metric"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_target_is_refused_naming_the_entry_and_field(changes, named):
    with pytest.raises(TargetError) as err:
        parse_target(entry(**changes), METRICS)
    assert "'probe'" in str(err.value) and named in str(err.value)


def test_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump({"targets": [entry(), entry()]}))
    with pytest.raises(TargetError, match="probe.*twice"):
        load_targets(path, METRICS)


def test_sampler_reproduces_its_distributions():
    spec = {
        "a": {"law": "lognormal", "median": 190.0, "sd_log": 0.45, "low": 74.0, "high": 606.0, "source": "s"},
        "b": {"law": "normal", "mean": 0.975, "sd": 0.3, "source": "s"},
        "c": {"law": "logitnormal", "median": 0.75, "sd_logit": 0.5, "source": "s"},
    }
    x = sample_mothers(spec, 20000, seed=1)
    # untruncated laws: median and spread within sampling error (~1 %)
    assert abs(np.mean(x["b"]) - 0.975) < 0.01 and abs(np.std(x["b"]) - 0.3) < 0.01
    assert abs(np.median(x["c"]) - 0.75) < 0.01
    logit = np.log(x["c"] / (1 - x["c"]))
    assert abs(np.std(logit) - 0.5) < 0.01
    # truncated by redrawing: inside the bounds, no pile-up at them, median kept (symmetric mass cut)
    assert x["a"].min() >= 74.0 and x["a"].max() <= 606.0
    assert np.mean(x["a"] < 75.0) < 0.005
    assert abs(np.median(x["a"]) / 190.0 - 1) < 0.02
    # reproducible, and one field's draws do not depend on which other fields exist
    again = sample_mothers({"a": spec["a"], "b": spec["b"], "c": spec["c"]}, 20000, seed=1)
    assert np.array_equal(again["a"], x["a"])
    assert not np.array_equal(sample_mothers(spec, 20000, seed=2)["a"], x["a"])


def test_sampler_refuses_a_distribution_without_source_or_law():
    with pytest.raises(ConfigError, match=r"cohort\.mother\.x\.source"):
        sample_mothers({"x": {"law": "normal", "mean": 1.0, "sd": 1.0}}, 4, 0)
    with pytest.raises(ConfigError, match=r"cohort\.mother\.x\.law"):
        sample_mothers({"x": {"law": "cauchy", "source": "s"}}, 4, 0)
    with pytest.raises(ConfigError, match=r"cohort\.mother\.x\.sd_log"):
        sample_mothers({"x": {"law": "lognormal", "median": 1.0, "source": "s"}}, 4, 0)


def test_default_cohort_distributions_each_state_a_source():
    spec = flatten_mother_spec(compose_config([], "validate")["cohort"]["mother"])
    assert spec and all(p["source"] for p in spec.values())


def verdict(value, values, n=20):
    return judge(parse_target(entry(value=value, population={"n": n}), METRICS), values)


def test_verdicts_inside_and_outside_each_published_form():
    rng = np.random.default_rng(0)
    around = lambda centre: centre + 0.01 * rng.standard_normal(50)  # noqa: E731
    # mean +/- sd: the cohort mean inside passes; two sds out is distance 1 (one sd beyond the edge)
    assert verdict({"mean": 4.0, "sd": 1.0}, around(4.8)).verdict == "pass"
    far = verdict({"mean": 4.0, "sd": 1.0}, around(6.0))
    assert far.verdict == "fail" and math.isclose(far.distance, 1.0, abs_tol=0.01)
    # mean +/- se(n): sd = se sqrt(n) = 0.5 x 4 = 2
    assert verdict({"mean": 4.0, "se": 0.5}, around(5.9), n=16).verdict == "pass"
    assert verdict({"mean": 4.0, "se": 0.5}, around(6.1), n=16).verdict == "fail"
    # median with an iqr or range
    assert verdict({"median": 200.0, "iqr": [150.0, 250.0]}, around(240.0)).verdict == "pass"
    below = verdict({"range": [45.0, 210.0]}, around(12.0))
    assert below.verdict == "fail" and math.isclose(below.distance, 33.0 / 165.0, rel_tol=0.01)
    # a single value: within 10 %
    assert verdict({"value": 0.62}, around(0.67)).verdict == "pass"
    assert verdict({"value": 0.62}, around(0.70)).verdict == "fail"
    # one-sided limits
    assert verdict({"max": 1.0}, around(0.5)).verdict == "pass"
    assert verdict({"min": 0.5}, around(0.3)).verdict == "fail"
    # no model value: not computed, never a pass
    assert verdict({"mean": 4.0, "sd": 1.0}, [np.nan, np.nan]).verdict == "not computed"


def test_bad_cohort_settings_fail_before_any_solve():
    for override, field in [("cohort.n=0", "cohort.n"), ("cohort.chunk=-1", "cohort.chunk")]:
        with pytest.raises(ConfigError, match=field):
            run_validation([override])
    with pytest.raises(ConfigError, match="targets.include"):
        run_validation(["targets.include=[no_such_target]"])


def test_cli_names_a_bad_targets_file_and_exits_2(tmp_path):
    bad = tmp_path / "targets.yaml"
    bad.write_text(yaml.safe_dump({"targets": [entry(role="evidence")]}))
    out = subprocess.run(
        [sys.executable, "-m", "mer.cli.validate", f"targets.file={bad}", f"hydra.run.dir={tmp_path / 'run'}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert "'probe'" in out.stderr and "role" in out.stderr and "Traceback" not in out.stderr


PUMP_ONLY = [t.id for t in TARGETS if t.condition == "pump" and t.metric is not None]


def run_cli(tmp_path, *overrides):
    out = subprocess.run(
        [sys.executable, "-m", "mer.cli.validate", f"hydra.run.dir={tmp_path}", *overrides],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def check_outputs(tmp_path, ids):
    from mer.archive import load

    md = (tmp_path / "validation.md").read_text()
    for i in ids:
        assert f"`{i}`" in md
    archive = load(tmp_path / "validation.h5")
    assert archive.attrs["kind"] == "validation"
    pump = archive.groups["conditions/pump"]
    # physical invariants per mother: yield within the milk there was and was made, counts whole
    density = archive.config["params"]["milk"]["density_g_per_mL"]
    assert np.all(pump["yield_g"] > 0)
    assert np.all(pump["yield_g"] <= (pump["available_ml"] + pump["secreted_ml"]) * density * (1 + 1e-9))
    assert np.all(pump["n_ejections"] == np.round(pump["n_ejections"]))
    return md


def test_mer_validate_small_cohort_writes_report_archive_and_figures(tmp_path):
    ids = PUMP_ONLY[:6]
    small = ["anatomy.n_alveoli=60", "anatomy.generations=2"]  # the physics tests' breast: a quick compile
    wall = "params.duct_wall.wall_tau_s"
    sensitivity = ["sensitivity.run=true", "sensitivity.n=2", f"sensitivity.only=[{wall}]"]
    run_cli(
        tmp_path, "cohort.n=4", "cohort.resolution_check=0", f"targets.include=[{','.join(ids)}]", *small, *sensitivity
    )
    md = check_outputs(tmp_path, ids)
    assert "validation targets:" in md
    assert "### Which assumptions each target depends on" in md
    from mer.archive import load

    g = load(tmp_path / "validation.h5").groups["sensitivity"]
    assert g["change"].shape == (1, len(ids)) and g["assumption"][0].decode() == wall
    assert_picture(tmp_path / "cohort.png", colours=("tab:orange",))  # the published values
    assert_picture(tmp_path / "sessions.png", (13, 1.6 * 4 + 0.8), ("tab:blue",))  # four mothers' flow
    assert_picture(tmp_path / "ducts.png", (8, 3.5), ("tab:blue", "tab:orange"))  # a mother, the published


@pytest.mark.slow  # every condition: three compilations, ~3 min on 2 cores
def test_mer_validate_cohort_of_8_on_every_target(tmp_path):
    out = run_cli(tmp_path, "cohort.n=8", "cohort.chunk=8", "cohort.condition_n=8", "cohort.resolution_check=2")
    md = check_outputs(tmp_path, [t.id for t in TARGETS])
    counts = [int(x) for x in out.stdout.split("validation targets:")[1].split(";")[0].split()[::2][:3]]
    assert sum(counts) == sum(t.role == "validation" for t in TARGETS)
    assert "Resolution." in md


def test_assumption_sensitivity_follows_what_each_assumption_can_reach():
    """Milk density only converts mL to g: scaled by 1.1 (1.5 would leave its plausible range) it
    scales the yield in g by exactly 1.1 and leaves basal plasma OT alone; the duct walls' time
    constant cannot reach basal plasma OT (nothing flows back from the breast before the pump starts)."""
    from mer.validation.run import run_validation

    yield_id, basal_id = "yield_15min_pump_kent2008", "plasma_ot_basal_johnston1986"
    density, wall = "params.milk.density_g_per_mL", "params.duct_wall.wall_tau_s"
    result = run_validation(
        [
            "anatomy.n_alveoli=60",
            "anatomy.generations=2",
            "cohort.n=2",
            "cohort.condition_n=2",
            "cohort.resolution_check=0",
            "cohort.repeat_sessions=1",
            f"targets.include=[{yield_id},{basal_id}]",
            "sensitivity.run=true",
            "sensitivity.n=2",
            "sensitivity.factor=1.1",
            "sensitivity.threshold=0.05",
            f"sensitivity.only=[{density},{wall}]",
        ]
    )
    s = result.sensitivity
    assert set(s.values) == {density, wall} and s.factor == 1.1
    scale = {t.id: t.band()[2] for t in result.targets}
    moved = s.changes[density][yield_id] * scale[yield_id]  # back in grams
    assert moved == pytest.approx(0.1 * s.base[yield_id], rel=1e-6)
    assert s.changes[density][basal_id] == 0.0 and s.changes[wall][basal_id] == 0.0
    assert (density, s.changes[density][yield_id]) in s.depends_on(yield_id)
    assert s.depends_on(basal_id) == []


def test_sensitivity_settings_are_checked_by_name():
    from mer.validation.run import run_validation

    for override, fragment in (
        ("sensitivity.factor=1", "sensitivity.factor"),
        ("sensitivity.n=0", "sensitivity.n"),
        ("sensitivity.run=maybe", "sensitivity.run"),
    ):
        with pytest.raises(ConfigError, match=fragment):
            run_validation(["cohort.n=1", override])
    with pytest.raises(ConfigError, match="not model assumptions"):
        run_validation(
            [
                "cohort.n=1",
                "anatomy.n_alveoli=60",
                "anatomy.generations=2",
                "cohort.resolution_check=0",
                "targets.include=[plasma_ot_basal_johnston1986]",
                "sensitivity.run=true",
                "sensitivity.only=[params.alveoli.ec50_pM]",
            ]
        )


def test_a_sensitivity_with_nothing_scaled_is_written_and_reported(tmp_path):
    """Milk density cannot be scaled by 1.5 either way within its plausible range: the report says
    so, and the archive holds an empty table rather than failing."""
    import h5py

    from mer.archive.validation import write_sensitivity
    from mer.validation.sensitivity import Sensitivity, scaled_values

    cfg = compose_config([], "validate")
    model = {k: v for k, v in cfg.items() if k not in ("cohort", "targets", "conditions", "sensitivity")}
    values, skipped = scaled_values(model, 1.5, set(), ["params.milk.density_g_per_mL"])
    assert values == {} and "passes the configuration's checks" in skipped["params.milk.density_g_per_mL"]
    s = Sensitivity(1.5, 2, 0.25, {}, {}, {}, {}, {}, skipped, {}, {})
    with h5py.File(tmp_path / "s.h5", "w") as f:
        write_sensitivity(f.create_group("sensitivity"), s, ["a", "b"])
        assert f["sensitivity/change"].shape == (0, 2)
    assert s.depends_on("a") == [] and not s.measured("a")


def test_an_assumption_a_condition_lacks_is_left_out_of_that_condition():
    """The pump's vacuum is an assumption; an infant's session has none to scale."""
    from mer.validation.run import applicable

    extra = ["stimulus.stimulation_vacuum_mmHg=-225.0", "params.duct_wall.wall_tau_s=4.5"]
    pump = compose_config([], "validate")
    infant = compose_config(["stimulus=infant"], "validate")
    assert applicable(extra, pump) == extra
    assert applicable(extra, infant) == extra[1:]
