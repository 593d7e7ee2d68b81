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


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (
            ["calibrate", BASELINE, "--n", "1000000000000"],
            ["--n 1,000,000,000,000: about 1e+12 draws", "TB of memory", "years",
             "even with --allow-large"],
        ),
        (
            ["calibrate", BASELINE, "--n", "400000"],
            ["--n 400,000: about 400,000 draws", "the budget is 300,000 draws", "--allow-large"],
        ),
        (
            ["calibrate", BASELINE, "--n", "4", "--pilot", "100000000"],
            ["--pilot 100,000,000: about 100,000,000 pilot draws", "the budget is 36,000,000",
             "--allow-large"],
        ),
        (
            ["analyze", BASELINE, "--n", "1000000000000", "--no-figures"],
            ["--n 1,000,000,000,000, --sobol-base 160, --sobol-max-base 1,600 and "
             "--importance-n 32",
             "TB of memory",
             "even with --allow-large"],
        ),
        (
            ["analyze", BASELINE, "--sobol-base", "2000", "--no-figures"],
            ["--sobol-base 2,000", "--sobol-max-base 20,000",
             "up to 243,020 calibrations solved x 24 rounds on the 3x3 grid",
             "the budget is 42,000,000 state-round solves", "--allow-large"],
        ),
    ],
    ids=["calibrate-beyond-memory", "calibrate-beyond-budget", "pilot", "analyze-draws",
         "analyze-solves"],
)  # fmt: skip
def test_oversized_draws_and_analyses_are_refused_before_any_work(
    argv: list[str], fragments: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``calibrate`` and ``analyze`` check the calibrations drawn, the pilot's box draws
    and (``analyze``) an upper bound of the solves before drawing anything: 243,020 =
    22,000 supported draws solved (A's 20,000 rows, ten times the base, the third stage's
    cap, and B's first 2,000: B's rows beyond the base are drawn, not solved) + 11 factors
    x 32 screening rows + 11 factors x 19,968 rows beyond them (the refinement and each of
    the third stage's eight passes can extend a leader of each of 6 answers: 54 leaders, more
    than the 11 factors, so every factor up to the cap) + 28 relaxed sets x 32 draws + 124
    knife-edge nudges."""
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    for fragment in fragments:
        assert fragment in captured.err, captured.err
    assert not out.exists()


def test_validate_expect_checks_its_draws_and_solves(capsys: pytest.CaptureFixture[str]) -> None:
    """``validate --expect`` draws ``--expect-n`` calibrations and solves them for each
    expectation (twice where it compares with another scenario): both are budgeted."""
    gulf = str(ROOT / "scenarios" / "gulf_push.yaml")
    assert main(["validate", gulf, "--expect", "--expect-n", "100000000"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--expect-n 100,000,000: about 100,000,000 draws" in err
    assert main(["validate", gulf, "--expect", "--expect-n", "250000"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "calibrations solved for" in err and "--allow-large" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["analyze", BASELINE, "--executor", "processes", "--workers", "100000"],
         "--workers 100,000: about 26.2 TB of memory for the worker processes"),
        (["sweep", BASELINE, "--analysis", "monte-carlo", "--draws", "4", "--executor",
          "processes", "--workers", "100000"], "more than this machine's memory"),
        (["analyze", BASELINE, "--rounds", "100000"],
         "--rounds must be between 1 and 520 (the bound of game.rounds), got 100000"),
        (["calibrate", BASELINE, "--seed", "-1"], "--seed must be at least 0, got -1"),
        (["analyze", BASELINE, "--seed", "-1"], "--seed must be at least 0, got -1"),
    ],
    ids=["workers-analyze", "workers-sweep", "rounds", "seed-calibrate", "seed-analyze"],
)  # fmt: skip
def test_impossible_workers_rounds_and_seeds_are_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What was a traceback or a hang: 100,000 worker processes (250 MiB each, on a machine
    of 25 GB here: the memory is fixed for the test), a calendar of 100,000 months (past
    Python's last date), a negative seed (numpy's SeedSequence takes none)."""
    import sim.budget

    monkeypatch.setattr(sim.budget, "machine_memory", lambda: 25 * 10**9)
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not out.exists()
