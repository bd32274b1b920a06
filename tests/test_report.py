"""`mer-report` summarises an archive and draws its duct tree."""

import subprocess
import sys

import numpy as np
import pytest
from pictures import assert_picture, record_figures

from mer.archive import load, save_simulation
from mer.cli.report import first_peak_index, tree_picture


def test_report_draws_tree(small_result, tmp_path):
    path = save_simulation(tmp_path / "run.h5", small_result)
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.report", str(path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "total_yield_g" in proc.stdout
    # the tree in a 6.5 x 6 inch figure, the nipple marked in red (a 6-point dot: ~80 pixels)
    assert_picture(tmp_path / "run_tree.png", (6.5, 6), ("tab:red",), min_pixels=30)


@pytest.mark.parametrize(
    "color, series, label",
    [("pressure", "pressure_in", "duct pressure (mmHg)"), ("flow", "flow", "flow toward the nipple (mL/s)")],
)
def test_tree_picture_shows_every_segment_at_the_first_peak(small_result, tmp_path, monkeypatch, color, series, label):
    """One line per duct segment from its start to its end (frontal plane), coloured by the
    archive's value at the first ejection's peak, the colour bar naming it with its unit."""
    path = save_simulation(tmp_path / "run.h5", small_result)
    arch = load(path)
    figures = record_figures(monkeypatch)
    tree_picture(path, arch, color)
    ax, colorbar = figures["run_tree.png"].axes
    (segments,) = ax.collections
    k = first_peak_index(arch)
    drawn = np.asarray(segments.get_segments())
    np.testing.assert_allclose(drawn[:, 0], arch["tree/start"][:, :2], rtol=1e-12)
    np.testing.assert_allclose(drawn[:, 1], arch["tree/end"][:, :2], rtol=1e-12)
    np.testing.assert_allclose(segments.get_array(), arch[f"tree/{series}"][k], rtol=1e-12)
    assert np.ptp(segments.get_array()) > 0  # the colours tell segments apart
    assert colorbar.get_ylabel() == label
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x (mm)", "y (mm)")
    # the peak lies within the first ejection (to half a step of the tree's save times)
    onsets, half_step = np.atleast_1d(arch["metrics/mer_onsets_s"]), 0.5 * np.diff(arch["tree/time"])[0]
    assert onsets[0] - half_step <= arch["tree/time"][k] < (onsets[1] if onsets.size > 1 else np.inf) + half_step


def test_report_names_a_bad_file(tmp_path):
    bad = tmp_path / "nope.h5"
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.report", str(bad)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    assert "nope.h5" in proc.stderr
