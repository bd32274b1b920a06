"""Dose-response and coupling sweeps: one simulation per point, one archive and one figure.

    python experiments/sweep.py --config-name=atosiban     # also nifedipine, mgso4, alcohol, cx43
    python experiments/sweep.py --config-name=alcohol 'overrides=[anatomy.n_alveoli=500]'

Each point is `mer.simulate` with the config's `intervention` and the point's overrides; all points
share one compiled solve. Writes sweep.h5 (archive kind `ablation`, group `sweep`) and sweep.png
(yield change against dose, and alveolar synchrony for the coupling sweep) in the run directory.
"""

from __future__ import annotations

import pathlib
import sys

import hydra
import numpy as np
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

import mer  # noqa: F401
from mer.archive.write import dataset, root_attrs, write_atomically
from mer.outputs.figure import save_figure
from mer.outputs.metrics import contraction_response_mmHg_s
from mer.progress import bar
from mer.simulate import simulate


def point_overrides(cfg, k):
    return [f"{field}={values[k]}" for field, values in cfg["fields"].items()]


def run_sweep(cfg):
    n = len(cfg["x"])
    bad = [f for f, v in cfg["fields"].items() if len(v) != n]
    if bad:
        raise ValueError(f"fields.{bad[0]}: expected {n} values (one per x), got {len(cfg['fields'][bad[0]])}")
    base = simulate(list(cfg["overrides"]))
    base.metrics["contraction_mmHg_s"] = contraction(base)
    rows = []
    for k in bar(range(n), desc=f"sweep {cfg['intervention']}", unit="point"):  # with an ETA (mer/progress.py)
        r = simulate([f"intervention={cfg['intervention']}", *point_overrides(cfg, k), *cfg["overrides"]])
        rows.append(
            {
                "x": cfg["x"][k],
                **{
                    m: float(r.metrics[m])
                    for m in ("total_yield_g", "n_mer", "peak_flow_g_per_s", "alveolar_synchrony", "removed_fraction")
                },
                "contraction_mmHg_s": contraction(r),
            }
        )
    return base, rows


def contraction(result):
    """The ejection response as a catheter scores it (Cobo 1973): integrated contraction pressure."""
    return contraction_response_mmHg_s(result.time, result.timeseries["contraction_pressure"])


def changes(base, rows, key):
    return [100.0 * (r[key] / base.metrics[key] - 1) for r in rows]


def write(cfg, base, rows, out_dir):
    def fill(f):
        root_attrs(f, "ablation", cfg)
        g = f.create_group("sweep")
        x = ("x",)  # the swept dose is the coordinate
        dataset(
            g, "x", np.asarray([r["x"] for r in rows], float), cfg["x_unit"], x, cfg["x_label"], label=cfg["x_label"]
        )
        units = {
            "total_yield_g": "g",
            "n_mer": "1",
            "peak_flow_g_per_s": "g/s",
            "alveolar_synchrony": "1",
            "removed_fraction": "1",
            "contraction_mmHg_s": "mmHg s",
        }
        for k, u in units.items():
            dataset(g, k, np.asarray([r[k] for r in rows], float), u, x)
        dataset(g, "yield_change_pct", np.asarray(changes(base, rows, "total_yield_g")), "%", x)
        dataset(g, "contraction_change_pct", np.asarray(changes(base, rows, "contraction_mmHg_s")), "%", x)
        dataset(g, "baseline_yield_g", base.metrics["total_yield_g"], "g")

    path = write_atomically(out_dir / "sweep.h5", fill)
    plot(cfg, base, rows, out_dir / "sweep.png")
    return path


def plot(cfg, base, rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.asarray([r["x"] for r in rows], float)
    change = changes(base, rows, "total_yield_g")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(x, change, "o-", color="tab:blue", label="15-min yield")
    ax.plot(x, changes(base, rows, "contraction_mmHg_s"), "^-", color="tab:green", label="contraction response")
    ax.set_xlabel(f"{cfg['x_label']} ({cfg['x_unit']})")
    ax.set_ylabel("change vs baseline (%)")
    if cfg.get("log_x"):
        ax.set_xscale("symlog", linthresh=float(min(v for v in x if v > 0)))
    if cfg.get("show_synchrony"):
        ax2 = ax.twinx()
        ax2.plot(x, [r["alveolar_synchrony"] for r in rows], "s--", color="tab:orange", label="alveolar synchrony")
        ax2.set_ylabel("alveolar synchrony (peak)")
        ax2.set_ylim(0, 1.05)
        ax2.legend(loc="lower right")
    ax.legend(loc="upper left" if change[-1] < change[0] else "lower left")
    ax.set_title(cfg["title"])
    save_figure(fig, path)


@hydra.main(config_path="conf", config_name="atosiban", version_base=None)
def main(dcfg: DictConfig) -> None:
    cfg = OmegaConf.to_container(dcfg, resolve=True)
    out_dir = pathlib.Path(HydraConfig.get().runtime.output_dir)
    try:
        base, rows = run_sweep(cfg)
    except ValueError as err:
        print(f"sweep: {err}", file=sys.stderr)
        sys.exit(2)
    path = write(cfg, base, rows, out_dir)
    print(f"{cfg['x_label']:>24} {'yield g':>8} {'change %':>9} {'contraction %':>14} {'n_mer':>6} {'synchrony':>9}")
    for r, ch, cc in zip(rows, changes(base, rows, "total_yield_g"), changes(base, rows, "contraction_mmHg_s")):
        print(
            f"{r['x']:>24.3g} {r['total_yield_g']:>8.1f} {ch:>9.1f} {cc:>14.1f} {r['n_mer']:>6.0f}"
            f" {r['alveolar_synchrony']:>9.2f}"
        )
    print(f"archive {path}")


if __name__ == "__main__":
    main()
