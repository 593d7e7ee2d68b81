"""Equilibrium solvers: one result type, every result verified; selection rules.

Each algorithm is a plain function in its own module (``pure``, ``small_support``,
``twoplayer``, ``gambit``); :func:`solve` dispatches on a method name and :func:`select`
picks one equilibrium. For games of three or more players without a pure equilibrium,
``"auto"`` first enumerates every equilibrium in which two players mix over two actions
each (``small_support``, exact, about a millisecond) and only if there is none calls
pygambit.
"""

from sim.equilibria.pure import batch_pure_equilibria, pure_equilibria, pure_equilibrium_mask
from sim.equilibria.result import Equilibrium, SolveResult
from sim.equilibria.selection import SELECTION_RULES, select
from sim.equilibria.solve import METHODS, solve
from sim.equilibria.verify import verify, verify_many
from sim.game import DEFAULT_TOLERANCE

__all__ = [
    "DEFAULT_TOLERANCE",
    "METHODS",
    "SELECTION_RULES",
    "Equilibrium",
    "SolveResult",
    "batch_pure_equilibria",
    "pure_equilibria",
    "pure_equilibrium_mask",
    "select",
    "solve",
    "verify",
    "verify_many",
]
