"""How the timing of ejections varies within and between mothers.

Measured intervals between ejections vary within a session (about 40-200 s), while each mother
keeps her own pattern across repeated sessions (Prime et al. 2011 Breastfeed Med 6:183). The
cohort's first mothers are solved again in the control condition with other session seeds
(the same mother, a new fluctuation of her afferent drive; mer/neuro/fluctuation.py), and the
coefficients of variation of the intervals are reported:
- within mothers: the CV of one mother's intervals pooled over her sessions, averaged over mothers;
- between mothers: the CV of the mothers' mean intervals;
- the share of the variance of the interval that lies between mothers (intraclass correlation,
  one-way random-effects estimate; 0 when mothers do not differ).
"""

from __future__ import annotations

import numpy as np


def interval_variation(onsets: list[list[np.ndarray]]) -> dict[str, float]:
    """`onsets[m][s]`: mother m's ejection onsets [s] in her session s."""
    pooled = [np.concatenate([np.diff(o) for o in sessions]) for sessions in onsets]
    pooled = [x for x in pooled if x.size >= 2]
    if len(pooled) < 2:
        return {"mothers": float(len(pooled)), "within_cv": np.nan, "between_cv": np.nan, "between_share": np.nan}
    means = np.array([x.mean() for x in pooled])
    within_var = np.mean([x.var(ddof=1) for x in pooled])
    sizes = np.array([x.size for x in pooled])
    n0 = (sizes.sum() - (sizes**2).sum() / sizes.sum()) / (len(pooled) - 1)  # ANOVA's mean group size
    between_var = max(means.var(ddof=1) - within_var / n0, 0.0)
    return {
        "mothers": float(len(pooled)),
        "intervals": float(sizes.sum()),
        "mean_interval_s": float(np.mean(np.concatenate(pooled))),
        "within_cv": float(np.mean([x.std(ddof=1) / x.mean() for x in pooled])),
        "between_cv": float(means.std(ddof=1) / means.mean()),
        "between_share": float(between_var / (between_var + within_var)),
    }
