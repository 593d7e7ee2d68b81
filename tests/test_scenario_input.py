"""Hostile and surprising input to scenario loading (issue 9's fuzz cases): YAML 1.2 numbers,
key paths, control characters, ``extends`` confinement, names that decide file locations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sim.errors import ScenarioError
from sim.pipeline import default_out_dir
from sim.scenario import (
    MAX_KEY_PARTS,
    KeyPath,
    KeyPathError,
    apply_overrides,
    key_path,
    load_scenario,
)

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
HEADER = "description: d\nquestion: q\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _load_with(tmp_path: Path, body: str) -> Any:
    return load_scenario(_write(tmp_path, "s.yaml", "name: s\n" + HEADER + body))


# -- YAML 1.2 core numbers ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "value"),
    [("010", 10), ("+12", 12), ("0x1F", 31), ("0o17", 15), ("-0", 0), ("007", 7)],
)
def test_integers_follow_yaml_1_2_core(tmp_path: Path, written: str, value: int) -> None:
    assert _load_with(tmp_path, f"seed: {written}\n").seed == value


@pytest.mark.parametrize(
    ("written", "value"),
    [("2.5e3", 2500.0), ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0), ("1.0E+1", 10.0), ("3", 3)],
)
def test_floats_follow_yaml_1_2_core(tmp_path: Path, written: str, value: float) -> None:
    s = _load_with(tmp_path, "uncertainty:\n  parameters:\n"
                   f"    payoffs.war_cost: {{dist: normal, mean: {written}, sd: 1.0}}\n")
    assert s.uncertainty.parameters["payoffs.war_cost"].mean == value


@pytest.mark.parametrize(
    ("line", "key", "fragment"),
    [
        ("game: {rounds: 1:30}", "game.rounds", "expected an integer, got '1:30'"),
        ("game: {rounds: 1_000}", "game.rounds", "expected an integer, got '1_000'"),
        ("game: {rounds: 0b101}", "game.rounds", "expected an integer, got '0b101'"),
        ("game: {rounds: 2.5e3}", "game.rounds", "expected an integer, got 2500.0"),
        ("payoffs: {war_cost: 1:30}", "payoffs.war_cost", "expected a number, got '1:30'"),
        ("outputs: {report: yes}", "outputs.report", "expected true or false, got 'yes'"),
        ("outputs: {report: off}", "outputs.report", "expected true or false, got 'off'"),
    ],
)
def test_yaml_1_1_readings_are_text(tmp_path: Path, line: str, key: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as info:
        _load_with(tmp_path, line + "\n")
    assert info.value.key_path == key and info.value.line == 4
    assert fragment in str(info.value)


def test_set_reads_values_by_the_same_rule() -> None:
    s = load_scenario(BASELINE)
    assert apply_overrides(s, ["game.rounds=010"]).game.rounds == 10
    assert apply_overrides(s, ["payoffs.war_cost=5e0"]).article_parameters().war_cost == 5.0
    with pytest.raises(ScenarioError, match=r"expected an integer, got '1:30'"):
        apply_overrides(s, ["game.rounds=1:30"])


# -- key paths -------------------------------------------------------------------------
def test_key_path_forms_parse_to_one_type() -> None:
    assert key_path("events[0].set") == key_path("events.0.set")
    assert key_path("events[0].set").parts == ("events", 0, "set")
    assert str(key_path("events.0.set")) == "events[0].set"
    assert key_path("beliefs.iran.catch").names == ("beliefs", "iran", "catch")
    assert isinstance(key_path("a"), KeyPath)
    for bad in ("", "a..b", "a.", "a[x]", "a]"):
        with pytest.raises(KeyPathError):
            key_path(bad)


def test_a_4000_part_key_path_is_refused_at_once() -> None:
    """Issue 9: such a --set took 76 s (time cubic in its length). The parser caps the
    length; the resolver is linear below the cap."""
    s = load_scenario(BASELINE)
    item = ".".join(["a"] * 4000) + "=1"
    with pytest.raises(ScenarioError) as info:
        apply_overrides(s, [item])
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    assert "a scenario's have at most" in message
    with pytest.raises(ScenarioError, match=f"at most {MAX_KEY_PARTS}"):
        apply_overrides(s, [".".join(["a"] * (MAX_KEY_PARTS + 1)) + "=1"])


def test_set_creates_mappings_on_the_way_and_keeps_dotted_keys(tmp_path: Path) -> None:
    s = _load_with(tmp_path, "events:\n  - {name: e, round: 1, set: {payoffs.iran_aid: 1}}\n")
    deep = apply_overrides(s, ["events[0].set.payoffs.iran_aid=3.5"])
    assert deep.events[0].set["payoffs.iran_aid"] == 3.5
    assert apply_overrides(s, ["events.0.round=4"]).events[0].round == 4
    with pytest.raises(ScenarioError, match=r"unknown key 'nope'"):
        apply_overrides(s, [".".join(["game"] + ["nope"] * (MAX_KEY_PARTS - 1)) + "=1"])


# -- control characters --------------------------------------------------------------------
def test_control_character_in_a_set_value_is_one_line() -> None:
    s = load_scenario(BASELINE)
    with pytest.raises(ScenarioError) as info:
        apply_overrides(s, ["description=a\x01b"])
    assert "invalid character #x0001" in str(info.value)
    assert str(info.value).startswith("--set description=")


@pytest.mark.parametrize("escape", ["\\x07", "\\x1b[31m", "\\0", "\\x9b"])
def test_control_character_written_as_an_escape_is_refused(tmp_path: Path, escape: str) -> None:
    text = f'name: s\ndescription: "a{escape}"\nquestion: q\n'
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, "s.yaml", text))
    assert (info.value.line, info.value.key_path) == (2, "description")
    assert "control character" in str(info.value)


# -- extends confinement -------------------------------------------------------------------
def test_extends_outside_the_folder_is_refused_without_quoting_it(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    for target in ("../secret.yaml", str(secret), "/etc/passwd", "../../../../../etc/passwd"):
        child = _write(inner, "child.yaml", f"extends: {target}\nname: c\n" + HEADER)
        with pytest.raises(ScenarioError) as info:
            load_scenario(child)
        message = str(info.value)
        assert (info.value.line, info.value.key_path) == (1, "extends")
        assert "hunter2" not in message and "root:" not in message
        assert "cannot extend" in message


def test_extends_through_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text("name: o\n" + HEADER)
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    child = _write(inner, "child.yaml", "extends: link.yaml\nname: c\n" + HEADER)
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_scenario(child)


def test_extends_into_a_symlink_loop_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    child = _write(tmp_path, "child.yaml", "extends: a.yaml\nname: c\n" + HEADER)
    with pytest.raises(ScenarioError, match="symbolic link loop"):
        load_scenario(child)
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "a.yaml")


def test_extends_needs_a_scenario_file_name(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("name: n\n" + HEADER)
    child = _write(tmp_path, "child.yaml", "extends: notes.txt\nname: c\n" + HEADER)
    with pytest.raises(ScenarioError, match=r"ending in \.yaml or \.yml"):
        load_scenario(child)


def test_extends_finds_the_shipped_scenarios_and_the_search_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = _write(tmp_path, "child.yaml", "extends: baseline.yaml\nname: c\n" + HEADER)
    assert load_scenario(child).game.rounds == load_scenario(BASELINE).game.rounds
    library = tmp_path.parent / f"{tmp_path.name}-library"
    library.mkdir()
    _write(library, "base.yaml", "name: b\n" + HEADER + "seed: 41\n")
    other = _write(tmp_path, "other.yaml", "extends: base.yaml\nname: o\n" + HEADER)
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(other)
    monkeypatch.setenv("HEDGESIM_SCENARIO_PATH", os.pathsep.join(["/nonexistent", str(library)]))
    assert load_scenario(other).seed == 41


# -- names and folders a scenario may choose -----------------------------------------------
@pytest.mark.parametrize("name", ["..", ".", ".hidden", "-x", "a/b", "a" * 101])
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, "s.yaml", f"name: '{name}'\n" + HEADER))
    assert info.value.key_path == "name"


@pytest.mark.parametrize("folder", ["/tmp/x", "../../x", "a/../../x", "./x", "a//b", ""])
def test_outputs_dir_stays_inside_runs(tmp_path: Path, folder: str) -> None:
    with pytest.raises(ScenarioError) as info:
        _load_with(tmp_path, f"outputs: {{dir: '{folder}'}}\n")
    assert info.value.key_path == "outputs.dir" and "inside runs/" in str(info.value)


def test_outputs_dir_names_a_folder_inside_runs(tmp_path: Path) -> None:
    s = _load_with(tmp_path, "outputs: {dir: study/one}\n")
    assert default_out_dir(s) == Path("runs") / "study" / "one"
    assert default_out_dir(_load_with(tmp_path, "")) == Path("runs") / "s"
