"""A finite stochastic game: states, players, actions, payoffs, transitions, discount.

Array conventions (``B`` an optional leading batch axis, ``S`` states, ``n`` players,
``m_i`` actions of player ``i``):

- ``payoffs[s, i, a_1..a_n]``, shape ``(S, n, *m)``: player ``i``'s payoff this round in
  state ``s`` at the pure profile ``a``; each state's slice is a stage game in the layout
  of :mod:`sim.game`;
- transitions in one of the forms of :mod:`sim.stochastic.transitions` (a dense array
  ``P[s, a_1..a_n, s']``, :class:`~sim.stochastic.transitions.SparseTransitions` or
  :class:`~sim.stochastic.transitions.FactoredTransitions`);
- ``discount``: one number, one per player ``(n,)``, or one per game and player ``(B, n)``
  (``(B, 1)`` for one per game), each in [0, 1).

Payoffs and transitions may each carry the batch axis; one without it is shared by every
game of the batch. Nothing here knows what the states, players or actions mean: their
names are data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.errors import EngineError
from sim.stochastic.transitions import (
    DenseTransitions,
    FactoredTransitions,
    FloatArray,
    SparseTransitions,
    Transitions,
)

IntArray = npt.NDArray[np.intp]


def _names(values: Sequence[Any] | None, default: Sequence[str], what: str) -> tuple[str, ...]:
    if values is None or len(values) == 0:
        return tuple(default)
    if isinstance(values, str):
        raise EngineError(f"{what} must be a list of names, got the string {values!r}")
    names = tuple(str(v) for v in values)
    if len(set(names)) != len(names):
        dup = sorted({x for x in names if names.count(x) > 1})
        raise EngineError(f"{what} must be distinct, {dup} repeat")
    return names


def _readings(payoffs: FloatArray, players: Sequence[Any] | None,
              actions: Sequence[Any] | None) -> list[tuple[int, bool]]:  # fmt: skip
    """The ways to read the payoffs' shape: ``(number of players, has a batch axis)``."""
    if players or actions:
        n = len(players) if players else len(actions or ())
        readings = [(n, b) for b in (False, True) if payoffs.ndim == n + 2 + b]
        if not readings:
            raise EngineError(
                f"payoffs of {n} players must have shape (S, {n}, *actions) or "
                f"(B, S, {n}, *actions), got {payoffs.shape}"
            )
    else:
        readings = [
            (payoffs.ndim - 2 - b, b)
            for b in (False, True)
            if payoffs.ndim >= 3 + b and payoffs.shape[1 + b] == payoffs.ndim - 2 - b
        ]
        if not readings:
            raise EngineError(
                "payoffs must have shape (S, n, *actions) or (B, S, n, *actions), "
                f"got {payoffs.shape}"
            )
    for n, b in readings:
        if payoffs.shape[1 + b] != n:
            raise EngineError(
                f"payoffs must have the player axis (length {n}) after the state axis, "
                f"got shape {payoffs.shape}"
            )
    return readings


@dataclass(frozen=True, eq=False)
class StochasticGame:
    """A finite stochastic game (Shapley 1953): in each round the players see the state,
    act simultaneously, receive ``payoffs[s, i, a]`` and the state moves by the transitions.

    Parameters
    ----------
    payoffs
        ``(S, n, *m)`` or ``(B, S, n, *m)`` (see the module docstring).
    transitions
        A dense array ``(S, *m, S)`` / ``(B, S, *m, S)``, or a
        :class:`~sim.stochastic.transitions.SparseTransitions` or
        :class:`~sim.stochastic.transitions.FactoredTransitions`.
    discount
        In [0, 1): one number, ``(n,)`` per player, or ``(B, n)`` / ``(B, 1)`` per game.
    players, actions, states
        Names; default ``P1..Pn``, ``a1..am``, ``s0..`` (a factored form names its states
        ``component=value,...``).
    absorbing
        States (names or indices) declared absorbing: checked to stay put under every
        profile.

    Raises
    ------
    EngineError
        On any malformed input (one line: which argument, which entry, what was expected).
    """

    payoffs: FloatArray
    transitions: Transitions
    discount: FloatArray | float = 0.95
    players: tuple[str, ...] = ()
    actions: tuple[tuple[str, ...], ...] = ()
    states: tuple[str, ...] = ()
    absorbing: tuple[int, ...] = ()
    batch: int | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        try:
            u = np.array(self.payoffs, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise EngineError(f"payoffs must be a numeric array ({exc})") from None
        readings = _readings(u, self.players, self.actions)
        transitions = self.transitions
        if isinstance(transitions, Transitions):
            pass
        elif isinstance(transitions, np.ndarray | list | tuple):
            transitions = DenseTransitions(np.asarray(transitions, dtype=np.float64))
        else:
            raise EngineError(
                "transitions must be an array (S, *actions, S), SparseTransitions or "
                f"FactoredTransitions, got {type(transitions).__name__}"
            )
        if len(readings) > 1:
            # A shape like (25, 3, 2, 3, 2) is one game of 3 players or 25 games of 2:
            # keep the readings the transitions agree with.
            fits = []
            for n, b in readings:
                try:
                    transitions.check(int(u.shape[b]), tuple(int(m) for m in u.shape[b + 2 :]))
                    fits.append((n, b))
                except EngineError:
                    continue
            if len(fits) > 1:
                raise EngineError(
                    f"payoffs of shape {u.shape} are both one game and a batch of games; "
                    "name the players to tell them apart"
                )
            readings = fits or readings[:1]
        n, u_batched = readings[0]
        lead = 1 if u_batched else 0
        n_states = int(u.shape[lead])
        shape = tuple(int(m) for m in u.shape[lead + 2 :])
        if n_states < 1 or any(m < 1 for m in shape):
            raise EngineError(f"every state and every player's action set must be non-empty, "
                              f"got payoffs of shape {u.shape}")  # fmt: skip
        if not np.all(np.isfinite(u)):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(u))[0])
            raise EngineError(f"payoffs must be finite, found {u[bad]} at index {bad}")
        u.setflags(write=False)
        players = _names(self.players, [f"P{i + 1}" for i in range(n)], "players")
        if len(players) != n:
            raise EngineError(f"{len(players)} player names for payoffs of {n} players")
        if self.actions:
            if len(self.actions) != n:
                raise EngineError(f"{len(self.actions)} action lists for {n} players")
            actions = tuple(
                _names(a, [], f"actions of {players[i]}") for i, a in enumerate(self.actions)
            )
        else:
            actions = tuple(tuple(f"a{k + 1}" for k in range(m)) for m in shape)
        for i, (labels, m) in enumerate(zip(actions, shape, strict=True)):
            if len(labels) != m:
                raise EngineError(
                    f"player {players[i]} has {m} actions in the payoffs but "
                    f"{len(labels)} names {list(labels)}"
                )
        p_batch = transitions.check(n_states, shape)
        if isinstance(transitions, FactoredTransitions):
            default_states = transitions.state_names()
        else:
            default_states = tuple(f"s{k}" for k in range(n_states))
        states = _names(self.states, default_states, "states")
        if len(states) != n_states:
            raise EngineError(f"{len(states)} state names for payoffs of {n_states} states")
        u_batch = int(u.shape[0]) if u_batched else None
        if u_batch is not None and p_batch is not None and u_batch != p_batch:
            raise EngineError(
                f"payoffs have a batch of {u_batch} games, transitions of {p_batch}"
            )
        batch = u_batch if u_batch is not None else p_batch
        discount = self._discount(self.discount, n, batch)
        object.__setattr__(self, "payoffs", u)
        object.__setattr__(self, "transitions", transitions)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "actions", actions)
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "discount", discount)
        object.__setattr__(self, "batch", batch)
        absorbing = tuple(self.state_index(s) for s in self.absorbing)
        object.__setattr__(self, "absorbing", absorbing)
        self._check_absorbing()

    @staticmethod
    def _discount(value: Any, n: int, batch: int | None) -> FloatArray:
        try:
            d = np.array(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise EngineError(f"discount must be a number or an array ({exc})") from None
        if d.ndim == 0:
            d = np.full((1, n), float(d))
        elif d.ndim == 1 and d.shape[0] == n:
            d = d[None, :]
        elif d.ndim == 2 and d.shape[1] in (1, n) and (batch is None or d.shape[0] in (1, batch)):
            d = np.broadcast_to(d, (d.shape[0], n)).copy()
        else:
            raise EngineError(
                f"discount must be a number, one per player ({n},) or one per game and player "
                f"(B, {n}) / (B, 1){f' with B = {batch}' if batch else ''}, got shape {d.shape}"
            )
        if not np.all(np.isfinite(d)) or np.any(d < 0) or np.any(d >= 1):
            bad = d[~(np.isfinite(d) & (d >= 0) & (d < 1))].ravel()[0]
            raise EngineError(f"discount must be in [0, 1), got {bad}")
        if d.shape[0] > 1 and batch is None:
            raise EngineError(
                f"a discount per game (B = {d.shape[0]}) needs payoffs or transitions with a "
                "batch axis"
            )
        d.setflags(write=False)
        return d

    def _check_absorbing(self) -> None:
        if not self.absorbing:
            return
        found = set(np.flatnonzero(self.absorbing_mask()).tolist())
        for s in self.absorbing:
            if s not in found:
                raise EngineError(
                    f"state {self.states[s]!r} is declared absorbing but can be left"
                )

    # -- shape -------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return len(self.states)

    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of actions of each player."""
        return tuple(len(a) for a in self.actions)

    @property
    def n_profiles(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def batch_size(self) -> int:
        """``B``, or 1 for a game without a batch axis."""
        return 1 if self.batch is None else self.batch

    def state_index(self, state: str | int) -> int:
        """Index of a state given by name or index."""
        if isinstance(state, int | np.integer) and not isinstance(state, bool):
            if not 0 <= int(state) < self.n_states:
                raise EngineError(f"no state {state}: states are 0..{self.n_states - 1}")
            return int(state)
        try:
            return self.states.index(str(state))
        except ValueError:
            shown = list(self.states[:5]) + (["..."] if self.n_states > 5 else [])
            raise EngineError(f"no state {state!r}; states are {shown}") from None

    def player_index(self, player: str | int) -> int:
        """Index of a player given by name or index."""
        if isinstance(player, int | np.integer) and not isinstance(player, bool):
            if not 0 <= int(player) < self.n_players:
                raise EngineError(f"no player {player}: players are 0..{self.n_players - 1}")
            return int(player)
        try:
            return self.players.index(str(player))
        except ValueError:
            raise EngineError(f"no player {player!r}; players are {list(self.players)}") from None

    def action_index(self, player: str | int, action: str | int) -> int:
        i = self.player_index(player)
        if isinstance(action, int | np.integer) and not isinstance(action, bool):
            if not 0 <= int(action) < self.shape[i]:
                raise EngineError(f"player {self.players[i]} has no action {action}")
            return int(action)
        try:
            return self.actions[i].index(str(action))
        except ValueError:
            raise EngineError(
                f"player {self.players[i]} has no action {action!r}; "
                f"actions are {list(self.actions[i])}"
            ) from None

    # -- arrays with the batch axis always present -------------------------
    def batch_payoffs(self) -> FloatArray:
        """``(B, S, n, *m)`` (a view; ``B = 1`` without a batch axis, or shared payoffs
        broadcast to the batch)."""
        u = self.payoffs
        if u.ndim == self.n_players + 2:
            u = u[None]
        return np.broadcast_to(u, (self.batch_size, *u.shape[1:]))

    def batch_discount(self) -> FloatArray:
        """``(B, n)``."""
        d = np.asarray(self.discount)
        return np.broadcast_to(d, (self.batch_size, self.n_players))

    def absorbing_mask(self) -> npt.NDArray[np.bool_]:
        """``(S,)``: the states no profile leaves, in every game of the batch."""
        return self.transitions.absorbing_mask(self.n_states, self.shape)

    def take(self, games: Sequence[int] | IntArray) -> StochasticGame:
        """The games ``games`` of the batch (every batched array sliced; shared ones kept)."""
        if self.batch is None:
            raise EngineError("take needs a game with a batch axis")
        idx = np.asarray(games, dtype=np.intp)
        if idx.ndim != 1 or idx.size == 0 or idx.min() < 0 or idx.max() >= self.batch:
            raise EngineError(f"take needs indices of games 0..{self.batch - 1}")
        u = self.payoffs
        payoffs = u[idx] if u.ndim == self.n_players + 3 else u
        d = np.asarray(self.discount)
        discount = d[idx] if d.shape[0] > 1 else d
        if payoffs.ndim == self.n_players + 2 and not self.transitions.batched(self.shape):
            payoffs = np.broadcast_to(payoffs, (idx.size, *payoffs.shape))
        return StochasticGame(payoffs, self.transitions.take(idx, self.shape), discount,
                              self.players, self.actions, self.states,
                              self.absorbing)  # fmt: skip

    def with_payoffs(self, payoffs: FloatArray) -> StochasticGame:
        """The same game with other payoffs (e.g. a dated shock in one round)."""
        return StochasticGame(payoffs, self.transitions, self.discount, self.players,
                              self.actions, self.states, self.absorbing)  # fmt: skip

    def with_transitions(self, transitions: Transitions | FloatArray) -> StochasticGame:
        """The same game with another transition law (e.g. a round's own hazard)."""
        return StochasticGame(self.payoffs, transitions, self.discount, self.players,  # type: ignore[arg-type]
                              self.actions, self.states, self.absorbing)  # fmt: skip


__all__ = [
    "DenseTransitions",
    "FactoredTransitions",
    "SparseTransitions",
    "StochasticGame",
]
