"""``hedgesim sweep`` end to end: analyses.json, resumable chunks, one-line errors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")


SHORT = ["--set", "game.rounds=4"]  # a short run on the analysis grid: seconds a sweep


def test_two_parameter_sweep_writes_the_grid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sweep", BASELINE, *SHORT, "--param", "beliefs.iran.visibility=0.25:2:3",
            "--param", "payoffs.gulf_incentive=1:10:2", "--out", str(tmp_path), "--no-figures"]
    assert main(argv) == 0
    assert "6 calibrations" in capsys.readouterr().out
    data = json.loads((tmp_path / "analyses.json").read_text())
    assert data["schema_version"] == 3
    grid = data["analyses"]["grid"]
    assert grid["keys"] == ["beliefs.iran.visibility", "payoffs.gulf_incentive"]
    assert grid["axes"][0] == pytest.approx([0.25, 1.125, 2.0])
    assert grid["rounds"] == 4 and grid["grid"] == [3, 3] and len(grid["points"]) == 6
    for p in grid["points"]:
        assert p["horizon"] in ("never", "collapse") or 0 <= p["horizon"] < 4
        assert sum(p["exit"].values()) == pytest.approx(1.0, abs=1e-9)
    # a larger Gulf/Western offer makes a realignment likelier at every visibility
    for low, high in zip(grid["points"][::2], grid["points"][1::2], strict=True):
        assert high["exit"]["realign"] > low["exit"]["realign"]
    # a second run resumes from the finished chunks and gives the same bytes
    first = (tmp_path / "analyses.json").read_bytes()
    assert any((tmp_path / "chunks").glob("*.npz"))
    assert main(argv) == 0
    assert (tmp_path / "analyses.json").read_bytes() == first


def test_monte_carlo_and_sensitivity_from_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sweep", BASELINE, "--set", "game.rounds=3", "--analysis", "monte-carlo",
            "--analysis", "sensitivity", "--draws", "6", "--by", "2025-01-15", "--out",
            str(tmp_path), "--no-figures", "--json"]
    assert main(argv) == 0
    analyses = json.loads(capsys.readouterr().out)["analyses"]
    mc = analyses["monte-carlo"]
    assert mc["draws"] == 6 and len(mc["points"]) == 6
    assert set(mc["samples"]) == set(mc["keys"])
    assert all(len(v) == 6 for v in mc["samples"].values())
    shares = mc["distributions"]["horizon"]
    assert sum(shares.values()) == pytest.approx(1.0)
    assert all(k in ("collapse", "never") or 0 <= int(k) < 3 for k in shares)
    assert mc["collapse_date"] == "2025-01-15" and mc["collapse_round"] == 3
    sens = analyses["sensitivity"]
    assert sorted(sens["keys"]) == sorted(mc["keys"])
    swings = [r["swing"] for r in sens["parameters"]]
    assert swings == sorted(swings, reverse=True)


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--param", "beliefs.iran.visibilty=0:1:3"], "did you mean 'beliefs.iran.visibility'"),
        (["--param", "tolerance.iran.decay=0:1:3"], "cannot vary 'tolerance.iran.decay'"),
        (["--param", "payoffs.iran_aid=1:2"], "payoffs.iran_aid"),
        (["--param", "payoffs.iran_aid=0:2:3"], "payoffs.iran_aid lies in [1, 8]"),
        (["--set", "game.rounds=-3"], "game.rounds"),
        (["--grid", "3"], "--grid 3: expected BELIEFSxCAPACITIES"),
        (["--by", "2030-01-01"], "--by 2030-01-01: outside the run"),
        (["--draws", "100000000", "--analysis", "monte-carlo"], "--allow-large"),
    ],
    ids=["unknown-key", "first-model-key", "malformed-axis", "out-of-bounds", "bad-override",
         "bad-grid", "date-outside", "over-budget"],
)
def test_bad_sweep_arguments_give_one_line(
    extra: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = ["sweep", BASELINE, "--param", "payoffs.gulf_incentive=1:2:2", *extra]
    assert main([*argv, "--out", str(out), "--no-figures"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0]
    assert not (out / "analyses.json").exists()


def test_two_sweeps_into_the_default_folder_never_mix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 9: a second sweep into runs/<name>/sweep/ left the first one's figures beside
    its own analyses.json."""
    monkeypatch.chdir(tmp_path)
    grid = ["sweep", BASELINE, *SHORT, "--param", "beliefs.iran.visibility=0.25:2:3"]
    assert main(grid) == 0
    folder = tmp_path / "runs" / "baseline" / "sweep"
    assert (folder / "horizon_sweep.png").exists() and (folder / "analyses.html").exists()
    mc = ["sweep", BASELINE, *SHORT, "--analysis", "monte-carlo", "--draws", "3",
          "--no-figures"]
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
    argv += ["--param", "payoffs.gulf_incentive=1:2:2", "--out", str(tmp_path / "out")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--scheduler garbage://x" in err
    assert not (tmp_path / "out").exists()


def test_figures_redraw_from_analyses_json_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The figures and the report of a sweep are exactly what its analyses.json draws."""
    out = tmp_path / "sweep"
    assert main(["sweep", BASELINE, "--set", "game.rounds=3", "--param",
                 "payoffs.gulf_incentive=1:10:3", "--analysis", "grid", "--analysis",
                 "sensitivity", "--out", str(out)]) == 0
    drawn = sorted(p.name for p in out.iterdir() if p.suffix in (".png", ".html"))
    assert drawn == ["analyses.html", "horizon_sweep.png", "horizon_tornado.png"]
    again = tmp_path / "again"
    assert main(["figures", str(out / "analyses.json"), "--out", str(again)]) == 0
    for name in drawn:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
