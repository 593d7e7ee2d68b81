"""Executors give identical results; an interrupted sweep resumes to the same result; Dask is
optional with a one-line message; the library prints nothing unless asked for progress."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.errors import HedgesimError
from sim.scenario import scenario_from_mapping
from sim.sweep import (
    DASK_MISSING,
    Outcomes,
    batch,
    executors,
    grid_design,
    parse_param,
    run_design,
    sweep,
)
from sim.sweep.executors import chunk_dir

SCENARIO = scenario_from_mapping(
    {"name": "ex", "description": "d", "question": "q", "repeated": {"rounds": 8}}
)
PARAMS = ["tolerance.iran.decay=0.05:0.2:4", "parameters.gulf_incentive=1:6:3"]
DESIGN = grid_design([parse_param(p) for p in PARAMS])


@pytest.fixture(scope="module")
def reference() -> Outcomes:
    return run_design(SCENARIO, DESIGN, chunk_size=5)


def test_inprocess_matches_unchunked_and_scalar(reference: Outcomes) -> None:
    whole = batch.evaluate(SCENARIO, DESIGN.keys, DESIGN.values)
    assert reference.equals(whole)
    some = grid_design([parse_param("tolerance.iran.decay=0.05:0.2:2")])
    assert run_design(SCENARIO, some, evaluator="scalar").equals(run_design(SCENARIO, some))


def test_processes_match_inprocess(reference: Outcomes) -> None:
    out = run_design(SCENARIO, DESIGN, executor="processes", workers=2, chunk_size=5)
    assert out.equals(reference)


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="dask[distributed] is not installed (pip install 'hedgesim[dask]')",
)
def test_local_dask_cluster_matches_inprocess(reference: Outcomes, tmp_path: Path) -> None:
    out = run_design(
        SCENARIO, DESIGN, executor="dask", workers=2, chunk_size=5, out_dir=tmp_path
    )
    assert out.equals(reference)
    assert len(list(chunk_dir(tmp_path, SCENARIO, DESIGN, 5).glob("chunk-*.npz"))) == 3


def test_dask_missing_gives_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(HedgesimError) as info:
        run_design(SCENARIO, DESIGN, executor="dask")
    assert str(info.value) == DASK_MISSING
    assert "pip install 'hedgesim[dask]'" in str(info.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"executor": "cloud"}, "unknown executor 'cloud'"),
        ({"workers": 0}, "workers must be at least 1"),
        ({"scheduler": "tcp://127.0.0.1:1"}, "--scheduler needs --executor dask"),
        ({"evaluator": "fast"}, "unknown evaluator"),
    ],
)
def test_bad_executor_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(HedgesimError, match=message):
        run_design(SCENARIO, DESIGN, **options)


class Interrupting:
    """Evaluates ``after`` chunks, then raises KeyboardInterrupt (a Ctrl-C mid-sweep)."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.calls = 0

    def __call__(self, scenario: Any, keys: Any, values: np.ndarray) -> Outcomes:
        if self.calls >= self.after:
            raise KeyboardInterrupt
        self.calls += 1
        return batch.evaluate(scenario, keys, values)


def test_interrupted_sweep_resumes_to_the_same_result(
    reference: Outcomes, tmp_path: Path
) -> None:
    first = Interrupting(after=1)
    with pytest.raises(KeyboardInterrupt):
        run_design(SCENARIO, DESIGN, evaluator=first, chunk_size=5, out_dir=tmp_path)
    folder = chunk_dir(tmp_path, SCENARIO, DESIGN, 5)
    assert sorted(p.name for p in folder.iterdir()) == ["chunk-00000.npz"]  # no temp left
    second = Interrupting(after=99)
    out = run_design(SCENARIO, DESIGN, evaluator=second, chunk_size=5, out_dir=tmp_path)
    assert second.calls == 2  # only the two unfinished chunks
    assert out.equals(reference)
    third = Interrupting(after=0)  # everything is on disk: nothing is evaluated
    assert run_design(SCENARIO, DESIGN, evaluator=third, chunk_size=5, out_dir=tmp_path).equals(
        reference
    )
    # Without resume every chunk is recomputed.
    fourth = Interrupting(after=99)
    run_design(SCENARIO, DESIGN, evaluator=fourth, chunk_size=5, out_dir=tmp_path, resume=False)
    assert fourth.calls == 3


def test_unreadable_chunk_is_recomputed(reference: Outcomes, tmp_path: Path) -> None:
    run_design(SCENARIO, DESIGN, chunk_size=5, out_dir=tmp_path)
    folder = chunk_dir(tmp_path, SCENARIO, DESIGN, 5)
    (folder / "chunk-00001.npz").write_bytes(b"not a chunk")
    counting = Interrupting(after=99)
    out = run_design(SCENARIO, DESIGN, evaluator=counting, chunk_size=5, out_dir=tmp_path)
    assert counting.calls == 1 and out.equals(reference)


def test_chunks_are_keyed_by_scenario_and_design(tmp_path: Path) -> None:
    other = SCENARIO.model_copy(update={"seed": 1})
    a = chunk_dir(tmp_path, SCENARIO, DESIGN, 5)
    assert a != chunk_dir(tmp_path, other, DESIGN, 5)
    assert a != chunk_dir(tmp_path, SCENARIO, grid_design([parse_param(PARAMS[0])]), 5)
    assert a != chunk_dir(tmp_path, SCENARIO, DESIGN, 6)


def test_library_is_silent_without_progress(capsys: pytest.CaptureFixture[str]) -> None:
    result = sweep(SCENARIO, PARAMS, chunk_size=5)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert result.horizon.shape == (4, 3) and result.keys == DESIGN.keys
    sweep(SCENARIO, PARAMS, chunk_size=5, progress=True)
    assert "3/3" in capsys.readouterr().err


@pytest.mark.parametrize(
    "damage",
    ["truncated", "empty", "bad-crc", "codes-out-of-range"],
)
def test_damaged_chunk_is_recomputed_never_trusted(
    reference: Outcomes, tmp_path: Path, damage: str
) -> None:
    """Issue 9: one truncated chunk stopped a resume with a BadZipFile/EOFError traceback."""
    run_design(SCENARIO, DESIGN, chunk_size=5, out_dir=tmp_path)
    path = chunk_dir(tmp_path, SCENARIO, DESIGN, 5) / "chunk-00001.npz"
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "bad-crc":
        at = data.index(b"\x93NUMPY") + 200  # inside the first array's data
        path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :])
    else:
        bad = Outcomes.load(path)
        assert bad is not None
        Outcomes(bad.horizon, bad.exit + 99, bad.first_broken, bad.first_broken_round).save(path)
    assert Outcomes.load(path, 5) is None
    counting = Interrupting(after=99)
    out = run_design(SCENARIO, DESIGN, evaluator=counting, chunk_size=5, out_dir=tmp_path)
    assert counting.calls == 1 and out.equals(reference)


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
            run_design(
                SCENARIO, DESIGN, executor="dask", scheduler=cluster.scheduler_address,
                chunk_size=5, out_dir=tmp_path,
            )  # fmt: skip
        assert time.monotonic() - start < 30
        assert "\n" not in str(info.value)


def test_every_executor_is_a_concurrent_futures_executor() -> None:
    import concurrent.futures as cf

    for name in ("inprocess", "processes"):
        with executors.open_executor(name, workers=1) as (pool, live):
            assert isinstance(pool, cf.Executor) and live() >= 1
            assert pool.submit(sum, [1, 2]).result(timeout=60) == 3
