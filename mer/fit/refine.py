"""The fit finished on the breast `mer-simulate` builds: a few Levenberg-Marquardt steps at full
resolution from the coarse optimum.

The fit searches on a coarse breast (configs/fit.yaml: 200 agents in 18 lobules, 2 duct
generations), where a solve costs a sixth of the full breast's (2000 agents in 288 lobules, 6
generations). At the same values the two do not give the same flow: the shallow tree holds a third
of the full tree's duct volume and resistance (every Murray generation holds the same share), and
the gap-junction rings of 11 agents in 18 lobules average otherwise than rings of 7 in 288
(benchmarks/README.md, "The fit finished at full resolution"). So the coarse optimum is not the full
breast's: simulated at full resolution, its flow R^2 fell up to 0.036 below the fit's. From it,
`fit.refine_iterations` steps on the full breast (`fit.refine_agents`, `fit.refine_generations`:
mer-simulate's defaults) finish the fit; its values, curves, R^2 and intervals are then those of
the breast `result.session_config()` hands to `mer.simulate`, so the two agree by construction.
"""

from __future__ import annotations

import dataclasses

from mer.build import build
from mer.config.validate import ConfigError, validate
from mer.fit.polish import PolishResult, levenberg_marquardt
from mer.fit.problem import FitProblem
from mer.fit.result import model_config


def full_resolution(cfg: dict, fit_cfg: dict) -> dict:
    """`cfg` with the anatomy at the refining resolution."""
    anatomy = dict(cfg["anatomy"], n_alveoli=int(fit_cfg["refine_agents"]))
    anatomy["generations"] = int(fit_cfg["refine_generations"])
    return dict(cfg, anatomy=anatomy)


def check_refining(cfg: dict, fit_cfg: dict) -> None:
    """Refuse, before the fit starts, a breast to finish on that the model would refuse (fewer
    agents than lobules, too large for memory) with the fit settings that set it."""
    if int(fit_cfg["refine_iterations"]) == 0:
        return
    try:
        validate(model_config(full_resolution(cfg, fit_cfg)))
    except ConfigError as err:
        raise ConfigError(
            f"fit.refine_agents, fit.refine_generations: the breast the fit is finished on "
            f"({fit_cfg['refine_agents']} agents, {fit_cfg['refine_generations']} generations) is refused: {err}"
        ) from None


def refine(cfg: dict, problem: FitProblem, u, fit_cfg: dict, tolerance: float):
    """(configuration, problem, PolishResult or None): the fit's `problem` rebuilt on the full
    breast and polished there from `u`, its steps steered by the coarse breast's Jacobian;
    unchanged (None) when `fit.refine_iterations` is 0 or the fit already runs at that resolution."""
    steps = int(fit_cfg["refine_iterations"])
    full_cfg = full_resolution(cfg, fit_cfg)
    if steps == 0 or full_cfg["anatomy"] == cfg["anatomy"]:
        return cfg, problem, None
    mcfg = model_config(full_cfg)  # checked before the fit started (check_refining)
    # the data, pulse slots, bounds and start do not depend on the resolution: only the model does
    full = dataclasses.replace(problem, setup=build(mcfg))
    result: PolishResult = levenberg_marquardt(full, u, steps, tolerance, steer=problem)
    return full_cfg, full, result
