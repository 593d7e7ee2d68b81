"""``AnalysisResults``: sweeps, Monte Carlo and sensitivity of a scenario (``analyses.json``).

Like :class:`sim.results.RunResults`, the class is the file format, the schema
(``docs/analyses.schema.json``), the validation and the only input of the analyses'
figures and report sections. Horizons count rounds from 0; ``null`` means hedging lasts
the whole run ("never"), an exit or first-broken of ``null`` means there is none.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.results.common import LabelNames, Probability, Real, Record, Round

#: Bumped on any incompatible change of ``analyses.json``.
ANALYSES_SCHEMA_VERSION: Literal[2] = 2

Horizons1 = list[Round | None]
Names1 = list[str | None]


class GridAnalysis(Record):
    """The horizon over a grid of one or two key paths (row-major: the first key varies
    slowest; arrays are nested one level per key)."""

    analysis: Literal["grid"] = "grid"
    keys: list[str] = Field(min_length=1, max_length=2)
    axes: list[list[Real]]
    rounds: int = Field(ge=1)
    horizon: Horizons1 | list[Horizons1]
    exit: Names1 | list[Names1]
    first_broken: Names1 | list[Names1]

    @model_validator(mode="after")
    def _shape(self) -> GridAnalysis:
        shape = [len(a) for a in self.axes]
        if len(shape) != len(self.keys):
            raise ValueError("one axis per key")
        for name in ("horizon", "exit", "first_broken"):
            value = getattr(self, name)
            found = [len(value)] + ([len(value[0])] if value and isinstance(value[0], list)
                                    else [])
            if len(shape) == 2 and any(len(row) != shape[1] for row in value):
                found = [len(value), -1]
            if found != shape:
                raise ValueError(f"{name} has shape {found}, the axes {shape}")
        return self


class MonteCarloAnalysis(Record):
    """The horizon's distribution over draws of the scenario's uncertainty."""

    analysis: Literal["monte-carlo"] = "monte-carlo"
    keys: list[str] = Field(min_length=1)
    draws: int = Field(ge=1)
    seed: int
    rounds: int = Field(ge=1)
    quantiles: dict[str, Real] = Field(description="{q: horizon quantile}, never counted "
                                       "as the run's length")
    exit_shares: dict[str, Probability] = Field(description="{exit or 'none': share}")
    never_share: Probability
    horizon: Horizons1
    exit: Names1
    first_broken: Names1
    samples: dict[str, list[Real]] = Field(description="{key: the drawn values}")

    @model_validator(mode="after")
    def _lengths(self) -> MonteCarloAnalysis:
        lengths = {len(self.horizon), len(self.exit), len(self.first_broken),
                   *(len(v) for v in self.samples.values())}
        if lengths != {self.draws}:
            raise ValueError(f"every per-draw list needs {self.draws} entries")
        return self

    def quantile_values(self) -> dict[float, float]:
        """``{q: value}`` with the quantiles as numbers, in order."""
        return dict(sorted((float(q), v) for q, v in self.quantiles.items()))


class SensitivityRow(Record):
    """One uncertain key at the low and the high end of its distribution."""

    key: str
    base: Real
    low: Real
    high: Real
    low_horizon: Round | None
    high_horizon: Round | None
    low_exit: str | None
    high_exit: str | None
    swing: int = Field(ge=0, description="|high - low| of the horizons, never counted as "
                       "the run's length")


class SensitivityAnalysis(Record):
    """One-at-a-time sensitivity of the horizon (a tornado chart), largest swing first."""

    analysis: Literal["sensitivity"] = "sensitivity"
    keys: list[str]
    quantiles: tuple[Probability, Probability] = Field(description="the percentiles of the "
                                                       "low and high ends")
    base_horizon: Round | None
    base_exit: str | None
    rounds: int = Field(ge=1)
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

    schema_version: Literal[2] = Field(default=ANALYSES_SCHEMA_VERSION, description="bumped on any "
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
