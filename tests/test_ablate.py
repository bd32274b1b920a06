"""`mer-ablate` and the experiment sweeps write their tables, archives and figures."""

import csv
import pathlib
import subprocess
import sys

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
    assert float(rows[0]["total_yield_g_change_pct"]) == 0.0
    assert float(rows[1]["total_yield_g_change_pct"]) < -50.0
    assert "residual_cx43=0.0" in rows[1]["doses"]
    arch = load(tmp_path / "summary.h5")
    assert arch.attrs["kind"] == "ablation"
    assert arch.units["summary/total_yield_g"] == "g"
    assert (tmp_path / "summary.png").stat().st_size > 5_000


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
    assert (tmp_path / "sweep.png").stat().st_size > 5_000
