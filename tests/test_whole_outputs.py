"""``compare`` and ``explore`` write their folders whole (sim.output_folder): a second
command into the same folder replaces it, and a refused input midway leaves it as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
GULF = str(ROOT / "scenarios" / "gulf_push.yaml")
TINY = ["--grid", "3x3", "--rules", "qre", "--no-robust", "--no-myopic",
        "--sustainability", "0"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_compare_twice_into_one_folder_then_a_refusal_leaves_it_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", BASELINE, GULF, "--out", str(out), *TINY]) == 0
    # the scenarios' run folders are rerun, not carried over (and not a clash)
    assert main(["compare", BASELINE, GULF, "--out", str(out), *TINY]) == 0
    before = snapshot(out)
    bad = tmp_path / "bad.yaml"
    text = Path(BASELINE).read_text(encoding="utf-8")
    assert "  rate: 3.0" in text
    bad.write_text(text.replace("  rate: 3.0", "  rate: fast", 1), encoding="utf-8")
    assert {"compare.csv", "compare.html", "baseline/results.json"} <= set(before)
    capsys.readouterr()
    # the bad file is the last input: the first two are solved before it is refused
    assert main(["compare", BASELINE, GULF, str(bad), "--out", str(out), *TINY]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.yaml" in err and "hazard.rate" in err, err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "cmp"], \
        "no staging folder left behind"


def test_a_refused_explorer_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "explorer"
    assert main(["explore", BASELINE, "--num", "2", "--out", str(out), *TINY,
                 "--grid", "41x20"]) == 1
    assert "--grid 41x20" in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == []
