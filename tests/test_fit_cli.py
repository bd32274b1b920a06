"""`mer-fit` from the command line: an unseen session fitted to target, archive and figure written,
bad data refused with its message and exit code 2."""

import pathlib
import subprocess
import sys

import h5py
import numpy as np
import pytest
from pictures import record_figures

from mer.archive import load
from mer.cli.fit import main
from mer.config.compose import compose_config


@pytest.mark.slow  # a whole default fit, ~4 min on 2 cores
def test_mer_fit_reaches_the_targets_on_an_unseen_session(tmp_path, monkeypatch):
    """`mer-fit data.path=...` with its defaults on a session simulated by a different model
    (neuro=network, a generated breast; experiments/data/): R^2 >= 0.95 on the cumulative curve,
    ejection count within +/-1, and the archive and figure it promises."""
    data = pathlib.Path(__file__).resolve().parents[1] / "experiments" / "data" / "session_a.csv"
    monkeypatch.setattr(
        sys, "argv", ["mer-fit", f"data.path={data}", f"hydra.run.dir={tmp_path}", "fit.progress=false"]
    )
    figures = record_figures(monkeypatch)
    main()
    arch = load(tmp_path / "fit.h5")
    assert arch.attrs["kind"] == "fit"
    assert arch["metrics/r2_cumulative"][0] >= 0.95
    assert abs(int(arch["metrics/n_mer_predicted"][0]) - int(arch["metrics/n_mer_observed"][0])) <= 1
    assert 3 <= arch["metrics/n_mer_observed"][0] <= 5
    for name, unit in [
        ("time", "s"),
        ("observed_flow", "g/s"),
        ("observed_cumulative", "g"),
        ("predicted_flow", "g/s"),
        ("predicted_cumulative", "g"),
        ("loss_history", "1"),
    ]:
        assert arch.units[f"fit/{name}"] == unit
    assert arch["fit/observed_cumulative"].shape == arch["fit/predicted_cumulative"].shape == (1, 901)
    with h5py.File(tmp_path / "fit.h5") as f:
        ec50 = f["fit/params/alveoli.ec50_pM"]
        assert ec50.attrs["unit"] == "pM"
        assert ec50.attrs["ci_low"] <= ec50[()] <= ec50.attrs["ci_high"]
        assert ec50.attrs["initial"] == compose_config([])["params"]["alveoli"]["ec50_pM"]
    # fit.png: the file's flow and the archived fit, in the units its labels name
    ax_flow, ax_cum, ax_res = figures["fit.png"].axes
    rows = [line for line in data.read_text().splitlines() if not line.startswith("#")]
    observed = np.genfromtxt(rows, delimiter=",", names=True)
    np.testing.assert_allclose(ax_flow.get_lines()[0].get_xdata(), observed["time_s"] / 60.0, rtol=1e-12)
    np.testing.assert_allclose(ax_flow.get_lines()[0].get_ydata(), observed["flow_g_per_s"], rtol=1e-12)
    inside = arch["fit/inside"][0] > 0
    fitted = ax_cum.get_lines()[1]
    np.testing.assert_allclose(fitted.get_xdata(), arch["fit/time"][inside] / 60.0, rtol=1e-12)
    np.testing.assert_allclose(fitted.get_ydata(), arch["fit/predicted_cumulative"][0][inside], rtol=1e-9)
    labels = [ax.get_ylabel() for ax in (ax_flow, ax_cum, ax_res)]
    assert labels == ["flow (g/s)", "cumulative (g)", "flow residual (g/s)"] and ax_res.get_xlabel() == "time (min)"


def test_mer_fit_bad_data_exits_with_the_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time_s,flow_g_per_s\n0,0\n1,-7.5\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.fit", f"data.path={bad}", f"hydra.run.dir={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert "flow_g_per_s is -7.5 g/s at 1 s" in proc.stderr
