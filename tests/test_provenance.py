"""Which mer wrote a file: the version an archive records is the project's own, also when mer runs
from a checkout that was never installed (e.g. a folder copied to a GPU machine)."""

import importlib.metadata
import tomllib

from mer import provenance


def test_a_checkout_never_installed_reports_its_pyproject_version(monkeypatch):
    with open(provenance.CHECKOUT / "pyproject.toml", "rb") as f:
        want = tomllib.load(f)["project"]["version"]

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    provenance.version.cache_clear()
    try:
        assert provenance.version() == want
        monkeypatch.setattr(provenance, "CHECKOUT", provenance.CHECKOUT / "no-such-folder")
        provenance.version.cache_clear()
        assert provenance.version() == "unknown"  # neither installed nor a checkout
    finally:
        provenance.version.cache_clear()
