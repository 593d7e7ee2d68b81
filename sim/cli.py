"""The ``hedgesim`` command: the only place in hedgesim that prints.

Subcommands: ``solve``, ``validate``, ``explain``, ``run``, ``sweep``, ``figures``,
``compare``, ``explore``, ``calibrate``, ``analyze`` (:mod:`sim.calibrate.commands`). A
user error prints one line on standard error and exits with
status 1; a usage error exits with 2.

The choices of ``--method``, ``--executor`` and ``--analysis`` are the registries
(:data:`sim.equilibria.METHODS`, :data:`sim.sweep.executors.EXECUTORS`,
:data:`sim.sweep.ANALYSES`), read when an option needs them: ``hedgesim --help`` and
``hedgesim validate`` import neither the solvers nor the sweep machinery.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.budget import add_allow_large
from sim.errors import HedgesimError

if TYPE_CHECKING:
    import numpy as np

EXIT_USER_ERROR = 1
SCENARIO_SUFFIXES = (".yaml", ".yml")


class Registry(Sequence[str]):
    """The names of a registry (``module:attribute``), imported on first use."""

    def __init__(self, where: str, extra: Sequence[str] = ()) -> None:
        self._where = where
        self._extra = tuple(extra)
        self._names: tuple[str, ...] | None = None

    def _load(self) -> tuple[str, ...]:
        if self._names is None:
            module, attribute = self._where.split(":")
            names = tuple(getattr(importlib.import_module(module), attribute))
            self._names = names + self._extra
        return self._names

    def __getitem__(self, index: Any) -> Any:
        return self._load()[index]

    def __len__(self) -> int:
        return len(self._load())

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __contains__(self, name: object) -> bool:
        return name in self._load()


METHODS = Registry("sim.equilibria:METHODS")
EXECUTORS = Registry("sim.sweep.executors:EXECUTORS")
ANALYSES = Registry("sim.sweep.analyses:ANALYSES", extra=("all",))


# -- formatting --------------------------------------------------------------------------
def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fmt(x: float) -> str:
    return f"{x:.4g}" if abs(x) >= 1e-4 or x == 0 else f"{x:.2e}"


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _strategy_text(labels: Sequence[str], probs: np.ndarray) -> str:
    parts = [f"{a} {p:.3g}" for a, p in zip(labels, probs, strict=True) if p > 1e-9]
    if len(parts) == 1:
        return parts[0].rsplit(" ", 1)[0]
    return ", ".join(parts)


# -- solve -------------------------------------------------------------------------------
def _is_scenario(path: str) -> bool:
    return Path(path).suffix.lower() in SCENARIO_SUFFIXES


def cmd_solve(args: argparse.Namespace) -> int:
    from sim.equilibria import solve

    selected_index: int | None = None
    timeout = args.timeout
    if not (timeout > 0 and math.isfinite(timeout)):
        raise HedgesimError(f"--timeout must be a positive number of seconds, got {timeout}")
    if _is_scenario(args.game):
        from sim.pipeline import RunOptions, stage_view
        from sim.scenario import load_scenario

        scenario = load_scenario(args.game)
        view = stage_view(scenario, args.round, RunOptions(resolution=_resolution(args.grid),
                                                         allow_large=args.allow_large))
        game = view.game
        result = solve(game, args.method or "auto", timeout=timeout)
        selected_index = view.closest(result.equilibria)
        labels = scenario.labels()
        players = [labels.player(p) for p in game.players]
        actions = [
            [labels.action(p, a) for a in game.actions[i]] for i, p in enumerate(game.players)
        ]
        if not args.json:
            print(_state_line(view, labels))
    else:
        from sim.game import read_nfg

        game = read_nfg(args.game)
        result = solve(game, args.method or "auto", timeout=timeout)
        players = list(game.players)
        actions = [list(a) for a in game.actions]
    if args.json:
        # Keys in data (as results.json); the display names beside them.
        doc: dict[str, Any] = {
            "players": list(game.players),
            "actions": [list(a) for a in game.actions],
            "display": {"players": players, "actions": actions},
            **result.to_json(),
        }
        if selected_index is not None:
            for k, item in enumerate(doc["equilibria"]):
                item["selected"] = k == selected_index
        print(json.dumps(doc, indent=2))
        return 0
    title = game.title or Path(args.game).name
    print(
        f"{title}: {len(result.equilibria)} equilibri{'um' if len(result.equilibria) == 1 else 'a'}"
        f" (method {result.method})"
    )
    print(result.completeness())
    for note in result.notes:
        print(f"note: {note}")
    for k, eq in enumerate(result.equilibria):
        mark = "  [selected]" if k == selected_index else ""
        print(f"\nequilibrium {k + 1}: {eq.method}, max regret {_fmt(eq.regret)}{mark}")
        rows = [
            [player, _strategy_text(actions[i], eq.profile[i]), _fmt(float(eq.payoffs[i]))]
            for i, player in enumerate(players)
        ]
        print(_table(rows, ["player", "strategy", "payoff"]))
    return 0


# -- validate ----------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    from sim.scenario import load_scenario

    if args.expect:
        from sim.calibrate.commands import check_expect_options, print_expectations

        check_expect_options(args)  # a bad option: one line before any file is read
    for path in args.scenarios:
        scenario = load_scenario(path)
        print(f"{path}: ok ({scenario.name}: {scenario.question})")
    if args.expect:
        print_expectations(args)
    return 0


# -- explain -----------------------------------------------------------------------------
def _parse_profile(text: str, game: Any) -> tuple[np.ndarray, ...]:
    chosen: dict[str, str] = {}
    for part in text.split(","):
        player, sep, action = part.partition("=")
        if not sep:
            raise HedgesimError(f"--profile {text}: expected player=action pairs, got {part!r}")
        chosen[player.strip()] = action.strip()
    unknown = set(chosen) - set(game.players)
    if unknown:
        raise HedgesimError(
            f"--profile: unknown player {sorted(unknown)[0]!r}; players are {list(game.players)}"
        )
    missing = [p for p in game.players if p not in chosen]
    if missing:
        raise HedgesimError(f"--profile: no action given for {', '.join(missing)}")
    return game.pure_to_mixed([game.action_index(p, chosen[p]) for p in game.players])


def _state_line(view: Any, labels: Any) -> str:
    beliefs = ", ".join(f"{labels.player(cp)} {b:.2f}" for cp, b in view.beliefs.items())
    return (f"{view.scenario.name}, round {view.round}, its most likely state (probability "
            f"{view.probability:.2f}): beliefs {beliefs}; regime capacity {view.capacity:.2f}. "
            f"Payoffs: stage payoffs plus continuation values ({view.rule}).")


def cmd_explain(args: argparse.Namespace) -> int:
    import numpy as np

    from sim.pipeline import RunOptions, stage_view
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    view = stage_view(scenario, args.round, RunOptions(resolution=_resolution(args.grid),
                                                         allow_large=args.allow_large))
    game = view.game
    if args.profile:
        profile = _parse_profile(args.profile, game)
        origin = "the given profile"
    else:
        profile = view.selected
        origin = f"the selected play ({view.rule})"
    labels = scenario.labels()
    described = ", ".join(
        f"{p}={_strategy_text(game.actions[i], profile[i])}" for i, p in enumerate(game.players)
    )
    print(_state_line(view, labels))
    print(f"At {origin}: {described}")
    for i, player in enumerate(game.players):
        terms = view.terms(player, tuple(profile))
        stage = sum(t.value for t in terms)
        total = float(game.payoff(profile)[i])
        print(f"\n{labels.player(player)}: payoff {_fmt(total)} = stage {_fmt(stage)} + "
              f"continuation {_fmt(total - stage)}")
        rows = [[t.name, _fmt(t.value), " ".join(sorted(t.claims))] for t in terms if t.value != 0]
        if rows:
            print(_table(rows, ["term", "value", "claims"]))
    syria = "syria"
    k = game.player_index(syria)
    values = game.action_values(k, profile)
    stage_values = view.stage.action_values(k, profile)
    own_index = int(np.argmax(profile[k]))
    own = game.actions[k][own_index]
    print(f"\nWhy {labels.player(syria)} plays {labels.action(syria, own)}: each alternative "
          "against the others' play")

    def syria_terms(action_index: int) -> tuple[Any, ...]:
        pure = np.zeros(len(game.actions[k]))
        pure[action_index] = 1.0
        return view.terms(syria, (*profile[:k], pure, *profile[k + 1 :]))

    base = syria_terms(own_index)
    for j, action in enumerate(game.actions[k]):
        if j == own_index:
            continue
        gap = float(values[j] - values[own_index])
        future = gap - float(stage_values[j] - stage_values[own_index])
        verdict = "better" if gap > 0 else "worse" if gap < 0 else "equal"
        print(f"\n{labels.action(syria, action)} instead of {labels.action(syria, own)}: "
              f"{_fmt(gap)} ({verdict}; continuation values {_fmt(future)})")
        changes = [(b.name, a.value - b.value, b.claims)
                   for a, b in zip(syria_terms(j), base, strict=True)]
        rows = [[name, _fmt(change), " ".join(sorted(claims))]
                for name, change, claims in sorted(changes, key=lambda c: c[1])
                if abs(change) > 1e-12]
        if rows:
            print(_table(rows, ["term", "change", "claims"]))
    return 0


# -- run ---------------------------------------------------------------------------------
def _resolution(text: str | None) -> Any:
    """``--grid 11x6``: belief points x capacity points (the ends stay the run grid's)."""
    if text is None:
        return None
    from sim.article.grid import RUN, Resolution

    beliefs, sep, capacities = text.lower().partition("x")
    try:
        if not sep:
            raise ValueError
        return Resolution(int(beliefs), int(capacities), RUN.belief_min, RUN.belief_max)
    except ValueError:
        raise HedgesimError(f"--grid {text}: expected BELIEFSxCAPACITIES, two integers >= 3, "
                            "e.g. 11x6") from None


def _rules(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    from sim.article.answers import RULES

    rules = tuple(r.strip() for r in text.split(",") if r.strip())
    unknown = [r for r in rules if r not in RULES]
    if unknown or not rules:
        raise HedgesimError(f"--rules {text}: unknown rule {unknown[0] if unknown else ''!r}; "
                            f"choose from {', '.join(RULES)}")
    return rules


def _options_of(args: argparse.Namespace) -> Any:
    """The :class:`sim.pipeline.RunOptions` of :func:`_run_options`' arguments."""
    from sim.pipeline import RunOptions

    options = RunOptions(resolution=_resolution(args.grid), rules=_rules(args.rules),
                         robust=not args.no_robust, myopic=not args.no_myopic,
                         sustainability=args.sustainability, allow_large=args.allow_large)
    if options.sustainability < 0:
        raise HedgesimError(f"--sustainability must be >= 0, got {options.sustainability}")
    return options


def cmd_run(args: argparse.Namespace) -> int:
    from sim.pipeline import run_to_folder

    summary = run_to_folder(
        args.scenario,
        out=args.out,
        overrides=args.set or [],
        figures=not args.no_figures,
        svg=args.svg,
        options=_options_of(args),
        analysis=args.analysis,
    )
    _print_summary(summary, args.json)
    return 0


def _print_summary(summary: Any, as_json: bool) -> None:
    if as_json:
        from sim.results import results_json

        print(results_json(summary.results), end="")
    else:
        print(summary.text)


# -- sweep -------------------------------------------------------------------------------
def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.pipeline import analyse_to_folder
    from sim.sweep import ANALYSES

    chosen = args.analysis or ["grid"]
    analyses = tuple(ANALYSES) if "all" in chosen else tuple(dict.fromkeys(chosen))
    summary = analyse_to_folder(
        args.scenario,
        analyses=analyses,
        params=args.param or (),
        sweep_name=args.name,
        draws=args.draws,
        out=args.out,
        overrides=args.set or [],
        grid=_resolution(args.grid),
        by=args.by,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=not args.no_resume,
        figures=not args.no_figures,
        svg=args.svg,
        progress=sys.stderr.isatty(),
        allow_large=args.allow_large,
    )
    _print_summary(summary, args.json)
    return 0


# -- figures -----------------------------------------------------------------------------
def cmd_figures(args: argparse.Namespace) -> int:
    from sim.collector import collector_paused

    # A one-shot command whose objects (the results models, matplotlib's figures) mostly live
    # to its end: no cyclic garbage collection while it runs, imports included (peak memory
    # about 10% higher).
    with collector_paused():
        from sim.pipeline import figures_from_files

        summary = figures_from_files(args.results, args.out, svg=args.svg)
    print(summary.text)
    return 0


# -- compare -----------------------------------------------------------------------------
def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.compare import compare_to_folder

    comparison = compare_to_folder(args.inputs, args.out, by_date=args.by,
                                   options=_options_of(args))
    print(comparison.text)
    return 0


# -- explore -----------------------------------------------------------------------------
def cmd_explore(args: argparse.Namespace) -> int:
    from sim.explorer import explore_to_folder

    written = explore_to_folder(args.scenario, args.out, sweep_name=args.name,
                                num=args.num, overrides=args.set or [],
                                options=_options_of(args))
    print(written.text)
    return 0


# -- entry point -------------------------------------------------------------------------
def _grid_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--grid", metavar="BELIEFSxCAPACITIES",
                   help="the state grid, e.g. 7x4 (default: the scenario's; coarser is faster "
                   "and less exact)")


def _run_options(p: argparse.ArgumentParser) -> None:
    """How finely a Model 2 run is solved (``run``, and the runs of ``compare`` and
    ``explore``): :class:`sim.pipeline.RunOptions`."""
    _grid_option(p)
    p.add_argument("--rules", metavar="RULE,RULE",
                   help="selection rules to solve, the reported one first (default: the "
                   "scenario's, then every other rule of sim.article.answers.RULES)")
    p.add_argument("--no-robust", action="store_true",
                   help="skip the search for other equilibria (the fragile states)")
    p.add_argument("--no-myopic", action="store_true",
                   help="skip the stage-optimal (discount 0) path")
    p.add_argument("--sustainability", type=int, default=4, metavar="POINTS",
                   help="discount values scanned per counterpart for the sustainability "
                   "thresholds (default 4; 0: skip)")
    add_allow_large(p)


def _stage_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--round", type=int, default=0, metavar="T",
                   help="for a scenario: the round whose stage game to take, in the state play "
                   "is most likely in (default 0)")
    _grid_option(p)
    add_allow_large(p)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hedgesim",
        description="Game-theoretic simulation of strategic ambiguity (Syria between Iran "
        "and those who want Iran out).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("solve", help="equilibria of a .nfg game, or of a scenario's stage game "
                       "(Model 2, continuation values included)")
    p.add_argument("game", help="a Gambit .nfg file, or a scenario .yaml")
    _stage_options(p)
    p.add_argument(
        "--method",
        choices=METHODS,
        metavar="METHOD",
        default=None,
        help="solver, one of sim.equilibria.METHODS (docs/equilibria.md says what each "
        "guarantees; default: auto, every equilibrium where the size allows)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time bound of the solve (default: 30)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("validate", help="check scenario files")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    from sim.calibrate.commands import add_expect_options

    add_expect_options(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("explain", help="why each player gets what it gets, term by term, in a "
                       "round's stage game (Model 2)")
    p.add_argument("scenario")
    _stage_options(p)
    p.add_argument(
        "--profile",
        help="a pure profile, e.g. syria=hedge,iran=support,israel=interdict,gulf=engage "
        "(default: the engine's selected play in that state)",
    )
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("run", help="run a scenario on Model 2: results.json, trajectory.csv, "
                       "figures, report")
    p.add_argument("scenario")
    p.add_argument("--out", help="output folder (default: runs/<scenario name>/)")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY.PATH=VALUE",
        help="override a scenario value (key paths: docs/scenarios.md; repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print results.json to standard output")
    p.add_argument("--no-figures", action="store_true", help="skip figures and the report")
    p.add_argument("--svg", action="store_true", help="also write SVG figures")
    p.add_argument("--analysis", metavar="ANALYSIS.json",
                   help="an analysis of the same scenario over the supported set (hedgesim "
                   "analyze's analysis.json, or its folder): copied beside the results, with "
                   "its figures and a section of the report")
    _run_options(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "sweep", help="Model 2's answers over a grid of key paths, their Monte Carlo "
        "distributions, a one-at-a-time sensitivity"
    )
    p.add_argument("scenario")
    p.add_argument(
        "--analysis",
        choices=ANALYSES,
        metavar="ANALYSIS",
        action="append",
        help="what to compute, repeatable: grid, monte-carlo, sensitivity or all "
        "(sim.sweep.ANALYSES; default: grid)",
    )
    p.add_argument(
        "--param",
        action="append",
        metavar="KEY.PATH=START:STOP:NUM",
        help="a swept key path, e.g. payoffs.gulf_incentive=1:10:10 (one or two; default: the "
        "scenario's sweeps: section; key paths: docs/scenarios.md)",
    )
    p.add_argument("--name", help="which of the scenario's sweeps: to run (default: the first)")
    p.add_argument("--draws", type=int, help="Monte Carlo draws (default: uncertainty.draws)")
    p.add_argument("--grid", metavar="BELIEFSxCAPACITIES",
                   help="the state grid every calibration is solved on, e.g. 5x4 (default: the "
                   "analysis grid, 3x3; finer is slower and more exact)")
    p.add_argument("--by", type=_date, metavar="YYYY-MM-DD",
                   help="the date P(collapse by) is read at (default: the end of the run)")
    p.add_argument("--executor", choices=EXECUTORS, metavar="EXECUTOR", default="inprocess",
                   help="inprocess, processes or dask (sim.sweep.executors.EXECUTORS)")
    p.add_argument("--workers", type=int, help="worker processes (processes, local dask)")
    p.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--out", help="output folder (default: runs/<scenario name>/sweep/)")
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE", help="override a value")
    p.add_argument("--no-resume", action="store_true", help="recompute finished chunks")
    p.add_argument("--no-figures", action="store_true", help="skip figures and the report")
    p.add_argument("--svg", action="store_true", help="also write SVG figures")
    p.add_argument("--json", action="store_true", help="print analyses.json to standard output")
    add_allow_large(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser(
        "figures", help="redraw every figure and the report from results files alone"
    )
    p.add_argument("results", nargs="+", metavar="RESULTS",
                   help="results.json, analyses.json and/or analysis.json (hedgesim analyze), or "
                   "a folder holding them (a results.json brings the analyses.json and "
                   "analysis.json of the same scenario beside it)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--svg", action="store_true", help="also write SVG figures")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("compare", help="scenarios side by side: a table, figures and a "
                       "self-contained compare.html over every headline answer")
    p.add_argument("inputs", nargs="+", metavar="SCENARIO",
                   help="scenario files (run first, into OUT/<file stem>/), results.json files or "
                   "run folders")
    p.add_argument("--out", default="runs/compare", help="output folder (default: "
                   "runs/compare/)")
    p.add_argument("--by", type=_date, metavar="YYYY-MM-DD",
                   help="the date the collapse probability is read at (default: the last "
                   "date every scenario reaches)")
    _run_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("explore", help="a self-contained HTML explorer: sliders over a "
                       "scenario's sweep, each position a precomputed run")
    p.add_argument("scenario")
    p.add_argument("--out", help="output folder (default: runs/<scenario name>/explorer/)")
    p.add_argument("--name", help="which of the scenario's sweeps: (default: the first)")
    p.add_argument("--num", type=int, default=5, metavar="N",
                   help="values per swept key, evenly spaced over the sweep's range "
                   "(default: 5; each position is one run)")
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE", help="override a value")
    _run_options(p)
    p.set_defaults(func=cmd_explore)

    from sim.calibrate.commands import add_commands

    add_commands(sub)
    return parser


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every clean-up (staging folders, worker
    pools) runs before the process ends."""


def _terminate(_signum: int, _frame: object) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave SIGTERM as it is
        previous = None
    try:
        return int(args.func(args))
    except _Terminated:
        print("hedgesim: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except HedgesimError as exc:
        print(f"hedgesim: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        return 0
    except OSError as exc:  # an OS error no layer below turned into words: still one line
        from sim.output_folder import os_problem

        where = f"{exc.filename}: " if exc.filename else ""
        print(f"hedgesim: error: {where}{os_problem(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("hedgesim: interrupted", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
