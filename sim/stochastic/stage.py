"""One equilibrium for each of a batch of stage games, and whether it is the only one found.

The engine calls :func:`select_stage` once per round (or per iteration) on every state's
stage game of every game in the batch at once: ``(N, n, *m)`` with ``N = B x S``.

**Selection rules** (:data:`SELECTIONS`):

- ``"qre"`` (default): the limit of the principal branch of logit quantal-response
  equilibria (:mod:`sim.stochastic.qre`). Exact fast paths first: a constant game
  (every profile an equilibrium; its QRE is uniform at every lambda); a game that
  iterated strict dominance solves (:mod:`sim.stochastic.dominance`; its only equilibrium
  is the QRE limit); a game whose survivors of that elimination are a 2x2 game without a
  pure equilibrium (its only equilibrium is then the 2x2 game's mixed one, see
  :func:`~sim.stochastic.dominance.cyclic_two_by_two`). The rest are traced, identical
  games (after the affine normalisation the branch ignores) once: within the batch and
  across rounds.
- ``"inertia"``, ``"player-optimal"``, ``"welfare"``: the first model's rules, over the
  equilibria found by exact enumeration: all pure equilibria
  (:func:`sim.equilibria.pure_equilibrium_mask`); if there are none, every equilibrium in
  which two players mix over two actions each
  (:func:`sim.equilibria.small_support.batch_two_mixer_equilibria`); if none either, the
  QRE limit. ``"player-optimal"`` maximises ``focal_player``'s payoff; ``"welfare"`` the
  sum of the players' payoffs each normalised to [0, 1] over its own stage-game payoffs
  (so a positive affine change of one player's payoffs changes nothing); ``"inertia"``
  keeps ``previous`` (the profile the same state had in the round after, or in the last
  iteration) when it is still among them, else applies ``fallback``. Ties within 1e-9 of
  the payoff spread go to the smallest rounded profile key, as
  :func:`sim.equilibria.select` breaks them (between pure profiles: later actions first).

**Robustness.** Each stage game also reports whether its selected profile is the only
equilibrium found (``robust``), per player (``robust_players``: the player's strategy is
the same in every equilibrium found), and whether the equilibria compared were provably
all of them (``complete``: a game answered by the dominance or cyclic path has exactly one;
otherwise the
comparison covers the pure equilibria, the two-mixer ones and the QRE limit, which can miss
equilibria with three or more mixing players or larger supports).

**Which path** answered each game is recorded (:data:`PATHS`), so the benchmark can print
how often the tracer is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.equilibria import pure_equilibrium_mask
from sim.equilibria import solve as stage_solve
from sim.equilibria import verify as stage_verify
from sim.equilibria.small_support import batch_two_mixer_equilibria
from sim.errors import EngineError, SolverError
from sim.game import NormalFormGame
from sim.stochastic import qre
from sim.stochastic.dominance import cyclic_two_by_two, dominance_solution

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

SELECTIONS = ("qre", "inertia", "player-optimal", "welfare")
FALLBACKS = ("player-optimal", "welfare")
#: How a stage game was answered. ``uncertified``: traced, and within the regret bound, but
#: ``sim.equilibria.verify``'s exact or certified arithmetic could not confirm it (ties in a
#: degenerate game); ``fallback``: the trace did not give an equilibrium within the bound
#: and ``sim.equilibria.solve(game, "auto")`` did.
PATHS = (
    "constant", "dominance", "cyclic", "traced", "uncertified", "shared", "pure",
    "small-support", "fallback",
)  # fmt: skip
#: Payoffs closer than this times the game's spread are a tie (as ``sim.equilibria.select``).
TIE = 1e-9
#: Two profiles closer than this in every probability are the same equilibrium.
SAME = 1e-6
#: Distinct stage games remembered across rounds (one trace each).
CACHE_SIZE = 200_000


def regret_bounds(games: FloatArray, tol: float) -> FloatArray:
    """``(N,)``: the largest regret a verified profile may have: ``tol`` times the game's
    payoff spread, plus 64 units of rounding in its largest payoff (so a game scaled by
    1e-9 gets no false equilibria and one holding 1e9 loses none to rounding)."""
    flat = games.reshape(games.shape[0], -1)
    spread = flat.max(axis=1) - flat.min(axis=1)
    magnitude = np.abs(flat).max(axis=1)
    return tol * spread + 64.0 * np.finfo(np.float64).eps * magnitude


def batch_regrets(games: FloatArray, strategies: FloatArray) -> FloatArray:
    """``(N,)``: the largest gain of a unilateral deviation from ``strategies``
    ``(N, n, max m)`` in each game ``(N, n, *m)``."""
    shape = tuple(int(m) for m in games.shape[2:])
    if games.shape[0] == 0:
        return np.zeros(0)
    return qre.regrets(games, qre.from_padded(strategies, shape), shape)


def strategy_values(games: FloatArray, strategies: FloatArray) -> FloatArray:
    """``(N, n)``: each player's expected payoff at ``strategies`` in each game."""
    n = games.shape[1]
    shape = games.shape[2:]
    weight = np.ones((games.shape[0],) + (1,) * n)
    for i, m in enumerate(shape):
        axis_shape = [games.shape[0]] + [1] * n
        axis_shape[1 + i] = m
        weight = weight * strategies[:, i, :m].reshape(axis_shape)
    count = games.shape[0]
    return np.einsum("zik,zk->zi", games.reshape(count, n, -1), weight.reshape(count, -1))


@dataclass
class StageChoice:
    """What :func:`select_stage` returns for ``N`` stage games."""

    strategies: FloatArray  # (N, n, max m), padded with 0
    path: npt.NDArray[np.int8]  # (N,) index into PATHS
    robust: BoolArray  # (N,)
    robust_players: BoolArray  # (N, n)
    complete: BoolArray  # (N,)


@dataclass
class TraceCache:
    """Traced limits of normalised stage games, by their bytes (shared across rounds)."""

    limits: dict[bytes, FloatArray] = field(default_factory=dict)

    def get(self, key: bytes) -> FloatArray | None:
        return self.limits.get(key)

    def put(self, key: bytes, value: FloatArray) -> None:
        if len(self.limits) < CACHE_SIZE:
            self.limits[key] = value


def _pure_padded(profiles: IntArray, shape: tuple[int, ...]) -> FloatArray:
    out = np.zeros((profiles.shape[0], len(shape), max(shape)))
    for i in range(len(shape)):
        out[np.arange(profiles.shape[0]), i, profiles[:, i]] = 1.0
    return out


def _qre(games: FloatArray, bound: FloatArray, cache: TraceCache, certify: bool = True
         ) -> tuple[FloatArray, npt.NDArray[np.int8]]:  # fmt: skip
    """QRE limits of games no fast path answered: trace each distinct one once."""
    shape = tuple(int(m) for m in games.shape[2:])
    count = games.shape[0]
    norm, spread = qre.normalise(games)
    keys = [norm[k].tobytes() for k in range(count)]
    size = qre.flat_size(shape)
    flat = np.empty((count, size))
    path = np.full(count, PATHS.index("shared"), dtype=np.int8)
    first: dict[bytes, int] = {}
    todo = []
    for k, key in enumerate(keys):
        hit = cache.get(key)
        if hit is not None:
            flat[k] = hit
        elif key in first:
            continue
        else:
            first[key] = k
            todo.append(k)
    if todo:
        idx = np.array(todo, dtype=np.intp)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(spread[idx] > 0, bound[idx] / spread[idx], np.inf)
        limits = qre.logit_limits(games[idx], relative)
        for r, k in enumerate(idx):
            profile = limits.profiles[r]
            padded = qre.to_padded(profile[None], shape)
            good = limits.verified[r] and batch_regrets(games[k : k + 1], padded)[0] <= bound[k]
            method = "traced"
            if good and certify:
                try:
                    stage_verify(NormalFormGame(games[k]), list(padded[0, i, :m]
                                 for i, m in enumerate(shape)), "logit-qre")  # fmt: skip
                except SolverError:
                    # An equilibrium in floating point that exact arithmetic cannot confirm
                    # (a degenerate game: ties): kept, and counted as such.
                    method = "uncertified"
            if not good:
                profile = _fallback(games[k], shape)
                method = "fallback"
            flat[k] = profile
            path[k] = PATHS.index(method)
            if method != "fallback":
                cache.put(keys[k], profile)
        for k, key in enumerate(keys):
            if key in first and first[key] != k:
                flat[k] = flat[first[key]]
    return qre.to_padded(flat, shape), path


def _fallback(game: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """An equilibrium from ``sim.equilibria.solve(game, "auto")`` when a trace failed."""
    try:
        found = stage_solve(NormalFormGame(game), "auto")
    except SolverError as exc:
        raise EngineError(
            f"a stage game has no equilibrium the engine could find ({exc})"
        ) from None
    if not found.equilibria:
        raise EngineError("a stage game has no equilibrium the engine could find")
    return np.concatenate([np.asarray(s) for s in found.equilibria[0].profile])


def _player_ranges(games: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(N, n)`` each player's lowest payoff and payoff range (1 where it is 0) in each
    game: the welfare rule measures every player on its own [0, 1] scale."""
    flat = games.reshape(games.shape[0], games.shape[1], -1)
    low = flat.min(axis=2)
    spread = flat.max(axis=2) - low
    return low, np.where(spread > 0, spread, 1.0)


def _scores(games: FloatArray, rule: str, focal_player: int) -> FloatArray:
    """``(N, *m)``: the rule's score of every pure profile."""
    if rule == "player-optimal":
        return games[:, focal_player]
    low, scale = _player_ranges(games)
    norm = (games.reshape(games.shape[0], games.shape[1], -1) - low[:, :, None]) / scale[
        :, :, None]  # fmt: skip
    return norm.sum(axis=1).reshape(games.shape[:1] + games.shape[2:])


def _mixed_scores(games: FloatArray, strategies: FloatArray, rule: str, focal_player: int
                  ) -> FloatArray:  # fmt: skip
    values = strategy_values(games, strategies)
    if rule == "player-optimal":
        return values[:, focal_player]
    low, scale = _player_ranges(games)
    return ((values - low) / scale).sum(axis=1)


def _key(strategy: FloatArray) -> tuple[float, ...]:
    return tuple(round(float(p), 9) for p in strategy.ravel())


def select_stage(
    games: FloatArray,
    rule: str = "qre",
    *,
    tol: float,
    previous: FloatArray | None = None,
    focal_player: int = 0,
    fallback: str = "player-optimal",
    robust: bool = True,
    certify: bool = True,
    cache: TraceCache | None = None,
) -> StageChoice:
    """Select one equilibrium in each stage game of ``games`` ``(N, n, *m)``.

    See the module docstring for the rules, the paths and robustness. ``previous``
    ``(N, n, max m)`` is what ``"inertia"`` keeps; ``tol`` the regret tolerance relative to
    each game's spread (:func:`regret_bounds`).
    """
    if rule not in SELECTIONS:
        raise EngineError(f"unknown selection {rule!r}; choose one of {', '.join(SELECTIONS)}")
    if fallback not in FALLBACKS:
        raise EngineError(f"fallback must be one of {', '.join(FALLBACKS)}, got {fallback!r}")
    count, n = games.shape[0], games.shape[1]
    shape = tuple(int(m) for m in games.shape[2:])
    if not 0 <= focal_player < n:
        raise EngineError(f"focal player {focal_player} out of range 0..{n - 1}")
    cache = cache if cache is not None else TraceCache()
    bound = regret_bounds(games, tol)
    flat = games.reshape(count, -1)
    spread = flat.max(axis=1) - flat.min(axis=1)
    strategies = np.zeros((count, n, max(shape)))
    path = np.full(count, -1, dtype=np.int8)
    robust_all = np.zeros(count, dtype=bool)
    robust_players = np.zeros((count, n), dtype=bool)
    complete = np.zeros(count, dtype=bool)
    n_profiles = int(np.prod(shape))

    solved, profile, alive = dominance_solution(games, bound)
    const = spread == 0
    if rule == "qre":
        uniform = np.zeros((n, max(shape)))
        for i, m in enumerate(shape):
            uniform[i, :m] = 1.0 / m
        strategies[const] = uniform
        path[const] = PATHS.index("constant")
        robust_all[const] = n_profiles == 1
        robust_players[const] = np.array(shape) == 1
        complete[const] = True
    solved &= ~const if rule == "qre" else np.ones(count, dtype=bool)
    strategies[solved] = _pure_padded(profile[solved], shape)
    path[solved] = PATHS.index("dominance")
    robust_all[solved] = True
    robust_players[solved] = True
    complete[solved] = True
    cyclic, mixed = cyclic_two_by_two(games, alive, bound)
    cyclic &= path < 0
    strategies[cyclic] = mixed[cyclic]
    path[cyclic] = PATHS.index("cyclic")
    robust_all[cyclic] = True
    robust_players[cyclic] = True
    complete[cyclic] = True
    rest = np.flatnonzero(path < 0)
    if rest.size == 0:
        return StageChoice(strategies, path, robust_all, robust_players, complete)

    sub = games[rest]
    found: list[list[FloatArray]] = [[] for _ in range(rest.size)]
    need_pure = rule != "qre" or robust
    if need_pure:
        mask = pure_equilibrium_mask(sub, tol, batched=True)
        for row in np.argwhere(mask):
            found[int(row[0])].append(_pure_padded(row[None, 1:], shape)[0])
        has_pure = mask.reshape(rest.size, -1).any(axis=1)
    else:
        mask = np.zeros((rest.size, *shape), dtype=bool)
        has_pure = np.zeros(rest.size, dtype=bool)
    need_mixed = ~has_pure if rule != "qre" else np.full(rest.size, robust, dtype=bool)
    mixed_idx = np.flatnonzero(need_mixed)
    mixed_found: list[list[FloatArray]] = [[] for _ in range(rest.size)]
    if mixed_idx.size:
        for r, eqs in zip(mixed_idx, batch_two_mixer_equilibria(sub[mixed_idx], tol), strict=True):
            for eq in eqs:
                padded = np.zeros((n, max(shape)))
                for i, m in enumerate(shape):
                    padded[i, :m] = eq.profile[i]
                mixed_found[int(r)].append(padded)
                found[int(r)].append(padded)

    chosen = np.zeros((rest.size, n, max(shape)))
    chosen_path = np.full(rest.size, -1, dtype=np.int8)
    if rule == "qre":
        chosen, chosen_path = _qre(sub, bound[rest], cache, certify)
    else:
        # Pure candidates, vectorised.
        pure_rows = np.flatnonzero(has_pure)
        if pure_rows.size:
            chosen[pure_rows], kept = _pick_pure(sub[pure_rows], mask[pure_rows], rule,
                                                 focal_player, fallback,
                                                 None if previous is None
                                                 else previous[rest[pure_rows]])  # fmt: skip
            chosen_path[pure_rows] = PATHS.index("pure")
            del kept
        for r in np.flatnonzero(~has_pure):
            cands = mixed_found[int(r)]
            if cands:
                prev = None if previous is None else previous[rest[r]]
                chosen[r] = _pick_mixed(sub[r], cands, rule, focal_player, fallback, prev)
                chosen_path[r] = PATHS.index("small-support")
        left = np.flatnonzero(chosen_path < 0)
        if left.size:
            traced, tpath = _qre(sub[left], bound[rest[left]], cache, certify)
            chosen[left] = traced
            chosen_path[left] = tpath
    strategies[rest] = chosen
    path[rest] = chosen_path
    if not need_pure:
        # Not searched: the flags of these games stay False (unknown).
        return StageChoice(strategies, path, robust_all, robust_players, complete)
    for k in range(rest.size):
        cands = found[k] + [chosen[k]]
        same = [bool(np.abs(c - chosen[k]).max() <= SAME) for c in cands]
        robust_all[rest[k]] = all(same)
        robust_players[rest[k]] = [
            all(bool(np.abs(c[i] - chosen[k, i]).max() <= SAME) for c in cands) for i in range(n)
        ]
    return StageChoice(strategies, path, robust_all, robust_players, complete)


def _pick_pure(
    games: FloatArray,
    mask: BoolArray,
    rule: str,
    focal_player: int,
    fallback: str,
    previous: FloatArray | None,
) -> tuple[FloatArray, BoolArray]:
    """The rule's pick among each game's pure equilibria (``mask``); and which games kept
    ``previous`` under inertia."""
    count = games.shape[0]
    shape = tuple(int(m) for m in games.shape[2:])
    cells = int(np.prod(shape))
    kept = np.zeros(count, dtype=bool)
    choice = np.full(count, -1, dtype=np.intp)
    flat_mask = mask.reshape(count, cells)
    if rule == "inertia" and previous is not None:
        pure_prev = np.all(np.abs(previous.max(axis=2) - 1.0) <= 1e-9, axis=1)
        prof = previous.argmax(axis=2)
        cell = np.ravel_multi_index(tuple(prof.T), shape)
        kept = pure_prev & flat_mask[np.arange(count), cell]
        choice[kept] = cell[kept]
        rule = fallback
    elif rule == "inertia":
        rule = fallback
    score = _scores(games, rule, focal_player).reshape(count, cells)
    flat = games.reshape(count, -1)
    tie = TIE * (flat.max(axis=1) - flat.min(axis=1))
    masked = np.where(flat_mask, score, -np.inf)
    top = masked.max(axis=1)
    tied = flat_mask & (score >= (top - tie)[:, None])
    # Smallest rounded profile key among pure profiles = the largest flat cell index.
    last = cells - 1 - np.argmax(tied[:, ::-1], axis=1)
    choice = np.where(kept, choice, last)
    profiles = np.array(np.unravel_index(choice, shape)).T
    return _pure_padded(profiles, shape), kept


def _pick_mixed(
    game: FloatArray,
    candidates: list[FloatArray],
    rule: str,
    focal_player: int,
    fallback: str,
    previous: FloatArray | None,
) -> FloatArray:
    if rule == "inertia":
        if previous is not None:
            for c in sorted(candidates, key=_key):
                if np.abs(c - previous).max() <= 1e-9:
                    return c
        rule = fallback
    stack = np.stack(candidates)
    scores = _mixed_scores(np.broadcast_to(game, (len(candidates), *game.shape)), stack, rule,
                           focal_player)  # fmt: skip
    spread = float(game.max() - game.min())
    tied = [c for c, s in zip(candidates, scores, strict=True) if s >= scores.max() - TIE * spread]
    return min(tied, key=_key)
