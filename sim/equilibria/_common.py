"""Pieces shared by the solver modules: deadlines and the verify-then-keep loop."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sim.equilibria.result import Equilibrium, SolveResult, deduplicate, verify
from sim.errors import SolverError, SolverTimeoutError
from sim.game import NormalFormGame


class Deadline:
    """A point in time after which cooperative solvers stop with :class:`SolverTimeoutError`."""

    def __init__(self, method: str, timeout: float) -> None:
        self.method = method
        self.timeout = timeout
        self._end = time.monotonic() + timeout

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise SolverTimeoutError(
                self.method, f"did not finish within the time bound of {self.timeout:g} s"
            )


def collect(
    game: NormalFormGame,
    candidates: Iterable[Sequence[Any]],
    method: str,
    tol: float,
    *,
    degenerate: bool,
    notes: Sequence[str] = (),
) -> SolveResult:
    """Verify every candidate profile, deduplicate, and build the result of a multi-result method.

    A candidate that fails the regret check is dropped with a note when the game is
    degenerate (``degenerate`` true on entry); otherwise it raises the :class:`SolverError`
    of :func:`verify`, since a non-degenerate game gives these methods no excuse.
    """
    kept: list[Equilibrium] = []
    failures: list[SolverError] = []
    for profile in candidates:
        try:
            kept.append(verify(game, profile, method, tol))
        except SolverError as exc:
            failures.append(exc)
    all_notes = list(notes)
    if failures:
        if not degenerate:
            raise max(failures, key=lambda e: e.regret if e.regret is not None else float("inf"))
        worst = max((e.regret for e in failures if e.regret is not None), default=None)
        detail = f" (largest regret {worst:.3g})" if worst is not None else ""
        all_notes.append(
            f"dropped {len(failures)} candidate profile(s) that failed the regret check{detail}"
        )
    return SolveResult(
        equilibria=tuple(deduplicate(kept)),
        method=method,
        degenerate=degenerate,
        notes=tuple(all_notes),
    )
