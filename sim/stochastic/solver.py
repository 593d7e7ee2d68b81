"""Markov-perfect equilibria: backward induction, or the same operator iterated to a fixed point.

**The operator** (one kernel, over the batch axis; a single game is a batch of one). Given
next round's values ``V'[b, s', i]``, every state's stage game is

    G[b, s, i, a] = u[b, s, i, a] + delta[b, i] * sum_s' P[b](s' | s, a) V'[b, s', i],

one equilibrium ``sigma[b, s]`` of each is selected (:mod:`sim.stochastic.stage`), and the
values are what it pays: ``V[b, s, i] = sum_a sigma[b, s](a) G[b, s, i, a]``. By the
one-shot deviation principle a profile of stage equilibria so chained is a Markov-perfect
equilibrium (Maskin and Tirole, "Markov perfect equilibrium I", *Journal of Economic Theory*
100, 2001; Fudenberg and Tirole, *Game Theory*, 1991, sec. 13.2 and 4.2).

- **Finite horizon** ``T``: backward induction from ``V_T = terminal`` (0 by default):
  ``V_t = operator(V_{t+1})`` for ``t = T-1 .. 0``, with round ``t``'s payoffs and
  transitions. Cost: ``T`` applications, linear in the horizon.
- **Stationary** (``horizon=None``): the same operator iterated from ``V = 0`` (Shapley's
  iteration, 1953) until the values move by at most ``stop * spread * (1 - d) / d`` in
  every state (``spread`` the payoffs' range, ``d`` the largest discount). For the profile
  ``sigma`` then selected this bounds the distance of the reported values to that profile's
  own values by ``stop * spread`` (the operator at a fixed profile is a ``d``-contraction),
  so ``sigma`` is a Markov-perfect equilibrium within that tolerance, which
  :meth:`Solution.verify` checks. In zero-sum games and one-player games (Markov decision
  processes) the iteration is a contraction and always converges; with several
  equilibria per stage game it may cycle: after ``max_iterations`` (default
  :func:`iteration_bound`) the solve raises :class:`~sim.errors.ConvergenceError` saying by
  how much the values still moved.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.errors import ConvergenceError, EngineError
from sim.game import DEFAULT_TOLERANCE
from sim.stochastic.game import StochasticGame
from sim.stochastic.stage import (
    FALLBACKS,
    PATHS,
    SELECTIONS,
    TraceCache,
    WarmSources,
    select_stage,
    strategy_values,
)

FloatArray = npt.NDArray[np.float64]

#: Work beyond this many bytes is refused before it starts (see :func:`memory_estimate`).
MEMORY_BUDGET = 2 * 1024**3
#: The longest finite horizon accepted.
MAX_HORIZON = 100_000
#: Stationary iteration: the stopping rule's relative tolerance, and the most iterations
#: ever allowed (the default bound is :func:`iteration_bound`).
STOP = 1e-10
MAX_ITERATIONS = 100_000


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """The BLAS libraries this process has loaded (numpy's and scipy's OpenBLAS) limited to
    one thread while the block runs, their previous counts restored after
    (``threadpoolctl.threadpool_limits``; nested blocks keep the limit until the outermost
    ends). A solve's matrix products are the expectation's contractions
    (:meth:`~sim.stochastic.transitions.FactoredTransitions.expect`): on the engine
    benchmark's 10,649 states OpenBLAS ran them on both cores of the 2-core machine, and its
    threads spin after each product, so a round cost about 9% more CPU (the compiled
    tracer's time included: the spinning thread is the process's CPU too), with the same
    floats (the products' results do not depend on the thread count here: the strategies
    and values of four rounds compared bit for bit). An analysis chunk's products are too
    small to be threaded: no change there (docs/performance.md, wave 14)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


@dataclass(frozen=True)
class Options:
    """How a solve selects and stops (the keywords of :func:`solve`)."""

    selection: str = "qre"
    focal_player: int = 0
    fallback: str = "player-optimal"
    tol: float = DEFAULT_TOLERANCE
    stop: float = STOP
    max_iterations: int | None = None
    robust: bool = True
    certify: bool = True


@dataclass
class Arrays:
    """What the kernel computes, every array with the batch axis first.

    Finite horizon ``T``: ``strategy (B, T, S, n, M)``, ``values (B, T + 1, S, n)`` (the
    last round is the terminal values), ``robust``/``complete``/``path`` ``(B, T, S)``,
    ``robust_players (B, T, S, n)``, ``continuum`` ``(B, T, S)`` (the selected profile lies
    on a continuum of equilibria: :func:`sim.stochastic.stage.on_continuum`). Stationary:
    the same without the round axis, and ``values (B, S, n)``.
    """

    strategy: FloatArray
    values: FloatArray
    robust: npt.NDArray[np.bool_]
    robust_players: npt.NDArray[np.bool_]
    complete: npt.NDArray[np.bool_]
    path: npt.NDArray[np.int8]
    counts: dict[str, int]
    iterations: int
    continuum: npt.NDArray[np.bool_]


def stage_payoffs(game: StochasticGame, values: FloatArray, out: FloatArray | None = None
                  ) -> FloatArray:  # fmt: skip
    """``(B, S, n, *m)``: every state's stage game given next round's ``values`` ``(B, S, n)``
    (:meth:`sim.stochastic.transitions.Transitions.stage`: ``u + delta E[V' | s, a]``),
    written into ``out`` (of that shape) where the transition form can."""
    return game.transitions.stage(values, game.shape, game.batch_discount(),
                                  game.batch_payoffs(), out)  # fmt: skip


def step(
    game: StochasticGame,
    values: FloatArray,
    options: Options,
    previous: FloatArray | None,
    cache: TraceCache,
    sources: WarmSources | None = None,
    work: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, Any]:
    """One application of the operator: ``(sigma (B, S, n, M), V (B, S, n), choice)``;
    ``sources`` the warm sources of the traces, by row of the ``B x S`` stage games (each
    game's from the application before, :class:`~sim.stochastic.stage.WarmSources`);
    ``work`` a buffer ``(B, S, n, *m)`` the stage games are written into (:func:`buffer`)."""
    b, s, n = game.batch_size, game.n_states, game.n_players
    games = stage_payoffs(game, values, work).reshape(b * s, n, *game.shape)
    choice = select_stage(
        games,
        options.selection,
        tol=options.tol,
        previous=None if previous is None else previous.reshape(b * s, n, -1),
        focal_player=options.focal_player,
        fallback=options.fallback,
        robust=options.robust,
        certify=options.certify,
        cache=cache,
        sources=sources,
    )
    sigma = choice.strategies
    v = strategy_values(games, sigma).reshape(b, s, n)
    return sigma.reshape(b, s, n, -1), v, choice


def buffer(game: StochasticGame) -> FloatArray:
    """The stage games' buffer ``(B, S, n, *m)`` a solve reuses from round to round (or
    iteration to iteration): nothing :func:`step` returns refers to the stage games, so
    each application may overwrite the last one's. A fresh array each round was paged in
    and zeroed by the kernel every time (27 MB a round in the engine benchmark)."""
    return np.empty((game.batch_size, game.n_states, game.n_players, *game.shape))


def _count(counts: dict[str, int], path: npt.NDArray[np.int8]) -> None:
    for k, name in enumerate(PATHS):
        counts[name] = counts.get(name, 0) + int(np.count_nonzero(path == k))


Progress = Callable[[int, int], None]


def backward(rounds: Sequence[StochasticGame], terminal: FloatArray, options: Options,
             progress: Progress | None = None, traces: TraceCache | None = None
             ) -> Arrays:  # fmt: skip
    """Backward induction over ``rounds`` (round ``t`` plays ``rounds[t]``); ``progress``
    is called with (rounds done, rounds in all) after each."""
    first = rounds[0]
    horizon = len(rounds)
    b, s, n = first.batch_size, first.n_states, first.n_players
    width = max(first.shape)
    strategy = np.zeros((b, horizon, s, n, width))
    values = np.zeros((b, horizon + 1, s, n))
    robust = np.zeros((b, horizon, s), dtype=bool)
    robust_players = np.zeros((b, horizon, s, n), dtype=bool)
    complete = np.zeros((b, horizon, s), dtype=bool)
    path = np.zeros((b, horizon, s), dtype=np.int8)
    continuum = np.zeros((b, horizon, s), dtype=bool)
    counts: dict[str, int] = {}
    cache = TraceCache() if traces is None else traces
    sources = WarmSources()
    values[:, horizon] = terminal
    previous = None
    work = buffer(first)
    for t in reversed(range(horizon)):
        sigma, v, choice = step(rounds[t], values[:, t + 1], options, previous, cache, sources,
                                work)  # fmt: skip
        strategy[:, t] = sigma
        values[:, t] = v
        robust[:, t] = choice.robust.reshape(b, s)
        robust_players[:, t] = choice.robust_players.reshape(b, s, n)
        complete[:, t] = choice.complete.reshape(b, s)
        path[:, t] = choice.path.reshape(b, s)
        continuum[:, t] = choice.continuum.reshape(b, s)
        _count(counts, choice.path)
        previous = sigma
        if progress is not None:
            progress(horizon - t, horizon)
    return Arrays(strategy, values, robust, robust_players, complete, path, counts, horizon,
                  continuum)  # fmt: skip


def stationary(game: StochasticGame, initial: FloatArray, options: Options,
               progress: Progress | None = None, traces: TraceCache | None = None
               ) -> Arrays:  # fmt: skip
    """The operator iterated from ``initial`` to the fixed point (module docstring);
    ``progress`` is called with (iterations done, the bound) after each."""
    b = game.batch_size
    u = game.batch_payoffs().reshape(b, -1)
    spread = u.max(axis=1) - u.min(axis=1)
    d = game.batch_discount().max(axis=1)
    with np.errstate(divide="ignore", over="ignore"):
        threshold = np.where(d > 0, options.stop * spread * (1 - d) / d, np.inf)
    counts: dict[str, int] = {}
    cache = TraceCache() if traces is None else traces
    sources = WarmSources()
    v = initial
    previous = None
    change = np.full(b, np.inf)
    bound = options.max_iterations or iteration_bound(float(d.max()), options.stop)
    work = buffer(game)
    for k in range(1, bound + 1):
        sigma, v_new, choice = step(game, v, options, previous, cache, sources, work)
        _count(counts, choice.path)
        change = np.abs(v_new - v).reshape(b, -1).max(axis=1)
        v = v_new
        previous = sigma
        if progress is not None:
            progress(k, bound)
        if k >= 2 and np.all(change <= threshold):
            s, n = game.n_states, game.n_players
            return Arrays(
                sigma,
                v,
                choice.robust.reshape(b, s),
                choice.robust_players.reshape(b, s, n),
                choice.complete.reshape(b, s),
                choice.path.reshape(b, s),
                counts,
                k,
                choice.continuum.reshape(b, s),
            )
    worst = int(np.argmax(change / np.where(threshold > 0, threshold, 1.0)))
    raise ConvergenceError(
        f"the stationary iteration did not converge within {bound} "
        f"iterations: the values still moved by {change[worst]:.3g} (game {worst} of the "
        f"batch), the stopping rule asks for at most {threshold[worst]:.3g}; the selected "
        "stage equilibria may cycle: try a finite horizon or another selection"
    )


def iteration_bound(discount: float, stop: float) -> int:
    """The default bound on stationary iterations: four times what a ``discount``-contraction
    needs to shrink a change of the payoffs' spread to the stopping rule
    (``log(stop (1 - d) / d) / log d``), plus 100; a selection that keeps the operator a
    contraction converges well within it, one that cycles fails in reasonable time."""
    if discount <= 0:
        return 100
    ratio = stop * (1 - discount) / discount
    # A subnormal discount overflows the ratio (to inf): such a contraction needs no
    # iterations; so does any whose ratio exceeds 1 (a negative need).
    need = math.log(ratio) / math.log(discount) if math.isfinite(ratio) else 0.0
    return int(min(MAX_ITERATIONS, 4 * math.ceil(max(need, 0.0)) + 100))


def memory_estimate(game: StochasticGame, horizon: int | None) -> int:
    """Bytes the solve will hold: the strategies and values of every round, the records,
    and about eight stage-game tensors ``(B, S, n, *m)`` of work space."""
    b, s, n = game.batch_size, game.n_states, game.n_players
    width = max(game.shape)
    rounds = 1 if horizon is None else horizon
    stored = rounds * b * s * (n * width * 8 + n * 8 + 4 + n) + b * s * n * 8
    work = 8 * b * s * n * game.n_profiles * 8
    return int(stored + work)


def rounds_of(
    game: StochasticGame | Sequence[StochasticGame], horizon: int | None
) -> tuple[list[StochasticGame], int | None]:
    """The games of each round, and the horizon (``None``: stationary)."""
    if isinstance(game, StochasticGame):
        if horizon is None:
            return [game], None
        _check_horizon(horizon)
        return [game] * int(horizon), int(horizon)
    if isinstance(game, str | bytes) or not isinstance(game, Sequence):
        raise EngineError(
            f"solve needs a StochasticGame or a sequence of them, got {type(game).__name__}"
        )
    rounds = list(game)
    if not rounds:
        raise EngineError("a sequence of games needs at least one round")
    if not all(isinstance(g, StochasticGame) for g in rounds):
        raise EngineError("every round of a sequence must be a StochasticGame")
    if horizon is not None and horizon != len(rounds):
        raise EngineError(
            f"a sequence of {len(rounds)} games is a horizon of {len(rounds)} rounds, "
            f"got horizon={horizon}"
        )
    _check_horizon(len(rounds))
    first = rounds[0]
    for t, g in enumerate(rounds[1:], start=1):
        if g is first:
            continue
        for what in ("players", "actions", "states"):
            if getattr(g, what) != getattr(first, what):
                raise EngineError(f"round {t}'s game has other {what} than round 0's")
        if g.batch_size != first.batch_size:
            raise EngineError(
                f"round {t}'s game has a batch of {g.batch_size}, round 0's {first.batch_size}"
            )
    return rounds, len(rounds)


def _check_horizon(horizon: Any) -> None:
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
        raise EngineError(f"horizon must be a whole number of rounds or None, got {horizon!r}")
    if not 1 <= int(horizon) <= MAX_HORIZON:
        raise EngineError(f"horizon must be between 1 and {MAX_HORIZON:,} rounds, got {horizon:,}")


def check_options(options: Options, n_players: int) -> None:
    if options.selection not in SELECTIONS:
        raise EngineError(
            f"unknown selection {options.selection!r}; choose one of {', '.join(SELECTIONS)}"
        )
    if options.fallback not in FALLBACKS:
        raise EngineError(
            f"fallback must be one of {', '.join(FALLBACKS)}, got {options.fallback!r}"
        )
    if not 0 <= options.focal_player < n_players:
        raise EngineError(f"focal player {options.focal_player} out of range 0..{n_players - 1}")
    if not (math.isfinite(options.tol) and options.tol >= 0):
        raise EngineError(f"tol must be a finite number >= 0, got {options.tol}")
    if not (math.isfinite(options.stop) and options.stop > 0):
        raise EngineError(f"stop must be a positive number, got {options.stop}")
    if options.max_iterations is not None and not 1 <= options.max_iterations <= MAX_ITERATIONS:
        raise EngineError(
            f"max_iterations must be between 1 and {MAX_ITERATIONS:,}, got {options.max_iterations}"
        )


def terminal_values(game: StochasticGame, terminal: Any) -> FloatArray:
    """``(B, S, n)`` from ``None`` (zeros), ``(S, n)`` or ``(B, S, n)``."""
    shape = (game.batch_size, game.n_states, game.n_players)
    if terminal is None:
        return np.zeros(shape)
    try:
        arr = np.array(terminal, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EngineError(f"terminal values must be a numeric array ({exc})") from None
    if arr.shape == shape[1:]:
        arr = np.broadcast_to(arr, shape).copy()
    if arr.shape != shape:
        raise EngineError(
            f"terminal values must have shape (S, n) = {shape[1:]} or (B, S, n) = {shape}, "
            f"got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise EngineError("terminal values must be finite")
    return arr
