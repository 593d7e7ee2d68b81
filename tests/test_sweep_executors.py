"""A sweep of Model 2 gives the same bytes on every executor; an interrupted sweep resumes to
the same result; a damaged chunk is solved again, never trusted; Dask is optional with a
one-line message; the library prints nothing unless asked for progress.

The sweeps are tiny (3 rounds, the 3x3 analysis grid, six calibrations) so each solve takes
a fraction of a second."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.article.grid import Resolution
from sim.calibrate import solving
from sim.errors import HedgesimError
from sim.results import GridAnalysis
from sim.scenario import scenario_from_mapping
from sim.sweep import DASK_MISSING, executors, grid_design, parse_param, solve_design, sweep
from sim.sweep.analyses import CHUNKS

SCENARIO = scenario_from_mapping(
    {"name": "ex", "description": "d", "question": "q", "game": {"rounds": 3}}
)
PARAMS = ["beliefs.iran.visibility=0.25:2:3", "payoffs.gulf_incentive=1:10:2"]
DESIGN = grid_design([parse_param(p) for p in PARAMS])
GRID = Resolution(belief_points=3, capacity_points=3)
SOLVE_CHUNK = solving.solve_chunk


@pytest.fixture(scope="module")
def reference() -> GridAnalysis:
    return sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2)


def same(a: GridAnalysis, b: GridAnalysis) -> bool:
    """The same record, bit for bit (its JSON)."""
    return a.model_dump_json() == b.model_dump_json()


def test_the_sweep_answers_differ_across_the_grid(reference: GridAnalysis) -> None:
    """A sweep that moves nothing Model 2 reads would give one answer everywhere."""
    assert len({p.model_dump_json() for p in reference.points}) == len(reference.points)
    low, high = reference.points[0], reference.points[1]  # incentive 1 -> 10 at visibility 0.25
    assert high.exit["realign"] > low.exit["realign"]


def test_processes_match_inprocess_bit_for_bit(reference: GridAnalysis) -> None:
    out = sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2, executor="processes", workers=2)
    assert same(out, reference)


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="dask[distributed] is not installed (pip install 'hedgesim[dask]')",
)
def test_local_dask_cluster_matches_inprocess(reference: GridAnalysis, tmp_path: Path) -> None:
    out = sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2, executor="dask", workers=2,
                out_dir=tmp_path)  # fmt: skip
    assert same(out, reference)
    assert len(list((tmp_path / CHUNKS).glob("*.npz"))) == 3


def test_dask_missing_gives_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(HedgesimError) as info:
        sweep(SCENARIO, PARAMS, grid=GRID, executor="dask")
    assert str(info.value) == DASK_MISSING
    assert "pip install 'hedgesim[dask]'" in str(info.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"executor": "cloud"}, "unknown executor 'cloud'"),
        ({"workers": 0}, "workers must be at least 1"),
        ({"scheduler": "tcp://127.0.0.1:1"}, "--scheduler needs --executor dask"),
        ({"chunk_size": 0}, "chunk size must be at least 1"),
    ],
)
def test_bad_executor_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(HedgesimError, match=message) as info:
        sweep(SCENARIO, PARAMS, grid=GRID, **options)
    assert "\n" not in str(info.value)


class Interrupting:
    """Solves ``after`` chunks, then raises KeyboardInterrupt (a Ctrl-C mid-sweep)."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.calls = 0

    def __call__(self, setting: Any, values: Any) -> solving.Answer:
        if self.calls >= self.after:
            raise KeyboardInterrupt
        self.calls += 1
        return SOLVE_CHUNK(setting, values)


def test_interrupted_sweep_resumes_to_the_same_result(
    reference: GridAnalysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Interrupting(after=1)
    monkeypatch.setattr(solving, "solve_chunk", first)
    with pytest.raises(KeyboardInterrupt):
        sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2, out_dir=tmp_path)
    assert len(list((tmp_path / CHUNKS).iterdir())) == 1  # one chunk, no temporary file left
    second = Interrupting(after=99)
    monkeypatch.setattr(solving, "solve_chunk", second)
    out = sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2, out_dir=tmp_path)
    assert second.calls == 2 and same(out, reference)  # only the two unfinished chunks
    third = Interrupting(after=0)  # everything is on disk: nothing is solved
    monkeypatch.setattr(solving, "solve_chunk", third)
    assert same(sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2, out_dir=tmp_path), reference)
    fourth = Interrupting(after=99)  # without resume every chunk is solved again
    monkeypatch.setattr(solving, "solve_chunk", fourth)
    sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2, out_dir=tmp_path, resume=False)
    assert fourth.calls == 3


@pytest.mark.parametrize("damage", ["truncated", "empty", "bad-crc", "wrong-size", "foreign"])
def test_damaged_chunk_is_solved_again_never_trusted(
    reference: GridAnalysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Issue 9: one truncated chunk stopped a resume with a BadZipFile/EOFError traceback."""
    sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2, out_dir=tmp_path)
    path = sorted((tmp_path / CHUNKS).glob("*.npz"))[1]
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "bad-crc":
        at = data.index(b"\x93NUMPY") + 130  # inside the first array's data
        path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])
    elif damage == "wrong-size":
        found = solving.Answer.from_bytes(data)
        path.write_bytes(found.take(np.array([0])).to_bytes())  # one calibration, not two
    else:
        path.write_bytes(b"PK\x03\x04 not what it claims")
    counting = Interrupting(after=99)
    monkeypatch.setattr(solving, "solve_chunk", counting)
    out = sweep(SCENARIO, PARAMS, grid=GRID, chunk_size=2, out_dir=tmp_path)
    assert counting.calls == 1 and same(out, reference)


def test_chunks_are_keyed_by_what_they_solve(tmp_path: Path) -> None:
    """A chunk's file is named by its inputs: another grid, another round count, other
    values or another scenario calibration never reuse it."""
    def names(scenario: Any = SCENARIO, grid: Resolution = GRID) -> set[str]:
        folder = tmp_path / f"{len(list(tmp_path.iterdir()))}"
        solve_design(scenario, grid_design([parse_param(PARAMS[1])]), grid=grid, chunk_size=2,
                     out_dir=folder)  # fmt: skip
        return {p.name for p in (folder / CHUNKS).iterdir()}

    base = names()
    assert base == names()  # the same inputs: the same names
    assert base.isdisjoint(names(grid=Resolution(belief_points=3, capacity_points=4)))
    longer = scenario_from_mapping({"name": "ex", "description": "d", "question": "q",
                                    "game": {"rounds": 4}})
    assert base.isdisjoint(names(longer))
    richer = scenario_from_mapping({"name": "ex", "description": "d", "question": "q",
                                    "game": {"rounds": 3}, "payoffs": {"iran_aid": 5.0}})
    assert base.isdisjoint(names(richer))


def test_library_is_silent_without_progress(capsys: pytest.CaptureFixture[str]) -> None:
    one = [PARAMS[1]]
    result = sweep(SCENARIO, one, grid=GRID, chunk_size=1)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert result.shape == (2,) and result.keys == ["payoffs.gulf_incentive"]
    sweep(SCENARIO, one, grid=GRID, chunk_size=1, progress=True)
    assert "2/2" in capsys.readouterr().err


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="dask[distributed] is not installed (pip install 'hedgesim[dask]')",
)
def test_dask_without_workers_fails_with_one_line_after_a_bounded_wait(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 9: Dask hung silently when its last worker died. A scheduler with no worker at
    all is the same situation from the client's side."""
    import logging

    from distributed import LocalCluster

    monkeypatch.setattr(executors, "NO_WORKER_WAIT", 1.0)
    with LocalCluster(
        n_workers=0, processes=False, dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        start = time.monotonic()
        with pytest.raises(HedgesimError, match="has had no worker for 1 s") as info:
            sweep(SCENARIO, PARAMS, grid=GRID, executor="dask",
                  scheduler=cluster.scheduler_address, chunk_size=2, out_dir=tmp_path)
        assert time.monotonic() - start < 30
        assert "\n" not in str(info.value)


def test_every_executor_is_a_concurrent_futures_executor() -> None:
    import concurrent.futures as cf

    for name in ("inprocess", "processes"):
        with executors.open_executor(name, workers=1) as (pool, live):
            assert isinstance(pool, cf.Executor) and live() >= 1
            assert pool.submit(sum, [1, 2]).result(timeout=60) == 3
