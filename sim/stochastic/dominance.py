"""Iterated elimination of strictly dominated actions, vectorised over a batch of games.

An action ``j`` of player ``i`` is strictly dominated when another of its surviving
actions ``k`` pays more against every surviving profile of the others:
``u_i(k, a_-i) - u_i(j, a_-i) > eps`` for all surviving ``a_-i`` (``eps`` a tolerance
relative to the game's payoff spread, so rounding never eliminates a best response).
Eliminating such actions until none is left gives the same survivors in any order
(Gilboa, Kalai and Zemel, "On the order of eliminating dominated strategies", *Operations
Research Letters* 9, 1990). When a single profile survives it is the game's only Nash
equilibrium, and it is the limit of every logit quantal-response equilibrium as
``lambda -> infinity`` (each dominated action's logit probability goes to 0, round after
round of the elimination): the engine's exact fast path that needs no tracing.

Only domination by pure actions is checked (not by mixtures), which is exact for what it
finds and merely leaves some dominance-solvable games to the tracer.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.game import profile_strides

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Batches of at least this many games run the compiled elimination (importing numba,
#: about half a second once, pays for itself within a few such batches).
COMPILED_FROM = 256


def surviving_actions(payoffs: FloatArray, eps: FloatArray) -> list[BoolArray]:
    """The actions of each player that survive iterated strict dominance.

    A batch of :data:`COMPILED_FROM` games or more (or any batch once numba is loaded,
    as it is after the first trace) runs the compiled loop
    (:mod:`sim.stochastic.dominance_kernel`), a smaller one :func:`surviving_actions_numpy`:
    the same survivors.

    Parameters
    ----------
    payoffs
        ``(N, n, *m)`` games in the layout of :mod:`sim.game`.
    eps
        ``(N,)`` margins: domination must be by more than ``eps``.

    Returns
    -------
    list of bool arrays
        ``alive[i]`` of shape ``(N, m_i)``.
    """
    count, n = payoffs.shape[0], payoffs.shape[1]
    shape = payoffs.shape[2:]
    if count and n and (count >= COMPILED_FROM or "numba" in sys.modules):
        from sim.stochastic.dominance_kernel import surviving

        width = max(shape)
        out = np.zeros((count, n, width), dtype=bool)
        for i, m in enumerate(shape):
            out[:, i, :m] = True
        flat = np.ascontiguousarray(payoffs.reshape(count, n, -1), dtype=np.float64)
        surviving(flat, np.array(shape, dtype=np.int64),
                  np.ascontiguousarray(eps, dtype=np.float64), out)  # fmt: skip
        return [out[:, i, :m].copy() for i, m in enumerate(shape)]
    return surviving_actions_numpy(payoffs, eps)


def surviving_actions_numpy(payoffs: FloatArray, eps: FloatArray) -> list[BoolArray]:
    """:func:`surviving_actions` in numpy, all games of the batch at once (the reference
    the compiled loop is tested against)."""
    count, n = payoffs.shape[0], payoffs.shape[1]
    shape = payoffs.shape[2:]
    alive = [np.ones((count, m), dtype=bool) for m in shape]
    # u[i]: (N, m_i, R_i), own action first, the others' profiles flattened in player order.
    own_first = [
        np.moveaxis(payoffs[:, i], 1 + i, 1).reshape(count, shape[i], -1) for i in range(n)
    ]
    # Games whose last pass over the players eliminated something; the others are done
    # (a pass that changes nothing changes nothing when repeated), so each game goes
    # through exactly the passes it would go through alone.
    active = np.arange(count)
    while active.size:
        changed = np.zeros(active.size, dtype=bool)
        margin = eps[active]
        for i in range(n):
            if shape[i] < 2:
                continue
            others = [alive[k][active] for k in range(n) if k != i]
            live = _outer(others, active.size)  # (A, R_i)
            u = own_first[i][active]
            off = np.where(live, 0.0, np.inf)  # (A, R_i): dead profiles never bind
            mine = alive[i][active]
            dominated = np.zeros_like(mine)
            for k in range(shape[i]):
                for j in range(shape[i]):
                    if k != j:
                        # min over live a_-i of u(k, a_-i) - u(j, a_-i), beyond the margin
                        gap = ((u[:, k] - u[:, j]) + off).min(axis=1)
                        dominated[:, j] |= (gap > margin) & mine[:, k]
            dominated &= mine
            hit = dominated.any(axis=1)
            if hit.any():
                alive[i][active[hit]] = mine[hit] & ~dominated[hit]
                changed |= hit
        active = active[changed]
    return alive


def _outer(masks: list[BoolArray], count: int) -> BoolArray:
    """``(N, prod m_k)``: the outer product of per-player masks, in player order."""
    out = np.ones((count, 1), dtype=bool)
    for m in masks:
        out = (out[:, :, None] & m[:, None, :]).reshape(count, -1)
    return out


def dominance_solution(
    payoffs: FloatArray, eps: FloatArray
) -> tuple[BoolArray, npt.NDArray[np.intp], list[BoolArray]]:
    """Which games iterated strict dominance solves, and their surviving profile.

    Returns
    -------
    (solved, profile, alive)
        ``solved`` ``(N,)``; ``profile`` ``(N, n)`` the surviving action of each player
        (meaningful where ``solved``); ``alive`` as :func:`surviving_actions`.
    """
    alive = surviving_actions(payoffs, eps)
    solved = np.ones(payoffs.shape[0], dtype=bool)
    for a in alive:
        solved &= a.sum(axis=1) == 1
    profile = np.stack([a.argmax(axis=1) for a in alive], axis=1).astype(np.intp)
    return solved, profile, alive


def cyclic_two_by_two(
    payoffs: FloatArray, alive: list[BoolArray], eps: FloatArray
) -> tuple[BoolArray, FloatArray]:
    """Games whose survivors are a 2x2 game without a pure equilibrium: the only
    equilibrium of the whole game is then that 2x2 game's mixed one.

    Iterated strict dominance keeps every Nash equilibrium and adds none (an equilibrium
    never plays a strictly dominated action, round after round), so the game's equilibria
    are those of the survivors. When exactly two players ``i`` and ``j`` keep two actions
    each and the others one, and neither of the four pure profiles is an equilibrium (with
    every payoff difference beyond ``eps``, so the 2x2 game is not degenerate), the game has
    exactly one equilibrium, in which ``i`` and ``j`` mix with the closed-form
    probabilities of :mod:`sim.equilibria.small_support`; it is the QRE limit, because
    every limit of QRE is an equilibrium (McKelvey and Palfrey 1995, Theorem 2).

    Returns ``(found, strategies)``: ``strategies`` ``(N, n, max m)`` where ``found``.
    Large batches run the compiled loop (as :func:`surviving_actions`).
    """
    count, n = payoffs.shape[0], payoffs.shape[1]
    if count and n and (count >= COMPILED_FROM or "numba" in sys.modules):
        return cyclic_two_by_two_compiled(payoffs, alive, eps)
    return cyclic_two_by_two_numpy(payoffs, alive, eps)


def cyclic_two_by_two_compiled(
    payoffs: FloatArray, alive: list[BoolArray], eps: FloatArray
) -> tuple[BoolArray, FloatArray]:
    """:func:`cyclic_two_by_two` in the compiled loop, whatever the batch size (the
    survivors packed as one mask, padded to the widest player)."""
    from sim.stochastic.dominance_kernel import cyclic

    count, n = payoffs.shape[0], payoffs.shape[1]
    shape = payoffs.shape[2:]
    width = max(shape)
    mask = np.zeros((count, n, width), dtype=bool)
    for i, m in enumerate(shape):
        mask[:, i, :m] = alive[i]
    found = np.zeros(count, dtype=bool)
    out = np.zeros((count, n, width))
    cyclic(np.ascontiguousarray(payoffs.reshape(count, n, -1), dtype=np.float64),
           np.array(shape, dtype=np.int64), mask,
           np.ascontiguousarray(eps, dtype=np.float64), found, out)  # fmt: skip
    return found, out


def cyclic_two_by_two_numpy(
    payoffs: FloatArray, alive: list[BoolArray], eps: FloatArray
) -> tuple[BoolArray, FloatArray]:
    """:func:`cyclic_two_by_two` one game at a time in Python (the reference the compiled
    loop is tested against, and what small batches use)."""
    count, n = payoffs.shape[0], payoffs.shape[1]
    shape = payoffs.shape[2:]
    sizes = np.stack([a.sum(axis=1) for a in alive], axis=1)
    candidate = (np.sum(sizes == 2, axis=1) == 2) & (np.sum(sizes == 1, axis=1) == n - 2)
    out = np.zeros((count, n, max(shape)))
    found = np.zeros(count, dtype=bool)
    for b in np.flatnonzero(candidate):
        i, j = (int(k) for k in np.flatnonzero(sizes[b] == 2))
        acts = [np.flatnonzero(a[b]) for a in alive]
        index = tuple(np.ix_(*acts))
        sub_i = payoffs[b, i][index].reshape(2, 2)
        sub_j = payoffs[b, j][index].reshape(2, 2)
        d0, d1 = sub_i[0, 0] - sub_i[1, 0], sub_i[0, 1] - sub_i[1, 1]
        e0, e1 = sub_j[0, 0] - sub_j[0, 1], sub_j[1, 0] - sub_j[1, 1]
        tiny = eps[b]
        if min(abs(d0), abs(d1), abs(e0), abs(e1)) <= tiny:
            continue
        pure = any(
            sub_i[x, y] >= sub_i[1 - x, y] and sub_j[x, y] >= sub_j[x, 1 - y]
            for x in (0, 1)
            for y in (0, 1)
        )
        if pure:
            continue
        q = d0 / (d0 - d1)  # probability of j's second action
        p = e0 / (e0 - e1)  # probability of i's second action
        if not (0 < p < 1 and 0 < q < 1):
            continue
        for k in range(n):
            if k == i:
                out[b, k, acts[k][0]], out[b, k, acts[k][1]] = 1.0 - p, p
            elif k == j:
                out[b, k, acts[k][0]], out[b, k, acts[k][1]] = 1.0 - q, q
            else:
                out[b, k, acts[k][0]] = 1.0
        found[b] = True
    return found, out


def single_mixers(sizes: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.intp],
                                                        npt.NDArray[np.intp]]:  # fmt: skip
    """The rows of ``sizes`` ``(N, n)`` (each player's number of actions in play) in which
    exactly one player has two or more and every other one, and that player in each."""
    rows = np.flatnonzero((np.count_nonzero(sizes > 1, axis=1) == 1) & np.all(sizes >= 1, axis=1))
    return rows, np.argmax(sizes[rows] > 1, axis=1)


def deviation_cells(action: npt.NDArray[np.intp], i: int, j: int, shape: tuple[int, ...]
                    ) -> npt.NDArray[np.intp]:  # fmt: skip
    """``(R, m_j, m_i)`` (``(R, m_i)`` when ``j == i``): flat profile indices (C order) of
    the profiles ``action`` ``(R, n)`` with player ``j``'s action replaced by each of its
    own and player ``i``'s by each of its own."""
    n = len(shape)
    strides = profile_strides(shape)
    base = np.zeros(action.shape[0], dtype=np.intp)
    for k in range(n):
        if k not in (i, j):
            base += action[:, k] * strides[k]
    own = np.arange(shape[i]) * strides[i]
    if j == i:
        return base[:, None] + own[None, :]
    theirs = np.arange(shape[j]) * strides[j]
    return base[:, None, None] + theirs[None, :, None] + own[None, None, :]


def tied_single_mixer(
    payoffs: FloatArray, alive: list[BoolArray]
) -> tuple[BoolArray, FloatArray]:
    """Games whose survivors leave one player ``i`` with two or more actions ``A``, every
    other player ``j`` with one action ``a_j``, and ``i``'s actions in ``A`` exactly tied
    (equal floats) against ``a_-i``: their logit-QRE limit is ``i`` uniform over ``A``,
    the others at ``a_-i``.

    Why (McKelvey and Palfrey 1995, Theorem 2: every limit of logit QRE as ``lambda ->
    oo`` is a Nash equilibrium). The equilibria never play an iteratively strictly
    dominated action, so they are exactly ``(x, a_-i)`` with ``x`` any mix over ``A`` (a
    continuum; ``A`` is also ``i``'s whole best-response set against ``a_-i``: an
    eliminated action is strictly worse there, through the chain of its dominators). At
    each of them every ``j != i`` is strict: each eliminated action ``t`` of ``j`` pays
    less than a survivor against every surviving profile, so ``E_t(x) = u_j(a_j, x,
    a_-ij) - u_j(t, x, a_-ij) > 0`` at each pure ``x`` in ``A``, hence on all of
    ``Delta(A)``, with a smallest margin ``g > 0``. So for large ``lambda`` the QRE lies
    near that set, each ``j`` plays ``t`` with probability at most ``exp(-lambda g / 2)``,
    and for ``s, s'`` in ``A`` (whose payoffs differ only off ``a_-i``)
    ``|U_is - U_is'| <= 2 spread sum_j sum_t exp(-lambda g / 2)``. The logit log-odds
    ``lambda (U_is - U_is')`` therefore go to 0: ``i``'s probabilities on ``A`` become
    equal, those off ``A`` go to 0. This holds for every QRE sequence, so it is the
    principal branch's limit, exactly, without tracing it.

    Returns ``(found, strategies)``: ``strategies`` ``(N, n, max m)`` where ``found``.
    """
    count, n = payoffs.shape[0], payoffs.shape[1]
    shape = tuple(int(m) for m in payoffs.shape[2:])
    width = max(shape) if shape else 0
    found = np.zeros(count, dtype=bool)
    out = np.zeros((count, n, width))
    if count == 0 or n < 2:
        return found, out
    rows, mixer = single_mixers(np.stack([a.sum(axis=1) for a in alive], axis=1))
    if rows.size == 0:
        return found, out
    action = np.stack([a[rows].argmax(axis=1) for a in alive], axis=1)  # (R, n)
    flat = payoffs[rows].reshape(rows.size, n, -1)
    for i in range(n):
        sel = np.flatnonzero(mixer == i)
        if sel.size == 0:
            continue
        mine = flat[sel[:, None], i, deviation_cells(action[sel], i, i, shape)]  # u_i(s, a_-i)
        live = alive[i][rows[sel]]
        ref = mine[np.arange(sel.size), live.argmax(axis=1)]
        tied = np.all(~live | (mine == ref[:, None]), axis=1)
        hit = rows[sel[tied]]
        found[hit] = True
        out[hit, i, : shape[i]] = live[tied] / live[tied].sum(axis=1, keepdims=True)
        for k in range(n):
            if k != i:
                out[hit, k, action[sel[tied], k]] = 1.0
    return found, out


def pure_is_equilibrium_batch(games: FloatArray, cells: npt.NDArray[np.intp]) -> BoolArray:
    """``(N,)``: whether pure profile ``cells[k]`` ``(n,)`` is a Nash equilibrium of
    ``games[k]``, by exact comparisons of the games' own floats (as
    ``sim.equilibria.verify.pure_is_equilibrium``, vectorised: no rounding is involved, so
    this is an exact certificate)."""
    count, n = games.shape[0], games.shape[1]
    rows = np.arange(count)
    ok = np.ones(count, dtype=bool)
    for i in range(n):
        index: list[Any] = [rows, np.full(count, i)]
        for k in range(n):
            index.append(slice(None) if k == i else cells[:, k])
        # Advanced indices separated by a slice: numpy puts their axis first, (N, m_i).
        line = games[tuple(index)]
        own = line[rows, cells[:, i]]
        ok &= np.all(line <= own[:, None], axis=1)
    return ok
