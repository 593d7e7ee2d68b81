"""Python's cyclic garbage collector paused for a block of short-lived bulk work.

Drawing a figure allocates some hundred thousand objects; the collector, which runs every
700 net allocations, would pass over the figure's objects alive so far hundreds of times
per figure (about a tenth of ``hedgesim figures``' CPU: ``benchmarks/bench_commands.py``).
Memory is unaffected where the objects live to the end of the block anyway; the first
automatic collection after it examines them once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (nested blocks are fine: the
    outermost one turns it back on, if it was on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
