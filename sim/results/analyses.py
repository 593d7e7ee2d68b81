"""``AnalysisResults``: sweeps, Monte Carlo and sensitivity of a scenario on the article's
game (Model 2) (``analyses.json``).

Like :class:`sim.results.ArticleResults`, the class is the file format, the schema
(``docs/analyses.schema.json``), the validation and the only input of the analyses' figures
and report sections. Every analysis solves calibrations of the scenario (its values moved
along key paths, docs/scenarios.md) on the engine, under the default selection rule, and
records the same answers at each: :class:`PointAnswer`. Horizons count rounds from 0;
``collapse`` and ``never`` are outcomes of their own, never folded into the last round.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.results.common import LabelNames, Probability, Real, Record, Round
from sim.results.supported import AnswerDistributions

#: Bumped on any incompatible change of ``analyses.json``.
ANALYSES_SCHEMA_VERSION: Literal[3] = 3
#: Where the hedge can end (the keys of :attr:`PointAnswer.exit`).
ENDS: tuple[str, ...] = ("align", "realign", "collapse", "never")

#: A calibration's horizon: the round by which hedging has stopped being certain with
#: probability 1/2, or ``collapse`` / ``never`` when that does not happen within the run
#: (whichever of the two is likelier).
HorizonOutcome = Round | Literal["collapse", "never"]


class PointAnswer(Record):
    """The answers of one solved calibration."""

    horizon: HorizonOutcome = Field(description="the median round in which hedging stops being "
                             "certain, or collapse / never when it does not within the run with "
                             "probability 1/2 (whichever of the two is likelier)")
    hedging_ends: Probability = Field(description="P(hedging stops being certain within the "
                                      "run)")
    exit: dict[str, Probability] = Field(description="P(the hedge ends in align / realign / "
                                         "collapse / never)")
    exit_mode: str = Field(description="the most likely end of the hedge (ties joined with =)")
    collapse_by: Probability = Field(description="P(the regime has fallen by the analysis's "
                                     "date)")
    ambiguity: Real = Field(description="the value of ambiguity: Syria's round-0 payoff (with "
                            "continuation values) from hedging minus the best of aligning and "
                            "realigning")

    @model_validator(mode="after")
    def _ends(self) -> PointAnswer:
        if tuple(self.exit) != ENDS:
            raise ValueError(f"exit needs exactly the ends {', '.join(ENDS)} in that order")
        return self


class Solved(Record):
    """What every analysis states about how its calibrations were solved."""

    rounds: int = Field(ge=1, description="the run's length")
    round_days: Real = Field(gt=0, description="days in a round")
    grid: tuple[int, int] = Field(description="the state grid solved on: belief points, "
                                  "capacity points")
    rule: str = Field(description="the selection rule the answers are under")
    collapse_round: Round = Field(description="collapse_by is read at the start of this round")
    collapse_date: str | None = Field(description="the date collapse_by is by (null: the end of "
                                      "an undated run)")


class GridAnalysis(Solved):
    """The answers over a grid of one or two key paths (``points`` in row-major order: the
    first key varies slowest)."""

    analysis: Literal["grid"] = "grid"
    keys: list[str] = Field(min_length=1, max_length=2)
    axes: list[list[Real]]
    points: list[PointAnswer]

    @model_validator(mode="after")
    def _shape(self) -> GridAnalysis:
        if len(self.axes) != len(self.keys):
            raise ValueError("one axis per key")
        n = math.prod(len(a) for a in self.axes)
        if len(self.points) != n:
            raise ValueError(f"{len(self.points)} points for a grid of {n}")
        return self

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a) for a in self.axes)


class MonteCarloAnalysis(Solved):
    """The answers' distributions over draws of the scenario's uncertainty."""

    analysis: Literal["monte-carlo"] = "monte-carlo"
    keys: list[str] = Field(min_length=1)
    draws: int = Field(ge=1)
    seed: int
    samples: dict[str, list[Real]] = Field(description="{key: the drawn values}")
    points: list[PointAnswer] = Field(description="the answers of each draw")
    distributions: AnswerDistributions = Field(description="each answer over the draws")

    @model_validator(mode="after")
    def _lengths(self) -> MonteCarloAnalysis:
        lengths = {len(self.points), *(len(v) for v in self.samples.values())}
        if lengths != {self.draws} or set(self.samples) != set(self.keys):
            raise ValueError(f"every key and the points need {self.draws} entries")
        return self


class SensitivityRow(Record):
    """One uncertain key at the low and the high end of its distribution, the others at
    the scenario's values."""

    key: str
    base: Real
    low: Real
    high: Real
    at_low: PointAnswer
    at_high: PointAnswer
    swing: Real = Field(ge=0, description="the larger of how far P(hedging ends) and "
                        "P(collapse by) move between the two ends")


class SensitivityAnalysis(Solved):
    """One-at-a-time sensitivity around the scenario's calibration (a tornado chart, a
    local view; ``hedgesim analyze`` gives the global one), largest swing first."""

    analysis: Literal["sensitivity"] = "sensitivity"
    keys: list[str]
    quantiles: tuple[Probability, Probability] = Field(description="the percentiles of the "
                                                       "low and high ends")
    base: PointAnswer
    parameters: list[SensitivityRow]


Analysis = Annotated[GridAnalysis | MonteCarloAnalysis | SensitivityAnalysis,
                     Field(discriminator="analysis")]


class AnalysisScenario(Record):
    """The scenario the analyses ran on."""

    name: str
    hash: str
    question: str
    round_unit: str


class AnalysisResults(Record):
    """The analyses of a scenario (``analyses.json``)."""

    schema_version: Literal[3] = Field(default=ANALYSES_SCHEMA_VERSION, description="bumped on any "
                                       "incompatible change; other versions are refused")
    kind: Literal["analyses"] = Field(default="analyses", description="always analyses")
    scenario: AnalysisScenario
    focal: str = Field(description="the player whose hedging the horizons are about")
    labels: LabelNames
    analyses: dict[str, Analysis] = Field(description="{analysis name: its result}: a "
                                          "grid, monte-carlo or sensitivity record")

    @property
    def round_unit(self) -> str:
        return self.scenario.round_unit
