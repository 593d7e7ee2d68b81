"""``all``: every isolated equilibrium of a small game, each one exact or certified.

Two players: exact vertex enumeration (:mod:`sim.equilibria.vertex`): every extreme
equilibrium; when there is no continuum these are all the equilibria.

Three or more players: support enumeration (McKelvey and McLennan, "Computation of
equilibria in finite games", *Handbook of Computational Economics* 1, 1996, sec. 6; the
order and the pruning of Porter, Nudelman and Shoham, "Simple search methods for finding a
Nash equilibrium", *Games and Economic Behavior* 63, 2008). For every support profile,
smallest first:

1. supports with an action *conditionally dominated* given the others' supports (another
   action of the same player pays strictly more against every profile of the others'
   supports) are skipped: no equilibrium has them (exact float comparisons);
2. a pure profile is checked exactly;
3. with one mixer the others' best responses are linear in its probabilities: the
   equilibria form a polytope whose vertices are enumerated exactly (a continuum is
   reported, its extreme points listed); with two mixers the indifference system is linear:
   it is solved in rational arithmetic and the solution checked exactly
   (:mod:`sim.equilibria.exact`);
4. with three or more mixers it is polynomial: every solution in the product of simplices
   is found and certified by interval subdivision with the Krawczyk test
   (:mod:`sim.equilibria.certify`), and its best-response conditions decided on the
   certified enclosure; solutions with an exact tie are read back as small-denominator
   rationals and checked exactly.

``complete`` is true when every support was settled. It is false, with a note naming the
supports, where a linear system has a continuum of solutions or the subdivision leaves an
undecided box: both happen only in degenerate games, and there the list holds the isolated
equilibria found, which include the extreme points of continua reached on smaller
supports.

Size limit (:data:`MAX_SUPPORTS`, :data:`MAX_UNKNOWNS`): at most 1,000 support profiles and
8 unknowns in one system, e.g. 3x3x3 (343 supports, 6 unknowns) and 2x2x2x2x2 (243, 5); a
3x3x3x3 game (2,401 supports) is refused before any work, with the count in the message.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from sim.equilibria import exact as ex
from sim.equilibria._common import Deadline
from sim.equilibria.certify import Decision, SupportSystem, subdivide
from sim.equilibria.result import Equilibrium, SolveResult, deduplicate, profile_key
from sim.equilibria.verify import pure_is_equilibrium
from sim.equilibria.vertex import extreme_result
from sim.errors import GameTooLargeError
from sim.game import DEFAULT_TOLERANCE, NormalFormGame

METHOD = "all"

#: Most support profiles ``prod_i (2^m_i - 1)`` that ``all`` enumerates (N >= 3 players).
MAX_SUPPORTS = 1_000
#: Most unknowns ``sum_i (|S_i| - 1)`` of one support's system (N >= 3 players).
MAX_UNKNOWNS = 8

Support = tuple[tuple[int, ...], ...]


def support_count(shape: tuple[int, ...]) -> int:
    return math.prod(2**m - 1 for m in shape)


def _supports(shape: tuple[int, ...]) -> Iterator[Support]:
    """Every support profile, by total size then lexicographically (smallest first)."""
    per_player = [
        [s for k in range(1, m + 1) for s in itertools.combinations(range(m), k)] for m in shape
    ]
    everything = sorted(
        itertools.product(*per_player), key=lambda s: (sum(len(x) for x in s), s)
    )
    yield from everything


def _dominated(payoffs: np.ndarray, support: Support) -> bool:
    """Whether some action of some player's support is strictly dominated given the
    others' supports (Porter, Nudelman and Shoham 2008, conditional dominance)."""
    n = len(support)
    for i in range(n):
        index = [np.arange(payoffs.shape[1 + j]) if j == i else np.asarray(support[j])
                 for j in range(n)]  # fmt: skip
        block = np.moveaxis(payoffs[i][np.ix_(*index)], i, 0).reshape(payoffs.shape[1 + i], -1)
        for a in support[i]:
            if np.any(np.all(block > block[a], axis=1)):
                return True
    return False


def _certified(
    game: NormalFormGame, system: SupportSystem, lo: np.ndarray, hi: np.ndarray
) -> Equilibrium:
    point = system.profile(0.5 * (lo + hi))
    payoffs = game.payoff(point)
    for s in point:
        s.setflags(write=False)
    payoffs.setflags(write=False)
    return Equilibrium(point, payoffs, METHOD, 0.0)


def _exact(q: ex.RationalProfile, verdict: ex.Verdict) -> Equilibrium:
    floats = ex.to_floats(q)
    payoffs = np.array([float(v) for v in verdict.payoffs])
    for s in floats:
        s.setflags(write=False)
    payoffs.setflags(write=False)
    return Equilibrium(floats, payoffs, METHOD, 0.0)


def _fmt(support: Support) -> str:
    return "(" + ", ".join("{" + ",".join(str(a + 1) for a in s) + "}" for s in support) + ")"


def n_player_equilibria(game: NormalFormGame, check_time: Callable[[], None]) -> SolveResult:
    """``all`` for three or more players (see the module docstring)."""
    shape = game.shape
    count = support_count(shape)
    unknowns = sum(m - 1 for m in shape)
    if count > MAX_SUPPORTS or unknowns > MAX_UNKNOWNS:
        raise GameTooLargeError(
            METHOD,
            f"a {'x'.join(map(str, shape))} game has {count:,} support profiles and up to "
            f"{unknowns} unknowns per system, beyond the limits of {MAX_SUPPORTS:,} and "
            f"{MAX_UNKNOWNS} (use small-support or auto: they say when they may miss some)",
        )
    exact = ex.ExactPayoffs(game.payoffs)
    found: list[Equilibrium] = []
    continua: list[Support] = []
    undecided: list[Support] = []
    ties = False
    for support in _supports(shape):
        check_time()
        if _dominated(game.payoffs, support):
            continue
        settled = _support_equilibria(game, exact, support, check_time)
        found += settled.equilibria
        ties |= settled.ties
        if settled.continuum:
            continua.append(support)
        if settled.undecided:
            undecided.append(support)
    found = deduplicate(found)
    found.sort(key=lambda e: (not e.is_pure(), profile_key(e.profile)))
    notes = []
    if continua:
        notes.append(
            "degenerate game: on support(s) " + ", ".join(_fmt(s) for s in continua[:5])
            + (" and more" if len(continua) > 5 else "")
            + " the equilibria (or the solutions of the indifference conditions) form a "
            "continuum; its extreme points are listed where one player mixes, none where "
            "two do"
        )
    if undecided:
        notes.append(
            "on support(s) " + ", ".join(_fmt(s) for s in undecided[:5])
            + (" and more" if len(undecided) > 5 else "")
            + " the certified search could not settle every box (singular solutions: a "
            "degenerate game); equilibria there may be missing"
        )
    if ties:
        notes.append("degenerate game: an equilibrium has a best response outside its support")
    degenerate = bool(continua or undecided or ties)
    return SolveResult(
        tuple(found), METHOD, degenerate, tuple(notes), complete=not (continua or undecided)
    )


@dataclass
class _Settled:
    """The equilibria with exactly one support, and what could not be settled there."""

    equilibria: list[Equilibrium] = field(default_factory=list)
    ties: bool = False
    continuum: bool = False
    undecided: bool = False


def _support_equilibria(
    game: NormalFormGame,
    exact: ex.ExactPayoffs,
    support: Support,
    check_time: Callable[[], None],
) -> _Settled:
    """Every equilibrium whose support is exactly ``support`` (steps 2-4 of the module
    docstring)."""
    out = _Settled()
    shape = game.shape
    mixers = [j for j, s in enumerate(support) if len(s) > 1]
    if not mixers:
        cell = tuple(s[0] for s in support)
        ok, tie, _ = pure_is_equilibrium(game, cell)
        if ok:
            pure = tuple(
                tuple(ex.Fraction(int(a == cell[j])) for a in range(shape[j]))
                for j in range(len(shape))
            )
            out.equilibria.append(_exact(pure, ex.check(exact, pure)))
            out.ties |= tie
        return out
    if len(mixers) == 1:
        polytope = ex.single_mixer_vertices(exact, support)
        if polytope is None:
            return out
        vertices, out.continuum = polytope
        for vertex in vertices:
            verdict = ex.check(exact, vertex)
            if verdict.equilibrium:  # always, by construction; checked all the same
                out.equilibria.append(_exact(vertex, verdict))
                out.ties |= verdict.tie
        return out
    if len(mixers) <= 2:
        q = ex.solve_linear_support(exact, support)
        if q is None:
            return out
        if isinstance(q, str):
            out.continuum = True
            return out
        if any(q[j][a] <= 0 for j, s in enumerate(support) for a in s):
            return out
        if ex.cells_needed(shape, support) > ex.MAX_EXACT_CELLS:
            out.undecided = True
            return out
        verdict = ex.check(exact, q)
        if verdict.equilibrium:
            out.equilibria.append(_exact(q, verdict))
            out.ties |= verdict.tie
        return out
    system = SupportSystem(game.payoffs, support)
    search = subdivide(system, check_time)
    out.undecided = bool(search.undecided)
    for lo, hi in search.enclosures:
        decision = system.decide(lo[None], hi[None])[0]
        if decision is Decision.EQUILIBRIUM:
            out.equilibria.append(_certified(game, system, lo, hi))
        elif decision is Decision.UNDECIDED and not _settle_exactly(
            game, exact, system, lo, hi, out
        ):
            out.undecided = True
    return out


def _settle_exactly(
    game: NormalFormGame,
    exact: ex.ExactPayoffs,
    system: SupportSystem,
    lo: np.ndarray,
    hi: np.ndarray,
    out: _Settled,
) -> bool:
    """Settle a certified solution with a tie by finding it exactly among small-denominator
    rationals in its enclosure (the enclosure holds one solution only)."""
    point = system.profile(0.5 * (lo + hi))
    for q in ex.recognitions(point):
        inside = all(
            ex.Fraction(float(lo[k])) <= v <= ex.Fraction(float(hi[k]))
            for k, v in enumerate(_free(system, q))
        )
        if not inside or not _solves(exact, system, q):
            continue
        verdict = ex.check(exact, q)
        if verdict.equilibrium and ex.support_of(q) == system.support:
            out.equilibria.append(_exact(q, verdict))
            out.ties |= verdict.tie
        return True
    return False


def _free(system: SupportSystem, q: ex.RationalProfile) -> list[ex.Fraction]:
    return [q[j][a] for j, s in enumerate(system.support) for a in s[1:]]


def _solves(exact: ex.ExactPayoffs, system: SupportSystem, q: ex.RationalProfile) -> bool:
    """Whether ``q`` solves the support's indifference equations exactly."""
    support = system.support
    for i, s in enumerate(support):
        if len(s) < 2:
            continue
        values = ex.action_values(exact, i, q, ex.support_of(q))
        if any(values[a] != values[s[0]] for a in s[1:]):
            return False
    return True


def _balanced_supports(shape: tuple[int, ...], max_unknowns: int) -> Iterator[Support]:
    """Support profiles lazily, in Porter, Nudelman and Shoham's order for N players:
    by total size, then most balanced sizes first; never more than ``max_unknowns``
    unknowns (``sum |S_i| - 1``)."""
    n = len(shape)
    for total in range(n, n + max_unknowns + 1):
        sizes = [
            c for c in itertools.product(*(range(1, m + 1) for m in shape)) if sum(c) == total
        ]
        sizes.sort(key=lambda c: (max(c) - min(c), c))
        for c in sizes:
            yield from itertools.product(
                *(itertools.combinations(range(m), k) for m, k in zip(shape, c, strict=True))
            )


def first_equilibrium(
    game: NormalFormGame, check_time: Callable[[], None], max_unknowns: int = MAX_UNKNOWNS
) -> Equilibrium | None:
    """One equilibrium of a game of any size, by Porter, Nudelman and Shoham's support
    search (smallest, most balanced supports first, conditionally dominated ones skipped),
    each support solved exactly or certified as in ``all``; ``None`` if no support with at
    most ``max_unknowns`` unknowns holds one. Bounded by ``check_time``."""
    exact = ex.ExactPayoffs(game.payoffs)
    for support in _balanced_supports(game.shape, max_unknowns):
        check_time()
        if _dominated(game.payoffs, support):
            continue
        for eq in _support_equilibria(game, exact, support, check_time).equilibria:
            return dataclasses.replace(eq, method="support-search")
    return None


def all_equilibria(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """Every isolated equilibrium of a small game, exact or certified (module docstring).

    ``tol`` is not used (nothing here is decided by a tolerance); it is accepted for the
    common solver interface.

    Raises
    ------
    GameTooLargeError
        Beyond the documented size, before any work.
    SolverTimeoutError
        If ``timeout`` seconds pass (checked between supports and subdivision rounds).
    """
    deadline = Deadline(METHOD, timeout)
    if game.n_players == 2:
        return extreme_result(game, METHOD, deadline.check)
    return n_player_equilibria(game, deadline.check)
