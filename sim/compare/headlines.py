"""The headline answers of one run, read off its typed results, in one shape whatever the
model: what the comparison and the explorer show.

:func:`headlines_of` dispatches on the results class (:data:`READERS`): a model's results
class adds one reader here and the comparison, its figures and the explorer take it
unchanged. Every number is a reading of the results file, never a recomputation of the
model: the tests check each against the field it comes from. Readers are keyed by the
``model`` value of the results (``article``: Model 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.errors import HedgesimError

FloatArray = npt.NDArray[np.float64]
#: How the hedge can end, in the order the figures stack them.
ENDS: tuple[str, ...] = ("align", "realign", "collapse", "never")


@dataclass(frozen=True)
class Headlines:
    """One run's headline answers.

    Attributes
    ----------
    name, question, round_unit
        The scenario's.
    dates
        The calendar date of each round (``None`` where the scenario is undated).
    hedge
        ``(T,)``: the probability that Syria hedges in round ``t``.
    horizon_at
        ``(T,)``: the probability that round ``t`` is the first in which Syria no longer
        hedges for sure (the horizon).
    horizon_never, horizon_collapse
        The probability that hedging stays certain through the last round; that the regime
        falls while Syria still hedges for sure.
    median
        The round by which the horizon has come with probability at least 1/2 (``None``:
        not within the run).
    exit
        ``{end: probability}`` over :data:`ENDS`: the first non-hedge stance, collapse
        first, or never within the run.
    standing
        ``(T + 1,)``: the probability that the regime stands at the start of round ``t``
        (the last entry: after the last round).
    value_of_ambiguity
        ``(T,)``: the value of ambiguity in round ``t`` (Model 2, :mod:`sim.article.ambiguity`:
        Syria's payoff from hedging minus its best open stance, continuation values
        included, expected over the states the regime stands in; NaN where it has fallen
        for sure), or ``None`` where the results do not hold it.
    robust
        ``{answer: whether it is the same under every selection rule / equilibrium the
        results checked}`` (``None``: not checked).
    path
        ``{player: (T, n_actions)}``: the probability of each action per round
        (unconditional: with the regime's collapse they sum to one).
    actions
        ``{player: actions}`` in order; ``players``, ``action_names``: display names.
    model
        Which model's results these are; ``numerics``: how finely it was solved, in words
        (the state grid and the selection rules), so a comparison says what it compares.
    """

    name: str
    question: str
    round_unit: str
    dates: tuple[dt.date | None, ...]
    hedge: FloatArray
    horizon_at: FloatArray
    horizon_never: float
    horizon_collapse: float
    median: int | None
    exit: dict[str, float]
    standing: FloatArray
    value_of_ambiguity: FloatArray | None
    robust: dict[str, bool | None]
    path: dict[str, FloatArray]
    actions: dict[str, list[str]]
    players: dict[str, str] = field(default_factory=dict)
    action_names: dict[str, dict[str, str]] = field(default_factory=dict)
    model: str = ""
    numerics: str = ""

    @property
    def rounds(self) -> int:
        return len(self.hedge)

    @property
    def dated(self) -> bool:
        return bool(self.dates) and all(d is not None for d in self.dates)

    @property
    def round_days(self) -> float | None:
        """Days in a round, read off the dates (``None`` where undated)."""
        if not self.dated or self.rounds < 2:
            return None
        return float((self.dates[1] - self.dates[0]).days)  # type: ignore[operator]

    @property
    def fallen(self) -> FloatArray:
        """``(T,)``: the probability that the regime has fallen by the end of round ``t``."""
        return 1.0 - self.standing[1:]

    @property
    def horizon_by(self) -> FloatArray:
        """``(T,)``: the probability that the horizon has come by round ``t``."""
        return np.cumsum(self.horizon_at)

    def horizon_median(self) -> int | None:
        return self.median

    def exit_mode(self) -> str:
        """The most likely end (ties joined with ``=``)."""
        top = max(self.exit.values())
        return "=".join(k for k in ENDS if self.exit.get(k, 0.0) >= top - 1e-9)

    def collapse_by(self, round_: int) -> float:
        """The probability that the regime has fallen by the end of ``round_`` (clipped to
        the run; 0 before it)."""
        if round_ < 0:
            return 0.0
        return float(self.fallen[min(round_, self.rounds - 1)])

    def round_of(self, day: dt.date) -> int | None:
        """The last round starting on or before ``day`` (``None``: undated or before the
        start)."""
        if not self.dated:
            return None
        starts = [d for d in self.dates if d is not None and d <= day]
        return len(starts) - 1 if starts else None

    def value_of_ambiguity_start(self) -> float | None:
        """The value of ambiguity in round 0 (``None``: not held)."""
        if self.value_of_ambiguity is None or np.isnan(self.value_of_ambiguity[0]):
            return None
        return float(self.value_of_ambiguity[0])

    def label(self, player: str, action: str | None = None) -> str:
        if action is None:
            return self.players.get(player, player)
        return self.action_names.get(player, {}).get(action, action)


Reader = Callable[[Any], Headlines]
#: One reader per model, by the ``model`` value its results files carry (no import of the
#: results classes: a model's class can go without breaking the others' readers).
READERS: dict[str, Reader] = {}


def reads(model: str) -> Callable[[Reader], Reader]:
    """Register the decorated function as the reader of ``model``'s run results."""

    def wrap(fn: Reader) -> Reader:
        READERS[model] = fn
        return fn

    return wrap


def headlines_of(results: Any) -> Headlines:
    """The headline answers of ``results`` (a run's typed results)."""
    reader = READERS.get(str(getattr(results, "model", "")))
    if reader is None:
        raise HedgesimError(f"no headline reader for {type(results).__name__}: a comparison "
                            "takes the results of a run (results.json), not of analyses")
    return reader(results)


@reads("article")
def _article(results: Any) -> Headlines:
    """Model 2: the distributions of the selected equilibrium (the first rule), as the
    results file holds them; robustness across the rules solved; the value of ambiguity per
    round (NaN where the regime has fallen for sure)."""
    focal, focus = results.focal, results.focus
    return Headlines(
        name=results.scenario.name,
        question=results.scenario.question,
        round_unit=results.round_unit,
        dates=tuple(r.date for r in results.rounds),
        hedge=np.array([r.actions[focal][focus] for r in results.rounds], dtype=np.float64),
        horizon_at=np.array(results.horizon.at, dtype=np.float64),
        horizon_never=results.horizon.never,
        horizon_collapse=results.horizon.collapse,
        median=results.horizon.median,
        exit={e: float(results.exit.totals.get(e, 0.0)) for e in ENDS},
        standing=np.array(results.survival, dtype=np.float64),
        value_of_ambiguity=np.array([np.nan if r.ambiguity is None else r.ambiguity
                                     for r in results.rounds], dtype=np.float64),
        robust={"horizon": results.robustness.horizon, "exit": results.robustness.exit,
                "collapse": results.robustness.collapse},
        path={p: np.array([[r.actions[p][a] for a in results.actions[p]]
                           for r in results.rounds], dtype=np.float64)
              for p in results.players},
        actions={p: list(a) for p, a in results.actions.items()},
        players=dict(results.labels.players),
        action_names={p: dict(a) for p, a in results.labels.actions.items()},
        model=results.model,
        numerics=_numerics(results),
    )


def _numerics(results: Any) -> str:
    grid = results.scenario.grid
    return (f"state grid {grid.belief_points} x {grid.capacity_points} ({grid.states} "
            f"states), selection rules {', '.join(results.scenario.rules)}")
