"""A scenario as a run of the article's game (Model 2): calibration, horizon, grid, shocks.

:func:`article_run` turns a validated :class:`~sim.scenario.Scenario` into an
:class:`ArticleRun`, everything :func:`sim.article.answers.answer` needs::

    run = article_run(load_scenario("scenarios/baseline.yaml"))
    answer(run.params, rounds=run.rounds, shocks=run.shocks, resolution=run.resolution)

A scenario states its values in the units of :mod:`sim.article.parameters` (per month);
:attr:`ArticleRun.params` is the same calibration in the run's own rounds
(:func:`sim.article.parameters.per_round`), and its dated events are
:class:`~sim.article.timeline.Shock` s on those rounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sim.article.grid import Resolution
from sim.article.parameters import BASE_ROUND_DAYS, Parameters, per_round
from sim.article.timeline import Shock
from sim.errors import ScenarioError
from sim.scenario.article_keys import PARAMETER_KEYS, value_range
from sim.scenario.keys import suggest
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class DatedEvent:
    """One event of a run: what happened, when, and what it moves in the model.

    Attributes
    ----------
    name, description, claims
        As the scenario states them.
    round
        The round at whose start it applies.
    date
        Its calendar date (``None`` in an undated run or for an event given by round).
    shocks
        What it moves, as :class:`Shock` s on :attr:`round` (empty for a documented no-op).
    no_change
        Why the event moves nothing in the model (``""`` when it moves something).
    judgement
        Why a shock has the size it has, when the size is a judgement call (``""`` if not).
    source
        Where the date and the fact come from.
    observed, observed_collapse
        What history shows in its round: players' actions (``{"syria": "hedge"}``) and
        whether the regime had fallen by the round's end (``None``: not stated).
    """

    name: str
    round: int
    date: dt.date | None
    description: str = ""
    claims: tuple[str, ...] = ()
    shocks: tuple[Shock, ...] = ()
    no_change: str = ""
    judgement: str = ""
    source: str = ""
    observed: Mapping[str, str] = field(default_factory=dict)
    observed_collapse: bool | None = None


@dataclass(frozen=True)
class ArticleRun:
    """A scenario resolved into one run of the article's game.

    Attributes
    ----------
    name
        The scenario's name.
    params
        The calibration in per-round units for this run (``per_round(monthly, round_days)``).
    shocks
        Every event's shocks, in the order they apply.
    rounds
        The horizon.
    round_days
        Days in a round (30 for monthly rounds, 7 for weekly).
    start
        The calendar date of round 0 (``None`` if undated).
    resolution
        The state grid of the run.
    events
        The dated events, in the order they apply.
    monthly
        The calibration as the scenario states it (per month, the units of
        :mod:`sim.article.parameters`).
    selection
        The engine's selection rule the run reports first.
    """

    name: str
    params: Parameters
    shocks: tuple[Shock, ...]
    rounds: int
    round_days: float
    start: dt.date | None
    resolution: Resolution
    events: tuple[DatedEvent, ...] = ()
    monthly: Parameters = Parameters()
    selection: str = "qre"
    known_until: dt.date | None = None

    def hindsight(self, event: DatedEvent) -> bool:
        """Whether ``event`` lies after :attr:`known_until` (the calibration's vantage): such
        an event is replayed, never used to calibrate. ``False`` without a vantage."""
        return (self.known_until is not None and event.date is not None
                and event.date > self.known_until)  # fmt: skip

    def date_of(self, round: int) -> dt.date | None:
        """The calendar date round ``round`` starts (``None`` in an undated run)."""
        if self.start is None:
            return None
        return self.start + dt.timedelta(days=round * self.round_days)

    def round_of(self, date: dt.date) -> int | None:
        """The round ``date`` falls in (``None`` in an undated run; negative before it)."""
        if self.start is None:
            return None
        return (date - self.start).days // int(self.round_days)


def article_run(scenario: Scenario) -> ArticleRun:
    """The run of the article's game a scenario describes.

    Parameters
    ----------
    scenario
        A validated scenario (its Model 2 blocks: ``payoffs``, ``beliefs``, ``capacity``,
        ``threat``, ``patrons``, ``hazard``, ``game``, ``events``; docs/scenarios.md).

    Returns
    -------
    ArticleRun
        Its calibration in per-round units, horizon, grid and dated shocks.
    """
    game = scenario.game
    days = game.round_days
    monthly = scenario.article_parameters()
    events = tuple(
        DatedEvent(
            name=event.name,
            round=r,
            date=event.date,
            description=event.description,
            claims=event.claims,
            shocks=shocks,
            no_change=event.no_change or "",
            judgement=event.judgement or "",
            source=event.source,
            observed=event.observed.actions() if event.observed is not None else {},
            observed_collapse=event.observed.collapsed if event.observed is not None else None,
        )
        for event, r, shocks in scenario.article_shocks()
    )
    grid = game.grid
    return ArticleRun(
        name=scenario.name,
        params=per_round(monthly, days) if days != BASE_ROUND_DAYS else monthly,
        shocks=tuple(s for e in events for s in e.shocks),
        rounds=game.rounds,
        round_days=float(days),
        start=game.start_date,
        resolution=Resolution(
            belief_points=grid.belief_points,
            capacity_points=grid.capacity_points,
            belief_min=grid.belief_min,
            belief_max=grid.belief_max,
        ),
        events=events,
        monthly=monthly,
        selection=game.selection,
        known_until=game.known_until,
    )


def calibrations(
    run: ArticleRun, keys: Sequence[str], rows: Sequence[Sequence[float]], *,
    monthly: bool = False,
) -> list[Parameters]:
    """The run's calibration with the key paths ``keys`` set to each row of ``rows``
    (values per month, as a scenario states them), each in the run's rounds (or per month
    with ``monthly=True``, as :func:`sim.calibrate.solving.solve_calibrations` takes them):
    the calibrations of a sweep or a Monte Carlo over Model 2 key paths, ready for
    :func:`sim.article.answers.answer_batch`.

    Raises
    ------
    ScenarioError
        A key that is not a parameter's key path, or a value outside its bounds.
    """
    for key in keys:
        if key not in PARAMETER_KEYS:
            hint = suggest(key, PARAMETER_KEYS) or "; expected a parameter's key path"
            raise ScenarioError("sweep", f"cannot vary {key!r}{hint}", key_path=key)
    out = []
    for row in rows:
        if len(row) != len(keys):
            raise ScenarioError("sweep", f"expected {len(keys)} values a row, got {len(row)}")
        changes = {}
        for key, value in zip(keys, row, strict=True):
            lo, hi = value_range(key)
            if not lo <= float(value) <= hi:
                raise ScenarioError(
                    "sweep",
                    f"{key} lies in [{lo:g}, {hi:g}], so {float(value):g} is outside it",
                    key_path=key,
                )
            changes[PARAMETER_KEYS[key]] = float(value)
        calibration = run.monthly.replace(**changes)
        out.append(calibration if monthly or run.round_days == BASE_ROUND_DAYS
                   else per_round(calibration, run.round_days))
    return out
