"""The value of ambiguity: what hedging is worth to Syria over its best alternative, round by
round (the one definition ``hedgesim run`` and ``hedgesim analyze`` both report).

In round ``t`` and a state ``s`` in which the regime stands, Syria's payoff from each of its
actions is its stage payoff **plus the discounted continuation value** (the game the
equilibrium is selected in), in expectation over the other players' selected strategies
there. The value of ambiguity in ``s`` is

    gap(t, s) = u_t(hedge; s) - max(u_t(align; s), u_t(realign; s)),

positive when hedging is Syria's strict best reply to the others' play, negative when an
open stance pays more (Syria may then still mix or hedge as the least bad of poor options
only if the equilibrium says so; the gap says what hedging costs it).

Per round, :func:`ambiguity` reports the **expectation over the state distribution of the
selected play, among the states in which the regime stands** (conditional on standing),
and the probability, given the regime stands, that the gap is positive. The expectation
rather than the most likely state: with beliefs moving on signals, play is spread over many
states after a few rounds, and the most likely one can carry little of the mass. Round 0
starts in the state the calibration's priors name (the grid is anchored there), so its
value is that state's gap: the number ``hedgesim analyze`` reports per calibration.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.article.actors import ACTIONS, PLAYERS, SHAPE, SYRIA
from sim.article.parameters import FloatArray
from sim.stochastic.solver import stage_payoffs

if TYPE_CHECKING:
    from sim.article.answers import Answers

#: A gap within this of zero is a tie (hedging is then not a *strict* best reply).
TIE = 1e-9
#: The alternatives hedging is compared with.
ALTERNATIVES: tuple[str, ...] = ("align", "realign")


@dataclass(frozen=True)
class Ambiguity:
    """The value of ambiguity of one solved calibration, round by round.

    ``expected`` ``(T,)``: the gap's expectation over the standing states of round ``t``
    (NaN where the regime has fallen for sure); ``positive`` ``(T,)``: the probability,
    given the regime stands, that the gap is positive (hedging is Syria's strict best reply).
    """

    expected: FloatArray
    positive: FloatArray

    @property
    def start(self) -> float:
        """Round 0's value (the regime stands at the start)."""
        return float(self.expected[0])


def gaps(payoffs: FloatArray, sigma: FloatArray) -> FloatArray:
    """``(S,)``: hedge minus the best alternative for Syria in each state.

    ``payoffs`` ``(S, *SHAPE)`` Syria's payoff (stage plus continuation) of every joint
    action; ``sigma`` ``(S, 4, 3)`` every player's selected strategy there (Syria's own is
    not used: each of its actions is valued against the others' play).
    """
    s = PLAYERS.index(SYRIA)
    others = [k for k in range(len(PLAYERS)) if k != s]
    if s != 0:  # pragma: no cover - Syria is the first player of the article's game
        raise ValueError("the focal player must come first")
    u = np.einsum("sabcd,sb,sc,sd->sa", payoffs, sigma[:, others[0]], sigma[:, others[1]],
                  sigma[:, others[2]])
    names = ACTIONS[SYRIA]
    hedge = u[:, names.index("hedge")]
    best = np.max(u[:, [names.index(a) for a in ALTERNATIVES]], axis=1)
    return np.asarray(hedge - best)


def ambiguity(answers: Answers, rounds: int | None = None) -> Ambiguity:
    """The value of ambiguity of ``answers`` under its default rule (module docstring), in
    its first ``rounds`` rounds (default: all; ``1``: round 0 only, what an analysis
    needs)."""
    game = answers.game
    rounds = game.rounds if rounds is None else min(int(rounds), game.rounds)
    if rounds <= 1:
        distribution = np.asarray(game.initial())[None, :]
    else:
        distribution = np.asarray(answers.solution.distribution(game.initial(), rounds))
        if distribution.ndim == 3:
            distribution = distribution[answers.index]
    strategy = answers.strategy()
    expected = np.full(rounds, np.nan)
    positive = np.full(rounds, np.nan)
    for t in range(rounds):
        found = _round(distribution[t, : game.grid_states], strategy[t], answers.stage_payoffs,
                       t)  # fmt: skip
        if found is not None:
            expected[t], positive[t] = found
    return Ambiguity(expected, positive)


def start_values(found: Sequence[Answers]) -> FloatArray:
    """``(B,)``: round 0's value of ambiguity of each of ``found``, the answers of one batch
    solve (:func:`sim.article.answers.answer_batch`), as ``ambiguity(a, rounds=1).start``
    gives it, the same numbers bit for bit (tested), with round 0's stage games
    (continuation values included) built once for the batch instead of once per
    calibration."""
    if not found:
        return np.zeros(0)
    solution = found[0].solution
    if any(a.solution is not solution for a in found):
        raise ValueError("start_values() takes the answers of one batch solve")
    stages = stage_payoffs(solution.rounds[0], solution.arrays.values[:, 1])  # (B, S, n, *m)
    out = np.full(len(found), np.nan)
    for k, a in enumerate(found):
        start = np.asarray(a.game.initial())
        value = _round(start[: a.game.grid_states], a.strategy()[0],
                       functools.partial(_row, stages, a.index), 0)  # fmt: skip
        if value is not None:
            out[k] = value[0]
    return out


def _row(stages: FloatArray, b: int, _t: int) -> FloatArray:
    return np.asarray(stages[b])


def _round(stands: FloatArray, sigma: FloatArray, payoffs_of: Callable[[int], FloatArray],
           t: int) -> tuple[float, float] | None:  # fmt: skip
    """Round ``t``'s expected gap and the probability it is positive, given the regime
    stands, from the standing states' mass ``stands`` ``(S - 1,)``, the selected play
    ``sigma`` ``(S, 4, 3)`` and the round's stage games ``payoffs_of(t)`` ``(S, 4, *SHAPE)``
    (``None`` if the regime has fallen for sure)."""
    stands = np.asarray(stands)
    total = float(stands.sum())
    live = np.flatnonzero(stands > 0)
    if total <= 0 or live.size == 0:
        return None
    s = PLAYERS.index(SYRIA)
    payoffs = np.asarray(payoffs_of(t))[live, s].reshape(live.size, *SHAPE)
    gap = gaps(payoffs, sigma[live])
    weights = stands[live] / total
    return float(weights @ gap), float(weights[gap > TIE].sum())
