"""Exact rational arithmetic on a game's own payoffs.

Every float is a rational number (a dyadic one), so Python's :class:`fractions.Fraction`
represents a game's payoffs exactly, and the best-response conditions of a profile whose
probabilities are rationals can be decided without any rounding: no tolerance, at any
payoff scale. This module holds those exact checks and the exact solution of the
indifference systems that are linear (at most two players mix: each mixer's indifference
is then linear in the other mixer's probabilities; always so in two-player games).

Size limit: exact work on one profile costs about ``sum_i m_i * prod_{j != i} |S_j|``
Fraction products (``S_j`` the supports); :data:`MAX_EXACT_CELLS` bounds it. Beyond it,
profiles are certified numerically instead (:mod:`sim.equilibria.certify`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from sim.game import FloatArray

#: Exact checks refuse profiles needing more than this many Fraction products (about
#: 1-2 microseconds each): ``sum_i m_i * prod_{j != i} |S_j|``.
MAX_EXACT_CELLS = 200_000

#: Denominator bounds tried when a float profile is read back as a rational one.
RECOGNITION_DENOMINATORS = (1_000, 1_000_000, 1_000_000_000)

RationalProfile = tuple[tuple[Fraction, ...], ...]
Support = tuple[tuple[int, ...], ...]


class ExactPayoffs:
    """A game's payoffs as exact :class:`~fractions.Fraction` values, converted on demand."""

    def __init__(self, payoffs: FloatArray) -> None:
        self.payoffs = payoffs
        self.shape = tuple(int(m) for m in payoffs.shape[1:])
        self.n = int(payoffs.shape[0])
        self._cache: dict[tuple[int, ...], Fraction] = {}
        self._ints: dict[tuple[int, ...], int] = {}
        # Player i's payoffs times 2**bits[i] are integers (every float is M * 2**e with
        # an integer M below 2**53): exact comparisons without Fraction arithmetic.
        self.bits = []
        for i in range(self.n):
            _, e = np.frexp(payoffs[i])
            self.bits.append(max(0, 53 - int(e.min())) if e.size else 0)

    def integer(self, i: int, cell: tuple[int, ...]) -> int:
        """Player ``i``'s payoff at ``cell`` times ``2**bits[i]``, exactly."""
        key = (i, *cell)
        value = self._ints.get(key)
        if value is None:
            num, den = float(self.payoffs[key]).as_integer_ratio()
            value = num * ((1 << self.bits[i]) // den)
            self._ints[key] = value
        return value

    def __call__(self, i: int, cell: tuple[int, ...]) -> Fraction:
        key = (i, *cell)
        value = self._cache.get(key)
        if value is None:
            value = Fraction(float(self.payoffs[key]))
            self._cache[key] = value
        return value


def support_of(profile: RationalProfile) -> Support:
    return tuple(tuple(a for a, p in enumerate(s) if p != 0) for s in profile)


def cells_needed(shape: Sequence[int], support: Support) -> int:
    sizes = [len(s) for s in support]
    total = 0
    for i, m in enumerate(shape):
        total += m * int(np.prod([sizes[j] for j in range(len(shape)) if j != i], dtype=float))
    return total


def action_values(
    exact: ExactPayoffs, i: int, profile: RationalProfile, support: Support
) -> list[Fraction]:
    """Player ``i``'s exact expected payoff of each of its actions against the others'
    strategies in ``profile`` (whose supports are ``support``)."""
    others = [j for j in range(exact.n) if j != i]
    weights: list[tuple[tuple[int, ...], Fraction]] = []
    for rest in itertools.product(*(support[j] for j in others)):
        w = Fraction(1)
        for j, a in zip(others, rest, strict=True):
            w *= profile[j][a]
        weights.append((rest, w))
    out = []
    for a in range(exact.shape[i]):
        total = Fraction(0)
        for rest, w in weights:
            cell = list(rest)
            cell.insert(i, a)
            total += w * exact(i, tuple(cell))
        out.append(total)
    return out


@dataclass(frozen=True)
class Verdict:
    """The exact answer for one rational profile.

    ``equilibrium``: no player gains by a unilateral deviation (exactly). ``tie``: some
    action outside a player's support earns exactly as much as the support (the game is
    degenerate there; the profile is an equilibrium nonetheless). ``payoffs``: each
    player's exact expected payoff.
    """

    equilibrium: bool
    tie: bool
    payoffs: tuple[Fraction, ...]


def check(exact: ExactPayoffs, profile: RationalProfile) -> Verdict:
    """Decide exactly whether the rational ``profile`` is a Nash equilibrium.

    In integers: each player's probabilities over a common denominator ``D_j`` and each
    player's payoffs times a power of two, so player ``i``'s action values all carry the
    same positive factor ``2**bits[i] * prod_{j != i} D_j`` and compare as integers.
    """
    support = support_of(profile)
    scaled: list[dict[int, int]] = []
    denominators: list[int] = []
    for s in profile:
        d = 1
        for p in s:
            if p:
                d = d * p.denominator // math.gcd(d, p.denominator)
        denominators.append(d)
        scaled.append({a: int(p * d) for a, p in enumerate(s) if p})
    tie = False
    payoffs = []
    for i in range(exact.n):
        others = [j for j in range(exact.n) if j != i]
        weights = []
        for rest in itertools.product(*(support[j] for j in others)):
            w = 1
            for j, a in zip(others, rest, strict=True):
                w *= scaled[j][a]
            weights.append((rest, w))
        values = []
        for a in range(exact.shape[i]):
            total = 0
            for rest, w in weights:
                cell = list(rest)
                cell.insert(i, a)
                total += w * exact.integer(i, tuple(cell))
            values.append(total)
        best = max(values)
        if any(values[a] != best for a in support[i]):
            return Verdict(False, False, ())
        if any(values[a] == best for a in range(exact.shape[i]) if a not in support[i]):
            tie = True
        scale = (1 << exact.bits[i]) * math.prod(denominators[j] for j in others)
        payoffs.append(Fraction(best, scale))
    return Verdict(True, tie, tuple(payoffs))


def is_probability_profile(profile: RationalProfile) -> bool:
    return all(all(p >= 0 for p in s) and sum(s) == 1 for s in profile)


# -- exact linear algebra ------------------------------------------------------------------


def solve_linear(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None | str:
    """Solve ``rows @ x = rhs`` exactly (Gauss-Jordan over the rationals).

    Returns the unique solution, ``None`` if there is none, or ``"many"`` if the solution
    set is an affine space of positive dimension.
    """
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    a = [list(r) + [b] for r, b in zip(rows, rhs, strict=True)]
    pivots: list[int] = []
    r = 0
    for c in range(n_cols):
        pivot = next((k for k in range(r, n_rows) if a[k][c] != 0), None)
        if pivot is None:
            continue
        a[r], a[pivot] = a[pivot], a[r]
        inv = 1 / a[r][c]
        a[r] = [v * inv for v in a[r]]
        for k in range(n_rows):
            if k != r and a[k][c] != 0:
                f = a[k][c]
                a[k] = [v - f * w for v, w in zip(a[k], a[r], strict=True)]
        pivots.append(c)
        r += 1
        if r == n_rows:
            break
    if any(all(v == 0 for v in a[k][:n_cols]) and a[k][n_cols] != 0 for k in range(r, n_rows)):
        return None
    if len(pivots) < n_cols:
        return "many"
    x = [Fraction(0)] * n_cols
    for k, c in enumerate(pivots):
        x[c] = a[k][n_cols]
    return x


def _mixer_system(
    exact: ExactPayoffs,
    i: int,
    j: int | None,
    support: Support,
    indifferent: Sequence[int],
) -> tuple[list[list[Fraction]], list[Fraction]]:
    """Rows making player ``i`` indifferent among ``indifferent`` as a linear system in the
    free probabilities of the other mixer ``j`` (``support[j][1:]``; the first action of
    ``support[j]`` takes the rest), every other player fixed at its single action."""
    base = indifferent[0]
    fixed = [s[0] for s in support]
    columns = support[j] if j is not None else (None,)
    rows, rhs = [], []
    for s in indifferent[1:]:
        diffs = []
        for t in columns:
            cell_s, cell_b = list(fixed), list(fixed)
            cell_s[i], cell_b[i] = s, base
            if j is not None and t is not None:
                cell_s[j] = cell_b[j] = t
            diffs.append(exact(i, tuple(cell_s)) - exact(i, tuple(cell_b)))
        rows.append([d - diffs[0] for d in diffs[1:]])
        rhs.append(-diffs[0])
    return rows, rhs


def solve_linear_support(
    exact: ExactPayoffs,
    support: Support,
    indifferent: Sequence[Sequence[int]] | None = None,
) -> RationalProfile | None | str:
    """The exact solution of the indifference system of ``support`` when at most two
    players mix (then the system is linear: each mixer's indifference conditions are linear
    in the other mixer's probabilities).

    ``indifferent[i]`` (default ``support[i]``) are the actions among which mixer ``i``
    must be indifferent; a superset of its support pins down the vertices of degenerate
    games. Returns the rational profile (not yet checked for nonnegativity or for best
    responses), ``None`` if the system has no solution, or ``"many"`` if its solutions
    form a continuum.
    """
    mixers = [k for k, s in enumerate(support) if len(s) > 1]
    if len(mixers) > 2:
        raise ValueError("solve_linear_support needs at most two mixing players")
    chosen = indifferent if indifferent is not None else support
    free: dict[int, list[Fraction]] = {}
    if len(mixers) == 2:
        # Both systems first: one with no solution settles it, even if the other has many.
        solutions = []
        for i, j in ((mixers[0], mixers[1]), (mixers[1], mixers[0])):
            rows, rhs = _mixer_system(exact, i, j, support, chosen[i])
            solutions.append((j, solve_linear(rows, rhs)))
        if any(sol is None for _, sol in solutions):
            return None
        for j, sol in solutions:
            if not isinstance(sol, list):
                return sol
            free[j] = sol
    elif len(mixers) == 1:
        # The lone mixer's indifference involves no unknown: it holds exactly or never,
        # and then its own probabilities are free (a continuum).
        i = mixers[0]
        _, rhs = _mixer_system(exact, i, None, support, chosen[i])
        return None if any(v != 0 for v in rhs) else "many"
    profile: list[tuple[Fraction, ...]] = []
    for k, s in enumerate(support):
        probs = [Fraction(0)] * exact.shape[k]
        if k in free:
            rest = free[k]
            probs[s[0]] = 1 - sum(rest, Fraction(0))
            for a, p in zip(s[1:], rest, strict=True):
                probs[a] = p
        else:
            probs[s[0]] = Fraction(1)
        profile.append(tuple(probs))
    return tuple(profile)


def single_mixer_vertices(
    exact: ExactPayoffs, support: Support
) -> tuple[list[RationalProfile], bool] | None:
    """The equilibria with exactly ``support`` when one player mixes (a degenerate case).

    With the others pure, the mixer's indifference is a condition on the game alone (it
    holds exactly or never) and the others' best responses are linear inequalities in the
    mixer's probabilities: the equilibria form a polytope. Its vertices are enumerated
    exactly (every choice of tight constraints, solved in rational arithmetic).

    Returns ``None`` if there is no equilibrium with this support, else the polytope's
    vertices at which every probability of the support is positive (its extreme points
    within this support) and whether the polytope is more than a point (a continuum).
    """
    mixers = [k for k, s in enumerate(support) if len(s) > 1]
    if len(mixers) != 1:
        raise ValueError("single_mixer_vertices needs exactly one mixing player")
    i = mixers[0]
    fixed = [s[0] for s in support]
    own = support[i]

    def value(j: int, action_j: int, action_i: int) -> Fraction:
        cell = list(fixed)
        cell[i] = action_i
        cell[j] = action_j
        return exact(j, tuple(cell))

    # The mixer: indifferent within its support, nothing better outside (constants).
    base = exact(i, tuple(fixed))
    for a in range(exact.shape[i]):
        cell = list(fixed)
        cell[i] = a
        here = exact(i, tuple(cell))
        if (a in own and here != base) or (a not in own and here > base):
            return None
    # Others' best responses: rows g with g . p <= 0 over the mixer's support.
    rows: list[list[Fraction]] = []
    for j in range(exact.n):
        if j == i:
            continue
        for t in range(exact.shape[j]):
            if t != fixed[j]:
                rows.append([value(j, t, a) - value(j, fixed[j], a) for a in own])
    m = len(own)
    constraints = [[Fraction(int(a == b)) for b in range(m)] for a in range(m)]  # p_a >= 0
    constraints += [[-v for v in row] for row in rows]  # -g . p >= 0
    vertices: list[tuple[Fraction, ...]] = []
    for tight in itertools.combinations(range(len(constraints)), m - 1):
        system = [constraints[c] for c in tight] + [[Fraction(1)] * m]
        solution = solve_linear(system, [Fraction(0)] * (m - 1) + [Fraction(1)])
        if not isinstance(solution, list):
            continue
        if all(sum((c * x for c, x in zip(con, solution, strict=True)), Fraction(0)) >= 0
               for con in constraints):  # fmt: skip
            point = tuple(solution)
            if point not in vertices:
                vertices.append(point)
    if not vertices:
        return None
    centroid = [sum(v[a] for v in vertices) / len(vertices) for a in range(m)]
    if any(c <= 0 for c in centroid):
        return None  # the polytope lies on a face: those equilibria have smaller supports
    out: list[RationalProfile] = []
    for v in vertices:
        if all(x > 0 for x in v):
            profile = []
            for k, s in enumerate(support):
                probs = [Fraction(0)] * exact.shape[k]
                if k == i:
                    for a, x in zip(own, v, strict=True):
                        probs[a] = x
                else:
                    probs[s[0]] = Fraction(1)
                profile.append(tuple(probs))
            out.append(tuple(profile))
    return out, len(vertices) > 1


# -- reading floats back as rationals ------------------------------------------------------


def as_rational(profile: Sequence[FloatArray]) -> RationalProfile:
    """The float profile's own exact values, each strategy rescaled to sum to one exactly."""
    out = []
    for s in profile:
        values = [Fraction(float(p)) for p in s]
        total = sum(values, Fraction(0))
        out.append(tuple(v / total for v in values))
    return tuple(out)


def recognitions(profile: Sequence[FloatArray]) -> list[RationalProfile]:
    """Rational profiles with small denominators near ``profile`` (one per bound of
    :data:`RECOGNITION_DENOMINATORS`, distinct), each summing to one exactly."""
    out: list[RationalProfile] = []
    for bound in RECOGNITION_DENOMINATORS:
        candidate = []
        for s in profile:
            values = [Fraction(float(p)).limit_denominator(bound) for p in s]
            if any(v < 0 for v in values):
                values = [max(v, Fraction(0)) for v in values]
            total = sum(values, Fraction(0))
            if total == 0:
                break
            if total != 1:
                # Put the rounding on the largest probability, as a solver would.
                k = max(range(len(values)), key=lambda a: values[a])
                values[k] += 1 - total
                if values[k] < 0:
                    break
            candidate.append(tuple(values))
        else:
            key = tuple(candidate)
            if key not in out:
                out.append(key)
    return out


def to_floats(profile: RationalProfile) -> tuple[FloatArray, ...]:
    """Each probability rounded to the nearest float (exact zeros stay zero)."""
    return tuple(np.array([float(p) for p in s], dtype=np.float64) for s in profile)
