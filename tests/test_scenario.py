"""Scenario loading: shipped files, extends, overrides, hashing, resolved data."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.article.parameters import SPEC, Parameters
from sim.errors import ScenarioError
from sim.scenario import (
    Scenario,
    apply_overrides,
    key_range,
    load_scenario,
    resolved_dict,
    scenario_from_mapping,
    scenario_hash,
    validate_files,
)
from sim.scenario.article_keys import PARAMETER_KEYS

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
    "offensive",
    "patrons_exhausted",
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
def test_baseline_and_the_variants_are_shipped() -> None:
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
        for event in s.events:
            assert set(event.claims) <= known, f"{s.name}: {event.name}"


def test_a_scenario_with_a_block_of_the_first_model_is_refused_at_its_line(
    tmp_path: Path,
) -> None:
    """The first model's blocks are gone; a file that still has one is told what replaces
    it, at the block's line (tests/bad_scenarios has one file per block)."""
    old = _write(tmp_path, "old.yaml", "name: old\n" + HEADER + "seed: 1\ntolerance:\n"
                 "  iran: {decay: 0.1}\n")  # fmt: skip
    with pytest.raises(ScenarioError) as info:
        load_scenario(old)
    assert (info.value.line, info.value.key_path) == (5, "tolerance")
    assert "the first model's block" in str(info.value) and "beliefs:" in str(info.value)


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
        "name: parent\n" + HEADER + "beliefs:\n  iran: {catch: 0.2, false_alarm: 0.1}\n"
        "events:\n  - {name: a, round: 1, add: {beliefs.iran.level: 0.1}}\n"
        "  - {name: b, round: 2, add: {beliefs.iran.level: 0.1}}\n"
        "uncertainty:\n  parameters:\n"
        "    payoffs.war_cost: {dist: normal, mean: 4.0, sd: 1.0}\n"
        "    payoffs.iran_aid: {dist: uniform, low: 3.0, high: 5.0}\n",
    )
    child = _write(
        tmp_path,
        "child.yaml",
        "extends: sub/parent.yaml\nname: child\n" + HEADER + "beliefs:\n  iran: {catch: 0.1}\n"
        "events:\n  - {name: c, round: 3, add: {beliefs.iran.level: 0.2}}\n"
        "uncertainty:\n  parameters:\n"
        "    payoffs.war_cost: {dist: uniform, low: 2.0, high: 6.0}\n",
    )
    s = load_scenario(child)
    assert (s.beliefs.iran.catch, s.beliefs.iran.false_alarm) == (0.1, 0.1)
    assert [e.name for e in s.events] == ["c"]
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
    _write(b, "root.yaml", "name: root\n" + HEADER + "seed: 7\npayoffs: {war_cost: 1}\n")
    _write(a, "mid.yaml", "extends: b/root.yaml\nname: mid\n" + HEADER + "seed: 8\n")
    leaf = _write(tmp_path, "leaf.yaml", "extends: a/mid.yaml\nname: leaf\n" + HEADER)
    s = load_scenario(leaf)
    assert (s.seed, s.article_parameters().war_cost) == (8, 1.0)
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
            "game.rounds=12",
            "beliefs.iran.catch=0.1",
            "payoffs.axis_bonus=2.5",
            "game.start_date=2025-01-01",
            "outputs.figures=[png]",
        ],
    )
    assert s.game.rounds == 12 and base.game.rounds == 24
    assert s.beliefs.iran.catch == 0.1 and s.beliefs.iran.false_alarm == 0.05
    assert s.article_parameters().axis_bonus == 2.5
    assert s.game.start_date == dt.date(2025, 1, 1)
    assert s.outputs.figures == ("png",)
    assert s.source == base.source and s.hash != base.hash
    assert apply_overrides(base, []).hash == base.hash


def test_override_reaches_into_lists_and_dotted_keys() -> None:
    deal = load_scenario(ROOT / "scenarios" / "lebanon_deal.yaml")
    s = apply_overrides(
        deal, ["events[0].round=5", "events.0.set.payoffs.shipment_limit_signal=0.5"]
    )
    assert s.events[0].round == 5
    assert s.events[0].set["payoffs.shipment_limit_signal"] == 0.5


def test_override_creates_a_missing_section() -> None:
    s = scenario_from_mapping({"name": "x", "description": "d", "question": "q?"})
    assert s.uncertainty is None
    assert apply_overrides(s, ["uncertainty.draws=10"]).uncertainty.draws == 10  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("game.rounds=abc", "--set game.rounds=abc: expected an integer, got 'abc'"),
        ("game.rounds=0", "--set game.rounds=0: expected a number >= 1, got 0"),
        ("game.roundz=3", "--set game.roundz=3: unknown key 'roundz'; did you mean 'rounds'?"),
        ("beliefs.iran.catch=.nan", "--set beliefs.iran.catch=.nan: expected a finite number"),
        (
            "payoffs.iran_ad=1",
            "--set payoffs.iran_ad=1: unknown key 'iran_ad'; did you mean 'iran_aid'?",
        ),
        ("seed=!!python/object/apply:os.system [ls]", "tag !!python/object/apply:os.system"),
        ("events[7].round=1", "events has 0 entries; no entry '7'"),
        ("game.rounds", "--set game.rounds: expected key.path=value"),
        ("extends=other.yaml", "--set extends=other.yaml: extends is resolved when the file"),
        ("game.rounds.x=1", "game.rounds is a single value, not a mapping"),
        ("tolerance.iran.decay=0.1", "the first model's block, which is gone"),
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
        apply_overrides(s, ["game.start_date=null"])
    assert str(info.value).startswith(
        "--set game.start_date=null: events[2].date: a dated event needs game.start_date"
    )


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(tuple(PARAMETER_KEYS)), u=st.floats(0.0, 1.0))
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
def test_resolved_dict_spells_out_every_parameter() -> None:
    data = resolved_dict(load_scenario(ROOT / "scenarios" / "gulf_push.yaml"))
    for key in tuple(PARAMETER_KEYS):
        section, *rest = key.split(".")
        node = data[section]
        for part in rest:
            node = node[part]
        assert isinstance(node, float), key
    assert data["payoffs"]["gulf_incentive"] == 6.0
    assert data["payoffs"]["corridor_value"] == Parameters().corridor_value
    assert not {"parameters", "tolerance", "repeated", "timeline"} & set(data)
    json.dumps(data, allow_nan=False)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_resolved_dict_round_trips_to_the_same_hash(path: Path) -> None:
    s = load_scenario(path)
    again = scenario_from_mapping(json.loads(json.dumps(resolved_dict(s))))
    assert scenario_hash(again) == scenario_hash(s)


def test_hash_ignores_layout_key_order_explicit_defaults_and_extends(tmp_path: Path) -> None:
    one = _write(tmp_path, "one.yaml", "name: x\n" + HEADER + "seed: 1\ngame: {rounds: 5}\n")
    two = _write(
        tmp_path,
        "two.yaml",
        "# same content\ngame:\n  discount: 0.95\n  rounds: 5\nseed: 1\n"
        "payoffs:\n  war_cost: 4.0\n" + HEADER + "name: x\n",
    )
    assert load_scenario(one).hash == load_scenario(two).hash
    variant = load_scenario(ROOT / "scenarios" / "gulf_push.yaml")
    flat = _write(tmp_path, "flat.yaml", yaml.safe_dump(resolved_dict(variant) | {"extends": None}))
    assert load_scenario(flat).hash == variant.hash
    changed = apply_overrides(load_scenario(one), ["beliefs.gulf.catch=0.2000001"])
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
    """Sweeps and uncertainty vary the article game's parameters, each within its
    documented bounds; a belief level is a state, not a parameter."""
    assert "beliefs.iran.level" not in tuple(PARAMETER_KEYS)
    assert "game.discount" in tuple(PARAMETER_KEYS)
    assert key_range("game.discount").high == SPEC["discount"].bounds[1] < 1.0
    lo, hi = SPEC["war_cost"].bounds
    assert key_range("payoffs.war_cost").contains(hi)
    assert not key_range("payoffs.war_cost").contains(hi * 1.01)
    assert not key_range("payoffs.hedge_pull_share").contains(1.01)


def test_event_set_value_outside_its_range_is_refused() -> None:
    base = {"name": "x", "description": "d", "question": "q?"}
    event = {"name": "e", "round": 1, "set": {"beliefs.iran.level": 1.5}}
    with pytest.raises(ScenarioError) as info:
        scenario_from_mapping(base | {"events": [event]})
    assert str(info.value) == (
        "<mapping>: events[0].set.beliefs.iran.level: expected a value in [0, 1], got 1.5"
    )


def test_mapping_errors_are_scenario_errors() -> None:
    with pytest.raises(ScenarioError, match="<mapping>: question: required key missing"):
        scenario_from_mapping({"name": "x", "description": "d"})
    assert isinstance(
        scenario_from_mapping({"name": "x", "description": "d", "question": "q"}), Scenario
    )
