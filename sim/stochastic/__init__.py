"""The engine: any finite stochastic game, its Markov-perfect equilibria, exact outcomes.

It knows no player's name: states, players and actions are data. See docs/engine.md.
"""

from sim.stochastic.api import join_chunks, solve, solve_chunk
from sim.stochastic.game import StochasticGame
from sim.stochastic.qre import logit_branch
from sim.stochastic.result import FirstRound, Paths, Solution, Verification
from sim.stochastic.solver import MAX_HORIZON, MAX_ITERATIONS, MEMORY_BUDGET, STOP
from sim.stochastic.stage import PATHS, SELECTIONS, TraceCache
from sim.stochastic.transitions import (
    ROW_TOLERANCE,
    DenseTransitions,
    Factor,
    FactoredTransitions,
    Hazard,
    SparseTransitions,
    Transitions,
)

__all__ = [
    "MAX_HORIZON",
    "MAX_ITERATIONS",
    "MEMORY_BUDGET",
    "PATHS",
    "ROW_TOLERANCE",
    "SELECTIONS",
    "STOP",
    "DenseTransitions",
    "Factor",
    "FactoredTransitions",
    "FirstRound",
    "Hazard",
    "Paths",
    "Solution",
    "SparseTransitions",
    "StochasticGame",
    "TraceCache",
    "Transitions",
    "Verification",
    "join_chunks",
    "logit_branch",
    "solve",
    "solve_chunk",
]
