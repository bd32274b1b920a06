"""Which mer wrote a file: the version from the installed package's metadata, the commit from git
in a checkout, else from what the build or pip recorded."""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.resources
import json
import pathlib
import subprocess
import tomllib

CHECKOUT = pathlib.Path(__file__).resolve().parents[1]  # the repository, when mer runs from one


@functools.cache
def version() -> str:
    """The installed distribution's version (pyproject.toml's `version`); run from a checkout that
    was never installed, its pyproject.toml's; else "unknown".

    **Returns:** a version string such as `"0.1.0"`."""
    try:
        return importlib.metadata.version("mer")
    except importlib.metadata.PackageNotFoundError:
        return _checkout_version() or "unknown"


def _checkout_version() -> str | None:
    try:
        with open(CHECKOUT / "pyproject.toml", "rb") as f:
            project = tomllib.load(f).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return str(project["version"]) if project.get("name") == "mer" and project.get("version") else None


def _git_head(folder: pathlib.Path) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


def _pip_recorded() -> str | None:
    """`pip install git+https://...` records the commit in the distribution's direct_url.json."""
    try:
        text = importlib.metadata.distribution("mer").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return None
    try:
        return json.loads(text or "{}").get("vcs_info", {}).get("commit_id")
    except ValueError:
        return None


def _built_from() -> str | None:
    """The commit setup.py wrote into the wheel as `mer/COMMIT` when it was built from a checkout."""
    try:
        return importlib.resources.files("mer").joinpath("COMMIT").read_text().strip() or None
    except OSError:
        return None


@functools.cache
def commit() -> str:
    """The git commit of the code that runs, or "unknown".

    In a checkout (`mer/` beside `.git`) git is asked; in an installed package the commit that
    pip recorded (installs from a git URL) or that the build wrote into the package.

    **Returns:** a 40-character commit hash, or "unknown"."""
    if (CHECKOUT / ".git").exists():
        head = _git_head(CHECKOUT)
        if head:
            return head
    return _pip_recorded() or _built_from() or "unknown"
