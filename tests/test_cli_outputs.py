"""What the ``hedgesim`` command writes where, and what it refuses before writing anything."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim import atomic, output_folder, pipeline
from sim.cli import main
from sim.errors import ScenarioError
from sim.output_folder import MARKER
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
FUEL = str(ROOT / "scenarios" / "fuel_crisis.yaml")
HEADER = "description: d\nquestion: q\n"
#: A Model 2 run in well under a second: what these tests check is the folder, not the model.
FAST = ["--grid", "3x3", "--rules", "qre", "--no-robust", "--no-myopic", "--sustainability", "0",
        "--set", "game.rounds=3"]


def hedgesim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("hedgesim: error: "), err
    return err


# -- a folder's files come from one run --------------------------------------------------
@pytest.fixture(scope="module")
def previous_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding one complete run of the baseline, without figures."""
    out = tmp_path_factory.mktemp("previous") / "out"
    assert main(["run", BASELINE, "--no-figures", "--out", str(out), *FAST]) == 0
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def copy_of(previous_run: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(previous_run, out)
    return out


def no_leftovers(out: Path) -> bool:
    return [p.name for p in out.parent.iterdir()] == [out.name]


def test_a_second_run_replaces_the_folder_whole(
    previous_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = copy_of(previous_run, tmp_path)
    (out / "report.html").write_text("a report of another run")  # as if the first drew one
    assert main(["run", FUEL, "--no-figures", "--out", str(out), *FAST]) == 0
    assert not (out / "report.html").exists()
    assert json.loads((out / "results.json").read_text())["scenario"]["name"] == "fuel_crisis"
    assert no_leftovers(out)
    assert f"into {out}/" in capsys.readouterr().out


def test_a_run_failing_before_its_report_leaves_the_previous_run(
    previous_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = copy_of(previous_run, tmp_path)
    before = snapshot(out)

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as a Ctrl-C between the data and the report

    monkeypatch.setattr(pipeline, "write_json", killed)
    assert main(["run", FUEL, "--no-figures", "--out", str(out), *FAST]) == 130
    assert snapshot(out) == before and no_leftovers(out)


def test_a_concurrent_run_is_refused(previous_run: Path, tmp_path: Path) -> None:
    out = copy_of(previous_run, tmp_path)
    before = snapshot(out)
    with open(out / MARKER) as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        done = hedgesim("run", FUEL, "--no-figures", "--out", str(out), *FAST)
    assert done.returncode == 1 and "another hedgesim run is writing" in one_line(done.stderr)
    assert snapshot(out) == before and no_leftovers(out)


def test_a_folder_hedgesim_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    done = hedgesim("run", BASELINE, "--no-figures", "--out", str(out), *FAST)
    assert done.returncode == 1 and "holds files hedgesim did not write (thesis.tex)" in one_line(
        done.stderr
    )
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


def test_disk_full_is_one_line_and_keeps_the_previous_run(
    previous_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = copy_of(previous_run, tmp_path)
    before = snapshot(out)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    assert main(["run", FUEL, "--no-figures", "--out", str(out), *FAST]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no space left on device" in err and str(out) in err
    monkeypatch.undo()
    assert snapshot(out) == before and no_leftovers(out)


@pytest.mark.parametrize(
    ("errno_", "words"), [(errno.EROFS, "read-only file system"), (errno.EACCES, "permission")]
)
def test_an_unwritable_place_is_one_line_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    errno_: int, words: str,
) -> None:
    """Tests run as root, whom permission bits do not stop: the error is injected where the
    folder is first written."""

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(errno_, os.strerror(errno_), str(tmp_path / "out"))

    monkeypatch.setattr(output_folder, "_lock", refused)
    monkeypatch.setattr(pipeline, "solve_run", refused)  # must not be reached
    assert main(["run", BASELINE, "--no-figures", "--out", str(tmp_path / "out"), *FAST]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err
    assert list(tmp_path.iterdir()) == []


# -- refused inputs write nothing ----------------------------------------------------------
REFUSED = {
    "out-is-a-file": (["--out", "{file}"], "is a file, not a folder"),
    "out-below-a-file": (["--out", "{file}/sub"], "is a file, not a folder"),
    "huge-incentive": (["--set", "payoffs.gulf_incentive=1e308"], "expected a number <= 20"),
    "control-character": (["--set", "question=a\x1b[2Jb"], "invalid character #x001b"),
    "bad-yaml-number": (["--set", "game.rounds=1:30"], "expected an integer, got '1:30'"),
    "unsafe-name": (["--set", "name=.."], "starting with a letter or digit"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_input_is_one_line_and_touches_nothing(
    case: str, previous_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = copy_of(previous_run, tmp_path)
    file = tmp_path / "a-file"
    file.write_text("mine")
    before = snapshot(tmp_path)
    extra, fragment = REFUSED[case]
    argv = ["run", BASELINE, "--no-figures", "--out", str(out), *FAST]
    argv += [a.format(file=file) for a in extra]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("hedgesim: error: ") and fragment in captured.err
    assert snapshot(tmp_path) == before


def test_values_out_of_bounds_once_combined_are_refused_at_their_line(tmp_path: Path) -> None:
    """Each event alone keeps war_cost in its bounds; the third, applied after the first
    two, takes it out, and is named at its line."""
    events = "".join(
        f"  - {{name: e{i}, round: {i}, scale: {{payoffs.war_cost: 1.5}}}}\n"
        for i in range(1, 6)
    )
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {BASELINE}\nname: s\n{HEADER}events:\n{events}")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert (info.value.line, info.value.key_path) == (8, "events[2]")
    assert "take payoffs.war_cost to 13.5, outside its bounds" in str(info.value)


def test_the_next_run_clears_what_a_killed_run_left_beside_the_folder(
    previous_run: Path, tmp_path: Path
) -> None:
    """SIGKILL leaves no chance to clean up: the staging folder stays beside the target
    (hidden, the target itself intact) until the next run into that target removes it."""
    out = copy_of(previous_run, tmp_path)
    (tmp_path / ".out.staging-0badf00d").mkdir()
    (tmp_path / ".out.staging-0badf00d" / "results.json").write_text("{}")
    (tmp_path / ".out.old-0badf00d").mkdir()
    (tmp_path / ".other.staging-1").mkdir()  # another folder's: not ours to remove
    assert main(["run", FUEL, "--no-figures", "--out", str(out), *FAST]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.staging-1", "out"]
