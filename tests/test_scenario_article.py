"""Scenarios as runs of the article's game (Model 2): :func:`sim.scenario.article.article_run`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sim.article.parameters import Parameters, per_round
from sim.scenario import load_scenario
from sim.scenario.article import article_run

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def test_the_baseline_is_the_default_calibration_in_months() -> None:
    run = article_run(load_scenario(SCENARIOS / "baseline.yaml"))
    assert run.name == "baseline"
    assert run.params == Parameters()
    assert run.round_days == 30 and run.rounds == 24
    assert run.start == dt.date(2024, 11, 1)
    assert run.date_of(2) == dt.date(2024, 12, 31)
    assert run.round_of(dt.date(2024, 12, 31)) == 2


def test_a_weekly_run_rescales_the_monthly_calibration() -> None:
    run = article_run(load_scenario(SCENARIOS / "november_2024.yaml"))
    assert run.round_days == 7
    assert run.params == per_round(run.monthly, 7)
    assert run.date_of(3) == dt.date(2024, 12, 2)
