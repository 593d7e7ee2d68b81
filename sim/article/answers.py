"""The article's questions answered: solve the game on the engine and read off the answers.

:func:`answer` builds the game for a calibration, dated shocks and a horizon, solves it on
the engine (:func:`sim.stochastic.solve`, a Markov-perfect equilibrium by backward
induction, the logit-QRE limit selected in every stage game) and returns :class:`Answers`:

- the exact outcome distributions of the selected equilibrium (:mod:`sim.article.outcomes`:
  per round, the survival curve, the horizon and the exit);
- the same under every other selection rule of the engine, and for each headline answer
  whether it is the same under all of them (:class:`Robustness`);
- the first model's three horizons recast: *myopic* is the path of stage-optimal play with
  continuation values ignored (the same game solved with discount 0: beliefs and capacity
  still move), *forward-looking* the Markov-perfect path, *sustainability* the discount
  threshold of each counterpart (:func:`sustainability`).

:func:`answer_batch` does the same for a batch of calibrations in one engine call per
rule (the engine's batch axis).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.article.actors import SYRIA
from sim.article.build import ArticleGame, build
from sim.article.grid import RUN, Resolution
from sim.article.outcomes import Outcomes, outcomes_batch
from sim.article.parameters import Parameters, stack
from sim.article.thresholds import Sustainability, hedges_for_sure
from sim.article.thresholds import sustainability as _sustainability
from sim.article.timeline import Shock
from sim.errors import HedgesimError
from sim.stochastic import SELECTIONS, Solution, TraceCache, solve
from sim.stochastic.solver import stage_payoffs

#: The engine's selection rules; the first is the default.
RULES: tuple[str, ...] = SELECTIONS
#: Two probabilities closer than this are the same answer (a knife edge is a tie).
SAME = 1e-6


def solve_game(game: ArticleGame, selection: str = "qre", robust: bool = True,
               traces: TraceCache | None = None, certify: bool = True) -> Solution:  # fmt: skip
    """The engine's Markov-perfect equilibrium of ``game`` under ``selection``
    (``player-optimal`` favours Syria; ``inertia`` falls back to it). ``robust`` asks the
    engine to look for other equilibria in every stage game (``Solution.robust``; it costs
    about two thirds more). ``traces`` shares traced stage games between solves
    (:func:`sim.stochastic.solve`). ``certify=False`` skips the exact confirmation of the
    traced limits, which only labels paths (``uncertified``): the same strategies and
    values, bit for bit."""
    return solve(game.games, horizon=game.rounds, selection=selection, focal_player=SYRIA,
                 robust=robust, traces=traces, certify=certify)  # fmt: skip


@dataclass(frozen=True)
class Headline:
    """The answers a reader asks for first, from one set of outcomes."""

    horizon_median: int | None  # the round by which hedging is no longer certain w.p. 1/2
    horizon_never: float  # P(hedging stays certain through the last round)
    horizon_collapse: float  # P(the regime falls while Syria still hedges for sure)
    exit: dict[str, float]  # P(first non-hedge action is align / realign; collapse; never)
    collapse: float  # P(the regime has fallen by the end of the horizon)

    @classmethod
    def of(cls, o: Outcomes) -> Headline:
        return cls(
            o.horizon.median(),
            o.horizon.never,
            o.horizon.collapse,
            o.exit.action(),
            float(o.collapsed[-1]),
        )

    def exit_mode(self) -> str:
        """The most likely end of the hedge (ties listed with ``=``)."""
        top = max(self.exit.values())
        return "=".join(k for k, v in self.exit.items() if v >= top - SAME)


@dataclass(frozen=True)
class Robustness:
    """Each headline answer under every rule, and whether all rules agree (within
    :data:`SAME` for probabilities)."""

    by_rule: dict[str, Headline]

    def _same(self, values: Sequence[float]) -> bool:
        return max(values) - min(values) <= SAME

    @property
    def horizon(self) -> bool:
        return len({h.horizon_median for h in self.by_rule.values()}) == 1 and self._same(
            [h.horizon_never for h in self.by_rule.values()]
        )

    @property
    def exit(self) -> bool:
        return len({h.exit_mode() for h in self.by_rule.values()}) == 1

    @property
    def collapse(self) -> bool:
        return self._same([h.collapse for h in self.by_rule.values()])

    def summary(self) -> dict[str, bool]:
        return {"horizon": self.horizon, "exit": self.exit, "collapse": self.collapse}


@dataclass(frozen=True)
class Answers:
    """Everything one calibration's solve says (see the module docstring).

    Attributes
    ----------
    game
        The built game.
    forward
        Outcomes of the Markov-perfect equilibrium under the default rule (QRE).
    by_rule
        Outcomes under each rule of :data:`RULES` that was solved.
    myopic
        Outcomes of stage-optimal play (discount 0), or ``None`` if not asked for.
    fragile
        ``(T,)``: the probability of being, in round ``t``, in a state whose stage game
        (with continuation values) has more than one equilibrium found (the engine's
        ``robust`` flag is false), under the default rule's play.
    solution
        The engine's solution under the default rule (for the whole batch it was solved in);
        with ``robust``, its ``robust`` flags are searched in the stage games play reaches
        with positive probability (:meth:`~sim.stochastic.Solution.search_robust`), and
        False (unknown) in the others.
    index
        This calibration's index in ``solution``'s batch.
    path_counts
        How the engine answered the stage games of the default solve (dominance, traced, ...),
        over the whole batch.
    continuum
        The probability that the default rule's play is, in some round ``0..T-1``, in a state
        whose selected stage equilibrium lies on a continuum of equilibria (the engine's
        ``Solution.continuum``; exact, each path counted at its first such visit:
        ``Solution.reach``). Every answer reads play over all ``T`` rounds (the survival
        curve does), so this is the mass on which the answers are ties up to the logit
        tracer's stopping point rather than numbers of the model. It leaves out one channel:
        a flagged state that play does not reach can still move an earlier stage game through
        its continuation values (measured in docs/calibration.md).
    """

    game: ArticleGame
    forward: Outcomes
    by_rule: dict[str, Outcomes]
    myopic: Outcomes | None
    fragile: np.ndarray
    solution: Solution = field(repr=False)
    index: int = 0
    path_counts: dict[str, int] = field(default_factory=dict)
    continuum: float = 0.0

    def strategy(self) -> np.ndarray:
        """``(T, S, 4, 3)``: the selected strategies of this calibration (default rule)."""
        return np.asarray(self.solution.strategy[self.index])

    def stage_payoffs(self, t: int) -> np.ndarray:
        """``(S, 4, *SHAPE)``: round ``t``'s stage games with continuation values, the
        games the equilibrium was selected in (default rule)."""
        b = self.index
        values = self.solution.arrays.values[b : b + 1, t + 1]
        return np.asarray(stage_payoffs(self.game.game(t), values)[0])

    @property
    def headline(self) -> Headline:
        return Headline.of(self.forward)

    @property
    def robustness(self) -> Robustness:
        return Robustness({rule: Headline.of(o) for rule, o in self.by_rule.items()})


def answer(
    params: Parameters | None = None,
    *,
    rounds: int = 24,
    shocks: Sequence[Shock] = (),
    resolution: Resolution = RUN,
    rules: Sequence[str] = RULES,
    myopic: bool = True,
    robust: bool = True,
) -> Answers:
    """Solve one calibration and answer (see the module docstring).

    Parameters
    ----------
    params
        The calibration (default :class:`Parameters` ()).
    rounds, shocks, resolution
        As :func:`sim.article.build.build`.
    rules
        The selection rules to solve under; the first is the one ``forward`` reports.
    myopic
        Whether to solve the stage-optimal (discount 0) path too.
    robust
        Whether to look for other equilibria in every stage game the default rule's play
        reaches (``Answers.fragile``; NaN without it).
    """
    params = Parameters() if params is None else params
    if params.batch_shape:
        raise HedgesimError("answer() takes one calibration; use answer_batch for a batch")
    return answer_batch([params], rounds=rounds, shocks=shocks, resolution=resolution,
                        rules=rules, myopic=myopic, robust=robust)[0]  # fmt: skip


def answer_batch(
    calibrations: Sequence[Parameters],
    *,
    rounds: int = 24,
    shocks: Sequence[Shock] = (),
    resolution: Resolution = RUN,
    rules: Sequence[str] = RULES,
    myopic: bool = True,
    robust: bool = True,
    certify: bool = True,
) -> list[Answers]:
    """:func:`answer` for many calibrations, each rule solved in one engine call over the
    batch axis. ``certify=False``: the traced limits are not confirmed in exact arithmetic
    (:func:`solve_game`), so ``path_counts`` has no ``uncertified`` stage games (they count
    as ``traced``); every strategy, value and answer is the same."""
    if not rules:
        raise HedgesimError("name at least one selection rule")
    size = len(calibrations)
    batch = stack(list(calibrations))
    game = build(batch, rounds=rounds, shocks=shocks, resolution=resolution)
    # the default rule's solve also looks for other equilibria (the fragile states); the
    # other rules only need their own selection
    # one cache of traced stage games for every solve: the last round of each rule's game
    # and every round of the myopic game are the same stage games (no continuation)
    traces = TraceCache()
    solved: dict[str, Solution] = {
        rule: solve_game(game, rule, robust=False, traces=traces, certify=certify)
        for rule in rules
    }
    first = solved[rules[0]]
    # the mass play puts on stage games whose selected equilibrium lies on a continuum
    on_continuum = np.atleast_1d(first.reach(game.initial(), first.continuum))
    if robust:
        dist = np.asarray(first.distribution(game.initial()))  # (B, T + 1, S)
        # the search only where play goes: elsewhere a flag would not change ``fragile``
        first = first.search_robust(dist[:, :rounds] > 0)
        solved[rules[0]] = first
        fragile = (dist[:, :rounds] * ~np.asarray(first.robust)).sum(axis=2)  # (B, T)
    else:
        fragile = np.full((size, rounds), np.nan)
    short: Solution | None = None
    if myopic:
        flat = build(batch.replace(discount=np.zeros(size)), rounds=rounds, shocks=shocks,
                     resolution=resolution)  # fmt: skip
        short = solve_game(flat, rules[0], robust=False, traces=traces, certify=certify)
    # every calibration's outcomes under each rule, with each round's batch law the solve
    # built (the myopic game moves the state by the same law)
    laws = [g.transitions for g in first.rounds]
    found = {rule: outcomes_batch(game, sol.strategy, laws)  # type: ignore[arg-type]
             for rule, sol in solved.items()}  # fmt: skip
    flat_found = (None if short is None
                  else outcomes_batch(game, short.strategy, laws))  # type: ignore[arg-type]
    out = []
    for b, params in enumerate(calibrations):
        single = build(params, rounds=rounds, shocks=shocks, resolution=resolution)
        by_rule = {rule: found[rule][b] for rule in solved}
        out.append(
            Answers(
                game=single,
                forward=by_rule[rules[0]],
                by_rule=by_rule,
                myopic=None if flat_found is None else flat_found[b],
                fragile=fragile[b],
                solution=first,
                index=b,
                path_counts=first.path_counts,
                continuum=float(on_continuum[b]),
            )
        )
    return out


def sustainability(
    params: Parameters | None = None,
    *,
    rounds: int = 24,
    shocks: Sequence[Shock] = (),
    resolution: Resolution = RUN,
    points: int = 8,
) -> Sustainability:
    """The first model's third horizon recast on the engine: for each counterpart, the least
    discount factor of its own (the others' held at the calibration's) with which the
    Markov-perfect equilibrium still has Syria hedging for sure in round 0
    (:func:`sim.article.thresholds.sustainability`; each scan is one batch solve)."""
    params = Parameters() if params is None else params

    def solve_batch(batch: Parameters, discounts: np.ndarray) -> list[bool]:
        game = build(batch, rounds=rounds, shocks=shocks, resolution=resolution,
                     discounts=discounts)  # fmt: skip
        sol = solve(game.games, horizon=rounds, focal_player=SYRIA, robust=False)
        start = game.initial()
        return [hedges_for_sure(sol.strategy[b][0], start[b]) for b in range(len(discounts))]

    return _sustainability(params, solve_batch, points=points)
