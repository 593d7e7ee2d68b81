"""How precise the analysis's answers are and whether they replicate
(:mod:`sim.calibrate.replication`): the standard errors against the binomial, the quantiles'
intervals' coverage on a known distribution, the split check on halves that differ and on
halves that do not, the edge cases, and what a user sees (the file, the text, the report)."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from supported_results import supported

from sim.calibrate.analysis import Targets, distributions
from sim.calibrate.replication import (
    MIN_EXPECTED,
    MIN_HALF,
    REPLICATION_P,
    answer_checks,
    answer_precision,
    answer_replication,
    merge_categories,
    quantile_interval,
    split_tests,
)
from sim.calibrate.sampler import Draws
from sim.calibrate.solving import Answer
from sim.results.supported import binomial_se

ROUNDS = 6
TARGETS = Targets(ROUNDS, datetime.date(2025, 7, 1))


def fake_answers(rng: np.random.Generator, n: int, never: float = 1.0,
                 shift: float = 0.0) -> Answer:  # fmt: skip
    """``n`` made-up calibrations' answers over :data:`ROUNDS` rounds: where hedging stops
    being certain a Dirichlet draw over the rounds, collapse and never (``never``: the
    never outcome's concentration, so a larger one makes never the median outcome more
    often), the ends of the hedge a Dirichlet draw, collapse by each round increasing, the
    value of ambiguity normal with mean ``shift``."""
    alpha = np.ones(ROUNDS + 2)
    alpha[-1] = never
    mass = rng.dirichlet(alpha, size=n)
    collapsed = np.cumsum(rng.uniform(0, 0.1, size=(n, ROUNDS + 1)), axis=1)
    return Answer(horizon_at=mass[:, :ROUNDS], horizon_collapse=mass[:, ROUNDS],
                  horizon_never=mass[:, ROUNDS + 1], exit=rng.dirichlet(np.ones(4), size=n),
                  collapsed=collapsed, ambiguity=rng.normal(shift, 1.0, size=n))  # fmt: skip


def halves(rng: np.random.Generator, n: int, **second: float) -> tuple[Answer, np.ndarray]:
    """``n`` answers of each half, the second made with ``second``'s changes, and the
    halves' labels (0, then 1)."""
    a = Answer.concat([fake_answers(rng, n), fake_answers(rng, n, **second)])
    return a, np.repeat([0, 1], n)


def hit_and_run(n: int, starts: int) -> Draws:
    """Made-up hit-and-run draws: ``n`` chains (one point each) from ``starts`` distinct
    starting points (the split only reads the starts and the chain count)."""
    unit = np.random.default_rng(0).random((n, 2))
    start = np.arange(2 * starts, dtype=np.float64).reshape(starts, 2)
    return Draws(space=None, unit=unit, method="hit-and-run", acceptance=1e-4,  # type: ignore[arg-type]
                 pilot=10, accepted=starts, burn_in=5, chains=n, starts=start)


# -- the standard errors ------------------------------------------------------------------------
def test_a_shares_standard_error_is_the_binomials() -> None:
    """A share of ``n`` independent draws is Binomial(n, p) / n, whose standard deviation
    is ``sqrt(n p (1 - p)) / n`` (scipy's binomial, a computation of its own), and the
    shares of repeated samples scatter by it."""
    for p, n in ((0.35, 1600), (0.07, 64), (0.5, 9), (0.0, 20), (1.0, 20)):
        assert binomial_se(p, n) == pytest.approx(stats.binom(n, p).std() / n, abs=1e-12)
    rng = np.random.default_rng(1)
    shares = rng.binomial(400, 0.3, size=4000) / 400
    # the sample sd of 4,000 shares is within a few percent of the true sd
    assert np.std(shares, ddof=1) == pytest.approx(binomial_se(0.3, 400), rel=0.05)


def test_the_precision_of_a_fake_analysis_follows_the_formulas() -> None:
    """Every horizon share and most likely end of a made-up analysis carries
    ``sqrt(p (1 - p) / n)``; a mean ``sd / sqrt(n)`` (ddof 1); each quantile's interval
    brackets the sample quantile."""
    a = fake_answers(np.random.default_rng(2), 300)
    dist = distributions(a, TARGETS, ROUNDS)
    prec = answer_precision(a, TARGETS, dist)
    assert prec.n == 300 and set(prec.shares['horizon']) == set(dist.horizon)
    for k, p in dist.horizon.items():
        assert prec.shares['horizon'][k] == pytest.approx(np.sqrt(p * (1 - p) / 300), rel=1e-6)
    for k, p in dist.exit_mode.items():
        assert prec.shares['exit_mode'][k] == pytest.approx(np.sqrt(p * (1 - p) / 300), rel=1e-6)
    amb = prec.quantiles["ambiguity"]
    assert amb.mean_se == pytest.approx(np.std(a.ambiguity, ddof=1) / np.sqrt(300), rel=1e-6)
    for key in ("q05", "q25", "q50", "q75", "q95"):
        ci, q = amb.intervals[key], getattr(dist.ambiguity, key)
        assert ci.low is not None and ci.high is not None and ci.low <= q <= ci.high


@pytest.mark.parametrize(("n", "level"), [(60, 0.5), (200, 0.95)])
def test_the_quantile_interval_covers_the_true_quantile_95_percent(n: int, level: float) -> None:
    """On uniform samples (true ``level``-quantile: ``level``), 2,000 intervals cover it as
    often as the order statistics' binomial says, and that is at least 95%: an interval
    ``[X_(l), X_(u)]`` covers it when ``l <= B < u``, ``B ~ Binomial(n, level)`` the draws
    below it (Hahn and Meeker, *Statistical Intervals*, sec. 5.2). The ranks ``l``, ``u`` do
    not depend on the sample (read off one)."""
    rng = np.random.default_rng(3)
    reps = 2000
    covered = 0
    ranks = None
    for _ in range(reps):
        x = rng.random(n)
        ci = quantile_interval(x, level)
        assert ci.low is not None and ci.high is not None
        covered += ci.low <= level <= ci.high
        if ranks is None:
            s = np.sort(x)
            # the order statistics the ends are (the nearest: the file keeps 10 decimals)
            ranks = (int(np.argmin(np.abs(s - ci.low))) + 1,
                     int(np.argmin(np.abs(s - ci.high))) + 1)
    assert ranks is not None
    low, high = ranks
    exact = stats.binom(n, level).cdf(high - 1) - stats.binom(n, level).cdf(low - 1)
    assert exact >= 0.95
    tolerance = 4 * np.sqrt(exact * (1 - exact) / reps)  # four binomial standard errors
    assert abs(covered / reps - exact) < tolerance, (covered / reps, exact)


def test_a_side_too_few_draws_cannot_bound_is_left_open() -> None:
    """The 5% point of 64 draws has no lower bound at 95% (``0.95^64 = 0.038 > 0.025``: no
    order statistic is below it with 97.5% probability), of 72 it has (``0.95^72 < 0.025``)."""
    x = np.random.default_rng(4).random(72)
    assert quantile_interval(x[:64], 0.05).low is None
    assert quantile_interval(x[:64], 0.05).high is not None
    assert quantile_interval(x, 0.05).low is not None


# -- the split check ----------------------------------------------------------------------------
def test_the_split_check_flags_halves_that_differ() -> None:
    """Halves of 300 made-up answers each: a value of ambiguity shifted by half a standard
    deviation (KS) and a never outcome made far more common (chi-square) both differ at
    p < 0.001; the answers left alone do not."""
    rng = np.random.default_rng(5)
    a, group = halves(rng, 300, shift=0.5)
    found = {t.answer: t for t in split_tests(a, group, TARGETS, ROUNDS)}
    assert found["value of ambiguity"].test == "ks" and found["value of ambiguity"].differs
    assert not found["hedging ends"].differs
    a, group = halves(rng, 300, never=8.0)
    found = {t.answer: t for t in split_tests(a, group, TARGETS, ROUNDS)}
    assert found["horizon"].test == "chi-square" and found["horizon"].differs
    assert not found["value of ambiguity"].differs


def test_the_split_check_rarely_flags_halves_of_one_distribution() -> None:
    """Halves of one distribution: each of the 9 tests differs with probability at most
    0.001, so a replication fails in at most 0.9% of them (Bonferroni); over 200 made-up
    analyses the failures are within what a Binomial(200, 0.009) gives with probability
    0.999."""
    rng = np.random.default_rng(6)
    failed = 0
    for _ in range(200):
        a, group = halves(rng, 100)
        tests = split_tests(a, group, TARGETS, ROUNDS)
        assert len(tests) == 9
        failed += any(t.differs for t in tests)
    assert failed <= stats.binom(200, 9 * REPLICATION_P).ppf(0.999)


def test_a_category_one_half_never_has_is_evidence_when_it_is_common() -> None:
    """Collapse first in 30% of one half's draws and none of the other's: its expected
    counts are large, it is kept, and the horizon differs; a never-seen category is not in
    the table at all."""
    labels = ["collapse"] * 60 + ["never"] * 140 + ["never"] * 200
    group = np.repeat([0, 1], 200)
    from sim.calibrate.replication import categorical_test

    t = categorical_test("horizon", labels, group, ["collapse", "never", "0", "1"])
    assert t.test == "chi-square" and t.categories == 2 and t.differs


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=12))
def test_merged_categories_keep_the_counts_and_meet_cochrans_rule(
        cells: list[tuple[int, int]]) -> None:  # fmt: skip
    """Merging adjacent categories keeps each half's total, and leaves every expected count
    at least :data:`MIN_EXPECTED`, or a single column (nothing to compare)."""
    table = np.array(cells).T
    merged = merge_categories(table)
    assert merged.sum(axis=1).tolist() == table.sum(axis=1).tolist()
    if merged.shape[1] > 1:
        expected = np.outer(merged.sum(axis=1), merged.sum(axis=0)) / merged.sum()
        assert expected.min() >= MIN_EXPECTED - 1e-9


def test_constant_answers_are_not_tests() -> None:
    """An answer that is one value in every draw (no draw ever collapses) is marked
    constant and not counted; the others still are."""
    a, group = halves(np.random.default_rng(7), 50)
    never_falls = Answer(**{**a.__dict__, "collapsed": np.zeros_like(a.collapsed),
                            "exit": np.column_stack([a.exit[:, :2], np.zeros(100),
                                                     1 - a.exit[:, :2].sum(axis=1)])})
    tests = {t.answer: t for t in split_tests(never_falls, group, TARGETS, ROUNDS)}
    assert tests["collapse by"].test == "constant" and not tests["collapse by"].differs
    assert tests["exit to collapse"].test == "constant"
    assert tests["value of ambiguity"].test == "ks"


def test_the_check_reads_the_draws_split_and_says_when_it_cannot() -> None:
    """The halves are :func:`sim.calibrate.sampler.start_groups`' (chains from even- and
    odd-indexed starts), over several draws in order; rejection draws need no check, one
    start allows none, fewer than :data:`MIN_HALF` draws in a half give no verdict."""
    rng = np.random.default_rng(8)
    first, second = hit_and_run(30, 3), hit_and_run(20, 2)
    a = fake_answers(rng, 50)
    found = answer_replication(a, TARGETS, ROUNDS, [first, second])
    # 3 starts: chains 0, 2 from even starts... 30 chains -> starts 0,1,2 repeating: even
    # starts 0 and 2 hold 20, odd 10; 2 starts over 20 chains: 10 and 10
    assert found.check == "split" and found.points == [30, 20]
    assert found.replicates is not None and len(found.tests) == 9
    tiny = answer_replication(fake_answers(rng, 12), TARGETS, ROUNDS, [hit_and_run(12, 2)])
    assert tiny.check == "too few" and tiny.replicates is None and tiny.points == [6, 6]
    assert "Too few draws" in tiny.words() and str(MIN_HALF) in tiny.words()
    one = answer_replication(fake_answers(rng, 12), TARGETS, ROUNDS, [hit_and_run(12, 1)])
    assert one.check == "one start" and one.replicates is None
    rejection = Draws(space=None, unit=np.zeros((12, 2)), method="rejection",  # type: ignore[arg-type]
                      acceptance=0.5, pilot=24, accepted=12)
    assert answer_replication(fake_answers(rng, 12), TARGETS, ROUNDS,
                              [rejection]).check == "rejection"  # fmt: skip
    with pytest.raises(ValueError, match="12 answers for 50 draws"):
        answer_replication(fake_answers(rng, 12), TARGETS, ROUNDS, [first, second])


# -- what a user sees -----------------------------------------------------------------------------
def checked(shift: float = 0.0):  # type: ignore[no-untyped-def]
    """:func:`tests.supported_results.supported` with the precision and the replication of
    made-up answers (200 draws from chains of two starts; the odd half's value of ambiguity
    shifted by ``shift``)."""
    rng = np.random.default_rng(9)
    a = fake_answers(rng, 200)
    group = np.arange(200) % 2
    a = Answer(**{**a.__dict__, "ambiguity": a.ambiguity + shift * group})
    dist = distributions(a, TARGETS, ROUNDS)
    prec, rep = answer_checks(a, TARGETS, dist, ROUNDS, [hit_and_run(200, 2)])
    return supported(n=200, distributions=dist.model_dump(), answer_precision=prec.model_dump(),
                     answer_replication=rep.model_dump())  # fmt: skip


def test_the_analysis_file_round_trips_and_older_files_still_load(tmp_path: Path) -> None:
    from sim.results.io import read_supported

    a = checked()
    path = tmp_path / "analysis.json"
    path.write_text(a.model_dump_json(indent=2))
    back = read_supported(path)
    assert back == a and back.answer_precision is not None
    older = tmp_path / "older.json"
    older.write_text(supported().model_dump_json(exclude={"answer_precision",
                                                          "answer_replication"}))  # fmt: skip
    assert "answer_precision" not in older.read_text()
    assert read_supported(older).answer_replication is None


def test_the_sentences_text_and_report_show_the_errors_and_the_verdict(tiny) -> None:  # type: ignore[no-untyped-def]
    """Each share with its \u00b1, each median and 90% bound with its interval, one sentence
    on what they mean and one on replication, in the report and the printed text; a file
    without them says none of it (the README's block is checked against such a file)."""
    from sim.calibrate.commands import analysis_text
    from sim.report import build_report, sentences

    a = checked()
    said = sentences.supported_sentences(a)
    prec = a.answer_precision
    assert prec is not None
    never = a.distributions.horizon["never"]
    se = f"{prec.shares['horizon']['never']:.0%}"
    assert f"in {never:.0%} \u00b1 {se} of them (never" in said[1]
    assert "median" in said[4] and " to " in said[4] and "(" in said[4]
    assert any(s.startswith("Each share's \u00b1 is its Monte Carlo standard error over the "
                            "200 independent draws") for s in said)
    (verdict,) = [s for s in said if "replicate" in s]
    assert verdict.startswith("The answers replicate across two independent halves of the "
                              "draws (100 draws from chains started at even-indexed points "
                              "against 100 from odd-indexed ones): no answer differs at "
                              "p < 0.001 in 9 tests (")
    # the looser level beside it, and what chance gives there (9 x 0.05)
    assert "at p < 0.05, where chance gives 0.45; smallest p " in verdict
    differing = checked(shift=1.0)
    (warned,) = [s for s in sentences.supported_sentences(differing) if "replicate" in s]
    assert warned.startswith("Warning: the answers do not replicate")
    assert "value of ambiguity (KS p" in warned
    text = analysis_text(a, None)
    assert f"never: {never:.0%} +- {se}" in text
    assert "(share +- one Monte Carlo standard error over the 200 draws" in text
    assert verdict[:-1] in text.splitlines()
    page = build_report(tiny, supported=a)
    assert "How precise those numbers are" in page and "Whether the answers replicate" in page
    assert "no answer differs at p &lt; 0.001 in 9 tests" in page
    old = supported()
    assert not [s for s in sentences.supported_sentences(old)
                if "\u00b1" in s.split("What carries")[0] or "replicate" in s]
    assert "+-" not in analysis_text(old, None).split("what carries")[0]
