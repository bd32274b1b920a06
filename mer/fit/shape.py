"""One release-pulse width per pulse, fitted after the pulse count is chosen.

The fit's pulses share one width (the configured 8 s, or the mother's when fitted): how fast plasma
OT rises shapes every ejection alike. Balance recordings of one session hold ejections that rise
over 10 s and over 60 s, and fade as differently; one width cannot follow both, and the fit then
carried the slow ejections' tails by passive drainage between ejections that the data lack
(benchmarks/README.md). Fitting a width per pulse from the start gave the flow its shape but let
wide pulses stand for two ejections and the count search lose ejections; so the count is chosen
first, with the common width, and the widths are freed after it, the pulses held.
"""

from __future__ import annotations

import numpy as np

from mer.fit.counts import fitted_pulses, with_pulses
from mer.fit.polish import PolishResult, levenberg_marquardt
from mer.fit.width import width_indices


def shape_widths(problem, u, fit_cfg, tolerance):
    """(problem, PolishResult or None): the chosen fit with one pulse width per pulse fitted as
    well (bounds `fit.shape_width_min_s`-`fit.shape_width_max_s`), `fit.shape_iterations`
    Levenberg-Marquardt steps from `u`, the pulses and their count held as the count search chose
    them. Every width starts at the pulses' common width, where the model is the chosen fit's, so
    the steps can only lower its loss. Unchanged (None) with no steps, without pulses, or when the
    width is fitted already (fit.parameters.neuro.widths_s)."""
    steps = int(fit_cfg.get("shape_iterations", 0))
    if steps == 0 or not problem.pulsed or width_indices(problem).size:
        return problem, None
    lo, hi = float(fit_cfg["shape_width_min_s"]), float(fit_cfg["shape_width_max_s"])
    start = float(np.clip(np.ravel(problem.setup.params.neuro.widths_s)[0], lo, hi))
    widths = {"lower": lo, "upper": hi, "scale": "log", "per_session": True, "start": start}
    parameters = dict(fit_cfg["parameters"])
    parameters["neuro"] = dict(parameters.get("neuro") or {}, widths_s=widths)
    chosen = fitted_pulses(problem, u)
    # as many slots as the most pulses a session kept: the count search's spare slot would cost a
    # Jacobian column per pulse parameter at every step (the layout is new here, compiled anyway)
    slots = max(c.size for c, _ in chosen)
    shaped, u_start = with_pulses(problem, dict(fit_cfg, parameters=parameters), u, chosen, slots)
    result: PolishResult = levenberg_marquardt(shaped, u_start, steps, tolerance)
    return shaped, result
