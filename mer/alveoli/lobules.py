"""Agents in contiguous lobule blocks: per-lobule sums, per-agent values and ring neighbours
without scatters or index arrays.

`build_population` puts each lobule's agents in one block, in lobule order, and the first
N mod L lobules hold one agent more than the others. So the agents form two rectangular arrays,
(r, q + 1) and (L - r, q) with q, r = divmod(N, L): a lobule's sum is a row sum, a lobule's value
reaches its agents by broadcasting, and the ring that couples a lobule's agents (gap junctions to
`neighbours` agents on each side) is a set of static column offsets. Every access is contiguous,
which is what the memory system streams fastest, and nothing of size N but the states is kept.
"""

from __future__ import annotations

import jax.numpy as jnp


def _split(n_agents: int, n_lobules: int):
    q, r = divmod(n_agents, n_lobules)
    return q, r, r * (q + 1)


def blocks(x, n_lobules: int):
    """The agents' values `x` (N,) as the (r, q + 1) and (L - r, q) lobule blocks."""
    q, r, cut = _split(x.shape[0], n_lobules)
    return x[:cut].reshape(r, q + 1), x[cut:].reshape(n_lobules - r, q)


def lobule_sums(x, n_lobules: int):
    """(L,) sum over each lobule's agents."""
    big, small = blocks(x, n_lobules)
    return jnp.concatenate([big.sum(axis=1), small.sum(axis=1)])


def to_agents(v, n_agents: int):
    """(N,) each agent's lobule's value from the per-lobule values `v` (L,)."""
    q, r, _ = _split(n_agents, v.shape[0])
    return jnp.concatenate(
        [jnp.broadcast_to(v[:r, None], (r, q + 1)).ravel(), jnp.broadcast_to(v[r:, None], (v.shape[0] - r, q)).ravel()]
    )


def _ring_sum(block, neighbours: int):
    """sum over ring offsets o = +-1..+-neighbours of (x[(pos + o) mod m] - x[pos]) along each row of
    m agents; an offset o needs m > 2 o (distinct neighbours), as the edge list had it."""
    m = block.shape[1]
    offsets = [o for o in range(1, neighbours + 1) if m > 2 * o]
    if not offsets:
        return jnp.zeros_like(block)
    k = offsets[-1]
    wrapped = jnp.concatenate([block[:, m - k :], block, block[:, :k]], axis=1)  # one copy, then slices
    partners = sum(wrapped[:, k + o : k + o + m] + wrapped[:, k - o : k - o + m] for o in offsets)
    return partners - 2 * len(offsets) * block


def ring_coupling(activation, n_lobules: int, neighbours: int):
    """sum_j (a_j - a_i) over each agent's gap-junction partners: the agents of its lobule within
    `neighbours` places on either side of a ring (mer.alveoli.population)."""
    return jnp.concatenate([_ring_sum(b, neighbours).ravel() for b in blocks(activation, n_lobules)])
