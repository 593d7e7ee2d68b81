"""The backtest: what the replay of November 2024, calibrated before December, says about it.

:func:`backtest` solves a dated run (the ``november_2024`` scenario, as an
:class:`~sim.scenario.article.ArticleRun`) and compares it with history:

- the probability that the regime has fallen by the end of the round holding the target date
  (8 December 2024), with the run's shocks, without the patrons' capacity shocks (both
  patrons at their undamaged capacity), and, as a stated sensitivity, with every threat shock
  at the largest threat the parameter table admits;
- Syria's play each round: the selected equilibrium's action distribution given the regime
  stands;
- where model and history disagree: each observation an event carries (a player's action in
  its round, whether the regime had fallen by the round's end) against the model's
  probability of it; the model disagrees when it gives what history shows less than an even
  chance.

Nothing here changes the calibration: the run is solved as the scenario states it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from sim.article.actors import ACTIONS, PLAYERS, SYRIA
from sim.article.answers import answer
from sim.article.grid import Resolution
from sim.article.outcomes import Outcomes
from sim.article.parameters import SPEC, Parameters
from sim.article.timeline import Shock
from sim.errors import HedgesimError

#: The day the regime fell.
FALL = dt.date(2024, 12, 8)
#: Shock targets that are the patrons' capacities.
PATRON_CAPACITIES: tuple[str, ...] = ("capacity_iran", "capacity_russia")
#: The model agrees with an observation when it gives it at least this probability.
EVEN = 0.5


class DatedRun(Protocol):
    """What the backtest reads of a run (:class:`sim.scenario.article.ArticleRun`; read-only,
    so a frozen run satisfies it)."""

    @property
    def name(self) -> str: ...

    @property
    def params(self) -> Parameters: ...

    @property
    def shocks(self) -> tuple[Shock, ...]: ...

    @property
    def rounds(self) -> int: ...

    @property
    def resolution(self) -> Resolution: ...

    @property
    def selection(self) -> str: ...

    @property
    def known_until(self) -> dt.date | None: ...

    @property
    def events(self) -> Sequence[ObservedEvent]: ...

    def date_of(self, round: int) -> dt.date | None: ...

    def round_of(self, date: dt.date) -> int | None: ...


class ObservedEvent(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def round(self) -> int: ...

    @property
    def date(self) -> dt.date | None: ...

    @property
    def observed(self) -> Mapping[str, str]: ...

    @property
    def observed_collapse(self) -> bool | None: ...


@dataclass(frozen=True)
class RoundPlay:
    """Syria's play in one round of the selected equilibrium.

    ``syria`` maps each action to its probability given the regime stands; ``stands`` is the
    probability the regime stands at the round's start."""

    round: int
    date: dt.date | None
    syria: dict[str, float]
    stands: float

    @property
    def mode(self) -> str:
        """The most likely action (ties joined by ``=``)."""
        top = max(self.syria.values())
        return "=".join(a for a, p in self.syria.items() if p >= top - 1e-9)


@dataclass(frozen=True)
class Disagreement:
    """One observation of history that the model gives less than an even chance.

    ``what`` is a player (``"syria"``) or ``"collapse"``; ``history`` what happened
    (``"hedge"``, ``"fallen"``, ``"standing"``); ``probability`` the model's probability of it
    (actions given the regime stands; collapse by the end of the round)."""

    round: int
    date: dt.date | None
    event: str
    what: str
    history: str
    probability: float
    model: str  # the model's most likely outcome there


@dataclass(frozen=True)
class Backtest:
    """The replay against history (see the module docstring).

    Attributes
    ----------
    scenario
        The run's name.
    target, target_round
        The date compared (8 December 2024) and the round holding it.
    collapse
        P(the regime has fallen by the end of ``target_round``) with the run's shocks.
    collapse_without_capacity_shocks
        The same with no shock to the patrons' capacities.
    collapse_at_largest_threat
        The same with every threat shock at the parameter table's largest threat (``None``
        when not computed or when the run has no threat shock).
    largest_threat
        That threat.
    play
        Syria's play, round by round up to ``target_round``.
    disagreements
        Every observation the model gives less than an even chance, in date order.
    agreements
        How many observations it gives at least an even chance.
    hedge_ends
        P(the selected play stops hedging for sure by ``target_round``, before any collapse).
    known_until
        The calibration's vantage (the run's ``known_until``).
    rounds, resolution
        What was solved.
    """

    scenario: str
    target: dt.date
    target_round: int
    collapse: float
    collapse_without_capacity_shocks: float
    collapse_at_largest_threat: float | None
    largest_threat: float
    play: tuple[RoundPlay, ...]
    disagreements: tuple[Disagreement, ...]
    agreements: int
    hedge_ends: float
    known_until: dt.date | None
    rounds: int
    resolution: Resolution


def _solve(run: DatedRun, shocks: Sequence[Shock], rounds: int, res: Resolution) -> Outcomes:
    return answer(
        run.params,
        rounds=rounds,
        shocks=tuple(s for s in shocks if s.round < rounds),
        resolution=res,
        rules=(run.selection,),
        myopic=False,
        robust=False,
    ).forward


def syria_play(out: Outcomes, t: int) -> dict[str, float]:
    """Syria's action distribution in round ``t`` given the regime stands."""
    stands = float(out.survival[t])
    row = out.actions[SYRIA][t]
    if stands <= 0:
        return {a: float("nan") for a in ACTIONS[SYRIA]}
    return {a: float(row[k] / stands) for k, a in enumerate(ACTIONS[SYRIA])}


@dataclass(frozen=True)
class Observation:
    """One observation of history against the model.

    ``what`` is a player (``"syria"``) or ``"collapse"``; ``history`` what happened
    (``"hedge"``, ``"fallen"``, ``"standing"``); ``probability`` the model's probability of it
    (actions given the regime stands; collapse by the end of the round); ``model`` its most
    likely outcome there; ``agrees`` whether it gives what happened at least :data:`EVEN`."""

    round: int
    date: dt.date | None
    event: str
    what: str
    history: str
    probability: float
    model: str

    @property
    def agrees(self) -> bool:
        return self.probability >= EVEN


def observations(run: DatedRun, out: Outcomes) -> list[Observation]:
    """Every observation of ``run``'s events against the model's outcomes ``out``, in the
    events' order. Observations in rounds the outcomes do not reach are skipped, and so are
    action observations in a round where the regime has fallen for sure."""
    found: list[Observation] = []
    for event in run.events:
        r = event.round
        if r >= out.rounds:
            continue
        stands = float(out.survival[r])
        for player, action in event.observed.items():
            if player not in PLAYERS or stands <= 0:
                continue
            acts = ACTIONS[player]
            probs = out.actions[player][r] / stands
            k = acts.index(action)
            found.append(Observation(r, event.date, event.name, player, action,
                                     float(probs[k]), acts[int(np.argmax(probs))]))
        if event.observed_collapse is not None:
            fallen = float(out.collapsed[r + 1])
            p = fallen if event.observed_collapse else 1.0 - fallen
            seen = "fallen" if event.observed_collapse else "standing"
            model = "fallen" if fallen >= EVEN else "standing"
            found.append(Observation(r, event.date, event.name, "collapse", seen, p, model))
    return found


def compare(run: DatedRun, out: Outcomes) -> tuple[list[Disagreement], int]:
    """Each observation of ``run``'s events against the model's outcomes ``out``: the
    disagreements (model probability of what happened below :data:`EVEN`) and the count of
    agreements (:func:`observations`)."""
    seen = observations(run, out)
    found = [Disagreement(o.round, o.date, o.event, o.what, o.history, o.probability, o.model)
             for o in seen if not o.agrees]
    agreed = sum(o.agrees for o in seen)
    return sorted(found, key=lambda d: (d.round, d.event, d.what)), agreed


def backtest(
    run: DatedRun,
    *,
    target: dt.date = FALL,
    rounds: int | None = None,
    resolution: Resolution | None = None,
    stress: bool = True,
    solved: Outcomes | None = None,
) -> Backtest:
    """Solve ``run`` and compare it with history (see the module docstring).

    Parameters
    ----------
    run
        A dated run whose start precedes ``target``.
    target
        The date whose round the collapse probability is read at.
    rounds, resolution
        Override the run's horizon and grid (coarse, short solves for tests; the report uses
        the run's own).
    stress
        Whether to solve the largest-threat sensitivity too (a third solve).
    solved
        The run's outcomes under its selection rule, when already solved (``hedgesim run``
        passes its own; then only the variant without the capacity shocks is solved).
    """
    t = run.round_of(target)
    if t is None or t < 0:
        raise HedgesimError(f"the backtest needs a dated run starting before {target}")
    horizon = run.rounds if rounds is None else int(rounds)
    if t >= horizon:
        raise HedgesimError(f"{target} falls in round {t}, past the last round {horizon - 1}")
    res = run.resolution if resolution is None else resolution
    out = _solve(run, run.shocks, horizon, res) if solved is None else solved
    without = [s for s in run.shocks if s.target not in PATRON_CAPACITIES]
    bare = _solve(run, without, horizon, res)
    largest = SPEC["threat"].bounds[1]
    stressed = None
    if stress and any(s.target == "threat" for s in run.shocks):
        worst = [
            replace(s, op="set", value=largest) if s.target == "threat" else s for s in run.shocks
        ]
        stressed = float(_solve(run, worst, horizon, res).collapsed[t + 1])
    found, agreed = compare(run, out)
    play = tuple(
        RoundPlay(r, run.date_of(r), syria_play(out, r), float(out.survival[r]))
        for r in range(t + 1)
    )
    return Backtest(
        scenario=run.name,
        target=target,
        target_round=t,
        collapse=float(out.collapsed[t + 1]),
        collapse_without_capacity_shocks=float(bare.collapsed[t + 1]),
        collapse_at_largest_threat=stressed,
        largest_threat=largest,
        play=play,
        disagreements=tuple(found),
        agreements=agreed,
        hedge_ends=float(out.horizon.at[: t + 1].sum()),
        known_until=run.known_until,
        rounds=horizon,
        resolution=res,
    )
