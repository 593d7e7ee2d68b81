"""What a solved article game says: exact distributions of outcomes, round by round.

Given the selected strategies of every round and state (from the engine) and the initial
distribution, everything here is exact forward propagation through the game's transition
law (no sampling):

- per round, the probability that Syria aligns, hedges or realigns (unconditional: with the
  probability the regime has collapsed they sum to one), each counterpart's action
  probabilities, the probability the regime has collapsed, each counterpart's belief
  distribution (mean and quantiles, given the regime stands) and the mean regime capacity;
- the survival curve: the probability the regime still stands at the start of each round;
- the **horizon**: the first round in which Syria's strategy does not hedge for sure
  (probability of hedging below ``1 - CERTAIN``), as a distribution over rounds, with the
  regime collapsing first (while Syria still hedged for sure) and "never within the horizon"
  as outcomes of their own;
- the **exit**: Syria's first realised action other than hedging (align or realign) and the
  round it comes, again with collapse first and never as outcomes of their own.

Each distribution's probabilities sum to one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS, SHAPE, SYRIA
from sim.article.build import ArticleGame
from sim.article.parameters import FloatArray
from sim.errors import HedgesimError
from sim.stochastic import FactoredTransitions

#: A probability within this of 1 counts as certain.
CERTAIN = 1e-9
#: The belief quantiles reported per round.
QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)
HEDGE = ACTIONS[SYRIA].index("hedge")
EXITS: tuple[str, ...] = ("align", "realign")


@dataclass(frozen=True)
class BeliefPath:
    """One counterpart's belief, round by round, given the regime stands.

    ``mean`` ``(T,)``; ``quantiles`` ``(T, len(QUANTILES))`` (the smallest grid belief whose
    cumulative probability reaches each quantile).
    """

    mean: FloatArray
    quantiles: FloatArray


@dataclass(frozen=True)
class Horizon:
    """The first round Syria does not hedge for sure.

    ``at[t]`` the probability it is round ``t``; ``collapse`` the probability the regime
    falls first (while Syria still hedged for sure); ``never`` the probability Syria hedges
    for sure through the last round. ``at.sum() + collapse + never == 1``.
    """

    at: FloatArray
    collapse: float
    never: float

    def expected(self) -> float | None:
        """The mean round given it comes within the horizon (``None`` if it never does)."""
        total = float(self.at.sum())
        if total <= 0:
            return None
        return float(np.arange(len(self.at)) @ self.at / total)

    def median(self) -> int | None:
        """The round by which it has come with probability 1/2 (``None``: not within the
        horizon; "never" and collapse count as later than every round)."""
        cum = np.cumsum(self.at)
        hit = np.flatnonzero(cum >= 0.5 - 1e-12)
        return int(hit[0]) if hit.size else None


@dataclass(frozen=True)
class Exit:
    """Syria's first realised action other than hedging, and when.

    ``at[t, k]`` the probability it is ``EXITS[k]`` in round ``t``; ``collapse`` the
    probability the regime falls while Syria has only hedged; ``never`` the probability it
    hedges in every round. ``at.sum() + collapse + never == 1``.
    """

    at: FloatArray
    collapse: float
    never: float

    def action(self) -> dict[str, float]:
        """``{align, realign, collapse, never}``: where the hedge ends, summed over rounds."""
        out = {a: float(self.at[:, k].sum()) for k, a in enumerate(EXITS)}
        out["collapse"] = self.collapse
        out["never"] = self.never
        return out


@dataclass(frozen=True)
class Outcomes:
    """The exact outcome distributions of one solved calibration (see the module docstring).

    Arrays are per round ``t = 0 .. T-1`` unless noted.
    """

    actions: dict[str, FloatArray]  # player -> (T, 3) probability of each action
    collapsed: FloatArray  # (T + 1,) probability the regime has fallen by the start of t
    beliefs: dict[str, BeliefPath]
    capacity: FloatArray  # (T,) mean regime capacity given it stands
    horizon: Horizon
    exit: Exit

    @property
    def survival(self) -> FloatArray:
        """``(T + 1,)``: probability the regime stands at the start of each round."""
        return np.asarray(1.0 - self.collapsed)

    @property
    def rounds(self) -> int:
        return len(self.capacity)


def _profile_weights(sigma: FloatArray) -> FloatArray:
    """``prod_i sigma[..., s, i, a_i]`` on the profile grid, ``(..., S, *SHAPE)`` (leading
    axes: several calibrations at once; each entry the same three products, in the same
    order, as for one)."""
    w = sigma[..., 0, :][..., :, None, None, None] * sigma[..., 1, :][..., None, :, None, None]
    w = w * sigma[..., 2, :][..., None, None, :, None]
    return np.asarray(w * sigma[..., 3, :][..., None, None, None, :])


def outcomes(
    game: ArticleGame, strategy: FloatArray, initial: FloatArray | None = None
) -> Outcomes:
    """Propagate the selected strategies of one calibration from the initial distribution.

    Parameters
    ----------
    game
        The built game (one calibration).
    strategy
        ``(T, S, 4, 3)``: each round's and state's mixed strategy of each player.
    initial
        ``(S,)`` the distribution at the start of round 0 (default: the game's own).
    """
    if game.batch is not None:
        raise HedgesimError("outcomes() takes one calibration; split a batch first")
    sigma_all = _strategies(game, strategy, ())
    dist = np.asarray(game.initial() if initial is None else initial, dtype=np.float64)
    return _propagate(game, sigma_all[None], [dist], [game.beliefs], [game.state_capacity()],
                      lambda t, b: game.transitions(t))[0]  # fmt: skip


def outcomes_batch(game: ArticleGame, strategy: FloatArray,
                   laws: Sequence[FactoredTransitions] | None = None
                   ) -> list[Outcomes]:  # fmt: skip
    """:func:`outcomes` of every calibration of a batched game, from its own initial
    distribution.

    Each round's transition law is built once for the whole batch and each calibration's
    law is its slice (:meth:`sim.stochastic.FactoredTransitions.member`), instead of one
    build per calibration and round (three quarters of :func:`outcomes`' time in an
    analysis chunk, docs/calibration.md); each calibration is then propagated by the same
    steps as :func:`outcomes`, so the numbers are the same, bit for bit (tested).

    ``strategy`` ``(B, T, S, 4, 3)``: each calibration's selected strategies; ``laws``
    each round's batch law when the caller has them already (a solve's round games'
    ``transitions``, built by the same :meth:`ArticleGame.transitions`: the same law, so the
    same numbers; about 0.5 ms a round of 16 calibrations not built again).
    """
    size = game.batch
    if size is None:
        raise HedgesimError("outcomes_batch() takes a batched game; use outcomes()")
    sigma_all = _strategies(game, strategy, (size,))
    start = np.asarray(game.initial(), dtype=np.float64)
    capacity = game.state_capacity()
    built: dict[int, FactoredTransitions] = {}

    def law(t: int, b: int) -> FactoredTransitions:
        if laws is not None:
            return laws[t].member(b)
        if t not in built:
            built.clear()  # one round's batch law at a time
            built[t] = game.transitions(t)
        return built[t].member(b)

    # each calibration's rows copied out: a dot product over a row that starts in the middle
    # of a batch's memory can sum in another order (BLAS aligns its loads) and so differ in
    # the last bit from the same row in an array of its own
    return _propagate(game, sigma_all, [start[b].copy() for b in range(size)],
                      [game.beliefs[b].copy() for b in range(size)],
                      [capacity[b].copy() for b in range(size)], law)  # fmt: skip


def _strategies(game: ArticleGame, strategy: FloatArray, batch: tuple[int, ...]) -> FloatArray:
    sigma_all = np.asarray(strategy, dtype=np.float64)
    want = (*batch, game.rounds, game.n_states, len(PLAYERS), 3)
    if sigma_all.shape != want:
        raise HedgesimError(f"strategy must have shape {want}, got {sigma_all.shape}")
    return sigma_all


def _propagate(game: ArticleGame, sigma_all: FloatArray, starts: list[FloatArray],
               beliefs: list[FloatArray], cap_of_state: list[FloatArray],
               law: Callable[[int, int], FactoredTransitions]) -> list[Outcomes]:  # fmt: skip
    """Each calibration's outcomes: ``sigma_all`` ``(B, T, S, 4, 3)``, and for each of the
    ``B`` calibrations its initial distribution ``(S,)``, belief grids ``(3, G)``, each grid
    state's capacity and (``law(t, b)``) each round's transition law.

    Round by round, the profile weights ``prod_i sigma(s, i, a_i)`` of every calibration
    are formed at once (elementwise: the same floats as one by one); the sums, dot products
    and the push are each calibration's own, on arrays of its own, so a calibration's
    numbers do not depend on the batch it is solved in."""
    rounds = game.rounds
    grid = game.grid_states
    comps = game.component_indices()
    state = [_Path.start(dist, grid, rounds, beliefs[b].shape[-1])
             for b, dist in enumerate(starts)]  # fmt: skip
    syria = sigma_all[:, :, :, 0]
    hedging = syria[..., HEDGE] >= 1.0 - CERTAIN  # (B, T, S)
    hedging[:, :, grid] = False
    # Syria's strategy restricted to hedging (the paths on which it has only hedged)
    only_hedge = sigma_all.copy()
    only_hedge[:, :, :, 0] = 0.0
    only_hedge[:, :, :, 0, HEDGE] = syria[..., HEDGE]
    for t in range(rounds):
        weights = _profile_weights(sigma_all[:, t])  # (B, S, *SHAPE)
        hedge_weights = _profile_weights(only_hedge[:, t])
        for b, path in enumerate(state):
            path.round(t, sigma_all[b, t], grid, comps, beliefs[b], cap_of_state[b],
                       hedging[b, t], weights[b], hedge_weights[b], law(t, b))  # fmt: skip
    return [path.outcomes(grid) for path in state]


@dataclass
class _Path:
    """One calibration's masses and what :func:`_propagate` has recorded of them so far."""

    dist: FloatArray  # (S,) the state distribution
    alive_hedging: FloatArray  # mass of paths on which Syria has hedged for sure so far
    realised: FloatArray  # mass of paths on which Syria has only hedged
    acts: dict[str, FloatArray]
    collapsed: FloatArray
    capacity: FloatArray
    belief_mean: dict[str, FloatArray]
    belief_q: dict[str, FloatArray]
    horizon_at: FloatArray
    exit_at: FloatArray
    h_collapse: float = 0.0
    e_collapse: float = 0.0

    @classmethod
    def start(cls, dist: FloatArray, grid: int, rounds: int, nb: int) -> _Path:
        alive_hedging = dist.copy()
        alive_hedging[grid] = 0.0
        return cls(dist, alive_hedging, alive_hedging.copy(),
                   {p: np.zeros((rounds, 3)) for p in PLAYERS}, np.zeros(rounds + 1),
                   np.zeros(rounds), {cp: np.zeros(rounds) for cp in COUNTERPARTS},
                   {cp: np.zeros((rounds, len(QUANTILES))) for cp in COUNTERPARTS},
                   np.zeros(rounds), np.zeros((rounds, len(EXITS))))  # fmt: skip

    def round(self, t: int, sigma: FloatArray, grid: int, comps: np.ndarray,
              beliefs: FloatArray, cap_of_state: FloatArray, sure: np.ndarray,
              weights: FloatArray, hedge_weights: FloatArray,
              transitions: FactoredTransitions) -> None:  # fmt: skip
        """Record round ``t`` and move the masses to round ``t + 1`` (``sure``: the states
        in which Syria hedges for sure; ``weights``, ``hedge_weights`` the profile weights
        of ``sigma`` and of it restricted to hedging)."""
        dist = self.dist
        nb = beliefs.shape[-1]
        self.collapsed[t] = dist[grid]
        stands = dist[:grid]
        total = float(stands.sum())
        for k, p in enumerate(PLAYERS):
            self.acts[p][t] = stands @ sigma[:grid, k]
        if total > 0:
            self.capacity[t] = float(stands @ cap_of_state) / total
            for c, cp in enumerate(COUNTERPARTS):
                marginal = np.bincount(comps[:, c], weights=stands, minlength=nb) / total
                self.belief_mean[cp][t] = float(marginal @ beliefs[c])
                cum = np.cumsum(marginal)
                self.belief_q[cp][t] = beliefs[c][
                    np.minimum(np.searchsorted(cum, np.array(QUANTILES) - 1e-12), nb - 1)
                ]
        # the horizon: paths on which Syria has hedged for sure so far
        self.horizon_at[t] = float(self.alive_hedging[~sure].sum())
        kept = np.where(sure, self.alive_hedging, 0.0)
        # the exit: paths on which Syria's realised actions were all hedges
        for k, action in enumerate(EXITS):
            self.exit_at[t, k] = float(self.realised @ sigma[:, 0, ACTIONS[SYRIA].index(action)])
        # the three masses move in one push (the law is the same; a batch of weights)
        mass = np.stack([dist[:, None, None, None, None] * weights,
                         kept[:, None, None, None, None] * weights,
                         self.realised[:, None, None, None, None] * hedge_weights])  # fmt: skip
        self.dist, self.alive_hedging, self.realised = transitions.push(mass, SHAPE)
        self.h_collapse += float(self.alive_hedging[grid])
        self.e_collapse += float(self.realised[grid])
        self.alive_hedging[grid] = 0.0
        self.realised[grid] = 0.0

    def outcomes(self, grid: int) -> Outcomes:
        rounds = len(self.capacity)
        self.collapsed[rounds] = self.dist[grid]
        return Outcomes(
            actions=self.acts,
            collapsed=self.collapsed,
            beliefs={cp: BeliefPath(self.belief_mean[cp], self.belief_q[cp])
                     for cp in COUNTERPARTS},  # fmt: skip
            capacity=self.capacity,
            horizon=Horizon(self.horizon_at, self.h_collapse, float(self.alive_hedging.sum())),
            exit=Exit(self.exit_at, self.e_collapse, float(self.realised.sum())),
        )
