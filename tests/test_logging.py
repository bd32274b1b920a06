"""Messages go to the job log and stderr, the result to stdout; quiet and hydra.verbose are respected;
progress bars show an ETA; no warning leaks from the fit's parameter transform."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from mer import progress
from mer.fit.parameters import to_natural, to_unconstrained

TINY = ["anatomy.n_alveoli=20", "anatomy.generations=1", "duration_s=120", "neuro=pulses", "plot=false"]


def simulate(tmp_path, *extra):
    out = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "-m", "mer.cli.simulate", *TINY, f"hydra.run.dir={out}", *extra],
        capture_output=True,
        text=True,
        timeout=300,
        env={"MER_PROGRESS": "0", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)} | _cache_env(),
    )
    assert done.returncode == 0, done.stderr
    return done, (out / "simulate.log").read_text()


def _cache_env():
    from mer.runtime import cache_dir

    return {"MER_CACHE_DIR": str(cache_dir() or "off")}


def test_messages_in_the_job_log_result_on_stdout(tmp_path):
    done, job_log = simulate(tmp_path, "hydra.verbose=true")
    assert "solving 120 s: 20 alveolus agents" in done.stderr and "solving 120 s" in job_log
    assert "[mer.simulate][INFO]" in job_log and "archive written" in job_log
    assert "compilation cache" in done.stderr and "[DEBUG]" in job_log  # hydra.verbose: debug messages too
    assert done.stdout.startswith("total yield") and "solving" not in done.stdout


def test_quiet_leaves_the_result_and_the_job_log(tmp_path):
    done, job_log = simulate(tmp_path, "quiet=true")
    assert "solving" not in done.stderr and "solved" not in done.stderr
    assert "solving 120 s" in job_log and "[DEBUG]" not in job_log
    assert "total yield" in done.stdout and "archive" in done.stdout


def test_quiet_must_be_true_or_false(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mer.cli.simulate", *TINY, f"hydra.run.dir={tmp_path}", "quiet=3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "quiet: expected true or false, got 3" in done.stderr


def test_progress_bar_has_an_eta(capsys, monkeypatch):
    monkeypatch.setenv("MER_PROGRESS", "1")
    for _ in progress.bar(range(3), desc="fit: polish", unit="start"):
        pass
    err = capsys.readouterr().err
    assert "fit: polish" in err and "3/3" in err and "<00:00" in err  # elapsed<remaining
    progress.set_quiet(True)
    try:
        for _ in progress.bar(range(3), desc="quiet"):
            pass
    finally:
        progress.set_quiet(False)
    assert "quiet" not in capsys.readouterr().err
    monkeypatch.setenv("MER_PROGRESS", "0")
    assert not progress.enabled()


def test_unconstrained_transform_warns_nothing_and_round_trips():
    # pulse times: linear scale with negative bounds; capacity: log scale; a value on a bound
    x = np.array([-20.0, 250.0, 0.5])
    lower, upper, log = np.array([-60.0, 50.0, 0.5]), np.array([60.0, 600.0, 2.0]), np.array([0.0, 1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        u = to_unconstrained(x, lower, upper, log)
    assert np.all(np.isfinite(u))
    np.testing.assert_allclose(np.asarray(to_natural(u, lower, upper, log))[:2], x[:2], rtol=1e-12)
    assert np.asarray(to_natural(u, lower, upper, log))[2] == pytest.approx(0.5, rel=1e-5)


def test_a_single_solve_draws_its_progress_over_simulated_time(capfd, monkeypatch):
    """mer.simulate shows diffrax's bar (per cent of the session, rate) when bars are on, and none
    when they are off."""
    from mer.simulate import simulate

    tiny = ["anatomy.n_alveoli=20", "anatomy.generations=1", "duration_s=150", "neuro=pulses", "plot=false"]
    monkeypatch.setenv("MER_PROGRESS", "1")
    simulate(tiny)
    assert "100.00%" in capfd.readouterr().err
    monkeypatch.setenv("MER_PROGRESS", "0")
    simulate(tiny)
    assert "%|" not in capfd.readouterr().err
