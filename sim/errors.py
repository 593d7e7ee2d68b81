"""The one exception family of hedgesim.

Every error a user can cause derives from :class:`HedgesimError`; the CLI prints
``str(error)`` as a single line and exits non-zero, never a traceback.
"""

from __future__ import annotations


class HedgesimError(Exception):
    """Base class of every error hedgesim raises on purpose."""


class GameError(HedgesimError):
    """A game is malformed: bad shape, non-finite payoffs, labels that do not match."""


class GameFileError(HedgesimError):
    """A game file (``.nfg``) is missing or cannot be read."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class SolverError(HedgesimError):
    """A solver failed, returned an unverified profile, or refused a game."""

    def __init__(self, method: str, problem: str, regret: float | None = None) -> None:
        self.method = method
        self.problem = problem
        self.regret = regret
        detail = f" (max regret {regret:.3g})" if regret is not None else ""
        super().__init__(f"solver {method!r}: {problem}{detail}")


class GameTooLargeError(SolverError):
    """An exponential method was asked to solve a game beyond its documented size."""


class SolverTimeoutError(SolverError):
    """A solver did not finish within its time bound."""


class ScenarioError(HedgesimError):
    """A scenario file is invalid. Carries the file, the line and the key path."""

    def __init__(
        self, path: str, problem: str, line: int | None = None, key_path: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.key_path = key_path
        self.problem = problem
        where = path if line is None else f"{path}:{line}"
        key = f" {key_path}:" if key_path else ""
        super().__init__(f"{where}:{key} {problem}")


class EngineError(HedgesimError):
    """The stochastic-game engine (:mod:`sim.stochastic`) refused a game or a request:
    bad shapes, transitions that are not probabilities, a discount outside [0, 1), a
    horizon out of range, work beyond the memory budget. Raised before any work is done."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"engine: {problem}")


class ConvergenceError(EngineError):
    """The engine's stationary iteration (or a QRE trace) did not reach its stopping rule
    within its bound; the message says how far it got. Never a silent answer."""


class OutputError(HedgesimError):
    """An output folder cannot be used or written: a file in the way, no permission, a
    read-only or full disk, another run writing into it. Carries the path."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class BudgetError(HedgesimError):
    """An input asks for more work than the documented budget (``docs/budgets.md``); the
    message carries the estimated memory and time and how to go beyond it deliberately."""
