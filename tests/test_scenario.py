"""Scenario loading: shipped files, extends, overrides, hashing, resolved data."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import model
from sim.equilibria.pure import pure_equilibria
from sim.errors import ScenarioError
from sim.scenario import (
    EVENT_KEYS,
    VARIABLE_KEYS,
    Scenario,
    apply_overrides,
    key_range,
    load_scenario,
    resolved_dict,
    scenario_from_mapping,
    scenario_hash,
    validate_files,
)

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
BASELINE = ROOT / "scenarios" / "baseline.yaml"
VARIANTS = {
    "lebanon_deal",
    "gulf_push",
    "strained_iran",
    "israeli_escalation",
    "fuel_crisis",
    "november_2024",
}
HEADER = "description: A test scenario.\nquestion: Does it load?\n"


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body)
    return path


def _claim_ids() -> set[str]:
    ledger = yaml.safe_load((ROOT / "seeds" / "claims.yaml").read_text())
    return {c["id"] for c in ledger["claims"]}


# -- the shipped scenarios -------------------------------------------------------------
def test_baseline_and_the_six_variants_are_shipped() -> None:
    assert {p.stem for p in SCENARIOS} >= VARIANTS | {"baseline"}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_validates_and_asks_its_own_question(path: Path) -> None:
    s = load_scenario(path)
    assert s.name == path.stem
    assert s.question.rstrip().endswith("?")
    assert s.source == str(path)
    if s.name != "baseline":
        assert s.extends == "baseline.yaml"
        assert s.sources == (str(path), str(path.parent / "baseline.yaml"))
        assert s.question != load_scenario(BASELINE).question


def test_every_event_cites_known_claims() -> None:
    known = _claim_ids()
    for s in validate_files(SCENARIOS):
        for event in s.timeline:
            assert event.claims, f"{s.name}: event {event.name} cites no claim"
            assert set(event.claims) <= known, f"{s.name}: {event.name}"


def test_baseline_counterparts_lose_patience_iran_first() -> None:
    """The calibration the baseline promises: at round 0 Syria hedges, Iran's tolerance
    crosses its switch point first, within 3-10 monthly rounds."""
    from sim.thresholds import closed_form_myopic_horizon

    s = load_scenario(BASELINE)
    game = model.stage_game(s.model_parameters(), {cp: 1.0 for cp in model.COUNTERPARTS})
    (profile,) = pure_equilibria(game)
    assert model.ACTIONS[model.SYRIA][profile[0]] == "hedge"
    reference = tuple(
        np.eye(len(model.ACTIONS[p]))[a] for p, a in zip(model.PLAYERS, profile, strict=True)
    )
    closed = closed_form_myopic_horizon(s, reference)
    crossing = {cp: r for cp, r in closed.crossing.items() if r is not None}
    assert min(crossing, key=lambda cp: crossing[cp]) == "iran"
    assert 3 <= crossing["iran"] <= 10


def test_november_replays_the_three_visits_and_nothing_after() -> None:
    s = load_scenario(ROOT / "scenarios" / "november_2024.yaml")
    assert (s.repeated.round_unit, s.repeated.start_date) == ("week", dt.date(2024, 11, 11))
    rounds = sorted(s.event_round(e) for e in s.timeline)
    assert rounds == [0, 0, 1]
    for event in s.timeline:
        assert event.date is not None and event.date <= dt.date(2024, 11, 19)
        assert set(event.add) == {"tolerance.iran.level"} and event.add["tolerance.iran.level"] > 0
        assert not event.set and not event.scale
        assert {"C01", "C02", "C20"} & set(event.claims)


def test_variants_change_what_their_question_is_about() -> None:
    base = load_scenario(BASELINE)
    get = {p.stem: load_scenario(p) for p in SCENARIOS}
    assert get["gulf_push"].parameters["gulf_incentive"] >= 2 * base.parameters["gulf_incentive"]
    strained = get["strained_iran"]
    assert strained.parameters["iran_aid"] < base.parameters["iran_aid"]
    assert strained.tolerance["iran"].decay > base.tolerance["iran"].decay
    harsh = get["israeli_escalation"]
    assert harsh.parameters["escalation_damage"] > base.parameters["escalation_damage"]
    assert harsh.tolerance["israel"].decay > base.tolerance["israel"].decay
    (deal,) = get["lebanon_deal"].timeline
    assert deal.set["parameters.shipment_limit_signal"] == 1.0
    for cp in ("israel", "gulf"):
        assert deal.set[f"tolerance.{cp}.visibility"] > base.tolerance[cp].visibility
    (fuel,) = get["fuel_crisis"].timeline
    assert fuel.round is not None and fuel.round > 0 and fuel.scale["parameters.fuel_supply"] > 1


def test_baseline_has_uncertainty_and_a_sweep() -> None:
    s = load_scenario(BASELINE)
    assert s.uncertainty is not None and len(s.uncertainty.parameters) >= 3
    assert len(s.sweeps) == 1


# -- extends -----------------------------------------------------------------------------
def test_extends_merges_mappings_and_replaces_lists(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    _write(
        sub,
        "parent.yaml",
        "name: parent\n" + HEADER + "tolerance:\n  iran: {decay: 0.2, recovery: 0.3}\n"
        "timeline:\n  - {name: a, round: 1, add: {tolerance.iran.level: 0.1}}\n"
        "  - {name: b, round: 2, add: {tolerance.iran.level: 0.1}}\n"
        "uncertainty:\n  parameters:\n"
        "    payoffs.war_cost: {dist: normal, mean: 4.0, sd: 1.0}\n"
        "    payoffs.iran_aid: {dist: uniform, low: 3.0, high: 5.0}\n",
    )
    child = _write(
        tmp_path,
        "child.yaml",
        "extends: sub/parent.yaml\nname: child\n" + HEADER + "tolerance:\n  iran: {decay: 0.1}\n"
        "timeline:\n  - {name: c, round: 3, add: {tolerance.iran.level: 0.2}}\n"
        "uncertainty:\n  parameters:\n"
        "    payoffs.war_cost: {dist: uniform, low: 2.0, high: 6.0}\n",
    )
    s = load_scenario(child)
    assert (s.tolerance["iran"].decay, s.tolerance["iran"].recovery) == (0.1, 0.3)
    assert [e.name for e in s.timeline] == ["c"]
    assert s.uncertainty is not None
    # a distribution replaces as a whole: no leftover mean/sd from the parent's normal
    war = s.uncertainty.parameters["payoffs.war_cost"]
    assert (war.dist, war.mean, war.sd) == ("uniform", None, None)
    assert "payoffs.iran_aid" in s.uncertainty.parameters
    assert s.name == "child"


def test_extends_chain_resolves_relative_to_each_file(tmp_path: Path) -> None:
    a = tmp_path / "a"
    b = a / "b"
    b.mkdir(parents=True)
    _write(b, "root.yaml", "name: root\n" + HEADER + "seed: 7\nparameters: {war_cost: 1}\n")
    _write(a, "mid.yaml", "extends: b/root.yaml\nname: mid\n" + HEADER + "seed: 8\n")
    leaf = _write(tmp_path, "leaf.yaml", "extends: a/mid.yaml\nname: leaf\n" + HEADER)
    s = load_scenario(leaf)
    assert (s.seed, s.parameters["war_cost"]) == (8, 1.0)
    assert len(s.sources) == 3


def test_child_must_name_itself(tmp_path: Path) -> None:
    _write(tmp_path, "parent.yaml", "name: parent\n" + HEADER)
    child = _write(tmp_path, "child.yaml", "extends: parent.yaml\n" + HEADER)
    with pytest.raises(ScenarioError, match=r"child\.yaml:1: name: required key missing"):
        load_scenario(child)


def test_error_in_parent_names_the_parent_and_its_line(tmp_path: Path) -> None:
    parent = _write(tmp_path, "parent.yaml", "name: parent\n" + HEADER + "seed: -1\n")
    child = _write(tmp_path, "child.yaml", "extends: parent.yaml\nname: child\n" + HEADER)
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert (info.value.path, info.value.line, info.value.key_path) == (str(parent), 4, "seed")


def test_child_value_fixes_a_bad_parent_value(tmp_path: Path) -> None:
    _write(tmp_path, "parent.yaml", "name: parent\n" + HEADER + "seed: -1\n")
    child = _write(
        tmp_path, "child.yaml", "extends: parent.yaml\nname: child\n" + HEADER + "seed: 3\n"
    )
    assert load_scenario(child).seed == 3


def test_extends_must_be_a_file_name(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", "extends: [a, b]\nname: bad\n" + HEADER)
    with pytest.raises(ScenarioError, match=r"bad\.yaml:1: extends: expected a scenario file name"):
        load_scenario(bad)


# -- overrides ----------------------------------------------------------------------------
def test_override_sets_values_without_touching_the_original() -> None:
    base = load_scenario(BASELINE)
    s = apply_overrides(
        base,
        [
            "repeated.rounds=12",
            "tolerance.iran.decay=0.1",
            "parameters.axis_bonus=2.5",
            "repeated.start_date=2025-01-01",
            "outputs.figures=[png]",
        ],
    )
    assert s.repeated.rounds == 12 and base.repeated.rounds == 24
    assert s.tolerance["iran"].decay == 0.1 and s.tolerance["iran"].recovery == 0.05
    assert s.parameters["axis_bonus"] == 2.5
    assert s.repeated.start_date == dt.date(2025, 1, 1)
    assert s.outputs.figures == ("png",)
    assert s.source == base.source and s.hash != base.hash
    assert apply_overrides(base, []).hash == base.hash


def test_override_reaches_into_lists_and_dotted_keys() -> None:
    deal = load_scenario(ROOT / "scenarios" / "lebanon_deal.yaml")
    s = apply_overrides(
        deal, ["timeline[0].round=5", "timeline.0.set.parameters.shipment_limit_signal=0.5"]
    )
    assert s.timeline[0].round == 5
    assert s.timeline[0].set["parameters.shipment_limit_signal"] == 0.5


def test_override_creates_a_missing_section() -> None:
    s = scenario_from_mapping({"name": "x", "description": "d", "question": "q?"})
    assert s.uncertainty is None
    assert apply_overrides(s, ["uncertainty.draws=10"]).uncertainty.draws == 10  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("repeated.rounds=abc", "--set repeated.rounds=abc: expected an integer, got 'abc'"),
        ("repeated.rounds=0", "--set repeated.rounds=0: expected a number >= 1, got 0"),
        (
            "repeated.roundz=3",
            "--set repeated.roundz=3: unknown key 'roundz'; did you mean 'rounds'?",
        ),
        ("tolerance.iran.decay=.nan", "--set tolerance.iran.decay=.nan: expected a finite number"),
        (
            "parameters.iran_ad=1",
            "--set parameters.iran_ad=1: unknown parameter 'iran_ad'; did you mean 'iran_aid'?",
        ),
        ("seed=!!python/object/apply:os.system [ls]", "tag !!python/object/apply:os.system"),
        ("timeline[7].round=1", "timeline has 0 entries; no entry '7'"),
        ("repeated.rounds", "--set repeated.rounds: expected key.path=value"),
        ("extends=other.yaml", "--set extends=other.yaml: extends is resolved when the file"),
        ("repeated.rounds.x=1", "repeated.rounds is a single value, not a mapping"),
    ],
)
def test_bad_override_names_the_override(item: str, expected: str) -> None:
    base = load_scenario(BASELINE)
    with pytest.raises(ScenarioError) as info:
        apply_overrides(base, ["seed=1", item])
    message = str(info.value)
    assert expected in message and "\n" not in message
    assert message.startswith(f"--set {item}")


def test_override_breaking_another_key_names_override_and_key() -> None:
    s = load_scenario(ROOT / "scenarios" / "november_2024.yaml")
    with pytest.raises(ScenarioError) as info:
        apply_overrides(s, ["repeated.start_date=null"])
    assert str(info.value) == (
        "--set repeated.start_date=null: timeline[0].date: a dated event needs repeated.start_date"
    )


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(VARIABLE_KEYS), u=st.floats(0.0, 1.0))
def test_any_in_range_value_of_a_variable_key_survives_override(key: str, u: float) -> None:
    allowed = key_range(key)
    high = min(allowed.high, 10.0)
    value = allowed.low + u * (high - allowed.low)
    if not allowed.contains(value):
        value = (allowed.low + high) / 2
    s = apply_overrides(load_scenario(BASELINE), [f"{key}={value!r}"])
    section, *rest = key.split(".")
    got = resolved_dict(s)[section]
    for part in rest:
        got = got[part]
    assert got == value


# -- hashing and the resolved form ------------------------------------------------------
def test_resolved_dict_spells_out_every_parameter_and_counterpart() -> None:
    data = resolved_dict(load_scenario(ROOT / "scenarios" / "gulf_push.yaml"))
    assert list(data["parameters"]) == list(model.PARAMETER_NAMES)
    assert data["parameters"]["gulf_incentive"] == 6.0
    assert data["parameters"]["corridor_value"] == model.Parameters().corridor_value
    assert set(data["tolerance"]) == set(model.COUNTERPARTS)
    json.dumps(data, allow_nan=False)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_resolved_dict_round_trips_to_the_same_hash(path: Path) -> None:
    s = load_scenario(path)
    again = scenario_from_mapping(json.loads(json.dumps(resolved_dict(s))))
    assert scenario_hash(again) == scenario_hash(s)


def test_hash_ignores_layout_key_order_explicit_defaults_and_extends(tmp_path: Path) -> None:
    one = _write(tmp_path, "one.yaml", "name: x\n" + HEADER + "seed: 1\nrepeated: {rounds: 5}\n")
    two = _write(
        tmp_path,
        "two.yaml",
        "# same content\nrepeated:\n  discount: 0.95\n  rounds: 5\nseed: 1\n"
        "parameters:\n  war_cost: 4.0\n" + HEADER + "name: x\n",
    )
    assert load_scenario(one).hash == load_scenario(two).hash
    variant = load_scenario(ROOT / "scenarios" / "gulf_push.yaml")
    flat = _write(tmp_path, "flat.yaml", yaml.safe_dump(resolved_dict(variant) | {"extends": None}))
    assert load_scenario(flat).hash == variant.hash
    changed = apply_overrides(load_scenario(one), ["tolerance.gulf.decay=0.0400001"])
    assert changed.hash != load_scenario(one).hash


def test_hash_is_the_same_in_a_fresh_interpreter() -> None:
    code = (
        "import sys; from sim.scenario import load_scenario; "
        "print(' '.join(load_scenario(p).hash for p in sys.argv[1:]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, SCENARIOS)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    ).stdout.split()
    assert out == [load_scenario(p).hash for p in SCENARIOS]
    assert len(set(out)) == len(SCENARIOS)


# -- the key-path vocabulary ------------------------------------------------------------
def test_key_path_vocabulary() -> None:
    assert "tolerance.iran.level" in EVENT_KEYS and "tolerance.iran.level" not in VARIABLE_KEYS
    assert "repeated.discount" in VARIABLE_KEYS and "repeated.discount" not in EVENT_KEYS
    assert all(f"parameters.{n}" in EVENT_KEYS for n in model.PARAMETER_NAMES)
    assert not key_range("repeated.discount").contains(1.0)
    assert not key_range("tolerance.gulf.deniability").contains(1.0)
    assert key_range("parameters.war_cost").contains(1e9)
    assert not key_range("parameters.hedge_pull_share").contains(1.01)


def test_event_set_value_outside_its_range_is_refused() -> None:
    base = {"name": "x", "description": "d", "question": "q?"}
    event = {"name": "e", "round": 1, "set": {"tolerance.iran.level": 1.5}}
    with pytest.raises(ScenarioError) as info:
        scenario_from_mapping(base | {"timeline": [event]})
    assert str(info.value) == (
        "<mapping>: timeline[0].set.tolerance.iran.level: expected a value in [0, 1], got 1.5"
    )


def test_mapping_errors_are_scenario_errors() -> None:
    with pytest.raises(ScenarioError, match="<mapping>: question: required key missing"):
        scenario_from_mapping({"name": "x", "description": "d"})
    assert isinstance(
        scenario_from_mapping({"name": "x", "description": "d", "question": "q"}), Scenario
    )
