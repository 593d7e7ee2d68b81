"""Typed results of ``hedgesim analyze`` (``analysis.json``): the answers as distributions
over the set the article's claims support, Sobol indices, claim importance and knife edges
(issue 12; :mod:`sim.calibrate.analysis` says how each is computed).

"Never" is an outcome of its own: the horizon's distribution is a map from outcome (a
round, ``collapse`` or ``never``) to the share of calibrations, never a quantile that folds
"never" into the last round.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from sim.results.calibration import MIXING_LOOSE_P, ChainMixing
from sim.results.common import Probability, Real, Record

#: 2 (2026-12-01): ``sobol_projection`` no longer carries the run's measured CPU time (it
#: made the file differ from run to run); ``hedgesim analyze`` prints it instead.
SUPPORTED_SCHEMA_VERSION: Literal[2] = 2


class Quantiles(Record):
    """A real-valued answer over the calibrations: mean, standard deviation, quantiles."""

    mean: Real
    sd: Real
    q05: Real
    q25: Real
    q50: Real
    q75: Real
    q95: Real


class AnswerDistributions(Record):
    """Each answer over the supported calibrations."""

    horizon: dict[str, Probability] = Field(description="share of calibrations whose hedging "
        "stops being certain by round k with probability 1/2 (keys: rounds), or that collapse "
        "first or never end hedging within the run (keys collapse, never)")
    hedging_ends: Quantiles = Field(description="P(hedging stops being certain within the run)")
    exit_mode: dict[str, Probability] = Field(description="share of calibrations by their most "
                                              "likely end of the hedge (ties joined with =)")
    exit: dict[str, Quantiles] = Field(description="P(the hedge ends in align / realign / "
                                       "collapse / never), over the calibrations")
    collapse_by: Quantiles = Field(description="P(the regime has fallen by the date)")
    collapse_round: int = Field(ge=0, description="the round whose start the date falls before")
    collapse_date: str | None = Field(description="the date (null in an undated run)")
    ambiguity: Quantiles = Field(description="the value of ambiguity: Syria's round-0 payoff "
        "(with continuation values) from hedging minus the best of aligning and realigning")


class SobolRow(Record):
    """One factor's Sobol indices for one answer, with 95% bootstrap half-widths."""

    factor: str
    parameters: list[str]
    S1: Real
    S1_conf: Real
    ST: Real
    ST_conf: Real
    base: int | None = Field(default=None, ge=1, description="base rows of Saltelli's design "
                             "these indices rest on (the screening's or the whole base)")


class SobolPrecision(Record):
    """How narrow one answer's leading factor's interval is, and the base it would need to
    reach the target half-width (``sim.calibrate.analysis.base_needed``)."""

    answer: str
    factor: str = Field(description="the factor with the answer's largest total index")
    base: int = Field(ge=1, description="base rows its indices rest on")
    ST: Real = Field(description="its total index")
    half_width: Real = Field(ge=0, description="the 95% bootstrap half-width of its total "
                             "index (the interval is ST +- half_width)")
    full_width: Real = Field(ge=0, description="the interval's full width: twice the "
                             "half-width")
    base_needed: int = Field(ge=1, description="the base at which the half-width would be "
        "the target: base x (half_width / target)^2 rounded up (the estimator's variance "
        "falls as 1/base)")
    short_of_target: Literal["max base", "passes"] | None = Field(default=None, description=
        "why a covered answer's leading factor is still above the target half-width after "
        "the third stage (it needs more rows than it rests on): its rows reached "
        "sobol_max_base (max base), or the sobol_max_passes passes ran out before it reached "
        "the target (passes: a leader overtaken after the last pass, or extended by it to a "
        "base that proved too small); null: at the target, or an answer the target does not "
        "cover")


class SobolProjection(Record):
    """The refined base that would bring the covered answers' leading factors to the target
    half-width, and that analysis's solves. Only what the seed determines: the CPU time a
    solve takes differs from run to run, so ``hedgesim analyze`` prints it and the projected
    time without writing them here (same seed, same bytes)."""

    target_half_width: Real = Field(gt=0, description="the 95% half-width aimed at")
    answers: list[str] = Field(description="the answers whose leading factor it covers (the "
        "raw value of ambiguity is left out when its bounded companion, the quantile, is "
        "reported)")
    base: int = Field(ge=1, description="the largest base_needed of the covered answers, at "
                      "least this run's base rows: the --sobol-max-base that would reach the "
                      "target")
    solves: int = Field(ge=0, description="the analysis's solves with each covered answer's "
        "leading factor on the base it needs: this run's, plus the supported draws the larger "
        "base matrices add (two per added base row, beyond those solved) and each factor's "
        "mixed rows on its added base rows")
    run_solves: int = Field(ge=0, description="this run's solves (resumed chunks included)")


class SobolPass(Record):
    """One pass of the Sobol design's third stage: the factors it extended and the base
    matrices' rows after it."""

    extended: dict[str, int] = Field(description="each factor the pass extended, with the "
                                     "base rows its mixed rows reach after it")
    base: int = Field(ge=1, description="the base matrices' rows after the pass")
    drawn: int = Field(ge=0, description="supported calibrations drawn for the pass's new "
                       "base rows (spare draws of --n used first, then the next rows of the "
                       "third stage's draws, one of which a pass makes for its rows and the "
                       "most the next pass can take; rows never taken are counted nowhere): "
                       "the first half continue A, are solved and join the distributions; the "
                       "second continue B, whose values enter the mixed rows, unsolved")


class ShrinkInterval(Record):
    """How precise one cell of the claim-importance table is
    (:mod:`sim.calibrate.importance`): its 95% bootstrap interval, the bootstrap's estimate of
    its bias, and what the interval says."""

    low: Real | None = Field(description="the interval's lower end (null: no relaxed draw "
                             "violates the constraint, so the draws cannot bound it)")
    high: Real | None = Field(description="the interval's upper end (null as low)")
    bias: Real = Field(description="the bootstrap's estimate of the share's bias: the "
                       "resamples' mean share minus the share")
    corrected: Real = Field(description="the bias-corrected share: the share minus its bias")
    verdict: Literal["removes spread", "adds spread", "not distinguishable from 0"] = Field(
        description="removes spread: the interval lies above 0; adds spread: below 0; not "
        "distinguishable from 0: it covers 0 or has no ends")


class ImportanceBootstrap(Record):
    """How the claim-importance table's intervals were made."""

    confidence: Probability = Field(description="the intervals' level")
    resamples: int = Field(ge=1, description="bootstrap resamples per relaxed set")
    method: Literal["BCa", "percentile"] = Field(description="BCa: bias-corrected and "
        "accelerated percentile intervals (the plain percentile interval where BCa is "
        "degenerate)")
    tested: int = Field(ge=0, description="cells whose constraint has relaxed draws outside "
                        "the supported set (the others have no interval)")
    by_chance: Real = Field(ge=0, description="of them, how many an interval at this level "
                            "puts outside 0 by chance alone: (1 - confidence) x tested")


class ImportanceRow(Record):
    """How much each answer's spread shrinks when one constraint is added to the others:
    ``1 - sd(all constraints) / sd(all but this one)`` (``sim.calibrate.importance``: the
    spread without it is a mixture of the supported set and the part this constraint
    excludes)."""

    constraint: str
    claims: list[str]
    restatement: str
    shrink: dict[str, Real]
    relaxed_supported: Probability | None = Field(
        default=None, description="share of the draws from the set every other constraint "
        "supports that satisfy this one too (the mixture weight of the supported set)")
    solved: int | None = Field(default=None, ge=0, description="relaxed draws that violate "
                               "this constraint, solved (the others are supported)")
    intervals: dict[str, ShrinkInterval] | None = Field(default=None, description="each "
        "answer's share with its 95% bootstrap interval, bias and verdict, by the answer's "
        "key in shrink (null in files written before they were computed)")


class KnifeEdge(Record):
    """One answer of the scenario's own calibration and whether a nudge of an input by one
    part in a million moves it (a tie), naming the inputs that do."""

    answer: str
    value: str
    tie: bool
    moved_by: list[str]
    alternatives: list[str]


def binomial_se(p: float, n: int) -> float:
    """The Monte Carlo standard error of a share ``p`` of ``n`` independent draws: the
    binomial ``sqrt(p (1 - p) / n)`` (the share is a mean of ``n`` independent Bernoulli
    variables of variance ``p (1 - p)``)."""
    return math.sqrt(max(p * (1.0 - p), 0.0) / n)


class Interval(Record):
    """A confidence interval; an end is null when the draws are too few to bound that side
    at the interval's level (the quantile's order statistics do not reach it)."""

    low: Real | None
    high: Real | None


class QuantilePrecision(Record):
    """How precise one answer's reported mean and quantiles (:class:`Quantiles`) are over
    the draws (:mod:`sim.calibrate.replication`): the mean's standard error and each
    quantile's distribution-free 95% interval from the order statistics."""

    mean_se: Real = Field(ge=0, description="Monte Carlo standard error of the mean: sd / "
                          "sqrt(n)")
    intervals: dict[str, Interval] = Field(description="each quantile's interval, by its "
                                           "key in Quantiles (q05, q25, q50, q75, q95)")


class AnswerPrecision(Record):
    """The Monte Carlo precision of :class:`AnswerDistributions`' numbers over the ``n``
    supported draws (one hit-and-run chain each, so independent draws)."""

    n: int = Field(ge=1, description="the draws the shares and quantiles rest on")
    independent: bool = Field(description="whether every draw is its own chain's (or a "
        "rejection draw): the standard errors assume independent draws and understate the "
        "error when chains share points")
    confidence: Probability = Field(description="the level of the quantiles' intervals")
    shares: dict[str, dict[str, Real]] = Field(description="the standard error, sqrt(p (1 - "
        "p) / n), of each share of distributions.horizon (key horizon) and of "
        "distributions.exit_mode (key exit_mode), by the share's key")
    quantiles: dict[str, QuantilePrecision] = Field(description="the precision of each "
        "real-valued answer of distributions, by its key there (exit's as exit.align, ...)")

    def share_se(self, p: float) -> float:
        """The standard error of a share ``p`` of these draws (:func:`binomial_se`; also for
        a sum of shares, itself a share)."""
        return binomial_se(p, self.n)


class AnswerTest(Record):
    """One answer compared between the two halves of the draws (chains from even- and
    odd-indexed starts)."""

    answer: str
    test: Literal["chi-square", "ks", "constant"] = Field(description="chi-square: a test "
        "of homogeneity of a categorical answer's counts (rare categories merged); ks: a "
        "two-sample Kolmogorov-Smirnov test; constant: the answer is one value in every draw "
        "(or one category after merging), nothing to compare")
    statistic: Real | None = Field(default=None, description="the test's statistic")
    p: Probability | None = Field(default=None, description="its p-value")
    categories: int | None = Field(default=None, ge=1, description="chi-square: the "
                                   "categories compared after merging rare ones")
    differs: bool = Field(default=False, description="p below the threshold")


class AnswerReplication(Record):
    """Whether the answers replicate across two independent halves of the draws
    (:func:`sim.calibrate.replication.answer_replication`)."""

    check: Literal["split", "rejection", "one start", "too few"] = Field(description="split: "
        "the halves were compared; rejection: independent draws from no starting point, no "
        "split to make; one start: every chain started at the same point; too few: a half "
        "has fewer draws than min_half")
    points: list[int] = Field(default_factory=list, description="draws in each half (chains "
                              "from even-indexed starts, from odd-indexed starts)")
    threshold: Probability = Field(description="the p-value below which an answer differs")
    min_half: int = Field(ge=2, description="the fewest draws in a half the check compares")
    tests: list[AnswerTest] = Field(default_factory=list)
    replicates: bool | None = Field(default=None, description="no answer differs (null: no "
                                    "check)")

    @property
    def differing(self) -> list[AnswerTest]:
        return [t for t in self.tests if t.differs]

    @property
    def tested(self) -> list[AnswerTest]:
        """The tests made (constant answers are not tests)."""
        return [t for t in self.tests if t.test != "constant"]

    def words(self) -> str:
        """The check in one sentence, without a final full stop."""
        if self.check == "rejection":
            return ("The answers' replication check is not needed: rejection draws are "
                    "independent and start from nowhere")
        if self.check == "one start":
            return ("The answers' replication check is not possible: every chain started at "
                    "one point")
        if self.check == "too few":
            return (f"Too few draws to check whether the answers replicate ({self.points[0]} "
                    f"and {self.points[1]} in the two halves; at least {self.min_half} each)")
        halves = (f"{self.points[0]:,} draws from chains started at even-indexed points "
                  f"against {self.points[1]:,} from odd-indexed ones")
        level = f"p < {self.threshold:g}"
        n = len(self.tested)
        if self.replicates:
            loose = [t for t in self.tested if (t.p or 0.0) < MIXING_LOOSE_P]
            least = min(self.tested, key=lambda t: t.p or 0.0) if self.tested else None
            told = ("" if least is None else
                    f" ({len(loose)} at p < {MIXING_LOOSE_P:g}, where chance gives "
                    f"{MIXING_LOOSE_P * n:.2g}; smallest p {least.p:.2g}, {least.answer})")
            return (f"The answers replicate across two independent halves of the draws "
                    f"({halves}): no answer differs at {level} in {n} tests{told}")
        told = "; ".join(f"{t.answer} ({'chi-square' if t.test == 'chi-square' else 'KS'} "
                         f"p = {t.p:.1g})" for t in self.differing)
        return (f"Warning: the answers do not replicate across two halves of the draws "
                f"({halves}): {told} differ at {level} ({n} tests); more draws, or a longer "
                "--burn-in, are needed before citing them")


#: Answers touch a continuum when play reaches a stage game whose selected equilibrium lies
#: on one with more than this probability (above the propagation's rounding, about 1e-15,
#: and below any probability the report prints).
CONTINUUM_MASS = 1e-9


class ContinuumTies(Record):
    """How many supported calibrations' answers rest on a stage game whose selected
    equilibrium lies on a continuum of equilibria (the engine's ``Solution.continuum``):
    there the selected point is where the logit tracer stopped, so those answers are ties
    up to the tracer's stopping point."""

    threshold: Probability = Field(description="a calibration counts when play reaches such "
                                   "a stage game with more than this probability")
    measured: int = Field(ge=0, description="supported calibrations whose mass was measured")
    calibrations: int = Field(ge=0, description="of them, those above the threshold")
    largest: Probability = Field(description="the largest such probability over them (0: none)")


class SupportedAnalysis(Record):
    """``analysis.json``: the answers over the supported set of a scenario."""

    schema_version: Literal[2] = SUPPORTED_SCHEMA_VERSION
    kind: Literal["supported-analysis"] = "supported-analysis"
    scenario: str
    seed: int
    n: int = Field(ge=1, description="supported calibrations solved")
    rounds: int = Field(ge=1)
    round_days: Real
    resolution: list[int] = Field(description="belief and capacity grid points of the analysis")
    method: Literal["rejection", "hit-and-run"]
    acceptance_rate: Probability
    burn_in: int | None = Field(default=None, ge=0, description="hit-and-run steps each chain "
                                "took before its first kept point (null: rejection draws)")
    mixing: ChainMixing | None = Field(default=None, description="whether the supported "
        "draws' chains forgot where they started (the third stage's draws pooled in; null in "
        "files written before it)")
    distributions: AnswerDistributions
    sobol_base: int = Field(ge=0, description="base samples of Saltelli's design")
    sobol_screen_base: int | None = Field(default=None, ge=1, description="base samples on "
        "which every factor is estimated (the screening); the leading factors use all "
        "sobol_base")
    sobol_leaders: list[str] = Field(default_factory=list, description="the factors estimated "
        "on the whole base: the largest total index of each answer at the screening")
    sobol_max_base: int = Field(default=0, ge=0, description="the most base rows the third "
        "stage may extend an answer's leading factor to when its half-width is above "
        "sobol_projection.target_half_width (0: an analysis without the third stage)")
    sobol_extended: dict[str, int] = Field(default_factory=dict, description="the factors the "
        "third stage extended (in any of its passes), with the base rows they rest on")
    sobol_max_passes: int = Field(default=0, ge=0, description="the most passes the third "
        "stage may make (each extends the leaders then above the target and re-estimates)")
    sobol_passes: list[SobolPass] = Field(default_factory=list, description="the third "
        "stage's passes in order: which factor each extended to how many base rows")
    sobol_supported_share: Probability | None = Field(description="share of the design's rows "
                                                      "that satisfy every constraint")
    sobol: dict[str, list[SobolRow]] = Field(description="per answer, each factor's indices "
                                             "(empty: the answer does not vary)")
    sobol_precision: list[SobolPrecision] = Field(default_factory=list, description="each "
        "varying answer's leading factor: its interval's half-width and full width, and the "
        "base a half-width of sobol_projection.target_half_width needs")
    sobol_projection: SobolProjection | None = Field(default=None, description="the refined "
        "base the leading factors' intervals need and the projected cost (null without Sobol "
        "indices)")
    importance_n: int = Field(ge=0, description="draws per relaxed set")
    importance: list[ImportanceRow]
    importance_bootstrap: ImportanceBootstrap | None = Field(default=None, description="how "
        "the claim-importance intervals were made (null in files written before them, or "
        "without the table)")
    knife_edges: list[KnifeEdge]
    answer_precision: AnswerPrecision | None = Field(default=None, description="the Monte "
        "Carlo standard error of each share and the 95% interval of each quantile of "
        "distributions (null in files written before it)")
    answer_replication: AnswerReplication | None = Field(default=None, description="whether "
        "the answers agree between two independent halves of the draws (null in files "
        "written before it)")
    continuum: ContinuumTies | None = Field(default=None, description="the supported "
        "calibrations whose answers touch a continuum of stage equilibria (null in files "
        "written before it was measured)")

    @property
    def sobol_top_base(self) -> int:
        """The most base rows any factor's indices rest on: ``sobol_base``, or what the
        third stage extended a factor to."""
        return max([self.sobol_base, *self.sobol_extended.values()])

    def sobol_design_words(self) -> str:
        """The design's size in words, after "Sobol indices": the screening's base rows,
        the leading factors', and each factor the third stage extended."""
        screen = self.sobol_screen_base
        if screen is not None and screen < self.sobol_base:
            words = (f"of every factor over {screen} base samples, and of the factors that led "
                     f"an answer at that screening over all {self.sobol_base}")
        else:
            words = f"over {self.sobol_base} base samples"
        if self.sobol_extended:
            grown = ", ".join(f"{f} over {b:,}" for f, b in self.sobol_extended.items())
            passes = (f" in {len(self.sobol_passes)} passes" if len(self.sobol_passes) > 1
                      else "")  # fmt: skip
            words += f"; then of {grown}, towards the target half-width{passes}"
        return words

    def short_of_target_words(self) -> list[str]:
        """Each covered answer whose leading factor is still above the target half-width
        after the third stage, with why (``short_of_target``), in words."""
        out = []
        for p in self.sobol_precision:
            if p.short_of_target is None:
                continue
            held = (f"the cap of {self.sobol_max_base:,} base samples (--sobol-max-base) held "
                    "it" if p.short_of_target == "max base" else
                    f"the third stage's {self.sobol_max_passes} passes ran out before it "
                    "reached the target")  # fmt: skip
            # three decimals: a half-width just above the target (0.104 against 0.1) would
            # read as the target itself at two
            out.append(f"{p.answer} ({p.factor}, half-width {p.half_width:.3f} on {p.base:,} "
                       f"base samples): {held}")
        return out

    @property
    def round_unit(self) -> str:
        """The round's unit in words, from its length in days (``month`` for 28 to 31 days,
        ``week`` for 7, else ``round``)."""
        if 28 <= self.round_days <= 31:
            return "month"
        return "week" if self.round_days == 7 else "round"
