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


def report(path: pathlib.Path, color: str) -> str:
    from mer.outputs.tree_plot import plot_tree

    arch = load(path)
    lines = [f"{path}: {arch.attrs['kind']}, mer {arch.attrs['mer_version']}, created {arch.attrs['created']}"]
    if arch.attrs["kind"] != "simulation":
        return "\n".join(lines + [f"  groups: {', '.join(sorted(arch.groups))}"])
    for k, v in arch["metrics"].items():
        lines.append(f"  {k:<22} {np.round(v, 3)} {arch.units[f'metrics/{k}']}")
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
    sys.exit(status)


if __name__ == "__main__":
    main()
