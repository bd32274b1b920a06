"""The duct tree in 2-D projection, coloured by pressure or flow at one instant."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

from mer.outputs.figure import save_figure


def plot_tree(start_mm, end_mm, radius_mm, value, label, path, title=""):
    """Segments projected on the frontal (x, y) plane; line width follows the radius."""
    segments = np.stack([start_mm[:, :2], end_mm[:, :2]], axis=1)
    fig, ax = plt.subplots(figsize=(6.5, 6))
    lines = LineCollection(segments, array=value, cmap="viridis", linewidths=1.0 + 4.0 * radius_mm / radius_mm.max())
    ax.add_collection(lines)
    ax.plot(0, 0, "o", color="tab:red", ms=6, label="nipple")
    ax.autoscale()
    ax.set_aspect("equal")
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("y (mm)")
    ax.legend(loc="upper right", fontsize=8)
    fig.colorbar(lines, ax=ax, label=label, shrink=0.8)
    ax.set_title(title)
    return save_figure(fig, path)
