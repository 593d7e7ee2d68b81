"""The engine's entry points: :func:`solve`, and :func:`solve_chunk` for the executors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sim.errors import EngineError
from sim.game import DEFAULT_TOLERANCE
from sim.stochastic.game import StochasticGame
from sim.stochastic.result import Solution
from sim.stochastic.solver import (
    MEMORY_BUDGET,
    STOP,
    Arrays,
    Options,
    backward,
    check_options,
    memory_estimate,
    one_blas_thread,
    rounds_of,
    stationary,
    terminal_values,
)
from sim.stochastic.stage import TraceCache


def solve(
    game: StochasticGame | Sequence[StochasticGame],
    horizon: int | None = None,
    *,
    selection: str = "qre",
    focal_player: str | int = 0,
    fallback: str = "player-optimal",
    terminal: Any = None,
    tol: float = DEFAULT_TOLERANCE,
    stop: float = STOP,
    max_iterations: int | None = None,
    robust: bool = True,
    certify: bool = True,
    memory_budget: int = MEMORY_BUDGET,
    progress: Callable[[int, int], None] | None = None,
    traces: TraceCache | None = None,
) -> Solution:
    """A Markov-perfect equilibrium of ``game`` (see docs/engine.md).

    Parameters
    ----------
    game
        A :class:`StochasticGame`, or a sequence of ``T`` of them sharing states, players,
        actions and batch size: the finite-horizon game whose round ``t`` plays the
        ``t``-th (round-dependent payoffs or transitions; repeat the same object for the
        rounds that do not change).
    horizon
        ``None``: the stationary (infinite-horizon) equilibrium of one game; ``T``: the
        finite game of ``T`` rounds (1..100,000), solved by backward induction.
    selection
        ``"qre"`` (the logit QRE limit, default), ``"inertia"``, ``"player-optimal"`` or
        ``"welfare"`` (see :mod:`sim.stochastic.stage`).
    focal_player
        The player ``"player-optimal"`` favours (name or index).
    fallback
        What ``"inertia"`` applies when there is nothing to keep.
    terminal
        Finite horizon: the values after the last round, ``(S, n)`` or ``(B, S, n)``
        (default 0). Stationary: the values the iteration starts from.
    tol
        Regret tolerance of every selected stage equilibrium, relative to its stage game's
        payoff spread.
    stop, max_iterations
        The stationary stopping rule and its bound (default
        :func:`~sim.stochastic.solver.iteration_bound`; :mod:`sim.stochastic.solver`).
    robust
        Whether to look for other equilibria in each stage game (``Solution.robust``;
        ``False`` leaves it all False and saves that search).
    certify
        Whether each traced QRE limit is also checked by ``sim.equilibria.verify``'s exact
        or certified arithmetic (``False``: the regret check only; path ``traced`` either
        way unless the check fails, then ``uncertified``).
    memory_budget
        Bytes the solve may hold (:func:`sim.stochastic.solver.memory_estimate`).
    progress
        Called with (rounds or iterations done, their number or bound) after each; the
        CLI draws a progress bar with it.
    traces
        Traced QRE limits to reuse and add to (a :class:`~sim.stochastic.TraceCache`):
        several solves of related games (other selection rules, the same game with discount
        0) pass one, and a stage game whose normalised payoffs were traced before, bit for
        bit, is not traced again. Within one solve a cache is always shared across rounds.

    Raises
    ------
    EngineError
        On any bad argument, or work beyond the memory budget, before any work.
    ConvergenceError
        If the stationary iteration does not meet its stopping rule within the bound.
    """
    rounds, horizon = rounds_of(game, horizon)
    first = rounds[0]
    focal = first.player_index(focal_player)
    options = Options(selection, focal, fallback, float(tol), float(stop),
                      None if max_iterations is None else int(max_iterations),
                      bool(robust), bool(certify))  # fmt: skip
    check_options(options, first.n_players)
    need = memory_estimate(first, horizon)
    if need > memory_budget:
        raise EngineError(
            f"the solve needs about {need / 2**30:.2f} GiB ({first.batch_size} game(s) x "
            f"{first.n_states:,} states x {first.n_profiles:,} profiles"
            f"{'' if horizon is None else f' x {horizon:,} rounds'}), over the memory budget "
            f"of {memory_budget / 2**30:.2f} GiB: split the batch or pass memory_budget="
        )
    start = terminal_values(first, terminal)
    with one_blas_thread():
        arrays = (stationary(first, start, options, progress, traces) if horizon is None
                  else backward(rounds, start, options, progress, traces))  # fmt: skip
    return Solution(first, tuple(rounds), horizon, options, arrays)


def solve_chunk(
    game: StochasticGame | Sequence[StochasticGame],
    start: int,
    stop: int,
    horizon: int | None = None,
    options: dict[str, Any] | None = None,
) -> Arrays:
    """Solve games ``start:stop`` of a batch: the module-level function an executor
    (in-process, processes, Dask) runs on one chunk. Returns the raw arrays; the caller
    joins chunks with :func:`join_chunks`."""
    rounds = [game] if isinstance(game, StochasticGame) else list(game)
    cache: dict[int, StochasticGame] = {}
    part = []
    for g in rounds:
        if id(g) not in cache:
            cache[id(g)] = g.take(np.arange(start, stop))
        part.append(cache[id(g)])
    target: StochasticGame | list[StochasticGame] = (
        part[0] if isinstance(game, StochasticGame) else part
    )
    return solve(target, horizon, **(options or {})).arrays


def join_chunks(
    game: StochasticGame | Sequence[StochasticGame],
    horizon: int | None,
    parts: Sequence[Arrays],
    options: dict[str, Any] | None = None,
) -> Solution:
    """The :class:`Solution` of a whole batch from the arrays of its chunks, in order."""
    rounds, horizon = rounds_of(game, horizon)
    first = rounds[0]
    opts = dict(options or {})
    focal = first.player_index(opts.pop("focal_player", 0))
    keep = {k: opts[k] for k in ("selection", "fallback", "tol", "stop", "max_iterations",
                                 "robust", "certify") if k in opts}  # fmt: skip
    chosen = Options(focal_player=focal, **keep)
    counts: dict[str, int] = {}
    for p in parts:
        for k, v in p.counts.items():
            counts[k] = counts.get(k, 0) + v
    arrays = Arrays(
        np.concatenate([p.strategy for p in parts]),
        np.concatenate([p.values for p in parts]),
        np.concatenate([p.robust for p in parts]),
        np.concatenate([p.robust_players for p in parts]),
        np.concatenate([p.complete for p in parts]),
        np.concatenate([p.path for p in parts]),
        counts,
        max(p.iterations for p in parts),
        np.concatenate([p.continuum for p in parts]),
    )
    return Solution(first, tuple(rounds), horizon, chosen, arrays)
