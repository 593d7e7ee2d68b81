"""Pieces shared by the solver modules: deadlines and the verify-then-keep loop."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sim.equilibria.result import Equilibrium, deduplicate
from sim.equilibria.verify import verify_many
from sim.errors import SolverTimeoutError
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
    notes: Sequence[str] = (),
    screened_are_news: bool = True,
) -> tuple[list[Equilibrium], bool, list[str]]:
    """Verify every candidate profile (:func:`~sim.equilibria.verify.verify_many`) and
    deduplicate.

    Returns the verified equilibria (candidate order), whether a verified equilibrium has
    a tie (an action outside a support earning as much: the game is degenerate), and the
    notes, saying how many candidates were dropped and why (those that are not equilibria
    even in floating point only if ``screened_are_news``: a method that returns its
    answers as equilibria, not one that enumerates candidates).
    """
    checked = verify_many(game, list(candidates), method, tol)
    all_notes = list(notes)
    if checked.screened and screened_are_news:
        worst = max((e.regret for e in checked.failures if e.regret is not None), default=None)
        detail = f" (largest float regret {worst:.3g})" if worst is not None else ""
        all_notes.append(
            f"dropped {checked.screened} profile(s) from {method} that are not equilibria"
            f"{detail}"
        )
    inexact = len(checked.failures) - checked.screened
    if inexact:
        undecided = (
            f", {checked.undecided} of them undecidable ties" if checked.undecided else ""
        )
        all_notes.append(
            f"dropped {inexact} profile(s) from {method} that are equilibria in floating "
            f"point but not exactly{undecided}"
        )
    return deduplicate(checked.equilibria), checked.ties, all_notes
