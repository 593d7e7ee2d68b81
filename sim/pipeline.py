"""A scenario run, or its analyses, from file to folder: the paths the CLI takes.

load (and ``--set`` overrides) -> :func:`sim.scenario.article.article_run` ->
:func:`sim.article.answers.answer` (Model 2 on the engine) -> typed results
(:mod:`sim.results`) -> ``results.json`` and ``trajectory.csv`` -> figures and
``report.html``, drawn from the typed results alone (:func:`draw_folder`, which
``hedgesim figures`` also calls on files read back). Nothing here prints. A command's
files are staged and put in place whole (:mod:`sim.output_folder`), so an output folder
never mixes two runs, and nothing is written at all when an input is refused.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.output_folder import output_folder
from sim.results import (
    ANALYSES_FILE,
    RESULTS_FILE,
    TRAJECTORY_FILE,
    AnalysisResults,
    ArticleResults,
    Results,
    read_results,
    write_json,
)
from sim.results.io import SUPPORTED_FILE, is_supported_analysis, read_supported
from sim.results.supported import SupportedAnalysis

if TYPE_CHECKING:  # the model and the solvers load only where a command runs them
    import numpy as np

    from sim.article.answers import Answers
    from sim.article.grid import Resolution
    from sim.article.thresholds import Sustainability as EngineSustainability
    from sim.equilibria import Equilibrium
    from sim.game import NormalFormGame
    from sim.scenario import Scenario
    from sim.scenario.article import ArticleRun

REPORT_FILE = "report.html"
ANALYSIS_REPORT_FILE = "analyses.html"


@dataclass(frozen=True)
class StageView:
    """One round's stage game of a scenario on Model 2, in the state play is most likely in
    (given the regime stands): the game the equilibrium is selected in (stage payoffs plus
    continuation values) and the stage payoffs alone, with what the terms need.

    ``solve`` and ``explain`` look at it; :func:`stage_view` makes it.
    """

    scenario: Scenario
    round: int
    state: int
    probability: float  # of being in that state at the start of the round
    beliefs: dict[str, float]
    capacity: float
    game: NormalFormGame  # with continuation values
    stage: NormalFormGame  # stage payoffs only
    selected: tuple[np.ndarray, ...]  # the engine's selected strategies there
    rule: str
    terms: Callable[[str, tuple[Any, ...]], tuple[Any, ...]]  # (player, profile) -> terms

    def closest(self, equilibria: Sequence[Equilibrium]) -> int | None:
        """The index of the equilibrium that is the engine's selected play (``None`` if no
        equilibrium found is within 1e-6 of it)."""
        import numpy as np

        for k, eq in enumerate(equilibria):
            if all(np.max(np.abs(np.asarray(a) - b)) <= 1e-6
                   for a, b in zip(eq.profile, self.selected, strict=True)):
                return k
        return None


def stage_view(scenario: Scenario, round_: int = 0, options: RunOptions | None = None
               ) -> StageView:
    """Solve the scenario on Model 2 under its first rule (no robustness search, no myopic
    path) and take round ``round_``'s stage game in its most likely standing state."""
    import numpy as np

    from sim.article import capacity, terms
    from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS
    from sim.errors import HedgesimError
    from sim.game import NormalFormGame

    options = options or RunOptions()
    rounds = scenario.game.rounds
    if not 0 <= round_ < rounds:
        raise HedgesimError(f"--round {round_}: the scenario has rounds 0 to {rounds - 1}")
    cheap = RunOptions(resolution=options.resolution, rules=options.rules, robust=False,
                       myopic=False, sustainability=0, allow_large=options.allow_large)
    _, answers, _, rules = solve_run(scenario, cheap)
    solution, game = answers.solution, answers.game
    dist = np.asarray(solution.distribution(game.initial()))[answers.index, round_]
    standing = dist[: game.grid_states]
    state = int(np.argmax(standing))
    shape = tuple(len(ACTIONS[p]) for p in PLAYERS)
    actions = tuple(ACTIONS[p] for p in PLAYERS)
    with_values = np.asarray(answers.stage_payoffs(round_)[state]).reshape(len(PLAYERS), *shape)
    stage = np.asarray(game.payoffs(round_)[state]).reshape(len(PLAYERS), *shape)
    sigma = answers.strategy()[round_, state]
    params, data = game.timeline.parameters[round_], game.timeline.data[round_]
    hazard = capacity.hazard(params, data, game.capacities)[game.component_indices()[state, 3]]
    beliefs = {cp: float(b) for cp, b in zip(COUNTERPARTS, game.state_beliefs()[state],
                                             strict=True)}

    def decompose(player: str, profile: tuple[Any, ...]) -> tuple[Any, ...]:
        return terms.decompose(params, data, beliefs, hazard, player, profile)

    title = f"{scenario.name}, round {round_}"
    return StageView(
        scenario=scenario, round=round_, state=state, probability=float(standing[state]),
        beliefs=beliefs, capacity=float(game.state_capacity()[state]),
        game=NormalFormGame(with_values, PLAYERS, actions, title=title),
        stage=NormalFormGame(stage, PLAYERS, actions, title=title + " (stage payoffs)"),
        selected=tuple(np.asarray(sigma[k]) for k in range(len(PLAYERS))),
        rule=rules[0], terms=decompose,
    )


@dataclass(frozen=True)
class Summary:
    """What a command wrote, its typed results, and the text the CLI prints."""

    out_dir: Path
    results: Results
    files: dict[str, Path]
    text: str


#: The folder under which runs go when the command line names no ``--out``.
RUNS = Path("runs")


def default_out_dir(scenario: Scenario) -> Path:
    """``runs/<outputs.dir>`` or ``runs/<name>``: the schema keeps both to safe names, so
    a scenario file can never send files outside ``runs/``."""
    return RUNS / (scenario.outputs.dir or scenario.name)


def _formats(scenario: Scenario, svg: bool) -> tuple[str, ...]:
    formats = tuple(scenario.outputs.figures)
    return formats + ("svg",) if svg and "svg" not in formats else formats


@dataclass(frozen=True)
class RunOptions:
    """How finely and how thoroughly a run of Model 2 is solved (numerics, not the model).

    Attributes
    ----------
    resolution
        The state grid (default: the scenario's, :attr:`ArticleRun.resolution`).
    rules
        The selection rules to solve under, the reported one first (default: the
        scenario's selection rule, then every other rule of
        :data:`sim.article.answers.RULES`).
    robust
        Whether the first rule's solve looks for other equilibria in every stage game
        (the fragile states; about two thirds more time).
    myopic
        Whether to solve the stage-optimal path (the game at discount 0) too.
    sustainability
        Discount values scanned per counterpart for the sustainability thresholds (0:
        not computed; each scan is one batch solve, refined twice around a change).
    allow_large
        Whether to go beyond the run's size budget (:func:`sim.budget.check_article_run`),
        up to what this machine's memory holds.
    """

    resolution: Resolution | None = None
    rules: tuple[str, ...] | None = None
    robust: bool = True
    myopic: bool = True
    sustainability: int = 4
    allow_large: bool = False


def solve_run(scenario: Scenario, options: RunOptions = RunOptions()) -> tuple[
        ArticleRun, Answers, EngineSustainability | None, tuple[str, ...]]:
    """Answer a scenario on Model 2: :func:`sim.scenario.article.article_run`, then
    :func:`sim.article.answers.answer` (and the sustainability scan when asked for)."""
    from sim.article.answers import RULES, answer, sustainability
    from sim.budget import check_article_run, run_solves
    from sim.scenario.article import article_run

    run = article_run(scenario)
    resolution = options.resolution or run.resolution
    if options.rules is not None:
        rules = tuple(options.rules)
    else:
        first = run.selection if run.selection in RULES else RULES[0]
        rules = (first, *(r for r in RULES if r != first))
    grid = f"{resolution.belief_points}x{resolution.capacity_points}"
    check_article_run(
        f"{'--grid' if options.resolution else 'the scenario grid'} {grid} "
        f"({resolution.states:,} states) x game.rounds={run.rounds}",
        resolution.states, run.rounds,
        run_solves(len(rules), myopic=options.myopic, robust=options.robust,
                   sustainability=options.sustainability),
        batch=max(options.sustainability, 1), allow_large=options.allow_large,
    )
    answers = answer(run.params, rounds=run.rounds, shocks=run.shocks, resolution=resolution,
                     rules=rules, myopic=options.myopic, robust=options.robust)
    sus = None
    if options.sustainability > 0:
        sus = sustainability(run.params, rounds=run.rounds, shocks=run.shocks,
                             resolution=resolution, points=options.sustainability)
    return run, answers, sus, rules


def without_capacity_shocks(run: ArticleRun, answers: Answers, rule: str) -> float | None:
    """For a run whose events record observations of history and whose span holds the day
    the regime fell: P(fallen by the end of that round) without the patrons' capacity
    shocks, solved under ``rule`` on the run's grid (:func:`sim.article.backtest.backtest`,
    one more solve); ``None`` otherwise."""
    import dataclasses

    from sim.article.backtest import FALL, backtest

    if not any(e.observed or e.observed_collapse is not None for e in run.events):
        return None
    t = run.round_of(FALL)
    if t is None or not 0 <= t < run.rounds:
        return None
    found = backtest(dataclasses.replace(run, selection=rule),
                     resolution=answers.game.resolution, stress=False, solved=answers.forward)
    return found.collapse_without_capacity_shocks


def run_to_folder(
    path: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    overrides: Sequence[str] = (),
    figures: bool = True,
    svg: bool = False,
    options: RunOptions = RunOptions(),
    analysis: str | os.PathLike[str] | None = None,
) -> Summary:
    """Run the scenario at ``path`` on Model 2 and write its results, figures and report.

    Parameters
    ----------
    path
        A scenario file.
    out
        The output folder (default: the scenario's ``outputs.dir``, else
        ``runs/<scenario name>/``).
    overrides
        ``key.path=value`` strings, validated like the file.
    figures
        Whether to draw the figures and write the report.
    svg
        Also write SVG figures (the scenario's ``outputs.figures`` may ask for them too).
    options
        The grid, the rules and what else to solve (:class:`RunOptions`).
    analysis
        An ``analysis.json`` of the same scenario over the supported set (``hedgesim
        analyze``): copied into the folder, its figures drawn and its section in the report.
    """
    from sim.atomic import write_text
    from sim.results.build import article_results, trajectory_csv
    from sim.scenario import apply_overrides, load_scenario

    scenario = load_scenario(path)
    if overrides:
        scenario = apply_overrides(scenario, overrides)
    try:
        source: str | None = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        source = None
    supported = None if analysis is None else supported_of(analysis, scenario.name)
    out_dir = Path(out) if out is not None else default_out_dir(scenario)
    with output_folder(out_dir) as folder:
        run, answers, sus, rules = solve_run(scenario, options)
        results = article_results(scenario, run, answers, rules=rules, sustainability=sus,
                                  source=source, overrides=overrides,
                                  without_capacity_shocks=without_capacity_shocks(
                                      run, answers, rules[0]))
        files = {"results": write_json(results, folder.path / RESULTS_FILE),
                 "trajectory": write_text(folder.path / TRAJECTORY_FILE,
                                          trajectory_csv(results), encoding="ascii")}
        if supported is not None:
            files["analysis"] = write_supported(supported, folder.path / SUPPORTED_FILE)
        if figures:
            files.update(draw_folder(results, None, folder.path,
                                     formats=_formats(scenario, svg),
                                     report=scenario.outputs.report, supported=supported))
        files = {k: folder.final(p) for k, p in files.items()}
    return Summary(folder.target, results, files, summary_text(results, None, files))


def supported_of(path: str | os.PathLike[str], scenario: str) -> SupportedAnalysis:
    """The ``analysis.json`` at ``path`` (a file or a folder holding one), refused with one
    line unless it is an analysis of ``scenario``."""
    from sim.errors import HedgesimError

    p = Path(path)
    if p.is_dir():
        p = p / SUPPORTED_FILE
    found = read_supported(p)
    if found.scenario != scenario:
        raise HedgesimError(f"{p}: an analysis of scenario {found.scenario!r}, not of "
                            f"{scenario!r}")
    return found


def write_supported(analysis: SupportedAnalysis, path: Path) -> Path:
    """``analysis.json`` as ``hedgesim analyze`` writes it (the same bytes)."""
    from sim.atomic import write_text

    return write_text(path, analysis.model_dump_json(indent=2) + "\n")


def draw_folder(
    results: ArticleResults | None,
    analyses: AnalysisResults | None,
    out_dir: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("png",),
    report: bool = True,
    supported: SupportedAnalysis | None = None,
) -> dict[str, Path]:
    """Draw every figure of ``results``, ``analyses`` and ``supported`` into ``out_dir`` and
    write the report: ``report.html`` for a run (with the analyses' sections and the
    supported set's), ``analyses.html`` for analyses alone. Everything comes from the typed
    results; nothing runs the model.

    Returns
    -------
    dict
        ``"<figure>.<format>"`` and ``"report"`` -> the files written.
    """
    from sim import report as pages
    from sim.figures import write_figures

    out = Path(out_dir)
    files: dict[str, Path] = {}
    drawn: dict[str, Any] = {}
    analysis_drawn: dict[str, Any] = {}
    if results is not None:
        drawn = write_figures(results, out, formats)
    if analyses is not None:
        analysis_drawn = write_figures(analyses, out, formats)
    supported_drawn = {} if supported is None else write_figures(supported, out, formats)
    for name, paths in {**drawn, **analysis_drawn, **supported_drawn}.items():
        files.update({f"{name}.{p.suffix.lstrip('.')}": p for p in paths})
    if report and results is not None:
        page = pages.report_page(results, figures=drawn, analyses=analyses,
                                 analysis_figures=analysis_drawn, supported=supported,
                                 supported_figures=supported_drawn)
        files["report"] = pages.write_report(out / REPORT_FILE, page)
    elif report and analyses is not None:
        page = pages.build_analysis_report(analyses, figures=analysis_drawn)
        files["report"] = pages.write_report(out / ANALYSIS_REPORT_FILE, page)
    return files


def figures_from_files(
    paths: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    svg: bool = False,
) -> Summary:
    """Redraw every figure and the report from results files alone (``hedgesim figures``).

    Parameters
    ----------
    paths
        ``results.json``, ``analyses.json`` and/or ``analysis.json`` (``hedgesim analyze``)
        files, or folders holding them. A ``results.json`` given alone brings the
        ``analyses.json`` beside it when that file is of the same scenario (same hash), and
        the ``analysis.json`` beside it when that is of the same scenario (by name), as
        ``hedgesim run --analysis`` wrote it.
    out
        The output folder (its results, analyses and trajectory files stay when it is the
        results' own folder).
    svg
        Also write SVG figures.

    Raises
    ------
    HedgesimError
        On a file that is not a results file of this schema version, or two of one kind.
    """
    from sim.errors import HedgesimError

    files: list[Path] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = [p / n for n in (RESULTS_FILE, ANALYSES_FILE, SUPPORTED_FILE)
                     if (p / n).is_file()]
            if not found:
                raise HedgesimError(f"{p}: holds neither {RESULTS_FILE} nor {ANALYSES_FILE}")
            files += found
        else:
            files.append(p)
    run: ArticleResults | None = None
    analyses: AnalysisResults | None = None
    named = [f for f in files if is_supported_analysis(f)]
    if len(named) > 1:
        raise HedgesimError(f"{named[1]}: a second analysis.json; give one")
    supported = read_supported(named[0]) if named else None
    for f in files:
        if f in named:
            continue
        result = read_results(f)
        if isinstance(result, ArticleResults):
            if run is not None:
                raise HedgesimError(f"{f}: a second run's results; give one results.json")
            run = result
            beside = f.with_name(ANALYSES_FILE)
            if analyses is None and beside.is_file() and beside not in files:
                extra = read_results(beside)
                if isinstance(extra, AnalysisResults) and extra.scenario.hash == run.scenario.hash:
                    analyses = extra
            near = f.with_name(SUPPORTED_FILE)
            if supported is None and near.is_file() and near not in files:
                beside_supported = read_supported(near)
                if beside_supported.scenario == run.scenario.name:
                    supported = beside_supported
        else:
            if analyses is not None and f.with_name(RESULTS_FILE) not in files:
                raise HedgesimError(f"{f}: a second analyses file; give one analyses.json")
            analyses = result
    if run is None and analyses is None:
        raise HedgesimError("an analysis.json alone draws no report: give the run's "
                            f"{RESULTS_FILE} with it")
    if supported is not None and run is not None and supported.scenario != run.scenario.name:
        raise HedgesimError(f"the analysis is of scenario {supported.scenario!r}, the run of "
                            f"{run.scenario.name!r}")
    formats = ("png", "svg") if svg else ("png",)
    with output_folder(out) as folder:
        # Redrawn in place (--out the results' own folder): the data files stay.
        for name in (RESULTS_FILE, ANALYSES_FILE, TRAJECTORY_FILE):
            if (folder.target / name).is_file():
                shutil.copy2(folder.target / name, folder.path / name)
        written = draw_folder(run, analyses, folder.path, formats=formats, supported=supported)
        if supported is not None and run is not None:
            written["analysis"] = write_supported(supported, folder.path / SUPPORTED_FILE)
        written = {k: folder.final(p) for k, p in written.items()}
    shown: Results = run if run is not None else analyses  # type: ignore[assignment]
    text = f"{shown.scenario.name}: redrew {len(written)} files into {folder.target}/"
    return Summary(folder.target, shown, written, text)


def summary_text(results: ArticleResults, analyses: AnalysisResults | None,
                 files: dict[str, Path]) -> str:
    """The compact summary ``hedgesim run`` prints."""
    from sim.report import sentences

    sc = results.scenario
    lines = [f"{sc.name}: {sc.question}", "", *sentences.answer_sentences(results)]
    rows = sentences.summary_rows(results)
    width = max(len(k) for k, _ in rows)
    lines += ["", *(f"  {k.ljust(width)}  {v}" for k, v in rows), ""]
    if analyses is not None:
        lines += [*_analysis_lines(analyses), ""]
    if files:
        folder = Path(os.path.commonpath([str(p.parent) for p in files.values()]))
        lines.append(f"wrote {len(files)} files into {folder}/")
    return "\n".join(lines)


# -- analyses: sweeps, Monte Carlo, sensitivity ---------------------------------------------
def analyse_to_folder(
    path: str | os.PathLike[str],
    *,
    analyses: Sequence[str] = ("grid",),
    params: Sequence[str] = (),
    sweep_name: str | None = None,
    draws: int | None = None,
    out: str | os.PathLike[str] | None = None,
    overrides: Sequence[str] = (),
    grid: Resolution | None = None,
    by: Any = None,
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = True,
    figures: bool = True,
    svg: bool = False,
    progress: bool = False,
    allow_large: bool = False,
) -> Summary:
    """Run the requested analyses (:data:`sim.sweep.ANALYSES`) of the scenario at ``path``
    on Model 2 and write ``analyses.json``, their figures and a report into the output folder
    (default ``runs/<name>/sweep/``).

    ``grid``: the state grid (default: the analysis grid); ``by``: the date P(collapse by)
    is read at (default: the end of the run). Finished chunks are kept under
    ``<out>/chunks/`` so an interrupted run resumes. Sizes (calibrations x states x rounds)
    are checked against :mod:`sim.budget` before any work.
    """
    from sim.scenario import apply_overrides, load_scenario
    from sim.sweep import ANALYSES, AnalysisRequest, analysis_results
    from sim.sweep.executors import check_executor

    scenario = load_scenario(path)
    if overrides:
        scenario = apply_overrides(scenario, overrides)
    for name in analyses:
        if name not in ANALYSES:
            raise ValueError(f"unknown analysis {name!r}; choose from {tuple(ANALYSES)}")
    check_executor(executor, workers, scheduler)
    check_analysis_sizes(
        scenario, analyses, params=params, sweep_name=sweep_name, draws=draws, grid=grid,
        allow_large=allow_large,
    )  # fmt: skip
    request = AnalysisRequest(params=tuple(params), sweep_name=sweep_name, draws=draws)
    out_dir = Path(out) if out is not None else default_out_dir(scenario) / "sweep"
    with output_folder(out_dir) as folder:
        computed = {
            name: ANALYSES[name].run(
                scenario, request, grid=grid, by=by, executor=executor, workers=workers,
                scheduler=scheduler, out_dir=folder.target, resume=resume, progress=progress)
            for name in analyses
        }  # fmt: skip
        typed = analysis_results(scenario, computed)
        files = {"analyses": write_json(typed, folder.path / ANALYSES_FILE)}
        if figures:
            files.update(draw_folder(None, typed, folder.path, formats=_formats(scenario, svg)))
        files = {k: folder.final(p) for k, p in files.items()}
    return Summary(folder.target, typed, files, analysis_text(typed, files))


def check_analysis_sizes(
    scenario: Scenario,
    analyses: Sequence[str],
    *,
    params: Sequence[str] = (),
    sweep_name: str | None = None,
    draws: int | None = None,
    grid: Resolution | None = None,
    allow_large: bool = False,
) -> None:
    """Refuse, before any work, a grid or a Monte Carlo larger than the budget of Model 2's
    solves (:func:`sim.budget.check_article_run`: states x rounds x calibrations, a chunk
    of calibrations held at once; a sensitivity analysis is always small: two a key)."""
    from sim.budget import check_article_run
    from sim.calibrate.setting import ANALYSIS_RESOLUTION
    from sim.sweep.analyses import BYTES_PER_CALIBRATION, DEFAULT_CHUNK_SIZE
    from sim.sweep.design import parse_param

    res = grid or ANALYSIS_RESOLUTION
    rounds = scenario.game.rounds
    where = (f"{rounds} rounds on the {res.belief_points}x{res.capacity_points} grid "
             f"({res.states:,} states)")

    def check(label: str, calibrations: int) -> None:
        check_article_run(label, res.states, rounds, float(calibrations),
                          batch=min(calibrations, DEFAULT_CHUNK_SIZE),
                          extra_bytes=calibrations * BYTES_PER_CALIBRATION,
                          allow_large=allow_large)

    if "grid" in analyses:
        if params:
            nums = [parse_param(p)[1].num for p in params]
            label = " ".join(f"--param {p}" for p in params)
        else:
            sweep = next(
                (s for s in scenario.sweeps if sweep_name in (None, s.name)), None
            )
            nums = [] if sweep is None else [a.num for a in sweep.params.values()]
            label = "" if sweep is None else f"sweeps: {sweep.name}"
        if nums:
            check(f"{label}: a grid of {' x '.join(f'{n:,}' for n in nums)} calibrations x "
                  f"{where}", math.prod(nums))
    if "monte-carlo" in analyses:
        n = draws if draws is not None else (
            scenario.uncertainty.draws if scenario.uncertainty is not None else 0
        )
        label = f"--draws {n:,}" if draws is not None else f"uncertainty.draws={n:,}"
        check(f"{label}: {n:,} calibrations x {where}", n)


def analysis_text(analyses: AnalysisResults, files: dict[str, Path]) -> str:
    """The compact summary ``hedgesim sweep`` prints."""
    lines = [f"{analyses.scenario.name}: {', '.join(analyses.analyses)}",
             *_analysis_lines(analyses)]
    if files:
        lines.append(f"wrote {len(files)} files into {Path(next(iter(files.values()))).parent}/")
    return "\n".join(lines)


def _analysis_lines(analyses: AnalysisResults) -> list[str]:
    from sim.report.analyses import analysis_summary

    labels = analyses.labels.labels()
    return [analysis_summary(name, a, labels) for name, a in analyses.analyses.items()]
