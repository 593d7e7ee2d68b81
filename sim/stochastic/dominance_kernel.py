"""The compiled loop of iterated strict dominance (numba): one game at a time.

:mod:`sim.stochastic.dominance` documents the elimination and is the only caller; its
numpy version stays the reference (and what small batches use, so a solve that never needs
compiled code never imports numba). This loop makes exactly the same comparisons, game by
game: passes over the players in order until a pass eliminates nothing; within a player's
step, action ``k`` (alive at the step's start) eliminates ``j`` when
``min over the others' live profiles of u(k, .) - u(j, .)`` exceeds the game's margin
(here: every difference exceeds it, checked until the first that does not); the others'
live profiles are those of the moment (earlier players' eliminations in the same pass
count). The differences are the same floats and the comparisons exact, so the survivors are
identical (a test compares the two on games with ties).

One shortcut, the same eliminations: a player's step is skipped when no other player has
lost an action since its last step. Its step would compare its actions alive now (a subset
of those of its last step) over the same rows (the others' live profiles), so any pair
``k`` beats ``j`` now beat it then and ``j`` is gone already: the step eliminates nothing.
So the passes end when every player has been checked since the others' last elimination,
which is when a full pass would have changed nothing; a pass that only confirms (the last
of every game, and the players a pass reaches before any change in it) is mostly skipped.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.game import profile_strides

#: The players' strides in a flat profile index, compiled from its one definition.
_strides = njit(profile_strides)


@njit(cache=True)
def surviving(games, shape, eps, alive):
    """``games`` ``(N, n, P)`` (profiles flat, C order), ``shape`` ``(n,)``, ``eps``
    ``(N,)``; ``alive`` ``(N, n, max m)`` all True on entry, the survivors on exit."""
    count, n, profiles = games.shape[0], games.shape[1], games.shape[2]
    strides = _strides(shape)
    decode = np.empty((profiles, n), dtype=np.int64)
    for a in range(profiles):
        rem = a
        for p in range(n):
            decode[a, p] = rem // strides[p]
            rem -= decode[a, p] * strides[p]
    # bases[i]: the profiles in which player i plays its action 0, in profile order
    most = 0
    for i in range(n):
        most = max(most, profiles // shape[i])
    bases = np.empty((n, most), dtype=np.int64)
    for i in range(n):
        r = 0
        for a in range(profiles):
            if decode[a, i] == 0:
                bases[i, r] = a
                r += 1
    width = alive.shape[2]
    mine = np.empty(width, dtype=np.bool_)
    dominated = np.empty(width, dtype=np.bool_)
    rows = np.empty(profiles, dtype=np.int64)
    stale = np.empty(n, dtype=np.bool_)
    for b in range(count):
        margin = eps[b]
        for i in range(n):
            stale[i] = shape[i] >= 2
        changed = True
        while changed:
            changed = False
            for i in range(n):
                m = shape[i]
                # a player checked since the others last lost an action eliminates nothing
                # (module docstring): skipped
                if not stale[i]:
                    continue
                stale[i] = False
                # the others' live profiles (own action 0), in profile order
                live = 0
                for r in range(profiles // m):
                    a = bases[i, r]
                    ok = True
                    for p in range(n):
                        if p != i and not alive[b, p, decode[a, p]]:
                            ok = False
                            break
                    if ok:
                        rows[live] = a
                        live += 1
                for x in range(m):
                    mine[x] = alive[b, i, x]
                    dominated[x] = False
                step = strides[i]
                for k in range(m):
                    if not mine[k]:
                        continue
                    for j in range(m):
                        if j == k or not mine[j]:
                            continue
                        # the minimum exceeds the margin exactly when every
                        # difference does: stop at the first that does not
                        beats = True
                        for r in range(live):
                            a = rows[r]
                            if not games[b, i, a + k * step] - games[b, i, a + j * step] > margin:
                                beats = False
                                break
                        if beats:
                            dominated[j] = True
                hit = False
                for x in range(m):
                    if dominated[x]:
                        hit = True
                if hit:
                    for x in range(m):
                        alive[b, i, x] = mine[x] and not dominated[x]
                    changed = True
                    for p in range(n):
                        if p != i and shape[p] >= 2:
                            stale[p] = True


@njit(cache=True)
def cyclic(games, shape, alive, eps, found, out):
    """:func:`sim.stochastic.dominance.cyclic_two_by_two`'s loop, compiled: for each game
    whose survivors ``alive`` ``(N, n, max m)`` are two players with two actions each and
    the rest one, the 2x2 game's mixed equilibrium when it has no pure one (the same
    differences, comparisons and divisions, so the same floats) into ``out``
    ``(N, n, max m)`` (zeros on entry), and ``found[b] = True``."""
    count, n = games.shape[0], games.shape[1]
    strides = _strides(shape)
    first = np.empty(n, dtype=np.int64)
    second = np.empty(n, dtype=np.int64)
    for b in range(count):
        i = -1
        j = -1
        ok = True
        for k in range(n):
            size = 0
            for x in range(shape[k]):
                if alive[b, k, x]:
                    if size == 0:
                        first[k] = x
                    elif size == 1:
                        second[k] = x
                    size += 1
            if size == 2:
                if i < 0:
                    i = k
                elif j < 0:
                    j = k
                else:
                    ok = False
            elif size != 1:
                ok = False
        if not ok or j < 0:
            continue
        base = 0
        for k in range(n):
            if k != i and k != j:
                base += first[k] * strides[k]
        ai = (first[i] * strides[i], second[i] * strides[i])
        aj = (first[j] * strides[j], second[j] * strides[j])
        # sub[x, y]: the payoff with i at its x-th and j at its y-th surviving action
        i00 = games[b, i, base + ai[0] + aj[0]]
        i01 = games[b, i, base + ai[0] + aj[1]]
        i10 = games[b, i, base + ai[1] + aj[0]]
        i11 = games[b, i, base + ai[1] + aj[1]]
        j00 = games[b, j, base + ai[0] + aj[0]]
        j01 = games[b, j, base + ai[0] + aj[1]]
        j10 = games[b, j, base + ai[1] + aj[0]]
        j11 = games[b, j, base + ai[1] + aj[1]]
        d0 = i00 - i10
        d1 = i01 - i11
        e0 = j00 - j01
        e1 = j10 - j11
        if min(abs(d0), abs(d1), abs(e0), abs(e1)) <= eps[b]:
            continue
        pure = ((i00 >= i10 and j00 >= j01) or (i01 >= i11 and j01 >= j00)
                or (i10 >= i00 and j10 >= j11) or (i11 >= i01 and j11 >= j10))  # fmt: skip
        if pure:
            continue
        q = d0 / (d0 - d1)
        p = e0 / (e0 - e1)
        if not (0 < p < 1 and 0 < q < 1):
            continue
        for k in range(n):
            if k == i:
                out[b, k, first[k]] = 1.0 - p
                out[b, k, second[k]] = p
            elif k == j:
                out[b, k, first[k]] = 1.0 - q
                out[b, k, second[k]] = q
            else:
                out[b, k, first[k]] = 1.0
        found[b] = True
