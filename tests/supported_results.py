"""A small, hand-made analysis over the supported set (``SupportedAnalysis``) for the tests of
its figures, sentences and report section: numbers chosen so that every sentence can be
checked against them."""

from __future__ import annotations

import copy
from typing import Any

from sim.results.supported import SupportedAnalysis


def _q(mean: float, q05: float, q50: float, q95: float) -> dict[str, float]:
    return {"mean": mean, "sd": 0.1, "q05": q05, "q25": (q05 + q50) / 2, "q50": q50,
            "q75": (q50 + q95) / 2, "q95": q95}


def _sobol(factor: str, s1: float, st: float, conf: float) -> dict[str, Any]:
    return {"factor": factor, "parameters": ["x"], "S1": s1, "S1_conf": conf, "ST": st,
            "ST_conf": conf}


BASE: dict[str, Any] = {
    "schema_version": 2, "kind": "supported-analysis", "scenario": "baseline", "seed": 0,
    "n": 200, "rounds": 12, "round_days": 30.0, "resolution": [3, 3],
    "method": "hit-and-run", "acceptance_rate": 0.00017,
    "distributions": {
        "horizon": {"0": 0.1, "2": 0.15, "5": 0.25, "collapse": 0.05, "never": 0.45},
        "hedging_ends": _q(0.5, 0.0, 0.55, 1.0),
        "exit_mode": {"never": 0.4, "realign": 0.35, "align": 0.2, "align=realign": 0.05},
        "exit": {k: _q(0.25, 0.0, 0.2, 0.7) for k in ("align", "realign", "collapse", "never")},
        "collapse_by": _q(0.2, 0.01, 0.125, 0.875),
        "collapse_round": 12, "collapse_date": "2025-10-27",
        "ambiguity": _q(5.0, -0.5, 4.25, 12.5),
    },
    "sobol_base": 16, "sobol_supported_share": 0.75,
    "sobol": {
        "hedging ends": [_sobol("the Gulf's offer", 0.25, 0.5, 0.125),
                         _sobol("patience", 0.0625, 0.125, 0.25)],
        "value of ambiguity": [_sobol("Iran's money to Syria", 0.5, 0.75, 0.0625)],
        "collapse by": [],
    },
    "importance_n": 8,
    "importance": [
        {"constraint": "K01", "claims": ["C04"], "restatement": "one",
         "shrink": {"hedging ends": 0.25, "value of ambiguity": -0.5}},
        {"constraint": "K02", "claims": ["C13", "C18"], "restatement": "two",
         "shrink": {"hedging ends": 0.125, "value of ambiguity": 0.375}},
    ],
    "knife_edges": [
        {"answer": "horizon", "value": "5", "tie": True, "moved_by": ["iran_aid", "war_cost"],
         "alternatives": ["6"]},
        {"answer": "exit", "value": "never", "tie": False, "moved_by": [], "alternatives": []},
    ],
}


def supported(**changes: Any) -> SupportedAnalysis:
    """:data:`BASE` with top-level fields replaced, validated."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    return SupportedAnalysis.model_validate(data)
