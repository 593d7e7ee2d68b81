"""Typed results: the file formats, their schemas, their validation, and the only input of
the figures and the report.

- :class:`ArticleResults` (``results.json``): a run of Model 2, the article's stochastic
  game (what ``hedgesim run`` writes);
- :class:`AnalysisResults` (``analyses.json``): sweeps, Monte Carlo and sensitivity of
  Model 2.

Both are pydantic models: ``model_dump_json`` writes the file, ``model_json_schema`` is its
published schema (``docs/results.schema.json``, ``docs/analyses.schema.json``), and
:func:`read_results` reads either file back, refusing anything else (an older schema
version included) with one clear line. :mod:`sim.results.build` is the one place that
makes them from what the model computed.

A new model adds its own results class with its own ``model`` value and lists it in
:data:`RESULT_TYPES`; figures register against the class they draw (:mod:`sim.figures`),
so nothing else changes.
"""

from sim.results.analyses import (
    ANALYSES_SCHEMA_VERSION,
    AnalysisResults,
    GridAnalysis,
    MonteCarloAnalysis,
    PointAnswer,
    SensitivityAnalysis,
    SensitivityRow,
)
from sim.results.article import SCHEMA_VERSION, ArticleResults
from sim.results.common import DECIMALS, SIGNIFICANT, Horizon, LabelNames, TieCause, fixed
from sim.results.io import (
    ANALYSES_FILE,
    RESULT_TYPES,
    RESULTS_FILE,
    TRAJECTORY_FILE,
    Results,
    read_results,
    results_json,
    write_json,
)

__all__ = [
    "ANALYSES_FILE",
    "ANALYSES_SCHEMA_VERSION",
    "DECIMALS",
    "RESULTS_FILE",
    "RESULT_TYPES",
    "SCHEMA_VERSION",
    "SIGNIFICANT",
    "TRAJECTORY_FILE",
    "AnalysisResults",
    "ArticleResults",
    "GridAnalysis",
    "Horizon",
    "LabelNames",
    "MonteCarloAnalysis",
    "PointAnswer",
    "Results",
    "SensitivityAnalysis",
    "SensitivityRow",
    "TieCause",
    "fixed",
    "read_results",
    "results_json",
    "write_json",
]
