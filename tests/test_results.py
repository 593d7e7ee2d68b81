"""results.json and trajectory.csv: schema, validity, determinism, atomic writing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim import repeated, results
from sim.scenario import Scenario

SCENARIO = {
    "name": "results-test",
    "description": "d",
    "question": "q",
    "tolerance": {"iran": {"decay": 0.08}, "israel": {"decay": 0.05}, "gulf": {"decay": 0.04}},
    "repeated": {"rounds": 12, "start_date": "2025-01-01"},
    "timeline": [{"name": "visit", "round": 9, "add": {"tolerance.iran.level": 0.2}}],
}

SCRIPT = """
import sys
from sim import repeated, results
from sim.scenario import Scenario
import json
sc = Scenario.model_validate(json.loads(sys.argv[1]))
results.write_results(repeated.run(sc), sys.argv[2])
"""


@pytest.fixture(scope="module")
def run() -> repeated.RunResult:
    return repeated.run(Scenario.model_validate(SCENARIO))


def test_results_validate_against_the_schema(run: repeated.RunResult, tmp_path: Path) -> None:
    paths = results.write_results(run, tmp_path / "out")
    data = json.loads(paths["results"].read_text())
    assert results.validate_results(data) == []
    assert data["schema_version"] == results.SCHEMA_VERSION
    assert data["horizons"]["myopic"] == 6 and data["exit"]["first_broken"] == "iran"
    assert data["rounds"][9]["events"] == ["visit"]
    assert data["rounds"][1]["date"] == "2025-01-31"
    assert sum(e["selected"] for e in data["rounds"][6]["equilibria"]) == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "results.json",
        "trajectory.csv",
    ]


def test_validator_catches_violations(run: repeated.RunResult) -> None:
    data = results.results_dict(run)
    del data["exit"]["round"]
    data["rounds"][0]["hedge_probability"] = 1.5
    data["horizons"]["myopic"] = "soon"
    data["surprise"] = 1
    errors = results.validate_results(data)
    assert any("missing key 'round'" in e for e in errors)
    assert any("hedge_probability" in e and "maximum" in e for e in errors)
    assert any("horizons.myopic" in e for e in errors)
    assert any("unexpected key 'surprise'" in e for e in errors)


def test_trajectory_csv_has_one_row_per_round(run: repeated.RunResult) -> None:
    lines = results.trajectory_csv(run).splitlines()
    assert len(lines) == 13 and lines[0].startswith("round,date,tol_iran")


def test_same_scenario_gives_identical_bytes(run: repeated.RunResult, tmp_path: Path) -> None:
    """In this process and in a fresh interpreter: identical results.json and CSV bytes."""
    a = results.write_results(run, tmp_path / "a")
    b = results.write_results(repeated.run(Scenario.model_validate(SCENARIO)), tmp_path / "b")
    subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(SCENARIO), str(tmp_path / "c")],
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    for name in ("results", "trajectory"):
        first = a[name].read_bytes()
        assert b[name].read_bytes() == first
        assert (tmp_path / "c" / a[name].name).read_bytes() == first


def test_floats_are_rounded_and_non_finite_become_null() -> None:
    assert results.clean_float(0.1 + 0.2) == 0.3
    assert results.clean_float(float("inf")) is None
    assert results.clean_float(-0.0) == 0.0
