"""Sweeps, Monte Carlo and sensitivity of a scenario on the article's game (Model 2).

- :mod:`sim.sweep.design`: which calibrations (grids over key paths, Monte Carlo draws from
  ``scipy.stats`` distributions, one-at-a-time ends);
- :mod:`sim.sweep.analyses`: the three analyses as typed records, their calibrations solved
  by :func:`sim.calibrate.solving.solve_calibrations` (chunks, resumable);
- :mod:`sim.sweep.executors`: where the chunks run: in-process, local processes or Dask.
"""

from sim.sweep.analyses import (
    ANALYSES,
    AnalysisKind,
    AnalysisRequest,
    SolveOptions,
    analysis_results,
    monte_carlo,
    point_answers,
    sensitivity,
    solve_design,
    sweep,
)
from sim.sweep.design import (
    Design,
    grid_design,
    monte_carlo_design,
    parse_param,
    quantile,
    scenario_sweep,
    sensitivity_design,
)
from sim.sweep.executors import DASK_MISSING, EXECUTORS

__all__ = [
    "ANALYSES",
    "DASK_MISSING",
    "EXECUTORS",
    "AnalysisKind",
    "AnalysisRequest",
    "Design",
    "SolveOptions",
    "analysis_results",
    "grid_design",
    "monte_carlo",
    "monte_carlo_design",
    "parse_param",
    "point_answers",
    "quantile",
    "scenario_sweep",
    "sensitivity",
    "sensitivity_design",
    "solve_design",
    "sweep",
]
