"""Exact equilibria of small support: two players mix over two actions each, the rest pure.

In the stage games of this project a round without a pure equilibrium almost always has
this shape (Syria mixes align/hedge, Iran support/condition, Israel and the Gulf play
pure), so enumerating these profiles exactly answers it in well under a millisecond,
where pygambit's logit tracing takes 65-150 ms in its bounded worker and returns one
equilibrium only.

The method is support enumeration (McKelvey and McLennan, "Computation of equilibria in
finite games", *Handbook of Computational Economics* 1, 1996, sec. 6), restricted to the
smallest supports beyond pure profiles, the order that Porter, Nudelman and Shoham's
"Simple search methods for finding a Nash equilibrium" (*Games and Economic Behavior* 63,
2008) found to pay off: a candidate fixes two mixing players ``i < j``, a pair of actions
``a < a'`` of ``i``, a pair ``b < b'`` of ``j``, and one action ``c_k`` of every other
player. With the others fixed at ``c``, ``i`` and ``j`` play a 2x2 game, and each one's
indifference between its two actions is linear in the *other* one's probability, so

    q = d0 / (d0 - d1),   d_y = u_i(a, y, c) - u_i(a', y, c)  for y = b, b'
    p = e0 / (e0 - e1),   e_x = u_j(x, b, c) - u_j(x, b', c)  for x = a, a'

(``p`` the probability of ``a'``, ``q`` that of ``b'``) in closed form. A candidate is kept
when ``0 < p < 1`` and ``0 < q < 1`` strictly (both players really mix over exactly two
actions) and no player, mixing or pure, gains by a unilateral deviation in floating point
(a screen relative to the payoffs compared); then every kept profile is solved again and
checked in exact rational arithmetic by :func:`sim.equilibria.verify.verify_many`.
All candidates of all player pairs and all games of a batch are solved and screened with
numpy at once.

What it does not enumerate, by design:

- pure equilibria (:mod:`sim.equilibria.pure`; the ``"small-support"`` method of
  :func:`sim.equilibria.solve` returns them first, then these);
- equilibria in which exactly one player mixes: that player must be indifferent between
  two actions against a pure profile of the others, an equality between two payoffs that
  holds only in degenerate games (where such equilibria come as intervals);
- degenerate candidates with ``d0 = d1 = 0`` (or ``e0 = e1 = 0``): a mixer indifferent
  whatever the other does, a continuum. Both are reported as degeneracy, not enumerated;
- anything with three or more mixers, or a mixer over three or more actions: for those,
  :func:`sim.equilibria.solve`'s ``"auto"`` falls back to pygambit.

Order: by :func:`sim.equilibria.result.profile_key` (rounded probabilities, player by
player), so the result is deterministic and the same for a game alone or in a batch.
"""

from __future__ import annotations

import functools
import itertools
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.equilibria._common import Deadline
from sim.equilibria.pure import as_batch, pure_equilibria
from sim.equilibria.result import Equilibrium, SolveResult, deduplicate, profile_key
from sim.equilibria.verify import verify_many
from sim.errors import SolverError
from sim.game import DEFAULT_TOLERANCE, FloatArray, NormalFormGame, profile_strides

METHOD = "small-support"

#: The float screen keeps a candidate whose best deviation gains at most ``tol`` plus this
#: many units of rounding (2**-53) times the payoffs compared; exact checks follow.
_ROUNDING_UNITS = 256.0

#: Games per chunk of the batched kernel (bounds the memory of the gathered candidates).
_CHUNK = 2048


@dataclass(frozen=True)
class _Found:
    """Raw results for one game: candidate profiles, and whether degeneracy was seen."""

    profiles: list[list[FloatArray]]
    degenerate: bool


@dataclass(frozen=True)
class _Tables:
    """Index tables of every two-mixer candidate of one game shape, built once per shape.

    A candidate ``c`` is (mixers ``i < j``, supports ``a < a'`` and ``b < b'``, the others'
    actions). ``mix[c, x, y]`` is the flat cell of the profile with ``i`` on its ``x``-th
    and ``j`` on its ``y``-th support action, the others at theirs; ``dev[c, k, x, y, z]``
    the same cell with player ``k``'s action replaced by ``z`` (``z`` padded to the largest
    action count by repeating the last action); ``own[c, k]`` the two actions of ``k``'s
    support (twice its action for a pure player); ``actions[c, k]`` those, for building
    the profile.
    """

    first: npt.NDArray[np.intp]  # (C,) player i
    second: npt.NDArray[np.intp]  # (C,) player j
    mix: npt.NDArray[np.intp]  # (C, 2, 2)
    dev: npt.NDArray[np.intp]  # (C, n, 2, 2, M)
    own: npt.NDArray[np.intp]  # (C, n, 2)


#: Most candidates per block of the kernel: the gathered deviation payoffs of a block take
#: about ``batch * candidates * n * 4 * max(m)`` floats; blocks keep that near 16 MB.
_BLOCK_FLOATS = 1 << 21

#: Shapes with at most this many candidates keep their index tables (the stage games').
_CACHED_CANDIDATES = 50_000


def candidate_count(shape: tuple[int, ...]) -> int:
    """Number of two-mixer candidates of a game shape."""
    n = len(shape)
    total = 0
    for i, j in itertools.combinations(range(n), 2):
        rest = math.prod(shape[k] for k in range(n) if k not in (i, j))
        total += math.comb(shape[i], 2) * math.comb(shape[j], 2) * rest
    return total


def _block(
    shape: tuple[int, ...], i: int, j: int, pairs_i: np.ndarray, pairs_j: np.ndarray,
    rest: np.ndarray,
) -> _Tables:  # fmt: skip
    """Index tables of the candidates with mixers ``i < j`` mixing over the action pairs
    ``pairs_i`` ``(A, 2)`` and ``pairs_j`` ``(B, 2)``, the others at ``rest`` ``(R, n - 2)``:
    ``A * B * R`` candidates, built with numpy (no Python loop per candidate)."""
    n, top = len(shape), max(shape)
    strides = profile_strides(shape).astype(np.intp)
    others = [k for k in range(n) if k not in (i, j)]
    a, b, r = len(pairs_i), len(pairs_j), len(rest)
    # actions[c, k, x, y]: player k's action in the candidate's profile (x, y).
    grid = np.empty((a, b, r, n, 2, 2), dtype=np.intp)
    grid[:, :, :, i] = pairs_i[:, None, None, :, None]
    grid[:, :, :, j] = pairs_j[None, :, None, None, :]
    for pos, k in enumerate(others):
        grid[:, :, :, k] = rest[None, None, :, pos, None, None]
    actions = grid.reshape(a * b * r, n, 2, 2)
    mix = np.einsum("ckxy,k->cxy", actions, strides)
    z = np.minimum(np.arange(top)[None, :], np.array(shape)[:, None] - 1)  # (n, top)
    # dev[c, k, x, y, z] = mix[c, x, y] + (z_k - action_k) * stride_k
    dev = (
        mix[:, None, :, :, None]
        + (z[None, :, None, None, :] - actions[..., None]) * strides[None, :, None, None, None]
    )
    own = np.empty((a * b * r, n, 2), dtype=np.intp)
    own[:, :, 0] = actions[:, :, 0, 0]
    own[:, :, 1] = actions[:, :, 1, 1]
    count = a * b * r
    return _Tables(np.full(count, i, dtype=np.intp), np.full(count, j, dtype=np.intp),
                   mix, dev, own)  # fmt: skip


def _blocks(shape: tuple[int, ...], batch: int) -> Iterator[_Tables]:
    """The candidates of a shape in blocks whose gathered payoffs stay near
    :data:`_BLOCK_FLOATS` floats for a batch of ``batch`` games."""
    if candidate_count(shape) <= _CACHED_CANDIDATES:
        yield from _cached_blocks(shape)
        return
    n, top = len(shape), max(shape)
    per_candidate = max(1, batch) * n * 4 * top
    limit = max(1, _BLOCK_FLOATS // per_candidate)
    for i, j in itertools.combinations(range(n), 2):
        others = [k for k in range(n) if k not in (i, j)]
        pairs_i = np.array(list(itertools.combinations(range(shape[i]), 2)), dtype=np.intp)
        pairs_j = np.array(list(itertools.combinations(range(shape[j]), 2)), dtype=np.intp)
        if not len(pairs_i) or not len(pairs_j):
            continue
        combos = list(itertools.product(*(range(shape[k]) for k in others)))
        rest = np.array(combos, dtype=np.intp).reshape(len(combos), len(others))
        per_i = len(pairs_j) * len(rest)
        if per_i <= limit:
            step = max(1, limit // per_i)
            for start in range(0, len(pairs_i), step):
                yield _block(shape, i, j, pairs_i[start : start + step], pairs_j, rest)
        else:
            step = max(1, limit // max(1, len(rest)))
            for ai in range(len(pairs_i)):
                for start in range(0, len(pairs_j), step):
                    yield _block(shape, i, j, pairs_i[ai : ai + 1],
                                 pairs_j[start : start + step], rest)  # fmt: skip


@functools.cache
def _cached_blocks(shape: tuple[int, ...]) -> tuple[_Tables, ...]:
    n = len(shape)
    out = []
    for i, j in itertools.combinations(range(n), 2):
        others = [k for k in range(n) if k not in (i, j)]
        pairs_i = np.array(list(itertools.combinations(range(shape[i]), 2)), dtype=np.intp)
        pairs_j = np.array(list(itertools.combinations(range(shape[j]), 2)), dtype=np.intp)
        if not len(pairs_i) or not len(pairs_j):
            continue
        combos = list(itertools.product(*(range(shape[k]) for k in others)))
        rest = np.array(combos, dtype=np.intp).reshape(len(combos), len(others))
        out.append(_block(shape, i, j, pairs_i, pairs_j, rest))
    return tuple(out)


def _candidates(
    arr: np.ndarray, tol: float, check_time: Callable[[], None] | None = None
) -> list[_Found]:
    """The vectorized kernel: every two-mixer candidate of every game in ``arr``
    ``(batch, n, *actions)`` that passes the float screen, block by block (``check_time``
    is called between blocks)."""
    batch, n = arr.shape[0], arr.shape[1]
    shape = tuple(int(m) for m in arr.shape[2:])
    found = [_Found([], False) for _ in range(batch)]
    if n < 2 or sum(m >= 2 for m in shape) < 2:
        return found
    flat = arr.reshape(batch, n, -1)
    degenerate = np.zeros(batch, dtype=bool)
    hits: list[tuple[int, tuple[float, ...], list[FloatArray]]] = []
    for t in _blocks(shape, batch):
        if check_time is not None:
            check_time()
        degenerate |= _screen_block(flat, t, tol, shape, hits)
    hits.sort(key=lambda h: (h[0], h[1]))
    for game_index, _, profile in hits:
        found[game_index].profiles.append(profile)
    for g in np.flatnonzero(degenerate):
        found[int(g)] = _Found(found[int(g)].profiles, True)
    return found


def _screen_block(
    flat: np.ndarray,
    t: _Tables,
    tol: float,
    shape: tuple[int, ...],
    hits: list[tuple[int, tuple[float, ...], list[FloatArray]]],
) -> npt.NDArray[np.bool_]:
    """Screen one block of candidates for every game; append the survivors to ``hits`` and
    return which games showed degeneracy. Compiled (:mod:`sim.equilibria.screen_kernel`,
    the same floats) once numba is loaded (as it is in every engine solve that traces),
    else :func:`_screen_numpy`."""
    n = flat.shape[1]
    degenerate, b_idx, c_idx, pk, qk = _screen_arrays(flat, t, tol)
    for c in range(b_idx.size):
        cand = int(c_idx[c])
        i, j = int(t.first[cand]), int(t.second[cand])
        profile = []
        for k in range(n):
            s = np.zeros(shape[k])
            a0, a1 = int(t.own[cand, k, 0]), int(t.own[cand, k, 1])
            if k == i:
                s[a0], s[a1] = 1.0 - pk[c], pk[c]
            elif k == j:
                s[a0], s[a1] = 1.0 - qk[c], qk[c]
            else:
                s[a0] = 1.0
            profile.append(s)
        hits.append((int(b_idx[c]), profile_key(tuple(profile)), profile))
    return degenerate


def _screen_arrays(flat: np.ndarray, t: _Tables, tol: float
                   ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp], npt.NDArray[np.intp],
                              FloatArray, FloatArray]:  # fmt: skip
    """The float screen of one block for every game (the work of :func:`_screen_block`
    before any profile is built): which games showed degeneracy, and the kept candidates'
    games and candidates (in ``np.nonzero`` order, game-major) and probabilities ``p``,
    ``q``; compiled once numba is loaded, else :func:`_screen_numpy`."""
    bound = tol + _ROUNDING_UNITS * 2.0**-53
    if "numba" in sys.modules:
        from sim.equilibria.screen_kernel import screen

        count, cands = flat.shape[0], t.first.shape[0]
        p, q = np.empty((count, cands)), np.empty((count, cands))
        kept = np.zeros((count, cands), dtype=bool)
        degenerate = np.zeros(count, dtype=bool)
        screen(np.ascontiguousarray(flat, dtype=np.float64), t.first, t.second, t.mix, t.dev,
               t.own, bound, p, q, kept, degenerate)  # fmt: skip
        b_idx, c_idx = np.nonzero(kept)
        return degenerate, b_idx, c_idx, p[b_idx, c_idx], q[b_idx, c_idx]
    return _screen_numpy(flat, t, bound)


def _screen_numpy(flat: np.ndarray, t: _Tables, bound: float
                  ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp], npt.NDArray[np.intp],
                             FloatArray, FloatArray]:  # fmt: skip
    """The screen of :func:`_screen_block` in numpy (the reference of the compiled loop):
    which games showed degeneracy, and the kept candidates' games, candidates and
    probabilities ``p``, ``q``."""
    n = flat.shape[1]
    # ui[b, c, x, y], uj[b, c, x, y]: the mixers' payoffs in each candidate's 2x2 game.
    ui = flat[:, t.first[:, None, None], t.mix]
    uj = flat[:, t.second[:, None, None], t.mix]
    d0 = ui[:, :, 0, 0] - ui[:, :, 1, 0]
    d1 = ui[:, :, 0, 1] - ui[:, :, 1, 1]
    e0 = uj[:, :, 0, 0] - uj[:, :, 0, 1]
    e1 = uj[:, :, 1, 0] - uj[:, :, 1, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = d0 / (d0 - d1)
        p = e0 / (e0 - e1)
    # Exact: a difference of two floats is zero exactly when they are equal.
    flat_i = (d0 == 0) & (d1 == 0)
    flat_j = (e0 == 0) & (e1 == 0)
    degenerate = (flat_i | flat_j).any(axis=1)
    ok = (p > 0.0) & (p < 1.0) & (q > 0.0) & (q < 1.0)
    b_idx, c_idx = np.nonzero(ok)
    pk, qk = p[b_idx, c_idx], q[b_idx, c_idx]
    if not b_idx.size:
        return degenerate, b_idx, c_idx, pk, qk
    w = np.empty((b_idx.size, 2, 2))
    w[:, 0, 0] = (1.0 - pk) * (1.0 - qk)
    w[:, 0, 1] = (1.0 - pk) * qk
    w[:, 1, 0] = pk * (1.0 - qk)
    w[:, 1, 1] = pk * qk
    # values[c, k, z]: player k's payoff of action z against the candidate's profile.
    dev = flat[b_idx[:, None, None, None, None], np.arange(n)[None, :, None, None, None],
               t.dev[c_idx]]  # fmt: skip
    values = (
        w[:, None, 0, 0, None] * dev[:, :, 0, 0]
        + w[:, None, 0, 1, None] * dev[:, :, 0, 1]
        + w[:, None, 1, 0, None] * dev[:, :, 1, 0]
        + w[:, None, 1, 1, None] * dev[:, :, 1, 1]
    )
    size = (
        w[:, None, 0, 0, None] * np.abs(dev[:, :, 0, 0])
        + w[:, None, 0, 1, None] * np.abs(dev[:, :, 0, 1])
        + w[:, None, 1, 0, None] * np.abs(dev[:, :, 1, 0])
        + w[:, None, 1, 1, None] * np.abs(dev[:, :, 1, 1])
    ).max(axis=(1, 2))
    own = np.take_along_axis(values, t.own[c_idx], axis=2).min(axis=2)
    regret = (values.max(axis=2) - own).max(axis=1)
    keep = regret <= bound * size
    return degenerate, b_idx[keep], c_idx[keep], pk[keep], qk[keep]


def _verified(
    game: NormalFormGame, found: _Found, tol: float
) -> tuple[list[Equilibrium], bool, list[str]]:
    checked = verify_many(game, found.profiles, METHOD, tol)
    notes = []
    if checked.failures:
        notes.append(
            f"dropped {len(checked.failures)} candidate profile(s) that are equilibria only "
            "in floating point, not exactly"
        )
    degenerate = found.degenerate or checked.ties
    if found.degenerate:
        notes.append(
            "degenerate game: a player is indifferent between two actions against a pure "
            "profile of the others; equilibria along a continuum or with one mixing player "
            "are not enumerated"
        )
    elif checked.ties:
        notes.append(
            "degenerate game: an equilibrium has a best response outside its support"
        )
    kept = sorted(deduplicate(checked.equilibria), key=lambda e: profile_key(e.profile))
    return kept, degenerate, notes


def two_mixer_equilibria(
    game: NormalFormGame,
    tol: float = DEFAULT_TOLERANCE,
    check_time: Callable[[], None] | None = None,
) -> tuple[list[Equilibrium], bool, list[str]]:
    """Every equilibrium of ``game`` in which exactly two players mix, each over exactly
    two actions, and every other player plays a pure action (see the module docstring).

    Returns
    -------
    (equilibria, degenerate, notes)
        The verified equilibria ordered by profile key, whether degeneracy was seen, and
        remarks (degeneracy, dropped borderline candidates).
    """
    found = _candidates(game.payoffs[np.newaxis], tol, check_time)[0]
    return _verified(game, found, tol)


def batch_two_mixer_equilibria(
    payoffs: npt.ArrayLike, tol: float = DEFAULT_TOLERANCE
) -> list[list[Equilibrium]]:
    """:func:`two_mixer_equilibria` of each game of a batch ``(batch, n, *actions)``.

    Game ``b``'s list equals ``two_mixer_equilibria(NormalFormGame(payoffs[b]))[0]``
    exactly (the same floating-point operations, element by element, and the same
    :func:`verify`); only the games with a candidate are built as
    :class:`~sim.game.NormalFormGame` objects.
    """
    arr, _ = as_batch(payoffs, True)
    if not np.all(np.isfinite(arr)):
        raise SolverError(METHOD, "payoffs must be finite numbers (found NaN or infinity)")
    out: list[list[Equilibrium]] = []
    for start in range(0, arr.shape[0], _CHUNK):
        chunk = arr[start : start + _CHUNK]
        for b, found in enumerate(_candidates(chunk, tol)):
            if not found.profiles:
                out.append([])
                continue
            game = NormalFormGame(np.ascontiguousarray(chunk[b]))
            out.append(_verified(game, found, tol)[0])
    return out


def batch_two_mixer_candidates(
    payoffs: npt.ArrayLike, tol: float = DEFAULT_TOLERANCE
) -> list[list[list[FloatArray]]]:
    """The candidates of :func:`batch_two_mixer_equilibria` before their exact check: for
    each game of ``(batch, n, *actions)``, every two-mixer profile that passes the float
    screen, ordered by profile key. ``batch_two_mixer_equilibria`` is exactly these, each
    checked by :func:`sim.equilibria.verify.verify_many` (``method`` :data:`METHOD`);
    a caller that needs only some of them verified (the engine's robustness search: only a
    candidate that would change a flag) checks those."""
    arr, _ = as_batch(payoffs, True)
    if not np.all(np.isfinite(arr)):
        raise SolverError(METHOD, "payoffs must be finite numbers (found NaN or infinity)")
    out: list[list[list[FloatArray]]] = []
    for start in range(0, arr.shape[0], _CHUNK):
        out.extend(f.profiles for f in _candidates(arr[start : start + _CHUNK], tol))
    return out


def two_mixer_candidate_stack(payoffs: FloatArray, tol: float = DEFAULT_TOLERANCE
                              ) -> tuple[npt.NDArray[np.intp], FloatArray]:  # fmt: skip
    """The candidates of :func:`batch_two_mixer_candidates` as arrays, not lists: each
    candidate's game ``(C,)`` and its profile padded with 0 ``(C, n, max m)``, the same
    floats (``1 - p`` and ``p`` on a mixer's two actions, 1 on a pure player's), game by
    game in the order the screen keeps them, *not* sorted by profile key (a caller that
    needs that order of a few of them sorts those: sorting a subset keeps its relative
    order in the full list). No Python work per candidate: the robustness search
    (:func:`sim.stochastic.stage.search_others`) keys only the candidates it checks."""
    arr, _ = as_batch(payoffs, True)
    if not np.all(np.isfinite(arr)):
        raise SolverError(METHOD, "payoffs must be finite numbers (found NaN or infinity)")
    batch, n = arr.shape[0], arr.shape[1]
    shape = tuple(int(m) for m in arr.shape[2:])
    games: list[npt.NDArray[np.intp]] = []
    stacks: list[FloatArray] = []
    if n >= 2 and sum(m >= 2 for m in shape) >= 2:
        for start in range(0, batch, _CHUNK):
            flat = arr[start : start + _CHUNK].reshape(-1, n, math.prod(shape))
            for t in _blocks(shape, flat.shape[0]):
                _, b_idx, c_idx, pk, qk = _screen_arrays(flat, t, tol)
                own = t.own[c_idx]  # (K, n, 2)
                stack = np.zeros((b_idx.size, n, max(shape)))
                rows = np.arange(b_idx.size)[:, None]
                stack[rows, np.arange(n)[None, :], own[:, :, 0]] = 1.0
                r = np.arange(b_idx.size)
                i, j = t.first[c_idx], t.second[c_idx]
                stack[r, i, own[r, i, 0]], stack[r, i, own[r, i, 1]] = 1.0 - pk, pk
                stack[r, j, own[r, j, 0]], stack[r, j, own[r, j, 1]] = 1.0 - qk, qk
                games.append(b_idx + start)
                stacks.append(stack)
    if not games:
        return np.zeros(0, dtype=np.intp), np.zeros((0, n, max(shape, default=1)))
    owner = np.concatenate(games)
    order = np.argsort(owner, kind="stable")  # game by game, each in screen order
    return owner[order], np.concatenate(stacks)[order]


def small_support(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """Every equilibrium with at most two mixing players, each mixing over two actions:
    all pure equilibria (lexicographic), then the two-mixer ones (by profile key).

    About a millisecond on a 3x3x3x3 game; on large games the candidates are screened in
    blocks of bounded memory, and ``timeout`` is checked between blocks.
    """
    deadline = Deadline(METHOD, timeout)
    pure = verify_many(game, [game.pure_to_mixed(a) for a in pure_equilibria(game)], "pure")
    mixed, degenerate, notes = two_mixer_equilibria(game, tol, deadline.check)
    found = pure.equilibria + mixed
    if not found:
        notes = [
            "no equilibrium in which at most two players mix over two actions each",
            *notes,
        ]
    return SolveResult(tuple(found), METHOD, degenerate, tuple(notes))
