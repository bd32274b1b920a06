"""Saving figures the same way everywhere (headless backend, tight layout, 120 dpi)."""

from __future__ import annotations

import os
import pathlib

import matplotlib.pyplot as plt


def save_figure(fig, path):
    """Draw into a temporary file beside `path`, then rename: a full disk or a kill leaves the
    previous picture, never half of one."""
    fig.tight_layout()
    path = pathlib.Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fig.savefig(tmp, dpi=120, format=path.suffix.lstrip(".") or "png")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        plt.close(fig)
    return path
