"""Sizes are checked against documented budgets before any work (docs/budgets.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main

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
