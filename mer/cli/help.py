"""`--help` of each command lists only the configuration groups its own config uses.

The commands share one config folder (configs/), so Hydra's `$APP_CONFIG_GROUPS` would list every
group of every command; each top-level config's `hydra.help.template` calls `${mer_groups:<name>}`
instead, which reads that config's defaults list.
"""

from __future__ import annotations

import textwrap

import yaml
from hydra.core.config_store import ConfigStore
from omegaconf import OmegaConf

from mer.config.compose import config_dir


def own_groups(config_name: str) -> dict[str, tuple[str, list[str]]]:
    """{group: (default option, all options)} for the groups in `configs/<config_name>.yaml`'s defaults.

    **Arguments:**
    - `config_name`: `simulate`, `fit`, `ablate` or `validate`.

    **Returns:** the groups in defaults-list order."""
    root = config_dir()
    defaults = yaml.safe_load((root / f"{config_name}.yaml").read_text())["defaults"]
    groups = {}
    for entry in defaults:
        if not isinstance(entry, dict):  # _self_
            continue
        for group, default in entry.items():
            if group.startswith("override "):  # Hydra's own (logging)
                continue
            stored = ConfigStore.instance().repo.get(group, {})  # params: from mer/parameters/
            files = {p.stem for p in (root / group).glob("*.yaml")}
            options = sorted(files | {name.removesuffix(".yaml") for name in stored})
            groups[group] = (str(default), options)
    return groups


def groups_text(config_name: str) -> str:
    """`${mer_groups:<name>}` in a help template.

    **Arguments:** `config_name`, as for `own_groups`.

    **Returns:** the groups as `--help` prints them: one line each, the default marked with *."""
    lines = []
    for group, (default, options) in own_groups(config_name).items():
        shown = ", ".join(f"{o}*" if o == default else o for o in options)
        lines.append(textwrap.fill(shown, 100, initial_indent=f"  {group:<13} ", subsequent_indent=" " * 16))
    return "\n".join(lines)


if not OmegaConf.has_resolver("mer_groups"):
    OmegaConf.register_new_resolver("mer_groups", groups_text)
