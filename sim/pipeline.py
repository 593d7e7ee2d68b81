"""A scenario run from file to folder: the one path the CLI's ``run`` takes.

load (and ``--set`` overrides) -> :func:`sim.repeated.run` -> ``results.json`` and
``trajectory.csv`` -> figures -> ``report.html``; and the summary the CLI prints. Nothing
here prints. A run's files are staged and put in place whole (:mod:`sim.output_folder`),
so an output folder never mixes two runs, and nothing is written at all when an input is
refused.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sim import model, repeated, results, tolerance
from sim.atomic import write_text
from sim.budget import check_forward_states, check_variants
from sim.equilibria import Equilibrium
from sim.game import NormalFormGame
from sim.output_folder import output_folder
from sim.scenario import Scenario, apply_overrides, load_scenario

REPORT_FILE = "report.html"


@dataclass(frozen=True)
class RoundZero:
    """A scenario's round-0 stage game: the one ``solve`` and ``explain`` look at."""

    scenario: Scenario
    game: NormalFormGame
    parameters: model.Parameters
    tolerance: dict[str, float]

    def select(self, equilibria: Sequence[Equilibrium]) -> Equilibrium:
        """The equilibrium the scenario's selection rule picks in round 0."""
        return repeated.select_profile(equilibria, self.scenario, None)


def round_zero(scenario: Scenario) -> RoundZero:
    """The stage game of round 0, after the events dated in round 0."""
    state = tolerance.initial_state(scenario)
    state, _ = tolerance.apply_events(state, scenario.events_by_round().get(0, ()))
    levels = state.levels_dict()
    return RoundZero(scenario, model.stage_game(state.parameters, levels), state.parameters, levels)


@dataclass(frozen=True)
class Summary:
    """What a run or an analysis wrote, its JSON data, and the text the CLI prints."""

    out_dir: Path
    data: dict[str, Any]
    files: dict[str, Path]
    text: str


#: The folder under which runs go when the command line names no ``--out``.
RUNS = Path("runs")


def default_out_dir(scenario: Scenario) -> Path:
    """``runs/<outputs.dir>`` or ``runs/<name>``: the schema keeps both to safe names, so
    a scenario file can never send files outside ``runs/``."""
    return RUNS / (scenario.outputs.dir or scenario.name)


def run_to_folder(
    path: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    overrides: Sequence[str] = (),
    figures: bool = True,
    analyses: Sequence[str] | Literal["available"] = (),
    progress: bool = False,
    allow_large: bool = False,
) -> Summary:
    """Run the scenario at ``path`` and write its results, figures and report.

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
    analyses
        Analyses (:data:`ANALYSES`) to run beside the scenario, or ``"available"``: those
        the scenario (after ``overrides``) has data for (:func:`available_analyses`). Their
        data goes into ``analyses.json``, their figures and sections into the same folder
        and report.
    progress
        Show a progress bar over the analyses' chunks (the CLI passes a terminal check).
    allow_large
        Go beyond the budgets of :mod:`sim.budget` (never beyond this machine's memory).

    Raises
    ------
    BudgetError
        Before any work, if the forward-looking programme or an analysis is larger than its
        budget (and ``allow_large`` is not given).
    """
    scenario = load_scenario(path)
    if overrides:
        scenario = apply_overrides(scenario, overrides)
    if analyses == "available":
        analyses = available_analyses(scenario)
    check_forward_states(scenario, allow_large=allow_large)
    check_analysis_sizes(scenario, analyses, allow_large=allow_large)
    out_dir = Path(out) if out is not None else default_out_dir(scenario)
    with output_folder(out_dir) as folder:
        run = repeated.run(scenario)
        data = results.results_dict(run)
        files = dict(results.write_results(run, folder.path))
        computed: dict[str, Any] = {}
        if analyses:
            computed = _compute_analyses(
                scenario, analyses, out_dir=folder.target, resume=True, progress=progress
            )
            files["analyses"] = _write_analyses(scenario, computed, folder.path)
        if figures:
            files.update(
                _figures_and_report(scenario, run, data, folder.path, Path(path), computed)
            )
        files = {k: folder.final(p) for k, p in files.items()}
    extra = _analysis_lines(_analyses_data(scenario, computed)) if computed else []
    return Summary(folder.target, data, files, summary_text(data, files, extra))


def _figures_and_report(
    scenario: Scenario,
    run: repeated.RunResult,
    data: dict[str, Any],
    out_dir: Path,
    source: Path,
    computed: dict[str, Any],
) -> dict[str, Path]:
    from sim import plots, report
    from sim.claims import LEDGER_PATH

    first = run.trajectory.rounds[0]
    drawn = plots.write_figures(
        data,
        out_dir,
        params=first.parameters,
        tolerance=dict(first.tolerance),
        formats=scenario.outputs.figures,
    )
    files: dict[str, Path] = {}
    for name, paths in drawn.items():
        for p in paths:
            files[f"{name}.{p.suffix.lstrip('.')}"] = p
    sections = []
    for name, result in computed.items():
        drawn_analysis = _draw_analysis(scenario, result, out_dir)
        files.update(drawn_analysis[1])
        sections.append((name, result, drawn_analysis[0]))
    if scenario.outputs.report:
        try:
            scenario_text = source.read_text(encoding="utf-8")
        except OSError:
            scenario_text = None
        files["report"] = report.write_report(
            data,
            out_dir / REPORT_FILE,
            figures=drawn,
            claims_path=LEDGER_PATH,
            scenario_text=scenario_text,
            question=scenario.question,
            params=first.parameters,
            tolerance=dict(first.tolerance),
            analyses=sections,
        )
    return files


def _round_text(value: Any, unit: str) -> str:
    if value is None:
        return "not within the run"
    return f"round {value} ({unit}s)"


def summary_text(data: dict[str, Any], files: dict[str, Path], extra: Sequence[str] = ()) -> str:
    """The compact summary ``hedgesim run`` prints."""
    from sim.report import answer_sentences

    sc = data["scenario"]
    unit = sc.get("round_unit", "round")
    h = data["horizons"]
    ex = data["exit"]
    lines = [f"{sc['name']}: {sc['question']}", ""]
    lines += answer_sentences(data)
    rows = [
        ("myopic horizon (hedge no longer certain)", _round_text(h.get("myopic"), unit)),
        ("hedge probability below one half", _round_text(h.get("myopic_half"), unit)),
        ("hedge leaves the support", _round_text(h.get("leaves_support"), unit)),
        ("forward-looking horizon", _round_text(h.get("forward_looking"), unit)),
        ("value of foresight", _num(h.get("value_of_foresight"))),
        ("sustainability discount (round 0)", _num(h.get("sustainability_discount"))),
        ("exit: Syria then plays", str(ex.get("syria_action") or "-")),
        ("exit: first patience to break", str(ex.get("first_broken") or "-")),
    ]
    width = max(len(k) for k, _ in rows)
    lines += ["", *(f"  {k.ljust(width)}  {v}" for k, v in rows), ""]
    if extra:
        lines += [*extra, ""]
    if files:
        folder = Path(os.path.commonpath([str(p.parent) for p in files.values()]))
        lines.append(f"wrote {len(files)} files into {folder}/")
    return "\n".join(lines)


def _num(x: Any) -> str:
    return "-" if x is None else f"{float(x):.3g}"


# -- analyses: sweeps, Monte Carlo, sensitivity ---------------------------------------------
ANALYSES = ("grid", "monte-carlo", "sensitivity")
ANALYSES_FILE = "analyses.json"
ANALYSIS_REPORT_FILE = "analyses.html"


def analyse_to_folder(
    path: str | os.PathLike[str],
    *,
    analyses: Sequence[str] = ("grid",),
    params: Sequence[str] = (),
    sweep_name: str | None = None,
    draws: int | None = None,
    out: str | os.PathLike[str] | None = None,
    overrides: Sequence[str] = (),
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = True,
    figures: bool = True,
    progress: bool = False,
    allow_large: bool = False,
) -> Summary:
    """Run the requested analyses of the scenario at ``path`` and write ``analyses.json``,
    their figures and a report into the output folder (default ``runs/<name>/sweep/``).

    Finished chunks are kept under ``<out>/chunks/`` so an interrupted run resumes. Sizes
    (grid points, draws) are checked against :mod:`sim.budget` before any work.
    """

    scenario = load_scenario(path)
    if overrides:
        scenario = apply_overrides(scenario, overrides)
    check_analysis_sizes(
        scenario, analyses, params=params, sweep_name=sweep_name, draws=draws,
        allow_large=allow_large,
    )  # fmt: skip
    out_dir = Path(out) if out is not None else default_out_dir(scenario) / "sweep"
    with output_folder(out_dir) as folder:
        computed = _compute_analyses(
            scenario,
            analyses,
            params=params,
            sweep_name=sweep_name,
            draws=draws,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            out_dir=folder.target,
            resume=resume,
            progress=progress,
        )
        data = _analyses_data(scenario, computed)
        files = {"analyses": _write_analyses(scenario, computed, folder.path)}
        if figures:
            files.update(_analysis_figures(scenario, computed, folder.path))
        files = {k: folder.final(p) for k, p in files.items()}
    return Summary(folder.target, data, files, analysis_text(data, files))


def _compute_analyses(
    scenario: Scenario,
    analyses: Sequence[str],
    *,
    params: Sequence[str] = (),
    sweep_name: str | None = None,
    draws: int | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Run each named analysis (:data:`ANALYSES`) with the executor ``options``."""
    from sim import sweep as sw

    computed: dict[str, Any] = {}
    for analysis in analyses:
        if analysis == "grid":
            computed[analysis] = sw.sweep(scenario, params, name=sweep_name, **options)
        elif analysis == "monte-carlo":
            computed[analysis] = sw.monte_carlo(scenario, draws=draws, **options)
        elif analysis == "sensitivity":
            computed[analysis] = sw.sensitivity(scenario, **options)
        else:
            raise ValueError(f"unknown analysis {analysis!r}; choose from {ANALYSES}")
    return computed


def check_analysis_sizes(
    scenario: Scenario,
    analyses: Sequence[str],
    *,
    params: Sequence[str] = (),
    sweep_name: str | None = None,
    draws: int | None = None,
    allow_large: bool = False,
) -> None:
    """Refuse, before any work, a grid or a Monte Carlo larger than its budget
    (:func:`sim.budget.check_variants`; sensitivity is always small: two variants a key)."""
    from sim.sweep.design import parse_param

    rounds = scenario.repeated.rounds
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
            variants = math.prod(nums)
            check_variants(
                f"{label}: a grid of {' x '.join(f'{n:,}' for n in nums)} points x {rounds} "
                "rounds", variants, rounds, allow_large=allow_large,
            )  # fmt: skip
    if "monte-carlo" in analyses:
        n = draws if draws is not None else (
            scenario.uncertainty.draws if scenario.uncertainty is not None else 0
        )
        label = f"--draws {n:,}" if draws is not None else f"uncertainty.draws={n:,}"
        check_variants(
            f"{label}: {n:,} draws x {rounds} rounds", n, rounds, allow_large=allow_large
        )


def available_analyses(scenario: Scenario) -> tuple[str, ...]:
    """The analyses the scenario has data for: a grid if it has ``sweeps:``, Monte Carlo
    and sensitivity if it has ``uncertainty:`` distributions."""
    out: list[str] = []
    if scenario.sweeps:
        out.append("grid")
    if scenario.uncertainty is not None and scenario.uncertainty.parameters:
        out += ["monte-carlo", "sensitivity"]
    return tuple(out)


def _analyses_data(scenario: Scenario, computed: dict[str, Any]) -> dict[str, Any]:
    from sim.analysis_output import ANALYSES_SCHEMA_VERSION, analysis_json
    from sim.scenario import scenario_hash

    return {
        "schema_version": ANALYSES_SCHEMA_VERSION,
        "scenario": {"name": scenario.name, "hash": scenario_hash(scenario)},
        "analyses": {k: analysis_json(v) for k, v in computed.items()},
    }


def _write_analyses(scenario: Scenario, computed: dict[str, Any], out_dir: Path) -> Path:
    import json

    target = out_dir / ANALYSES_FILE
    write_text(
        target, json.dumps(_analyses_data(scenario, computed), indent=1, sort_keys=True) + "\n"
    )
    return target


def _draw_analysis(
    scenario: Scenario, result: Any, out_dir: Path
) -> tuple[dict[str, list[Path]], dict[str, Path]]:
    from sim import sweep_plots

    drawn = sweep_plots.write_sweep_figures(
        result,
        out_dir,
        formats=scenario.outputs.figures,
        round_unit=scenario.repeated.round_unit,
        labels=scenario.labels(),
    )
    files = {f"{fig}.{p.suffix.lstrip('.')}": p for fig, paths in drawn.items() for p in paths}
    return drawn, files


def _analysis_figures(
    scenario: Scenario, computed: dict[str, Any], out_dir: Path
) -> dict[str, Path]:
    from sim import report

    files: dict[str, Path] = {}
    sections = []
    for name, result in computed.items():
        drawn, drawn_files = _draw_analysis(scenario, result, out_dir)
        files.update(drawn_files)
        sections.append((name, result, drawn))
    files["report"] = report.write_analysis_report(
        out_dir / ANALYSIS_REPORT_FILE,
        title=f"{scenario.name}: sweeps and uncertainty",
        question=scenario.question,
        analyses=sections,
        round_unit=scenario.repeated.round_unit,
        labels=scenario.labels(),
    )
    return files


def analysis_text(data: dict[str, Any], files: dict[str, Path]) -> str:
    """The compact summary ``hedgesim sweep`` prints."""
    lines = [f"{data['scenario']['name']}: {', '.join(data['analyses'])}"]
    lines += _analysis_lines(data)
    if files:
        lines.append(f"wrote {len(files)} files into {Path(next(iter(files.values()))).parent}/")
    return "\n".join(lines)


def _analysis_lines(data: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name, a in data["analyses"].items():
        rounds = a["rounds"]
        if name == "grid":
            flat = _flatten(a["horizon"])
            ends = [h for h in flat if h is not None]
            never = sum(h is None for h in flat)
            span = f"{min(ends)}-{max(ends)}" if ends else "none"
            lines.append(
                f"  grid over {' x '.join(a['keys'])}: {len(flat)} variants, horizon {span} "
                f"rounds, {never} never leave hedging within {rounds} rounds"
            )
        elif name == "monte-carlo":
            q = a["quantiles"]
            shares = ", ".join(f"{k} {v:.0%}" for k, v in a["exit_shares"].items() if v > 0)
            lines.append(
                f"  monte carlo, {a['draws']} draws: median horizon {q['0.5']:g} "
                f"(90% within {q['0.05']:g}-{q['0.95']:g}); exits: {shares}"
            )
        else:
            top = a["parameters"][:3]
            parts = ", ".join(
                f"{p['key']} ({_h(p['low_horizon'])} to {_h(p['high_horizon'])})" for p in top
            )
            lines.append(f"  sensitivity, base horizon {_h(a['base_horizon'])}: most: {parts}")
    return lines


def _h(value: Any) -> str:
    return "never" if value is None else str(value)


def _flatten(values: Any) -> list[Any]:
    if isinstance(values, list):
        return [x for v in values for x in _flatten(v)]
    return [values]
