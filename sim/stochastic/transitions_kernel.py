"""The compiled hazard step of the factored law's expectation (numba).

:meth:`sim.stochastic.transitions.FactoredTransitions.expect` documents the step and keeps
the numpy version as the reference (and what runs when numba is not loaded). Every entry of
the result is ``x + h (a - x)``: ``x`` the expectation over the grid states, ``h`` the
hazard, ``a`` the absorbing state's value; the same three IEEE operations on the same
floats as the numpy passes (``np.subtract``, ``np.multiply``, ``np.add``; no ``fastmath``,
so no fused multiply-add), so the result is identical, element by element (a test compares
the two). The numpy passes broadcast over innermost axes of 3 actions, so each pass is a
million tiny inner loops; this one loop reads each operand once.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def hazard_mix(small, sb, ss, sn, sp, hazard, hb, hs, hp, absorbed, out):
    """``out[b, g, i, p] = x + h * (a - x)`` with ``x = small[sb[b] + ss[g] + sn[i] +
    sp[p]]``, ``h = hazard[hb[b] + hs[g] + hp[p]]`` (flat arrays and element offsets of the
    batch, grid state, player and profile: a broadcast axis has offset 0) and
    ``a = absorbed[b, i]``; ``out`` ``(B, G, n, P)``."""
    count, grid, n, profiles = out.shape
    for b in range(count):
        for g in range(grid):
            hbase = hb[b] + hs[g]
            for i in range(n):
                a = absorbed[b, i]
                base = sb[b] + ss[g] + sn[i]
                for p in range(profiles):
                    x = small[base + sp[p]]
                    out[b, g, i, p] = x + hazard[hbase + hp[p]] * (a - x)


@njit(cache=True)
def stage_mix(small, sb, ss, sn, sp, hazard, hb, hs, hp, absorbed, delta, pay, out):
    """Every state's stage game in one pass: ``out[b, g, i, p] = c * d + u`` with
    ``c = x + h * (a - x)`` as in :func:`hazard_mix` (the grid states ``g < G``), ``d =
    delta[b, i]`` the discount and ``u = pay[b, g, i, p]`` the payoffs (``pay``'s batch axis
    of length 1 when they are shared); the absorbing state's row (the last) is
    ``a * d + u``. ``out`` ``(B, G + 1, n, P)``. The same IEEE operations, in the same order,
    as the expectation followed by ``*= delta`` and ``+= payoffs`` (numpy's passes)."""
    count, states, n, profiles = out.shape
    grid = states - 1
    shared = pay.shape[0] == 1
    for b in range(count):
        pb = 0 if shared else b
        for g in range(grid):
            hbase = hb[b] + hs[g]
            for i in range(n):
                a = absorbed[b, i]
                d = delta[b, i]
                base = sb[b] + ss[g] + sn[i]
                for p in range(profiles):
                    x = small[base + sp[p]]
                    c = x + hazard[hbase + hp[p]] * (a - x)
                    out[b, g, i, p] = c * d + pay[pb, g, i, p]
        for i in range(n):
            c = absorbed[b, i] * delta[b, i]
            for p in range(profiles):
                out[b, grid, i, p] = c + pay[pb, grid, i, p]
