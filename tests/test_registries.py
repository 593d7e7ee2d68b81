"""Each concept declared once: the CLI's choices, the scenario schema's literals and the
docs' tables are the registries; and what a command imports is what it needs."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from sim.article.answers import RULES
from sim.cli import build_parser
from sim.equilibria import METHODS, SELECTION_RULES
from sim.scenario.article_schema import Game
from sim.sweep import ANALYSES, EXECUTORS

ROOT = Path(__file__).resolve().parents[1]


def table_after(path: Path, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after ``heading`` (cells stripped, header and
    rule dropped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if heading in line)
    if lines[start].startswith("|"):
        start -= 1  # the heading is the table's own header row
    rows, seen = [], False
    for line in lines[start + 1:]:
        if line.startswith("|"):
            seen = True
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif seen:
            break
    return rows[2:]


def names(rows: list[list[str]]) -> list[str]:
    return [r[0].strip("`") for r in rows]


def choices(command: str, option: str) -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    action = next(a for a in sub.choices[command]._actions if option in a.option_strings)
    return list(action.choices or ())


def test_solver_methods() -> None:
    assert list(METHODS) == choices("solve", "--method")
    assert names(table_after(ROOT / "docs" / "equilibria.md", "### Every method by name")) == \
        list(METHODS)


def test_selection_rules() -> None:
    """The engine's rules: the QRE limit, then every rule of sim.equilibria; the scenario's
    game.selection, run's --rules and the docs' table are that list."""
    assert ("qre", *SELECTION_RULES) == RULES
    assert list(get_args(Game.model_fields["selection"].annotation)) == list(RULES)
    assert names(table_after(ROOT / "docs" / "scenarios.md", "### Selection rules")) == list(RULES)
    row = next(r for r in table_after(ROOT / "docs" / "scenarios.md", "## game")
               if r[0] == "`game.selection`")
    assert [v.strip(" `") for v in row[1].split(",")] == list(RULES)


def test_executors() -> None:
    assert choices("sweep", "--executor") == list(EXECUTORS)
    assert names(table_after(ROOT / "README.md", "| executor |")) == list(EXECUTORS)


def test_analyses() -> None:
    assert choices("sweep", "--analysis") == [*ANALYSES, "all"]
    rows = table_after(ROOT / "README.md", "| analysis |")
    assert [(r[0].strip("`"), r[1].strip("`:"), r[2]) for r in rows] == [
        (k.name, k.needs, k.summary) for k in ANALYSES.values()]


IMPORTED = """
import sys
{code}
print(" ".join(sorted(m for m in ("scipy", "nashpy", "pygambit", "matplotlib", "sim.sweep",
                                  "sim.equilibria", "sim.scenario", "jinja2", "numba",
                                  "sim.stochastic", "sim.article.build")
                      if m in sys.modules)))
"""


def imported(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", IMPORTED.format(code=code)], check=True,
                          capture_output=True, text=True, cwd=ROOT)
    return set(done.stdout.split())


def test_help_imports_neither_solvers_nor_sweeps_nor_matplotlib() -> None:
    found = imported("from sim.cli import build_parser\nbuild_parser().format_help()")
    assert found == set()


def test_validate_and_figures_never_import_the_model() -> None:
    """Reading a scenario, and redrawing figures from a results file, need the model's
    names and parameters only: not the game, the engine or the solvers."""
    found = imported("import contextlib, io\nfrom sim.cli import main\n"
                     "with contextlib.redirect_stdout(io.StringIO()):\n"
                     "    assert main(['validate', 'scenarios/baseline.yaml']) == 0")
    assert "sim.scenario" in found
    assert not found & {"sim.article.build", "sim.stochastic", "sim.equilibria", "numba", "scipy"}
    found = imported("import sim.pipeline, sim.figures, sim.report, sim.results")
    assert "matplotlib" in found and "jinja2" in found
    assert not found & {"sim.article.build", "sim.stochastic", "sim.equilibria", "numba", "scipy"}


@pytest.mark.slow
def test_a_four_player_run_never_imports_the_two_player_solvers(tmp_path: Path) -> None:
    """The baseline (four players, Model 2) with figures and report: the two-player solvers
    stay out (SciPy comes with the engine's compiled tracer on Model 2, so it is not
    checked here)."""
    found = imported("from sim.article.grid import Resolution\n"
                     "from sim.pipeline import RunOptions, run_to_folder\n"
                     "options = RunOptions(Resolution(3, 3), ('qre',), False, False, 0)\n"
                     f"run_to_folder('scenarios/baseline.yaml', out={str(tmp_path)!r}, "
                     "overrides=['game.rounds=2'], options=options)")
    assert "matplotlib" in found and "jinja2" in found
    assert not found & {"nashpy", "pygambit"}
