"""Sweeps, Monte Carlo and sensitivity at scale.

- :mod:`sim.sweep.design`: which variants (grids, Monte Carlo draws, one-at-a-time ends);
- :mod:`sim.sweep.evaluate` and :mod:`sim.sweep.batch`: what each variant gives (the
  scalar simulator per variant, or the batch engine stepping many together);
- :mod:`sim.sweep.executors`: chunks in-process, in local processes or on Dask, written
  atomically and resumed;
- :mod:`sim.sweep.analyses`: the three analyses as plain dataclasses of arrays.
"""

from sim.sweep.analyses import (
    ANALYSES,
    QUANTILES,
    AnalysisKind,
    AnalysisRequest,
    GridResult,
    MonteCarloResult,
    SensitivityResult,
    censored,
    exit_shares,
    monte_carlo,
    sensitivity,
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
from sim.sweep.executors import DASK_MISSING, EXECUTORS, run_design
from sim.sweep.outcomes import COUNTERPART_LABELS, EXIT_LABELS, Outcomes

__all__ = [
    "ANALYSES",
    "COUNTERPART_LABELS",
    "DASK_MISSING",
    "EXECUTORS",
    "EXIT_LABELS",
    "QUANTILES",
    "AnalysisKind",
    "AnalysisRequest",
    "Design",
    "GridResult",
    "MonteCarloResult",
    "Outcomes",
    "SensitivityResult",
    "censored",
    "exit_shares",
    "grid_design",
    "monte_carlo",
    "monte_carlo_design",
    "parse_param",
    "quantile",
    "run_design",
    "scenario_sweep",
    "sensitivity",
    "sensitivity_design",
    "sweep",
]
