"""Agents in contiguous lobule blocks: per-lobule sums without scatters, and the gap-junction ring
as static partner indices.

`build_population` puts each lobule's agents in one block, in lobule order, and the first
N mod L lobules hold one agent more than the others. So the agents form two rectangular arrays,
(r, q + 1) and (L - r, q) with q, r = divmod(N, L), and a lobule's sum is a row sum: two reshapes
instead of a scatter-add of N values into L bins.

Values flow back to the agents, and between ring partners, as gathers with fixed (int32) indices:
XLA fuses a gather into the elementwise kernel that uses it, while the block forms of these
(broadcasts, wrapped slices) need concatenations that split the kernels. Measured on one
evaluation of the vector field with 10^5 agents (benchmarks/README.md, "Memory"): index
scatter-adds and a 4N edge list 2.6 ms (float32) and 5.0 ms (float64); block sums with gathers
1.4 ms and 4.0 ms; everything in block form 4.7 ms and 6.6 ms.
"""

from __future__ import annotations

import jax.numpy as jnp


def blocks(x, n_lobules: int):
    """The agents' values `x` (N,) as the (r, q + 1) and (L - r, q) lobule blocks."""
    q, r = divmod(x.shape[0], n_lobules)
    cut = r * (q + 1)
    return x[:cut].reshape(r, q + 1), x[cut:].reshape(n_lobules - r, q)


def lobule_sums(x, n_lobules: int):
    """(L,) sum over each lobule's agents."""
    big, small = blocks(x, n_lobules)
    return jnp.concatenate([big.sum(axis=1), small.sum(axis=1)])


def ring_coupling(activation, partners):
    """sum_j (a_j - a_i) over each agent's gap-junction partners. `partners` (P, N): row p holds
    every agent's p-th partner (the agent itself where its ring is too small to have one, which
    adds nothing), mer.alveoli.population.ring_partners."""
    return sum(activation[row] for row in partners) - partners.shape[0] * activation
