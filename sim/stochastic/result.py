"""The result of a solve: strategies, values, robustness, and the outcomes they imply.

Outcomes are computed exactly by forward propagation: the state distribution of round
``t + 1`` is ``pi_{t+1}(s') = sum_{s, a} pi_t(s) sigma_t(s)(a) P_t(s' | s, a)``, with
``sigma_t(s)(a) = prod_i sigma_t(s, i, a_i)`` (players mix independently). The probability
of any event on states or actions is then a sum over this distribution; the first round an
event happens is computed on the mass it has not yet touched, so "never within the
horizon" is its own outcome, not the last round. Sampled paths draw every player's action
and the next state from one ``numpy.random.Generator`` (PCG64) seeded by the caller, by
inverse-CDF lookups on its uniforms: the same seed gives the same paths on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.errors import EngineError
from sim.game import NormalFormGame
from sim.stochastic.game import StochasticGame
from sim.stochastic.solver import Arrays, Options, stage_payoffs
from sim.stochastic.stage import (
    EXACT_PATHS,
    PATHS,
    batch_regrets,
    regret_bounds,
    search_others,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Verification:
    """The one-shot deviation check of every state (and round) of a solution.

    ``regret`` has the shape of ``Solution.robust``: the largest gain of a unilateral
    deviation in each stage game with its continuation values; ``bound`` the tolerance
    each was held to; ``ok`` whether all are within it.
    """

    regret: FloatArray
    bound: FloatArray
    ok: bool

    @property
    def worst(self) -> float:
        """The largest regret relative to its bound (at most 1 when ``ok``)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(self.bound > 0, self.regret / self.bound,
                             np.where(self.regret > 0, np.inf, 0.0))  # fmt: skip
        return float(ratio.max()) if ratio.size else 0.0


@dataclass(frozen=True)
class FirstRound:
    """When an event first happens: ``probability[..., t]`` for rounds ``t = 0..rounds``,
    and ``never``: the probability it does not happen within them."""

    probability: FloatArray
    never: FloatArray

    def mean(self) -> FloatArray:
        """The expected first round given that it happens (NaN where it never can)."""
        t = np.arange(self.probability.shape[-1])
        mass = self.probability.sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray((self.probability * t).sum(axis=-1) / mass)


@dataclass(frozen=True)
class Paths:
    """Sampled paths: ``states[..., path, t]`` for ``t = 0..rounds`` and
    ``actions[..., path, t, i]`` for ``t < rounds``."""

    states: IntArray
    actions: IntArray


@dataclass(frozen=True, eq=False)
class Solution:
    """A Markov-perfect equilibrium of a stochastic game, with its outcomes.

    Attributes (``B``, the batch axis, leads every array when the game has one)
    ----------
    strategy
        Stationary ``(S, n, M)``; finite ``(T, S, n, M)``: each player's probabilities,
        padded with 0 to ``M = max m_i``.
    values
        ``(S, n)`` or ``(T, S, n)``: expected discounted payoff from each state (and round).
    robust
        ``(S,)`` or ``(T, S)``: the selected profile is the only equilibrium found in that
        stage game (see :mod:`sim.stochastic.stage`).
    robust_players
        ``(..., n)``: each player's strategy is the same in every equilibrium found.
    complete
        Like ``robust``: whether the equilibria compared were provably all of them.
    path
        Like ``robust``: how each stage game was answered, as a name of
        :data:`sim.stochastic.stage.PATHS`.
    path_counts
        How many stage games each path answered over the whole solve (every round or every
        iteration).
    continuum
        Like ``robust``: the selected profile lies on a continuum of equilibria (mixed, its
        support system singular, not one of the exactly resolved cases:
        :func:`sim.stochastic.stage.on_continuum`). There the selected point is where the
        logit trace stopped on the continuum, so it (and every number read from it) is a
        tie up to the tracer's stopping point, not a property of the model.
    horizon
        ``T``, or ``None`` for the stationary solution.
    iterations
        Operator applications (``T``, or the stationary iterations).
    """

    game: StochasticGame
    rounds: tuple[StochasticGame, ...]
    horizon: int | None
    options: Options
    arrays: Arrays = field(repr=False)

    # -- arrays ------------------------------------------------------------
    def _out(self, arr: Any) -> Any:
        return arr if self.game.batch is not None else arr[0]

    @property
    def strategy(self) -> FloatArray:
        return self._out(self.arrays.strategy)

    @property
    def values(self) -> FloatArray:
        v = self.arrays.values
        return self._out(v if self.horizon is None else v[:, : self.horizon])

    @property
    def robust(self) -> BoolArray:
        return self._out(self.arrays.robust)

    @property
    def robust_players(self) -> BoolArray:
        return self._out(self.arrays.robust_players)

    @property
    def complete(self) -> BoolArray:
        return self._out(self.arrays.complete)

    @property
    def continuum(self) -> BoolArray:
        return self._out(self.arrays.continuum)

    @property
    def path(self) -> npt.NDArray[np.str_]:
        return self._out(np.array(PATHS)[self.arrays.path])

    @property
    def path_counts(self) -> dict[str, int]:
        return dict(self.arrays.counts)

    @property
    def iterations(self) -> int:
        return self.arrays.iterations

    @property
    def selection(self) -> str:
        return self.options.selection

    # -- per round ---------------------------------------------------------
    def _round_game(self, t: int) -> StochasticGame:
        return self.rounds[0] if self.horizon is None else self.rounds[t]

    def _sigma(self, t: int) -> FloatArray:
        """``(B, S, n, M)`` in round ``t``."""
        a = self.arrays.strategy
        return a if self.horizon is None else a[:, t]

    def _next_values(self, t: int) -> FloatArray:
        v = self.arrays.values
        return v if self.horizon is None else v[:, t + 1]

    def _round(self, t: Any) -> int:
        if self.horizon is None:
            raise EngineError("a stationary solution has no rounds: index states only")
        if isinstance(t, bool) or not isinstance(t, int | np.integer) or not (
            0 <= t < self.horizon
        ):
            raise EngineError(f"round {t!r} outside 0..{self.horizon - 1}")
        return int(t)

    def _batch(self, batch: int | None) -> int:
        if self.game.batch is None:
            if batch not in (None, 0):
                raise EngineError("this solution has no batch axis")
            return 0
        if batch is None:
            raise EngineError(f"name the game of the batch (batch=0..{self.game.batch - 1})")
        if not 0 <= batch < self.game.batch:
            raise EngineError(f"batch index {batch} outside 0..{self.game.batch - 1}")
        return batch

    def stage_game(self, *index: Any, batch: int | None = None) -> NormalFormGame:
        """The stage game of a state (``stage_game(s)``), or of a round and a state
        (``stage_game(t, s)``) for a finite horizon: the round's payoffs plus the discounted
        expected continuation values, as a :class:`~sim.game.NormalFormGame`."""
        if self.horizon is None:
            if len(index) != 1:
                raise EngineError("a stationary solution's stage game is stage_game(state)")
            t, state = 0, index[0]
        else:
            if len(index) != 2:
                raise EngineError("a finite-horizon solution's stage game is stage_game(t, state)")
            t, state = self._round(index[0]), index[1]
        g = self._round_game(t)
        s = g.state_index(state)
        b = self._batch(batch)
        payoffs = stage_payoffs(g, self._next_values(t))[b, s]
        when = "" if self.horizon is None else f"round {t}, "
        return NormalFormGame(payoffs, g.players, g.actions, f"{when}state {g.states[s]}")

    def verify(self, tol: float | None = None) -> Verification:
        """Check every state's (and round's) selected profile against its stage game with
        continuation values: its largest regret is at most ``tol`` (default the solve's)
        times the stage game's payoff spread (plus rounding, see
        :func:`sim.stochastic.stage.regret_bounds`)."""
        tol = self.options.tol if tol is None else tol
        g0 = self.rounds[0]
        b, s, n = g0.batch_size, g0.n_states, g0.n_players
        rounds = 1 if self.horizon is None else self.horizon
        regret = np.zeros((b, rounds, s))
        bound = np.zeros((b, rounds, s))
        for t in range(rounds):
            games = stage_payoffs(self._round_game(t), self._next_values(t)).reshape(
                b * s, n, *g0.shape)  # fmt: skip
            sigma = self._sigma(t).reshape(b * s, n, -1)
            regret[:, t] = batch_regrets(games, sigma).reshape(b, s)
            bound[:, t] = regret_bounds(games, tol).reshape(b, s)
        if self.horizon is None:
            regret, bound = regret[:, 0], bound[:, 0]
        ok = bool(np.all(regret <= bound))
        return Verification(self._out(regret), self._out(bound), ok)

    def search_robust(self, where: Any = None) -> Solution:
        """This solution with the robustness search (``robust=True`` of :func:`solve`) run
        in the stage games marked by ``where`` only, and the flags of the others unknown
        (False, as ``robust=False`` leaves them).

        ``where`` has the shape of :attr:`robust` (``None``: every stage game); a caller
        that reads the flags only where play can go passes the states with positive
        probability, e.g. ``solution.distribution(start)[..., :T, :] > 0``. Where searched,
        the flags are bit for bit those of a solve with ``robust=True``: the same stage
        games (the same payoffs and continuation values), the same selected profile, the
        same search (:func:`sim.stochastic.stage.search_others`). Stage games answered by
        an exact path (constant, dominance, cyclic) keep their flags. A solution whose
        flags were searched already (``robust=True``, or a rule other than ``"qre"``, which
        always searches) is returned as it is.
        """
        if self.options.robust or self.options.selection != "qre":
            return self
        g0 = self.rounds[0]
        b, s, n = g0.batch_size, g0.n_states, g0.n_players
        rounds = 1 if self.horizon is None else self.horizon
        full = (b, rounds, s)
        if where is None:
            mask = np.ones(full, dtype=bool)
        else:
            mask = np.asarray(where, dtype=bool)
            want: tuple[int, ...] = full if self.game.batch is not None else full[1:]
            if self.horizon is None:
                want = want[:-2] + want[-1:]
            if mask.shape != want:
                raise EngineError(f"where must have shape {want}, got {mask.shape}")
            mask = mask.reshape(full)
        a = self.arrays
        robust = a.robust.copy().reshape(full)
        players = a.robust_players.copy().reshape(full + (n,))
        complete = a.complete.reshape(full)
        exact = np.isin(a.path.reshape(full), [PATHS.index(p) for p in EXACT_PATHS])
        for t in range(rounds):
            rows = mask[:, t] & ~complete[:, t] & ~exact[:, t]
            if not rows.any():
                continue
            games = stage_payoffs(self._round_game(t), self._next_values(t))[rows]
            chosen = self._sigma(t)[rows]
            r, rp = search_others(games, chosen, self.options.tol)
            robust[:, t][rows] = r
            players[:, t][rows] = rp
        shape = a.robust.shape
        arrays = replace(a, robust=robust.reshape(shape),
                         robust_players=players.reshape(shape + (n,)))  # fmt: skip
        return Solution(self.game, self.rounds, self.horizon,
                        replace(self.options, robust=True), arrays)  # fmt: skip

    # -- outcomes ----------------------------------------------------------
    def _start(self, start: Any) -> FloatArray:
        g = self.game
        b, s = g.batch_size, g.n_states
        if isinstance(start, str | int | np.integer) and not isinstance(start, bool):
            pi = np.zeros((b, s))
            pi[:, g.state_index(int(start) if isinstance(start, np.integer) else start)] = 1.0
            return pi
        try:
            arr = np.array(start, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise EngineError(f"start must be a state or a distribution ({exc})") from None
        if arr.shape == (s,):
            arr = np.broadcast_to(arr, (b, s)).copy()
        if arr.shape != (b, s):
            raise EngineError(
                f"start must be a state, a distribution over the {s} states, or one per game "
                f"({b}, {s}); got shape {arr.shape}"
            )
        if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(
            np.abs(arr.sum(axis=1) - 1) > 1e-9
        ):
            raise EngineError("start must be a probability distribution over the states")
        return arr

    def _rounds(self, rounds: int | None) -> int:
        if rounds is None:
            if self.horizon is None:
                raise EngineError("a stationary solution needs the number of rounds")
            return self.horizon
        if isinstance(rounds, bool) or not isinstance(rounds, int | np.integer) or rounds < 0:
            raise EngineError(f"rounds must be a whole number >= 0, got {rounds!r}")
        if self.horizon is not None and rounds > self.horizon:
            raise EngineError(f"rounds {rounds} beyond the horizon of {self.horizon}")
        return int(rounds)

    def _weights(self, pi: FloatArray, t: int, keep: BoolArray | None = None,
                 player: int | None = None) -> FloatArray:  # fmt: skip
        """``(B, S, *m)``: ``pi(s) * prod_i sigma_t(s, i, a_i)``, with ``player``'s actions
        outside ``keep`` zeroed."""
        g = self.game
        sigma = self._sigma(t)
        w = pi.reshape(pi.shape + (1,) * g.n_players)
        for i, m in enumerate(g.shape):
            si = sigma[:, :, i, :m]
            if player == i and keep is not None:
                si = si * keep
            shape = [pi.shape[0], pi.shape[1]] + [1] * g.n_players
            shape[2 + i] = m
            w = w * si.reshape(shape)
        return w

    def distribution(self, start: Any, rounds: int | None = None) -> FloatArray:
        """``(rounds + 1, S)`` (``(B, rounds + 1, S)`` with a batch): the exact probability
        of each state in rounds ``0..rounds``, from ``start`` (a state's name or index, or a
        distribution), under the selected strategies. ``rounds`` defaults to the horizon."""
        pi = self._start(start)
        r = self._rounds(rounds)
        out = np.empty((pi.shape[0], r + 1, pi.shape[1]))
        out[:, 0] = pi
        for t in range(r):
            pi = self._round_game(t).transitions.push(self._weights(pi, t), self.game.shape)
            out[:, t + 1] = pi
        return self._out(out)

    def reach(self, start: Any, where: Any, rounds: int | None = None) -> FloatArray:
        """The exact probability (``(B,)`` with a batch, else a number's array ``()``) that
        play from ``start`` is, in some round ``0..rounds-1``, in a state marked by
        ``where`` (the shape of :attr:`robust`, e.g. :attr:`continuum`; a stationary
        solution's marks hold in every round), under the selected strategies.

        The first visit is counted on the mass not yet marked (as :meth:`first_round`):
        ``r = sum_t sum_s q_t(s) w_t(s)``, ``q_0`` the start and ``q_{t+1}`` the push of
        ``q_t`` with the marked states' mass removed, so a path that visits several marked
        (round, state) pairs counts once."""
        pi = self._start(start)
        r = self._rounds(rounds)
        g0 = self.rounds[0]
        b, s = g0.batch_size, g0.n_states
        want: tuple[int, ...] = (b, s) if self.horizon is None else (b, self.horizon, s)
        mask = np.asarray(where, dtype=bool)
        if self.game.batch is None:
            mask = mask[None]
        if mask.shape != want:
            raise EngineError(f"where must have the shape of robust, {want}; got {mask.shape}")
        total = np.zeros(b)
        # Rounds after the last one with a mark add exact zeros (``total`` the same bits):
        # play is propagated only up to it (none: not at all; an analysis chunk's solve
        # usually marks nothing, and this was 0.5% of its CPU).
        if self.horizon is None:
            r = r if mask.any() else 0
        else:
            marks = np.flatnonzero(mask.any(axis=(0, 2)))
            r = min(r, int(marks[-1]) + 1) if marks.size else 0
        for t in range(r):
            marked = mask if self.horizon is None else mask[:, t]
            total += np.where(marked, pi, 0.0).sum(axis=1)
            if t + 1 == r:
                break
            pi = np.where(marked, 0.0, pi)
            pi = self._round_game(t).transitions.push(self._weights(pi, t), self.game.shape)
        return self._out(total)

    def action_distribution(self, start: Any, rounds: int | None = None) -> FloatArray:
        """``(rounds, n, M)`` (batch first): the probability that each player plays each
        action in rounds ``0..rounds-1``."""
        pi = self._start(start)
        r = self._rounds(rounds)
        g = self.game
        out = np.zeros((pi.shape[0], r, g.n_players, max(g.shape)))
        for t in range(r):
            out[:, t] = np.einsum("bs,bsim->bim", pi, self._sigma(t))
            if t + 1 < r:
                pi = self._round_game(t).transitions.push(self._weights(pi, t), g.shape)
        return self._out(out)

    def first_round(
        self,
        start: Any,
        *,
        states: Sequence[Any] | BoolArray | None = None,
        player: str | int | None = None,
        actions: Sequence[Any] | None = None,
        rounds: int | None = None,
    ) -> FirstRound:
        """The distribution of the first round in which the state is one of ``states`` or
        ``player`` plays one of ``actions`` (either or both), over rounds ``0..rounds``
        (actions count in rounds ``0..rounds-1``), with "never" as its own outcome."""
        g = self.game
        r = self._rounds(rounds)
        event = np.zeros(g.n_states, dtype=bool)
        if states is not None:
            arr = np.asarray(states)
            if arr.dtype == bool:
                if arr.shape != (g.n_states,):
                    raise EngineError(f"a state mask needs {g.n_states} entries, got {arr.shape}")
                event = arr.copy()
            else:
                for st in states:
                    event[g.state_index(st)] = True
        i = None if player is None else g.player_index(player)
        hit = None
        if i is not None:
            if not actions:
                raise EngineError("an action event needs the player and its actions")
            hit = np.zeros(max(g.shape), dtype=bool)
            for a in actions:
                hit[g.action_index(i, a)] = True
        elif actions:
            raise EngineError("an action event needs the player")
        if states is None and i is None:
            raise EngineError("first_round needs states, or a player and actions")
        q = self._start(start)  # mass the event has not touched yet
        prob = np.zeros((q.shape[0], r + 1))
        for t in range(r + 1):
            prob[:, t] = q[:, event].sum(axis=1)
            q = np.where(event[None, :], 0.0, q)
            if t == r:
                break
            if i is not None and hit is not None:
                p_hit = (self._sigma(t)[:, :, i, :] * hit).sum(axis=2)
                prob[:, t] += (q * p_hit).sum(axis=1)
                w = self._weights(q, t, keep=~hit[: g.shape[i]], player=i)
            else:
                w = self._weights(q, t)
            q = self._round_game(t).transitions.push(w, g.shape)
        never = np.clip(1.0 - prob.sum(axis=1), 0.0, 1.0)
        return FirstRound(self._out(prob), self._out(never))

    def sample(self, start: Any, rounds: int | None = None, *, paths: int = 1000,
               seed: int = 0) -> Paths:  # fmt: skip
        """Sampled paths (for fan charts): ``paths`` independent plays of ``rounds`` rounds
        from ``start``, drawn with ``numpy.random.default_rng(seed)`` (identical on every
        machine for the same game, solution and seed)."""
        g = self.game
        r = self._rounds(rounds)
        if isinstance(paths, bool) or not isinstance(paths, int | np.integer) or paths < 1:
            raise EngineError(f"paths must be a whole number >= 1, got {paths!r}")
        pi = self._start(start)
        b, n = pi.shape[0], g.n_players
        rng = np.random.default_rng(seed)
        total = b * paths
        game_of = np.repeat(np.arange(b, dtype=np.intp), paths)
        states = np.empty((total, r + 1), dtype=np.intp)
        acts = np.empty((total, r, n), dtype=np.intp)
        cdf = np.cumsum(pi, axis=1)
        cdf /= cdf[:, -1:]
        u0 = rng.random(total)
        states[:, 0] = np.sum(cdf[game_of] <= u0[:, None], axis=1)
        for t in range(r):
            sigma = self._sigma(t)
            s = states[:, t]
            u = rng.random((total, n))
            for i, m in enumerate(g.shape):
                rows = np.cumsum(sigma[game_of, s, i, :m], axis=1)
                rows /= rows[:, -1:]
                acts[:, t, i] = np.sum(rows <= u[:, i : i + 1], axis=1)
            law = self._round_game(t).transitions
            uni = rng.random((total, law.uniforms_per_draw))
            states[:, t + 1] = law.draw(game_of, s, acts[:, t], uni)
        shape_s = (b, paths, r + 1)
        shape_a = (b, paths, r, n)
        return Paths(self._out(states.reshape(shape_s)), self._out(acts.reshape(shape_a)))
