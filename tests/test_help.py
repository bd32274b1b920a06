"""Each command's --help says what it does, shows examples and lists only its own config groups."""

import re
import subprocess
import sys

import pytest

from mer.cli.help import own_groups
from mer.config.compose import compose_config

OWN = {
    "simulate": {"params", "mechanism", "anatomy", "stimulus", "neuro", "intervention", "solver"},
    "fit": {"params", "mechanism", "anatomy", "stimulus", "neuro", "intervention", "solver", "data", "fit"},
    "validate": {"params", "mechanism", "anatomy", "stimulus", "neuro", "intervention", "solver"},
    "ablate": {"launcher"},
}
EVERY = set().union(*OWN.values()) | {"hydra"}


@pytest.mark.parametrize("command", sorted(OWN))
def test_help_lists_only_own_groups(command):
    done = subprocess.run(
        [sys.executable, "-m", f"mer.cli.{command}", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith(f"mer-{command}: "), text[:200]
    assert "Examples:" in text and f"\n  mer-{command} " in text
    section = text.split("Configuration groups")[1].split("\n\n")[0]
    listed = set(re.findall(r"^  (\w+) +", section, flags=re.M))
    assert listed == OWN[command], f"mer-{command} --help lists {sorted(listed)}"
    assert not (EVERY - OWN[command]) & listed
    for group, (default, options) in own_groups(command).items():
        assert f"{default}*" in section, (group, default)
        for option in options:  # every option listed can be selected (params=literature: mer/parameters/)
            compose_config([f"{group}={option}"], command)
