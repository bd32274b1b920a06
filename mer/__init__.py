"""mer: a differentiable, multiscale model of the human milk ejection reflex."""

import jax

jax.config.update("jax_enable_x64", True)  # fitting and reference comparisons need float64

__version__ = "0.1.0"
