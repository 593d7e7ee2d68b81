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
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def surviving(games, shape, eps, alive):
    """``games`` ``(N, n, P)`` (profiles flat, C order), ``shape`` ``(n,)``, ``eps``
    ``(N,)``; ``alive`` ``(N, n, max m)`` all True on entry, the survivors on exit."""
    count, n, profiles = games.shape[0], games.shape[1], games.shape[2]
    strides = np.empty(n, dtype=np.int64)
    acc = 1
    for p in range(n - 1, -1, -1):
        strides[p] = acc
        acc *= shape[p]
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
    for b in range(count):
        margin = eps[b]
        changed = True
        while changed:
            changed = False
            for i in range(n):
                m = shape[i]
                if m < 2:
                    continue
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
