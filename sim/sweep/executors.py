"""Running a design in chunks: in-process, in local processes, or on Dask; and resuming.

A design of ``n`` variants splits into chunks of ``chunk_size`` consecutive variants
(the split depends only on the design and ``chunk_size``, never on the executor or the
number of workers). Each chunk is evaluated by a module-level evaluator
(:mod:`sim.sweep.evaluate`), so the result is identical whatever runs it.

With an output folder, each finished chunk is written atomically (temporary file, then
rename) as ``OUT/chunks/<scenario hash>-<design hash>-c<chunk size>/chunk-00012.npz``;
a later run with ``resume=True`` loads the finished chunks and computes only the rest,
which gives the same final result as an uninterrupted run.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypedDict

import numpy as np
import numpy.typing as npt

from sim.errors import HedgesimError
from sim.scenario import Scenario, scenario_hash
from sim.sweep.design import Design
from sim.sweep.evaluate import Evaluator
from sim.sweep.outcomes import Outcomes

ExecutorName = Literal["inprocess", "processes", "dask"]
EXECUTORS: tuple[str, ...] = ("inprocess", "processes", "dask")
#: Variants per chunk by default: large enough for the batch engine's vector work to
#: dominate, small enough that an interruption loses little.
DEFAULT_CHUNK_SIZE = 1024
DASK_MISSING = "the dask executor needs the optional extra: pip install 'hedgesim[dask]'"


def resolve_evaluator(evaluator: Evaluator | str) -> Evaluator:
    """``"batch"`` (the batch engine), ``"scalar"`` (the scalar simulator, one variant at a
    time) or any module-level evaluator function."""
    if callable(evaluator):
        return evaluator
    if evaluator == "batch":
        from sim.sweep import batch

        return batch.evaluate
    if evaluator == "scalar":
        from sim.sweep import evaluate

        return evaluate.scalar
    raise HedgesimError(f"unknown evaluator {evaluator!r}; choose batch or scalar")


def chunk_bounds(n: int, chunk_size: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of the chunks of ``n`` variants."""
    if chunk_size < 1:
        raise HedgesimError(f"chunk size must be at least 1, got {chunk_size}")
    return [(s, min(s + chunk_size, n)) for s in range(0, n, chunk_size)]


def chunk_dir(
    out_dir: str | os.PathLike[str], scenario: Scenario, design: Design, chunk_size: int
) -> Path:
    """Where the chunks of this scenario, design and chunk size are kept."""
    key = f"{scenario_hash(scenario)[:16]}-{design.hash[:16]}-c{chunk_size}"
    return Path(out_dir) / "chunks" / key


def _evaluate_chunk(
    evaluator: Evaluator,
    scenario: Scenario,
    keys: tuple[str, ...],
    values: npt.NDArray[np.float64],
) -> Outcomes:
    return evaluator(scenario, keys, values)


Submit = Callable[[int], Any]


@contextmanager
def _process_pool(workers: int) -> Iterator[cf.ProcessPoolExecutor]:
    # "spawn": workers start clean (no inherited threads or locks), on every platform alike.
    pool = cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn")
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _import_dask() -> tuple[Any, Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise HedgesimError(DASK_MISSING) from None
    return Client, LocalCluster, as_completed


@contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: connected to ``scheduler`` (``tcp://host:port``), or to a local cluster
    of ``workers`` single-threaded worker processes on loopback (127.0.0.1) when ``None``.

    Workers must be allowed child processes (the mixed-equilibrium solvers run in a bounded
    child): the local cluster is started so; start remote workers with
    ``DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker tcp://host:port --nthreads 1``.

    Raises
    ------
    HedgesimError
        If dask is not installed (one line on how to install it) or the scheduler cannot be
        reached.
    """
    Client, LocalCluster, _ = _import_dask()
    cluster = None
    try:
        if scheduler is None:
            import dask

            # Mixed equilibria are solved in a bounded child process
            # (sim.equilibria.gambit.run_bounded); daemonic workers may not have children.
            with dask.config.set({"distributed.worker.daemon": False}):
                cluster = LocalCluster(
                    n_workers=workers or 2,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise HedgesimError(
                    f"cannot reach the Dask scheduler at {scheduler}: {exc}"
                ) from None
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


class RunOptions(TypedDict, total=False):
    """How :func:`run_design` evaluates a design; the analyses take the same keywords."""

    evaluator: Evaluator | str
    executor: str
    workers: int | None
    scheduler: str | None
    out_dir: str | os.PathLike[str] | None
    resume: bool
    chunk_size: int
    progress: bool


def run_design(
    scenario: Scenario,
    design: Design,
    *,
    evaluator: Evaluator | str = "batch",
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    resume: bool = True,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
) -> Outcomes:
    """Evaluate every variant of ``design`` and return their outcomes in design order.

    Parameters
    ----------
    scenario
        The base scenario.
    design
        The variants (:mod:`sim.sweep.design`).
    evaluator
        ``"batch"`` (default), ``"scalar"`` or a module-level evaluator function.
    executor
        ``"inprocess"`` (default), ``"processes"`` (a local process pool of ``workers``,
        default ``os.cpu_count()``) or ``"dask"`` (``scheduler`` ``tcp://host:port``, or a
        local cluster of ``workers`` (default 2) processes on 127.0.0.1).
    out_dir
        Folder under which finished chunks are written (see the module docstring);
        ``None`` keeps nothing.
    resume
        Load finished chunks from ``out_dir`` instead of recomputing them.
    chunk_size
        Variants per chunk (part of the chunks' folder name).
    progress
        Show a progress bar over chunks on stderr (the CLI passes ``stderr.isatty()``).

    Raises
    ------
    HedgesimError
        On an unknown executor, bad worker count, ``scheduler`` without Dask, or Dask
        missing.
    """
    if executor not in EXECUTORS:
        raise HedgesimError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise HedgesimError(f"workers must be at least 1, got {workers}")
    if scheduler is not None and executor != "dask":
        raise HedgesimError("--scheduler needs --executor dask")
    if executor == "dask":
        _import_dask()
    fn = resolve_evaluator(evaluator)
    bounds = chunk_bounds(len(design), chunk_size)
    parts: list[Outcomes | None] = [None] * len(bounds)
    folder = None if out_dir is None else chunk_dir(out_dir, scenario, design, chunk_size)
    if folder is not None and resume:
        for i, (a, b) in enumerate(bounds):
            path = folder / f"chunk-{i:05d}.npz"
            if path.exists():
                parts[i] = Outcomes.load(path, b - a)
    todo = [i for i, p in enumerate(parts) if p is None]

    from tqdm import tqdm

    bar = tqdm(
        total=len(bounds),
        initial=len(bounds) - len(todo),
        disable=not progress,
        unit="chunk",
        desc="sweep",
        file=sys.stderr,
        dynamic_ncols=True,
    )

    def done(i: int, result: Outcomes) -> None:
        if folder is not None:
            result.save(folder / f"chunk-{i:05d}.npz")
        parts[i] = result
        bar.update(1)

    def args(i: int) -> tuple[Any, ...]:
        a, b = bounds[i]
        return fn, scenario, design.keys, design.values[a:b]

    try:
        if executor == "inprocess" or not todo:
            for i in todo:
                done(i, _evaluate_chunk(*args(i)))
        elif executor == "processes":
            with _process_pool(workers or os.cpu_count() or 1) as pool:
                futures = {pool.submit(_evaluate_chunk, *args(i)): i for i in todo}
                for fut in cf.as_completed(futures):
                    done(futures[fut], fut.result())
        else:
            _, _, as_completed = _import_dask()
            with dask_client(scheduler, workers) as client:
                dfutures = {client.submit(_evaluate_chunk, *args(i), pure=False): i for i in todo}
                for fut in as_completed(list(dfutures)):
                    done(dfutures[fut], fut.result())
    finally:
        bar.close()
    complete = [p for p in parts if p is not None]
    assert len(complete) == len(parts)
    return Outcomes.concat(complete)


__all__: Sequence[str] = [
    "DASK_MISSING",
    "DEFAULT_CHUNK_SIZE",
    "EXECUTORS",
    "ExecutorName",
    "chunk_bounds",
    "chunk_dir",
    "dask_client",
    "resolve_evaluator",
    "run_design",
]
