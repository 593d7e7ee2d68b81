"""Budgets: every input that sets a size is checked before any work (``docs/budgets.md``).

A run of the article's game (``run``, ``solve``, ``explain``, ``compare``, ``explore``) and
an analysis (``sweep``, ``analyze``, ``validate --expect``) have a documented budget: the
states of the state grid (``--grid``) x rounds (``game.rounds``) x the solves made (one per
selection rule, the myopic path, the robustness search, the sustainability scans; one per
calibration of an analysis). Drawing from the supported set (``calibrate``, ``analyze``,
``validate --expect``) has one too: the calibrations drawn and the rejection pilot's box
draws (:func:`check_draws`).

A refusal names the input, the estimated memory and time, the budget and ``--allow-large``.
Beyond the budget, ``--allow-large`` runs it anyway, up to what this machine's memory can
hold. The costs per unit were measured on the project's 2-core test machine (see
``docs/budgets.md``); they are estimates, not promises.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from sim.errors import BudgetError

#: Model 2: state-rounds x solves a run may make without ``--allow-large`` (about 20 min;
#: the default run of the baseline, at its own grid, is about 2.3 million).
MAX_STATE_ROUND_SOLVES = 4_000_000
#: ``hedgesim analyze``'s, checked before any work on an upper bound of its solves
#: (``sim.calibrate.analysis.solves_bound``: every relaxed draw solved, and the worst case of
#: the Sobol design's third stage, every factor leading a covered answer in some pass and
#: extended to ``--sobol-max-base`` rows). The default analysis's bound is 40.1 million
#: (20,380 calibrations at 82 states x 24 rounds: 11 factors on 1,600 rows, 1,760 supported
#: draws solved, A's 1,600 rows and B's 160, since wave 12 solves B on --sobol-base rows
#: only; 32.6 million with the cap at eight times ``--sobol-base`` (1,280) in wave 13, 25.0
#: million with six (960) before, 26.6 million before wave 12); the analysis committed
#: on 2026-12-02 (cap 800) solved 11.7 million (5,948 calibrations) in 30 minutes on two
#: worker processes. 24 million (wave 10) did not admit the worst case of the cap of 960, 16
#: million (wave 9) not even that of 800, 28 million (wave 12) not that of 1,280, 34 million
#: (wave 13) not that of 1,600.
MAX_ANALYZE_STATE_ROUND_SOLVES = 42_000_000
#: Measured per state (factored transitions, stage games, traces) and per state-round
#: (strategies, values, distributions) on the 2-core test machine, and per state-round of
#: one solve (the engine's backward step, all stage games included): bytes and seconds.
ARTICLE_BYTES_PER_STATE = 21_000
ARTICLE_BYTES_PER_STATE_ROUND = 850
ARTICLE_SECONDS_PER_STATE_ROUND = 0.3e-3
#: Memory a process starts with (interpreter, numpy, the model).
BASE_BYTES = 100 * 2**20
#: Drawing from the supported set (:mod:`sim.calibrate.sampler`), measured on the 2-core test
#: machine at a load average near 2.5: a hit-and-run draw about 4 ms of CPU (3.9 ms a draw
#: over 4,000, thinned chains) and a few kB held (its point, its calibration, its constraint
#: checks, its 1.8 kB row of calibrations.csv); a box draw of the rejection pilot about 33
#: microseconds (1,000,000 of them), made in chunks, so nothing is held. Since the burn-in
#: became 50 steps a parameter (2026-12-01), a draw call also pays a fixed burn-in of about 42
#: CPU s on the shipped ledger whatever its size (320 draws 41.9 s, 4,000 draws 52.5 s with
#: 256 chains, idle machine, 2026-12-02): beyond it about 3 ms a draw, which the 4 ms still
#: bounds, so the cap's 20 minutes stand; the burn-in is not counted.
DRAW_SECONDS = 4e-3
DRAW_BYTES = 4_000
PILOT_SECONDS = 33e-6
#: Draws and pilot draws a command may make without ``--allow-large`` (about 20 min each;
#: the default analysis draws 1,216 calibrations and at most 190,000 pilot draws).
MAX_DRAWS = 300_000
MAX_PILOT_DRAWS = 36_000_000
#: A worker process of an executor (``--workers``): the interpreter, numpy, numba's machine
#: code and a chunk's arrays (181 MB measured after solving a chunk of two calibrations at
#: 82 states; more with the default chunk of 32).
WORKER_BYTES = 250 * 2**20
#: Share of this machine's memory ``--allow-large`` may plan to use.
MEMORY_SHARE = 0.7
FLAG = "--allow-large"


def machine_memory() -> int:
    """This machine's physical memory in bytes (16 GiB if it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 16 * 2**30


def size_text(n_bytes: float) -> str:
    """``1.2 GB``, ``350 MB``."""
    if n_bytes >= 1e12:
        return f"{n_bytes / 1e12:,.3g} TB"
    if n_bytes >= 1e9:
        return f"{n_bytes / 1e9:.2g} GB"
    return f"{max(n_bytes, 1e6) / 1e6:.0f} MB"


def time_text(seconds: float) -> str:
    """``40 s``, ``12 min``, ``3.5 h``, ``2.1 days``, ``7.6e+03 years``."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    if seconds < 2 * 365 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / (365 * 86400):.2g} years"


@dataclass(frozen=True)
class Estimate:
    """What a piece of work costs: ``units`` of ``unit``, bytes and seconds."""

    units: float
    unit: str
    bytes: float
    seconds: float

    def text(self) -> str:
        units = f"{self.units:,.0f}" if self.units < 1e12 else f"{self.units:.2g}"
        return (
            f"about {units} {self.unit}: about {size_text(self.bytes)} of memory "
            f"and {time_text(self.seconds)}"
        )


def _refuse(label: str, estimate: Estimate, limit: int, allow_large: bool) -> None:
    """Raise the refusal for ``estimate`` if it passes ``limit`` (or, with ``allow_large``,
    this machine's memory)."""
    memory = machine_memory()
    if estimate.bytes > MEMORY_SHARE * memory:
        raise BudgetError(
            f"{label}: {estimate.text()}; more than this machine's memory "
            f"({size_text(memory)}) can hold, even with {FLAG}"
        )
    if estimate.units > limit and not allow_large:
        raise BudgetError(
            f"{label}: {estimate.text()}; the budget is {limit:,} {estimate.unit} "
            f"(docs/budgets.md): pass {FLAG} to run it anyway"
        )


def check_draws(label: str, draws: int, pilot_label: str, pilot: int, *,
                allow_large: bool = False) -> None:
    """Refuse ``draws`` calibrations from the supported set beyond :data:`MAX_DRAWS`, or a
    rejection pilot of ``pilot`` box draws beyond :data:`MAX_PILOT_DRAWS` (or this machine's
    memory with ``allow_large``); ``label`` and ``pilot_label`` name the inputs.

    Raises
    ------
    BudgetError
        Naming the input, memory and time.
    """
    _refuse(label, Estimate(float(draws), "draws", BASE_BYTES + draws * DRAW_BYTES,
                            draws * DRAW_SECONDS), MAX_DRAWS, allow_large)  # fmt: skip
    _refuse(pilot_label, Estimate(float(pilot), "pilot draws", BASE_BYTES,
                                  pilot * PILOT_SECONDS), MAX_PILOT_DRAWS, allow_large)  # fmt: skip


def check_workers(workers: int) -> None:
    """Refuse more local worker processes than this machine's memory holds
    (:data:`WORKER_BYTES` each), whatever ``--allow-large`` says: starting them is the
    work.

    Raises
    ------
    BudgetError
        Naming ``--workers``, the memory they would take and the machine's.
    """
    memory = machine_memory()
    need = workers * WORKER_BYTES
    if need > MEMORY_SHARE * memory:
        raise BudgetError(
            f"--workers {workers:,}: about {size_text(need)} of memory for the worker "
            f"processes ({size_text(WORKER_BYTES)} each); more than this machine's memory "
            f"({size_text(memory)}) can hold"
        )


def add_allow_large(p: argparse.ArgumentParser) -> None:
    """The ``--allow-large`` option of every command with a budget."""
    p.add_argument(
        FLAG,
        action="store_true",
        help="go beyond the size budgets (a run's states x rounds x solves, an analysis's "
        "calibrations x states x rounds, the calibrations drawn; see docs/budgets.md), up to "
        "what this machine's memory holds",
    )


def run_solves(rules: int, *, myopic: bool, robust: bool, sustainability: int) -> float:
    """What a Model 2 run costs in units of its first rule's solve, as measured (7 x 4 grid,
    12 rounds, CPU time): each further rule about half a solve (the stage games traced once
    are shared), the myopic path and the robustness search about 0.3 each, and the
    sustainability scans (three refinements of a ``sustainability``-point batch per
    counterpart) about 2.25 solves a point."""
    return (1.0 + 0.5 * (rules - 1) + (0.3 if myopic else 0.0) + (0.3 if robust else 0.0)
            + 2.25 * sustainability)


def check_article_run(
    label: str, states: int, rounds: int, solves: float, batch: int = 1, *,
    extra_bytes: float = 0.0, allow_large: bool = False, limit: int = MAX_STATE_ROUND_SOLVES,
) -> Estimate:
    """Refuse a Model 2 run of ``states`` states x ``rounds`` rounds x ``solves`` solves
    beyond ``limit`` (or this machine's memory with ``allow_large``);
    ``batch`` calibrations are held at once (the sustainability scan's points, a sweep's
    chunk), ``extra_bytes`` more are held throughout (a sweep's design and answers).

    Raises
    ------
    BudgetError
        Naming ``label`` (the inputs that set the size), memory and time.
    """
    units = float(states) * rounds * solves
    held = float(states) * max(batch, 1)
    estimate = Estimate(
        units,
        "state-round solves",
        BASE_BYTES + held * (ARTICLE_BYTES_PER_STATE + rounds * ARTICLE_BYTES_PER_STATE_ROUND)
        + extra_bytes,
        units * ARTICLE_SECONDS_PER_STATE_ROUND,
    )
    _refuse(label, estimate, limit, allow_large)
    return estimate
