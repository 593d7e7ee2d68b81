"""N-player mixed equilibria through pygambit: global Newton, simplicial subdivision, logit.

Every call runs in a child process that the caller can stop, in its own process group, and
that dies with its parent (Linux ``PR_SET_PDEATHSIG``: a killed ``hedgesim solve`` leaves no
solver behind): pygambit's path-following
methods can run for a very long time (``simpdiv_solve`` did not return in 40 minutes on a
random 4-player game) and, in pygambit 16.7, ``gnm_solve`` sometimes aborts the whole
process ("double free or corruption") on small 4-player games. A child that overruns its
time bound is terminated and :class:`~sim.errors.SolverTimeoutError` raised; a child that
dies is reported as a :class:`~sim.errors.SolverError`. The child is forked (``fork`` start
method, where the platform has it): it needs no pickling of the game. Measured here: 15-20 ms per
call (a 3-player 2x2x2 logit solve: 0.9 ms in-process, 15 ms bounded; a 4-player 3-action
one: 45 ms in-process, 64 ms bounded). In-process would be faster for tiny games, but
neither the time bound nor survival of a pygambit abort can be had in-process.
The results are the same bits as an in-process call, so they are deterministic.

pygambit returns rational or float profiles; they are converted to float64 vectors and
then verified like every other solver's.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from sim.equilibria._common import collect
from sim.equilibria.result import SolveResult
from sim.errors import SolverError, SolverTimeoutError
from sim.game import DEFAULT_TOLERANCE, NormalFormGame

RawProfile = list[list[float]]


def _profiles(result: Any, game: Any) -> list[RawProfile]:
    """Float vectors of a pygambit ``NashComputationResult``'s equilibria."""
    out = []
    for eq in result.equilibria:
        out.append([[float(eq[s]) for s in player.strategies] for player in game.players])
    return out


def _gambit_game(payoffs: np.ndarray) -> Any:
    import pygambit as gbt

    return gbt.Game.from_arrays(*[payoffs[i] for i in range(payoffs.shape[0])])


def _run_gnm(payoffs: np.ndarray, tol: float) -> list[RawProfile]:
    import pygambit as gbt

    g = _gambit_game(payoffs)
    return _profiles(gbt.nash.gnm_solve(g), g)


def _run_simpdiv(payoffs: np.ndarray, tol: float) -> list[RawProfile]:
    import pygambit as gbt

    g = _gambit_game(payoffs)
    # The centroid as the (rational) start: deterministic and symmetric in the actions.
    start = g.mixed_strategy_profile(rational=True)
    # pygambit's regret bound is relative to the payoff range, ours to max(range, 1): a
    # tenth of our tolerance leaves the result inside our check.
    bound = Fraction(tol / 10).limit_denominator(10**12)
    maxregret = gbt.Rational(bound.numerator, bound.denominator)
    return _profiles(gbt.nash.simpdiv_solve(start, maxregret=maxregret), g)


def _run_logit(payoffs: np.ndarray, tol: float) -> list[RawProfile]:
    import pygambit as gbt

    g = _gambit_game(payoffs)
    return _profiles(gbt.nash.logit_solve(g, maxregret=tol / 10), g)


_RUNNERS: dict[str, Callable[[np.ndarray, float], list[RawProfile]]] = {
    "gnm": _run_gnm,
    "simpdiv": _run_simpdiv,
    "logit": _run_logit,
}


def _die_with_parent(parent: int) -> None:
    """Make this (child) process exit when ``parent`` dies, even by SIGKILL: Linux's
    ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere the parent's own clean-up has to do."""
    os.setpgrp()  # its own process group: a terminal's signals go to the parent only
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGKILL)


def _child(
    runner: Callable[[np.ndarray, float], list[RawProfile]],
    payoffs: np.ndarray,
    tol: float,
    conn: multiprocessing.connection.Connection,
    parent: int,
) -> None:
    _die_with_parent(parent)
    # pygambit can abort with a C-level message; keep it off the user's terminal (the
    # library never prints) and let the parent report the exit code instead.
    os.environ["LIBC_FATAL_STDERR_"] = "1"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        conn.send(("ok", runner(payoffs, tol)))
    except BaseException as exc:  # report any failure to the parent instead of a traceback
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def require_pygambit(method: str) -> None:
    """Import pygambit, or raise one clear :class:`SolverError` if it is not installed."""
    try:
        import pygambit  # noqa: F401
    except ImportError:
        raise SolverError(
            method,
            "needs pygambit, which is not installed (it is in hedgesim's test extra: "
            "pip install -e '.[test]'; it compiles from source and needs a C++ compiler); "
            "the methods auto, all, pure, small-support, support, vertex and lemke-howson "
            "work without it",
        ) from None


def run_bounded(method: str, payoffs: np.ndarray, tol: float, timeout: float) -> list[RawProfile]:
    """Run pygambit's ``method`` on ``payoffs`` in a child process bounded by ``timeout`` s.

    ``tol`` is the regret tolerance relative to the payoff scale (passed on to the methods
    that take one).

    Raises
    ------
    SolverTimeoutError
        If the child has not answered within ``timeout`` seconds (it is then killed).
    SolverError
        If the child raised or died.
    """
    runner = _RUNNERS[method]
    # Import pygambit here, once, so forked children inherit it (importing it in every
    # child would cost about 0.45 s per call).
    require_pygambit(method)

    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child, args=(runner, payoffs, tol, send, os.getpid()), daemon=True
    )
    process.start()
    send.close()
    try:
        if not receive.poll(max(timeout, 0.0)):
            raise SolverTimeoutError(
                method,
                f"did not finish within the time bound of {timeout:g} s "
                "(try another method, or a longer timeout)",
            )
        try:
            status, payload = receive.recv()
        except EOFError:
            process.join(1.0)
            raise SolverError(
                method, f"pygambit's solver process died (exit code {process.exitcode})"
            ) from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status != "ok":
        raise SolverError(method, f"pygambit failed: {payload}")
    return list(payload)


def _solve(method: str, game: NormalFormGame, tol: float, timeout: float) -> SolveResult:
    raw = run_bounded(method, np.ascontiguousarray(game.payoffs), tol, timeout)
    if not raw:
        raise SolverError(method, "pygambit found no equilibrium (try another method)")
    profiles = [[np.asarray(s, dtype=np.float64) for s in p] for p in raw]
    # Each candidate is solved again exactly (or certified) on its support; if none is
    # confirmed, the error names the method and the float regret.
    found, ties, notes = collect(game, profiles, method, tol)
    if not found:
        raise SolverError(
            method, "pygambit's answers are not exact equilibria (" + "; ".join(notes) + ")"
        )
    degenerate = ["degenerate game: an equilibrium has a best response outside its support"]
    return SolveResult(tuple(found), method, ties, tuple([*notes, *(degenerate if ties else [])]))


def gnm(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """Equilibria on the path of the global Newton method.

    Govindan and Wilson, "A global Newton method to compute Nash equilibria", *Journal of
    Economic Theory* 110 (2003); pygambit's ``gnm_solve`` with its default perturbation
    (deterministic). May find several equilibria, or none on some games.
    """
    return _solve("gnm", game, tol, timeout)


def simpdiv(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """One equilibrium by simplicial subdivision from the centroid.

    van der Laan, Talman and van der Heyden, "Simplicial variable dimension algorithms for
    solving the nonlinear complementarity problem on a product of unit simplices using a
    general labelling", *Mathematics of Operations Research* 12 (1987); pygambit's
    ``simpdiv_solve`` started at the uniform profile.
    """
    return _solve("simpdiv", game, tol, timeout)


def logit(
    game: NormalFormGame, tol: float = DEFAULT_TOLERANCE, *, timeout: float = 30.0
) -> SolveResult:
    """The limiting logit quantal response equilibrium on the principal branch.

    McKelvey and Palfrey, "Quantal response equilibria for normal form games", *Games and
    Economic Behavior* 10 (1995); Turocy, "A dynamic homotopy interpretation of the logit
    quantal response equilibrium correspondence", *GEB* 51 (2005); pygambit's
    ``logit_solve``. Deterministic, and selects one equilibrium (the QRE limit).
    """
    return _solve("logit", game, tol, timeout)
