"""A sweep whose process is killed outright (SIGKILL, no clean-up) resumes from the chunks it
finished and ends with the same analyses.json as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# 35 calibrations of 3 rounds on the analysis grid, in 5 chunks of 8 (a second or two each)
ARGS = [
    "sweep",
    str(ROOT / "scenarios" / "baseline.yaml"),
    "--set", "game.rounds=3",
    "--param", "beliefs.iran.visibility=0.25:2:5",
    "--param", "payoffs.gulf_incentive=1:10:7",
    "--no-figures",
]  # fmt: skip


def hedgesim(out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *ARGS, "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_sweep_resumes_to_the_same_result(tmp_path: Path) -> None:
    killed = tmp_path / "killed"
    proc = hedgesim(killed)
    deadline = time.monotonic() + 120
    while not list(killed.glob("chunks/*.npz")):
        assert proc.poll() is None, "the sweep ended before any chunk was written"
        assert time.monotonic() < deadline, "no chunk was written within 120 s"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_before = {p.name for p in killed.glob("chunks/*.npz")}
    assert 0 < len(done_before) < 5  # 35 calibrations in chunks of 8
    assert not (killed / "analyses.json").exists()

    resumed = hedgesim(killed)
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read() if resumed.stderr else ""
    fresh = hedgesim(tmp_path / "fresh")
    assert fresh.wait(timeout=300) == 0
    assert (killed / "analyses.json").read_bytes() == (
        tmp_path / "fresh" / "analyses.json"
    ).read_bytes()


def children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_process_sweep_leaves_no_worker(tmp_path: Path, sig: int) -> None:
    """Issue 9: killing a processes-executor sweep left its pool workers running."""
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *ARGS, "--executor", "processes", "--workers", "2",
         "--out", str(out)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while len(workers) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, "no pool workers started"
        time.sleep(0.1)
        workers = {p for p in children(proc.pid) if b"multiprocessing" in _cmdline(p)}
    time.sleep(1.0)  # let them import and take work
    os.kill(proc.pid, sig)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 15
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(workers), f"workers {sorted(alive(workers))} outlived their parent"
    if sig == signal.SIGTERM:
        assert proc.returncode == 143
        assert proc.stderr is not None and b"hedgesim: terminated" in proc.stderr.read()
        assert [p.name for p in tmp_path.iterdir() if p.name != "out"] == []  # no staging left


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
