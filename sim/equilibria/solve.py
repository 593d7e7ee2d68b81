"""One entry point for every solver: :func:`solve` dispatches on the method name."""

from __future__ import annotations

import importlib
import math
import time
from collections.abc import Callable

from sim.equilibria import enumeration, small_support, vertex
from sim.equilibria._common import Deadline
from sim.equilibria.pure import pure_equilibria
from sim.equilibria.result import SolveResult
from sim.equilibria.verify import verify_many
from sim.errors import SolverError, SolverTimeoutError
from sim.game import DEFAULT_TOLERANCE, NormalFormGame

METHODS = (
    "auto", "all", "pure", "small-support", "support", "vertex", "lemke-howson", "gnm",
    "simpdiv", "logit",
)  # fmt: skip

Solver = Callable[..., SolveResult]

#: Each mixed method's module and function, imported when the method runs: nashpy and
#: scipy (``twoplayer``) load only where a two-player method runs.
_MIXED: dict[str, tuple[str, str]] = {
    "all": ("enumeration", "all_equilibria"),
    "small-support": ("small_support", "small_support"),
    "support": ("twoplayer", "support_enumeration"),
    "vertex": ("twoplayer", "vertex_enumeration"),
    "lemke-howson": ("twoplayer", "lemke_howson"),
    "gnm": ("gambit", "gnm"),
    "simpdiv": ("gambit", "simpdiv"),
    "logit": ("gambit", "logit"),
}


def _solver(method: str) -> Solver:
    module, function = _MIXED[method]
    found: Solver = getattr(importlib.import_module(f"sim.equilibria.{module}"), function)
    return found


#: What "auto" tries, in order, on games of three or more players without a pure
#: equilibrium, after the exact enumeration of every equilibrium in which two players mix
#: over two actions each and the rest play pure (:mod:`sim.equilibria.small_support`, well
#: under a millisecond on a 3x3x3x3 game; the shape of the stage game's mixed rounds).
#: If it finds none: logit tracing (deterministic, 65-150 ms a call in its bounded worker,
#: selects one equilibrium, the limiting logit QRE), then gnm (it can find several but also
#: none, and crashes on some games, see gambit.py), then simplicial subdivision.
AUTO_N_PLAYER = ("logit", "gnm", "simpdiv")


def solve_pure(game: NormalFormGame, tol: float = DEFAULT_TOLERANCE) -> SolveResult:
    """All pure equilibria (exact enumeration), lexicographically ordered; complete for
    pure equilibria. ``tol`` is not used: pure profiles are compared exactly."""
    found = tuple(
        verify_many(game, [game.pure_to_mixed(p) for p in pure_equilibria(game)], "pure")
        .equilibria
    )
    notes: tuple[str, ...] = () if found else ("no pure-strategy equilibrium",)
    degenerate = False
    if game.n_players == 2:
        from sim.equilibria import twoplayer

        degenerate = twoplayer.pure_degenerate(game)
        if degenerate:
            notes = (*notes, twoplayer.PURE_DEGENERATE_NOTE)
    return SolveResult(found, "pure", degenerate, notes, complete=True)


def solve(
    game: NormalFormGame,
    method: str = "auto",
    *,
    tol: float = DEFAULT_TOLERANCE,
    timeout: float = 30.0,
) -> SolveResult:
    """Equilibria of ``game`` by ``method``, every one verified by the N-player regret check.

    Parameters
    ----------
    game
        Any :class:`~sim.game.NormalFormGame`.
    method
        One of :data:`METHODS`. ``"auto"``: ``"all"`` (every equilibrium, exact or
        certified) when the game is within its size limit and it finishes in half the
        time bound; otherwise all pure equilibria and, if there are none, Lemke-Howson from
        every label (two players) or every equilibrium in which two players mix over two
        actions each (``"small-support"``, exact) and, if there is none, the first of
        :data:`AUTO_N_PLAYER` that succeeds. ``complete`` in the result says whether the
        list is provably every equilibrium. ``"all"``: see
        :mod:`sim.equilibria.enumeration`.
        ``"small-support"``: all pure equilibria, then all those two-mixer ones.
    tol
        Relative tolerance of the float screen that discards far-off candidates before
        the exact or certified check (see :mod:`sim.equilibria.verify`); it admits
        nothing by itself.
    timeout
        Time bound of the whole call in seconds.

    Raises
    ------
    SolverError
        Unknown method, wrong number of players for the method, or an unverified result.
    GameTooLargeError
        An exponential method asked to solve a game beyond its documented size.
    SolverTimeoutError
        The time bound was hit.
    """
    if method not in METHODS:
        raise SolverError(method, f"unknown method; choose one of {', '.join(METHODS)}")
    if not (math.isfinite(tol) and tol >= 0):
        raise SolverError(method, f"tolerance must be a finite number >= 0, got {tol}")
    if not timeout > 0:
        raise SolverError(method, f"timeout must be positive, got {timeout}")
    if method == "pure":
        return solve_pure(game, tol)
    if method != "auto":
        return _solver(method)(game, tol, timeout=timeout)
    return _auto(game, tol, timeout)


def _fits_all(game: NormalFormGame) -> bool:
    if game.n_players == 2:
        return vertex.systems(*game.shape) <= vertex.MAX_SYSTEMS
    return (
        enumeration.support_count(game.shape) <= enumeration.MAX_SUPPORTS
        and sum(m - 1 for m in game.shape) <= enumeration.MAX_UNKNOWNS
    )


def _auto(game: NormalFormGame, tol: float, timeout: float) -> SolveResult:
    end = time.monotonic() + timeout
    notes: list[str] = []
    if _fits_all(game):
        try:
            # Half the time for the complete enumeration, the rest for the fallbacks.
            found = enumeration.all_equilibria(game, tol, timeout=timeout / 2)
            return SolveResult(
                found.equilibria, "auto", found.degenerate, found.notes, found.complete
            )
        except SolverTimeoutError:
            notes.append(
                f"the complete enumeration (all) did not finish in {timeout / 2:g} s; "
                "what follows may miss equilibria"
            )
    else:
        notes.append(
            f"game too large for the complete enumeration ({'x'.join(map(str, game.shape))}); "
            "the list may miss equilibria"
        )
    pure = solve_pure(game, tol)
    notes = [*pure.notes, *notes]
    if pure.equilibria:
        return SolveResult(pure.equilibria, "auto", pure.degenerate, tuple(notes))
    remaining = max(end - time.monotonic(), 1e-3)
    if game.n_players == 2:
        found = _solver("lemke-howson")(game, tol, timeout=remaining)
        return SolveResult(
            found.equilibria, "auto", found.degenerate or pure.degenerate, (*notes, *found.notes)
        )
    small_time = Deadline("auto", max(end - time.monotonic(), 1e-3) * 0.5)
    try:
        mixed, degenerate, small_notes = small_support.two_mixer_equilibria(
            game, tol, small_time.check
        )
    except SolverTimeoutError:
        mixed, degenerate = [], False
        small_notes = ["the small-support enumeration did not finish in its share of the time"]
    if mixed:
        return SolveResult(tuple(mixed), "auto", degenerate, (*notes, *small_notes))
    notes.append("no equilibrium in which two players mix over two actions each")
    # Our own support search (exact or certified), with most of the remaining time: it
    # needs no pygambit and gives the same answer wherever it runs.
    share = Deadline("auto", max(end - time.monotonic(), 1e-3) * 0.75)
    try:
        first = enumeration.first_equilibrium(game, share.check)
    except SolverTimeoutError:
        first = None
        notes.append("the support search found no equilibrium in its share of the time")
    if first is not None:
        return SolveResult((first,), "auto", False, tuple(notes))
    errors: list[str] = []
    for name in AUTO_N_PLAYER:
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise SolverTimeoutError(
                "auto", f"did not finish within the time bound of {timeout:g} s"
            )
        try:
            found = _solver(name)(game, tol, timeout=remaining)
        except SolverTimeoutError:
            raise
        except SolverError as exc:
            errors.append(str(exc))
            continue
        return SolveResult(
            found.equilibria, "auto", found.degenerate, (*notes, *errors, *found.notes)
        )
    raise SolverError("auto", "no method found a verified equilibrium: " + "; ".join(errors))
