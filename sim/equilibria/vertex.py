"""Every extreme equilibrium of a two-player game, in exact arithmetic (vertex enumeration).

For the row player's mixed strategy ``x`` let ``v = max_j (x^T B)_j`` be the column
player's best payoff against it; ``(x, v)`` ranges over the best-response polyhedron
``{x in simplex, x^T B <= v}``. A *label* of ``x`` is a row ``i`` with ``x_i = 0`` or a column
``j`` with ``(x^T B)_j = v`` (a best response to ``x``); the column player's ``y`` has labels
likewise. A pair ``(x, y)`` is a Nash equilibrium exactly when every row and column is a
label of ``x`` or of ``y`` (completely labelled), and the *extreme* equilibria are the
completely labelled pairs of vertices (von Stengel, "Computing equilibria for two-person
games", *Handbook of Game Theory* 3, 2002, sec. 2-3; Avis, Rosenberg, Savani and von
Stengel, "Enumeration of Nash equilibria for two-player games", *Economic Theory* 42,
2010). This holds in degenerate games too, where the equilibria form finitely many
polytopes (maximal Nash subsets) whose vertices are the extreme equilibria; a game has a
continuum of equilibria exactly when two extreme equilibria share a strategy (if ``(x, y)``
and ``(x, y')`` are equilibria, so is ``(x, t y + (1 - t) y')`` for every ``t``).

A vertex of the row player's polyhedron solves, for some rows ``I`` and as many columns
``J``, the square system ``sum_{i in I} x_i B_ij = v`` (``j`` in ``J``), ``sum x_I = 1``. Every
such system is solved in floating point at once (numpy); a solution that is clearly not a
vertex (a probability below ``-1e-9`` or a column paying more than ``v``, with a
well-conditioned system) is discarded, every other is solved again exactly in rational
arithmetic, and its labels computed exactly. So every returned equilibrium is exact
(regret 0) and, when no continuum is found, the list is every equilibrium of the game.

Size limit: ``C(m + n, m) - 1`` systems per player (:data:`MAX_SYSTEMS`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from sim.equilibria import exact as ex
from sim.equilibria.result import Equilibrium, SolveResult, profile_key
from sim.errors import GameTooLargeError, SolverError
from sim.game import FloatArray, NormalFormGame

#: Refuse games with more vertex systems per player than this (``C(m + n, m) - 1``, the
#: same count as support enumeration's pairs): 8x8 has 12,869; 9x9 (48,619) is refused.
MAX_SYSTEMS = 20_000

#: Float solutions of systems better conditioned than this are trusted to discard
#: non-vertices; worse ones always go to the exact solve.
_COND_TRUSTED = 1e8


@dataclass(frozen=True)
class _Vertex:
    strategy: tuple[Fraction, ...]
    value: Fraction  # the other player's best payoff against it
    labels: int  # bit mask over rows (0..m-1) and columns (m..m+n-1)
    count: int  # number of labels


def systems(m: int, n: int) -> int:
    return math.comb(m + n, m) - 1


def _vertices(
    own: FloatArray,
    exact_value: Callable[[int, int], Fraction],
    own_offset: int,
    other_offset: int,
    check_time: Callable[[], None],
) -> list[_Vertex]:
    """Vertices of the best-response polyhedron of the player whose strategies index the
    rows of ``own`` (the *other* player's payoffs, rows = this player's actions).

    Labels: this player's actions at ``own_offset + i``, the other's at ``other_offset + j``.
    """
    m, n = own.shape
    found: dict[tuple[Fraction, ...], _Vertex] = {}
    for k in range(1, min(m, n) + 1):
        check_time()
        pairs = [(rows, cols) for rows in itertools.combinations(range(m), k)
                 for cols in itertools.combinations(range(n), k)]  # fmt: skip
        if not pairs:
            continue
        rows_idx = np.array([p[0] for p in pairs])
        cols_idx = np.array([p[1] for p in pairs])
        mats = np.zeros((len(pairs), k + 1, k + 1))
        # rows of the system: for each column j in J: sum_i x_i own[i, j] - v = 0.
        mats[:, :k, :k] = np.transpose(own[rows_idx[:, :, None], cols_idx[:, None, :]], (0, 2, 1))
        mats[:, :k, k] = -1.0
        mats[:, k, :k] = 1.0
        rhs = np.zeros((len(pairs), k + 1))
        rhs[:, k] = 1.0
        with np.errstate(all="ignore"):
            cond = np.linalg.cond(mats)
        trusted = np.isfinite(cond) & (cond < _COND_TRUSTED)
        candidate = ~trusted
        if np.any(trusted):
            idx = np.flatnonzero(trusted)
            sol = np.linalg.solve(mats[idx], rhs[idx][..., None])[..., 0]
            x = sol[:, :k]
            v = sol[:, k]
            full = np.zeros((idx.size, m))
            np.put_along_axis(full, rows_idx[idx], x, axis=1)
            pay = full @ own  # (S, n)
            size = np.abs(full) @ np.abs(own)
            ok = np.all(x >= -1e-9, axis=1)
            ok &= np.all(pay <= v[:, None] + 1e-9 * np.maximum(size, np.abs(v)[:, None]), axis=1)
            candidate[idx[ok]] = True
        for s in np.flatnonzero(candidate):
            check_time()
            rows, cols = pairs[int(s)]
            system = [[exact_value(i, j) for i in rows] + [Fraction(-1)] for j in cols]
            system.append([Fraction(1)] * k + [Fraction(0)])
            solution = ex.solve_linear(system, [Fraction(0)] * k + [Fraction(1)])
            if not isinstance(solution, list):
                continue
            xs, value = solution[:k], solution[k]
            if any(p < 0 for p in xs):
                continue
            strategy = [Fraction(0)] * m
            for i, p in zip(rows, xs, strict=True):
                strategy[i] = p
            key = tuple(strategy)
            if key in found:
                continue
            labels = 0
            count = 0
            feasible = True
            for j in range(n):
                earned = sum((strategy[i] * exact_value(i, j) for i in range(m) if strategy[i]),
                             Fraction(0))  # fmt: skip
                if earned > value:
                    feasible = False
                    break
                if earned == value:
                    labels |= 1 << (other_offset + j)
                    count += 1
            if not feasible:
                continue
            for i in range(m):
                if strategy[i] == 0:
                    labels |= 1 << (own_offset + i)
                    count += 1
            found[key] = _Vertex(key, value, labels, count)
    return list(found.values())


@dataclass(frozen=True)
class Extreme:
    """What :func:`extreme_equilibria` found."""

    equilibria: list[Equilibrium]
    continuum: bool
    degenerate: bool


def extreme_equilibria(
    game: NormalFormGame, method: str, check_time: Callable[[], None]
) -> Extreme:
    """Every extreme equilibrium of a two-player game, exactly (see the module docstring)."""
    if game.n_players != 2:
        raise SolverError(method, f"vertex enumeration is two-player; got {game.n_players}")
    m, n = game.shape
    if systems(m, n) > MAX_SYSTEMS:
        raise GameTooLargeError(
            method,
            f"a {m}x{n} game has {systems(m, n):,} vertex systems per player, beyond the "
            f"limit of {MAX_SYSTEMS:,}; use lemke-howson (fast, finds some equilibria)",
        )
    exact = ex.ExactPayoffs(game.payoffs)
    a, b = game.payoffs[0], game.payoffs[1]
    # Row player's x: polyhedron of B (rows = x's actions); column player's y: of A^T.
    xs = _vertices(b, lambda i, j: exact(1, (i, j)), 0, m, check_time)
    ys = _vertices(a.T, lambda j, i: exact(0, (i, j)), m, 0, check_time)
    full = (1 << (m + n)) - 1
    pairs = [(x, y) for x in xs for y in ys if (x.labels | y.labels) == full]
    equilibria = []
    for x, y in pairs:
        profile = (x.strategy, y.strategy)
        # Each player's payoff: the other's best-response value in its own polyhedron.
        payoffs = np.array([float(y.value), float(x.value)])
        floats = ex.to_floats(profile)
        for s in floats:
            s.setflags(write=False)
        payoffs.setflags(write=False)
        equilibria.append(Equilibrium(floats, payoffs, method, 0.0))
    shared_x = len({p[0].strategy for p in pairs}) < len(pairs)
    shared_y = len({p[1].strategy for p in pairs}) < len(pairs)
    continuum = shared_x or shared_y
    degenerate = continuum or any(v.count > m for v in xs) or any(v.count > n for v in ys)
    equilibria.sort(key=lambda e: (not e.is_pure(), profile_key(e.profile)))
    return Extreme(equilibria, continuum, degenerate)


def extreme_result(
    game: NormalFormGame, method: str, check_time: Callable[[], None]
) -> SolveResult:
    """:func:`extreme_equilibria` as a :class:`SolveResult` with notes."""
    found = extreme_equilibria(game, method, check_time)
    notes = []
    if found.continuum:
        notes.append(
            "degenerate game with a continuum of equilibria: the list holds its extreme "
            "equilibria (every equilibrium is a convex combination of extreme ones that "
            "share a maximal Nash subset)"
        )
    elif found.degenerate:
        notes.append(
            "degenerate game: a strategy has more best responses than its support's size "
            "(every equilibrium is still isolated and listed)"
        )
    if not found.equilibria:  # impossible by Nash's theorem; kept as a guard
        raise SolverError(method, "found no equilibrium, which a finite game always has")
    return SolveResult(
        tuple(found.equilibria), method, found.degenerate, tuple(notes),
        complete=not found.continuum,
    )  # fmt: skip
