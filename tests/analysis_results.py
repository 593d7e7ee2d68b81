"""Small hand-built typed analyses (:class:`sim.results.AnalysisResults`) for figure and
report tests: every number is small enough to check by hand."""

from __future__ import annotations

import numpy as np

from sim import model
from sim.results import AnalysisResults, GridAnalysis, MonteCarloAnalysis, SensitivityAnalysis
from sim.results.analyses import AnalysisScenario
from sim.results.common import LabelNames

DECAY, INCENTIVE = "tolerance.iran.decay", "parameters.gulf_incentive"


def grid2() -> GridAnalysis:
    """3 decays x 2 incentives; hedging never ends at (0.02, 5); realign at incentive 5."""
    return GridAnalysis(
        keys=[DECAY, INCENTIVE], axes=[[0.02, 0.04, 0.08], [2.0, 5.0]], rounds=10,
        horizon=[[5, None], [3, 4], [2, 2]],
        exit=[["align", None], ["align", "realign"], ["align", "realign"]],
        first_broken=[["iran", None], ["iran", "iran"], ["iran", "israel"]],
    )


def grid1() -> GridAnalysis:
    return GridAnalysis(keys=[DECAY], axes=[[0.01, 0.05, 0.1, 0.2]], rounds=10,
                        horizon=[None, 8, 4, 4], exit=[None, "align", "align", "realign"],
                        first_broken=[None, "iran", "iran", "iran"])


def monte_carlo() -> MonteCarloAnalysis:
    horizon = [3, 3, 4, 4, 4, 5, 6, None, None, 2]
    exits = ["align", "align", "align", "realign", "align", "align", "realign", None, None,
             "align"]
    cens = np.array([10 if h is None else h for h in horizon], dtype=float)
    return MonteCarloAnalysis(
        keys=[DECAY, INCENTIVE], draws=10, seed=7, rounds=10,
        quantiles={f"{q:g}": float(np.quantile(cens, q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)},
        exit_shares={"align": 0.6, "hedge": 0.0, "realign": 0.2, "none": 0.2}, never_share=0.2,
        horizon=horizon, exit=exits, first_broken=["iran"] * 7 + [None, None, "israel"],
        samples={DECAY: [0.0] * 10, INCENTIVE: [0.0] * 10},
    )


def sensitivity() -> SensitivityAnalysis:
    # keys already sorted by swing, as sim.sweep.sensitivity returns them
    rows = [
        (INCENTIVE, 3.0, 2.125, 4.375, 6, None, "align", None, 18),
        (DECAY, 0.08, 0.044, 0.116, 10, 4, "align", "realign", 6),
        ("parameters.iran_aid", 4.0, 3.35, 5.07, 6, 6, "align", "align", 0),
    ]
    return SensitivityAnalysis(
        keys=[r[0] for r in rows], quantiles=(0.05, 0.95), base_horizon=6, base_exit="align",
        rounds=24,
        parameters=[dict(zip(("key", "base", "low", "high", "low_horizon", "high_horizon",
                              "low_exit", "high_exit", "swing"), r, strict=True))
                    for r in rows],
    )


def analyses(**parts: GridAnalysis | MonteCarloAnalysis | SensitivityAnalysis,
             ) -> AnalysisResults:
    """The given analyses (default: the 2-key grid, Monte Carlo and sensitivity)."""
    chosen = parts or {"grid": grid2(), "monte-carlo": monte_carlo(),
                       "sensitivity": sensitivity()}
    return AnalysisResults(
        scenario=AnalysisScenario(name="fake", hash="0" * 64,
                                  question="How long <can> Syria hedge?", round_unit="month"),
        focal="syria",
        labels=LabelNames(players=dict(model.PLAYER_LABELS),
                          actions={p: {a: a for a in acts} for p, acts in model.ACTIONS.items()}),
        analyses=chosen,
    )
