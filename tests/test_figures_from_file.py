"""``make run`` end to end: the baseline with its analyses, the same bytes as the committed
``figures/``, and every figure and the report redrawn from the files alone."""

from __future__ import annotations

import json
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
    out, report = made
    again = tmp_path / "again"
    assert main(["figures", str(out / "results.json"), "--out", str(again)]) == 0
    assert "redrew" in capsys.readouterr().out
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == sorted(p.name for p in again.glob("*.png")) and len(pngs) == 9
    for name in pngs:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert (again / "report.html").read_text(encoding="utf-8") == report


def test_figures_refuses_an_old_results_file(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "results.json"
    old.write_text(json.dumps({"schema_version": 1, "rounds": []}))
    assert main(["figures", str(old), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "schema version 1" in err[0] and str(old) in err[0]
    assert not (tmp_path / "out").exists()
