"""The compiled float screen of two-mixer candidates (numba): one block of candidates for
every game of a batch.

:func:`sim.equilibria.small_support._screen_block` documents the screen and keeps its numpy
version as the reference (and what runs when numba is not loaded). This loop makes the
same floating-point operations in the same order, candidate by candidate: the mixers'
payoff differences ``d0, d1, e0, e1``, the probabilities ``q = d0 / (d0 - d1)``,
``p = e0 / (e0 - e1)`` (IEEE division: infinities and NaN as numpy's, ``error_model``
numpy), the weights of the four cells, each player's value of each action as
``((w00 u00 + w01 u01) + w10 u10) + w11 u11`` and its absolute size likewise, and the regret
against the bound; the maxima and minima propagate NaN as numpy's do (then nothing is kept,
as numpy's comparison with NaN). No fused multiply-adds (no ``fastmath``), so the kept
candidates and their probabilities are identical (a test compares the two).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def screen(flat, first, second, mix, dev, own, tol, p_out, q_out, keep, degenerate):
    """``flat`` ``(B, n, P)`` games; the block's tables ``first``, ``second`` ``(C,)``,
    ``mix`` ``(C, 2, 2)``, ``dev`` ``(C, n, 2, 2, M)``, ``own`` ``(C, n, 2)``; ``tol`` the
    screen's relative bound (the tolerance plus its rounding units). Fills ``p_out``,
    ``q_out`` ``(B, C)`` (where kept), ``keep`` ``(B, C)`` (False on entry) and sets
    ``degenerate[b]`` ``(B,)`` where a candidate's mixer is flat."""
    count, n = flat.shape[0], flat.shape[1]
    cands, top = mix.shape[0], dev.shape[4]
    values = np.empty((n, top))
    for b in range(count):
        for c in range(cands):
            i, j = first[c], second[c]
            m00, m01, m10, m11 = mix[c, 0, 0], mix[c, 0, 1], mix[c, 1, 0], mix[c, 1, 1]
            d0 = flat[b, i, m00] - flat[b, i, m10]
            d1 = flat[b, i, m01] - flat[b, i, m11]
            e0 = flat[b, j, m00] - flat[b, j, m01]
            e1 = flat[b, j, m10] - flat[b, j, m11]
            if (d0 == 0 and d1 == 0) or (e0 == 0 and e1 == 0):
                degenerate[b] = True
            q = d0 / (d0 - d1)
            p = e0 / (e0 - e1)
            if not (p > 0.0 and p < 1.0 and q > 0.0 and q < 1.0):
                continue
            w00 = (1.0 - p) * (1.0 - q)
            w01 = (1.0 - p) * q
            w10 = p * (1.0 - q)
            w11 = p * q
            size = np.nan
            started = False
            for k in range(n):
                for z in range(top):
                    u00 = flat[b, k, dev[c, k, 0, 0, z]]
                    u01 = flat[b, k, dev[c, k, 0, 1, z]]
                    u10 = flat[b, k, dev[c, k, 1, 0, z]]
                    u11 = flat[b, k, dev[c, k, 1, 1, z]]
                    values[k, z] = w00 * u00 + w01 * u01 + w10 * u10 + w11 * u11
                    s = w00 * abs(u00) + w01 * abs(u01) + w10 * abs(u10) + w11 * abs(u11)
                    if not started:
                        size = s
                        started = True
                    elif s != s or s > size:
                        size = s
            regret = np.nan
            for k in range(n):
                best = values[k, 0]
                for z in range(1, top):
                    v = values[k, z]
                    if v != v or v > best:
                        best = v
                a, a2 = values[k, own[c, k, 0]], values[k, own[c, k, 1]]
                mine = a2 if (a2 != a2 or a2 < a) else a
                gap = best - mine
                if k == 0 or gap != gap or gap > regret:
                    regret = gap
            if regret <= tol * size:
                keep[b, c] = True
                p_out[b, c] = p
                q_out[b, c] = q
