"""The check that admits a profile as an equilibrium: exact, or certified, never a tolerance.

A profile is admitted only if it is shown to be a Nash equilibrium without rounding error:

- **Pure profiles** (every strategy puts all its weight on one action): each deviation
  payoff is compared with the equilibrium payoff exactly, as the floats they are.
- **Mixed profiles**: the candidate's support is read off (probabilities above
  :data:`SUPPORT_THRESHOLD`) and its indifference system solved again:
  exactly, in rational arithmetic (:mod:`sim.equilibria.exact`), when at most two players
  mix (the system is linear; always so for two players), then the solution's best-response
  conditions are decided exactly; with three or more mixers the system is polynomial and
  its solution near the candidate is certified by interval analysis
  (:mod:`sim.equilibria.certify`), which also decides the strict inequalities. Where those
  cannot decide (an exact tie), the candidate's own rational value and nearby rationals
  with small denominators are checked exactly. A candidate that none of this confirms is
  rejected.

What is returned is the equilibrium so verified (its probabilities rounded to floats), not
the candidate as the solver gave it; its ``regret`` is that of the verified equilibrium,
0.0. Before the exact work, all candidates are screened together in floating point
(vectorised): a candidate whose best deviation gains more than ``tol`` times the size of
the payoffs compared is rejected at once. The screen is scale-free (relative to the
payoffs that enter each comparison, never to the game's range, never floored at 1) and
can only save time, never admit anything.

Size limit: exact checks cost about ``sum_i m_i * prod_{j != i} |S_j|`` rational products
(:data:`sim.equilibria.exact.MAX_EXACT_CELLS`); beyond it only the certified route is
taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.equilibria import exact as ex
from sim.equilibria.certify import Decision, SupportSystem, certify_near
from sim.equilibria.result import Equilibrium
from sim.errors import GameError, SolverError
from sim.game import (
    DEFAULT_TOLERANCE,
    FloatArray,
    MixedProfile,
    NormalFormGame,
    profile_strides,
)

#: A probability at most this is read as zero when a candidate's support is read off.
SUPPORT_THRESHOLD = 1e-6

_U = 2.0**-53


@dataclass
class Verification:
    """What :func:`verify_many` made of a list of candidates.

    ``equilibria``: the verified ones, in candidate order (duplicates kept). ``failures``:
    one :class:`~sim.errors.SolverError` per rejected candidate. ``ties``: whether some
    verified equilibrium has an action outside a player's support that earns exactly as
    much (a degenerate game). ``undecided``: candidates rejected only because neither exact
    nor certified arithmetic could decide them. ``screened``: how many of the failures are
    not equilibria even in floating point (the rest are float equilibria that are not
    exact ones).
    """

    equilibria: list[Equilibrium] = field(default_factory=list)
    failures: list[SolverError] = field(default_factory=list)
    ties: bool = False
    undecided: int = 0
    screened: int = 0


def _clean(profile: Sequence[Any], method: str, game: NormalFormGame) -> MixedProfile:
    try:
        raw = [np.asarray(s, dtype=np.float64).reshape(-1) for s in profile]
    except (TypeError, ValueError) as exc:
        raise SolverError(method, f"returned a profile that is not numeric ({exc})") from None
    cleaned = []
    for s in raw:
        if not np.all(np.isfinite(s)) or s.size == 0 or np.any(s < -1e-7):
            raise SolverError(method, f"returned a strategy that is not a probability vector: {s}")
        c = np.clip(s, 0.0, None)
        total = c.sum()
        if not abs(total - 1.0) <= 1e-6:
            raise SolverError(method, f"returned a strategy that does not sum to 1: {s}")
        cleaned.append(c / total)
    try:
        return game.as_mixed(cleaned)
    except GameError as exc:
        raise SolverError(method, f"returned a malformed profile ({exc})") from None


def _pure_actions(profile: MixedProfile) -> tuple[int, ...] | None:
    actions = []
    for s in profile:
        k = int(np.argmax(s))
        if s[k] < 1.0 - 1e-9:
            return None
        actions.append(k)
    return tuple(actions)


def pure_is_equilibrium(game: NormalFormGame, cell: tuple[int, ...]) -> tuple[bool, bool, float]:
    """Whether the pure profile ``cell`` is an equilibrium (exact comparisons of the
    game's own floats), whether some other action ties a player's payoff there, and the
    largest gain of a deviation (as a float)."""
    tie = False
    ok = True
    gain = 0.0
    for i in range(game.n_players):
        line: list[Any] = list(cell)
        line[i] = slice(None)
        values = game.payoffs[(i, *line)]
        own = values[cell[i]]
        if np.any(values > own):
            ok = False
            gain = max(gain, float(values.max() - own))
        elif np.count_nonzero(values == own) > 1:
            tie = True
    return ok, tie and ok, gain


def _screen(
    game: NormalFormGame, profiles: list[MixedProfile], tol: float
) -> tuple[FloatArray, FloatArray]:
    """Float regrets ``(C,)`` of candidates and the payoff magnitudes ``(C,)`` they are
    compared with, every candidate at once (one contraction per player)."""
    c = len(profiles)
    n = game.n_players
    regret = np.zeros(c)
    size = np.zeros(c)
    for i in range(n):
        t = np.moveaxis(game.payoffs[i], i, 0)
        a = np.abs(t)
        others = [np.stack([p[j] for p in profiles]) for j in range(n) if j != i]
        v = np.einsum("ra...,ba->br...", t, others[0])
        m = np.einsum("ra...,ba->br...", a, others[0])
        for o in others[1:]:
            v = np.einsum("bra...,ba->br...", v, o)
            m = np.einsum("bra...,ba->br...", m, o)
        own = np.stack([p[i] for p in profiles])
        regret = np.maximum(regret, v.max(axis=1) - np.einsum("br,br->b", v, own))
        size = np.maximum(size, m.max(axis=1))
    return regret, size


def _supports(profile: MixedProfile) -> list[ex.Support]:
    out: list[ex.Support] = []
    for threshold in (SUPPORT_THRESHOLD, 1e-12):
        support = tuple(tuple(int(a) for a in np.flatnonzero(s > threshold)) for s in profile)
        if all(support) and support not in out:
            out.append(support)
    return out


def _exact_equilibrium(
    game: NormalFormGame,
    exact: ex.ExactPayoffs,
    q: ex.RationalProfile,
    method: str,
    checked: bool = False,
) -> tuple[Equilibrium, bool] | None:
    if not checked and not ex.is_probability_profile(q):
        return None
    if ex.cells_needed(game.shape, ex.support_of(q)) > ex.MAX_EXACT_CELLS:
        return None
    verdict = ex.check(exact, q)
    if not verdict.equilibrium:
        return None
    profile = ex.to_floats(q)
    payoffs = np.array([float(v) for v in verdict.payoffs])
    return _frozen(profile, payoffs, method), verdict.tie


def _frozen(profile: Sequence[FloatArray], payoffs: FloatArray, method: str) -> Equilibrium:
    for s in profile:
        s.setflags(write=False)
    payoffs.setflags(write=False)
    return Equilibrium(profile=tuple(profile), payoffs=payoffs, method=method, regret=0.0)


def _tight(game: NormalFormGame, profile: MixedProfile, tol: float) -> list[tuple[int, ...]]:
    """Each player's actions whose float payoff is within the screen tolerance of its best:
    the candidates for exact indifference in a degenerate game."""
    out = []
    for values in game.all_action_values(profile, validated=True):
        scale = float(np.max(np.abs(values))) or 1.0
        best = float(values.max())
        out.append(tuple(int(a) for a in np.flatnonzero(values >= best - 64 * (tol + _U) * scale)))
    return out


def _verify_mixed(
    game: NormalFormGame,
    exact: ex.ExactPayoffs,
    profile: MixedProfile,
    method: str,
    tol: float,
) -> tuple[Equilibrium | None, bool, bool]:
    """(equilibrium or None, tie, undecided) for one screened mixed candidate."""
    undecided = False
    for support in _supports(profile):
        mixers = sum(len(s) > 1 for s in support)
        if mixers <= 2:
            # The support's own indifference first; if that does not pin the profile down
            # (a degenerate game), also the actions that tie in floating point.
            for attempt in range(2):
                indifferent: Sequence[Sequence[int]] | None = None
                if attempt:
                    tight = _tight(game, profile, tol)
                    widened = [tuple(sorted(set(s) | set(t)))
                               for s, t in zip(support, tight, strict=True)]  # fmt: skip
                    if widened == list(support):
                        break
                    indifferent = widened
                q = ex.solve_linear_support(exact, support, indifferent)
                if isinstance(q, tuple):
                    if any(q[j][a] <= 0 for j, s in enumerate(support) for a in s):
                        continue
                    # Sums to one by construction, positive on the support: a profile.
                    found = _exact_equilibrium(game, exact, q, method, checked=True)
                    if found is not None:
                        return found[0], found[1], False
        else:
            system = SupportSystem(game.payoffs, support)
            enclosure = certify_near(system, system.free_coordinates(profile))
            if enclosure is not None:
                lo, hi = enclosure
                decision = system.decide(lo[None], hi[None])[0]
                if decision is Decision.EQUILIBRIUM:
                    point = system.profile(0.5 * (lo + hi))
                    payoffs = game.payoff(point)
                    return _frozen(list(point), payoffs, method), False, False
                if decision is Decision.UNDECIDED:
                    undecided = True
    for q in [ex.as_rational(profile), *ex.recognitions(profile)]:
        found = _exact_equilibrium(game, exact, q, method)
        if found is not None:
            return found[0], found[1], False
    return None, False, undecided


def verify_many(
    game: NormalFormGame,
    profiles: Sequence[Sequence[Any]],
    method: str,
    tol: float = DEFAULT_TOLERANCE,
) -> Verification:
    """Verify every candidate profile (see the module docstring); never raises for a
    candidate that is merely not an equilibrium: it lands in ``failures``."""
    out = Verification()
    cleaned: list[MixedProfile] = []
    for p in profiles:
        try:
            cleaned.append(_clean(p, method, game))
        except SolverError as exc:
            # kept without its traceback, which holds this frame and so ``out``: a cycle
            out.failures.append(exc.with_traceback(None))
    pure = [_pure_actions(p) for p in cleaned]
    mixed = [p for p, a in zip(cleaned, pure, strict=True) if a is None]
    if mixed:
        regret, size = _screen(game, mixed, tol)
        bound = (tol + 64 * game.n_players * _U) * size
        passed = iter(regret <= bound)
        gains = iter(regret)
    exact = ex.ExactPayoffs(game.payoffs)
    for p, cell in zip(cleaned, pure, strict=True):
        if cell is not None:
            ok, tie, gain = pure_is_equilibrium(game, cell)
            if ok:
                profile = game.pure_to_mixed(cell)
                payoffs = np.array(game.payoffs[(slice(None), *cell)], dtype=np.float64)  # type: ignore[arg-type]
                out.equilibria.append(_frozen(list(profile), payoffs, method))
                out.ties |= tie
            else:
                out.screened += 1
                out.failures.append(
                    SolverError(
                        method, "returned a pure profile that is not an equilibrium", gain
                    )
                )
            continue
        gain = float(next(gains))
        if not next(passed):
            out.screened += 1
            out.failures.append(
                SolverError(method, "returned a profile that is not an equilibrium", gain)
            )
            continue
        eq, tie, undecided = _verify_mixed(game, exact, p, method, tol)
        if eq is None:
            out.undecided += int(undecided)
            why = (
                "returned a profile that could not be verified exactly (a tie that "
                "neither exact nor certified arithmetic could decide)"
                if undecided
                else "returned a profile that is not an exact equilibrium"
            )
            out.failures.append(SolverError(method, why, gain))
            continue
        out.equilibria.append(eq)
        out.ties |= tie
    return out


def verify(
    game: NormalFormGame,
    profile: Sequence[Any],
    method: str,
    tol: float = DEFAULT_TOLERANCE,
) -> Equilibrium:
    """Admit ``profile`` as an equilibrium of ``game`` if it is one, exactly or certified.

    ``tol`` only sets the float screen that rejects far-off candidates early (relative to
    the payoffs compared). Tiny negative probabilities from floating-point solvers are
    clipped and each strategy renormalised first.

    Raises
    ------
    SolverError
        Naming ``method`` (and the candidate's float regret), if the profile is not an
        equilibrium or not a probability profile at all. Nothing here keeps the error, so a
        caller that handles it keeps no frame alive (an engine round refuses thousands).
    """
    found = verify_many(game, [profile], method, tol)
    if not found.failures:
        return found.equilibria[0]
    error = found.failures[0]
    # Raised without a reference left in this frame: the traceback keeps the frame, so an
    # exception the frame still held (in ``found``) would form a cycle with it that keeps
    # every caller's frame, and all its locals, alive until a full cyclic collection.
    del found
    try:
        raise error
    finally:
        del error


def _clean_padded(games: FloatArray, profiles: FloatArray
                  ) -> tuple[tuple[int, ...], FloatArray, npt.NDArray[np.bool_]]:  # fmt: skip
    """The games' shape, the padded profiles ``(C, n, max m)`` with the padding set to 0,
    and which of them are finite, non-negative and sum to 1 within 1e-9 in every strategy
    (so :func:`verify`'s clean-up only rescales them, by less than that); none in games
    of fewer than two players."""
    shape = tuple(int(m) for m in games.shape[2:])
    n, width = len(shape), max(shape, default=1)
    valid = np.zeros((n, width), dtype=bool)
    for k, m in enumerate(shape):
        valid[k, :m] = True
    p = np.where(valid, profiles, 0.0)
    ok = np.all(np.isfinite(profiles), axis=(1, 2)) & np.all(p >= 0, axis=(1, 2))
    ok &= np.all(np.abs(p.sum(axis=2) - 1.0) <= 1e-9, axis=1)
    return shape, p, ok & (n >= 2)


def _mixer_line(g: FloatArray, action: npt.NDArray[np.intp], i: int, shape: tuple[int, ...]
                ) -> tuple[npt.NDArray[np.intp], FloatArray, FloatArray]:  # fmt: skip
    """In flat games ``g`` ``(R, n, prod m)``, with every player ``k != i`` at
    ``action[:, k]``: the flat cell of ``i``'s action 0 there ``(R,)``, ``i``'s payoff of
    each own action ``(R, max m)`` (the last repeated as padding) and the best of them."""
    n, width = len(shape), max(shape)
    strides = profile_strides(shape)
    r = np.arange(g.shape[0])
    base = sum(action[:, k] * strides[k] for k in range(n) if k != i)
    own = np.arange(width)
    cells = base[:, None] + np.minimum(own, shape[i] - 1)[None, :] * strides[i]
    mine = g[r[:, None], i, cells]
    best = np.where(own[None, :] < shape[i], mine, -np.inf).max(axis=1)
    return np.asarray(base), mine, best


def single_mixer_admitted(
    games: FloatArray, profiles: FloatArray, tol: float = DEFAULT_TOLERANCE
) -> npt.NDArray[np.bool_]:
    """``(C,)``: candidates that :func:`verify` provably admits, decided for all at once.

    ``games`` ``(C, n, *m)`` (one game per candidate), ``profiles`` ``(C, n, max m)``
    padded with 0. This decides one common shape only, in vectorised float arithmetic with
    rigorous error bounds, and answers ``False`` ("not decided here") for everything
    else, so a caller runs :func:`verify` on those: the verdicts are the same as calling
    :func:`verify` on each candidate, only faster.

    The shape: one player ``i`` mixes (its support, its positive probabilities, has two
    or more actions), everyone else plays one action ``a_j`` with probability exactly 1,
    every other probability is exactly 0, every positive one is above twice
    :data:`SUPPORT_THRESHOLD` and each strategy sums to 1 within 1e-9 (so the clean-up and
    the support :func:`verify` reads are these). For such a profile :func:`verify`'s
    linear support solve never returns a profile (one mixer: its indifference holds
    exactly or never, its probabilities are then free), so it admits the candidate exactly
    when the float screen passes and the rational profile ``q`` of its own floats (each
    strategy rescaled to sum to one, ``sim.equilibria.exact.as_rational``), or a nearby
    one, passes ``sim.equilibria.exact.check``. That check, for ``q``, is:

    - the mixer: every support action's payoff ``u_i(s, a_-i)`` equals the best of
      ``u_i(., a_-i)``: comparisons of the game's own floats, exact;
    - every other player ``j`` and action ``t``: ``E_t = sum_s f_s (u_j(a_j, s) -
      u_j(t, s)) >= 0`` (``f`` the mixer's probabilities; ``q`` is ``f`` times a positive
      number). ``E_t`` is computed in floating point; with ``K`` support actions its
      error is below ``gamma_{K+1} sum_s |f_s d_s|`` (Higham, *Accuracy and Stability of
      Numerical Algorithms*, 2002, ch. 3; one rounding of the difference, one of the
      product, ``K - 1`` of the sum; the clean-up's rescaling moves ``f`` by one more
      rounding), taken here as ``(4K + 16) u`` times the computed sum plus an underflow
      allowance. ``E_t`` counts as decided ``>= 0`` when every difference ``d_s`` is
      exactly 0 (a float difference is 0 exactly when the floats are equal) or the
      computed value exceeds the bound; otherwise this answers "not decided".

    The screen (the candidate's float regret at most ``(tol + 64 n u)`` times the payoffs
    compared) is recomputed here and counted as passed only below half its bound: the two
    computations differ by far less than that (rounding of at most a few hundred units
    of ``u`` of the payoffs compared, against ``tol`` = 1e-7 of them).
    """
    shape, p, ok = _clean_padded(games, profiles)
    count, n, width = games.shape[0], len(shape), p.shape[2]
    out = np.zeros(count, dtype=bool)
    positive = p > 0
    ok &= ~np.any(positive & (p <= 2 * SUPPORT_THRESHOLD), axis=(1, 2))
    sizes = positive.sum(axis=2)  # (C, n)
    ok &= np.count_nonzero(sizes > 1, axis=1) == 1
    ok &= np.all(sizes >= 1, axis=1)
    ok &= np.all((sizes == 1) <= np.all((p == 0) | (p == 1), axis=2), axis=1)
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        return out
    g = games[rows].reshape(rows.size, n, -1)
    p, positive = p[rows], positive[rows]
    mixer = np.argmax(sizes[rows] > 1, axis=1)
    action = np.argmax(p, axis=2)  # the pure players' actions (the mixer's is unused)
    strides = profile_strides(shape)
    r = np.arange(rows.size)
    decided = np.ones(rows.size, dtype=bool)
    for i in range(n):
        sel = mixer == i
        if not sel.any():
            continue
        # Every other player's action fixed, the mixer's varying: base + s * stride_i.
        base, mine, best = _mixer_line(g, action, i, shape)
        own = np.arange(width)
        support = positive[:, i]  # (R, width)
        decided[sel] &= np.all(~support | (mine == best[:, None]), axis=1)[sel]
        f = p[:, i]  # (R, width)
        k_support = support.sum(axis=1)
        for j in range(n):
            if j == i:
                continue
            rest = base - action[:, j] * strides[j]
            # (R, m_j, width): u_j with j playing x and the mixer s
            x = np.arange(shape[j])
            at = (rest[:, None, None] + x[None, :, None] * strides[j]
                  + np.minimum(own, shape[i] - 1)[None, None, :] * strides[i])  # fmt: skip
            u = g[r[:, None, None], j, at]
            kept = u[r, action[:, j]]  # (R, width): u_j(a_j, s)
            d = np.where(support[:, None, :], kept[:, None, :] - u, 0.0)
            terms = f[:, None, :] * d
            e = terms.sum(axis=2)
            bound = ((4 * k_support + 16) * _U)[:, None] * np.abs(terms).sum(axis=2)
            bound += 64 * width * np.finfo(np.float64).smallest_subnormal
            zero = np.all(d == 0.0, axis=2)
            decided[sel] &= np.all(zero | (e > bound), axis=1)[sel]
    # The float screen, with room for the difference in rounding.
    regret = np.zeros(rows.size)
    size = np.zeros(rows.size)
    full = g.reshape(rows.size, n, *shape)
    for i in range(n):
        weight = np.ones((rows.size,) + (1,) * n)
        for k, m in enumerate(shape):
            if k != i:
                axis_shape = [rows.size] + [1] * n
                axis_shape[1 + k] = m
                weight = weight * p[:, k, :m].reshape(axis_shape)
        others = tuple(1 + k for k in range(n) if k != i)
        values = (full[:, i] * weight).sum(axis=others)  # (R, m_i)
        scale = (np.abs(full[:, i]) * weight).sum(axis=others)
        regret = np.maximum(regret, values.max(axis=1)
                            - (values * p[:, i, : shape[i]]).sum(axis=1))  # fmt: skip
        size = np.maximum(size, scale.max(axis=1))
    decided &= regret <= 0.5 * (tol + 64 * n * _U) * size
    out[rows] = decided
    return out


#: :func:`single_mixer_refused` reads a probability above this as in a support, at most
#: :data:`_NEGLIGIBLE` as a rounding remnant; anything between is left undecided.
_SUPPORTED = 1e-3
_NEGLIGIBLE = 1e-13


def single_mixer_refused(games: FloatArray, profiles: FloatArray) -> npt.NDArray[np.bool_]:
    """``(C,)``: candidates that :func:`verify` provably refuses, decided for all at once
    (the refusals that :func:`single_mixer_admitted` leaves to the general check).

    ``games`` ``(C, n, *m)``, ``profiles`` ``(C, n, max m)`` padded with 0. ``True`` only
    for this shape: every probability finite and non-negative, each strategy summing to 1
    within 1e-9, every probability either above :data:`_SUPPORTED` (1e-3) or at most
    :data:`_NEGLIGIBLE` (1e-13, remnants of a trace); one player ``i`` has two or more
    probabilities above 1e-3 (its support ``S``), every other player ``j`` exactly one
    (its action ``a_j``); and some ``s`` in ``S`` earns strictly less than ``i``'s best
    action against ``a_-i``, ``u_i(s, a_-i) < max u_i(., a_-i)`` (exact comparisons of
    the game's floats), by a gap ``D_s`` with ``E (D_s + 2 U) < 10^-3 D_s``, ``E`` four
    times the others' remnants summed and ``U`` the largest ``|u_i|``.

    Why :func:`verify` refuses it. The clean-up rescales each strategy by its sum (within
    1e-9 of 1), which moves no probability across 1e-12, 1e-6 or 5e-4. Both thresholds
    of the support read-off (1e-6 and 1e-12) give ``S`` and the ``a_j``: one mixer, so
    the linear support solve returns no profile (one mixer's indifference holds exactly
    or never; :func:`sim.equilibria.exact.solve_linear_support` returns ``None`` or
    ``"many"`` for it, also with a widened indifference set, since the mixers are
    counted on the support) and the interval route (three or more mixers) is not taken.
    What is left are the rational profiles ``q`` of
    :func:`sim.equilibria.exact.as_rational` and
    :func:`~sim.equilibria.exact.recognitions`, each admitted only if
    :func:`sim.equilibria.exact.check` holds, which needs every action of ``q_i``'s
    support to be a best response of ``i``. Each ``q_i``'s support contains ``S``
    (a probability above 1e-3 stays positive: ``limit_denominator(b)`` is the closest
    fraction with denominator at most ``b``, so it keeps a ``p > 1/(2b)`` away from 0;
    the sum is put on the largest, at least 1/3). Each ``q_j`` puts at most twice its
    remnants off ``a_j`` (the closest fraction to ``p`` lies within ``p`` of it; with
    ``p <= 1e-13`` and ``b <= 1e9`` it is 0), so the profile of the others puts weight
    ``w >= 1 - E/2`` on ``a_-i`` and at most ``E/2`` elsewhere. Then ``s``'s value falls
    short of the best one's by at least ``w D_s - (E/2) 2U > 0``: ``s`` is not a best
    response, and every ``q`` is refused. The condition is checked in floating point with
    room to spare (``E`` is at most 6e-13 times ``n``, the margin a factor 1,000).

    On the benchmark's rounds after the shock these are most of the single-mixer limits
    the general check refused one by one (about 6 ms each): 61 of its 163 checks in the
    first five rounds (every one refused there too); the certification of such a round
    80.9 -> 41.7 ms of CPU (``benchmarks/bench_around.py``). In ``answer()`` on the nine
    scenarios it decides none (their general checks are three-mixer limits)."""
    shape, p, ok = _clean_padded(games, profiles)
    out = np.zeros(games.shape[0], dtype=bool)
    n = len(shape)
    big = p > _SUPPORTED
    ok &= np.all(big | (p <= _NEGLIGIBLE), axis=(1, 2))
    sizes = big.sum(axis=2)  # (C, n)
    ok &= (np.count_nonzero(sizes > 1, axis=1) == 1) & np.all(sizes >= 1, axis=1)
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        return out
    g = games[rows].reshape(rows.size, n, -1)
    p, big, sizes = p[rows], big[rows], sizes[rows]
    mixer = np.argmax(sizes > 1, axis=1)
    action = np.argmax(p, axis=2)  # the others' actions (the mixer's is unused)
    r = np.arange(rows.size)
    remnants = np.where(big, 0.0, p).sum(axis=2)  # (R, n)
    remnants[r, mixer] = 0.0
    e = 4.0 * remnants.sum(axis=1)
    # u_i(x, a_-i) of every player i as the one varying, then each row's mixer's
    lines = [_mixer_line(g, action, i, shape) for i in range(n)]
    mine = np.stack([line[1] for line in lines], axis=1)[r, mixer]  # (R, max m)
    best = np.stack([line[2] for line in lines], axis=1)[r, mixer]
    worst = np.where(big[r, mixer], mine, np.inf).min(axis=1)  # the support's worst
    size = 2.0 * np.abs(g[r, mixer]).max(axis=1)
    with np.errstate(invalid="ignore", over="ignore"):
        gap = best - worst
        decided = (worst < best) & (e * (gap + size) < 1e-3 * gap)
    out[rows] = decided
    return out
