"""Two-player equilibria through nashpy: support enumeration, vertex enumeration, Lemke-Howson.

Each function takes a :class:`~sim.game.NormalFormGame` of two players, hands nashpy
validated float matrices (nashpy itself accepts ragged or mis-shaped input and fails only
while solving), checks every candidate with the N-player regret test of
:func:`~sim.equilibria.result.verify` (nashpy's own check compares floats with ``==``), and
reports degeneracy in the result instead of in a warning.

Time: these run in-process. The exponential methods refuse games beyond a documented size
(:data:`MAX_SUPPORT_PAIRS`, :data:`MAX_VERTEX_ACTIONS`) before starting, and all three check
a cooperative deadline between candidates, raising :class:`~sim.errors.SolverTimeoutError`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator

import numpy as np
from nashpy.algorithms.lemke_howson import lemke_howson as _nashpy_lemke_howson
from nashpy.algorithms.support_enumeration import indifference_strategies
from nashpy.algorithms.vertex_enumeration import vertex_enumeration as _nashpy_vertex_enumeration

from sim.equilibria._common import Deadline, collect
from sim.equilibria.result import Equilibrium, SolveResult, profile_key
from sim.errors import GameError, GameTooLargeError, SolverError
from sim.game import DEFAULT_TOLERANCE, FloatArray, NormalFormGame

#: Support enumeration refuses games with more support pairs ``(2^m - 1)(2^n - 1)`` than
#: this: 7x7 (16,129 pairs) runs in seconds, a 3x27 game would need 9.4e8 pairs.
MAX_SUPPORT_PAIRS = 20_000

#: Vertex enumeration refuses games where a player has more actions than this (qhull in
#: high dimension, and nashpy re-enumerates one polytope per vertex of the other).
MAX_VERTEX_ACTIONS = 8

Candidate = tuple[FloatArray, FloatArray]


def _matrices(game: NormalFormGame, method: str) -> tuple[FloatArray, FloatArray]:
    if game.n_players != 2:
        raise SolverError(
            method,
            f"is a two-player method; this game has {game.n_players} players "
            "(use gnm, simpdiv or logit)",
        )
    a = np.ascontiguousarray(game.payoffs[0], dtype=np.float64)
    b = np.ascontiguousarray(game.payoffs[1], dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2:  # guaranteed by NormalFormGame; kept as a guard
        raise GameError(f"two-player payoffs must be two equal matrices, got {a.shape}, {b.shape}")
    return a, b


def _positive(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Shift both matrices to payoffs >= 1: the polytope methods need bounded polytopes, and
    a constant shift of a player's payoffs changes no equilibrium."""
    return a - a.min() + 1.0, b - b.min() + 1.0


def support_pairs(shape: tuple[int, ...]) -> int:
    """Number of support pairs support enumeration examines for an ``m x n`` game."""
    m, n = shape
    return (2**m - 1) * (2**n - 1)


def pure_degenerate(game: NormalFormGame, tol: float = DEFAULT_TOLERANCE) -> bool:
    """Whether some pure strategy has more than one pure best response (within tolerance).

    A sufficient condition for a degenerate two-player game (von Stengel, "Computing
    equilibria for two-person games", Handbook of Game Theory vol. 3, 2002, def. 2.6: a game
    is non-degenerate if no mixed strategy with support size k has more than k pure best
    responses).
    """
    a, b = game.payoffs[0], game.payoffs[1]
    eps = tol * game.payoff_scale
    ties_rows = (a >= a.max(axis=0, keepdims=True) - eps).sum(axis=0)  # replies to each column
    ties_cols = (b >= b.max(axis=1, keepdims=True) - eps).sum(axis=1)  # replies to each row
    return bool(ties_rows.max() > 1 or ties_cols.max() > 1)


def _degeneracy_notes(
    game: NormalFormGame, result: SolveResult, tol: float, count_is_complete: bool
) -> tuple[bool, list[str]]:
    """Sufficient tests of degeneracy on the game and on the equilibria found."""
    notes = []
    if pure_degenerate(game, tol):
        notes.append("degenerate game: a pure strategy has several pure best responses")
    eps = tol * game.payoff_scale
    for eq in result.equilibria:
        sizes = [int((s > 1e-9).sum()) for s in eq.profile]
        replies = []
        for i in range(2):
            values = game.action_values(i, eq.profile)
            replies.append(int((values >= values.max() - eps).sum()))
        if sizes[0] != sizes[1] or replies[0] > sizes[0] or replies[1] > sizes[1]:
            notes.append(
                "degenerate game: an equilibrium has more best responses than its support size"
            )
            break
    if count_is_complete and len(result.equilibria) % 2 == 0:
        notes.append(
            f"degenerate game: an even number ({len(result.equilibria)}) of equilibria "
            "(a non-degenerate game has an odd number)"
        )
    return bool(notes), notes


def _finish(
    game: NormalFormGame,
    candidates: list[Candidate],
    method: str,
    tol: float,
    complete: bool,
    extra_notes: list[str],
) -> SolveResult:
    degenerate_before = pure_degenerate(game, tol) or bool(extra_notes)
    first = collect(game, candidates, method, tol, degenerate=True)
    degenerate, notes = _degeneracy_notes(game, first, tol, complete)
    degenerate = degenerate or degenerate_before
    dropped = [n for n in first.notes if n.startswith("dropped")]
    if dropped and not degenerate:
        # Re-run strictly: a non-degenerate game must not produce unverified profiles.
        collect(game, candidates, method, tol, degenerate=False)
    ordered = sorted(first.equilibria, key=lambda e: (not e.is_pure(), _key(e)))
    return SolveResult(
        equilibria=tuple(ordered),
        method=method,
        degenerate=degenerate,
        notes=tuple(dict.fromkeys([*extra_notes, *notes, *dropped])),
    )


def _key(eq: Equilibrium) -> tuple[float, ...]:
    return profile_key(eq.profile)


def _with_warnings(
    gen: Iterator[tuple[np.ndarray, np.ndarray]], deadline: Deadline, notes: list[str]
) -> list[Candidate]:
    """Drain a nashpy generator, checking the deadline and turning warnings into notes."""
    out: list[Candidate] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for s1, s2 in gen:
            out.append((np.asarray(s1, dtype=np.float64), np.asarray(s2, dtype=np.float64)))
            deadline.check()
    for w in caught:
        if issubclass(w.category, RuntimeWarning):
            text = " ".join(str(w.message).split())
            notes.append(f"nashpy warned: {text}")
    return out


def support_enumeration(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """All equilibria of a non-degenerate two-player game by support enumeration.

    Algorithm 3.4 of Nisan, Roughgarden, Tardos and Vazirani, *Algorithmic Game Theory*
    (2007), through nashpy's indifference solver; every support pair of any sizes is
    examined, so degenerate games also yield (some) equilibria, each one verified.

    Raises
    ------
    GameTooLargeError
        If the game has more than :data:`MAX_SUPPORT_PAIRS` support pairs.
    SolverTimeoutError
        If ``timeout`` seconds pass (checked between candidates).
    """
    method = "support"
    a, b = _matrices(game, method)
    pairs = support_pairs(game.shape)
    if pairs > MAX_SUPPORT_PAIRS:
        raise GameTooLargeError(
            method,
            f"a {game.shape[0]}x{game.shape[1]} game has {pairs:.3g} support pairs, beyond the "
            f"limit of {MAX_SUPPORT_PAIRS}; use lemke-howson (fast, finds some equilibria)",
        )
    deadline = Deadline(method, timeout)

    def candidates() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for s1, s2, _sup1, _sup2 in indifference_strategies(a, b, non_degenerate=False):
            yield s1, s2
            deadline.check()

    notes: list[str] = []
    found = _with_warnings(candidates(), deadline, notes)
    # Indifference solutions that are not equilibria are expected here (off-support
    # deviations); keep only those within tolerance before the strict verification.
    eps = tol * game.payoff_scale
    good = [c for c in found if _quick_regret(game, c) <= eps]
    return _finish(game, good, method, tol, True, notes)


def _quick_regret(game: NormalFormGame, profile: Candidate) -> float:
    """Regret of a candidate, or infinity if it is not a probability profile at all."""
    clipped = [np.clip(s, 0.0, None) for s in profile]
    if any(not np.all(np.isfinite(s)) or s.sum() <= 0 for s in clipped):
        return math.inf
    try:
        return game.max_regret([s / s.sum() for s in clipped])
    except GameError:
        return math.inf


def vertex_enumeration(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """All equilibria of a non-degenerate two-player game by vertex enumeration.

    Algorithm 3.5 of Nisan et al., *Algorithmic Game Theory* (2007): enumerate the vertex
    pairs of the two best-response polytopes and keep the completely labelled ones
    (nashpy, with the payoffs shifted to be positive so the polytopes are bounded).

    Raises
    ------
    GameTooLargeError
        If a player has more than :data:`MAX_VERTEX_ACTIONS` actions.
    """
    method = "vertex"
    a, b = _matrices(game, method)
    if max(game.shape) > MAX_VERTEX_ACTIONS:
        raise GameTooLargeError(
            method,
            f"a {game.shape[0]}x{game.shape[1]} game is beyond the limit of "
            f"{MAX_VERTEX_ACTIONS} actions per player; use lemke-howson (fast, finds some "
            "equilibria)",
        )
    deadline = Deadline(method, timeout)
    notes: list[str] = []
    pa, pb = _positive(a, b)
    found = _with_warnings(_nashpy_vertex_enumeration(pa, pb), deadline, notes)
    return _finish(game, found, method, tol, True, notes)


def lemke_howson(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """Equilibria reached by Lemke-Howson from every initial dropped label, deduplicated.

    Algorithm 3.6 of Nisan et al., *Algorithmic Game Theory* (2007), Lemke and Howson
    (1964); nashpy's integer pivoting with lexicographic ratio tests, which terminates on
    degenerate games too. Polynomial per path in practice; not guaranteed to find all
    equilibria.
    """
    method = "lemke-howson"
    a, b = _matrices(game, method)
    deadline = Deadline(method, timeout)
    pa, pb = _positive(a, b)
    notes: list[str] = []

    def paths() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for label in range(sum(game.shape)):
            try:
                yield _nashpy_lemke_howson(pa, pb, initial_dropped_label=label)
            except (ValueError, IndexError, np.linalg.LinAlgError) as exc:
                notes.append(f"lemke-howson from label {label} failed ({exc})")

    found = _with_warnings(paths(), deadline, notes)
    shaped = [c for c in found if c[0].shape == (game.shape[0],) and c[1].shape == (game.shape[1],)]
    if len(shaped) < len(found):
        notes.append(f"dropped {len(found) - len(shaped)} lemke-howson result(s) of wrong shape")
    return _finish(game, shaped, method, tol, False, notes)
