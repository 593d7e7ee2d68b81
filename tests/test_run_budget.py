"""A Model 2 run's size (state grid x rounds x solves) is checked before any work
(docs/budgets.md, "a run of Model 2")."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import budget
from sim.article.build import build
from sim.article.grid import Resolution
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any solve fails the test: a refusal must come before the model is solved."""
    import sim.article.answers as answers

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the run was solved before its size was checked")

    monkeypatch.setattr(answers, "answer", forbidden)
    monkeypatch.setattr(answers, "sustainability", forbidden)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["run", BASELINE, "--grid", "41x20", "--set", "game.rounds=520", "--allow-large"],
         ["--grid 41x20 (1,378,421 states) x game.rounds=520", "TB of memory",
          "even with --allow-large"]),
        (["run", BASELINE, "--grid", "21x10"],
         ["--grid 21x10 (92,611 states) x game.rounds=24", "the budget is 4,000,000 "
          "state-round solves", "pass --allow-large"]),
        (["explain", BASELINE, "--grid", "31x10"], ["--grid 31x10 (297,911 states)"]),
        (["solve", BASELINE, "--grid", "31x10"], ["--grid 31x10 (297,911 states)"]),
        (["compare", BASELINE, "--grid", "31x10"], ["--grid 31x10 (297,911 states)"]),
    ],
    ids=["beyond-memory", "beyond-budget", "explain", "solve", "compare"],
)  # fmt: skip
def test_an_oversized_run_is_refused_in_one_line_before_any_work(
    argv: list[str], fragments: list[str], no_work: None, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    if argv[0] in ("run", "compare"):
        argv = [*argv, "--out", str(out)]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("hedgesim: error: ")
    for fragment in fragments:
        assert fragment in captured.err, captured.err
    assert not out.exists()


def test_allow_large_lets_a_run_over_the_budget_go_on(
    no_work: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past the budget but within memory, ``--allow-large`` reaches the solve (the patched
    solve's failure shows it was reached)."""
    with pytest.raises(AssertionError, match="solved before its size was checked"):
        main(["run", BASELINE, "--grid", "21x10", "--sustainability", "0", "--no-figures",
              "--allow-large", "--out", str(tmp_path / "out")])


@pytest.mark.parametrize(("beliefs", "capacities"), [(3, 3), (4, 5), (5, 3)])
def test_the_estimate_counts_the_states_the_game_has(beliefs: int, capacities: int) -> None:
    """The budget's state count is the built game's, without building it."""
    res = Resolution(beliefs, capacities)
    assert res.states == build(None, rounds=2, resolution=res).n_states


def test_the_estimate_grows_linearly_in_rounds_and_solves() -> None:
    """Cost is states x rounds x solves (no histories are enumerated: the engine's cost is
    linear in rounds)."""
    one = budget.check_article_run("x", 1000, 10, 1.0)
    assert budget.check_article_run("x", 1000, 20, 1.0).units == 2 * one.units
    assert budget.check_article_run("x", 1000, 10, 3.0).seconds == pytest.approx(3 * one.seconds)
    assert budget.run_solves(1, myopic=False, robust=False, sustainability=0) == 1.0
    more = budget.run_solves(4, myopic=True, robust=True, sustainability=4)
    assert more > budget.run_solves(4, myopic=True, robust=True, sustainability=0) > 1.0
