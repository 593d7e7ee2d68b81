"""Exact pure-strategy equilibrium enumeration, vectorized over a batch of games.

A pure profile ``a`` is a Nash equilibrium when every player's action ``a_i`` is a best
response to the others' actions ``a_{-i}``: ``u_i(a) >= max_k u_i(k, a_{-i})``. The payoffs
are the game's own floats, so this comparison is exact: no tolerance, at any payoff scale
(a game multiplied by 1e-9, or holding a payoff of 1e9, has exactly the equilibria of the
original). This is the textbook definition (e.g. Nisan et al., *Algorithmic Game Theory*,
2007, sec. 1.3.2); checking it for all profiles at once needs, per player, one maximum over
that player's own action axis and one comparison. A positive ``tol`` admits approximate
equilibria instead: ``u_i(a) >= best - tol * max(|best|, |u_i(a)|)``, a tolerance relative to
the two payoffs compared (used to find near-ties, never to verify).

How the kernel is laid out, and why (measured in ``benchmarks/bench_pure_enumeration.py``):
the input ``(batch, n, *actions)`` is processed in chunks of a few hundred games, each copied
once into a *batch-last* buffer ``(n, *actions, chunk)`` that fits in L2 cache. In that layout
every slice ``u_i[..., k, ..., :]`` is a contiguous run of whole rows, so the maxima
(``np.maximum`` over the ``m_i`` slices of the own axis, not ``.max(axis=...)``), the
thresholds and the comparisons are long SIMD loops written into preallocated buffers with
``out=``. A naive ``u.max(axis=1 + i)`` per player on the input layout is about five times
slower. The float64 values are compared exactly as given (no float32 shortcut).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sim.errors import GameError
from sim.game import NormalFormGame

BoolArray = npt.NDArray[np.bool_]

#: Floats per chunk buffer: 2 MB; of 0.25-32 MB this was the best on a machine with a 2 MB L2 cache.
_CHUNK_FLOATS = 1 << 18


def as_batch(payoffs: npt.ArrayLike, batched: bool | None) -> tuple[np.ndarray, bool]:
    """Validate ``payoffs`` and return it as ``(batch, n, *actions)`` plus whether it was one."""
    try:
        arr = np.asarray(payoffs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise GameError(f"payoffs must be a numeric array ({exc})") from None
    single_ok = arr.ndim >= 2 and arr.ndim == arr.shape[0] + 1
    batch_ok = arr.ndim >= 3 and arr.ndim == arr.shape[1] + 2
    if batched is None:
        if single_ok and batch_ok:
            raise GameError(
                f"payoffs of shape {arr.shape} are both one game of {arr.shape[0]} players and "
                f"a batch of {arr.shape[0]} games of {arr.shape[1]} players; pass batched="
            )
        batched = batch_ok
        if not (single_ok or batch_ok):
            raise GameError(
                "payoffs must have shape (n_players, *n_actions) or "
                f"(batch, n_players, *n_actions), got shape {arr.shape}"
            )
    elif batched and not batch_ok:
        raise GameError(f"a batch needs shape (batch, n_players, *n_actions), got {arr.shape}")
    elif not batched and not single_ok:
        raise GameError(f"a game needs shape (n_players, *n_actions), got {arr.shape}")
    if not batched:
        arr = arr[np.newaxis]
    if any(m < 1 for m in arr.shape[2:]):
        raise GameError(f"every player needs at least one action, got shape {arr.shape}")
    return arr, bool(batched)


def pure_equilibrium_mask(
    payoffs: npt.ArrayLike,
    tol: float = 0.0,
    *,
    batched: bool | None = None,
) -> BoolArray:
    """Mark the pure Nash equilibria of one game or of a batch of same-shaped games.

    Parameters
    ----------
    payoffs
        A batch ``(batch, n, *actions)`` or a single game ``(n, *actions)`` in the layout of
        :mod:`sim.game`. Any strides are accepted; C-contiguous input is the fast path.
    tol
        0 (the default): exact Nash equilibria. Positive: approximate ones, each deviation
        payoff ``d`` accepted against the profile's payoff ``e`` when
        ``d <= e + tol * max(|d|, |e|)``.
    batched
        Whether ``payoffs`` is a batch. ``None`` infers it from the shape and raises if the
        shape is both (e.g. ``(5, 4, 3, 3, 3, 3)``: five 4-player games, or one 5-player
        game); code handling batches of any size should pass ``batched=True``.

    Returns
    -------
    numpy.ndarray of bool
        ``mask[b, a_0, ..., a_{n-1}]`` (or ``mask[a_0, ...]`` for one game) is true iff the
        pure profile is an equilibrium of game ``b``.

    Raises
    ------
    GameError
        On a malformed shape or a NaN or infinite payoff.
    """
    arr, was_batched = as_batch(payoffs, batched)
    if not (np.isfinite(tol) and tol >= 0):
        raise GameError(f"tolerance must be a finite number >= 0, got {tol}")
    batch, n = arr.shape[0], arr.shape[1]
    actions = arr.shape[2:]
    cells = int(np.prod(actions))
    out = np.empty((batch, *actions), dtype=np.bool_)
    if batch == 0:
        return out if was_batched else out[0]
    chunk = max(1, min(batch, _CHUNK_FLOATS // (n * cells)))
    # Workspaces, reused by every chunk.
    work = np.empty((n, cells, chunk))
    mask = np.empty((cells, chunk), dtype=np.bool_)
    hit = np.empty((cells, chunk), dtype=np.bool_)
    finite = np.empty((n * cells, chunk), dtype=np.bool_)
    best = np.empty((cells, chunk))
    slack = np.empty((cells, chunk)) if tol > 0 else None
    flat_in = arr.reshape(batch, n, cells)
    flat_out = out.reshape(batch, cells)
    for start in range(0, batch, chunk):
        b = min(chunk, batch - start)
        w = work[:, :, :b]
        np.copyto(w, flat_in[start : start + b].transpose(1, 2, 0))
        w2 = w.reshape(n * cells, b)
        f = finite[:, :b]
        np.isfinite(w2, out=f)
        if not f.all():
            bad = start + int(np.flatnonzero(~f.all(axis=0))[0])
            where = f"game {bad} of the batch" if was_batched else "the game"
            raise GameError(f"payoffs must be finite numbers (found NaN or infinity in {where})")
        m = mask[:, :b]
        h = hit[:, :b]
        for i in range(n):
            before = int(np.prod(actions[:i]))
            own = actions[i]
            after = cells // (before * own)
            u = w[i].reshape(before, own, after, b)
            top = best[: before * after, :b].reshape(before, after, b)
            if own == 1:
                np.copyto(top, u[:, 0])
            else:
                np.maximum(u[:, 0], u[:, 1], out=top)
                for k in range(2, own):
                    np.maximum(top, u[:, k], out=top)
            target = (m if i == 0 else h).reshape(before, own, after, b)
            if slack is None:
                np.greater_equal(u, top[:, np.newaxis], out=target)
            else:
                # u + tol * max(|u|, |top|) >= top, one action slice at a time.
                s_ = slack[: before * after, :b].reshape(before, after, b)
                for k in range(own):
                    np.abs(u[:, k], out=s_)
                    np.maximum(s_, np.abs(top), out=s_)
                    np.multiply(s_, tol, out=s_)
                    np.add(s_, u[:, k], out=s_)
                    np.greater_equal(s_, top, out=target[:, k])
            if i > 0:
                np.logical_and(m, h, out=m)
        np.copyto(flat_out[start : start + b], m.T)
    return out if was_batched else out[0]


def pure_equilibria(game: NormalFormGame, tol: float = 0.0) -> list[tuple[int, ...]]:
    """All pure Nash equilibria of ``game``, sorted lexicographically.

    Exact enumeration for any number of players (see the module docstring; ``tol`` > 0
    admits approximate ones).
    """
    mask = pure_equilibrium_mask(game.payoffs, tol, batched=False)
    return [tuple(int(a) for a in row) for row in np.argwhere(mask)]


def batch_pure_equilibria(
    payoffs: npt.ArrayLike, tol: float = 0.0
) -> list[list[tuple[int, ...]]]:
    """Each game's pure equilibria (lexicographic) for a batch ``(batch, n, *actions)``."""
    mask = pure_equilibrium_mask(payoffs, tol, batched=True)
    found: list[list[tuple[int, ...]]] = [[] for _ in range(mask.shape[0])]
    for row in np.argwhere(mask):
        found[int(row[0])].append(tuple(int(a) for a in row[1:]))
    return found
