"""Sizes are checked against documented budgets before any work (docs/budgets.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import budget, repeated
from sim.cli import main
from sim.errors import BudgetError
from sim.scenario import apply_overrides, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")


def refusal(capsys: pytest.CaptureFixture[str], argv: list[str], tmp_path: Path) -> str:
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out), "--no-figures"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert not out.exists()
    return captured.err


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (
            ["sweep", BASELINE, "--param", "payoffs.war_cost=1:10:10000",
             "--param", "beliefs.iran.visibility=0:2:10000"],
            ["a grid of 10,000 x 10,000 calibrations x 24 rounds on the 3x3 grid",
             "GB of memory", "even with --allow-large"],
        ),
        (
            ["sweep", BASELINE, "--analysis", "monte-carlo", "--draws", "1000000000000"],
            ["--draws 1,000,000,000,000: 1,000,000,000,000 calibrations", "TB of memory", "years",
             "even with --allow-large"],
        ),
        (
            ["sweep", BASELINE, "--analysis", "monte-carlo", "--draws", "4000"],
            ["7,872,000 state-round solves", "the budget is 4,000,000", "--allow-large"],
        ),
    ],
    ids=["grid", "draws-beyond-memory", "draws-beyond-budget"],
)  # fmt: skip
def test_oversized_input_is_refused_with_an_estimate(
    argv: list[str], fragments: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refusal(capsys, argv, tmp_path)
    for fragment in fragments:
        assert fragment in err, err


def test_state_count_equals_the_programme_and_refusal_is_early() -> None:
    scenario = apply_overrides(load_scenario(BASELINE), ["repeated.rounds=12"])
    count = budget.check_forward_states(scenario)
    assert count == repeated.forward_looking(scenario).states == 1464
    with pytest.raises(BudgetError, match="more than 100 states"):
        repeated.state_graph(scenario, 100)
    with pytest.raises(BudgetError, match="more than 100 states"):
        repeated.forward_looking(scenario, max_states=100)


def test_extrapolation_of_polynomial_growth() -> None:
    """Counts growing like r**3 extrapolate to the sum of r**3 (exact for a power law)."""
    counts = [max(1, r**3) for r in range(1, 21)]
    exact = sum(r**3 for r in range(1, 41))
    assert budget._extrapolate(counts, 40) == pytest.approx(exact, rel=0.02)


def test_the_library_run_is_bounded_by_default() -> None:
    import inspect

    default = inspect.signature(repeated.run).parameters["max_states"].default
    assert default == budget.MAX_STATES == 1_000_000
    with pytest.raises(BudgetError, match="more than 1,000 states by round"):
        repeated.run(load_scenario(BASELINE), max_states=1_000)
