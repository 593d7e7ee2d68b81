"""Two-player equilibria through nashpy: support enumeration, vertex enumeration, Lemke-Howson.

Each function takes a :class:`~sim.game.NormalFormGame` of two players, hands nashpy
validated float matrices (nashpy itself accepts ragged or mis-shaped input and fails only
while solving), treats nashpy's answers as candidates only: each is solved again exactly
and admitted by :func:`~sim.equilibria.verify.verify_many` (exact rational arithmetic), and
reports degeneracy in the result instead of in a warning. Support and vertex enumeration
are complete (every equilibrium) on non-degenerate games, and say so in ``complete``.

Time: these run in-process. The exponential methods refuse games beyond a documented size
(:data:`MAX_SUPPORT_PAIRS`, :data:`sim.equilibria.vertex.MAX_SYSTEMS`) before starting, and
all three check a cooperative deadline between candidates, raising
:class:`~sim.errors.SolverTimeoutError`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterator

import numpy as np
from nashpy.algorithms.support_enumeration import solve_indifference
from nashpy.linalg import create_col_tableau, create_row_tableau

from sim.equilibria._common import Deadline, collect
from sim.equilibria.pure import pure_equilibria
from sim.equilibria.result import Equilibrium, SolveResult, profile_key
from sim.equilibria.vertex import extreme_result
from sim.errors import GameError, GameTooLargeError, SolverError
from sim.game import DEFAULT_TOLERANCE, FloatArray, NormalFormGame

#: Support enumeration refuses games with more equal-size support pairs than this
#: (``C(m + n, m) - 1``; about 0.1 ms each): 3x27 has 4,059 and 8x8 12,869 (runs in a
#: second or two); 9x9 (48,619) and 5x30 (324,631) are refused.
MAX_SUPPORT_PAIRS = 20_000

#: Lemke-Howson gives up a path after this many pivots (nashpy's own loop has no bound and
#: was seen to cycle forever on a small degenerate integer game).
MAX_PIVOTS = 2_000

Candidate = tuple[FloatArray, FloatArray]


def _lemke_howson_path(
    a: FloatArray, b: FloatArray, label: int, deadline: Deadline
) -> Candidate | None:
    """nashpy's Lemke-Howson (integer pivoting, lexicographic ratio test) with a bounded loop.

    The body follows ``nashpy.algorithms.lemke_howson.lemke_howson`` step by step, with two
    additions: the deadline is checked at every pivot and the path is abandoned (``None``)
    after :data:`MAX_PIVOTS` pivots.
    """
    col_tableau = create_col_tableau(a, True)
    row_tableau = create_row_tableau(b, True)
    if label in row_tableau.non_basic_variables:
        order = (row_tableau, col_tableau)
    else:
        order = (col_tableau, row_tableau)
    full_labels = col_tableau.labels
    entering = label
    for step in range(MAX_PIVOTS):
        entering = order[step % 2].pivot_and_drop_label(entering)
        deadline.check()
        labels = col_tableau.non_basic_variables.union(row_tableau.non_basic_variables)
        if labels == full_labels:
            row = row_tableau.to_strategy(col_tableau.non_basic_variables)
            col = col_tableau.to_strategy(row_tableau.non_basic_variables)
            return np.asarray(row, dtype=np.float64), np.asarray(col, dtype=np.float64)
    return None


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
    """Each matrix scaled by a power of two to entries of magnitude at most 1, then shifted
    to payoffs in [1, 3]: the polytope methods need bounded polytopes, and a positive scaling
    or a constant shift of a player's payoffs changes no equilibrium. The scaling comes first
    (exact: a power of two) so that payoffs far from 1 keep their differences: shifting
    payoffs of about 1e-232 by 1 rounded them all to 1, and Lemke-Howson then returned only
    profiles that are not equilibria (hypothesis found it)."""
    return _unit(a) + 1.0, _unit(b) + 1.0


def _unit(m: FloatArray) -> FloatArray:
    """``m`` times the power of two that brings its largest magnitude into [1/2, 1), then
    shifted by its minimum: entries in [0, 2]."""
    top = float(np.max(np.abs(m)))
    scaled = np.ldexp(m, -math.frexp(top)[1]) if top > 0 else m
    return scaled - scaled.min()


def _pure_candidates(game: NormalFormGame) -> list[Candidate]:
    out = []
    for p in pure_equilibria(game):
        row, col = game.pure_to_mixed(p)
        out.append((row, col))
    return out


def support_pairs(shape: tuple[int, ...]) -> int:
    """Number of equal-size support pairs of an ``m x n`` game: ``C(m + n, m) - 1``."""
    m, n = shape
    return math.comb(m + n, m) - 1


def pure_degenerate(game: NormalFormGame, tol: float = 0.0) -> bool:
    """Whether some pure strategy has more than one pure best response.

    A sufficient condition for a degenerate two-player game (von Stengel, "Computing
    equilibria for two-person games", Handbook of Game Theory vol. 3, 2002, def. 2.6: a game
    is non-degenerate if no mixed strategy with support size k has more than k pure best
    responses). Ties are exact equalities of the game's floats; a positive ``tol`` also
    counts near-ties (relative to the two payoffs compared).
    """
    a, b = game.payoffs[0], game.payoffs[1]
    best_rows = a.max(axis=0, keepdims=True)  # best reply payoff to each column
    best_cols = b.max(axis=1, keepdims=True)  # best reply payoff to each row
    ties_rows = (a >= best_rows - tol * np.maximum(np.abs(a), np.abs(best_rows))).sum(axis=0)
    ties_cols = (b >= best_cols - tol * np.maximum(np.abs(b), np.abs(best_cols))).sum(axis=1)
    return bool(ties_rows.max() > 1 or ties_cols.max() > 1)


PURE_DEGENERATE_NOTE = (
    "degenerate game: against some pure strategy the other player has several best "
    "responses with exactly equal payoffs"
)


def _degeneracy_notes(
    game: NormalFormGame, equilibria: list[Equilibrium], ties: bool, count_is_complete: bool
) -> list[str]:
    """Sufficient tests of degeneracy on the game and on the (exactly verified) equilibria."""
    notes = []
    if pure_degenerate(game):
        notes.append(PURE_DEGENERATE_NOTE)
    if ties:
        notes.append("degenerate game: an equilibrium has a best response outside its support")
    for eq in equilibria:
        sizes = [int(np.count_nonzero(s)) for s in eq.profile]
        if sizes[0] != sizes[1]:
            notes.append("degenerate game: an equilibrium has supports of different sizes")
            break
    if count_is_complete and len(equilibria) % 2 == 0:
        notes.append(
            f"degenerate game: an even number ({len(equilibria)}) of equilibria "
            "(a non-degenerate game has an odd number)"
        )
    return notes


def _finish(
    game: NormalFormGame,
    candidates: list[Candidate],
    method: str,
    tol: float,
    complete: bool,
    extra_notes: list[str],
    enumerates: bool = False,
) -> SolveResult:
    """Verify, order and describe: ``complete`` says whether the method would find every
    equilibrium of a non-degenerate game (it is reported only if no degeneracy is seen);
    ``enumerates`` that its candidates are not claimed to be equilibria (support
    enumeration), so those that are not go without a note."""
    found, ties, notes = collect(game, candidates, method, tol, screened_are_news=not enumerates)
    degeneracy = _degeneracy_notes(game, found, ties, complete)
    degenerate = bool(degeneracy) or any(n.startswith("degenerate") for n in extra_notes)
    ordered = sorted(found, key=lambda e: (not e.is_pure(), _key(e)))
    dropped = [n for n in notes if n.startswith("dropped")]
    return SolveResult(
        equilibria=tuple(ordered),
        method=method,
        degenerate=degenerate,
        notes=tuple(dict.fromkeys([*extra_notes, *degeneracy, *dropped])),
        complete=complete and not degenerate,
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


def _equal_size_supports(m: int, n: int) -> Iterator[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Support pairs of equal size, smallest first (nashpy's ``potential_support_pairs``
    filters all subsets of the larger side, which is exponential in it alone)."""
    for k in range(1, min(m, n) + 1):
        for rows in itertools.combinations(range(m), k):
            for cols in itertools.combinations(range(n), k):
                yield rows, cols


def support_enumeration(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """Equilibria of a two-player game by support enumeration (all of them if non-degenerate).

    Algorithm 3.4 of Nisan, Roughgarden, Tardos and Vazirani, *Algorithmic Game Theory*
    (2007): for every pair of supports of equal size, solve the indifference equations
    (nashpy's ``solve_indifference``) and keep the solutions that are equilibria.

    Two departures from ``nashpy.Game.support_enumeration``, both measured: nashpy walks
    all ``(2^m - 1)(2^n - 1)`` support pairs, though its systems are square (solvable) only
    for equal sizes (that is why it did not finish on a 3x27 game; here 4,059 pairs, 0.25 s),
    and it solves over all actions with the off-support probabilities forced to zero, then
    rejects a solution whose zero comes out as ``-1e-17``, losing equilibria of float games.
    Here each system is solved on the support submatrix and embedded with exact zeros,
    and equilibria are checked by regret, not by ``==``.

    Raises
    ------
    GameTooLargeError
        If the game has more than :data:`MAX_SUPPORT_PAIRS` equal-size support pairs.
    SolverTimeoutError
        If ``timeout`` seconds pass (checked between support pairs).
    """
    method = "support"
    a, b = _matrices(game, method)
    pairs = support_pairs(game.shape)
    if pairs > MAX_SUPPORT_PAIRS:
        raise GameTooLargeError(
            method,
            f"a {game.shape[0]}x{game.shape[1]} game has {pairs:,} support pairs, beyond the "
            f"limit of {MAX_SUPPORT_PAIRS:,}; use lemke-howson (fast, finds some equilibria)",
        )
    deadline = Deadline(method, timeout)
    m, n = game.shape
    found: list[Candidate] = []
    for sup1, sup2 in _equal_size_supports(m, n):
        deadline.check()
        rows, cols = list(sup1), list(sup2)
        sub1 = solve_indifference(b.T[:, rows], cols, range(len(rows)))
        sub2 = solve_indifference(a[:, cols], rows, range(len(cols)))
        if sub1 is False or sub2 is False:
            continue
        x, y = np.zeros(m), np.zeros(n)
        x[rows], y[cols] = sub1, sub2
        if _plausible(x) and _plausible(y):
            found.append((x, y))
    return _finish(game, found, method, tol, True, [], enumerates=True)


def _plausible(s: FloatArray) -> bool:
    """A float solution that could round a probability vector (the exact check decides)."""
    return bool(np.all(np.isfinite(s)) and np.all(s >= -1e-7) and abs(s.sum() - 1.0) <= 1e-6)


def vertex_enumeration(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """Every extreme equilibrium of a two-player game by exact vertex enumeration.

    Algorithm 3.5 of Nisan et al., *Algorithmic Game Theory* (2007), in exact rational
    arithmetic (:mod:`sim.equilibria.vertex`; nashpy's floating-point version with qhull
    returned false vertices on games with payoffs of 1e9 and 1e-9): complete, and regret 0,
    whenever the game has no continuum of equilibria (then it lists the continuum's
    extreme points and says so). ``tol`` is not used.

    Raises
    ------
    GameTooLargeError
        Beyond :data:`sim.equilibria.vertex.MAX_SYSTEMS` vertex systems per player.
    SolverTimeoutError
        If ``timeout`` seconds pass.
    """
    method = "vertex"
    _matrices(game, method)
    return extreme_result(game, method, Deadline(method, timeout).check)


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
    notes: list[str] = []
    if min(game.shape) == 1:
        # nashpy's tableaux fail on a single action; the paths end at pure best responses.
        return _finish(game, _pure_candidates(game), method, tol, False, notes)
    pa, pb = _positive(a, b)

    def paths() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for label in range(sum(game.shape)):
            try:
                found = _lemke_howson_path(pa, pb, label, deadline)
            except (ValueError, IndexError, KeyError, np.linalg.LinAlgError) as exc:
                notes.append(f"lemke-howson from label {label} failed ({exc!r})")
                continue
            if found is None:
                notes.append(
                    f"degenerate game: lemke-howson from label {label} did not end within "
                    f"{MAX_PIVOTS} pivots (cycling)"
                )
                continue
            yield found

    found = _with_warnings(paths(), deadline, notes)
    shaped = [c for c in found if c[0].shape == (game.shape[0],) and c[1].shape == (game.shape[1],)]
    if len(shaped) < len(found):
        notes.append(f"dropped {len(found) - len(shaped)} lemke-howson result(s) of wrong shape")
    return _finish(game, shaped, method, tol, False, notes)
