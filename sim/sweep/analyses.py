"""The three analyses of a scenario on the article's game (Model 2), as typed records
(:mod:`sim.results.analyses`).

- :func:`sweep`: the answers over a grid of one or two key paths (:class:`GridAnalysis`);
- :func:`monte_carlo`: their distributions over draws of the scenario's ``uncertainty:``
  (:class:`MonteCarloAnalysis`);
- :func:`sensitivity`: the answers with each uncertain key at the low and the high end of
  its distribution, one at a time (:class:`SensitivityAnalysis`: a tornado chart's data, a
  local view; ``hedgesim analyze`` gives the global one, Sobol indices over the supported
  set).

Each design's rows (:mod:`sim.sweep.design`) become calibrations of the scenario
(:func:`sim.scenario.article.calibrations`), solved in chunks on an executor, resumably,
by :func:`sim.calibrate.solving.solve_calibrations` (the default selection rule, no
robustness search), on the analysis grid unless ``grid`` says otherwise. Each calibration
gives the same answers (:class:`~sim.results.analyses.PointAnswer`): its median horizon with
``collapse`` and ``never`` as outcomes of their own, where the hedge ends, the probability
of collapse by a date and the value of ambiguity.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from typing_extensions import Unpack

from sim.results.analyses import (
    AnalysisResults,
    AnalysisScenario,
    GridAnalysis,
    MonteCarloAnalysis,
    PointAnswer,
    SensitivityAnalysis,
    SensitivityRow,
)
from sim.scenario import Scenario
from sim.sweep.design import (
    SENSITIVITY_QUANTILES,
    Design,
    grid_design,
    monte_carlo_design,
    parse_param,
    scenario_sweep,
    sensitivity_design,
)

if TYPE_CHECKING:
    from sim.article.grid import Resolution
    from sim.calibrate.analysis import Targets
    from sim.calibrate.setting import Setting
    from sim.calibrate.solving import Answer

#: The folder under an analysis's output folder where solved chunks are kept.
CHUNKS = "chunks"
#: Calibrations solved in one chunk by default (one engine batch).
DEFAULT_CHUNK_SIZE = 8
#: The selection rule the analyses' answers are under.
RULE = "qre"
#: Memory a calibration of an analysis holds throughout (its row of the design, the 63
#: parameters of its calibration, its answers and its record in ``analyses.json``), an
#: estimate for the size budget (:func:`sim.pipeline.check_analysis_sizes`).
BYTES_PER_CALIBRATION = 4_000


class SolveOptions(TypedDict, total=False):
    """How an analysis solves its calibrations; every analysis takes these keywords.

    ``grid``: the state grid (default: the analysis grid,
    :data:`sim.calibrate.setting.ANALYSIS_RESOLUTION`); ``by``: the date P(collapse by) is
    read at (default: the end of the run); ``executor``, ``workers``, ``scheduler``: where
    the chunks run (:mod:`sim.sweep.executors`); ``out_dir``: the output folder whose
    ``chunks/`` keeps finished chunks (``None``: nowhere); ``resume``: take them instead of
    solving them again; ``chunk_size``: calibrations a chunk; ``progress``: a progress bar
    on standard error."""

    grid: Resolution | None
    by: dt.date | None
    executor: str
    workers: int | None
    scheduler: str | None
    out_dir: str | os.PathLike[str] | None
    resume: bool
    chunk_size: int
    progress: bool


@dataclass(frozen=True)
class Solved:
    """A design's calibrations solved: the setting, where P(collapse by) is read, and the
    answers in design order."""

    setting: Setting
    targets: Targets
    answer: Answer

    def points(self) -> list[PointAnswer]:
        """Each calibration's :class:`PointAnswer`."""
        return point_answers(self.answer, self.targets)

    def record(self) -> dict[str, Any]:
        """The fields every analysis record states about how it was solved."""
        s = self.setting
        return {"rounds": s.rounds, "round_days": s.round_days,
                "grid": (s.resolution.belief_points, s.resolution.capacity_points),
                "rule": RULE, "collapse_round": self.targets.collapse_round,
                "collapse_date": (None if self.targets.collapse_date is None
                                  else self.targets.collapse_date.isoformat())}  # fmt: skip


def solve_design(scenario: Scenario, design: Design, *, grid: Resolution | None = None,
                 by: dt.date | None = None, executor: str = "inprocess",
                 workers: int | None = None, scheduler: str | None = None,
                 out_dir: str | os.PathLike[str] | None = None, resume: bool = True,
                 chunk_size: int = DEFAULT_CHUNK_SIZE, progress: bool = False) -> Solved:
    """Solve every row of ``design`` as a calibration of ``scenario`` (module docstring).

    Raises
    ------
    ScenarioError
        A key path that is not a parameter's, or a value outside its bounds.
    HedgesimError
        ``by`` outside the run, or executor problems
        (:func:`~sim.calibrate.solving.solve_calibrations`).
    """
    from sim.article.parameters import stack
    from sim.calibrate.analysis import collapse_target
    from sim.calibrate.setting import setting_of
    from sim.calibrate.solving import solve_calibrations
    from sim.scenario.article import article_run, calibrations

    setting = setting_of(scenario, resolution=grid)
    targets = collapse_target(setting, by)
    monthly = calibrations(article_run(scenario), design.keys, design.values.tolist(),
                           monthly=True)
    folder = None if out_dir is None else Path(out_dir) / CHUNKS
    answer = solve_calibrations(setting, stack(monthly), executor=executor, workers=workers,
                                scheduler=scheduler, folder=folder, chunk_size=chunk_size,
                                resume=resume, progress=progress)  # fmt: skip
    return Solved(setting, targets, answer)


def _probability(x: float) -> float:
    """A probability the engine computed, rounding noise outside [0, 1] removed."""
    return float(min(max(x, 0.0), 1.0))


def point_answers(answer: Answer, targets: Targets) -> list[PointAnswer]:
    """Each solved calibration's answers (:class:`PointAnswer`)."""
    from sim.calibrate.analysis import exit_modes, horizon_outcomes
    from sim.calibrate.solving import EXITS

    horizons = horizon_outcomes(answer)
    modes = exit_modes(answer)
    values = targets.of(answer)  # hedging ends, realign, align, collapse by, ambiguity
    return [
        PointAnswer(
            horizon=int(h) if h.isdigit() else h,  # type: ignore[arg-type]
            hedging_ends=_probability(values[b, 0]),
            exit={e: _probability(answer.exit[b, k]) for k, e in enumerate(EXITS)},
            exit_mode=modes[b],
            collapse_by=_probability(values[b, 3]),
            ambiguity=float(values[b, 4]),
        )
        for b, h in enumerate(horizons)
    ]


# -- the analyses ----------------------------------------------------------------------------
def sweep(scenario: Scenario, params: Sequence[str] = (), *, name: str | None = None,
          **options: Unpack[SolveOptions]) -> GridAnalysis:
    """The answers over a grid: ``params`` (``key.path=start:stop:num``, one or two), or the
    scenario's ``sweeps:`` entry ``name`` (default: the first) when ``params`` is empty.

    Raises
    ------
    ScenarioError
        On a malformed ``--param``, an unknown key path, or no sweep to run.
    """
    design = (grid_design([parse_param(p) for p in params]) if params
              else scenario_sweep(scenario, name))  # fmt: skip
    solved = solve_design(scenario, design, **options)
    return GridAnalysis(keys=list(design.keys), axes=[list(a) for a in design.axes],
                        points=solved.points(), **solved.record())  # fmt: skip


def monte_carlo(scenario: Scenario, *, draws: int | None = None,
                **options: Unpack[SolveOptions]) -> MonteCarloAnalysis:
    """The answers' distributions over ``draws`` (default ``uncertainty.draws``) draws of the
    scenario's uncertainty, seeded by ``scenario.seed``; "never" and "collapse" stay
    outcomes of their own in every distribution.

    Raises
    ------
    ScenarioError
        If the scenario has no ``uncertainty:`` distributions.
    """
    from sim.calibrate.analysis import distributions

    design = monte_carlo_design(scenario, draws)
    solved = solve_design(scenario, design, **options)
    return MonteCarloAnalysis(
        keys=list(design.keys), draws=len(design), seed=int(scenario.seed),
        samples={k: list(design.values[:, j]) for j, k in enumerate(design.keys)},
        points=solved.points(),
        distributions=distributions(solved.answer, solved.targets, solved.setting.rounds),
        **solved.record(),
    )  # fmt: skip


def swing(low: PointAnswer, high: PointAnswer) -> float:
    """How far an input moves the answers between its two ends: the larger of the moves of
    P(hedging ends) and P(collapse by)."""
    return max(abs(high.hedging_ends - low.hedging_ends), abs(high.collapse_by - low.collapse_by))


def sensitivity(scenario: Scenario, *,
                quantiles: tuple[float, float] = SENSITIVITY_QUANTILES,
                **options: Unpack[SolveOptions]) -> SensitivityAnalysis:
    """The answers with each uncertain key at the low and the high end of its distribution
    (by default its 5th and 95th percentiles), one at a time, the others at the scenario's
    values; rows sorted by :func:`swing`, largest first.

    Raises
    ------
    ScenarioError
        If the scenario has no ``uncertainty:`` distributions.
    """
    design = sensitivity_design(scenario, quantiles)
    solved = solve_design(scenario, design, **options)
    points = solved.points()
    rows = []
    for k, key in enumerate(design.keys):
        low, high = points[1 + 2 * k], points[2 + 2 * k]
        rows.append(SensitivityRow(
            key=key, base=float(design.values[0, k]), low=float(design.values[1 + 2 * k, k]),
            high=float(design.values[2 + 2 * k, k]), at_low=low, at_high=high,
            swing=swing(low, high)))  # fmt: skip
    order = sorted(range(len(rows)), key=lambda i: -rows[i].swing)
    return SensitivityAnalysis(keys=[rows[i].key for i in order], quantiles=quantiles,
                               base=points[0], parameters=[rows[i] for i in order],
                               **solved.record())  # fmt: skip


def analysis_results(scenario: Scenario, computed: dict[str, Any]) -> AnalysisResults:
    """The :class:`~sim.results.AnalysisResults` of analyses run on ``scenario``
    (``{analysis name: record}``)."""
    from sim.article.actors import ACTIONS, SYRIA
    from sim.results.common import LabelNames
    from sim.scenario import scenario_hash

    return AnalysisResults(
        scenario=AnalysisScenario(name=scenario.name, hash=scenario_hash(scenario),
                                  question=scenario.question,
                                  round_unit=scenario.game.round_unit),
        focal=SYRIA,
        labels=LabelNames.of(scenario.labels(), ACTIONS),
        analyses=computed,
    )


# -- the registry ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnalysisRequest:
    """What the command line asks of the analyses beyond the scenario: the swept key paths
    (``--param``), which of the scenario's ``sweeps:`` (``--name``), how many draws
    (``--draws``)."""

    params: tuple[str, ...] = ()
    sweep_name: str | None = None
    draws: int | None = None


Record = GridAnalysis | MonteCarloAnalysis | SensitivityAnalysis


@dataclass(frozen=True)
class AnalysisKind:
    """A registered analysis.

    Attributes
    ----------
    name
        Its name on the command line and in ``analyses.json``.
    summary
        What it computes, in one line (the CLI's help and the docs' table).
    needs
        The scenario section it draws on: ``"sweeps"`` or ``"uncertainty"``.
    run
        ``run(scenario, request, **solve options) -> record``.
    """

    name: str
    summary: str
    needs: str
    run: Callable[..., Record]


def _grid(scenario: Scenario, request: AnalysisRequest,
          **options: Unpack[SolveOptions]) -> GridAnalysis:
    return sweep(scenario, request.params, name=request.sweep_name, **options)


def _monte_carlo(scenario: Scenario, request: AnalysisRequest,
                 **options: Unpack[SolveOptions]) -> MonteCarloAnalysis:
    return monte_carlo(scenario, draws=request.draws, **options)


def _sensitivity(scenario: Scenario, request: AnalysisRequest,
                 **options: Unpack[SolveOptions]) -> SensitivityAnalysis:
    return sensitivity(scenario, **options)


#: Every analysis, by name: the CLI's choices, the budget checks and the docs derive from it.
ANALYSES: dict[str, AnalysisKind] = {
    kind.name: kind
    for kind in (
        AnalysisKind("grid", "the answers (median horizon, where the hedge ends, P(collapse by), "
                     "the value of ambiguity) over a grid of one or two key paths (--param, or "
                     "the scenario's sweeps:)", "sweeps", _grid),
        AnalysisKind("monte-carlo", "the answers' distributions over draws of the scenario's "
                     "uncertainty: (never and collapse as outcomes of their own)", "uncertainty",
                     _monte_carlo),
        AnalysisKind("sensitivity", "the answers with each uncertain input at its 5th and 95th "
                     "percentile, one at a time (a tornado chart: a local view)", "uncertainty",
                     _sensitivity),
    )
}

__all__ = ["ANALYSES", "CHUNKS", "DEFAULT_CHUNK_SIZE", "RULE", "AnalysisKind", "AnalysisRequest",
           "SolveOptions", "Solved", "analysis_results", "monte_carlo", "point_answers",
           "sensitivity", "solve_design", "sweep", "swing"]
