"""Interventions map a parameter set to a changed one; each mechanism and source is in its
config's comment under configs/intervention/ and in the function's docstring."""

from mer.interventions.registry import INTERVENTIONS, apply_intervention

__all__ = ["INTERVENTIONS", "apply_intervention"]
