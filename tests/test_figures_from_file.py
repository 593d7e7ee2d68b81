"""``hedgesim figures RESULTS.json`` redraws every figure and the report from the file alone,
byte for byte what the run drew; the committed ``figures/`` folder is what its own
results.json redraws to (``make run`` writes it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.figures import figures_of
from sim.results import ArticleResults, read_results

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "figures"


def test_every_figure_and_the_report_redraw_from_the_file_alone(
    tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Redrawn in place from results.json alone: every file of the folder keeps its bytes."""
    again = tmp_path / "again"
    shutil.copytree(tiny_run, again)
    before = {p.name: p.read_bytes() for p in again.iterdir() if p.is_file()}
    for p in again.glob("*.png"):
        p.unlink()
    (again / "report.html").unlink()
    assert main(["figures", str(again / "results.json"), "--out", str(again)]) == 0
    assert "redrew" in capsys.readouterr().out
    after = {p.name: p.read_bytes() for p in again.iterdir() if p.is_file()}
    drawn = figures_of(read_results(again / "results.json"))
    assert sorted(after) == sorted(before)
    assert len([n for n in after if n.endswith(".png")]) == len(drawn) == 9
    for name, data in before.items():
        assert after[name] == data, name


def test_the_committed_figures_are_what_their_results_redraw(tmp_path: Path) -> None:
    """``figures/`` is a Model 2 run (``make run``), and its figures and report are exactly
    what its results.json draws."""
    results = read_results(COMMITTED / "results.json")
    assert isinstance(results, ArticleResults) and results.scenario.name == "baseline"
    assert main(["figures", str(COMMITTED / "results.json"), "--out", str(tmp_path)]) == 0
    for spec, _ in figures_of(results):
        name = f"{spec.name}.png"
        assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes(), (
            f"figures/{name} differs from what figures/results.json draws: run make run")
    assert (tmp_path / "report.html").read_bytes() == (COMMITTED / "report.html").read_bytes()


def test_figures_refuses_an_old_results_file(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "results.json"
    old.write_text(json.dumps({"schema_version": 2, "model": "article", "rounds": []}))
    assert main(["figures", str(old), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "schema version 2" in err[0] and str(old) in err[0]
    assert not (tmp_path / "out").exists()
