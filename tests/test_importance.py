"""Claim importance (sim.calibrate.importance): the mixture's spread, the estimate as a
statistic of two samples, its bootstrap interval's coverage and bias on synthetic mixtures
whose answer is known, the verdicts, determinism, and how old and new analysis files read
and render."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.calibrate.constraints import load_constraints
from sim.calibrate.importance import (
    importance_bootstrap,
    importance_table,
    mixture_shrink,
    relaxed_sd,
    shrink_intervals,
    shrink_of,
    verdict_of,
)
from sim.results.supported import SupportedAnalysis
from tests.supported_results import BASE, supported


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=30),
       st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=30))  # fmt: skip
def test_the_relaxed_spread_of_two_samples_is_their_pooled_spread(
    inside: list[float], outside: list[float]
) -> None:
    """The law of total variance is an identity on empirical distributions: with the
    weight ``p = n_S / (n_S + n_R)`` the mixture's spread is the pooled sample's."""
    s, r = np.array(inside)[:, None], np.array(outside)[:, None]
    p = len(inside) / (len(inside) + len(outside))
    pooled = np.concatenate([s, r]).std()
    assert relaxed_sd(p, s, r)[0] == pytest.approx(pooled, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("a", [0.1, 0.5, 0.8])
def test_the_relaxed_spread_of_a_cut_box_is_the_whole_box_spread(a: float) -> None:
    """Uniform on [0, 1] (the relaxed set) cut by the constraint ``x < a`` (the supported
    set, weight ``p = a``): the answer ``Y = x`` has standard deviation ``1/sqrt(12)`` on
    the whole interval, ``a/sqrt(12)`` on the supported part, so the constraint removes
    the share ``1 - a`` of the spread. The parts are the quantile midpoints of U(0, a) and
    U(a, 1) (variance ``w^2 (1 - 1/n^2) / 12`` for width ``w``, within 1e-6 here)."""
    n = 2000
    mid = (np.arange(n) + 0.5) / n
    s, r = (a * mid)[:, None], (a + (1 - a) * mid)[:, None]
    sd = relaxed_sd(a, s, r)
    assert sd[0] == pytest.approx(1 / np.sqrt(12), abs=1e-6)
    assert shrink_of(s.std(axis=0), sd)[0] == pytest.approx(1 - a, abs=1e-6)
    # a constraint that never binds (no draw outside, or p = 1) removes nothing
    assert shrink_of(s.std(axis=0), relaxed_sd(1.0, s, r))[0] == 0.0
    assert shrink_of(s.std(axis=0), relaxed_sd(0.7, s, r[:0]))[0] == 0.0


@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_the_two_sample_statistic_is_the_estimate(n: int, big: int, seed: int) -> None:
    """:func:`mixture_shrink` (the form the bootstrap resamples: NaN marks a relaxed draw
    inside the supported set) gives :func:`relaxed_sd`'s share, with ``p`` the share of
    NaN rows, for any split of the relaxed draws (none outside included)."""
    rng = np.random.default_rng(seed)
    s = rng.normal(size=(n, 3))
    d = rng.normal(2.0, 3.0, size=(big, 3))
    holds = rng.random(big) < 0.5
    d[holds] = np.nan
    expected = shrink_of(s.std(axis=0), relaxed_sd(float(holds.mean()), s, d[~holds]))
    assert mixture_shrink(s.T, d.T) == pytest.approx(expected, abs=1e-9)


def _cut_box(rng: np.random.Generator, a: float, n: int, big: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """One analysis of the cut box: ``n`` uniform draws of the supported set [0, a], ``big``
    of the relaxed set [0, 1], which of them satisfy ``x < a`` and the answers of those
    that do not."""
    s = a * rng.random((n, 1))
    y = rng.random(big)
    holds = y < a
    return s, holds, y[~holds][:, None]


def test_the_interval_covers_the_known_share_of_a_cut_box() -> None:
    """Coverage: the cut box's true share is ``1 - a`` (sd ``a/sqrt(12)`` over
    ``1/sqrt(12)``), so the 95% interval of 100 independent analyses (400 supported
    draws, 32 relaxed, ``a`` = 0.5) should cover it about 95 times; 85 is more than five
    binomial standard deviations (2.2 each) below. An interval that ignored the relaxed
    draws' noise (resampling only the supported answers) covers it far less often, and
    one that said nothing would be wide: each interval must be about as wide as the
    estimate's own spread says (``2 x 1.96`` of its standard deviation, from 2,000
    simulated analyses, within a factor of 1.5)."""
    a, n, big = 0.5, 400, 32
    rng = np.random.default_rng(20261202)
    covered, widths = 0, []
    for _ in range(100):
        s, holds, out = _cut_box(rng, a, n, big)
        cell = shrink_intervals(s, holds, out, ["x"], rng, resamples=500)["x"]
        assert cell.low is not None and cell.high is not None
        covered += cell.low <= 1 - a <= cell.high
        widths.append(cell.high - cell.low)
    assert covered >= 85, covered
    spread = np.std([_estimate(*_cut_box(rng, a, n, big)) for _ in range(2000)])
    assert 2 * 1.96 * spread / 1.5 < np.median(widths) < 2 * 1.96 * spread * 1.5


def _estimate(s: np.ndarray, holds: np.ndarray, out: np.ndarray) -> float:
    return float(shrink_of(s.std(axis=0), relaxed_sd(float(holds.mean()), s, out))[0])


def test_the_bootstrap_bias_has_the_sign_of_the_true_bias_on_a_small_sample() -> None:
    """With 8 relaxed draws of the cut box (``a`` = 0.5, 200 supported) the estimate is
    biased down: ``1 - c / sqrt(v)`` is concave in the mixture's variance ``v`` and
    ``p (1 - p)`` and a few draws' variance are low on average (module docstring of
    sim.calibrate.importance). The true bias, the mean of 4,000 simulated estimates minus
    ``1 - a``, is negative by many of its standard errors, and the bootstrap's estimate of
    it (the resamples' mean minus the estimate) is negative in most samples."""
    a, n, big = 0.5, 200, 8
    rng = np.random.default_rng(7)
    est = np.array([_estimate(*_cut_box(rng, a, n, big)) for _ in range(4000)])
    bias, se = est.mean() - (1 - a), est.std() / np.sqrt(len(est))
    assert bias < -3 * se, (bias, se)
    boot = [shrink_intervals(*_cut_box(rng, a, n, big), ["x"], rng, resamples=500)["x"].bias
            for _ in range(20)]  # fmt: skip
    assert sum(b < 0 for b in boot) >= 15, boot
    sample = _cut_box(rng, a, n, big)
    cell = shrink_intervals(*sample, ["x"], rng, resamples=500)["x"]
    assert cell.corrected == pytest.approx(_estimate(*sample) - cell.bias, abs=1e-9)


def test_verdicts() -> None:
    assert verdict_of(0.01, 0.3) == "removes spread"
    assert verdict_of(-0.3, -0.01) == "adds spread"
    assert verdict_of(-0.1, 0.2) == "not distinguishable from 0"
    assert verdict_of(0.0, 0.2) == "not distinguishable from 0"
    assert verdict_of(None, None) == "not distinguishable from 0"


def test_a_constraint_no_relaxed_draw_violates_has_no_interval() -> None:
    """No draw outside: the share is 0 by construction and the draws bound nothing."""
    rng = np.random.default_rng(1)
    cell = shrink_intervals(rng.random((50, 2)), np.ones(16, bool), np.zeros((0, 2)),
                            ["x", "y"], rng)["y"]  # fmt: skip
    assert (cell.low, cell.high, cell.verdict) == (None, None, "not distinguishable from 0")


def _table(seed: int) -> str:
    """A claim-importance table of synthetic answers for the first three constraints of
    the ledger (the constraints only name the rows)."""
    ledger = load_constraints()
    ledger = ledger.subset(ledger.ids()[:3])
    rng = np.random.default_rng(5)
    s = rng.random((60, 2))
    holds = [rng.random(12) < p for p in (0.5, 1.1, 0.8)]
    outside = [rng.random((int((~h).sum()), 2)) * 2 for h in holds]
    rows = importance_table(ledger, ("x", "y"), s, holds, outside, seed, resamples=300)
    boot = importance_bootstrap(rows, resamples=300)
    return "".join(r.model_dump_json() for r in rows) + (boot.model_dump_json() if boot else "")


def test_the_table_is_the_same_bytes_for_the_same_seed() -> None:
    first = _table(3)
    assert first == _table(3)
    assert first != _table(4)
    assert '"low":null' in first  # the second constraint's draws all hold


def _with_intervals() -> SupportedAnalysis:
    """:data:`BASE` with intervals: K01 removes spread of hedging ends, K02's draws all
    hold (no interval)."""
    def cell(low: float | None, high: float | None, verdict: str) -> dict[str, object]:
        return {"low": low, "high": high, "bias": -0.02, "corrected": 0.27, "verdict": verdict}

    rows = [dict(BASE["importance"][0], solved=3, relaxed_supported=0.625,
                 intervals={"hedging ends": cell(0.05, 0.4, "removes spread"),
                            "value of ambiguity": cell(-0.9, 0.1, "not distinguishable from 0")}),
            dict(BASE["importance"][1], solved=0, relaxed_supported=1.0,
                 intervals={k: cell(None, None, "not distinguishable from 0")
                            for k in ("hedging ends", "value of ambiguity")})]
    return supported(importance=rows, importance_bootstrap={
        "confidence": 0.95, "resamples": 2000, "method": "BCa", "tested": 2, "by_chance": 0.1})


def test_an_interval_end_near_0_keeps_its_sign() -> None:
    """An end that would read 0.00 is printed to its first significant digit, so an
    interval that excludes 0 does not look as if it touched it; an end at exactly 0 stays
    0.00."""
    from sim.report.sentences import shrink_interval_text

    assert shrink_interval_text(0.0036, 0.23) == "0.004 to 0.230"
    assert shrink_interval_text(-0.12, -0.0004) == "-0.1200 to -0.0004"
    assert shrink_interval_text(0.0, 0.23) == "0.00 to 0.23"


def test_an_old_analysis_file_loads_and_reads_as_before() -> None:
    """A file without intervals (every analysis.json before them) loads and renders the
    sentences it always did."""
    from sim.calibrate.commands import analysis_text
    from sim.report.sentences import importance_sentences, supported_tables

    old = supported()
    assert old.importance_bootstrap is None and old.importance[0].intervals is None
    said = importance_sentences(old)
    assert said[0].startswith("The claims that narrow each answer most")
    assert "hedging ends: K01 (C04), 0.25" in said[0]
    table = {c: rows for c, _, rows in supported_tables(old)}
    cells = next(rows for c, rows in table.items() if c.startswith("Claim importance"))
    assert cells[0][2:] == ("0.25", "-0.50")
    assert "K01         C04                        0.25" in analysis_text(old, None)


def test_the_text_and_the_report_show_the_intervals() -> None:
    from sim.calibrate.commands import analysis_text
    from sim.report import supported_section
    from sim.report.sentences import importance_sentences, supported_tables

    new = _with_intervals()
    said = " ".join(importance_sentences(new))
    assert "hedging ends: K01 (C04), 0.25 (0.05 to 0.40)" in said
    assert "value of ambiguity: none" in said
    assert "In 1 of the 2 constraint-answer cells" in said and "about 0.1 at 95%" in said
    assert "no draw violates K02" in said
    caption, _, rows = next(t for t in supported_tables(new) if t[0].startswith("Claim"))
    assert rows[0][2:] == ("0.25 (0.05 to 0.40)*", "-0.50 (-0.90 to 0.10)")
    assert rows[1][2] == "0.12 (no draw outside)"
    section = supported_section(new, {}, {})
    view = next(t for t in section.tables if t.caption == caption)
    assert view.marked == frozenset({(0, 2)})
    text = analysis_text(new, None)
    assert "0.25 (0.05 to 0.40)*" in text and "BCa, 2,000 resamples" in text


def test_the_report_page_bolds_only_the_cells_whose_interval_excludes_0() -> None:
    from sim.report import environment

    page = environment().get_template("macros.html.j2").module.table(  # type: ignore[attr-defined]
        ("a", "b"), [("K01", "0.25 (0.05 to 0.40)*"), ("K02", "0.10 (-0.1 to 0.3)")],
        marked=frozenset({(0, 1)}))
    assert "<strong>0.25 (0.05 to 0.40)*</strong>" in page
    assert "<strong>0.10" not in page
