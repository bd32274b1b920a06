"""Compose the Hydra configuration from Python (the same files the command line uses)."""

from __future__ import annotations

import pathlib

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

CONFIG_DIR = pathlib.Path(__file__).resolve().parents[2] / "configs"


def config_dir() -> pathlib.Path:
    packaged = pathlib.Path(__file__).resolve().parents[1] / "configs"
    return packaged if packaged.is_dir() else CONFIG_DIR


def compose_config(overrides=(), config_name: str = "simulate") -> dict:
    """The resolved configuration as a plain dict, e.g. `compose_config(["neuro=pulses"])`.

    Inside a running Hydra app (an experiment script) the app's global Hydra state is replaced;
    its own configuration and HydraConfig stay valid."""
    from mer.config.validate import check_overrides

    check_overrides(overrides)  # before Hydra merges a repeated intervention into one
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(config_dir()), version_base=None):
        cfg = compose(config_name=config_name, overrides=list(overrides))
    return OmegaConf.to_container(cfg, resolve=True)
