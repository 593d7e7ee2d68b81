"""The engine: any finite stochastic game, its Markov-perfect equilibria, exact outcomes.

It knows no player's name: states, players and actions are data. See docs/engine.md.
"""

from sim.stochastic.game import StochasticGame
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
    "ROW_TOLERANCE",
    "DenseTransitions",
    "Factor",
    "FactoredTransitions",
    "Hazard",
    "SparseTransitions",
    "StochasticGame",
    "Transitions",
]
