"""`mer-fit-collect DIR`: gather every fit under DIR (fit.h5, e.g. the job folders of
`mer-fit -m data.path=a.csv,b.csv`) into one table, DIR/cohort.csv, and one archive, DIR/cohort.h5.

One row per session: the mother's folder and data file, the session, R^2 of the cumulative and flow
curves, ejections found in the data, pulses fitted, the fit's loss, the values that ended at a
bound, and each of the mother's fitted values with its interval (value, low, high). The archive
holds the same columns as datasets (dimension `row`), the parameters with units.
"""

from __future__ import annotations

import argparse
import csv
import pathlib
import sys

import h5py
import numpy as np
import yaml

from mer.archive.write import dataset, write_atomically


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def read_fit(path: pathlib.Path) -> list[dict]:
    """The rows (one per session) of one fit archive."""
    with h5py.File(path, "r") as f:
        if _text(f.attrs.get("kind", "")) != "fit":
            return []
        config = yaml.safe_load(_text(f["config"][()]))
        g, m = f["fit"], f["metrics"]
        sessions = [_text(s) for s in g["session_id"][()]]
        shared = {}
        for key, ds in g["params"].items():
            if not ds.attrs.get("per_session", False) and np.ndim(ds[()]) == 0:
                shared[key] = (
                    float(ds[()]),
                    float(ds.attrs["ci_low"]),
                    float(ds.attrs["ci_high"]),
                    _text(ds.attrs["unit"]),
                )
        pulses = m["n_pulses"][()] if "n_pulses" in m else np.full(len(sessions), -1)
        rows = []
        for s, sid in enumerate(sessions):
            row = {
                "fit": str(path.parent),
                "data": str((config.get("data") or {}).get("path", "")),
                "session": sid,
                "r2_cumulative": float(m["r2_cumulative"][s]),
                "r2_flow": float(m["r2_flow"][s]),
                "ejections_found": int(m["n_mer_observed"][s]),
                "pulses_fitted": int(pulses[s]),
                "loss": float(g.attrs["loss"]),
                "at_bounds": _text(g.attrs.get("at_bounds", "")),
            }
            for key, (value, low, high, unit) in shared.items():
                row[key], row[f"{key}_low"], row[f"{key}_high"] = value, low, high
                row[f"_unit_{key}"] = unit
            rows.append(row)
    return rows


def collect(folder) -> tuple[pathlib.Path, pathlib.Path, int]:
    """Write folder/cohort.csv and folder/cohort.h5 from every fit.h5 below `folder`.
    Returns (csv, archive, number of fits)."""
    folder = pathlib.Path(folder)
    paths = sorted(folder.rglob("fit.h5"))
    rows = [row for path in paths for row in read_fit(path)]
    if not rows:
        raise SystemExit(f"mer-fit-collect: no fit archive (fit.h5) under {folder}")
    units = {k[len("_unit_") :]: v for row in rows for k, v in row.items() if k.startswith("_unit_")}
    columns = [k for k in rows[0] if not k.startswith("_unit_")]
    columns += [k for row in rows for k in row if k not in columns and not k.startswith("_unit_")]
    table = folder / "cohort.csv"
    with open(table, "w", newline="") as out:
        writer = csv.DictWriter(out, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)

    def fill(f):
        f.attrs["kind"] = "fit_cohort"
        f.attrs["fits"] = len(paths)
        for col in columns:
            values = [row.get(col, np.nan) for row in rows]
            base = col.removesuffix("_low").removesuffix("_high")
            if isinstance(values[0], str):
                dataset(f, col, np.asarray(values, dtype="S"), "1", ("row",))
            else:
                dataset(f, col, np.asarray(values, dtype=float), units.get(base, "1"), ("row",))

    archive = write_atomically(folder / "cohort.h5", fill)
    return table, archive, len(paths)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="mer-fit-collect",
        description="Gather the fits (fit.h5) under a folder into cohort.csv and cohort.h5 "
        "(one row per session: R^2, counts, the mother's values with intervals).",
        epilog="example: mer-fit -m data.path=a.csv,b.csv hydra.sweep.dir=multirun/cohort; "
        "mer-fit-collect multirun/cohort",
    )
    parser.add_argument("folder", help="folder holding fit.h5 files (searched recursively)")
    args = parser.parse_args(argv)
    if not pathlib.Path(args.folder).is_dir():
        print(f"mer-fit-collect: {args.folder}: no such folder", file=sys.stderr)
        raise SystemExit(2)
    table, archive, n = collect(args.folder)
    print(f"{n} fit(s) -> {table}, {archive}")


if __name__ == "__main__":
    main()
