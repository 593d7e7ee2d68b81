"""Sweep, Monte Carlo and sensitivity results as plain JSON data (``analyses.json``).

One job: turn the analysis dataclasses of :mod:`sim.sweep` into documented, deterministic
JSON (rounds count from 0; a horizon of ``null`` means "not within the run").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.sweep import GridResult, MonteCarloResult, SensitivityResult

ANALYSES_SCHEMA_VERSION = 1
NEVER = -1


def _horizons(values: Any) -> Any:
    arr = np.asarray(values)
    if arr.ndim == 0:
        v = int(arr)
        return None if v == NEVER else v
    return [_horizons(v) for v in arr]


def _labels(codes: Any, labels: tuple[str, ...]) -> Any:
    arr = np.asarray(codes)
    if arr.ndim == 0:
        v = int(arr)
        return None if v == NEVER else labels[v]
    return [_labels(v, labels) for v in arr]


def _floats(values: Any) -> list[float]:
    return [float(f"{float(v):.12g}") for v in np.asarray(values, dtype=np.float64)]


def grid_json(result: GridResult) -> dict[str, Any]:
    return {
        "analysis": "grid",
        "keys": list(result.keys),
        "axes": [_floats(a) for a in result.axes],
        "rounds": result.rounds,
        "horizon": _horizons(result.horizon),
        "exit": _labels(result.exit, result.exit_labels),
        "first_broken": _labels(result.first_broken, result.counterpart_labels),
    }


def monte_carlo_json(result: MonteCarloResult) -> dict[str, Any]:
    return {
        "analysis": "monte-carlo",
        "keys": list(result.keys),
        "draws": int(len(result.horizon)),
        "seed": int(result.seed),
        "rounds": result.rounds,
        "quantiles": {f"{q:g}": float(f"{v:.12g}") for q, v in result.quantiles.items()},
        "exit_shares": {k: float(f"{v:.12g}") for k, v in result.exit_shares.items()},
        "never_share": float(f"{result.never_share:.12g}"),
        "horizon": _horizons(result.horizon),
        "exit": _labels(result.exit, result.exit_labels),
        "first_broken": _labels(result.first_broken, result.counterpart_labels),
        "samples": {k: _floats(result.samples[:, j]) for j, k in enumerate(result.keys)},
    }


def sensitivity_json(result: SensitivityResult) -> dict[str, Any]:
    return {
        "analysis": "sensitivity",
        "keys": list(result.keys),
        "base_horizon": _horizons(result.base_horizon),
        "base_exit": _labels(result.base_exit, result.exit_labels),
        "rounds": result.rounds,
        "parameters": [
            {
                "key": key,
                "base": float(f"{float(result.base_values[j]):.12g}"),
                "low": float(f"{float(result.low_values[j]):.12g}"),
                "high": float(f"{float(result.high_values[j]):.12g}"),
                "low_horizon": _horizons(result.low_horizon[j]),
                "high_horizon": _horizons(result.high_horizon[j]),
                "low_exit": _labels(result.low_exit[j], result.exit_labels),
                "high_exit": _labels(result.high_exit[j], result.exit_labels),
                "swing": float(f"{float(result.swing[j]):.12g}"),
            }
            for j, key in enumerate(result.keys)
        ],
    }


def analysis_json(result: GridResult | MonteCarloResult | SensitivityResult) -> dict[str, Any]:
    """Any analysis result as JSON data."""
    if isinstance(result, GridResult):
        return grid_json(result)
    if isinstance(result, MonteCarloResult):
        return monte_carlo_json(result)
    return sensitivity_json(result)
