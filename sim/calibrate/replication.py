"""How precise the answers of ``hedgesim analyze`` are, and whether they replicate.

The analysis reports each answer as a distribution over ``n`` supported calibrations
(:func:`sim.calibrate.analysis.distributions`): shares of outcomes (the horizon's rounds,
``collapse`` and ``never``; the most likely end of the hedge) and the mean and quantiles of
the probabilities and the value of ambiguity. Two questions an analyst citing one of them
has to answer, this module answers:

**How precise is it?** (:func:`answer_precision`) The draws are independent: the analysis
runs one hit-and-run chain per supported draw (``chains`` = the draws asked for, in
:func:`sim.calibrate.analysis.analyze` and in each of its third stage's draws) and keeps
each chain's first point after the burn-in (:func:`sim.calibrate.sampler.hit_and_run`: point
``i`` is chain ``i % chains``'s, its first kept one when ``i < chains``); chains share
nothing but their starting points, and given those they are independent. So

- a share ``p`` of the ``n`` draws has the binomial standard error ``sqrt(p (1 - p) / n)``
  (:func:`sim.results.supported.binomial_se`);
- a mean has the standard error ``sd / sqrt(n)`` (:func:`scipy.stats.sem`);
- a quantile (the 5%, 25%, 50%, 75% and 95% points the analysis prints) has the
  distribution-free interval between two order statistics: with ``B ~ Binomial(n, q)`` the
  count of draws at or below the true ``q``-quantile, ``[X_(l), X_(u)]`` covers it with
  probability ``P(l <= B < u)`` whatever the distribution (Thompson 1936, Ann. Math.
  Statist. 7(3); Hahn and Meeker, *Statistical Intervals*, 1991, sec. 5.2), at least 95%
  here (:func:`scipy.stats.quantile_test`'s ``confidence_interval``, which picks ``l``
  and ``u`` for 2.5% on either side; conservative, exact in coverage for a continuous
  answer and at least nominal for one with ties). A side the order statistics cannot bound
  at that level (the 5% point of fewer than 72 draws: ``0.95^n > 0.025``) is ``None``. A
  bootstrap interval (:func:`scipy.stats.bootstrap`) would be no better here: the
  percentile bootstrap of a sample quantile is itself built from the order statistics but
  without a coverage guarantee at small ``n``, and it costs thousands of resamples.

If a draw's chains held several points (``chains < n``, only by the Python API) the draws
are not independent and these errors understate the true ones; ``independent`` says so.

**Do the answers replicate?** (:func:`answer_replication`) Gelman and Rubin's idea (Gelman
et al., *Bayesian Data Analysis*, 3rd ed., 2013, sec. 11.4, split chains; Vehtari et al.
2021, "Rank-normalization, folding, and localization: an improved R-hat", Bayesian Analysis
16(2)) applied to the answers rather than the parameters: the draws are split into two
halves by where their chains started, the split :func:`sim.calibrate.sampler.chain_mixing`
makes for the parameters (:func:`sim.calibrate.sampler.start_groups`: chains from even- and
odd-indexed starting points), and each answer's two samples are compared. Under mixing the
halves are independent samples of one distribution, so

- a categorical answer (the horizon, with ``collapse`` and ``never`` categories of their
  own; the most likely end) is compared by Pearson's chi-square test of homogeneity of its
  ``2 x K`` table (:func:`scipy.stats.chi2_contingency`), after merging categories so that
  every expected count is at least :data:`MIN_EXPECTED` (Cochran's rule for the test's
  chi-square approximation; :func:`merge_categories`): categories with no draw in either
  half are not in the table, and one empty in one half only is kept when its expected
  counts are large enough (it is then the evidence of a difference);
- a continuous answer (the probability hedging stops being certain, each end's probability,
  the probability of collapse by the date, the value of ambiguity) by the two-sample
  Kolmogorov-Smirnov test (:func:`scipy.stats.ks_2samp`; conservative where values tie,
  as probabilities of exactly 0 or 1 do).

An answer *differs* at p < :data:`REPLICATION_P`; the answers *replicate* when none does.
With ``m`` tests (9 for the article's model, fewer when an answer is constant), the chance
that one of well-mixed draws' answers differs by chance is at most ``m x 0.001`` (under 1%;
Bonferroni). Below :data:`MIN_HALF` draws in a half the check says "too few" rather than
give a verdict. Its limit: the halves share the sampler and its starting points' origin
(the rejection pilot and the scenario's calibration), so it sees chains that have not
forgotten *which* start they came from, not a region every start misses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.article.parameters import FloatArray
from sim.calibrate.analysis import Targets, exit_modes, horizon_outcomes
from sim.calibrate.sampler import Draws, start_groups
from sim.calibrate.solving import EXITS, Answer
from sim.results.common import DECIMALS
from sim.results.supported import (
    AnswerDistributions,
    AnswerPrecision,
    AnswerReplication,
    AnswerTest,
    Interval,
    QuantilePrecision,
    binomial_se,
)

#: The p-value below which an answer's halves differ.
REPLICATION_P = 1e-3
#: The fewest draws in each half the replication check compares.
MIN_HALF = 8
#: The least expected count of a cell of the chi-square test (Cochran's rule).
MIN_EXPECTED = 5.0
#: The quantiles' intervals' level.
CONFIDENCE = 0.95
#: The quantile levels the analysis reports (:data:`sim.calibrate.analysis.QUANTILE_LEVELS`).
LEVELS = {"q05": 0.05, "q25": 0.25, "q50": 0.5, "q75": 0.75, "q95": 0.95}


def quantile_interval(x: FloatArray, level: float, confidence: float = CONFIDENCE) -> Interval:
    """The distribution-free ``confidence`` interval of the ``level``-quantile of the
    distribution the independent draws ``x`` come from: two order statistics (module
    docstring; :func:`scipy.stats.quantile_test`). An end the draws are too few to bound is
    ``None``."""
    from scipy import stats

    ci = stats.quantile_test(np.asarray(x, dtype=np.float64), q=0.0,
                             p=level).confidence_interval(confidence)  # fmt: skip
    low, high = float(ci.low), float(ci.high)
    return Interval(low=low if np.isfinite(low) else None,
                    high=high if np.isfinite(high) else None)  # fmt: skip


def quantile_precision(x: FloatArray) -> QuantilePrecision:
    """The mean's standard error and each reported quantile's 95% interval (module
    docstring)."""
    from scipy import stats

    x = np.asarray(x, dtype=np.float64)
    se = float(stats.sem(x)) if len(x) > 1 else 0.0
    return QuantilePrecision(mean_se=se if np.isfinite(se) else 0.0,
                             intervals={k: quantile_interval(x, q) for k, q in LEVELS.items()})


def answer_precision(a: Answer, targets: Targets, dist: AnswerDistributions,
                     independent: bool = True) -> AnswerPrecision:  # fmt: skip
    """The Monte Carlo precision of each number of ``dist`` (the distributions of the
    answers ``a``, :func:`sim.calibrate.analysis.distributions`): each share's binomial
    standard error, each quantile's interval, each mean's standard error (module
    docstring)."""
    n = len(a)
    values = {"hedging_ends": a.horizon_at.sum(axis=1),
              **{f"exit.{k}": a.exit[:, i] for i, k in enumerate(EXITS)},
              "collapse_by": a.collapsed[:, targets.collapse_round], "ambiguity": a.ambiguity}
    return AnswerPrecision(
        n=n, independent=independent, confidence=CONFIDENCE,
        shares={name: {k: binomial_se(p, n) for k, p in shares.items()}
                for name, shares in (("horizon", dist.horizon),
                                     ("exit_mode", dist.exit_mode))},  # fmt: skip
        quantiles={k: quantile_precision(x) for k, x in values.items()},
    )


def merge_categories(table: np.ndarray, min_expected: float = MIN_EXPECTED) -> np.ndarray:
    """The ``2 x K`` table of a categorical answer's counts in the two halves with adjacent
    categories (in the table's column order) merged until every expected count under
    homogeneity, ``column total x half's total / n``, is at least ``min_expected``: columns
    empty in both halves are dropped, then columns are accumulated left to right into a bin
    until the bin is large enough, and a short last bin joins the one before. One column
    comes back when no two bins can be large enough (nothing to compare)."""
    table = np.asarray(table, dtype=np.int64)
    table = table[:, table.sum(axis=0) > 0]
    rows = table.sum(axis=1)
    n = int(rows.sum())
    if table.shape[1] <= 1 or rows.min() == 0:
        return table.sum(axis=1, keepdims=True)
    need = min_expected * n / rows.min()  # the column total whose smaller expected count is
    bins: list[np.ndarray] = []  # min_expected
    acc = np.zeros(2, dtype=np.int64)
    for col in table.T:
        acc = acc + col
        if acc.sum() >= need:
            bins.append(acc)
            acc = np.zeros(2, dtype=np.int64)
    if acc.sum():
        if bins:
            bins[-1] = bins[-1] + acc
        else:
            bins.append(acc)
    return np.stack(bins, axis=1)


def categorical_test(name: str, labels: Sequence[str], group: np.ndarray,
                     order: Sequence[str]) -> AnswerTest:  # fmt: skip
    """A categorical answer's halves compared by the chi-square test of homogeneity of its
    merged table (:func:`merge_categories`; ``order``: the categories in the order
    adjacent ones may merge)."""
    from scipy import stats

    told = np.asarray(labels)
    cats = [c for c in order if np.any(told == c)]
    cats += sorted(set(labels) - set(cats))
    table = np.array([[np.sum((told == c) & (group == g)) for c in cats] for g in (0, 1)])
    merged = merge_categories(table)
    if merged.shape[1] < 2:
        return AnswerTest(answer=name, test="constant", categories=1)
    found = stats.chi2_contingency(merged)
    p = float(found.pvalue)
    return AnswerTest(answer=name, test="chi-square", statistic=float(found.statistic), p=p,
                      categories=merged.shape[1], differs=p < REPLICATION_P)  # fmt: skip


def continuous_test(name: str, x: FloatArray, group: np.ndarray) -> AnswerTest:
    """A real-valued answer's halves compared by the two-sample Kolmogorov-Smirnov test
    (values rounded to the results' :data:`~sim.results.common.DECIMALS` first, so noise in
    the last bits of a constant answer is not a difference)."""
    from scipy import stats

    y = np.round(np.asarray(x, dtype=np.float64), DECIMALS)
    if np.ptp(y) == 0:
        return AnswerTest(answer=name, test="constant")
    found = stats.ks_2samp(y[group == 0], y[group == 1])
    p = float(found.pvalue)
    return AnswerTest(answer=name, test="ks", statistic=float(found.statistic), p=p,
                      differs=p < REPLICATION_P)  # fmt: skip


def split_tests(a: Answer, group: np.ndarray, targets: Targets, rounds: int) -> list[AnswerTest]:
    """Every answer of ``a`` compared between the draws of ``group`` 0 and 1 (module
    docstring): the horizon and the most likely end by chi-square, the probabilities and the
    value of ambiguity by KS."""
    # collapse and never first: a short tail of late rounds then merges with earlier rounds
    order = ["collapse", "never", *(str(t) for t in range(rounds))]
    tests = [categorical_test("horizon", horizon_outcomes(a), group, order),
             categorical_test("most likely end", exit_modes(a), group, list(EXITS)),
             continuous_test("hedging ends", a.horizon_at.sum(axis=1), group)]
    tests += [continuous_test(f"exit to {k}", a.exit[:, i], group) for i, k in enumerate(EXITS)]
    tests.append(continuous_test("collapse by", a.collapsed[:, targets.collapse_round], group))
    tests.append(continuous_test("value of ambiguity", a.ambiguity, group))
    return tests


def answer_replication(a: Answer, targets: Targets, rounds: int,
                       draws: Sequence[Draws]) -> AnswerReplication:  # fmt: skip
    """Whether the answers ``a`` of the supported ``draws`` (their rows in order: ``a``'s
    first ``len(draws[0].unit)`` rows are the first draw's, and so on) agree between the
    chains started at even- and odd-indexed points (module docstring). Only each chain's
    first kept point is compared, as :func:`sim.calibrate.sampler.chain_mixing` does: with
    one chain per draw, every draw."""
    sizes = [len(d.unit) for d in draws]
    if sum(sizes) != len(a):
        raise ValueError(f"{len(a)} answers for {sum(sizes)} draws")
    base: dict[str, Any] = {"threshold": REPLICATION_P, "min_half": MIN_HALF}
    if not draws or all(d.method == "rejection" for d in draws):
        return AnswerReplication(check="rejection", **base)
    rows: list[np.ndarray] = []
    groups: list[np.ndarray] = []
    at = 0
    for d, size in zip(draws, sizes, strict=True):
        split = (start_groups(d.unit, d.starts, d.chains, d.first)
                 if d.method == "hit-and-run" and d.starts is not None else None)  # fmt: skip
        if split is not None:
            rows.append(at + np.arange(len(split[1])))
            groups.append(split[1])
        at += size
    if not rows:
        return AnswerReplication(check="one start", **base)
    group = np.concatenate(groups)
    points = [int(np.sum(group == 0)), int(np.sum(group == 1))]
    if min(points) < MIN_HALF:
        return AnswerReplication(check="too few", points=points, **base)
    tests = split_tests(a.take(np.concatenate(rows)), group, targets, rounds)
    return AnswerReplication(check="split", points=points, tests=tests,
                             replicates=not any(t.differs for t in tests), **base)


def independent_draws(draws: Sequence[Draws]) -> bool:
    """Whether every draw is its own chain's first point (or a rejection draw)."""
    return all(d.method == "rejection" or d.chains >= len(d.unit) for d in draws)


def answer_checks(a: Answer, targets: Targets, dist: AnswerDistributions, rounds: int,
                  draws: Sequence[Draws]) -> tuple[AnswerPrecision, AnswerReplication]:  # fmt: skip
    """:func:`answer_precision` and :func:`answer_replication` of the analysis's answers
    ``a`` (their distributions ``dist``) of the supported ``draws``: the one call
    :func:`sim.calibrate.analysis.analyze` makes."""
    return (answer_precision(a, targets, dist, independent_draws(draws)),
            answer_replication(a, targets, rounds, draws))
