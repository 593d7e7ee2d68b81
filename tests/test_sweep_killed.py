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
ARGS = [
    "sweep",
    str(ROOT / "scenarios" / "baseline.yaml"),
    "--param", "tolerance.iran.decay=0.01:0.2:80",
    "--param", "parameters.gulf_incentive=0:8:80",
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
    while not list(killed.glob("chunks/*/chunk-*.npz")):
        assert proc.poll() is None, "the sweep ended before any chunk was written"
        assert time.monotonic() < deadline, "no chunk was written within 120 s"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_before = {p.name for p in killed.glob("chunks/*/chunk-*.npz")}
    assert 0 < len(done_before) < 7  # 6400 variants in chunks of 1024
    assert not (killed / "analyses.json").exists()

    resumed = hedgesim(killed)
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read() if resumed.stderr else ""
    fresh = hedgesim(tmp_path / "fresh")
    assert fresh.wait(timeout=300) == 0
    assert (killed / "analyses.json").read_bytes() == (
        tmp_path / "fresh" / "analyses.json"
    ).read_bytes()
