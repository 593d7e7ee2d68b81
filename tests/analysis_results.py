"""Small hand-built typed analyses (:class:`sim.results.AnalysisResults`) of Model 2 for
figure and report tests: every number is small enough to check by hand."""

from __future__ import annotations

from typing import Any

from sim.article.actors import ACTIONS, PLAYERS
from sim.labels import Labels
from sim.results import AnalysisResults, GridAnalysis, MonteCarloAnalysis, SensitivityAnalysis
from sim.results.analyses import AnalysisScenario, PointAnswer
from sim.results.common import LabelNames
from sim.results.supported import AnswerDistributions, Quantiles

VISIBILITY, INCENTIVE = "beliefs.iran.visibility", "payoffs.gulf_incentive"
SOLVED: dict[str, Any] = {"rounds": 10, "round_days": 30.0, "grid": (3, 3), "rule": "qre",
                          "collapse_round": 10, "collapse_date": None}


def point(horizon: int | str, mode: str, *, ends: float = 0.6, collapse: float = 0.1,
          ambiguity: float = 2.0) -> PointAnswer:
    """A calibration's answers: ``mode`` gets the largest share of where the hedge ends."""
    exit = {"align": 0.1, "realign": 0.1, "collapse": 0.1, "never": 0.1}
    exit[mode] = 0.7
    return PointAnswer(horizon=horizon, hedging_ends=ends, exit=exit, exit_mode=mode,  # type: ignore[arg-type]
                       collapse_by=collapse, ambiguity=ambiguity)


def grid2() -> GridAnalysis:
    """3 visibilities x 2 incentives; never at (0.25, 2); collapse first at (2, 2); realign
    at incentive 8. P(hedging ends) rises with visibility, P(collapse) too."""
    return GridAnalysis(
        keys=[VISIBILITY, INCENTIVE], axes=[[0.25, 1.0, 2.0], [2.0, 8.0]],
        points=[point("never", "never", ends=0.2, collapse=0.05),
                point(6, "realign", ends=0.6, collapse=0.02),
                point(4, "align", ends=0.7, collapse=0.2),
                point(3, "realign", ends=0.8, collapse=0.05),
                point("collapse", "collapse", ends=0.3, collapse=0.6, ambiguity=-1.0),
                point(2, "realign", ends=0.9, collapse=0.1)],
        **SOLVED)


def grid1() -> GridAnalysis:
    return GridAnalysis(keys=[VISIBILITY], axes=[[0.25, 0.5, 1.0, 2.0]],
                        points=[point("never", "never", ends=0.1), point(8, "align", ends=0.5),
                                point(4, "align", ends=0.7), point(4, "realign", ends=0.8)],
                        **SOLVED)


def quantiles(values: list[float]) -> Quantiles:
    import numpy as np

    q = np.quantile(values, (0.05, 0.25, 0.5, 0.75, 0.95))
    return Quantiles(mean=float(np.mean(values)), sd=float(np.std(values)), q05=q[0], q25=q[1],
                     q50=q[2], q75=q[3], q95=q[4])


def monte_carlo() -> MonteCarloAnalysis:
    """10 draws: median horizons 3, 3, 4, 4, 4, 5, 6, then 2 never and 1 collapse first."""
    horizons: list[int | str] = [3, 3, 4, 4, 4, 5, 6, "never", "never", "collapse"]
    modes = ["align", "align", "align", "realign", "align", "align", "realign", "never",
             "never", "collapse"]
    points = [point(h, m, ends=0.2 if h == "never" else 0.7, collapse=0.8 if m == "collapse"
                    else 0.1) for h, m in zip(horizons, modes, strict=True)]
    return MonteCarloAnalysis(
        keys=[VISIBILITY, INCENTIVE], draws=10, seed=7,
        samples={VISIBILITY: [1.0] * 10, INCENTIVE: [3.0] * 10}, points=points,
        distributions=AnswerDistributions(
            horizon={"3": 0.2, "4": 0.3, "5": 0.1, "6": 0.1, "collapse": 0.1, "never": 0.2},
            hedging_ends=quantiles([p.hedging_ends for p in points]),
            exit_mode={"align": 0.5, "realign": 0.2, "collapse": 0.1, "never": 0.2},
            exit={e: quantiles([p.exit[e] for p in points]) for e in points[0].exit},
            collapse_by=quantiles([p.collapse_by for p in points]), collapse_round=10,
            collapse_date=None, ambiguity=quantiles([p.ambiguity for p in points])),
        **SOLVED)


def sensitivity() -> SensitivityAnalysis:
    """Keys sorted by swing, as sim.sweep.sensitivity returns them: the incentive moves
    P(hedging ends) from 40% to 90%, visibility P(collapse) from 10% to 30%, aid nothing."""
    base = point(6, "align", ends=0.6, collapse=0.1)
    rows = [
        (INCENTIVE, 3.0, 2.125, 4.375, point("never", "never", ends=0.4, collapse=0.1),
         point(3, "realign", ends=0.9, collapse=0.1), 0.5),
        (VISIBILITY, 1.0, 0.55, 1.45, point(6, "align", ends=0.6, collapse=0.1),
         point(5, "align", ends=0.6, collapse=0.3), 0.2),
        ("payoffs.iran_aid", 4.0, 3.35, 5.07, base, base, 0.0),
    ]
    return SensitivityAnalysis(
        keys=[r[0] for r in rows], quantiles=(0.05, 0.95), base=base,
        parameters=[dict(zip(("key", "base", "low", "high", "at_low", "at_high", "swing"), r,
                             strict=True)) for r in rows],
        **SOLVED)


def analyses(**parts: GridAnalysis | MonteCarloAnalysis | SensitivityAnalysis,
             ) -> AnalysisResults:
    """The given analyses (default: the 2-key grid, Monte Carlo and sensitivity)."""
    chosen = parts or {"grid": grid2(), "monte-carlo": monte_carlo(),
                       "sensitivity": sensitivity()}
    return AnalysisResults(
        scenario=AnalysisScenario(name="fake", hash="0" * 64,
                                  question="How long <can> Syria hedge?", round_unit="month"),
        focal="syria",
        labels=LabelNames(players={p: Labels.default().player(p) for p in PLAYERS},
                          actions={p: {a: a for a in acts} for p, acts in ACTIONS.items()}),
        analyses=chosen,
    )
