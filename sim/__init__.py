"""hedgesim: a game-theoretic simulation of strategic ambiguity.

Data flows one way: scenario file -> ``Scenario`` -> ``scenario.article.article_run`` ->
``article.build`` (one stochastic game per round) -> ``stochastic.solve`` ->
``article.outcomes`` -> typed ``results`` -> ``figures`` / ``report``.
"""

__version__ = "0.1.0"
