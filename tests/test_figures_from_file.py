"""``make run`` end to end: the baseline with its analyses, the same bytes as the committed
``figures/``, and every figure and the report redrawn from the files alone."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from sim.cli import main
from sim.figures import figures_of
from sim.results import read_results

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
COMMITTED = ROOT / "figures"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """What ``make run`` does: ``hedgesim run scenarios/baseline.yaml --analyses``."""
    out = tmp_path_factory.mktemp("make-run") / "figures"
    assert main(["run", str(BASELINE), "--out", str(out), "--analyses"]) == 0
    return out, (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["results.json", "analyses.json", "trajectory.csv"])
def test_a_fresh_run_gives_the_committed_bytes(made: tuple[Path, str], name: str) -> None:
    """After ``make run`` on a fresh clone, ``git status`` shows the data files unchanged."""
    out, _ = made
    assert (out / name).read_bytes() == (COMMITTED / name).read_bytes(), (
        f"figures/{name} differs from a fresh run: regenerate figures/ (make run)")


def test_the_run_puts_sweeps_and_uncertainty_in_its_report(made: tuple[Path, str]) -> None:
    out, report = made
    analyses = json.loads((out / "analyses.json").read_text())["analyses"]
    assert set(analyses) == {"grid", "monte-carlo", "sensitivity"}
    for name in ("horizon_grid", "horizon_distribution", "horizon_tornado"):
        head = (out / f"{name}.png").read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24])[0] > 0
    assert report.count('class="answer analysis"') == 3
    drawn = len(figures_of(read_results(out / "results.json"))) + 3
    assert report.count("data:image/png;base64,") == drawn
    assert not list(out.glob("*.svg"))


def test_every_figure_and_the_report_redraw_from_the_files_alone(
    made: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Redrawn in place, from results.json alone (it brings the analyses.json beside it):
    every file of the folder keeps its bytes."""
    out, _ = made
    again = tmp_path / "again"
    shutil.copytree(out, again, ignore=shutil.ignore_patterns("chunks"))
    before = {p.name: p.read_bytes() for p in again.iterdir() if p.is_file()}
    for p in again.glob("*.png"):
        p.unlink()
    (again / "report.html").unlink()
    assert main(["figures", str(again / "results.json"), "--out", str(again)]) == 0
    assert "redrew" in capsys.readouterr().out
    after = {p.name: p.read_bytes() for p in again.iterdir() if p.is_file()}
    assert sorted(after) == sorted(before) and len([n for n in after if n.endswith(".png")]) == 9
    for name, data in before.items():
        assert after[name] == data, name


def test_analyses_alone_redraw_into_their_own_report(made: tuple[Path, str],
                                                     tmp_path: Path) -> None:
    out, _ = made
    assert main(["figures", str(out / "analyses.json"), "--out", str(tmp_path / "a")]) == 0
    drawn = sorted(p.name for p in (tmp_path / "a").iterdir() if not p.name.startswith("."))
    assert drawn == ["analyses.html", "horizon_distribution.png", "horizon_grid.png",
                     "horizon_tornado.png"]
    for name in drawn[1:]:
        assert (tmp_path / "a" / name).read_bytes() == (out / name).read_bytes()


def test_figures_refuses_an_old_results_file(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "results.json"
    old.write_text(json.dumps({"schema_version": 1, "rounds": []}))
    assert main(["figures", str(old), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "schema version 1" in err[0] and str(old) in err[0]
    assert not (tmp_path / "out").exists()
