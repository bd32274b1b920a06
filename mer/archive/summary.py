"""What an archive holds, in a few lines: `repr(load(path))` and the notebook view."""

from __future__ import annotations

import html

import numpy as np


def _shape(value) -> str:
    return "x".join(map(str, np.shape(value))) if np.ndim(value) else "scalar"


def headline(arch) -> str:
    """**Arguments:** `arch`, a loaded `Archive`.

    **Returns:** one line: file, kind, mer version and commit, creation time."""
    a = arch.attrs
    where = f"{arch.path}: " if arch.path else ""
    commit = str(a.get("git_commit", "unknown"))[:10]
    return f"{where}{a.get('kind')} archive, mer {a.get('mer_version')} ({commit}), created {a.get('created')}"


def key_numbers(arch) -> list[tuple[str, str]]:
    """The few numbers that say what a run gave.

    **Arguments:** `arch`, a loaded `Archive` of any kind.

    **Returns:** [(name, value with its unit)]: yield and ejections for a simulation, R^2 for a
    fit, the number of runs or points for an ablation or sweep, the summary line of a validation."""
    kind, rows = arch.attrs.get("kind"), []
    if kind == "simulation" and "metrics" in arch.groups:
        for name in ("total_yield_g", "n_mer", "time_to_first_mer_s", "peak_flow_g_per_s", "removed_fraction"):
            if name in arch.groups["metrics"]:
                unit = arch.units.get(f"metrics/{name}") or ""
                rows.append((name, f"{np.round(arch['metrics'][name], 3)} {'' if unit == '1' else unit}".strip()))
    elif kind == "fit" and "metrics" in arch.groups:
        m = arch.groups["metrics"]
        rows.append(("sessions", str(np.size(m.get("r2_cumulative", [])))))
        for name in ("r2_cumulative", "r2_flow"):
            if name in m:
                rows.append((name, ", ".join(f"{v:.3f}" for v in np.atleast_1d(m[name]))))
    elif kind == "ablation" and "summary" in arch.groups:
        rows.append(("runs", str(len(arch["summary"]["intervention"]))))
    elif kind == "ablation" and "sweep" in arch.groups:
        rows.append(("points", str(np.size(arch["sweep"]["x"]))))
    elif kind == "validation":
        rows.append(("summary", str(arch.attrs.get("summary", ""))))
    return rows


def text(arch) -> str:
    """`repr(archive)`.

    **Arguments:** `arch`, a loaded `Archive`.

    **Returns:** a dozen lines: the headline, the key numbers, the groups with their dataset counts."""
    lines = [f"<mer.Archive {headline(arch)}>"]
    lines += [f"  {name:<22} {value}" for name, value in key_numbers(arch)]
    top = sorted({g.split("/")[0] for g in arch.groups})
    counts = {t: sum(len(v) for g, v in arch.groups.items() if g.split("/")[0] == t) for t in top}
    lines.append("  groups: " + ", ".join(f"{t} ({counts[t]})" for t in top))
    return "\n".join(lines)


def html_table(arch) -> str:
    """The notebook view of an archive (`archive._repr_html_()`).

    **Arguments:** `arch`, a loaded `Archive`.

    **Returns:** HTML: the headline and key numbers, and (folded) each group's datasets with their
    shapes and units."""
    rows = "".join(f"<tr><td>{html.escape(n)}</td><td>{html.escape(v)}</td></tr>" for n, v in key_numbers(arch))
    groups = "".join(
        f"<tr><td>{html.escape(g)}</td><td>"
        + ", ".join(
            f"{html.escape(k)} ({_shape(v)}, {html.escape(str(arch.units.get(f'{g}/{k}')))})" for k, v in d.items()
        )
        + "</td></tr>"
        for g, d in sorted(arch.groups.items())
    )
    return (
        f"<div><strong>{html.escape(headline(arch))}</strong>"
        f"<table>{rows}</table><details><summary>groups</summary><table>{groups}</table></details></div>"
    )
