"""Malformed scenarios: each gets one clear line naming file, line and key path, fast.

Table-driven over ``tests/bad_scenarios/``: every file there has a row, and every row a
file. "Fast" is a bound on work, never on wall-clock time (which fails under load): a file
built to make the loader work hard (too many values, flow nesting as deep as the size cap
allows, an alias bomb) is refused after composing a bounded number of YAML nodes, and
before any of it is turned into data or validated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from sim.errors import HedgesimError, ScenarioError
from sim.scenario import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    load_scenario,
    loading,
    validate_files,
)

BAD = Path(__file__).parent / "bad_scenarios"
GOOD = Path(__file__).parent.parent / "scenarios" / "baseline.yaml"


@dataclass(frozen=True)
class Case:
    file: str
    line: int | None
    key_path: str | None
    fragment: str
    #: The file the message must name, if not ``file`` itself (errors in a parent).
    reported: str | None = None


CASES = [
    Case("typo_key.yaml", 6, "beliefs.iran.catc", "unknown key 'catc'; did you mean 'catch'?"),
    Case("negative_value.yaml", 6, "beliefs.israel.catch", "expected a number >= 0.05, got -0.05"),
    Case("word_for_integer.yaml", 5, "game.rounds", "expected an integer, got 'twelve'"),
    Case("missing_required.yaml", 1, "question", "required key missing"),
    Case("duplicate_key.yaml", 7, "game.rounds", "duplicate key 'rounds' (first given on line 5)"),
    Case("python_tag.yaml", 4, "seed", "tag !!python/object/apply:os.system is not allowed"),
    Case("alias_bomb.yaml", 2, None, "YAML anchor &a refused"),
    Case("empty.yaml", None, None, "file is empty"),
    Case("comments_only.yaml", None, None, "file is empty"),
    Case("binary.yaml", 2, None, "binary file (contains NUL bytes)"),
    Case("latin1.yaml", 2, None, "not UTF-8 text (byte 0xe9"),
    Case("nan_value.yaml", 5, "payoffs.war_cost", "expected a finite number, got .nan"),
    Case("inf_value.yaml", 6, "beliefs.gulf.catch", "expected a finite number, got .inf"),
    Case("deep_nesting.yaml", 2, None, "nested deeper than 20 levels"),
    Case("deep_blocks.yaml", 21, None, "nested deeper than 20 levels"),
    Case(
        "unknown_event_key.yaml",
        8,
        "events[0].set.payoffs.iran_ad",
        "unknown key path 'payoffs.iran_ad'; did you mean 'payoffs.iran_aid'?",
    ),
    Case(
        "level_in_sweep.yaml",
        7,
        "sweeps[0].params.beliefs.iran.level",
        "the state a run reaches, not a parameter; vary beliefs.iran.prior instead",
    ),
    Case(
        "sweep_out_of_range.yaml",
        7,
        "sweeps[0].params.game.discount.stop",
        "game.discount lies in [0, 0.99], so stop 1 is outside it",
    ),
    Case(
        "first_model_key_in_uncertainty.yaml",
        7,
        "uncertainty.parameters.tolerance.iran.decay",
        "cannot vary 'tolerance.iran.decay'; expected a parameter's key path: payoffs.<name>",
    ),
    Case(
        "cycle_a.yaml",
        1,
        "extends",
        "extends cycle: cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml",
        reported="cycle_b.yaml",
    ),
    Case(
        "cycle_b.yaml",
        1,
        "extends",
        "extends cycle: cycle_b.yaml -> cycle_a.yaml -> cycle_b.yaml",
        reported="cycle_a.yaml",
    ),
    Case("bad_parent.yaml", 5, "game.discount", "expected a number <= 0.99, got 1.5"),
    Case(
        "child_of_bad_parent.yaml",
        5,
        "game.discount",
        "expected a number <= 0.99, got 1.5",
        reported="bad_parent.yaml",
    ),
    Case("missing_parent.yaml", 1, "extends", "cannot extend"),
    Case(
        "variant_without_question.yaml",
        1,
        "question",
        "required key missing (name, description and question are not inherited",
    ),
    Case(
        "share_above_one.yaml",
        5,
        "payoffs.hedge_incentive_share",
        "expected a number <= 0.8, got 1.5",
    ),
    Case("unknown_player.yaml", 5, "players.gulff", "unknown player 'gulff'; did you mean 'gulf'?"),
    Case(
        "unknown_action.yaml",
        8,
        "players.gulf.actions.engag",
        "unknown action 'engag' of gulf; did you mean 'engage'?",
    ),
    Case("bad_date.yaml", 5, "game.start_date", "month must be in 1..12"),
    Case("syntax_error.yaml", 6, None, "invalid YAML: mapping values are not allowed here"),
    Case("top_level_list.yaml", 1, None, "expected a mapping of keys"),
    Case("huge_integer.yaml", 4, "seed", "too long to read"),
    Case("merge_key.yaml", 5, "game", "merge keys (<<) are not allowed"),
    Case("non_text_key.yaml", 5, "payoffs", "key 1 is not text"),
    # the first model's blocks, gone with it: each names what replaces it
    Case("retired_parameters.yaml", 6, "parameters",
         "the first model's block, which is gone; the article's game reads payoffs:"),
    Case("retired_tolerance.yaml", 4, "tolerance",
         "the first model's block, which is gone; the article's game reads beliefs:"),
    Case("retired_repeated.yaml", 4, "repeated",
         "the first model's block, which is gone; the article's game reads game:"),
    Case("retired_timeline.yaml", 4, "timeline",
         "the first model's block, which is gone; the article's game reads events:"),
    # the article's game (Model 2): its blocks and events
    Case(
        "m2_bad_selection.yaml",
        5,
        "game.selection",
        "expected one of 'qre', 'inertia', 'player-optimal' or 'welfare', got '",
    ),
    Case("m2_bool_for_rounds.yaml", 5, "game.rounds", "expected an integer, got true"),
    Case(
        "m2_date_before_start.yaml",
        8,
        "events[0].date",
        "2024-09-17 is before game.start_date 2024-11-11",
    ),
    Case("m2_dated_without_start.yaml", 6, "events[0].date", "a dated event needs game.start_date"),
    Case(
        "m2_event_without_change.yaml",
        5,
        "events[0]",
        "an event needs at least one of 'set', 'add' or 'scale', or 'no_change'",
    ),
    Case(
        "m2_events_out_of_bounds.yaml",
        9,
        "events[1]",
        "the events up to this one take payoffs.fuel_supply to 8, outside its b",
    ),
    Case("m2_nan_capacity.yaml", 5, "capacity.hollowing", "expected a finite number, got .nan"),
    Case(
        "m2_prior_in_event.yaml",
        8,
        "events[0].add.beliefs.iran.prior",
        "beliefs.iran.prior is a starting value or resting level; move beliefs.",
    ),
    Case(
        "m2_prior_out_of_bounds.yaml", 6, "beliefs.iran.prior", "expected a number <= 0.6, got 0.9"
    ),
    Case(
        "m2_set_out_of_range.yaml",
        8,
        "events[0].set.threat.level",
        "expected a value in [0, 1.5], got 3",
    ),
    Case(
        "m2_shock_past_horizon.yaml",
        10,
        "events[0].date",
        "falls in round 4, past the last round 3 (game.rounds is 4)",
    ),
    Case("m2_string_for_payoff.yaml", 5, "payoffs.iran_aid", "expected a number, got '4.0'"),
    Case(
        "m2_sweep_out_of_bounds.yaml",
        7,
        "sweeps[0].params.beliefs.iran.prior.stop",
        "beliefs.iran.prior lies in [0.02, 0.6], so stop 0.9 is outside it",
    ),
    Case(
        "m2_unknown_counterpart.yaml", 5, "beliefs.irn", "unknown key 'irn'; did you mean 'iran'?"
    ),
    Case(
        "m2_unknown_event_target.yaml",
        10,
        "events[0].set.threat.lvl",
        "unknown key path 'threat.lvl'; did you mean 'threat.level'?",
    ),
    Case(
        "m2_unknown_observed_action.yaml",
        8,
        "events[0].observed.syria",
        "unknown action 'hedging' of syria; did you mean 'hedge'?",
    ),
    Case(
        "m2_unknown_payoff.yaml",
        5,
        "payoffs.gulf_incentiv",
        "unknown key 'gulf_incentiv'; did you mean 'gulf_incentive'?",
    ),
    Case(
        "m2_weekly_add_probability.yaml",
        7,
        "events[0]",
        "add of beliefs.israel.catch (a probability per round) converts to a 7-",
    ),
]


def _refuse(path: Path | str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def _refuse_counting(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ScenarioError, int]:
    """Refuse ``path`` and count the YAML nodes composed on the way; turning nodes into data
    (the step after composing the whole file) fails the test if it is ever reached."""
    composed = 0
    compose = loading.yaml.SafeLoader.compose_node

    def counting(self: object, parent: object, index: object) -> object:
        nonlocal composed
        composed += 1
        return compose(self, parent, index)  # type: ignore[arg-type]

    def never(*args: object, **kwargs: object) -> object:
        raise AssertionError("the file was composed whole and turned into data")

    monkeypatch.setattr(loading.yaml.SafeLoader, "compose_node", counting)
    monkeypatch.setattr(loading, "_to_data", never)
    return _refuse(path), composed


def _check(err: ScenarioError, file: str, case: Case) -> None:
    message = str(err)
    where = file if case.line is None else f"{file}:{case.line}"
    key = f" {case.key_path}:" if case.key_path else ""
    assert message.startswith(f"{where}:{key} "), message
    assert case.fragment in message, message
    assert "\n" not in message and "Traceback" not in message
    assert (err.path, err.line, err.key_path) == (file, case.line, case.key_path)


def test_every_bad_file_has_a_case() -> None:
    assert sorted(c.file for c in CASES) == sorted(p.name for p in BAD.iterdir())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_bad_scenario_is_refused_with_one_located_line(case: Case) -> None:
    err = _refuse(BAD / case.file)
    _check(err, str(BAD / (case.reported or case.file)), case)


def test_python_tag_is_never_executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _refuse(BAD / "python_tag.yaml")
    assert not (tmp_path / "hedgesim-was-here").exists()


def test_missing_file() -> None:
    err = _refuse(BAD / "no_such_scenario.yaml")
    _check(err, str(BAD / "no_such_scenario.yaml"), Case("", None, None, "no such file"))


def test_directory() -> None:
    err = _refuse(BAD)
    _check(err, str(BAD), Case("", None, None, "is a directory"))


def test_oversized_file(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("name: big\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    err = _refuse(big)
    _check(err, str(big), Case("", None, None, f"at most {MAX_FILE_BYTES}"))


def test_too_many_values_fail_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight times the cap's values (within the size cap): refused at the cap's first node
    beyond it, the other seven-eighths never composed."""
    many = tmp_path / "many.yaml"
    many.write_text("name: many\nvalues: [" + "0, " * (8 * MAX_NODES) + "0]\n")
    assert many.stat().st_size < MAX_FILE_BYTES
    err, composed = _refuse_counting(many, monkeypatch)
    _check(err, str(many), Case("", 2, None, f"more than {MAX_NODES} values"))
    assert composed == MAX_NODES  # nodes 1..MAX_NODES composed, node MAX_NODES + 1 refused


def test_longest_flow_nesting_the_size_cap_allows_fails_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("name: deep\nv: " + "[" * (MAX_FILE_BYTES - 20) + "\n")
    err, composed = _refuse_counting(deep, monkeypatch)
    _check(err, str(deep), Case("", 2, None, "nested deeper than"))
    assert composed <= MAX_DEPTH + 3  # root, name, its value, then one node a level


def test_alias_bomb_fails_at_its_first_anchor(monkeypatch: pytest.MonkeyPatch) -> None:
    err, composed = _refuse_counting(BAD / "alias_bomb.yaml", monkeypatch)
    assert "YAML anchor &a refused" in str(err)
    assert composed <= 4  # the root, name, its value and the key a: a's anchored value is refused


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    err = _refuse(fifo)
    _check(err, str(fifo), Case("", None, None, "not a regular file"))


def test_validate_files_stops_at_the_first_bad_file() -> None:
    with pytest.raises(ScenarioError) as info:
        validate_files([GOOD, BAD / "typo_key.yaml", BAD / "negative_value.yaml"])
    assert str(info.value).startswith(str(BAD / "typo_key.yaml"))
    assert isinstance(info.value, HedgesimError)
