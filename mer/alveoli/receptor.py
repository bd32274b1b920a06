"""OT receptor occupancy of each alveolus agent.

theta = C^n / (C^n + EC50^n). Fuller alveoli are more sensitive: EC50 falls exponentially with
fullness (Marasco 2022 deck: "fuller alveoli respond faster"; size of the effect unchecked).
Receptor density varies between lobules and, less, between the agents of one lobule
(log-normal scales); since gap junctions make a lobule respond as one, the lobule spread sets how
graded the breast's response to the size of an OT pulse is. Atosiban shifts EC50 competitively,
EC50 (1 + A_free / Ki) (Phaneuf 1994). The in-vivo effective EC50 is far below the in-vitro
1-9 nM (prior 10-100 pM, docs/literature.md).

Receptors desensitise under sustained OT: the signal that drives Ca2+ release is the occupancy
above a desensitised fraction that follows occupancy with time constant tau_des. How fast is the
mechanism's choice (configs/mechanism/): 60 s in `desensitisation`, so each rise of plasma OT gives
one transient signal even while OT stays raised; hours in `store` and `threshold`, as measured in
myometrium (Phaneuf 1998; Balki 2013), where the signal follows OT.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from mer.alveoli.hill import hill_of_logs, log_floor


def log_ec50(fullness, z_sensitivity, z_lobule, antagonist_nM, a):
    """log of each agent's EC50 [log pM]: arithmetic per agent (the log of a product)."""
    return (
        jnp.log(a.ec50_pM)
        - a.fullness_sensitivity * (fullness - 0.5)
        + a.sensitivity_sd * z_sensitivity
        + a.lobule_sensitivity_sd * z_lobule
        + jnp.log1p(antagonist_nM / a.antagonist_ki_nM)
    )


def ec50_pM(fullness, z_sensitivity, z_lobule, antagonist_nM, a):
    return jnp.exp(log_ec50(fullness, z_sensitivity, z_lobule, antagonist_nM, a))


def occupancy(conc_pM, log_ec50_pM, n_hill):
    """C^n / (C^n + EC50^n) from log EC50 (one exp per agent; mer/alveoli/hill.py)."""
    return hill_of_logs(log_floor(conc_pM), log_ec50_pM, n_hill)


def receptor_signal(theta, desensitised, width=0.01):
    """Occupancy above the desensitised level (smooth rectification of width `width`)."""
    return width * jax.nn.softplus((theta - desensitised) / width)
