"""The ``calibrate`` and ``analyze`` subcommands and ``validate --expect`` (the CLI part of
:mod:`sim.calibrate`; :mod:`sim.cli` registers them and prints nothing else for them).

Imports here stay lazy: ``hedgesim --help`` must not load numpy.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from sim.budget import add_allow_large
from sim.errors import HedgesimError
from sim.wording import percent, percent_pm, share_of

DEFAULT_N = 256
DEFAULT_SEED = 0
#: The default analysis (sim.calibrate.analysis.AnalysisOptions, restated so --help needs
#: no numpy; docs/calibration.md says why these sizes).
DEFAULT_ANALYSIS_N = 320
DEFAULT_SOBOL_BASE = 160
DEFAULT_SCREEN_BASE = 32
DEFAULT_TARGET_HALF_WIDTH = 0.1
DEFAULT_IMPORTANCE_N = 32
#: The rejection pilot's draws (sim.calibrate.sampler.PILOT, restated so --help needs no numpy).
PILOT = 50_000
#: Hit-and-run's burn-in steps per drawn parameter (sim.calibrate.sampler.BURN_IN_PER_DIM),
#: and the parameters the shipped ledger draws, restated so --help needs no numpy.
BURN_IN_PER_DIM = 100
SHIPPED_DRAWN = 63
#: The longest --burn-in without --allow-large: 100 times the shipped ledger's default.
MAX_BURN_IN = 100 * BURN_IN_PER_DIM * SHIPPED_DRAWN


def _positive(name: str, value: int) -> int:
    if value < 1:
        raise HedgesimError(f"{name} must be at least 1, got {value}")
    return value


def _seed(value: int) -> int:
    """A seed for numpy's SeedSequence: a whole number, at least 0."""
    if value < 0:
        raise HedgesimError(f"--seed must be at least 0, got {value}")
    return value


def _burn_in(text: str | None, allow_large: bool) -> dict[str, int]:
    """``--burn-in STEPS`` as the sampler's option (none: the sampler's default); more than
    :data:`MAX_BURN_IN` steps only with ``--allow-large``."""
    if text is None:
        return {}
    try:
        steps = int(text)
    except ValueError:
        steps = -1
    if steps < 0:
        raise HedgesimError(f"--burn-in must be a whole number of steps, at least 0, got {text!r}")
    if steps > MAX_BURN_IN and not allow_large:
        raise HedgesimError(f"--burn-in {steps:,}: more than {MAX_BURN_IN:,} steps a chain (the "
                            f"default is {BURN_IN_PER_DIM * SHIPPED_DRAWN:,} on the shipped "
                            "ledger, about 40 CPU s for 320 chains); pass --allow-large to run "
                            "it anyway")
    return {"burn_in": steps}


def add_burn_in(p: argparse.ArgumentParser) -> None:
    """``--burn-in``, for ``calibrate``, ``analyze`` and ``validate --expect``."""
    p.add_argument("--burn-in", metavar="STEPS",
                   help="hit-and-run steps each chain takes before its first kept point; "
                   "fewer is faster, but the chains may not forget where they started (the "
                   "output's chain mixing check says) (default: "
                   f"{BURN_IN_PER_DIM} per drawn parameter, "
                   f"{BURN_IN_PER_DIM * SHIPPED_DRAWN:,} on the shipped ledger's "
                   f"{SHIPPED_DRAWN})")


def _rounds(value: int) -> int:
    """``--rounds``: the bound of a scenario's ``game.rounds``."""
    from sim.scenario.article_schema import MAX_ROUNDS

    if not 1 <= value <= MAX_ROUNDS:
        raise HedgesimError(f"--rounds must be between 1 and {MAX_ROUNDS} (the bound of "
                            f"game.rounds), got {value}")
    return value


def _calibration_text(results: Any, folder: Path | None) -> str:
    lines = [
        f"{results.scenario}: {results.n} calibrations by {results.method} "
        f"(seed {results.seed}); {len(results.drawn)} parameters drawn, "
        f"{len(results.held)} held",
        f"acceptance rate of uniform draws in the bounds: {results.acceptance_rate:.3g} "
        f"({results.pilot_accepted} of {results.pilot_draws})",
        f"the scenario's own calibration is {'' if results.base_supported else 'NOT '}"
        "supported",
        *([] if results.burn_in is None else
          [f"hit-and-run burn-in: {results.burn_in:,} steps a chain"]),
        *([] if results.mixing is None else [results.mixing.words()]),
        "",
        "constraint  claims            satisfied  least margin  at the scenario",
    ]
    for c in results.constraints:
        lines.append(f"{c.id:<11} {' '.join(c.claims):<17} {c.satisfied:>9}  "
                     f"{c.least_margin:>12.4g}  {c.at_base:>15.4g}")  # fmt: skip
    if folder is not None:
        lines += ["", f"wrote {folder}"]
    return "\n".join(lines)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.calibrate.calibration import calibrate, write_calibration
    from sim.calibrate.constraints import load_constraints
    from sim.calibrate.setting import load_setting
    from sim.output_folder import output_folder

    n = _positive("--n", args.n)
    setting = load_setting(args.scenario, args.set or ())
    ledger = load_constraints(args.ledger) if args.ledger else load_constraints()
    pilot = _positive("--pilot", args.pilot)
    burn_in = _burn_in(args.burn_in, args.allow_large)
    cal = calibrate(setting, n, _seed(args.seed), ledger, pilot=pilot, **burn_in,
                    allow_large=args.allow_large)
    target = Path(args.out) if args.out else Path("runs") / setting.name / "calibration"
    with output_folder(target) as staging:
        write_calibration(cal, staging.path)
    if args.json:
        print(cal.results.model_dump_json(indent=2))
    else:
        print(_calibration_text(cal.results, target))
    return 0


def _date(text: str) -> Any:
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def analysis_text(result: Any, folder: Path | None) -> str:
    """The analysis in words: each answer as a distribution (with its Monte Carlo precision
    and whether it replicates, when the analysis has them), what carries it, the claims
    that pin it down, the knife edges, the calibrations whose answers touch a continuum."""
    from sim.report.sentences import continuum_ties_sentence

    d = result.distributions
    prec = result.answer_precision

    def share(v: float, ses: dict[str, float], k: str) -> str:
        return percent(v) if prec is None else percent_pm(v, ses[k], "+-")

    def spread(name: str, digits: int, wide: str = "90% in") -> str:
        """The median and the 90% range (with their intervals, :func:`quantile_text`)."""
        from sim.report.sentences import quantile_text

        q, p = getattr(d, name), None if prec is None else prec.quantiles[name]
        at = [quantile_text(q, k, digits, p) for k in ("q50", "q05", "q95")]
        return f"median {at[0]}, {wide} [{at[1]}, {at[2]}]"

    lines = [
        f"{result.scenario}: {result.n:,} supported calibrations ({result.method}; "
        f"{share_of(result.acceptance_rate, 'uniform draws in the bounds')} supported), "
        f"{result.rounds} rounds of "
        f"{result.round_days:g} days, grid {result.resolution[0]}x{result.resolution[1]}",
        *([] if result.burn_in is None else
          [f"hit-and-run burn-in: {result.burn_in:,} steps a chain"]),
        *([] if result.mixing is None else [result.mixing.words()]),
        "",
        "when hedging stops being certain (each calibration's median round; collapse and never "
        "are outcomes of their own):",
        "  " + ", ".join(f"{k}: {share(v, prec.shares['horizon'] if prec else {}, k)}"
                         for k, v in d.horizon.items()),
        "P(hedging stops being certain within the run): "
        + spread("hedging_ends", 2, "90% of calibrations in"),
        "where the hedge most likely ends: "
        + ", ".join(f"{k} {share(v, prec.shares['exit_mode'] if prec else {}, k)}"
                    for k, v in d.exit_mode.items()),
        f"P(collapse by {d.collapse_date or f'round {d.collapse_round}'}): "
        + spread("collapse_by", 3),
        "value of ambiguity (hedge minus the best alternative, round 0): "
        + spread("ambiguity", 2),
    ]
    if prec is not None:
        lines.append(f"(share +- one Monte Carlo standard error over the {prec.n:,} "
                     "draws; in parentheses each quantile's 95% interval from the draws' order "
                     "statistics"
                     + ("" if prec.independent else
                        "; the draws share chains, so these understate the error") + ")")
    if result.answer_replication is not None:
        lines.append(result.answer_replication.words())
    for name, rows in result.sobol.items():
        if not rows:
            continue
        top = sorted(rows, key=lambda r: -r.ST)[:3]
        lines.append(f"what carries '{name}' (total Sobol index +- 95%): "
                     + "; ".join(f"{r.factor} {r.ST:.2f}+-{r.ST_conf:.2f}"
                                 + (f" (base {r.base})" if r.base else "") for r in top))
    lines += _precision_lines(result)
    lines += _importance_lines(result)
    if result.knife_edges:
        lines += ["", "the scenario's own calibration, nudged by one part in a million:"]
        for e in result.knife_edges:
            tag = (f"TIE (moved by {', '.join(e.moved_by[:4])}"
                   f"{', ...' if len(e.moved_by) > 4 else ''}: {', '.join(e.alternatives[:3])})"
                   if e.tie else "clean")
            lines.append(f"  {e.answer}: {e.value} {tag}")
    told = continuum_ties_sentence(result)
    if told:
        lines += ["", told]
    if folder is not None:
        lines += ["", f"wrote {folder}"]
    return "\n".join(lines)


def _importance_lines(result: Any) -> list[str]:
    """The claim-importance table: each constraint's share of each answer's spread, with its
    95% interval and a mark where the interval excludes 0 when the analysis has them
    (:func:`sim.report.sentences.importance_cell`), and what the intervals say."""
    from sim.report.sentences import EXCLUDES_ZERO, importance_cell, importance_sentences

    if not result.importance:
        return []
    names = list(result.importance[0].shrink)
    boot = result.importance_bootstrap
    width = 14 if boot is None else 24
    lines = ["", "claim importance (share of each answer's spread the constraint removes"
             + ("" if boot is None else
                f"; in parentheses its {boot.confidence:.0%} bootstrap interval ({boot.method}, "
                f"{boot.resamples:,} resamples), {EXCLUDES_ZERO}: the interval excludes 0")
             + "):",
             "constraint  claims           " + "  ".join(f"{n[:width]:>{width}}" for n in names)]
    for row in result.importance:
        lines.append(f"{row.constraint:<11} {' '.join(row.claims):<16} "
                     + "  ".join(f"{importance_cell(row, n):>{width}}" for n in names))
    if boot is not None:
        lines += importance_sentences(result)[1:]
    return lines


def _precision_lines(result: Any) -> list[str]:
    """Each answer's leading factor's interval (half-width and full width) and the refined
    base, solves and CPU time the target half-width needs."""
    if not result.sobol_precision:
        return []
    proj = result.sobol_projection
    target = proj.target_half_width if proj is not None else 0.1
    lines = ["", f"the leading factors' 95% intervals, and the base a half-width of {target:g} "
             "needs (base x (half-width / target)^2):"]
    for p in result.sobol_precision:
        lines.append(f"  {p.answer}: {p.factor} {p.ST:.2f} +- {p.half_width:.2f} (full width "
                     f"{p.full_width:.2f}) on base {p.base}: base {p.base_needed:,} needed")
    if proj is None:
        return lines
    lines += [f"  still above {target:g} after the third stage: {w}"
              for w in result.short_of_target_words()]
    left = [p.answer for p in result.sobol_precision if p.answer not in proj.answers]
    lines.append(f"half-width {target:g} on every leading factor"
                 + (f" but {', '.join(left)}'s" if left else "")
                 + f": --sobol-max-base {proj.base:,} (this run's base rows: "
                 f"{result.sobol_top_base:,}), {proj.solves:,} "
                 f"solves (this run: {proj.run_solves:,})")
    return lines


def cmd_analyze(args: argparse.Namespace) -> int:
    import dataclasses

    from sim.atomic import write_text
    from sim.calibrate.analysis import AnalysisOptions, analyze, projected_cpu
    from sim.calibrate.constraints import load_constraints
    from sim.calibrate.setting import load_setting
    from sim.calibrate.solving import SolveCost
    from sim.figures import write_figures
    from sim.output_folder import output_folder

    n = _positive("--n", args.n)
    burn_in = _burn_in(args.burn_in, args.allow_large)
    for name in ("sobol_base", "sobol_max_base", "importance_n"):
        if (getattr(args, name) or 0) < 0:
            raise HedgesimError(f"--{name.replace('_', '-')} must be at least 0")
    if args.sobol_base:
        _positive("--screen-base", args.screen_base)
        if args.screen_base > args.sobol_base:
            raise HedgesimError(f"--screen-base ({args.screen_base}) must be at most "
                                f"--sobol-base ({args.sobol_base})")
    if not (math.isfinite(args.target_half_width) and args.target_half_width > 0):
        raise HedgesimError("--target-half-width must be a number above 0, got "
                            f"{args.target_half_width:g}")
    setting = load_setting(args.scenario, args.set or ())
    if args.rounds is not None:
        setting = dataclasses.replace(setting, rounds=_rounds(args.rounds))
    ledger = load_constraints(args.ledger) if args.ledger else load_constraints()
    options = AnalysisOptions(
        n=n, seed=_seed(args.seed), sobol_base=args.sobol_base, screen_base=args.screen_base,
        max_base=args.sobol_max_base, target_half_width=args.target_half_width,
        importance_n=args.importance_n,
        by=args.by, executor=args.executor, workers=args.workers, scheduler=args.scheduler,
        chunk_size=_positive("--chunk-size", args.chunk_size),
        knife_edges=not args.no_knife_edges,
        sampler={"pilot": _positive("--pilot", args.pilot), **burn_in},
        allow_large=args.allow_large,
    )
    target = Path(args.out) if args.out else Path("runs") / setting.name / "supported"
    say = (lambda text: print(f"hedgesim: {text}", file=sys.stderr)) if args.verbose else None
    cost = SolveCost()
    with output_folder(target) as staging:
        result, _ = analyze(setting, ledger, options, folder=staging.target / "chunks",
                            progress=say, cost=cost)
        write_text(staging.path / "analysis.json", result.model_dump_json(indent=2) + "\n")
        write_text(staging.path / "analysis.txt", analysis_text(result, None) + "\n")
        if not args.no_figures:
            write_figures(result, staging.path)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        print(analysis_text(result, target))
        measured = projected_cpu(result.sobol_projection, cost)
        if measured:
            print(measured)
    return 0


def add_expect_options(p: argparse.ArgumentParser) -> None:
    """``validate``'s options for checking the scenarios' ``expect:`` blocks."""
    p.add_argument("--expect", action="store_true",
                   help="also check each scenario's expect: block across the supported set "
                   "(solves --expect-n calibrations per scenario compared)")
    p.add_argument("--expect-n", type=int, default=32, metavar="N",
                   help="supported calibrations per check (default: 32)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the draws' seed (default: 0)")
    p.add_argument("--rounds", type=int, help="rounds of each solve (default: the scenario's)")
    p.add_argument("--pilot", type=int, default=PILOT, help="the rejection pilot's draws")
    p.add_argument("--executor", default="inprocess", choices=("inprocess", "processes", "dask"),
                   help="where calibrations are solved (default: inprocess)")
    p.add_argument("--workers", type=int, help="worker processes (processes, local dask)")
    add_burn_in(p)
    add_allow_large(p)


def check_expect_options(args: argparse.Namespace) -> dict[str, int]:
    """``validate --expect``'s sizes checked (one line each when bad), before ``validate``
    reads any scenario or :func:`print_expectations` draws; the sampler's options
    (``--burn-in``) as the sampler takes them."""
    _positive("--expect-n", args.expect_n)
    _positive("--pilot", args.pilot)
    if args.rounds is not None:
        _rounds(args.rounds)
    return _burn_in(args.burn_in, args.allow_large)


def print_expectations(args: argparse.Namespace) -> None:
    """Check and print every scenario's expectations (``validate --expect``)."""
    import dataclasses

    from sim.calibrate.constraints import load_constraints
    from sim.calibrate.expect import check_expectations
    from sim.calibrate.setting import load_setting

    burn_in = check_expect_options(args)
    n, pilot = args.expect_n, args.pilot
    ledger = load_constraints()
    for path in args.scenarios:
        setting = load_setting(path)
        if args.rounds is not None:
            setting = dataclasses.replace(setting, rounds=args.rounds)
        if not setting.expect:
            print(f"{path}: no expect: block")
            continue
        for v in check_expectations(setting, ledger, n, _seed(args.seed), pilot=pilot,
                                    **burn_in, executor=args.executor, workers=args.workers,
                                    allow_large=args.allow_large):  # fmt: skip
            print(f"{path}: {v.text()}")


def add_commands(sub: Any) -> None:
    """Register ``calibrate`` and ``analyze`` on the CLI's subparsers."""
    p = sub.add_parser(
        "calibrate",
        help="draw calibrations uniformly from the set the article's claims support",
    )
    p.add_argument("scenario")
    p.add_argument("--n", type=int, default=DEFAULT_N,
                   help=f"calibrations to draw (default: {DEFAULT_N})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the draws' seed (default: 0)")
    p.add_argument("--out", help="output folder (default: runs/<scenario name>/calibration/)")
    p.add_argument("--pilot", type=int, default=PILOT,
                   help=f"uniform draws in the bounds that measure the acceptance rate (default: "
                   f"{PILOT:,})")
    add_burn_in(p)
    p.add_argument("--ledger", help="another claim ledger (default: seeds/claims.yaml)")
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE",
                   help="override a scenario value (repeatable)")
    p.add_argument("--json", action="store_true",
                   help="print calibration.json to standard output")
    add_allow_large(p)
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser(
        "analyze",
        help="every answer as a distribution over the supported calibrations, Sobol indices, "
        "claim importance, knife edges",
    )
    p.add_argument("scenario")
    p.add_argument("--n", type=int, default=DEFAULT_ANALYSIS_N,
                   help="supported calibrations solved for the distributions, at least twice "
                   "--sobol-base (the design's base rows are among them); the Sobol design's "
                   "third stage may draw more, up to twice --sobol-max-base, and the half it "
                   f"solves joins the distributions (default: {DEFAULT_ANALYSIS_N})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the draws' seed (default: 0)")
    p.add_argument("--out", help="output folder (default: runs/<scenario name>/supported/)")
    p.add_argument("--by", type=_date, metavar="YYYY-MM-DD",
                   help="the date the collapse probability is read at (default: the run's end)")
    p.add_argument("--rounds", type=int, help="rounds of the analysis (default: the scenario's)")
    p.add_argument("--sobol-base", type=int, default=DEFAULT_SOBOL_BASE, metavar="N",
                   help="base samples of the Sobol design: each answer's leading factors are "
                   "estimated on all of them; 0 skips it (default: "
                   f"{DEFAULT_SOBOL_BASE})")
    p.add_argument("--screen-base", type=int, default=DEFAULT_SCREEN_BASE, metavar="N",
                   help="base samples on which every factor is estimated, the screening that "
                   f"names the leading factors (default: {DEFAULT_SCREEN_BASE})")
    p.add_argument("--sobol-max-base", type=int, metavar="N",
                   help="the most base samples an answer's leading factor is extended to when "
                   "its 95%% half-width is above --target-half-width (more supported "
                   "calibrations are drawn for them); at most --sobol-base turns this third "
                   "stage off (default: ten times --sobol-base)")
    p.add_argument("--target-half-width", type=float, default=DEFAULT_TARGET_HALF_WIDTH,
                   metavar="H", help="the 95%% half-width the leading factors' total indices "
                   f"are refined towards (default: {DEFAULT_TARGET_HALF_WIDTH})")
    p.add_argument("--importance-n", type=int, default=DEFAULT_IMPORTANCE_N, metavar="N",
                   help="draws per constraint left out, for claim importance (only those "
                   "that violate it are solved); 0 skips it (default: "
                   f"{DEFAULT_IMPORTANCE_N})")
    p.add_argument("--no-knife-edges", action="store_true",
                   help="skip nudging the scenario's own calibration")
    p.add_argument("--pilot", type=int, default=PILOT, help="the rejection pilot's draws")
    add_burn_in(p)
    p.add_argument("--executor", default="inprocess", choices=("inprocess", "processes", "dask"),
                   help="where chunks are solved and the hit-and-run chains drawn (default: "
                   "inprocess)")
    p.add_argument("--workers", type=int, help="worker processes (processes, local dask)")
    p.add_argument("--scheduler", help="a Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--chunk-size", type=int, default=32, help="calibrations per chunk")
    p.add_argument("--ledger", help="another claim ledger (default: seeds/claims.yaml)")
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE",
                   help="override a scenario value (repeatable)")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    p.add_argument("--json", action="store_true", help="print analysis.json to standard output")
    p.add_argument("--verbose", action="store_true", help="say what is being solved")
    add_allow_large(p)
    p.set_defaults(func=cmd_analyze)


__all__ = ["add_commands", "analysis_text", "cmd_analyze", "cmd_calibrate"]
