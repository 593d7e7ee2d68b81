"""The ``calibrate`` and ``analyze`` subcommands and ``validate --expect`` (the CLI part of
:mod:`sim.calibrate`; :mod:`sim.cli` registers them and prints nothing else for them).

Imports here stay lazy: ``hedgesim --help`` must not load numpy.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.errors import HedgesimError

DEFAULT_N = 256
DEFAULT_SEED = 0
#: The rejection pilot's draws (sim.calibrate.sampler.PILOT, restated so --help needs no numpy).
PILOT = 50_000


def _positive(name: str, value: int) -> int:
    if value < 1:
        raise HedgesimError(f"{name} must be at least 1, got {value}")
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
    cal = calibrate(setting, n, args.seed, ledger, pilot=pilot)
    target = Path(args.out) if args.out else Path("runs") / setting.name / "calibration"
    with output_folder(target) as staging:
        write_calibration(cal, staging.path)
    if args.json:
        print(cal.results.model_dump_json(indent=2))
    else:
        print(_calibration_text(cal.results, target))
    return 0


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
    p.add_argument("--ledger", help="another claim ledger (default: seeds/claims.yaml)")
    p.add_argument("--set", action="append", metavar="KEY.PATH=VALUE",
                   help="override a scenario value (repeatable)")
    p.add_argument("--json", action="store_true",
                   help="print calibration.json to standard output")
    p.set_defaults(func=cmd_calibrate)


__all__ = ["add_commands", "cmd_calibrate"]
