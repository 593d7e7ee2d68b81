"""``hedgesim sweep`` end to end: analyses.json, resumable chunks, one-line errors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")


def test_two_parameter_sweep_writes_the_grid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "sweep",
        BASELINE,
        "--param",
        "tolerance.iran.decay=0.04:0.16:4",
        "--param",
        "parameters.gulf_incentive=2:4:2",
        "--out",
        str(tmp_path),
        "--no-figures",
    ]
    assert main(argv) == 0
    assert "8 variants" in capsys.readouterr().out
    data = json.loads((tmp_path / "analyses.json").read_text())
    grid = data["analyses"]["grid"]
    assert grid["keys"] == ["tolerance.iran.decay", "parameters.gulf_incentive"]
    assert grid["axes"][0] == pytest.approx([0.04, 0.08, 0.12, 0.16])
    assert len(grid["horizon"]) == 4 and all(len(row) == 2 for row in grid["horizon"])
    # faster decay of Iran's patience never lengthens hedging, at either incentive
    for column in zip(*grid["horizon"], strict=True):
        ends = [24 if h is None else h for h in column]
        assert ends == sorted(ends, reverse=True)
    # the baseline's own cell (decay 0.08, incentive 2..4) ends hedging in finite time
    assert grid["exit"][1][0] == "align"
    # a second run resumes from the finished chunks and gives the same bytes
    first = (tmp_path / "analyses.json").read_bytes()
    assert any((tmp_path / "chunks").rglob("*.npz"))
    assert main(argv) == 0
    assert (tmp_path / "analyses.json").read_bytes() == first


def test_monte_carlo_and_sensitivity_from_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "sweep",
        BASELINE,
        "--analysis",
        "monte-carlo",
        "--draws",
        "40",
        "--out",
        str(tmp_path),
        "--no-figures",
        "--json",
    ]
    assert main(argv) == 0
    mc = json.loads(capsys.readouterr().out)["analyses"]["monte-carlo"]
    assert mc["draws"] == 40 and len(mc["horizon"]) == 40
    assert sum(mc["exit_shares"].values()) == pytest.approx(1.0)
    q = mc["quantiles"]
    assert q["0.05"] <= q["0.5"] <= q["0.95"]


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--param", "tolerance.iran.decai=0:1:3"], "tolerance.iran.decai"),
        (["--param", "parameters.iran_aid=1:2"], "parameters.iran_aid"),
        (["--set", "repeated.rounds=-3"], "repeated.rounds"),
    ],
    ids=["unknown-key", "malformed-axis", "bad-override"],
)
def test_bad_sweep_arguments_give_one_line(
    extra: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["sweep", BASELINE, *extra, "--out", str(out), "--no-figures"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0]
    assert not (out / "analyses.json").exists()


def test_two_sweeps_into_the_default_folder_never_mix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 9: a second sweep into runs/<name>/sweep/ left the first one's figures beside
    its own analyses.json."""
    monkeypatch.chdir(tmp_path)
    grid = ["sweep", BASELINE, "--param", "tolerance.iran.decay=0.04:0.16:3"]
    assert main(grid) == 0
    folder = tmp_path / "runs" / "baseline" / "sweep"
    assert (folder / "horizon_sweep.png").exists() and (folder / "analyses.html").exists()
    mc = ["sweep", BASELINE, "--analysis", "monte-carlo", "--draws", "10", "--no-figures"]
    assert main(mc) == 0
    capsys.readouterr()
    assert sorted(p.name for p in folder.iterdir()) == [".hedgesim", "analyses.json", "chunks"]
    assert list(json.loads((folder / "analyses.json").read_text())["analyses"]) == ["monte-carlo"]
    # the grid's chunks were kept: running it again computes nothing new
    chunks = sorted(p.name for p in (folder / "chunks").rglob("*.npz"))
    assert main([*grid, "--no-figures"]) == 0
    assert sorted(p.name for p in (folder / "chunks").rglob("*.npz")) == chunks
    # a run into runs/baseline/ keeps the sweep folder nested in it
    assert main(["run", BASELINE, "--no-figures", "--grid", "3x3", "--rules", "qre", "--no-robust",
                 "--no-myopic", "--sustainability", "0", "--set", "game.rounds=2"]) == 0
    assert (folder / "analyses.json").exists()
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["baseline"]


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None, reason="dask[distributed] is not installed"
)
def test_a_malformed_scheduler_address_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sweep", BASELINE, "--executor", "dask", "--scheduler", "garbage://x"]
    argv += ["--param", "tolerance.iran.decay=0:0.2:3", "--out", str(tmp_path / "out")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--scheduler garbage://x" in err
    assert not (tmp_path / "out").exists()
