"""A scenario run from file to folder: the one path the CLI's ``run`` takes.

load (and ``--set`` overrides) -> :func:`sim.repeated.run` -> ``results.json`` and
``trajectory.csv`` -> figures -> ``report.html``; and the summary the CLI prints. Nothing
here prints; everything is written atomically into the output folder, and nothing is
written at all when the scenario is invalid.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim import model, repeated, results, tolerance
from sim.equilibria import Equilibrium
from sim.game import NormalFormGame
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
class RunSummary:
    """What a run wrote and what the CLI prints."""

    out_dir: Path
    results: dict[str, Any]
    files: dict[str, Path]
    text: str


def default_out_dir(scenario: Scenario) -> Path:
    return Path(scenario.outputs.dir) if scenario.outputs.dir else Path("runs") / scenario.name


def run_to_folder(
    path: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    overrides: Sequence[str] = (),
    figures: bool = True,
    progress: bool = False,
) -> RunSummary:
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
    progress
        Reserved for long runs (a run of one scenario takes about a second).
    """
    scenario = load_scenario(path)
    if overrides:
        scenario = apply_overrides(scenario, overrides)
    run = repeated.run(scenario)
    data = results.results_dict(run)
    out_dir = Path(out) if out is not None else default_out_dir(scenario)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = dict(results.write_results(run, out_dir))
    if figures:
        files.update(_figures_and_report(scenario, run, data, out_dir, Path(path)))
    return RunSummary(out_dir, data, files, summary_text(data, files))


def _figures_and_report(
    scenario: Scenario,
    run: repeated.RunResult,
    data: dict[str, Any],
    out_dir: Path,
    source: Path,
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
        )
    return files


def _round_text(value: Any, unit: str) -> str:
    if value is None:
        return "not within the run"
    return f"round {value} ({unit}s)"


def summary_text(data: dict[str, Any], files: dict[str, Path]) -> str:
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
    if files:
        folder = Path(os.path.commonpath([str(p.parent) for p in files.values()]))
        lines.append(f"wrote {len(files)} files into {folder}/")
    return "\n".join(lines)


def _num(x: Any) -> str:
    return "-" if x is None else f"{float(x):.3g}"
