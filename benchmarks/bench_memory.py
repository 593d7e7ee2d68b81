"""Where the engine's memory goes, round by round: prints figures, never asserts.

Solves the last ``--rounds`` rounds of ``benchmarks/bench_engine.py``'s game (``--horizon``
rounds in all with the threat shock at ``--shock``; by default the last 44 of 60 with the
shock at 30, so the solve crosses it after 30 rounds) with the defaults (robust search and
certification on), and after each round prints its CPU seconds, the resident memory and its
peak (``/proc/self/status``: VmRSS, VmHWM), the allocator's bytes in use and free in its
heap (glibc's ``mallinfo2``; absent elsewhere), the trace cache's entries and bytes
(:attr:`sim.stochastic.stage.TraceCache.nbytes`) and the warm sources' bytes. Memory that
grows with the rounds and is in use is held by something; memory free in the heap is
fragmentation. Run: ``python benchmarks/bench_memory.py [--rounds N]`` (Linux).
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_engine import build  # noqa: E402
from sim.stochastic import solve, solver, stage  # noqa: E402


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]  # fmt: skip


def heap_mib() -> tuple[float, float] | None:
    """The allocator's bytes in use and free (MiB), or ``None`` without glibc 2.33+."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
    except (OSError, AttributeError):
        return None
    info = libc.mallinfo2()
    return info.uordblks / 2**20, info.fordblks / 2**20


def status_mib() -> dict[str, float]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=44)
    parser.add_argument("--horizon", type=int, default=60)
    parser.add_argument("--shock", type=int, default=30)
    parser.add_argument("--grid", type=int, default=11)
    parser.add_argument("--levels", type=int, default=8)
    args = parser.parse_args()
    rounds = build(args.grid, args.levels, args.horizon, args.shock)[-args.rounds:]
    solve(build(3, 2, 1, 1)[0], 1)  # compile the tracer (numba caches it on disk)
    kept: list[stage.WarmSources] = []

    class Sources(stage.WarmSources):
        def __init__(self) -> None:
            super().__init__()
            kept.append(self)

    solver.WarmSources = Sources  # type: ignore[misc]
    cache = stage.TraceCache()
    print(f"after building: {status_mib()}")
    last = [time.process_time()]

    def progress(done: int, total: int) -> None:
        now = time.process_time()
        st = status_mib()
        heap = heap_mib()
        held = sum(p.nbytes for p in kept[0].points.values()) if kept else 0
        alloc = "" if heap is None else f", in use {heap[0]:,.0f}, free {heap[1]:,.0f}"
        print(f"round {done}/{total}: {now - last[0]:.2f} CPU s; resident {st['VmRSS']:,.0f} "
              f"(peak {st['VmHWM']:,.0f}){alloc} MiB; cache {len(cache.limits):,} entries, "
              f"{cache.nbytes / 2**20:,.0f} MiB; warm sources {held / 2**20:,.0f} MiB",
              flush=True)  # fmt: skip
        last[0] = now

    solve(rounds, progress=progress, traces=cache)
    with open("/proc/loadavg") as fh:
        print(f"peak resident {status_mib()['VmHWM']:,.0f} MiB; load average "
              f"{' '.join(fh.read().split()[:3])}")


if __name__ == "__main__":
    main()
