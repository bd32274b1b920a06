"""The Hydra configs and the commit ship inside the package.

The repository keeps the configs in the top-level `configs/` folder (the documented layout); a build
maps that folder into the package as `mer/configs`, so a regular install or a wheel finds them from
any folder (`mer.config.compose.config_dir`). A build from a git checkout also writes the commit
into the package as `mer/COMMIT` (`mer.provenance.commit`). Everything else is in pyproject.toml.
"""

import pathlib
import subprocess

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

# every folder under configs/ is a config group: mapped as a data-only subpackage of mer.configs
groups = sorted(p.relative_to("configs").as_posix() for p in pathlib.Path("configs").rglob("*") if p.is_dir())
configs = ["mer.configs", *("mer.configs." + g.replace("/", ".") for g in groups)]


class BuildWithCommit(build_py):
    def run(self):
        super().run()
        try:
            head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):  # no git: the archive says "unknown"
            return
        if head.returncode == 0 and head.stdout.strip():
            (pathlib.Path(self.build_lib) / "mer" / "COMMIT").write_text(head.stdout.strip() + "\n")


setup(
    packages=find_packages(include=["mer*"]) + configs,
    package_dir={"mer.configs": "configs"},
    package_data={"mer.validation": ["*.yaml"], **{p: ["*.yaml"] for p in configs}},
    cmdclass={"build_py": BuildWithCommit},
)
