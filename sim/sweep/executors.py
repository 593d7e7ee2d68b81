"""Running a design in chunks: in-process, in local processes, or on Dask; and resuming.

Every executor is a :class:`concurrent.futures.Executor` (:func:`open_executor`; Dask's is
``Client.get_executor()``), driven by one loop that keeps a few chunks in flight and saves
each as it finishes. Pool workers end with the process that started them, however it ends
(``PR_SET_PDEATHSIG`` on Linux, a watch thread elsewhere); a Dask cluster left without
workers fails with one line after :data:`NO_WORKER_WAIT` seconds instead of waiting for ever.

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
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
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


# -- one concurrent.futures interface for every executor -------------------------------------
class InProcessExecutor(cf.Executor):
    """Runs each call at once, in this process, when it is submitted."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # delivered through the future, as other executors do
            future.set_exception(exc)
        return future


#: Seconds between a pool worker's checks that its parent is alive (where the operating
#: system cannot do it: PR_SET_PDEATHSIG is Linux only).
PARENT_POLL = 1.0


def _exit_with_parent(parent: int) -> None:
    """Pool worker initializer: end this worker when the process that started it dies,
    however it dies (SIGKILL included), so a killed sweep leaves no worker behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl: the thread does
            pass
    def end() -> None:  # at once: no clean-up, as the parent's death would have it
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

    if os.getppid() != parent:  # the parent died before the line above took effect
        end()

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL)
            if os.getppid() != parent:
                end()

    threading.Thread(target=watch, name="hedgesim-parent-watch", daemon=True).start()


@contextmanager
def _process_pool(workers: int) -> Iterator[cf.ProcessPoolExecutor]:
    # "spawn": workers start clean (no inherited threads or locks), on every platform alike.
    pool = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    finished = False
    try:
        yield pool
        finished = True
    finally:
        # On an error or an interrupt, do not wait for the running chunks.
        pool.shutdown(wait=finished, cancel_futures=True)


def _import_dask() -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise HedgesimError(DASK_MISSING) from None
    return Client, LocalCluster


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
        reached or its address is malformed.
    """
    Client, LocalCluster = _import_dask()
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
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                problem = " ".join(str(exc).split()) or type(exc).__name__
                raise HedgesimError(
                    f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({problem}); "
                    "expected an address like tcp://host:8786"
                ) from None
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _dask_workers(client: Any) -> int:
    try:
        return len(client.nthreads())
    except Exception:  # the scheduler itself is gone
        return 0


#: Seconds a Dask run waits for a worker when its cluster has none before it gives up.
NO_WORKER_WAIT = 30.0


@contextmanager
def open_executor(
    name: str, workers: int | None = None, scheduler: str | None = None
) -> Iterator[tuple[cf.Executor, Callable[[], int]]]:
    """The executor ``name`` as a :class:`concurrent.futures.Executor`, with a function
    giving its number of live workers.

    ``inprocess``: calls run at submission; ``processes``: a local process pool whose workers
    end with this process (``PR_SET_PDEATHSIG`` on Linux, a watch thread elsewhere);
    ``dask``: the executor of a Dask client (``Client.get_executor()``).
    """
    if name == "inprocess":
        yield InProcessExecutor(), lambda: 1
    elif name == "processes":
        count = workers or os.cpu_count() or 1
        with _process_pool(count) as pool:
            yield pool, lambda: count
    else:
        with dask_client(scheduler, workers) as client:
            ex = client.get_executor(pure=False)
            try:
                yield ex, lambda: _dask_workers(client)
            finally:
                ex.shutdown(wait=False)


def _gather(
    pool: cf.Executor,
    calls: dict[int, tuple[Any, ...]],
    done: Callable[[int, Any], None],
    live_workers: Callable[[], int],
    window: int,
    poll: float = 1.0,
) -> None:
    """Submit ``calls`` (``{chunk: arguments of _evaluate_chunk}``) keeping at most ``window``
    in flight, and hand each result to ``done`` as it finishes (so it is saved at once).

    Fails with one line if a pool worker died, or if the executor has had no live worker for
    :data:`NO_WORKER_WAIT` seconds (a Dask cluster whose last worker died would otherwise wait
    for ever)."""
    queue = iter(calls.items())
    futures: dict[cf.Future[Any], int] = {}
    since: float | None = None

    def refill() -> None:
        while len(futures) < window:
            item = next(queue, None)
            if item is None:
                return
            futures[pool.submit(_evaluate_chunk, *item[1])] = item[0]

    refill()
    while futures:
        finished, _ = cf.wait(list(futures), timeout=poll, return_when=cf.FIRST_COMPLETED)
        for fut in finished:
            i = futures.pop(fut)
            try:
                result = fut.result()
            except BrokenProcessPool:
                raise HedgesimError(
                    "a worker process died (killed, or out of memory); the finished chunks "
                    "are kept: run the same command again to resume"
                ) from None
            done(i, result)
        refill()
        if finished or not futures or live_workers() > 0:
            since = None
        elif since is None:
            since = time.monotonic()
        elif time.monotonic() - since > NO_WORKER_WAIT:
            raise HedgesimError(
                f"the Dask cluster has had no worker for {NO_WORKER_WAIT:g} s with chunks "
                "unfinished; the finished chunks are kept: start workers and run the same "
                "command again to resume"
            )


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
        if todo:
            with open_executor(executor, workers, scheduler) as (pool, live_workers):
                # In flight at once: one in process, a few per worker elsewhere, so
                # chunks are saved as they finish and a huge design is not queued whole.
                window = 1 if executor == "inprocess" else 4 * max(live_workers(), 1)
                _gather(pool, {i: args(i) for i in todo}, done, live_workers, window)
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
    "open_executor",
    "resolve_evaluator",
    "run_design",
]
