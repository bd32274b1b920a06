"""Collect the archives of an ablation multirun into one summary table."""

from __future__ import annotations

import csv
import pathlib

import numpy as np

from mer.archive import load
from mer.archive.write import dataset, root_attrs, write_atomically
from mer.outputs.figure import save_figure

COLUMNS = {
    "total_yield_g": "g",
    "n_mer": "1",
    "time_to_first_mer_s": "s",
    "peak_flow_g_per_s": "g/s",
    "removed_fraction": "1",
    "alveolar_synchrony": "1",
    "neuron_synchrony": "1",
}


def intervention_label(config) -> tuple[str, str]:
    """('stress+warmth', 'stress.level=1.0; warmth.duct_dilation=0.04; ...') from a run's config."""
    iv = config.get("intervention") or {}
    name = "+".join(iv) or "none"
    doses = "; ".join(f"{n}.{k}={v}" for n, d in iv.items() for k, v in d.items())
    return name, doses


def collect(run_dirs) -> list[dict]:
    rows = []
    for run in run_dirs:
        arch = load(pathlib.Path(run) / "run.h5")
        name, doses = intervention_label(arch.config)
        row = {"intervention": name, "doses": doses}
        row.update({k: float(arch["metrics"][k]) for k in COLUMNS})
        rows.append(row)
    base = next((r for r in rows if r["intervention"] == "none"), None)
    if base is None:
        raise ValueError("ablation: no baseline run (intervention=none) among the runs")
    for r in rows:
        for k in ("total_yield_g", "n_mer", "peak_flow_g_per_s", "removed_fraction"):
            r[f"{k}_change_pct"] = 100.0 * (r[k] - base[k]) / base[k] if base[k] else float("nan")
    rows.sort(key=lambda r: (r["intervention"] != "none", r["intervention"]))
    return rows


def write_summary(rows, out_dir, config) -> dict:
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fields = list(rows[0])
    csv_path = out_dir / "summary.csv"
    tmp = csv_path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    tmp.replace(csv_path)

    def fill(f):
        root_attrs(f, "ablation", config)
        g = f.create_group("summary")
        for k in fields:
            values = [r[k] for r in rows]
            if isinstance(values[0], str):
                dataset(g, k, np.asarray(values, dtype=object), "1", ("run",), dtype_note="utf-8 text")
            else:
                unit = "%" if k.endswith("_pct") else COLUMNS.get(k, "1")
                dataset(g, k, np.asarray(values, dtype=float), unit, ("run",))

    h5_path = write_atomically(out_dir / "summary.h5", fill)
    png_path = plot_summary(rows, out_dir / "summary.png")
    return {"csv": csv_path, "h5": h5_path, "png": png_path}


def plot_summary(rows, path):
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r["intervention"] != "none"]
    rows.sort(key=lambda r: r["total_yield_g_change_pct"])
    names = [r["intervention"] for r in rows]
    change = [r["total_yield_g_change_pct"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.5))
    ax.barh(names, change, color=["tab:red" if c < 0 else "tab:green" for c in change])
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_xlabel("change in 15-min yield vs baseline (%)")
    ax.set_title("mer-ablate: intervention effects")
    return save_figure(fig, path)
