"""`mer-report` for every kind of archive, as text and as one self-contained HTML page."""

import re

import numpy as np
import pytest

from mer.ablation import COLUMNS, write_summary
from mer.archive import save_simulation
from mer.archive.write import dataset, root_attrs, write_atomically
from mer.cli.report import main, report


def self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and not re.search(r"(src|href)=['\"](?!data:)", page), "external reference"


def test_simulation_page(small_result, tmp_path):
    path = save_simulation(tmp_path / "run.h5", small_result)
    out = report(path, "pressure", html=True)
    assert "Session metrics" in out and "total_yield_g" in out
    page = (tmp_path / "run_report.html").read_text()
    self_contained(page)
    assert page.count("data:image/png;base64,") == 2  # flow and cumulative; the duct tree
    assert f"{small_result.metrics['total_yield_g']:.4g}" in page


def test_ablation_report(tmp_path):
    rows = []
    for name, y in (("none", 100.0), ("cx43_ko", 22.0), ("warmth", 110.0)):
        row = {"intervention": name, "doses": ""} | {k: 1.0 for k in COLUMNS} | {"total_yield_g": y}
        for k in ("total_yield_g", "n_mer", "peak_flow_g_per_s", "removed_fraction"):
            row[f"{k}_change_pct"] = (
                100.0 * (row[k] - (100.0 if k == "total_yield_g" else 1.0)) / (100.0 if k == "total_yield_g" else 1.0)
            )
        rows.append(row)
    paths = write_summary(rows, tmp_path, {"interventions": ["cx43_ko", "warmth"]})
    out = report(paths["h5"], "pressure", html=True)
    assert re.search(r"cx43_ko\s+22\.0\s+-78\.0", out) and re.search(r"warmth\s+110\.0\s+\+10\.0", out)
    page = (tmp_path / "summary_report.html").read_text()
    self_contained(page)
    assert "Yield change per intervention" in page and "data:image/png;base64," in page


def write_fit_like(path):
    """A fit archive's layout (mer/archive/fit.py) with known numbers: one session, one parameter."""

    def fill(f):
        root_attrs(f, "fit", {"seed": 0})
        g = f.create_group("fit")
        t = np.arange(0.0, 300.0, 1.0)
        st = ("session", "time")
        dataset(g, "time", t, "s", ("time",))
        dataset(g, "session_id", np.asarray(["s1"], dtype="S"), "1", ("session",))
        dataset(g, "observed_cumulative", (t / 10.0)[None], "g", st)
        dataset(g, "predicted_cumulative", (t / 10.2)[None], "g", st)
        dataset(g, "inside", np.ones((1, t.size)), "1", st)
        p = g.create_group("params")
        dataset(
            p,
            "alveoli.capacity_mL",
            183.0,
            "mL",
            initial=210.0,
            ci_low=160.0,
            ci_high=205.0,
            confidence=0.95,
            not_identifiable="",
        )
        dataset(
            p,
            "alveoli.ec50_pM",
            16.0,
            "pM",
            initial=16.0,
            ci_low=2.0,
            ci_high=90.0,
            confidence=0.95,
            not_identifiable="alveoli.ec50_pM: the interval spans the bounds",
        )
        m = f.create_group("metrics")
        dataset(m, "r2_cumulative", [0.987], "1", ("session",))
        dataset(m, "r2_flow", [0.91], "1", ("session",))
        dataset(m, "n_mer_observed", [3], "1", ("session",))
        dataset(m, "n_mer_predicted", [3], "1", ("session",))

    return write_atomically(path, fill)


def test_fit_report_has_intervals_r2_and_counts(tmp_path):
    path = write_fit_like(tmp_path / "fit.h5")
    out = report(path, "pressure", html=True)
    assert re.search(r"s1\s+0\.9870\s+0\.910\s+3\s+3", out)
    assert re.search(r"alveoli\.capacity_mL\s+183\s+160 to 205\s+mL\s+210\s+yes", out)
    assert "the interval spans the bounds" in out and "95 % intervals" in out
    page = (tmp_path / "fit_report.html").read_text()
    self_contained(page)
    assert "Observed and fitted cumulative yield" in page


def test_validation_report(tmp_path):
    def fill(f):
        root_attrs(f, "validation", {"seed": 0})
        f.attrs["summary"] = "validation targets: 1 pass, 0 fail, 0 not computed (of 1)"
        g = f.create_group("targets/ejections_kent2008")
        for k, v in {
            "quantity": "milk ejections in 15 min",
            "role": "validation",
            "unit": "1",
            "published": "4.3",
            "model": 4.1,
            "verdict": "pass",
            "source": "Kent JC et al. 2008",
        }.items():
            g.attrs[k] = v

    path = write_atomically(tmp_path / "validation.h5", fill)
    out = report(path, "pressure", html=True)
    assert "validation targets: 1 pass" in out
    assert re.search(r"ejections_kent2008\s+validation\s+milk ejections in 15 min\s+4\.3\s+4\.1\s+pass\s+Kent", out)
    self_contained((tmp_path / "validation_report.html").read_text())


def test_cli_html_flag_and_bad_archive(tmp_path, capsys):
    path = write_fit_like(tmp_path / "fit.h5")
    with pytest.raises(SystemExit) as done:
        main(["--html", str(path), str(tmp_path / "missing.h5")])
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert "fit_report.html" in captured.out and "missing.h5: no such archive file" in captured.err
