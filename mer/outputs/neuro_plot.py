"""Hypothalamus figure: OT neuron rates (raster-like), pituitary release and plasma OT."""

from __future__ import annotations

import matplotlib.pyplot as plt

from mer.outputs.figure import save_figure


def plot_neurons(rate_time_s, rates, time_s, release_mU_per_s, plasma_pM, path, title=""):
    fig, (ax_r, ax_rel, ax_ot) = plt.subplots(3, 1, figsize=(8, 7), sharex=True, height_ratios=[2, 1, 1])
    extent = [rate_time_s[0] / 60, rate_time_s[-1] / 60, 0, rates.shape[1]]
    im = ax_r.imshow(rates.T, aspect="auto", origin="lower", extent=extent, cmap="magma", vmin=0, vmax=1)
    ax_r.set_ylabel("OT neuron")
    fig.colorbar(im, ax=ax_r, label="rate / burst peak", pad=0.01)
    ax_rel.plot(time_s / 60, release_mU_per_s, color="tab:purple")
    ax_rel.set_ylabel("release (mU/s)")
    ax_ot.plot(time_s / 60, plasma_pM, color="tab:green")
    ax_ot.set_ylabel("plasma OT (pM)")
    ax_ot.set_xlabel("time (min)")
    ax_r.set_title(title)
    return save_figure(fig, path)
