"""Model 2, the article's game: a stochastic game of beliefs, regime capacity and collapse,
solved on the engine (:mod:`sim.stochastic`). See docs/model.md and docs/horizons.md.

Modules, in the direction data flows:

- :mod:`~sim.article.actors` players, actions, and how each Syrian action reads to each
  counterpart;
- :mod:`~sim.article.parameters` every number, declared once with unit, claims, bounds and
  reason;
- :mod:`~sim.article.terms` the claim-tagged payoff terms and their affine map;
- :mod:`~sim.article.signals`, :mod:`~sim.article.capacity`, :mod:`~sim.article.grid`,
  :mod:`~sim.article.timeline` how the state moves, on which grid, under which dated shocks;
- :mod:`~sim.article.build` the game as one :class:`~sim.stochastic.StochasticGame` per round;
- :mod:`~sim.article.outcomes` exact outcome distributions of solved strategies;
- :mod:`~sim.article.incentives` which actions are strict best responses where.
"""

from sim.article.build import ArticleGame, build
from sim.article.grid import ANALYSIS, COARSE, RUN, Resolution
from sim.article.outcomes import Exit, Horizon, Outcomes, outcomes
from sim.article.parameters import SPECS, Parameters, stack
from sim.article.timeline import Shock

__all__ = [
    "ANALYSIS",
    "COARSE",
    "RUN",
    "SPECS",
    "ArticleGame",
    "Exit",
    "Horizon",
    "Outcomes",
    "Parameters",
    "Resolution",
    "Shock",
    "build",
    "outcomes",
    "stack",
]
