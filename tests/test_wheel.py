"""A regular install works from any folder: the wheel holds the configs and the commit.

Builds the wheel from a copy of the working tree (tracked and untracked, not ignored files, the
way a fresh clone with local changes looks), installs it into a new virtual environment that has
no view of the checkout, and runs `mer-simulate` from an empty folder."""

import os
import pathlib
import subprocess
import sys
import sysconfig
import tomllib

import pytest

from mer.archive import load

ROOT = pathlib.Path(__file__).resolve().parents[1]
TINY = ["anatomy.n_alveoli=20", "anatomy.generations=1", "duration_s=120", "neuro=pulses", "plot=false"]


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    files = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT).stdout
    src = tmp / "src"
    for name in filter(None, files.split("\0")):
        if (ROOT / name).is_file():  # a tracked file deleted in the working tree is not part of it
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes((ROOT / name).read_bytes())
    # the copy has no .git: point git at the checkout's, as a build from the checkout would see it
    env = dict(os.environ, GIT_DIR=str(ROOT / ".git"))
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp / "dist", src], env=env)
    wheel = next((tmp / "dist").glob("mer-*.whl"))
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    # the dependencies come from this environment's site-packages (listed by path: its own .pth
    # files, among them the editable install of the checkout, are not read from there)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", "--no-deps", wheel])
    return venv, wheel


def test_wheel_holds_the_configs(installed):
    import zipfile

    names = zipfile.ZipFile(installed[1]).namelist()
    for config in (ROOT / "configs").rglob("*.yaml"):
        assert f"mer/configs/{config.relative_to(ROOT / 'configs').as_posix()}" in names, config
    assert "mer/validation/targets.yaml" in names and "mer/COMMIT" in names


def test_installed_mer_simulate_runs_from_any_folder(installed, tmp_path):
    venv, _ = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([venv / "bin" / "python", "-c", "import mer; print(mer.__file__)"], cwd=elsewhere).stdout
    assert str(venv) in where, f"mer imported from {where.strip()}, not from the installed wheel"
    run([venv / "bin" / "mer-simulate", *TINY, "hydra.run.dir=out"], cwd=elsewhere)
    arch = load(elsewhere / "out" / "run.h5")
    head = run(["git", "rev-parse", "HEAD"], cwd=ROOT).stdout.strip()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert arch.attrs["git_commit"] == head and arch.attrs["mer_version"] == version
    assert arch["metrics/total_yield_g"] > 0
    assert (elsewhere / "out" / ".hydra" / "config.yaml").is_file()
