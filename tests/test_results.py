"""Typed Model 2 results (sim.results.ArticleResults): the file reads back to the same
result, carries what the figures draw, keeps every distribution's probabilities summing to
one with "never" and collapse as outcomes of their own, refuses older versions by name."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from article_run import with_changes
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.errors import HedgesimError
from sim.results import (
    DECIMALS,
    SCHEMA_VERSION,
    SIGNIFICANT,
    ArticleResults,
    fixed,
    read_results,
    results_json,
    write_json,
)
from sim.results.build import trajectory_csv


def test_the_file_reads_back_to_the_same_result(tiny: ArticleResults, tiny_run: Path,
                                                tmp_path: Path) -> None:
    data = json.loads((tiny_run / "results.json").read_text())
    assert data["schema_version"] == SCHEMA_VERSION == 3 and data["model"] == "article"
    path = write_json(tiny, tmp_path / "results.json")
    assert read_results(path) == tiny
    assert path.read_bytes() == (tiny_run / "results.json").read_bytes()


def test_every_distribution_sums_to_one_with_never_apart(tiny: ArticleResults) -> None:
    """The horizon and the exit: one probability per round, then collapse and never as
    outcomes of their own (never folded into the last round); per round, each player's
    actions and the collapse sum to one; survival is one minus the collapse."""
    n = len(tiny.rounds)
    for h in (tiny.horizon, *(a.horizon for a in tiny.by_rule)):
        assert len(h.at) == n
        assert math.isclose(sum(h.at) + h.collapse + h.never, 1.0, abs_tol=1e-8)
    ex = tiny.exit
    assert len(ex.at) == n and set(ex.totals) == {"align", "realign", "collapse", "never"}
    assert math.isclose(sum(ex.totals.values()), 1.0, abs_tol=1e-8)
    for r, surv in zip(tiny.rounds, tiny.survival, strict=False):
        assert math.isclose(surv, 1.0 - r.collapsed, abs_tol=1e-9)
        for probs in r.actions.values():
            assert math.isclose(sum(probs.values()) + r.collapsed, 1.0, abs_tol=1e-8)
        for cp in tiny.counterparts:
            b = r.beliefs[cp]
            qs = list(b.quantiles.values())
            assert qs == sorted(qs) and 0.0 <= b.mean <= 1.0
    assert tiny.survival == sorted(tiny.survival, reverse=True)  # collapse is absorbing
    assert [a.rule for a in tiny.by_rule] == tiny.scenario.rules == ["qre", "inertia"]
    assert tiny.horizon == tiny.by_rule[0].horizon == tiny.horizons.forward_looking


def test_the_result_carries_what_the_figures_draw(tiny: ArticleResults) -> None:
    """The stage game of round 0 with continuation values, at the selected profile, and
    Syria's terms: the decomposition's totals are its terms' sums."""
    g = tiny.stage_game
    size = math.prod(len(a) for a in tiny.actions.values())
    assert len(g.payoffs) == len(tiny.players) and all(len(p) == size for p in g.payoffs)
    dec = tiny.decomposition
    for alt in dec.alternatives:
        assert math.isclose(sum(t.differences[alt] for t in dec.terms), dec.totals[alt],
                            abs_tol=1e-8)
    assert {c for t in dec.terms for c in t.claims} >= set(tiny.claims)
    assert tiny.horizons.myopic is not None and tiny.horizons.sustainability is not None
    assert set(tiny.horizons.sustainability.threshold) == set(tiny.counterparts)
    assert tiny.rounds[0].fragile is not None


def test_validation_refuses_what_the_schema_forbids(tiny: ArticleResults) -> None:
    data = tiny.model_dump(mode="json")
    bad = json.loads(json.dumps(data))
    bad["horizon"]["never"] += 0.1
    with pytest.raises(ValidationError, match="sum to"):
        ArticleResults.model_validate(bad)
    bad = json.loads(json.dumps(data))
    bad["survival"] = bad["survival"][:-1]
    with pytest.raises(ValidationError, match="survival needs"):
        ArticleResults.model_validate(bad)
    bad = json.loads(json.dumps(data))
    bad["extra"] = 1
    with pytest.raises(ValidationError, match="extra"):
        ArticleResults.model_validate(bad)
    with pytest.raises(ValidationError, match="one answer per rule"):
        with_changes(tiny, by_rule=data["by_rule"][:1])


@pytest.mark.parametrize(("version", "why"), [
    (1, "written before results were typed"),
    (2, "a run of the first model"),
])
def test_older_versions_are_refused_by_name(tmp_path: Path, version: int, why: str) -> None:
    old = tmp_path / "results.json"
    old.write_text(json.dumps({"schema_version": version, "model": "tolerance", "rounds": []}))
    with pytest.raises(HedgesimError) as info:
        read_results(old)
    message = str(info.value)
    assert f"schema version {version}" in message and why in message
    assert "reads version 3" in message and "\n" not in message


@pytest.mark.parametrize(("text", "fragment"), [
    ("{", "not JSON (line 1"),
    ("[]", "no schema_version"),
    ('{"schema_version": 3, "model": "chaos"}', "unknown results kind 'chaos'"),
    ('{"schema_version": 3, "model": "article"}', "scenario: Field required"),
])
def test_bad_files_give_one_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(text)
    with pytest.raises(HedgesimError) as info:
        read_results(path)
    message = str(info.value)
    assert fragment in message and "\n" not in message and str(path) in message


def test_analyses_read_back(tmp_path: Path) -> None:
    from analysis_results import SOLVED, analyses, grid1, point

    from sim.results.analyses import GridAnalysis, PointAnswer

    written = analyses()
    path = write_json(written, tmp_path / "analyses.json")
    assert read_results(path) == written
    with pytest.raises(ValidationError, match="3 points for a grid of 4"):
        GridAnalysis(keys=["a"], axes=[[0.1, 0.2, 0.3, 0.4]], points=grid1().points[:3],
                     **SOLVED)
    with pytest.raises(ValidationError, match="exactly the ends"):
        PointAnswer(horizon="never", hedging_ends=0.1, exit={"align": 1.0}, exit_mode="align",
                    collapse_by=0.0, ambiguity=0.0)
    with pytest.raises(ValidationError):  # a horizon is a round or an outcome of its own
        point("last round", "never")
    with pytest.raises(ValidationError):  # never is not the last round
        point(-1, "never")


# -- precision ------------------------------------------------------------------------------
def test_zero_up_to_floating_point_error_is_zero() -> None:
    assert fixed(4.440892098500626e-16) == 0.0 and fixed(-1e-13) == 0.0
    assert str(fixed(-0.0)) == "0.0"
    assert fixed(0.1 + 0.2) == 0.3
    assert fixed(2.4333333333333336) == fixed(2.433333333333333) == 2.4333333333
    assert fixed(123456789.123456789) == 123456789.123
    assert math.isinf(fixed(math.inf))


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_precision_is_idempotent_and_within_its_bound(x: float) -> None:
    """Rounding twice changes nothing (a file read back holds the same numbers), and the
    error is at most half a unit of the last kept decimal or significant digit."""
    y = fixed(x)
    assert fixed(y) == y
    assert abs(y - x) <= 0.5 * 10.0**-DECIMALS + 0.5 * 10.0 ** (
        math.floor(math.log10(abs(x) or 1.0)) - SIGNIFICANT + 1) + 1e-300


def test_trajectory_csv_has_one_row_per_round(tiny: ArticleResults, tiny_run: Path) -> None:
    text = (tiny_run / "trajectory.csv").read_text()
    assert text == trajectory_csv(tiny)
    lines = text.splitlines()
    assert len(lines) == len(tiny.rounds) + 1
    assert lines[0].startswith("round,date,p_syria_align,p_syria_hedge")
    assert lines[1].startswith("0,2024-11-01,")


def test_the_same_run_gives_identical_bytes(tiny: ArticleResults) -> None:
    """Built again from its own data: the same text (fields in schema order, fixed
    precision)."""
    again = ArticleResults.model_validate_json(results_json(tiny))
    assert results_json(again) == results_json(tiny)
