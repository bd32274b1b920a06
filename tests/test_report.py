"""`mer-report` summarises an archive and draws its duct tree."""

import subprocess
import sys

from mer.archive import save_simulation


def test_report_draws_tree(small_result, tmp_path):
    path = save_simulation(tmp_path / "run.h5", small_result)
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.report", str(path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "total_yield_g" in proc.stdout
    assert (tmp_path / "run_tree.png").stat().st_size > 10_000


def test_report_names_a_bad_file(tmp_path):
    bad = tmp_path / "nope.h5"
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.report", str(bad)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    assert "nope.h5" in proc.stderr
