"""validation.md: one table of every target, and the counts that say where the model stands.

A calibration target that passes is not evidence: the counts keep the two roles apart, and the
summary line quotes the validation targets on their own."""

from __future__ import annotations

import collections
import datetime

from mer.parameters import SPECS
from mer.validation.cohort import flatten_mother_spec
from mer.validation.targets import ROLES, SCALES


def _distance(v) -> str:
    if v.verdict != "fail":
        return ""
    return f"{v.distance:.2g}"


def counts(result) -> dict:
    """{role: {scale: Counter(verdict)}} and the role totals under scale 'all'."""
    out = {role: collections.defaultdict(collections.Counter) for role in ROLES}
    for t in result.targets:
        v = result.verdicts[t.id].verdict
        out[t.role][t.scale][v] += 1
        out[t.role]["all"][v] += 1
    return out


def summary_line(result) -> str:
    c = counts(result)
    val, cal = c["validation"]["all"], c["calibration"]["all"]
    return (
        f"validation targets: {val['pass']} pass, {val['fail']} fail, {val['not computed']} not computed "
        f"(of {sum(val.values())}); calibration targets (not evidence): {cal['pass']} pass, {cal['fail']} fail, "
        f"{cal['not computed']} not computed (of {sum(cal.values())})"
    )


def table(result, roles=ROLES) -> list[str]:
    rows = [
        "| target | scale | role | condition | published | model (n) | verdict | distance | source |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    order = sorted(result.targets, key=lambda t: (ROLES.index(t.role), SCALES.index(t.scale), t.id))
    for t in order:
        if t.role not in roles:
            continue
        v = result.verdicts[t.id]
        model = f"{v.model} ({v.n})" if v.n else "-"
        published = f"{t.published()} {t.unit if t.unit != '1' else ''}".strip()
        rows.append(
            f"| {t.quantity} (`{t.id}`) | {t.scale} | {t.role} | {t.condition} | {published} | {model} | "
            f"{v.verdict} | {_distance(v)} | {t.citation()}; {t.source.get('where', '')} |"
        )
    return rows


RESOLUTION_TOLERANCE = 0.02  # the coarse breast stands for mer-simulate's if cohort means agree within 2 %


def resolution_lines(result) -> list[str]:
    if not result.resolution:
        return ["The coarse breast was not checked against full resolution (`cohort.resolution_check=0`).", ""]
    c = result.config["cohort"]
    full = ", ".join(f"{k} {v}" for k, v in c["full_resolution"].items())
    rows = []
    worst = 0.0
    for metric, (coarse, fine) in result.resolution.items():
        change = abs(coarse - fine) / abs(fine) if fine else float("nan")
        worst = max(worst, change) if change == change else worst
        rows.append(f"| {metric} | {coarse:.4g} | {fine:.4g} | {100 * change:.1f} % |")
    verdict = "within" if worst <= RESOLUTION_TOLERANCE else "NOT within"
    return [
        f"**Resolution.** The cohort runs a coarse breast; the first {min(c['resolution_check'], c['n'])} control "
        f"mothers were solved again at full resolution ({full}). The largest change of a cohort mean is "
        f"{100 * worst:.1f} %, {verdict} the {100 * RESOLUTION_TOLERANCE:.0f} % this report accepts.",
        "",
        "| metric | coarse mean | full-resolution mean | change |",
        "|---|---|---|---|",
        *rows,
        "",
    ]


def timing_lines(result) -> list[str]:
    t = result.timing
    if not t or t.get("within_cv") != t.get("within_cv"):
        return ["**Timing.** Too few mothers with two or more intervals to compare their timing.", ""]
    return [
        f"**Timing.** {int(t['mothers'])} mothers, {int(t['sessions'])} sessions each (other session seeds: a new "
        f"fluctuation of the afferent drive), {int(t['intervals'])} intervals, mean {t['mean_interval_s']:.0f} s. "
        f"Coefficient of variation of the interval within a mother {t['within_cv']:.2f}, between the mothers' means "
        f"{t['between_cv']:.2f}; share of the interval's variance between mothers {t['between_share']:.2f} "
        "(Prime et al. 2011: intervals vary within a session, each mother keeps her own pattern).",
        "",
    ]


def sensitivity_lines(result) -> list[str]:
    """Which assumptions each target depends on (mer/validation/sensitivity.py), when measured."""
    s = result.sensitivity
    if s is None:
        return ["", "Which of them move which target: `mer-validate sensitivity.run=true` measures it."]
    lines = [
        "",
        "### Which assumptions each target depends on",
        "",
        f"Each assumption scaled by {s.factor:g} in turn (by {1 / s.factor:.3g} where the checks refuse that: the "
        f"factor used is shown), the first {s.n} mothers solved again; listed: a change of the target's statistic "
        f"of at least {s.threshold:g} of its published spread, in that unit, or a flipped verdict on these "
        f"{s.n} mothers (!; the whole cohort's verdict may not flip). Compared on the same mothers, those whose "
        "solves succeeded in both runs. One at a time: interactions are not seen.",
        "",
        "| target | depends on |",
        "|---|---|",
    ]
    for t in result.targets:
        found = s.depends_on(t.id)
        text = ", ".join(
            f"`{p.removeprefix('params.')}` x{s.values[p] / s.defaults[p]:.3g}: {c:+.2f}"
            + (" !" if t.id in s.flips[p] else "")
            for p, c in found
        )
        lines.append(f"| {t.id} | {text or ('none of them' if s.measured(t.id) else 'not measured')} |")
    if s.kept_by:
        kept = "; ".join(f"`{p}` in {', '.join(c)}" for p, c in s.kept_by.items())
        lines += ["", f"Conditions that set an assumption themselves keep their value: {kept}."]
    if any(s.dropped.values()):
        lost = "; ".join(f"`{p}` {k}" for p, k in s.dropped.items() if k)
        lines += [
            "",
            "Mother-values left out because they were undefined in one of the two runs (a failed solve, or "
            f"nothing to measure, e.g. no ejection to time): {lost}.",
        ]
    if s.skipped:
        lines += ["", "Not scaled: " + "; ".join(f"`{p}` ({why})" for p, why in s.skipped.items()) + "."]
    return lines


def markdown(result) -> str:
    cfg = result.config
    c = counts(result)
    lines = [
        f"# Validation report ({datetime.date.today().isoformat()})",
        "",
        f"Cohort: {cfg['cohort']['n']} mothers (seed {cfg['cohort']['seed']}) in the control condition, "
        f"{cfg['cohort']['condition_n']} in each other condition; breast of "
        f"{cfg['anatomy']['n_alveoli']} agents, {cfg['anatomy']['generations']} duct generations. "
        f"Wall time: {sum(result.wall_s.values()):.0f} s.",
        "",
        f"**{summary_line(result)}.**",
        "",
        "Verdicts compare the cohort's statistic with the published one (mer/validation/targets.py): a",
        "mean +/- sd passes when the cohort mean lies within it, a median with a range or iqr when the",
        "cohort median lies inside, a single value within 10 %. `distance` is how far outside, in",
        "published sds, range widths or the value. Calibration targets set a parameter and are no evidence.",
        "",
    ]
    lines += resolution_lines(result)
    lines += timing_lines(result)
    lines += ["## Counts", "", "| role | scale | pass | fail | not computed |", "|---|---|---|---|---|"]
    for role in ROLES:
        for scale in (*SCALES, "all"):
            k = c[role].get(scale)
            if k:
                lines.append(f"| {role} | {scale} | {k['pass']} | {k['fail']} | {k['not computed']} |")
    lines += ["", "## Targets", "", *table(result), "", "## Mother-level distributions", ""]
    lines += ["| field | law | source |", "|---|---|---|"]
    for field, p in sorted(flatten_mother_spec(cfg["cohort"]["mother"]).items()):
        law = ", ".join(f"{k} {p[k]}" for k in p if k not in ("law", "source"))
        lines.append(f"| `{field}` | {p['law']} ({law}) | {p['source']} |")
    lines += [
        "",
        "## Assumptions every target rests on",
        "",
        "Values no measurement pins down (status `assumption` in mer/parameters/); each verdict above",
        "holds under all of them.",
        "",
    ]
    lines += [f"- `{path}`: {spec.source}" for path, spec in SPECS.items() if spec.status == "assumption"]
    lines += sensitivity_lines(result)
    lines += ["", "## Conditions", "", "| condition | overrides | mothers | failed solves | wall (s) |"]
    lines.append("|---|---|---|---|---|")
    for name, v in result.values.items():
        n, failed, wall = v["yield_g"].shape[0], int(v["solve_failed"][0]), result.wall_s[name]
        overrides = " ".join(cfg["conditions"][name].get("overrides", [])) or "-"
        lines.append(f"| {name} | {overrides} | {n} | {failed} | {wall:.0f} |")
    return "\n".join(lines) + "\n"
