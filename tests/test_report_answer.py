"""The answer sentences on real runs: who mixes at the exit, what Syria's payoff became, and
the baseline's tie."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim import repeated
from sim.report.sentences import answer_sentences
from sim.results import RunResults
from sim.results.build import run_results
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def baseline() -> RunResults:
    return run_results(repeated.run(load_scenario(ROOT / "scenarios" / "baseline.yaml")))


def test_the_exit_sentence_names_the_counterparts_mixed_strategy(baseline: RunResults) -> None:
    exit_round = baseline.horizons.myopic.round
    assert exit_round is not None
    sentence = next(s for s in answer_sentences(baseline) if s.startswith(f"In round {exit_round}"))
    iran = baseline.rounds[exit_round].profile["iran"]
    shown = [float(x) for x in re.findall(r"(?:support|condition) ([0-9]+\.[0-9]+)", sentence)]
    assert shown == pytest.approx([p for p in iran if p > 1e-9], abs=0.005)
    start = baseline.rounds[0].syria_payoff
    now = baseline.rounds[exit_round].syria_payoff
    assert f"{now:.2f} per month, against {start:.2f} at round 0" in sentence


def test_the_baseline_says_its_horizon_is_a_tie(baseline: RunResults) -> None:
    said = answer_sentences(baseline)
    assert said[0].startswith("Hedging stays optimal for 5 or 6 rounds (months)")
    assert said[1].startswith("That horizon is a tie: in round 5 Iran's payoffs from support "
                              "and from condition are equal within the solvers' tolerance")
    assert "its tolerance sits exactly on its switch point (0.60)" in said[1]
