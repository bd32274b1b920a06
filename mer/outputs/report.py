"""What `mer-report` says about each kind of archive: titled tables of (label, value) rows and
figures, printed as text or written as one self-contained HTML page (figures embedded as PNG)."""

from __future__ import annotations

import base64
import dataclasses
import html
import io

import numpy as np

from mer.archive.summary import headline


@dataclasses.dataclass
class Section:
    title: str
    header: tuple = ()  # column names; empty: two-column (label, value) rows
    rows: list = dataclasses.field(default_factory=list)
    note: str = ""


def _fmt(value, digits=3) -> str:
    if isinstance(value, (str, bytes)):
        return value.decode() if isinstance(value, bytes) else value
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.{digits}g}"
    return ", ".join(f"{v:.{digits}g}" for v in a.ravel() if np.isfinite(v))


def _unit(arch, key) -> str:
    unit = arch.units.get(key) or ""
    return "" if unit == "1" else unit


def simulation_sections(arch) -> list[Section]:
    """**Arguments:** `arch`, a loaded simulation archive.

    **Returns:** the session metrics and the mass balance."""
    metrics = Section("Session metrics", ("metric", "value", "unit"))
    for k, v in arch["metrics"].items():
        metrics.rows.append((k, _fmt(v, 4), _unit(arch, f"metrics/{k}")))
    b = arch["balance"]
    balance = Section("Mass balance", ("term", "value", "unit"))
    balance.rows = [(k, _fmt(v, 6), "mL") for k, v in b.items()]
    balance.note = f"error {abs(b['error_ml']) / b['initial_ml'] * 100:.2e} % of the milk at the start"
    return [metrics, balance]


def fit_sections(arch) -> list[Section]:
    """**Arguments:** `arch`, a loaded fit archive.

    **Returns:** R^2 and ejection counts per session; each fitted parameter with its interval,
    initial value and whether the data pin it down; the diagnosis and the ranked interventions
    when the fit was diagnosed."""
    fit, m = arch["fit"], arch["metrics"]
    sessions = [_fmt(s) for s in np.atleast_1d(fit["session_id"])]
    quality = Section(
        "Fit quality per session", ("session", "R^2 cumulative", "R^2 flow", "ejections observed", "fitted")
    )
    for s, sid in enumerate(sessions):
        quality.rows.append(
            (
                sid,
                f"{m['r2_cumulative'][s]:.4f}",
                f"{m['r2_flow'][s]:.3f}",
                str(int(m["n_mer_observed"][s])),
                str(int(m["n_mer_predicted"][s])),
            )
        )
    params = Section("Fitted parameters", ("parameter", "fitted", "interval", "unit", "initial", "pinned down"))
    confidence = None
    for key, value in arch["fit/params"].items():
        meta = arch.meta.get(f"fit/params/{key}", {})
        confidence = meta.get("confidence", confidence)
        low, high = np.asarray(meta.get("ci_low", np.nan)), np.asarray(meta.get("ci_high", np.nan))
        interval = f"[{_fmt(low)}] to [{_fmt(high)}]" if np.ndim(value) else f"{float(low):.3g} to {float(high):.3g}"
        why = meta.get("not_identifiable") or ""
        params.rows.append(
            (
                key,
                _fmt(value),
                interval,
                _unit(arch, f"fit/params/{key}"),
                _fmt(meta.get("initial", np.nan)),
                why or "yes",
            )
        )
    if confidence is not None:
        params.note = f"{float(confidence) * 100:.0f} % intervals (Laplace approximation at the optimum)"
    sections = [quality, params]
    if "diagnosis" in arch.groups:
        d, attrs = arch["diagnosis"], arch.group_attrs.get("diagnosis", {})
        diag = Section("Diagnosis", ("what", "yield g"))
        diag.rows = [
            ("fitted", f"{d['fitted_yield_g']:.1f}"),
            ("with the population's OT release", f"{d['central_restored_yield_g']:.1f}"),
            ("with the population's breast", f"{d['peripheral_restored_yield_g']:.1f}"),
            ("with both", f"{d['population_yield_g']:.1f}"),
        ]
        diag.note = f"shortfall: {attrs.get('limiting', '?')}"
        ranked = Section(
            "Interventions ranked by predicted added yield", ("intervention", "added g", "yield g", "note")
        )
        for name, added, y, note in zip(
            d["intervention"], d["intervention_added"], d["intervention_yield"], d["intervention_note"]
        ):
            ranked.rows.append((_fmt(name), f"{added:+.1f}", f"{y:.1f}", _fmt(note)))
        sections += [diag, ranked]
    return sections


def ablation_sections(arch) -> list[Section]:
    """**Arguments:** `arch`, a loaded ablation summary or sweep.

    **Returns:** yield, change against the baseline, ejections and peak flow per intervention (a
    sweep: per dose)."""
    if "sweep" in arch.groups:
        s = arch["sweep"]
        sweep = Section("Dose-response", ("x", "yield g", "change %", "ejections", "peak flow g/s"))
        for k in range(np.size(s["x"])):
            sweep.rows.append(
                (
                    f"{s['x'][k]:g}",
                    f"{s['total_yield_g'][k]:.1f}",
                    f"{s['yield_change_pct'][k]:+.0f}",
                    f"{s['n_mer'][k]:.0f}",
                    f"{s['peak_flow_g_per_s'][k]:.2f}",
                )
            )
        sweep.note = f"x in {_unit(arch, 'sweep/x') or '1'}; baseline {float(s['baseline_yield_g']):.1f} g"
        return [sweep]
    s = arch["summary"]
    table = Section("Interventions", ("intervention", "yield g", "change %", "ejections", "first s", "peak g/s"))
    for k, name in enumerate(s["intervention"]):
        table.rows.append(
            (
                _fmt(name),
                f"{s['total_yield_g'][k]:.1f}",
                f"{s['total_yield_g_change_pct'][k]:+.1f}",
                f"{s['n_mer'][k]:.0f}",
                f"{s['time_to_first_mer_s'][k]:.0f}",
                f"{s['peak_flow_g_per_s'][k]:.2f}",
            )
        )
    return [table]


def validation_sections(arch) -> list[Section]:
    """**Arguments:** `arch`, a loaded validation archive.

    **Returns:** the summary line and one row per target: role, quantity, published and model
    values, verdict, source."""
    summary = Section("Summary", rows=[("verdicts", str(arch.attrs.get("summary", "")))])
    targets = Section("Targets", ("target", "role", "quantity", "published", "model", "verdict", "source"))
    for group, attrs in sorted(arch.group_attrs.items()):
        if group.startswith("targets/"):
            unit = "" if attrs.get("unit") in ("1", None) else attrs["unit"]
            targets.rows.append(
                (
                    group.removeprefix("targets/"),
                    _fmt(attrs.get("role", "")),
                    _fmt(attrs.get("quantity", "")),
                    f"{_fmt(attrs.get('published', ''))} {unit}".strip(),
                    f"{_fmt(attrs.get('model', np.nan))} {unit}".strip(),
                    _fmt(attrs.get("verdict", "")),
                    _fmt(attrs.get("source", "")),
                )
            )
    return [summary, targets]


SECTIONS = {
    "simulation": simulation_sections,
    "fit": fit_sections,
    "ablation": ablation_sections,
    "validation": validation_sections,
}


def text(sections) -> str:
    """**Arguments:** `sections`, from `SECTIONS[kind](arch)`.

    **Returns:** the sections as plain text, one indented block each."""
    lines = []
    for sec in sections:
        lines.append(f"  {sec.title}")
        if sec.header:
            widths = [max(len(str(r[i])) for r in [sec.header, *sec.rows]) for i in range(len(sec.header))]
            widths[-1] = 0  # the last column runs free (sources, notes)
            for row in [sec.header, *sec.rows]:
                lines.append("    " + "  ".join(f"{str(c):<{w}}" for c, w in zip(row, widths)).rstrip())
        else:
            lines += [f"    {label:<22} {value}" for label, value in sec.rows]
        if sec.note:
            lines.append(f"    ({sec.note})")
    return "\n".join(lines)


def png_base64(fig) -> str:
    """**Arguments:** `fig`, a matplotlib figure (closed here).

    **Returns:** the figure as base64 PNG, for a `data:` URI."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def page(arch, sections, figures) -> str:
    """One self-contained HTML page: no scripts, no external files; figures as data: URIs.

    **Arguments:**
    - `arch`: the loaded archive (`mer.archive.load`).
    - `sections`: from `SECTIONS[kind](arch)`.
    - `figures`: [(caption, base64 PNG)].

    **Returns:** the page's text."""
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(str(arch.path.name if arch.path else 'mer archive'))}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;"
        "text-align:left;vertical-align:top}th{background:#f2f2f2}img{max-width:100%}"
        ".note{color:#555}</style></head><body>",
        f"<h1>{e(str(arch.attrs.get('kind', '')).capitalize())} report</h1><p>{e(headline(arch))}</p>",
    ]
    for sec in sections:
        parts.append(f"<h2>{e(sec.title)}</h2><table>")
        if sec.header:
            parts.append("<tr>" + "".join(f"<th>{e(str(h))}</th>" for h in sec.header) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in sec.rows]
        parts.append("</table>")
        if sec.note:
            parts.append(f"<p class='note'>{e(sec.note)}</p>")
    for caption, data in figures:
        parts.append(f"<figure><img alt='{e(caption)}' src='data:image/png;base64,{data}'>")
        parts.append(f"<figcaption>{e(caption)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)
