"""`mer-ablate` and the experiment sweeps write their tables, archives and figures."""

import csv
import pathlib
import subprocess
import sys

import pytest
from pictures import assert_picture

from mer.archive import load

ROOT = pathlib.Path(__file__).resolve().parents[1]
SMALL = '["anatomy.n_alveoli=100","anatomy.generations=2"]'


def test_mer_ablate_writes_summary_files(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mer.cli.ablate",
            "interventions=[cx43_ko,warmth]",
            f"overrides={SMALL}",
            f"hydra.run.dir={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # progress in the job log (and on stderr); each run's summary kept in runs.log, not on stdout
    assert "3/3 runs finished" in (tmp_path / "ablate.log").read_text()
    assert "3/3 runs finished" in proc.stderr and "total yield" in (tmp_path / "runs.log").read_text()
    with open(tmp_path / "summary.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["intervention"] for r in rows] == ["none", "cx43_ko", "warmth"]
    for col in (
        "doses",
        "total_yield_g",
        "n_mer",
        "time_to_first_mer_s",
        "peak_flow_g_per_s",
        "removed_fraction",
        "alveolar_synchrony",
        "total_yield_g_change_pct",
    ):
        assert col in rows[0]
    # each row is its own run's archive, and its change is against the run without intervention
    runs = {}
    for path in (tmp_path / "runs").glob("*/run.h5"):
        run = load(path)
        runs["+".join(run.config.get("intervention") or {}) or "none"] = run
    assert sorted(runs) == sorted(r["intervention"] for r in rows)
    base = float(runs["none"]["metrics/total_yield_g"])
    for r in rows:
        run = runs[r["intervention"]]
        assert run.config["anatomy"]["n_alveoli"] == 100  # the overrides reach every run
        assert float(r["total_yield_g"]) == pytest.approx(float(run["metrics/total_yield_g"]), rel=1e-12)
        assert float(r["total_yield_g_change_pct"]) == pytest.approx(
            100.0 * (float(run["metrics/total_yield_g"]) / base - 1.0), rel=1e-9, abs=1e-9
        )
    assert float(rows[1]["total_yield_g_change_pct"]) < -50.0  # no coupling, no coherent ejection
    assert float(rows[2]["total_yield_g_change_pct"]) > 0.0  # wider ducts let more milk out
    assert "residual_cx43=0.0" in rows[1]["doses"] and rows[0]["doses"] == ""
    arch = load(tmp_path / "summary.h5")
    assert arch.attrs["kind"] == "ablation"
    assert arch.units["summary/total_yield_g"] == "g"
    # one bar per intervention: cx43_ko's loss in red, warmth's gain in green
    assert_picture(tmp_path / "summary.png", (7, 0.35 * 2 + 1.5), ("tab:red", "tab:green"))


def test_mer_ablate_rejects_unknown_intervention(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mer.cli.ablate", "interventions=[cx43_ko,caffeine]", f"hydra.run.dir={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert "caffeine" in proc.stderr


def test_cx43_sweep_writes_archive_and_figure(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / "sweep.py"),
            "--config-name=cx43",
            "x=[0.0,1.0]",
            "fields={intervention.cx43_ko.residual_cx43:[0.0,1.0]}",
            f"overrides={SMALL}",
            f"hydra.run.dir={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    arch = load(tmp_path / "sweep.h5")
    sync = arch["sweep/alveolar_synchrony"]
    yields = arch["sweep/total_yield_g"]
    assert sync[0] < 0.5 * sync[1]  # coupling makes the myoepithelium contract in step
    assert yields[0] < 0.5 * yields[1]
    # yield (blue) and contraction (green) change, synchrony (orange) against Cx43 function
    assert_picture(tmp_path / "sweep.png", (6, 4), ("tab:blue", "tab:green", "tab:orange"))
