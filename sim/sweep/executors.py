"""Executors: where the chunks of a batch of solves run, in-process, in local processes, or
on Dask.

Every executor is a :class:`concurrent.futures.Executor` (:func:`open_executor`; Dask's is
``Client.get_executor()``), driven by one loop (:func:`gather`) that keeps a few chunks in
flight and hands each to the caller as it finishes, so it is saved at once. Pool workers end
with the process that started them, however it ends (``PR_SET_PDEATHSIG`` on Linux, a watch
thread elsewhere); a Dask cluster left without workers fails with one line after
:data:`NO_WORKER_WAIT` seconds instead of waiting for ever.

What a chunk is, how it is keyed on disk and resumed is the caller's:
:func:`sim.calibrate.solving.solve_calibrations` (the sweeps and ``hedgesim analyze``).
The split into chunks depends only on the inputs, never on the executor or the number of
workers, and every chunk runs a module-level function: the result is the same bytes
whatever runs it.
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
from typing import Any, Literal

from sim.budget import check_workers
from sim.errors import HedgesimError

ExecutorName = Literal["inprocess", "processes", "dask"]
EXECUTORS: tuple[str, ...] = ("inprocess", "processes", "dask")
DASK_MISSING = "the dask executor needs the optional extra: pip install 'hedgesim[dask]'"


def check_executor(executor: str, workers: int | None = None,
                   scheduler: str | None = None) -> None:
    """Refuse, before any work, an unknown executor, a bad worker count (below 1, or more
    worker processes on this machine than its memory holds: :func:`sim.budget.check_workers`),
    a scheduler without Dask, or Dask when it is not installed (one line each)."""
    if executor not in EXECUTORS:
        raise HedgesimError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise HedgesimError(f"workers must be at least 1, got {workers}")
    if workers is not None and scheduler is None and executor != "inprocess":
        check_workers(workers)
    if scheduler is not None and executor != "dask":
        raise HedgesimError("--scheduler needs --executor dask")
    if executor == "dask":
        _import_dask()


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


def gather(
    pool: cf.Executor,
    calls: dict[int, tuple[Any, ...]],
    done: Callable[[int, Any], None],
    live_workers: Callable[[], int],
    window: int,
    poll: float = 1.0,
) -> None:
    """Submit ``calls`` (``{chunk: (function, *arguments)}``, the function module level so
    it pickles) keeping at most ``window`` in flight, and hand each result to ``done`` as it
    finishes (so it is saved at once).

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
            futures[pool.submit(*item[1])] = item[0]

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


def call_all(pool: cf.Executor, calls: Sequence[tuple[Any, ...]],
             live_workers: Callable[[], int]) -> list[Any]:
    """Every call ``(function, *arguments)`` submitted at once (:func:`gather`), their
    results in the calls' order: tasks that are few and of about one size (the hit-and-run
    draws' blocks, :func:`sim.calibrate.analysis.draw_runner`)."""
    out: dict[int, Any] = {}
    gather(pool, dict(enumerate(calls)), out.__setitem__, live_workers, window=max(1, len(calls)))
    return [out[k] for k in range(len(calls))]


__all__: Sequence[str] = [
    "DASK_MISSING",
    "call_all",
    "EXECUTORS",
    "ExecutorName",
    "check_executor",
    "dask_client",
    "gather",
    "open_executor",
]
