"""What the afferent drive does to the OT neurons' rhythm.

    python experiments/neuro_drive.py                       # drive gains 0.5 ... 1.4
    python experiments/neuro_drive.py 0.7 0.9 1.2           # chosen gains

For each drive gain (the network's response to the default pump), counts the population bursts in
15 min, the first burst time and the mean interval, and writes drive.h5 and drive.png under
outputs/neuro_drive/. Below a threshold gain the network stays silent; above it bursts start
earlier and come more often as the drive grows.
"""

from __future__ import annotations

import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import mer  # noqa: F401
from mer.archive.write import dataset, root_attrs, write_atomically
from mer.outputs.figure import save_figure
from mer.simulate import simulate


def bursts(result, level=0.5):
    on = result.timeseries["neuron_synchrony"] > level
    return result.time[1:][np.diff(on.astype(int)) == 1]


def main(gains):
    rows = []
    for g in gains:
        r = simulate([f"neuro.drive_gain={g}", "anatomy.n_alveoli=200", "anatomy.generations=2"])
        b = bursts(r)
        rows.append((g, b.size, b[0] if b.size else np.nan, np.diff(b).mean() if b.size > 1 else np.nan))
        print(f"drive gain {g:4.2f}: {b.size} bursts, first {rows[-1][2]:.0f} s, mean interval {rows[-1][3]:.0f} s")
    rows = np.asarray(rows, float)
    out = pathlib.Path("outputs/neuro_drive")
    out.mkdir(parents=True, exist_ok=True)

    def fill(f):
        root_attrs(f, "ablation", {"experiment": "neuro_drive", "drive_gain": list(map(float, gains))})
        g = f.create_group("sweep")
        for k, (name, unit) in enumerate(
            [("drive_gain", "1"), ("n_bursts", "1"), ("first_burst_s", "s"), ("mean_interval_s", "s")]
        ):
            dataset(g, name, rows[:, k], unit)

    write_atomically(out / "drive.h5", fill)
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(6, 5), sharex=True)
    a1.plot(rows[:, 0], rows[:, 1], "o-")
    a1.set_ylabel("bursts in 15 min")
    a2.plot(rows[:, 0], rows[:, 2], "s-", label="first burst")
    a2.plot(rows[:, 0], rows[:, 3], "^-", label="mean interval")
    a2.set_ylabel("s")
    a2.set_xlabel("afferent drive gain")
    a2.legend()
    a1.set_title("OT neuron rhythm against afferent drive")
    save_figure(fig, out / "drive.png")
    print(f"wrote {out / 'drive.h5'} and {out / 'drive.png'}")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4])
