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
#: The chain mixing check (:func:`sim.calibrate.sampler.chain_mixing`): the KS p-value below
#: which a parameter's two groups of chains differ, the looser level reported beside it
#: (where chance alone flags 5% of the parameters), and how many differing parameters chance
#: explains: with 63 independent tests at p < 0.001, one differs in 6% of well-mixed draws,
#: two in 0.2% (binomial).
MIXING_P = 1e-3
MIXING_LOOSE_P = 0.05
MIXING_CHANCE = 1


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


class ChainMixing(Record):
    """Whether hit-and-run's chains forgot where they started
    (:func:`sim.calibrate.sampler.chain_mixing`): each drawn parameter's values in the
    chains started at even-indexed starting points against those started at odd-indexed
    ones, by a two-sample Kolmogorov-Smirnov test (one point per chain, its first kept)."""

    check: Literal["ks", "rejection", "one start", "too few chains"] = Field(
        description="ks: the groups were compared; rejection: independent draws, no check "
        "needed; one start: every chain started at the same point; too few chains: a group "
        "has fewer than two")
    points: list[int] = Field(default_factory=list, description="chains compared in each "
                              "group (even-indexed starts, odd-indexed starts)")
    parameters: int = Field(default=0, ge=0, description="drawn parameters compared")
    differ: int = Field(default=0, ge=0, description="parameters whose two groups differ at "
                        "KS p < 0.001 (chance: 0.1% of the parameters)")
    differ_loose: int = Field(default=0, ge=0, description="parameters whose two groups "
                              "differ at KS p < 0.05 (chance: 5% of the parameters)")
    least_p: Probability | None = Field(default=None, description="the smallest p-value")
    least_p_parameter: str | None = Field(default=None, description="its parameter")
    mixed: bool | None = Field(default=None, description="at most one parameter differs at "
                               "p < 0.001, what chance explains (null: no check)")

    def words(self) -> str:
        """The check in one sentence (the text output and the report)."""
        if self.check == "rejection":
            return "chain mixing check: not needed (rejection draws are independent)"
        if self.check == "one start":
            return "chain mixing check: none (every chain started at the same point)"
        if self.check == "too few chains":
            return ("chain mixing check: none (fewer than two chains from even- or "
                    "odd-indexed starts)")
        p = self.least_p or 0.0
        least = f"{p:.2g}" if p >= 1e-10 else "below 1e-10"  # 10 decimals kept
        told = (f"{self.differ} of {self.parameters} parameters differ between chains "
                f"started at different points (two-sample KS p < {MIXING_P:g}, "
                f"{self.points[0]:,} against {self.points[1]:,} chains; {self.differ_loose} "
                f"at p < {MIXING_LOOSE_P:g}, where chance gives "
                f"{MIXING_LOOSE_P * self.parameters:.1f}; smallest p {least}, "
                f"{self.least_p_parameter})")
        if self.mixed:
            return f"the chains mixed: {told}"
        return (f"warning: the chains may not have forgotten their starts: {told}; a longer "
                "--burn-in mixes them")


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
    burn_in: int | None = Field(default=None, ge=0, description="hit-and-run steps each chain "
                                "took before its first kept point (null: rejection draws)")
    mixing: ChainMixing | None = Field(default=None, description="whether the chains forgot "
                                       "where they started (null in files written before it)")
