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

The names below are imported on first use (PEP 562), so that reading a scenario or a
results file, which needs only :mod:`~sim.article.actors` or
:mod:`~sim.article.parameters`, does not import the engine. The functions ``build`` and
``outcomes`` are not among them: their names are their modules'
(``sim.article.build.build``, ``sim.article.outcomes.outcomes``), which a lazy package
could not tell apart.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.article.build import ArticleGame
    from sim.article.grid import ANALYSIS, COARSE, RUN, Resolution
    from sim.article.outcomes import Exit, Horizon, Outcomes
    from sim.article.parameters import SPECS, Parameters, stack
    from sim.article.timeline import Shock

#: Where each public name lives.
_HOMES: dict[str, str] = {
    "ArticleGame": "build",
    "ANALYSIS": "grid",
    "COARSE": "grid",
    "RUN": "grid",
    "Resolution": "grid",
    "Exit": "outcomes",
    "Horizon": "outcomes",
    "Outcomes": "outcomes",
    "SPECS": "parameters",
    "Parameters": "parameters",
    "stack": "parameters",
    "Shock": "timeline",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sim.article' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"sim.article.{home}"), name)
    globals()[name] = value
    return value


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
    "stack",
]
