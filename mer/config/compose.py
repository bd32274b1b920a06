"""Compose the Hydra configuration from Python (the same files the command line uses)."""

from __future__ import annotations

import pathlib

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

CONFIG_DIR = pathlib.Path(__file__).resolve().parents[2] / "configs"  # a checkout's top-level configs/


def register_parameters() -> None:
    """The `params` group's option `literature`: the parameter definitions' defaults
    (mer/parameters/), registered with Hydra's ConfigStore rather than kept in a second YAML copy.
    The other groups' options are the YAML files in `config_dir()`."""
    from mer.parameters import params_defaults

    ConfigStore.instance().store(group="params", name="literature", node=params_defaults())


def config_dir() -> pathlib.Path:
    """Where the Hydra configs are (and the `params` group registered: `register_parameters`).

    **Returns:** `mer/configs` inside an installed package (a wheel or `pip install .`: setup.py
    maps the repository's `configs/` there), else the checkout's top-level `configs/` (an
    editable install or a run from the repository)."""
    register_parameters()
    packaged = pathlib.Path(__file__).resolve().parents[1] / "configs"
    return packaged if packaged.is_dir() else CONFIG_DIR


def compose_config(overrides=(), config_name: str = "simulate") -> dict:
    """The resolved configuration as a plain dict, e.g. `compose_config(["neuro=pulses"])`.

    **Arguments:**
    - `overrides`: Hydra overrides, checked first (a repeated intervention is refused).
    - `config_name`: `simulate`, `fit` or `validate` (the file in `configs/`).

    **Returns:** the configuration (no `hydra` node).

    Inside a running Hydra app (an experiment script) the app's global Hydra state is replaced;
    its own configuration and HydraConfig stay valid."""
    from mer.config.validate import check_overrides

    check_overrides(overrides)  # before Hydra merges a repeated intervention into one
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(config_dir()), version_base=None):
        cfg = compose(config_name=config_name, overrides=list(overrides))
    return OmegaConf.to_container(cfg, resolve=True)
