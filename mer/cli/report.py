"""`mer-report RUN.h5 [RUN.h5 ...]`: summarise archives and draw each run's duct tree.

For a simulation archive it prints the metrics and mass balance and writes `<run>_tree.png`: the
tree in frontal projection, coloured by duct pressure (or flow, `--color flow`) at the peak of the
first ejection.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np

from mer.archive import load
from mer.archive.read import ArchiveError


def first_peak_index(arch) -> int:
    """Index into tree/time of the flow peak within the first ejection (or of the overall peak)."""
    t, flow = arch["timeseries/time"], arch["timeseries/flow"]
    onsets = np.atleast_1d(arch["metrics/mer_onsets_s"])
    window = np.ones_like(t, dtype=bool)
    if onsets.size:
        stop = onsets[1] if onsets.size > 1 else t[-1]
        window = (t >= onsets[0]) & (t < stop)
    t_peak = t[window][np.argmax(flow[window])]
    return int(np.argmin(np.abs(arch["tree/time"] - t_peak)))


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


def report(path: pathlib.Path, color: str) -> str:
    from mer.outputs.tree_plot import plot_tree

    arch = load(path)
    missing = [k for k in ("kind", "mer_version", "created") if k not in arch.attrs]
    if missing:
        raise ArchiveError(f"{path}: incomplete archive: no root attribute {missing[0]!r}")
    lines = [f"{path}: {arch.attrs['kind']}, mer {arch.attrs['mer_version']}, created {arch.attrs['created']}"]
    if arch.attrs["kind"] != "simulation":
        return "\n".join(lines + [f"  groups: {', '.join(sorted(arch.groups))}"])
    check_simulation(path, arch)
    for k, v in arch["metrics"].items():
        lines.append(f"  {k:<22} {np.round(v, 3)} {arch.units.get(f'metrics/{k}') or ''}")
    b = arch["balance"]
    lines.append(f"  mass balance error     {b['error_ml']:.2e} mL of {b['initial_ml']:.1f} mL")
    k = first_peak_index(arch)
    if color == "flow":
        value, label = arch["tree/flow"][k], "flow toward the nipple (mL/s)"
    else:
        value, label = arch["tree/pressure_in"][k], "duct pressure (mmHg)"
    out = path.with_name(path.stem + "_tree.png")
    title = f"{path.parent.name}: t = {arch['tree/time'][k]:.0f} s (first ejection peak)"
    plot_tree(arch["tree/start"], arch["tree/end"], arch["tree/radius"][k], value, label, out, title)
    lines.append(f"  tree picture           {out}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="mer-report", description=__doc__.splitlines()[0])
    parser.add_argument("archives", nargs="+", type=pathlib.Path)
    parser.add_argument("--color", choices=["pressure", "flow"], default="pressure")
    args = parser.parse_args(argv)
    status = 0
    for path in args.archives:
        try:
            print(report(path, args.color))
        except ArchiveError as err:
            print(f"mer-report: {err}", file=sys.stderr)
            status = 2
        except OSError as err:  # the picture beside the archive could not be written
            print(f"mer-report: {path}: could not write the tree picture: {err.strerror or err}", file=sys.stderr)
            status = 3
    sys.exit(status)


if __name__ == "__main__":
    main()
