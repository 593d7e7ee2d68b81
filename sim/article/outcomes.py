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

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS, SHAPE, SYRIA
from sim.article.build import ArticleGame
from sim.article.parameters import FloatArray
from sim.errors import HedgesimError
from sim.stochastic import Factor, FactoredTransitions, Hazard

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


def _joint(dist: FloatArray, sigma: FloatArray) -> FloatArray:
    """``dist[..., s] * prod_i sigma[s, i, a_i]`` on the profile grid, ``(..., S, *SHAPE)``
    (a leading axis of ``dist`` weighs several masses at once)."""
    w = sigma[:, 0][:, :, None, None, None] * sigma[:, 1][:, None, :, None, None]
    w = w * sigma[:, 2][:, None, None, :, None]
    w = w * sigma[:, 3][:, None, None, None, :]
    return np.asarray(dist[..., None, None, None, None] * w)


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
    return _propagate(game, sigma_all, dist, game.beliefs, game.state_capacity(),
                      game.transitions)  # fmt: skip


def outcomes_batch(game: ArticleGame, strategy: FloatArray) -> list[Outcomes]:
    """:func:`outcomes` of every calibration of a batched game, from its own initial
    distribution.

    Each round's transition law is built once for the whole batch and each calibration's
    law is its slice, instead of one build per calibration and round (three quarters of
    :func:`outcomes`' time in an analysis chunk, docs/calibration.md); each calibration is
    then propagated by the same steps as :func:`outcomes`, so the numbers are the same, bit
    for bit (tested).

    ``strategy`` ``(B, T, S, 4, 3)``: each calibration's selected strategies.
    """
    size = game.batch
    if size is None:
        raise HedgesimError("outcomes_batch() takes a batched game; use outcomes()")
    sigma_all = _strategies(game, strategy, (size,))
    laws = [game.transitions(t) for t in range(game.rounds)]
    start = np.asarray(game.initial(), dtype=np.float64)
    capacity = game.state_capacity()
    # each calibration's rows copied out: a dot product over a row that starts in the middle
    # of a batch's memory can sum in another order (BLAS aligns its loads) and so differ in
    # the last bit from the same row in an array of its own
    return [_propagate(game, sigma_all[b], start[b].copy(), game.beliefs[b].copy(),
                       capacity[b].copy(), functools.partial(_calibration_law, laws, b))
            for b in range(size)]  # fmt: skip


def _strategies(game: ArticleGame, strategy: FloatArray, batch: tuple[int, ...]) -> FloatArray:
    sigma_all = np.asarray(strategy, dtype=np.float64)
    want = (*batch, game.rounds, game.n_states, len(PLAYERS), 3)
    if sigma_all.shape != want:
        raise HedgesimError(f"strategy must have shape {want}, got {sigma_all.shape}")
    return sigma_all


def _calibration_law(laws: list[FactoredTransitions], b: int, t: int) -> FactoredTransitions:
    """Calibration ``b``'s law of round ``t`` out of the batch's (its batch axis indexed
    away)."""
    law = laws[t]
    factors = tuple(Factor(f.name, f.kernel[b].copy(), f.parents, f.players) if f.batched else f
                    for f in law.factors)  # fmt: skip
    hazard = law.hazard
    if hazard is not None and hazard.batched:
        hazard = Hazard(hazard.probability[b].copy(), hazard.parents, hazard.players)
    return FactoredTransitions(factors, hazard, law.absorbing)


def _propagate(game: ArticleGame, sigma_all: FloatArray, dist: FloatArray, beliefs: FloatArray,
               cap_of_state: FloatArray,
               law: Callable[[int], FactoredTransitions]) -> Outcomes:  # fmt: skip
    """One calibration's outcomes: ``sigma_all`` ``(T, S, 4, 3)``, the initial distribution
    ``dist`` ``(S,)``, its belief grids ``(3, G)``, each grid state's capacity and each
    round's transition law."""
    rounds = game.rounds
    grid = game.grid_states
    alive_hedging = dist.copy()  # mass of paths on which Syria has hedged for sure so far
    alive_hedging[grid] = 0.0
    realised = alive_hedging.copy()  # mass of paths on which Syria has only hedged
    comps = game.component_indices()
    acts = {p: np.zeros((rounds, 3)) for p in PLAYERS}
    collapsed = np.zeros(rounds + 1)
    capacity = np.zeros(rounds)
    belief_mean = {cp: np.zeros(rounds) for cp in COUNTERPARTS}
    belief_q = {cp: np.zeros((rounds, len(QUANTILES))) for cp in COUNTERPARTS}
    horizon_at = np.zeros(rounds)
    exit_at = np.zeros((rounds, len(EXITS)))
    h_collapse = e_collapse = 0.0
    nb = beliefs.shape[-1]
    for t in range(rounds):
        sigma = sigma_all[t]
        collapsed[t] = dist[grid]
        stands = dist[:grid]
        total = float(stands.sum())
        for k, p in enumerate(PLAYERS):
            acts[p][t] = stands @ sigma[:grid, k]
        if total > 0:
            capacity[t] = float(stands @ cap_of_state) / total
            for c, cp in enumerate(COUNTERPARTS):
                marginal = np.bincount(comps[:, c], weights=stands, minlength=nb) / total
                belief_mean[cp][t] = float(marginal @ beliefs[c])
                cum = np.cumsum(marginal)
                belief_q[cp][t] = beliefs[c][
                    np.minimum(np.searchsorted(cum, np.array(QUANTILES) - 1e-12), nb - 1)
                ]
        transitions = law(t)
        # the horizon: paths on which Syria has hedged for sure so far
        sure = sigma[:, 0, HEDGE] >= 1.0 - CERTAIN
        sure[grid] = False
        horizon_at[t] = float(alive_hedging[~sure].sum())
        kept = np.where(sure, alive_hedging, 0.0)
        # the exit: paths on which Syria's realised actions were all hedges
        for k, action in enumerate(EXITS):
            exit_at[t, k] = float(realised @ sigma[:, 0, ACTIONS[SYRIA].index(action)])
        only_hedge = sigma.copy()
        only_hedge[:, 0] = 0.0
        only_hedge[:, 0, HEDGE] = sigma[:, 0, HEDGE]
        # the three masses move in one push (the law is the same; a batch of weights)
        weights = np.stack([_joint(dist, sigma), _joint(kept, sigma), _joint(realised, only_hedge)])
        dist, alive_hedging, realised = transitions.push(weights, SHAPE)
        h_collapse += float(alive_hedging[grid])
        e_collapse += float(realised[grid])
        alive_hedging[grid] = 0.0
        realised[grid] = 0.0
    collapsed[rounds] = dist[grid]
    return Outcomes(
        actions=acts,
        collapsed=collapsed,
        beliefs={cp: BeliefPath(belief_mean[cp], belief_q[cp]) for cp in COUNTERPARTS},
        capacity=capacity,
        horizon=Horizon(horizon_at, h_collapse, float(alive_hedging.sum())),
        exit=Exit(exit_at, e_collapse, float(realised.sum())),
    )
