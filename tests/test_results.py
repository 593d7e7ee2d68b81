"""Typed results: the file format, its validation, its precision and its determinism."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from fake_results import fake_data, fake_results
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from sim import repeated
from sim.errors import HedgesimError
from sim.results import (
    DECIMALS,
    SCHEMA_VERSION,
    SIGNIFICANT,
    AnalysisResults,
    RunResults,
    fixed,
    read_results,
    results_json,
    write_json,
)
from sim.results.build import decomposition, run_results, trajectory_csv
from sim.scenario import Scenario

SCENARIO = {
    "name": "results-test",
    "description": "d",
    "question": "q",
    "tolerance": {"iran": {"decay": 0.07}, "israel": {"decay": 0.05}, "gulf": {"decay": 0.04}},
    "repeated": {"rounds": 12, "start_date": "2025-01-01"},
    "timeline": [{"name": "visit", "round": 9, "add": {"tolerance.iran.level": 0.2}}],
}

SCRIPT = """
import sys, json
from sim import repeated
from sim.results import write_json
from sim.results.build import run_results
from sim.scenario import Scenario
sc = Scenario.model_validate(json.loads(sys.argv[1]))
write_json(run_results(repeated.run(sc)), sys.argv[2])
"""


@pytest.fixture(scope="module")
def run() -> repeated.RunResult:
    return repeated.run(Scenario.model_validate(SCENARIO))


@pytest.fixture(scope="module")
def typed(run: repeated.RunResult) -> RunResults:
    return run_results(run)


def test_the_file_reads_back_to_the_same_result(typed: RunResults, tmp_path: Path) -> None:
    path = write_json(typed, tmp_path / "results.json")
    back = read_results(path)
    assert back == typed
    data = json.loads(path.read_text())
    assert data["schema_version"] == SCHEMA_VERSION == 2 and data["model"] == "tolerance"
    assert data["horizons"]["myopic"] == {"round": 6, "tie": False, "between": None,
                                          "cause": None}
    assert data["exit"]["first_broken"] == "iran"
    assert data["rounds"][9]["events"] == ["visit"]
    assert data["rounds"][1]["date"] == "2025-01-31"
    assert sum(e["selected"] for e in data["rounds"][6]["equilibria"]) == 1


def test_the_result_carries_what_the_figures_draw(run: repeated.RunResult,
                                                  typed: RunResults) -> None:
    """Stage games of round 0 and of the exit round, equal to the model's at the results'
    precision; the decomposition sums to the payoff differences; the claims its terms cite."""
    import numpy as np

    from sim import model

    exit_round = run.myopic.horizon
    assert [g.round for g in typed.stage_games] == [0, exit_round]
    for g in typed.stage_games:
        r = run.trajectory.rounds[g.round]
        np.testing.assert_allclose(typed.stage_game(g.round).payoffs,
                                   model.stage_game(r.parameters, r.tolerance).payoffs,
                                   rtol=0, atol=10.0**-DECIMALS)
    dec = typed.decomposition
    values = run.trajectory.rounds[0].syria_action_values
    for alt in dec.alternatives:
        assert dec.totals[alt] == pytest.approx(values["hedge"] - values[alt], abs=1e-9)
        assert sum(t.differences[alt] for t in dec.terms) == pytest.approx(dec.totals[alt],
                                                                          abs=1e-9)
    cited = {c for t in dec.terms for c in t.claims}
    assert set(typed.claims) == cited and all(c.restatement for c in typed.claims.values())


def test_decomposition_terms_are_the_models() -> None:
    """The war cost separates hedge from align only, by exactly its parameter."""
    import numpy as np

    from sim import model

    params = model.Parameters()
    profile = (np.array([0.0, 1.0, 0.0]), np.array([0.6, 0.4, 0.0]), np.array([0.0, 1.0, 0.0]),
               np.array([0.5, 0.5, 0.0]))
    dec = decomposition(params, {"iran": 0.2, "israel": 0.1, "gulf": 0.0}, profile)
    assert {t.name for t in dec.terms} == {t.name for t in model.terms_of("syria")}
    war = next(t for t in dec.terms if t.name == "war_cost")
    assert war.differences == {"align": params.war_cost, "realign": 0.0}


def test_validation_refuses_what_the_schema_forbids() -> None:
    data = fake_data()
    data["rounds"][0]["hedge_probability"] = 1.5
    with pytest.raises(ValidationError, match="hedge_probability"):
        RunResults.model_validate(data)
    data = fake_data()
    data["surprise"] = 1
    with pytest.raises(ValidationError, match="surprise"):
        RunResults.model_validate(data)
    data = fake_data()
    data["stage_games"][0]["payoffs"][0] = data["stage_games"][0]["payoffs"][0][:-1]
    with pytest.raises(ValidationError, match="stage game of round 0"):
        RunResults.model_validate(data)


def test_version_1_is_refused_with_its_version(tmp_path: Path) -> None:
    old = tmp_path / "results.json"
    old.write_text(json.dumps({"schema_version": 1, "rounds": []}))
    with pytest.raises(HedgesimError, match=r"schema version 1; this hedgesim reads version 2"):
        read_results(old)


@pytest.mark.parametrize(("text", "fragment"), [
    ("{", "not JSON (line 1"),
    ("[]", "no schema_version"),
    ('{"schema_version": 2, "model": "chaos"}', "unknown results kind 'chaos'"),
    ('{"schema_version": 2, "model": "tolerance"}', "scenario: Field required"),
])
def test_bad_files_give_one_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(text)
    with pytest.raises(HedgesimError) as info:
        read_results(path)
    message = str(info.value)
    assert fragment in message and "\n" not in message and str(path) in message


def test_analyses_read_back(tmp_path: Path) -> None:
    from sim.results.analyses import AnalysisScenario, GridAnalysis
    from sim.results.common import LabelNames

    analyses = AnalysisResults(
        scenario=AnalysisScenario(name="x", hash="0", question="q", round_unit="month"),
        focal="syria", labels=LabelNames(players={}, actions={}),
        analyses={"grid": GridAnalysis(keys=["a"], axes=[[0.1, 0.2]], rounds=5,
                                       horizon=[1, None], exit=["align", None],
                                       first_broken=["iran", None])})
    path = write_json(analyses, tmp_path / "analyses.json")
    assert read_results(path) == analyses
    with pytest.raises(ValidationError, match="shape"):
        GridAnalysis(keys=["a"], axes=[[0.1, 0.2]], rounds=5, horizon=[1],
                     exit=["align"], first_broken=["iran"])


# -- precision ------------------------------------------------------------------------------
def test_zero_up_to_floating_point_error_is_zero() -> None:
    assert fixed(4.440892098500626e-16) == 0.0 and fixed(-1e-13) == 0.0
    assert str(fixed(-0.0)) == "0.0"
    assert fixed(0.1 + 0.2) == 0.3
    assert fixed(2.4333333333333336) == fixed(2.433333333333333) == 2.4333333333
    assert fixed(123456789.123456789) == 123456789.123
    assert math.isinf(fixed(math.inf))
    data = fake_data()
    data["rounds"][0]["equilibria"][0]["regret"] = 4.440892098500626e-16
    assert RunResults.model_validate(data).rounds[0].equilibria[0].regret == 0.0


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_precision_is_idempotent_and_within_its_bound(x: float) -> None:
    """Rounding twice changes nothing (a file read back holds the same numbers), and the
    error is at most half a unit of the last kept decimal or significant digit."""
    y = fixed(x)
    assert fixed(y) == y
    assert abs(y - x) <= 0.5 * 10.0**-DECIMALS + 0.5 * 10.0 ** (
        math.floor(math.log10(abs(x) or 1.0)) - SIGNIFICANT + 1) + 1e-300


def test_trajectory_csv_has_one_row_per_round(run: repeated.RunResult) -> None:
    lines = trajectory_csv(run).splitlines()
    assert len(lines) == 13 and lines[0].startswith("round,date,tol_iran")


def test_same_scenario_gives_identical_bytes(typed: RunResults, tmp_path: Path) -> None:
    """In this process and in a fresh interpreter: identical results.json bytes."""
    a = results_json(typed)
    b = results_json(run_results(repeated.run(Scenario.model_validate(SCENARIO))))
    subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(SCENARIO), str(tmp_path / "c")],
                   check=True, cwd=Path(__file__).resolve().parents[1])
    assert a == b == (tmp_path / "c").read_text()


def test_fake_results_are_valid() -> None:
    assert fake_results().horizons.myopic.round == 7
    assert fake_results(never_ends=True).horizons.myopic.round is None
