"""Typed results of ``hedgesim calibrate`` (``calibration.json``) and ``hedgesim analyze``
(``analysis.json``): calibrations drawn from the set the article's claims support, and the
answers as distributions over that set (issue 12; :mod:`sim.calibrate`).

"Never" is an outcome of its own in every distribution here: a round-valued answer is a
map from outcome (a round, ``collapse`` or ``never``) to its share, never a quantile that
folds "never" into the last round.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.results.common import Probability, Real, Record

CALIBRATION_SCHEMA_VERSION = 1


class ConstraintCheck(Record):
    """One constraint of the ledger and how the drawn calibrations meet it."""

    id: str = Field(description="the constraint's id in seeds/claims.yaml")
    claims: list[str] = Field(description="the claims that imply it")
    fact: str | None = Field(description="the fact of the model brief it states (F1-F5), if any")
    restatement: str = Field(description="the claim, in the ledger's words")
    holds: str = Field(description="the inequality, as the ledger writes it")
    state: str = Field(description="where the inequality is read: beliefs and parameters set")
    satisfied: int = Field(ge=0, description="how many drawn calibrations satisfy it")
    least_margin: Real = Field(description="the smallest margin over the drawn calibrations "
                               "(positive: it holds strictly everywhere)")
    at_base: Real = Field(description="its margin at the scenario's own calibration")


class CalibrationResults(Record):
    """Calibrations drawn uniformly from the supported set (``calibrations.csv`` holds each
    calibration's values and its margin on every constraint)."""

    schema_version: Literal[1] = 1
    kind: Literal["calibration"] = "calibration"
    scenario: str = Field(description="the scenario's name")
    seed: int = Field(description="the seed the draws were made with")
    n: int = Field(ge=1, description="calibrations drawn")
    method: Literal["rejection", "hit-and-run"] = Field(description="how they were drawn")
    acceptance_rate: Probability = Field(description="share of uniform draws in the box of "
                                         "bounds that satisfy every constraint (the pilot)")
    pilot_draws: int = Field(ge=0, description="box draws of the rejection pilot")
    pilot_accepted: int = Field(ge=0, description="of which satisfy every constraint")
    drawn: list[str] = Field(description="the parameters drawn within their bounds")
    held: dict[str, Real] = Field(description="parameters held at the scenario's values (per "
                                  "month), with the value")
    base_supported: bool = Field(description="whether the scenario's own calibration "
                                 "satisfies every constraint")
    constraints: list[ConstraintCheck]
