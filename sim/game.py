"""N-player normal-form games.

Array convention (used everywhere in hedgesim): a game with ``n`` players, where
player ``i`` has ``m_i`` actions, stores its payoffs as one float array of shape
``(n, m_0, ..., m_{n-1})``; ``payoffs[i][a_0, ..., a_{n-1}]`` is player ``i``'s
payoff at the pure profile ``(a_0, ..., a_{n-1})``. This is pygambit's
``from_arrays`` layout stacked on a leading axis, so a two-player slice maps
straight to ``nashpy.Game(payoffs[0], payoffs[1])``.

A mixed profile is a sequence of ``n`` probability vectors, one per player.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sim.errors import GameError

if TYPE_CHECKING:
    import nashpy
    import pygambit

FloatArray = npt.NDArray[np.float64]
MixedProfile = tuple[FloatArray, ...]

#: Relative tolerance of the float screens that discard far-off candidate equilibria before
#: they are verified exactly (``sim.equilibria.verify``); it admits nothing by itself.
DEFAULT_TOLERANCE = 1e-7


def profile_strides(shape: Any) -> npt.NDArray[np.int64]:
    """Each player's stride in the flat (C order) index of a pure profile: profile
    ``(a_0, ..., a_{n-1})`` of a game with ``shape`` ``(m_0, ..., m_{n-1})`` is
    ``sum_k a_k * stride_k`` in ``payoffs[i].reshape(-1)``, ``stride_k = m_{k+1} ... m_{n-1}``
    (numpy's ``strides`` of such an array divided by its item size). The one definition:
    plain Python on a tuple, and the compiled kernels compile this same function
    (``numba.njit(profile_strides)``) for an integer array."""
    n = len(shape)
    out = np.empty(n, dtype=np.int64)
    acc = 1
    for p in range(n - 1, -1, -1):
        out[p] = acc
        acc *= shape[p]
    return out


def _labels(values: Sequence[str], what: str) -> tuple[str, ...]:
    labels = tuple(str(v) for v in values)
    if len(set(labels)) != len(labels):
        raise GameError(f"{what} must be distinct, got {list(labels)}")
    return labels


@dataclass(frozen=True, eq=False)
class NormalFormGame:
    """An N-player normal-form game with named players and actions.

    Parameters
    ----------
    payoffs
        Array of shape ``(n_players, *n_actions)`` (see the module docstring).
    players
        Player names; defaults to ``P1 .. Pn``.
    actions
        One tuple of action labels per player; defaults to ``a1 .. am``.
    title
        Free text, written into ``.nfg`` files.
    """

    payoffs: FloatArray
    players: tuple[str, ...] = ()
    actions: tuple[tuple[str, ...], ...] = ()
    title: str = ""
    _payoff_range: float = field(init=False, repr=False, default=1.0)

    def __post_init__(self) -> None:
        try:
            arr = np.array(self.payoffs, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise GameError(f"payoffs must be a numeric array ({exc})") from None
        if arr.ndim < 2:
            raise GameError(
                f"payoffs must have shape (n_players, *n_actions), got shape {arr.shape}"
            )
        n = arr.shape[0]
        if arr.ndim != n + 1:
            raise GameError(
                f"payoffs of {n} players need {n + 1} dimensions (n_players, *n_actions), "
                f"got shape {arr.shape}"
            )
        if any(m < 1 for m in arr.shape[1:]):
            raise GameError(f"every player needs at least one action, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise GameError("payoffs must be finite numbers (found NaN or infinity)")
        arr.setflags(write=False)
        players = _labels(self.players or [f"P{i + 1}" for i in range(n)], "player names")
        if len(players) != n:
            raise GameError(f"{len(players)} player names for a game of {n} players")
        if self.actions:
            if len(self.actions) != n:
                raise GameError(f"{len(self.actions)} action lists for a game of {n} players")
            actions = tuple(
                _labels(a, f"actions of {players[i]}") for i, a in enumerate(self.actions)
            )
        else:
            actions = tuple(tuple(f"a{k + 1}" for k in range(m)) for m in arr.shape[1:])
        for i, (labels, m) in enumerate(zip(actions, arr.shape[1:], strict=True)):
            if len(labels) != m:
                raise GameError(
                    f"player {players[i]} has {m} actions in the payoffs "
                    f"but {len(labels)} labels {list(labels)}"
                )
        object.__setattr__(self, "payoffs", arr)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "actions", actions)
        spread = float(arr.max() - arr.min())
        object.__setattr__(self, "_payoff_range", max(spread, 1.0))

    # -- shape -------------------------------------------------------------
    @property
    def n_players(self) -> int:
        return int(self.payoffs.shape[0])

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of actions of each player."""
        return tuple(int(m) for m in self.payoffs.shape[1:])

    @property
    def payoff_scale(self) -> float:
        """Spread of the payoffs, at least 1. Equilibria are no longer verified on this
        scale (see :mod:`sim.equilibria.verify`: exact or certified checks); it remains a
        rough size of the game for callers that want one."""
        return self._payoff_range

    def player_index(self, player: str | int) -> int:
        """Index of a player given by name or index."""
        if isinstance(player, int):
            if not 0 <= player < self.n_players:
                raise GameError(f"no player {player} in a game of {self.n_players} players")
            return player
        try:
            return self.players.index(player)
        except ValueError:
            raise GameError(f"no player {player!r}; players are {list(self.players)}") from None

    def action_index(self, player: str | int, action: str) -> int:
        i = self.player_index(player)
        try:
            return self.actions[i].index(action)
        except ValueError:
            raise GameError(
                f"player {self.players[i]} has no action {action!r}; "
                f"actions are {list(self.actions[i])}"
            ) from None

    # -- profiles ----------------------------------------------------------
    def pure_to_mixed(self, profile: Sequence[int]) -> MixedProfile:
        """The mixed profile that plays the pure profile ``profile`` for sure."""
        if len(profile) != self.n_players:
            raise GameError(f"a profile needs {self.n_players} actions, got {len(profile)}")
        out = []
        for a, m in zip(profile, self.shape, strict=True):
            if not 0 <= int(a) < m:
                raise GameError(f"action index {a} out of range 0..{m - 1}")
            v = np.zeros(m)
            v[int(a)] = 1.0
            out.append(v)
        return tuple(out)

    def as_mixed(self, profile: Sequence[Any]) -> MixedProfile:
        """Validate a mixed profile (or convert a pure one) into float vectors."""
        if len(profile) != self.n_players:
            raise GameError(f"a profile needs {self.n_players} strategies, got {len(profile)}")
        if all(np.ndim(s) == 0 for s in profile):
            return self.pure_to_mixed([int(s) for s in profile])
        out = []
        for i, (s, m) in enumerate(zip(profile, self.shape, strict=True)):
            v = np.asarray(s, dtype=np.float64)
            if v.shape != (m,):
                raise GameError(
                    f"strategy of {self.players[i]} needs {m} probabilities, got shape {v.shape}"
                )
            if not np.all(np.isfinite(v)) or np.any(v < -1e-9) or abs(v.sum() - 1.0) > 1e-6:
                raise GameError(f"strategy of {self.players[i]} is not a probability vector: {v}")
            out.append(v)
        return tuple(out)

    def action_values(self, player: str | int, profile: Sequence[Any]) -> FloatArray:
        """Expected payoff of each of ``player``'s actions against the others' strategies."""
        return self._values(self.player_index(player), self.as_mixed(profile))

    def _values(self, i: int, mixed: MixedProfile) -> FloatArray:
        """:meth:`action_values` of player index ``i`` at an already validated profile."""
        values = self.payoffs[i]
        # Contract the other players' axes from the last to the first, so the axis
        # numbers of those not yet contracted stay valid.
        for j in reversed(range(self.n_players)):
            if j != i:
                values = np.tensordot(values, mixed[j], axes=([j], [0]))
        return np.asarray(values, dtype=np.float64)

    def all_action_values(
        self, profile: Sequence[Any], *, validated: bool = False
    ) -> tuple[FloatArray, ...]:
        """:meth:`action_values` of every player (the profile validated once, or not at
        all if ``validated``: a profile :meth:`as_mixed` already returned)."""
        mixed = tuple(profile) if validated else self.as_mixed(profile)
        return tuple(self._values(i, mixed) for i in range(self.n_players))

    def payoff(self, profile: Sequence[Any]) -> FloatArray:
        """Expected payoff of every player at a pure or mixed profile."""
        mixed = self.as_mixed(profile)
        return np.array(
            [float(self._values(i, mixed) @ mixed[i]) for i in range(self.n_players)]
        )

    def regrets(self, profile: Sequence[Any]) -> FloatArray:
        """What each player gains by its best unilateral deviation from ``profile``."""
        mixed = self.as_mixed(profile)
        out = np.empty(self.n_players)
        for i in range(self.n_players):
            values = self._values(i, mixed)
            out[i] = max(0.0, float(values.max() - values @ mixed[i]))
        return out

    def max_regret(self, profile: Sequence[Any]) -> float:
        return float(self.regrets(profile).max())

    def is_equilibrium(self, profile: Sequence[Any], tol: float = DEFAULT_TOLERANCE) -> bool:
        """Whether ``profile`` is a Nash equilibrium, decided exactly (or certified) by
        :func:`sim.equilibria.verify.verify`; ``tol`` only sets its float screen."""
        from sim.equilibria.verify import verify_many

        return bool(verify_many(self, [profile], "is_equilibrium", tol).equilibria)

    # -- views and transformations -----------------------------------------
    def two_player_view(
        self, row: str | int, column: str | int, profile: Sequence[Any]
    ) -> nashpy.Game:
        """The two-player game between ``row`` and ``column`` with every other player's
        strategy in ``profile`` held fixed, as a ``nashpy.Game``."""
        import nashpy

        r, c = self.player_index(row), self.player_index(column)
        if r == c:
            raise GameError("a two-player view needs two different players")
        mixed = self.as_mixed(profile)
        mats = []
        for p in (r, c):
            values = self.payoffs[p]
            for j in reversed(range(self.n_players)):
                if j not in (r, c):
                    values = np.tensordot(values, mixed[j], axes=([j], [0]))
            # The two remaining axes are in player order; make them (row, column).
            mats.append(values if r < c else values.T)
        return nashpy.Game(np.asarray(mats[0]), np.asarray(mats[1]))

    def with_payoffs(self, payoffs: FloatArray) -> NormalFormGame:
        return NormalFormGame(payoffs, self.players, self.actions, self.title)

    # -- pygambit ----------------------------------------------------------
    def to_gambit(self) -> pygambit.Game:
        """This game as a ``pygambit.Game`` (strategic form)."""
        import pygambit as gbt

        g = gbt.Game.from_arrays(*[self.payoffs[i] for i in range(self.n_players)],
                                 title=self.title or "hedgesim game")
        for player, name, labels in zip(g.players, self.players, self.actions, strict=True):
            player.label = name
            for strategy, label in zip(player.strategies, labels, strict=True):
                strategy.label = label
        return g

    @classmethod
    def from_gambit(cls, game: pygambit.Game) -> NormalFormGame:
        """Build a game from a ``pygambit.Game`` (its strategic form)."""
        arrays = game.to_arrays()
        payoffs = np.stack([np.asarray(a, dtype=np.float64) for a in arrays])
        players = tuple(p.label or f"P{k + 1}" for k, p in enumerate(game.players))
        actions = tuple(
            tuple(s.label or f"a{j + 1}" for j, s in enumerate(p.strategies))
            for p in game.players
        )
        return cls(payoffs, players, actions, game.title or "")


def read_nfg(path: str | Path) -> NormalFormGame:
    """Read a Gambit ``.nfg`` file (either form), with size checks first (:mod:`sim.nfg`)."""
    from sim.nfg import read_nfg as read

    return read(path)


def write_nfg(game: NormalFormGame, path: str | Path) -> None:
    """Write a game as a Gambit ``.nfg`` file (outcome form, with labels), atomically."""
    from sim.nfg import write_nfg as write

    write(game, path)
