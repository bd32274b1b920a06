"""`mer-simulate` writes run.h5 and flow.png into the Hydra run directory and prints metrics."""

import subprocess
import sys

import numpy as np
from pictures import assert_picture, record_figures

from mer.archive import load
from mer.cli import simulate as simulate_cli
from mer.config.compose import compose_config

# the breast of the command-line test below: the in-process run finds its solve compiled
OVERRIDES = ["anatomy.n_alveoli=100", "anatomy.generations=2", "neuro=pulses"]


def test_mer_simulate_writes_archive_and_plot(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.simulate", *OVERRIDES, f"hydra.run.dir={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "total yield" in proc.stdout
    # flow (blue), plasma OT (green) and ejection onsets (red) drawn in an 8 x 6 inch figure
    assert_picture(tmp_path / "flow.png", (8, 6), ("tab:blue", "tab:green", "tab:red"))
    arch = load(tmp_path / "run.h5")
    assert arch.config["neuro"]["mode"] == "pulses"
    assert arch.config["anatomy"]["n_alveoli"] == 100
    assert arch["metrics/n_mer"] >= 3  # five explicit pulses


def test_session_figure_shows_the_archived_curves(tmp_path, monkeypatch):
    """flow.png's curves are the archive's series, in the units its labels name."""
    figures = record_figures(monkeypatch)
    simulate_cli.run(compose_config(OVERRIDES), tmp_path)
    arch = load(tmp_path / "run.h5")
    fig = figures["flow.png"]
    ax_flow, ax_ot, ax_cum = fig.axes  # the cumulative axis twins the flow axis, added last
    t_min = arch["timeseries/time"] / 60.0
    for ax, series, label in [
        (ax_flow, "flow", "flow (g/s)"),
        (ax_cum, "cumulative", "cumulative (g)"),
        (ax_ot, "plasma_ot", "plasma OT (pM)"),
    ]:
        curve = ax.get_lines()[0]
        np.testing.assert_allclose(curve.get_xdata(), t_min, rtol=1e-12)
        np.testing.assert_allclose(curve.get_ydata(), arch[f"timeseries/{series}"], rtol=1e-12)
        assert ax.get_ylabel() == label
    assert ax_ot.get_xlabel() == "time (min)"
    onsets = [line.get_xdata()[0] for line in ax_flow.get_lines() if line.get_linestyle() == "--"]
    np.testing.assert_allclose(onsets, np.atleast_1d(arch["metrics/mer_onsets_s"]) / 60.0, rtol=1e-12)
    assert len(onsets) >= 3
