"""The answer sentences on real runs: who mixes at the exit, and what Syria's payoff became."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sim import repeated
from sim.report import answer_sentences
from sim.results import results_json
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def baseline() -> dict:  # type: ignore[type-arg]
    run = repeated.run(load_scenario(ROOT / "scenarios" / "baseline.yaml"))
    return json.loads(results_json(run))


def test_the_exit_sentence_names_the_counterparts_mixed_strategy(baseline: dict) -> None:  # type: ignore[type-arg]
    exit_round = baseline["horizons"]["myopic"]
    sentence = next(s for s in answer_sentences(baseline) if s.startswith(f"In round {exit_round}"))
    iran = baseline["rounds"][exit_round]["profile"]["iran"]
    shown = [float(x) for x in re.findall(r"(?:support|condition) ([0-9]+\.[0-9]+)", sentence)]
    assert shown == pytest.approx([p for p in iran if p > 1e-9], abs=0.005)
    start = baseline["rounds"][0]["syria_payoff"]
    now = baseline["rounds"][exit_round]["syria_payoff"]
    assert f"{now:.2f} per month, against {start:.2f} at round 0" in sentence
