"""What a figure shows, for the tests: the Figure objects this process saves, or a PNG decoded."""

import pathlib

import matplotlib.image
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

DPI = 120  # mer.outputs.figure.save_figure


def record_figures(monkeypatch) -> dict:
    """{file name: Figure} of every figure saved from now on in this process; a closed figure
    keeps its axes and artists. save_figure writes `.<name>.<pid>.tmp` first: keyed by <name>."""
    saved = {}
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        name = pathlib.Path(fname).name
        if name.startswith(".") and name.endswith(".tmp"):
            name = name[1:].rsplit(".", 2)[0]
        saved[name] = self
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return saved


def assert_picture(path, size_in=None, colours=(), min_pixels=50):
    """The PNG decodes to a drawn picture: `size_in` (width, height in inches) at the saved
    resolution, something other than the white background on 1-90 % of it, and at least
    `min_pixels` pixels of each named colour (the curves or bars drawn in it)."""
    rgb = matplotlib.image.imread(path)[..., :3]
    if size_in is not None:
        assert rgb.shape[:2] == (round(size_in[1] * DPI), round(size_in[0] * DPI)), rgb.shape
    ink = np.any(rgb < 0.95, axis=-1).mean()
    assert 0.01 < ink < 0.9, f"{path}: {ink:.1%} of the picture drawn"
    for colour in colours:
        count = int(np.all(np.abs(rgb - to_rgb(colour)) < 0.03, axis=-1).sum())
        assert count >= min_pixels, f"{path}: {colour} on {count} pixels"
