"""hedgesim: a game-theoretic simulation of strategic ambiguity.

Data flows one way: scenario file -> ``Scenario`` -> ``model.stage_game`` ->
``NormalFormGame`` -> ``equilibria.solve`` -> ``select`` -> ``repeated`` ->
``Trajectory`` -> ``report`` / ``plots``.
"""

__version__ = "0.1.0"
