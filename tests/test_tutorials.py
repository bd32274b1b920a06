"""The tutorials in docs/tutorials/ run end to end: their Python blocks, in order, in a fresh
folder (each tutorial asserts what it shows)."""

import pathlib
import re
import subprocess
import sys

import pytest
from pictures import assert_picture

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs" / "tutorials"


def code_of(name: str) -> str:
    text = (DOCS / name).read_text()
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert blocks, f"docs/tutorials/{name}: no python blocks"
    return "\n".join(blocks)


def run_tutorial(name, tmp_path, timeout):
    done = subprocess.run(
        [sys.executable, "-c", code_of(name)], cwd=tmp_path, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"docs/tutorials/{name}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_simulate_tutorial(tmp_path):
    out = run_tutorial("simulate.md", tmp_path, 300)
    assert "milk flow out of the nipple in g/s" in out and (tmp_path / "run.h5").is_file()


def test_dose_response_tutorial(tmp_path):
    out = run_tutorial("dose_response.md", tmp_path, 400)
    assert out.count("yield change") == 4
    assert_picture(tmp_path / "dose_response.png", colours=("tab:blue",))  # the dose-response curve


@pytest.mark.slow
def test_fit_tutorial(tmp_path):
    out = run_tutorial("fit.md", tmp_path, 1500)
    assert "% interval" in out and (tmp_path / "fit.h5").is_file()
