"""`mer-report ARCHIVE.h5 [...]`: summarise any mer archive (simulation, fit, ablation or sweep,
validation), with `--html` as one self-contained page (figures embedded) beside it.

Simulation: metrics and mass balance, and `<run>_tree.png` (the duct tree in frontal projection,
coloured by duct pressure, or flow with `--color flow`, at the peak of the first ejection). Fit:
R^2 and ejection counts per session, every fitted parameter with its interval, the diagnosis.
Ablation: yield change per intervention (sweeps: the dose-response). Validation: the summary line
and the target table.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

import numpy as np

from mer.archive import load
from mer.archive.read import ArchiveError
from mer.cli.guard import write_text


def tree_group(arch) -> str:
    """Where the duct tree is: `tree` (one breast) or the left breast's (`breasts=2`)."""
    return "tree" if "tree" in arch.groups or "breasts/left/tree" not in arch.groups else "breasts/left/tree"


def first_peak_index(arch) -> int:
    """Index into tree/time of the flow peak within the first ejection (or of the overall peak)."""
    t, flow = arch["timeseries/time"], arch["timeseries/flow"]
    onsets = np.atleast_1d(arch["metrics/mer_onsets_s"])
    window = np.ones_like(t, dtype=bool)
    if onsets.size:
        stop = onsets[1] if onsets.size > 1 else t[-1]
        window = (t >= onsets[0]) & (t < stop)
    t_peak = t[window][np.argmax(flow[window])]
    return int(np.argmin(np.abs(arch[f"{tree_group(arch)}/time"] - t_peak)))


# what a simulation report reads; an archive without one of them was not written by mer-simulate
# (or was cut short by another tool)
SIMULATION_NEEDS = {
    "timeseries": ("time", "flow", "cumulative"),
    "metrics": ("mer_onsets_s",),
    "balance": ("initial_ml", "error_ml"),
    "tree": ("time", "start", "end", "radius", "flow", "pressure_in"),
}


def check_simulation(path, arch) -> None:
    """Name the first missing group or dataset, and flow that is not a number."""
    for group, names in SIMULATION_NEEDS.items():
        group = tree_group(arch) if group == "tree" else group
        if group not in arch.groups:
            raise ArchiveError(
                f"{path}: incomplete archive: no group {group!r} (a simulation archive holds "
                f"{', '.join(SIMULATION_NEEDS)})"
            )
        for name in names:
            if name not in arch.groups[group]:
                raise ArchiveError(f"{path}: incomplete archive: no dataset '{group}/{name}'")
    for key in ("timeseries/flow", "timeseries/cumulative"):
        bad = np.flatnonzero(~np.isfinite(np.asarray(arch[key], dtype=float)))
        if bad.size:
            t = arch["timeseries/time"][bad[0]]
            raise ArchiveError(
                f"{path}: dataset {key!r} has {bad.size} NaN or infinite values (first at t = {t:g} s); "
                "the run did not finish properly"
            )


def tree_picture(path: pathlib.Path, arch, color: str) -> pathlib.Path:
    """Draw `<run>_tree.png`: the duct tree at the peak of the first ejection.

    **Arguments:** `path` (the archive), `arch` (loaded), `color` (`pressure` or `flow`).

    **Returns:** the picture's path."""
    from mer.outputs.tree_plot import plot_tree

    k, g = first_peak_index(arch), tree_group(arch)
    if color == "flow":
        value, label = arch[f"{g}/flow"][k], "flow toward the nipple (mL/s)"
    else:
        value, label = arch[f"{g}/pressure_in"][k], "duct pressure (mmHg)"
    out = path.with_name(path.stem + "_tree.png")
    which = " (left breast)" if g != "tree" else ""
    title = f"{path.parent.name}: t = {arch[f'{g}/time'][k]:.0f} s (first ejection peak){which}"
    return plot_tree(arch[f"{g}/start"], arch[f"{g}/end"], arch[f"{g}/radius"][k], value, label, out, title)


def figures(path: pathlib.Path, arch, tree_png=None) -> list[tuple[str, str]]:
    """The HTML page's figures, drawn from the archive (a validation's: the PNGs beside it).

    **Arguments:** `path` (the archive), `arch` (loaded), `tree_png` (a simulation's tree picture).

    **Returns:** [(caption, base64 PNG)]."""
    import base64

    import matplotlib.pyplot as plt

    from mer.outputs.report import png_base64

    kind, out = arch.attrs["kind"], []
    if kind == "simulation":
        t = arch["timeseries/time"] / 60.0
        fig, (a, b) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
        a.plot(t, arch["timeseries/flow"], color="tab:blue")
        for onset in np.atleast_1d(arch["metrics/mer_onsets_s"]):
            a.axvline(onset / 60.0, color="tab:red", lw=0.8, ls="--")
        a.set_ylabel("milk flow (g/s)")
        b.plot(t, arch["timeseries/cumulative"], color="tab:green")
        b.set_ylabel("cumulative yield (g)")
        b.set_xlabel("time (min)")
        out.append(("Milk flow and cumulative yield; dashed lines: ejection onsets", png_base64(fig)))
        if tree_png is not None:
            out.append(
                ("Duct tree at the peak of the first ejection", base64.b64encode(tree_png.read_bytes()).decode())
            )
    elif kind == "fit":
        fit = arch["fit"]
        n = np.atleast_2d(fit["observed_cumulative"]).shape[0]
        fig, axes = plt.subplots(n, 1, figsize=(8, 2.8 * n), squeeze=False)
        for s, ax in enumerate(axes[:, 0]):
            inside = np.atleast_2d(fit["inside"])[s] > 0
            t = fit["time"][inside] / 60.0
            ax.plot(t, np.atleast_2d(fit["observed_cumulative"])[s][inside], "k.", ms=2, label="observed")
            ax.plot(t, np.atleast_2d(fit["predicted_cumulative"])[s][inside], color="tab:blue", label="fitted")
            ax.set_ylabel("cumulative (g)")
            ax.set_title(f"session {np.atleast_1d(fit['session_id'])[s]!s}", fontsize=9)
            ax.legend(loc="lower right")
        axes[-1, 0].set_xlabel("time (min)")
        out.append(("Observed and fitted cumulative yield", png_base64(fig)))
    elif kind == "ablation" and "sweep" in arch.groups:
        sw = arch["sweep"]
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(sw["x"], sw["yield_change_pct"], "o-")
        ax.axhline(0.0, color="black", lw=0.8)
        ax.set_xlabel(f"x ({arch.units.get('sweep/x') or '1'})")
        ax.set_ylabel("yield change vs baseline (%)")
        out.append(("Dose-response: yield change against dose", png_base64(fig)))
    elif kind == "ablation":
        from mer.ablation import plot_summary

        rows = [
            {"intervention": str(n), "total_yield_g_change_pct": float(c)}
            for n, c in zip(arch["summary/intervention"], arch["summary/total_yield_g_change_pct"])
        ]
        with tempfile.TemporaryDirectory() as tmp:
            picture = plot_summary(rows, pathlib.Path(tmp) / "summary.png")
            out.append(("Yield change per intervention", base64.b64encode(picture.read_bytes()).decode()))
    else:  # validation: the figures mer-validate drew beside the archive
        for name in ("cohort.png", "sessions.png", "ducts.png"):
            if (path.parent / name).is_file():
                out.append((name, base64.b64encode((path.parent / name).read_bytes()).decode()))
    return out


def report(path: pathlib.Path, color: str, html: bool = False) -> str:
    """Report on one archive of any kind.

    **Arguments:**
    - `path`: the archive.
    - `color`: the tree picture's colour for a simulation, `pressure` or `flow`.
    - `html`: also write `<stem>_report.html` beside the archive (one self-contained page).

    **Returns:** the text report. A simulation's `<run>_tree.png` is written beside the archive.
    Raises ArchiveError naming the file and the missing or damaged part."""
    from mer.outputs.report import SECTIONS, page, text

    arch = load(path)
    missing = [k for k in ("kind", "mer_version", "created") if k not in arch.attrs]
    if missing:
        raise ArchiveError(f"{path}: incomplete archive: no root attribute {missing[0]!r}")
    kind = arch.attrs["kind"]
    lines = [f"{path}: {kind}, mer {arch.attrs['mer_version']}, created {arch.attrs['created']}"]
    if kind not in SECTIONS:
        return "\n".join(lines + [f"  groups: {', '.join(sorted(arch.groups))}"])
    if kind == "simulation":
        check_simulation(path, arch)
    try:
        sections = SECTIONS[kind](arch)
    except KeyError as err:  # a group or dataset the report reads is missing
        raise ArchiveError(f"{path}: incomplete {kind} archive: no {err}") from None
    lines.append(text(sections))
    tree_png = None
    if kind == "simulation":
        tree_png = tree_picture(path, arch, color)
        lines.append(f"  tree picture           {tree_png}")
    if html:
        out = path.with_name(path.stem + "_report.html")
        write_text(out, page(arch, sections, figures(path, arch, tree_png)))
        lines.append(f"  html report            {out}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="mer-report",
        description=__doc__.split("\n\n")[0].replace("\n", " "),
        epilog="examples:\n  mer-report outputs/2026-11-26/04-40-12/run.h5\n"
        "  mer-report --html outputs/fit/*/*/fit.h5          # a page a clinician can open\n"
        "  mer-report outputs/ablate/*/*/summary.h5 outputs/validate/*/*/validation.h5",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "archives", nargs="+", type=pathlib.Path, help="run.h5, fit.h5, summary.h5, sweep.h5 or validation.h5"
    )
    parser.add_argument("--color", choices=["pressure", "flow"], default="pressure", help="colour of the tree picture")
    parser.add_argument("--html", action="store_true", help="also write <archive>_report.html (figures embedded)")
    args = parser.parse_args(argv)
    status = 0
    for path in args.archives:
        try:
            print(report(path, args.color, args.html))
        except ArchiveError as err:
            print(f"mer-report: {err}", file=sys.stderr)
            status = 2
        except OSError as err:  # the picture or page beside the archive could not be written
            print(f"mer-report: {path}: could not write the report: {err.strerror or err}", file=sys.stderr)
            status = 3
    sys.exit(status)


if __name__ == "__main__":
    main()
