"""Every shipped scenario through the ``hedgesim`` command, in a temporary folder."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from markupsafe import escape

from sim.cli import main
from sim.figures import FIGURES, figures_of
from sim.figures.common import DPI
from sim.results import ArticleResults, read_results

ROOT = Path(__file__).resolve().parents[1]
#: Model 2's stage games at a tiny grid (the run's grid takes minutes).
GRID = ["--grid", "3x3"]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_at_least_seven_scenarios_ship() -> None:
    assert len(SCENARIOS) >= 7
    assert ROOT / "scenarios" / "baseline.yaml" in SCENARIOS


def test_validate_accepts_every_shipped_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *map(str, SCENARIOS)]) == 0
    assert capsys.readouterr().out.count(": ok") == len(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_scenario_runs_end_to_end(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On Model 2 at a tiny grid over each scenario's own rounds (every dated event falls in
    them; the run's grid takes minutes: ``make run``)."""
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out), "--grid", "3x3", "--rules", "qre",
                 "--no-robust", "--no-myopic", "--sustainability", "0"]) == 0
    printed = capsys.readouterr().out
    results = read_results(out / "results.json")
    assert isinstance(results, ArticleResults)
    assert results.scenario.name in printed
    assert (out / "trajectory.csv").read_text().count("\n") == len(results.rounds) + 1
    names = [spec.name for spec, _ in figures_of(results)]
    for name in names:
        w, h = FIGURES[name].size  # type: ignore[misc]
        assert png_size(out / f"{name}.png") == (round(w * DPI), round(h * DPI)), name
    assert not list(out.glob("*.svg")), "SVG only when asked for"
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count("data:image/png;base64,") == len(names)
    first_sentence = printed.splitlines()[2]
    assert str(escape(first_sentence.split(";")[0])) in report


def test_solve_marks_the_selected_equilibrium_of_a_scenario(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Model 2's round-0 stage game with continuation values: the engine's selected play is
    one of the equilibria the solvers find and verify."""
    assert main(["solve", str(ROOT / "scenarios" / "baseline.yaml"), "--json", *GRID]) == 0
    doc = json.loads(capsys.readouterr().out)
    selected = [e for e in doc["equilibria"] if e["selected"]]
    assert len(selected) == 1
    syria = doc["players"].index("syria")
    hedge = doc["actions"][syria].index("hedge")
    assert selected[0]["profile"][syria][hedge] == pytest.approx(1.0)


def test_solve_table_shows_syria_hedging(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(ROOT / "scenarios" / "baseline.yaml"), *GRID]) == 0
    out = capsys.readouterr().out
    assert "[selected]" in out
    # Display names, as explain prints them, not the data's keys.
    row = next(line for line in out.splitlines() if line.startswith("Syria"))
    assert "hedge" in row
    assert not any(line.startswith(("syria ", "gulf ")) for line in out.splitlines())


def test_explain_says_why_hedge_beats_each_alternative(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", str(ROOT / "scenarios" / "baseline.yaml"), *GRID]) == 0
    out = capsys.readouterr().out
    assert "Why Syria plays hedge" in out and "continuation" in out
    align = out.split("align instead of hedge:")[1].split("realign instead")[0]
    assert "(worse;" in align and "war_cost" in align and "C05" in align
    assert "abandonment_risk" in out.split("realign instead of hedge:")[1]


def test_explain_at_a_given_profile(capsys: pytest.CaptureFixture[str]) -> None:
    profile = "syria=align,iran=support,israel=interdict,gulf=isolate"
    argv = ["explain", str(ROOT / "scenarios" / "baseline.yaml"), "--profile", profile, *GRID]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "At the given profile" in out and "Why Syria plays align" in out
    assert "hedge instead of align" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["explain", "{baseline}", "--profile", "syria=hedge", "--grid", "3x3"],
         "no action given for iran"),
        (["explain", "{baseline}", "--round", "99", "--grid", "3x3"],
         "--round 99: the scenario has rounds 0 to 23"),
        (
            [
                "explain",
                "{baseline}",
                "--profile",
                "syria=dance,iran=support,israel=interdict,gulf=engage",
                "--grid",
                "3x3",
            ],
            "no action 'dance'",
        ),
        (["run", "{baseline}", "--set", "game.rounds=abc"], "game.rounds"),
        (["run", "{baseline}", "--set", "beliefs.iran.catc=0.1"], "catch"),
        (["run", "{baseline}", "--grid", "7by4"], "--grid 7by4: expected BELIEFSxCAPACITIES"),
        (["run", "{baseline}", "--grid", "2x4"], "belief_points must be an integer >= 3"),
        (["run", "{baseline}", "--rules", "qre,chaos"], "unknown rule 'chaos'"),
        (["run", "{baseline}", "--sustainability", "-1"], "--sustainability must be >= 0"),
        (["validate", "{missing}"], "no-such-scenario.yaml"),
    ],
    ids=["profile-incomplete", "round", "profile-unknown-action", "set-type", "set-typo",
         "grid-form", "grid-size", "rules", "sustainability", "missing"],
)
def test_user_errors_print_one_line_and_write_nothing(
    argv: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = str(ROOT / "scenarios" / "baseline.yaml")
    missing = str(tmp_path / "no-such-scenario.yaml")
    args = [a.format(baseline=baseline, missing=missing) for a in argv]
    out = tmp_path / "out"
    if args[0] == "run":
        args += ["--out", str(out)]
    assert main(args) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], captured.err
    assert not out.exists()


def test_explain_takes_its_rounds_from_the_game_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario of 4 rounds (game.rounds) has no round 5, whatever else the file says."""
    text = (ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
    short = tmp_path / "short.yaml"
    short.write_text(text.replace("game:\n  rounds: 24\n", "game:\n  rounds: 4\n", 1))
    assert short.read_text() != text
    assert main(["explain", str(short), "--round", "5", "--grid", "3x3"]) == 1
    assert "--round 5: the scenario has rounds 0 to 3" in capsys.readouterr().err


def test_run_json_prints_the_results_it_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    baseline = str(ROOT / "scenarios" / "baseline.yaml")
    assert main(["run", baseline, "--out", str(out), "--no-figures", "--json", "--grid", "3x3",
                 "--rules", "qre", "--no-robust", "--no-myopic", "--sustainability", "0",
                 "--set", "game.rounds=2"]) == 0
    assert capsys.readouterr().out == (out / "results.json").read_text()
