"""Scenarios as runs of the article's game (Model 2): the blocks, their key paths, events as
shocks, and :func:`sim.scenario.article.article_run`."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from pathlib import Path

import numpy as np
import pytest

from sim.article.parameters import PARAMETER_NAMES, SPEC, Parameters, check_bounds, per_round
from sim.article.timeline import resolve
from sim.errors import ScenarioError
from sim.scenario import apply_overrides, load_scenario, resolved_dict, scenario_from_mapping
from sim.scenario.article import article_run, calibrations
from sim.scenario.article_keys import FIXED_KEYS, PARAMETER_KEYS, STATE_KEYS

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
TIMELINE = Path(__file__).resolve().parents[2] / "shared" / "TIMELINE.md"
HEAD = {"name": "x", "description": "d", "question": "q"}


def test_every_parameter_has_exactly_one_key_path() -> None:
    assert sorted(PARAMETER_KEYS.values()) == sorted(PARAMETER_NAMES)
    assert len(set(PARAMETER_KEYS.values())) == len(PARAMETER_KEYS)
    assert not set(STATE_KEYS) - {"patrons.iran.capacity", "patrons.russia.capacity"} & set(
        PARAMETER_KEYS
    )
    assert set(FIXED_KEYS) <= set(PARAMETER_KEYS)


@pytest.mark.parametrize("key", sorted(PARAMETER_KEYS))
def test_each_key_path_sets_its_parameter_and_keeps_to_its_bounds(key: str) -> None:
    name = PARAMETER_KEYS[key]
    lo, hi = SPEC[name].bounds
    inside = lo + (hi - lo) / 3
    scenario = apply_overrides(scenario_from_mapping(dict(HEAD)), [f"{key}={inside!r}"])
    assert getattr(scenario.article_parameters(), name) == inside
    others = Parameters().as_dict() | {name: inside}
    assert scenario.article_parameters().as_dict() == others
    with pytest.raises(ScenarioError, match=re.escape(key)):
        apply_overrides(scenario_from_mapping(dict(HEAD)), [f"{key}={hi + (hi - lo) + 1!r}"])


def test_the_baseline_states_the_default_calibration_in_months() -> None:
    run = article_run(load_scenario(SCENARIOS / "baseline.yaml"))
    assert run.name == "baseline"
    assert run.params == Parameters() == run.monthly
    assert run.round_days == 30 and run.rounds == 24 and run.selection == "qre"
    assert run.start == dt.date(2024, 11, 1)
    assert run.date_of(2) == dt.date(2024, 12, 31)
    assert run.round_of(dt.date(2024, 12, 31)) == 2
    assert run.shocks == () and run.events == ()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_is_a_run_within_the_bounds(path: Path) -> None:
    run = article_run(load_scenario(path))
    assert check_bounds(run.monthly) == []
    assert run.params == per_round(run.monthly, run.round_days)
    timeline = resolve(run.params, run.shocks, run.rounds)  # the engine's own check
    assert timeline.rounds == run.rounds
    assert all(
        e.shocks or e.no_change or e.observed or e.observed_collapse is not None for e in run.events
    )


def test_variants_keep_their_questions_as_changes_of_the_calibration() -> None:
    base = Parameters()
    changed = {
        p.stem: {
            k
            for k, v in article_run(load_scenario(p)).monthly.as_dict().items()
            if v != getattr(base, k)
        }
        for p in SHIPPED
    }
    assert changed["gulf_push"] == {"gulf_incentive"}
    assert changed["strained_iran"] == {"iran_aid", "catch_iran"}
    assert changed["israeli_escalation"] == {"strike_damage", "escalation_damage", "catch_israel"}
    assert changed["offensive"] == {"initial_capacity"}
    assert changed["november_2024"] == set()  # the patrons' shocks are events of round 0


def test_events_become_shocks_on_the_runs_rounds() -> None:
    fuel = article_run(load_scenario(SCENARIOS / "fuel_crisis.yaml"))
    (shock,) = fuel.shocks
    assert (shock.round, shock.target, shock.op, shock.value) == (
        2,
        "parameters.fuel_supply",
        "scale",
        2.0,
    )
    exhausted = article_run(load_scenario(SCENARIOS / "patrons_exhausted.yaml"))
    timeline = resolve(exhausted.params, exhausted.shocks, exhausted.rounds)
    # four blows of a fifth each on Iran, in September (two) and October (two): a dated
    # event applies at the start of the round holding its date
    assert [round(float(d.capacity_iran), 6) for d in timeline.data[:3]] == [0.64, 0.4096, 0.4096]
    assert float(timeline.data[0].capacity_russia) == 0.5


def test_a_weekly_run_converts_event_values_from_months() -> None:
    data = dict(
        HEAD,
        game={"round_unit": "week", "rounds": 8},
        events=[
            {
                "name": "e",
                "round": 1,
                "set": {"payoffs.iran_aid": 3.0},
                "add": {"payoffs.fuel_supply": -1.5},
            }
        ],
    )
    run = article_run(scenario_from_mapping(data))
    by_target = {s.target: s.value for s in run.shocks}
    assert by_target["parameters.iran_aid"] == pytest.approx(3.0 * 7 / 30)
    assert by_target["parameters.fuel_supply"] == pytest.approx(-1.5 * 7 / 30)
    probability = dict(
        HEAD,
        game={"round_unit": "week", "rounds": 8},
        events=[{"name": "e", "round": 1, "set": {"beliefs.iran.catch": 0.5}}],
    )
    (shock,) = article_run(scenario_from_mapping(probability)).shocks
    assert shock.value == pytest.approx(1 - 0.5 ** (7 / 30))


def test_overrides_and_sweeps_name_the_new_key_paths() -> None:
    base = load_scenario(SCENARIOS / "november_2024.yaml")
    moved = apply_overrides(base, ["beliefs.iran.catch=0.5", "events.6.set.threat.level=1.2"])
    run = article_run(moved)
    assert run.monthly.catch_iran == 0.5
    assert [s.value for s in run.shocks if s.target == "threat"] == [1.2]
    with pytest.raises(ScenarioError, match=r"beliefs.iran.cach.*did you mean 'catch'"):
        apply_overrides(base, ["beliefs.iran.cach=0.5"])
    sweep = dict(
        HEAD,
        sweeps=[
            {
                "name": "s",
                "params": {"patrons.iran.capacity": {"start": 0.2, "stop": 1.0, "num": 5}},
            }
        ],
    )
    assert scenario_from_mapping(sweep).sweeps[0].params["patrons.iran.capacity"].num == 5


def test_the_replay_is_calibrated_on_what_the_article_could_see() -> None:
    scenario = load_scenario(SCENARIOS / "november_2024.yaml")
    run = article_run(scenario)
    assert (run.start, run.round_days, run.known_until) == (
        dt.date(2024, 11, 11),
        7,
        dt.date(2024, 11, 19),
    )
    assert run.start.weekday() == 0  # a Monday
    # the rounds TIMELINE.md names: visits in 0 and 1, ceasefire and offensive in 2, falls in 3
    rounds = {e.name: e.round for e in run.events}
    assert rounds["larijani_in_damascus"] == 0 and rounds["foreign_minister_in_tehran"] == 1
    assert rounds["opposition_offensive"] == 2 == rounds["lebanon_ceasefire"]
    assert rounds["damascus_falls"] == 3
    # the calibration (the scenario's parameters and its undated round-0 events) uses no
    # row after the vantage: every hindsight event is a replayed shock or a no-op
    for event in run.events:
        assert event.date is not None or event.round == 0
        if run.hindsight(event):
            assert event.date is not None and event.date > dt.date(2024, 11, 19)
    # every judgement call says so
    sized = [e for e in run.events if e.shocks]
    assert sized and all(e.judgement for e in sized)


def _timeline_dates(text: str) -> list[dt.date]:
    dates = []
    for line in text.splitlines():
        match = re.match(r"\| (\d{4}-\d{2}-\d{2})", line)
        if match:
            dates.append(dt.date.fromisoformat(match.group(1)))
    return dates


@pytest.mark.skipif(not TIMELINE.is_file(), reason="TIMELINE.md is not beside the repository")
def test_the_replay_has_an_event_for_every_timeline_row_in_its_window() -> None:
    run = article_run(load_scenario(SCENARIOS / "november_2024.yaml"))
    assert run.start is not None
    end = run.date_of(run.rounds)
    assert end is not None
    window = [d for d in _timeline_dates(TIMELINE.read_text()) if run.start <= d < end]
    dated = {e.date for e in run.events}
    assert window and sorted(set(window) - dated) == []
    # 27 November holds two events (ceasefire, offensive) in one row
    assert sum(e.date == dt.date(2024, 11, 27) for e in run.events) == 2


def test_timeline_dates_are_read_from_the_table() -> None:
    text = (
        "| date | event |\n| --- | --- |\n| 2024-11-14 (Thu) | x |\n"
        "| 2024-11-16 (Sat) to 11-17 | y |"
    )
    assert _timeline_dates(text) == [dt.date(2024, 11, 14), dt.date(2024, 11, 16)]


def test_event_values_outside_bounds_are_refused_after_the_events_apply() -> None:
    data = dict(
        HEAD,
        events=[
            {"name": "e", "round": 0, "add": {"threat.level": 0.6}},
            {"name": "f", "round": 0, "add": {"threat.level": 0.6}},
        ],
    )
    with pytest.raises(ScenarioError, match=r"events\[1\]: .*threat.level to 1.7"):
        scenario_from_mapping(data)
    ok = dict(HEAD, events=[{"name": "e", "round": 0, "add": {"threat.level": 0.6}}])
    assert np.isclose(
        float(
            resolve(Parameters(), article_run(scenario_from_mapping(ok)).shocks, 24).data[0].threat
        ),
        1.1,
    )


def test_calibrations_of_a_sweep_over_model_2_key_paths() -> None:
    run = article_run(load_scenario(SCENARIOS / "november_2024.yaml"))
    batch = calibrations(run, ["payoffs.iran_aid", "beliefs.iran.catch"], [[3.0, 0.2], [5.0, 0.4]])
    assert [b.iran_aid for b in batch] == pytest.approx([3.0 * 7 / 30, 5.0 * 7 / 30])
    assert batch[1].catch_iran == pytest.approx(1 - 0.6 ** (7 / 30))
    assert batch[0].war_cost == run.params.war_cost
    with pytest.raises(ScenarioError, match="did you mean 'beliefs.iran.catch'"):
        calibrations(run, ["beliefs.iran.cach"], [[0.2]])
    with pytest.raises(ScenarioError, match=r"beliefs.iran.prior lies in \[0.02, 0.6\]"):
        calibrations(run, ["beliefs.iran.prior"], [[0.9]])


def test_stating_a_default_of_the_article_game_leaves_the_hash_alone() -> None:
    bare = scenario_from_mapping(dict(HEAD))
    stated = scenario_from_mapping(dict(HEAD, payoffs={"iran_aid": 4.0}, hazard={"rate": 3.0}))
    moved = scenario_from_mapping(dict(HEAD, payoffs={"iran_aid": 4.5}))
    assert bare.hash == stated.hash != moved.hash
    data = resolved_dict(moved)
    assert data["payoffs"]["iran_aid"] == 4.5 and data["beliefs"]["gulf"]["prior"] == 0.1
    again = scenario_from_mapping(data)
    assert again.hash == moved.hash and again.article_parameters() == moved.article_parameters()


def test_a_scenario_pickles_for_a_process_pool() -> None:
    scenario = load_scenario(SCENARIOS / "november_2024.yaml")
    again = pickle.loads(pickle.dumps(scenario))
    assert again == scenario and again.hash == scenario.hash
