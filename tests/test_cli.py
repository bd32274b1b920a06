"""`mer-simulate` writes run.h5 and flow.png into the Hydra run directory and prints metrics."""

import subprocess
import sys

from mer.archive import load


def test_mer_simulate_writes_archive_and_plot(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mer.cli.simulate",
            "anatomy.n_alveoli=100",
            "anatomy.generations=2",
            "neuro=pulses",
            f"hydra.run.dir={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "total yield" in proc.stdout
    assert (tmp_path / "flow.png").stat().st_size > 10_000
    arch = load(tmp_path / "run.h5")
    assert arch.config["neuro"]["mode"] == "pulses"
    assert arch.config["anatomy"]["n_alveoli"] == 100
    assert arch["metrics/n_mer"] >= 3  # five explicit pulses
