"""The compiled loops of the article's stage games (numba): build them from the round's
coefficients, and find their pure equilibria without keeping their payoffs.

:mod:`sim.article.terms` documents the affine map and keeps its numpy version
(:func:`sim.article.terms.stage_payoffs`) as the reference; :mod:`sim.article.stage_games`
is the only caller of these loops. Each payoff is computed with the same floating-point
operations in the same order as the numpy map::

    u = ((p_0 B_0 + p_1 B_1) + p_2 B_2) + A  [+ H h  where the player's H is not all zero]

(each a correctly rounded IEEE product or sum; numba contracts nothing into fused
multiply-adds without ``fastmath``), so the two agree bit for bit; a test compares them.

:func:`pure_equilibria` builds each state's game in a small buffer and marks its pure
equilibria with exactly the comparisons of :func:`sim.equilibria.pure_equilibrium_mask`
(``u >= best`` for ``tol = 0``; ``u + tol * max(|u|, |best|) >= best`` otherwise), so the
masks are identical; the payoffs of a million games (2.6 GB) are never held at once.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.game import profile_strides

#: The players' strides in a flat profile index, compiled from its one definition.
_strides = njit(profile_strides)


@njit(cache=True)
def build(constant, belief, hazard_coef, hazard_rows, beliefs, hazard, row_of, out):
    """Fill ``out`` ``(N, n, P)`` with the stage payoffs of ``N`` states.

    ``constant``, ``hazard_coef`` ``(n, P)``; ``belief`` ``(3, n, P)``; ``hazard_rows``
    ``(n,)`` bool, the players whose hazard coefficients are not all zero; ``beliefs``
    ``(N, 3)``; ``hazard`` ``(R, P)`` the collapse hazard per profile of ``R`` capacity
    values and ``row_of`` ``(N,)`` each state's row of it.
    """
    count, n, profiles = out.shape[0], out.shape[1], out.shape[2]
    for s in range(count):
        p0, p1, p2 = beliefs[s, 0], beliefs[s, 1], beliefs[s, 2]
        row = row_of[s]
        for i in range(n):
            if hazard_rows[i]:
                for a in range(profiles):
                    v = p0 * belief[0, i, a] + p1 * belief[1, i, a]
                    v = v + p2 * belief[2, i, a]
                    v = v + constant[i, a]
                    out[s, i, a] = v + hazard_coef[i, a] * hazard[row, a]
            else:
                for a in range(profiles):
                    v = p0 * belief[0, i, a] + p1 * belief[1, i, a]
                    v = v + p2 * belief[2, i, a]
                    out[s, i, a] = v + constant[i, a]


@njit(cache=True)
def collapse_hazard(threat, rate, covers, capacity, out):
    """``out[u] = -expm1(-(rate * max(0, (threat - capacity) - covers[u])))``: the round's
    collapse hazard at one capacity value for each distinct cover ``covers[u]`` (the
    operations of :func:`sim.article.capacity.hazard`; ``expm1`` is the C library's, which
    may differ from numpy's in the last bit)."""
    for u in range(covers.shape[0]):
        gap = (threat - capacity) - covers[u]
        if gap < 0.0:
            gap = 0.0
        out[u] = -math.expm1(-(rate * gap))


@njit(cache=True, inline="always")
def _replies(value, best, tol):
    """Whether ``value`` is a best reply against the best one, ``best``: exactly, or with the
    relative tolerance of :func:`sim.equilibria.pure_equilibrium_mask`."""
    if tol > 0.0:
        return max(abs(value), abs(best)) * tol + value >= best
    return value >= best


@njit(cache=True)
def pure_equilibria(
    constant, belief, belief_rows, hazard_coef, hazard_rows, threat, rate, covers, cover_of,
    beliefs, capacity, shape, tol, mask,
):  # fmt: skip
    """Mark the pure equilibria of ``N`` stage games built on the fly in ``mask`` ``(N, P)``.

    ``constant``, ``belief``, ``hazard_coef``, ``hazard_rows`` as in :func:`build`;
    ``belief_rows`` ``(3, n)`` bool, which of ``belief[j, i]`` are not all zero (the terms
    of the others are skipped: adding a product with zero changes no value, at most the
    sign of a zero, which no comparison sees); ``threat``, ``rate`` the round's threat and
    hazard rate; ``covers`` ``(U,)`` the distinct protections the patrons' delivered
    support gives and ``cover_of`` ``(P,)`` each profile's; ``beliefs`` ``(N, 3)``,
    ``capacity`` ``(N,)`` the states; ``shape`` ``(n,)`` the actions per player; ``mask``
    all False on entry. The caller makes sure every payoff is finite
    (:func:`sim.article.stage_games.pure_equilibria` bounds them).

    Player 0's payoffs give the profiles in which it best-replies; each next player keeps
    those of them in which it best-replies too, until none is left or the last player has
    had its say (the survivors are the equilibria, in the order the profiles come).
    """
    count = beliefs.shape[0]
    n, profiles = constant.shape[0], constant.shape[1]
    strides = _strides(shape)
    # base[i, a]: profile a with player i's action replaced by its first
    base = np.empty((n, profiles), dtype=np.int64)
    for i in range(n):
        for a in range(profiles):
            base[i, a] = a - ((a // strides[i]) % shape[i]) * strides[i]
    u = np.empty(profiles)
    h_distinct = np.empty(covers.shape[0])
    h = np.empty(profiles)
    candidates = np.empty(profiles, dtype=np.int64)
    for s in range(count):
        collapse_hazard(threat, rate, covers, capacity[s], h_distinct)
        for a in range(profiles):
            h[a] = h_distinct[cover_of[a]]
        alive = 0  # candidates[:alive]: the profiles every player so far best-replies in
        for i in range(n):
            # u = ((p_0 B_0 + p_1 B_1) + p_2 B_2) + A [+ H h], the zero terms left out
            first = True
            for j in range(3):
                if belief_rows[j, i]:
                    pj = beliefs[s, j]
                    if first:
                        for a in range(profiles):
                            u[a] = pj * belief[j, i, a]
                        first = False
                    else:
                        for a in range(profiles):
                            u[a] = u[a] + pj * belief[j, i, a]
            if first:
                for a in range(profiles):
                    u[a] = constant[i, a]
            else:
                for a in range(profiles):
                    u[a] = u[a] + constant[i, a]
            if hazard_rows[i]:
                for a in range(profiles):
                    u[a] = u[a] + hazard_coef[i, a] * h[a]
            m, step = shape[i], strides[i]
            if i == 0:  # the profiles in which player 0's action is a best reply
                for b0 in range(profiles // m):  # player 0's stride is profiles // m
                    best = u[b0]
                    for k in range(1, m):
                        v = u[b0 + k * step]
                        if v > best:
                            best = v
                    for k in range(m):
                        a = b0 + k * step
                        if _replies(u[a], best, tol):
                            candidates[alive] = a
                            alive += 1
                if alive == 0:
                    break
                continue
            # keep the candidates in which player i's action is a best reply
            kept = 0
            for c in range(alive):
                a = candidates[c]
                b0 = base[i, a]
                best = u[b0]
                for k in range(1, m):
                    v = u[b0 + k * step]
                    if v > best:
                        best = v
                if _replies(u[a], best, tol):
                    candidates[kept] = a
                    kept += 1
            alive = kept
            if alive == 0:
                break
        for c in range(alive):
            mask[s, candidates[c]] = True
