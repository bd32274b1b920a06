"""Compare two archives dataset by dataset: the largest relative difference of each numeric dataset,
and the datasets only one of them has. For checking that a change of the code leaves results as
they were (within solver tolerance); never run in the test suite.

    python benchmarks/compare_archives.py before/run.h5 after/run.h5
"""

from __future__ import annotations

import sys

import h5py
import numpy as np

TIMINGS = ("solve_wall_s", "fit_wall_s")  # wall times differ between any two runs


def differences(before: h5py.File, after: h5py.File) -> tuple[list, list]:
    """([(largest relative difference, name)], [names in only one file]), worst first."""
    rows, missing = [], []

    def visit(name, node):
        if not isinstance(node, h5py.Dataset):
            return
        if name not in after:
            missing.append(f"only in the first: {name}")
            return
        x, y = np.asarray(node[()]), np.asarray(after[name][()])
        if x.dtype.kind not in "fiu" or name.endswith(TIMINGS):
            return
        if x.shape != y.shape:
            missing.append(f"shapes differ: {name} {x.shape} {y.shape}")
            return
        x, y = x.astype(float), y.astype(float)
        both = np.isfinite(x) & np.isfinite(y)
        if np.any(np.isfinite(x) != np.isfinite(y)):
            rows.append((np.inf, name))
        elif both.any():
            scale = np.maximum(np.abs(x[both]), np.abs(y[both]))
            rows.append((float(np.max(np.abs(x[both] - y[both]) / np.where(scale > 0, scale, 1.0))), name))

    before.visititems(visit)
    after.visititems(
        lambda name, node: (
            isinstance(node, h5py.Dataset) and name not in before and missing.append(f"only in the second: {name}")
        )
    )
    return sorted(rows, reverse=True), missing


def main(argv):
    with h5py.File(argv[0]) as before, h5py.File(argv[1]) as after:
        rows, missing = differences(before, after)
    print(f"{len(rows)} numeric datasets compared; largest relative differences:")
    for diff, name in rows[:10]:
        print(f"  {diff:.3g}  {name}")
    for line in missing:
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
