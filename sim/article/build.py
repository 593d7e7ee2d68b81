"""The article's game as data for the engine: one :class:`~sim.stochastic.StochasticGame`
per round.

The state is ``(belief_iran, belief_israel, belief_gulf, regime_capacity)`` on the grid of
:mod:`sim.article.grid`, plus the absorbing *collapsed* state (last). Transitions are
factored (:class:`~sim.stochastic.FactoredTransitions`): given the state and the profile,
each belief moves by its counterpart's signal (:mod:`sim.article.signals`, it reads Syria's
action), capacity by the funding and the strikes (:mod:`sim.article.capacity`, it reads
every action), independently, and the regime collapses first with the round's hazard
(it reads capacity and, through Iran's delivered support, Syria's and Iran's actions).

Round ``t``'s game carries round ``t``'s payoffs and the law that moves the state from
round ``t`` to round ``t + 1``, with the state shocks dated ``t + 1`` composed into it
(they apply at the start of that round, before it is played); shocks dated 0 move the
initial distribution. Rounds with the same parameters, round data and shocks share one
game object.

In the collapsed state every player receives 0 a round: Syria's regime is gone (its loss is
the collapse cost, paid in the round it falls, :mod:`sim.article.terms`), Iran has lost the
corridor for good, Israel's supply-line term and the Gulf's pull have stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.article import capacity, signals, stage_games, terms
from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS, SHAPE
from sim.article.grid import RUN, Resolution, belief_grid, capacity_grid, split
from sim.article.parameters import FloatArray, Parameters
from sim.article.timeline import Shock, Timeline, apply_to_values, resolve
from sim.stochastic import Factor, FactoredTransitions, Hazard, StochasticGame

#: Names of the state's components, in state order.
COMPONENTS: tuple[str, ...] = (*(f"belief_{cp}" for cp in COUNTERPARTS), "regime_capacity")
COLLAPSED = "collapsed"
SYRIA_I, IRAN_I = PLAYERS.index("syria"), PLAYERS.index("iran")


@dataclass(frozen=True, eq=False)
class ArticleGame:
    """The article's game over ``rounds`` rounds, ready for the engine.

    Build it with :func:`build`. ``games[t]`` is round ``t``'s
    :class:`~sim.stochastic.StochasticGame`; :attr:`initial` the distribution over states at
    the start of round 0.
    """

    params: Parameters
    timeline: Timeline
    resolution: Resolution
    shocks: tuple[Shock, ...]
    beliefs: FloatArray = field(repr=False)  # (*batch, 3, G): each counterpart's grid
    capacities: FloatArray = field(repr=False)  # (*batch, K)
    #: Per-player discount factors overriding ``params.discount``: ``(n,)`` or ``(B, n)``.
    discounts: FloatArray | None = field(default=None, repr=False)
    _cache: dict[Any, StochasticGame] = field(default_factory=dict, repr=False)

    # -- the grid ---------------------------------------------------------------------------
    @property
    def rounds(self) -> int:
        return self.timeline.rounds

    @property
    def sizes(self) -> tuple[int, ...]:
        nb, nk = self.beliefs.shape[-1], self.capacities.shape[-1]
        return (nb, nb, nb, nk)

    @property
    def grid_states(self) -> int:
        return int(np.prod(self.sizes))

    @property
    def n_states(self) -> int:
        return self.grid_states + 1

    @property
    def collapsed(self) -> int:
        """Index of the collapsed state (the last)."""
        return self.grid_states

    @property
    def batch(self) -> int | None:
        shape = self.params.batch_shape
        return shape[0] if shape else None

    def component_indices(self) -> np.ndarray:
        """``(grid_states, 4)``: each grid state's index on each component's grid."""
        return np.indices(self.sizes).reshape(4, -1).T

    def state_beliefs(self) -> FloatArray:
        """``(*batch, grid_states, 3)``: each grid state's beliefs, in counterpart order."""
        idx = self.component_indices()[:, :3]
        return np.stack([self.beliefs[..., c, idx[:, c]] for c in range(3)], axis=-1)

    def state_capacity(self) -> FloatArray:
        """``(*batch, grid_states)``: each grid state's regime capacity."""
        return self.capacities[..., self.component_indices()[:, 3]]

    def grid_of(self, component: str) -> FloatArray:
        """The grid of one state component, ``(*batch, size)``."""
        c = COMPONENTS.index(component)
        return self.capacities if c == 3 else self.beliefs[..., c, :]

    # -- the initial distribution -------------------------------------------------------------
    def initial(self) -> FloatArray:
        """``(S,)`` (``(B, S)`` for a batch): priors and initial capacity split on the grid,
        then round 0's state shocks."""
        p = self.params
        batch = self.params.batch_shape
        starts = [getattr(p, f"prior_{cp}") for cp in COUNTERPARTS] + [p.initial_capacity]
        marginals = [
            split(np.broadcast_to(np.asarray(v, dtype=np.float64), batch), self.grid_of(name))
            for v, name in zip(starts, COMPONENTS, strict=True)
        ]
        for shock in self.timeline.state_shocks[0]:
            c = COMPONENTS.index(shock.target)
            grid = self.grid_of(shock.target)
            moved = split(apply_to_values(shock, grid), grid)  # (*batch, G, G)
            marginals[c] = np.einsum("...g,...gh->...h", marginals[c], moved)
        dist = marginals[0]
        for m in marginals[1:]:
            dist = (dist[..., :, None] * m[..., None, :]).reshape(batch + (-1,))
        out = np.zeros(batch + (self.n_states,))
        out[..., : self.grid_states] = dist
        return out

    # -- round by round --------------------------------------------------------------------------
    def payoffs(self, t: int) -> FloatArray:
        """Round ``t``'s payoffs ``(S, n, *SHAPE)`` (``(B, ...)`` for a batch), the collapsed
        state's row zero."""
        params, data = self.timeline.parameters[t], self.timeline.data[t]
        coefs = terms.coefficients(params, data)
        hz = capacity.hazard(params, data, self.capacities)  # (*batch, K, *SHAPE)
        k_of = self.component_indices()[:, 3]
        beliefs = self.state_beliefs()
        batch = self.params.batch_shape
        out = np.zeros(batch + (self.n_states, len(PLAYERS)) + SHAPE)
        if not batch:
            out[: self.grid_states] = stage_games.payoffs(coefs, beliefs, hz, k_of)
            return out
        for b in range(batch[0]):
            one = terms.PayoffCoefficients(
                np.broadcast_to(coefs.constant, batch + coefs.constant.shape[-5:])[b],
                np.broadcast_to(coefs.belief, batch + coefs.belief.shape[-6:])[b],
                np.broadcast_to(coefs.hazard, batch + coefs.hazard.shape[-5:])[b],
            )
            out[b, : self.grid_states] = stage_games.payoffs(one, beliefs[b], hz[b], k_of)
        return out

    def transitions(self, t: int) -> FactoredTransitions:
        """The law moving the state from round ``t`` to ``t + 1`` (with the state shocks of
        round ``t + 1`` composed in)."""
        params, data = self.timeline.parameters[t], self.timeline.data[t]
        after = self.timeline.state_shocks[t + 1] if t + 1 < self.rounds else ()
        factors = []
        for c, cp in enumerate(COUNTERPARTS):
            grid = self.grid_of(COMPONENTS[c])
            kernel = signals.belief_kernels(params, cp, grid)  # (*b, G, 3, G)
            kernel = self._compose(kernel, after, COMPONENTS[c], grid)
            factors.append(Factor(COMPONENTS[c], kernel, parents=(COMPONENTS[c],),
                                  players=(SYRIA_I,)))  # fmt: skip
        kernel = capacity.capacity_kernel(params, data, self.capacities)  # (*b, K, *SHAPE, K)
        kernel = self._compose(kernel, after, COMPONENTS[3], self.capacities)
        factors.append(Factor(COMPONENTS[3], kernel, parents=(COMPONENTS[3],),
                              players=tuple(range(len(PLAYERS)))))  # fmt: skip
        hz = capacity.hazard(params, data, self.capacities)
        # The hazard reads Israel's and the Gulf's actions nowhere: keep Syria's and Iran's.
        hazard = Hazard(np.ascontiguousarray(hz[..., 0, 0]), parents=(COMPONENTS[3],),
                        players=(SYRIA_I, IRAN_I))  # fmt: skip
        return FactoredTransitions(tuple(factors), hazard, absorbing=COLLAPSED)

    @staticmethod
    def _compose(
        kernel: FloatArray, shocks: Sequence[Shock], component: str, grid: FloatArray
    ) -> FloatArray:
        for shock in shocks:
            if shock.target == component:
                moved = split(apply_to_values(shock, grid), grid)  # (*b, G, G)
                extra = kernel.ndim - moved.ndim  # the parent and action axes in between
                moved = moved.reshape(moved.shape[:-2] + (1,) * extra + moved.shape[-2:])
                kernel = kernel @ moved
        return np.ascontiguousarray(kernel)

    def _signature(self, t: int) -> tuple[Any, ...]:
        params, data = self.timeline.parameters[t], self.timeline.data[t]
        after = self.timeline.state_shocks[t + 1] if t + 1 < self.rounds else ()
        values = tuple(np.asarray(v).tobytes() for v in params.as_dict().values())
        exo = tuple(
            np.asarray(v).tobytes() for v in (data.threat, data.capacity_iran, data.capacity_russia)
        )
        return (values, exo, after)

    def game(self, t: int) -> StochasticGame:
        """Round ``t``'s :class:`~sim.stochastic.StochasticGame` (payoffs of round ``t``,
        the law to round ``t + 1``); equal rounds share one object."""
        if not 0 <= t < self.rounds:
            raise IndexError(f"round {t} outside 0..{self.rounds - 1}")
        key = self._signature(t)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        discount = np.asarray(self.timeline.parameters[t].discount, dtype=np.float64)
        if self.discounts is not None:
            discount = np.asarray(self.discounts, dtype=np.float64)
        elif discount.ndim:
            discount = discount[:, None]
        game = StochasticGame(
            payoffs=self.payoffs(t),
            transitions=self.transitions(t),
            discount=discount,
            players=PLAYERS,
            actions=tuple(ACTIONS[p] for p in PLAYERS),
            absorbing=(self.collapsed,),
        )
        if len(self._cache) >= 2:  # rounds come in runs: keep the memory of two games
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = game
        return game

    @property
    def games(self) -> RoundGames:
        """The rounds' games as a lazy sequence (built on access, equal rounds shared)."""
        return RoundGames(self)


class RoundGames(Sequence[StochasticGame]):
    """``games[t]`` builds round ``t``'s game on access (a sequence the engine can walk
    backwards without holding every round's payoffs at once)."""

    def __init__(self, game: ArticleGame) -> None:
        self._game = game

    def __len__(self) -> int:
        return self._game.rounds

    def __getitem__(self, t: Any) -> Any:
        if isinstance(t, slice):
            return [self._game.game(i) for i in range(*t.indices(len(self)))]
        t = int(t)
        if t < 0:
            t += len(self)
        return self._game.game(t)


def build(
    params: Parameters | None = None,
    *,
    rounds: int = 24,
    shocks: Sequence[Shock] = (),
    resolution: Resolution = RUN,
    discounts: FloatArray | None = None,
) -> ArticleGame:
    """The article's game for a calibration (or a batch of them, see
    :func:`sim.article.parameters.stack`), dated shocks and a horizon.

    Parameters
    ----------
    params
        The calibration; default :class:`Parameters` ().
    rounds
        Number of rounds (a round is a month at the default rates).
    shocks
        Dated :class:`~sim.article.timeline.Shock` s.
    resolution
        The state grid (:data:`sim.article.grid.RUN` by default).
    discounts
        Per-player discount factors ``(4,)`` (or ``(B, 4)`` for a batch) in place of the
        calibration's common ``discount`` (the sustainability thresholds vary one player's).
    """
    params = (Parameters() if params is None else params).full_batch()
    timeline = resolve(params, tuple(shocks), rounds)
    return ArticleGame(
        params=params,
        timeline=timeline,
        resolution=resolution,
        shocks=tuple(shocks),
        beliefs=np.stack(
            [belief_grid(resolution, getattr(params, f"prior_{cp}")) for cp in COUNTERPARTS],
            axis=-2,
        ),
        capacities=capacity_grid(resolution, params.initial_capacity),
        discounts=None if discounts is None else np.asarray(discounts, dtype=np.float64),
    )
