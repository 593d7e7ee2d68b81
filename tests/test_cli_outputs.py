"""What the ``hedgesim`` command writes where, and what it refuses before writing anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")


def test_set_applies_when_run_picks_its_analyses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 9: ``--set`` was ignored when ``run --analyses`` picked the analyses."""
    out = tmp_path / "out"
    argv = ["run", BASELINE, "--analyses", "--no-figures", "--out", str(out)]
    argv += ["--set", "sweeps=[]", "--set", "uncertainty.draws=5"]
    assert main(argv) == 0, capsys.readouterr().err
    analyses = json.loads((out / "analyses.json").read_text())["analyses"]
    assert sorted(analyses) == ["monte-carlo", "sensitivity"]
    assert analyses["monte-carlo"]["draws"] == 5
