"""Traced solves kept on disk (mer/programs.py): read back, they give the solve's own results; a
damaged file is traced again and replaced; the key follows what the program depends on."""

import jax
import numpy as np
from conftest import SMALL

from mer import programs
from mer.build import build
from mer.config.compose import compose_config
from mer.solve import solver_for


def _solver(*overrides):
    setup = build(compose_config(SMALL + ["duration_s=60", *overrides]))
    run, *_ = solver_for(setup)
    return run, setup.args()


def _path(run, args):
    return programs.folder() / f"{programs.key(run.config, (*args, run._saves()))}.exported"


def test_a_kept_program_gives_the_solves_results_and_a_damaged_one_is_replaced(caplog, monkeypatch, tmp_path):
    assert programs.folder() is not None  # the tests run with the compilation cache on (conftest)
    monkeypatch.setattr(programs, "folder", lambda: tmp_path)  # not the user's own cache
    run, args = _solver()
    direct = jax.tree_util.tree_map(np.asarray, run(*args))
    kept = run.compiled(*args)(*args)  # traced and kept
    path = _path(run, args)
    assert path.is_file()
    kept = run.compiled(*args)(*args)  # read back
    for want, got in zip(jax.tree_util.tree_leaves(direct), jax.tree_util.tree_leaves(kept)):
        np.testing.assert_array_equal(np.asarray(got), want)
    path.write_bytes(b"not a program")
    again = run.compiled(*args)(*args)
    assert "ignoring the kept program" in caplog.text
    np.testing.assert_array_equal(np.asarray(again[0]["flow"]), direct[0]["flow"])
    assert path.read_bytes() != b"not a program"  # replaced by a readable program


def test_the_key_changes_with_the_configuration_and_the_shapes():
    run, args = _solver()
    pulses, pulse_args = _solver("neuro=pulses")
    larger, larger_args = _solver("anatomy.n_alveoli=61")
    longer, longer_args = _solver("duration_s=200")  # another bucket of save times
    paths = {_path(r, a) for r, a in ((run, args), (pulses, pulse_args), (larger, larger_args), (longer, longer_args))}
    assert len(paths) == 4
    assert _path(*_solver()) == _path(run, args)  # and only with them


def test_the_commands_import_equinox_without_host_callbacks():
    """equinox reads EQX_ON_ERROR when first imported, and the commands' own imports import it: the
    commands must set it before, or no solve of theirs can be kept (mer/cli/__init__.py)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "EQX_ON_ERROR"}
    for command in ("simulate", "fit", "ablate", "validate", "report", "collect"):
        code = f"import mer.cli.{command}, equinox._config as c; print(c.EQX_ON_ERROR)"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "nan", (command, out.stdout, out.stderr[-500:])
