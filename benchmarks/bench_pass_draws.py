"""The third stage's supported draws: one draw call a pass that grows the base matrices
(before wave 12's pools) against one call for the rows of all of them (what
:func:`sim.calibrate.analysis.analyze` draws now: a pass's rows and the most the next can
take, :func:`sim.calibrate.analysis.take_rows`).

Each call as the analysis makes it: hit-and-run on the shipped ledger, one chain a row, in
process or on a pool of 2 worker processes started for the call
(:func:`sim.calibrate.analysis.draw_runner`). The old and the new way alternate
``--repeats`` times at each ``--burn-in`` (a tenth of the default and less: the default's
6,300 steps take minutes a call); CPU seconds (this process and the workers) and wall
seconds, medians, the load average beside them. A call's cost is ``a + b x steps`` (the
pilot and a pool's start-up do not grow with the burn-in; the chains' steps and the checks'
fixed cost a step do), so two burn-ins give the projection to the default's.

Since wave 13 the analysis carries the rejection on past its pilot (now the sampler's
default), and on the shipped ledger every call is a rejection
(:func:`sim.calibrate.sampler.rejection_budget`), whose cost grows with the rows drawn and
has almost no fixed part: this benchmark keeps measuring the hit-and-run calls
(``rejection=False``: the fallback of a tighter ledger); ``bench_analyze.py --draws``
measures the calls as they are now.

Usage: ``PYTHONPATH=. python benchmarks/bench_pass_draws.py [--old 320 542 98]
[--burn-in 315 630] [--repeats 2] [--where inprocess processes]``
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import _cpu_wall  # noqa: E402

from sim.calibrate.analysis import AnalysisOptions, draw_runner  # noqa: E402
from sim.calibrate.constraints import load_constraints  # noqa: E402
from sim.calibrate.sampler import Space, default_burn_in, draw  # noqa: E402
from sim.calibrate.setting import load_setting  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=int, nargs="+", default=[320, 542, 98],
                    help="the passes' draws, one call each (default: the projected default "
                         "analysis's 320, 542 and 98, base 320, 591 and 640)")  # fmt: skip
    ap.add_argument("--burn-in", type=int, nargs="+", default=[315, 630])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--where", nargs="+", default=["inprocess", "processes"])
    args = ap.parse_args()
    ledger = load_constraints()
    setting = load_setting("scenarios/baseline.yaml")
    space = Space.of(ledger, setting.base, setting.fixed)
    full = default_burn_in(space.dim)

    def calls(sizes: list[int], burn: int, where: str) -> None:
        for k, n in enumerate(sizes):  # the seed of each pass's stream: any seed costs alike
            options = AnalysisOptions(executor=where, workers=2 if where != "inprocess" else None)
            with draw_runner(options) as (run, tasks):
                draw(ledger, space, n, 4 + k, chains=n, burn_in=burn, run=run, tasks=tasks,
                     rejection=False)

    new = [sum(args.old)]
    print(f"load average at the start: {os.getloadavg()[0]:.1f}; old: {args.old} chains, one "
          f"call each; new: {new} in one call; default burn-in {full:,} steps", flush=True)
    fits: dict[str, dict[str, list[tuple[int, float, float]]]] = {}
    for where in args.where:
        for burn in args.burn_in:
            got: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
            for _ in range(args.repeats):
                for name, sizes in (("old", args.old), ("new", new)):
                    got[name].append(_cpu_wall(functools.partial(calls, sizes, burn, where)))
            med = {k: (statistics.median(c for c, _ in v), statistics.median(w for _, w in v))
                   for k, v in got.items()}  # fmt: skip
            for k, (c, w) in med.items():
                fits.setdefault(where, {}).setdefault(k, []).append((burn, c, w))
            (oc, ow), (nc, nw) = med["old"], med["new"]
            print(f"{where}, burn-in {burn}: old {oc:.1f} CPU s, {ow:.1f} s wall; new "
                  f"{nc:.1f} CPU s, {nw:.1f} s wall; old/new CPU {oc / nc:.2f}x, wall "
                  f"{ow / nw:.2f}x; load {os.getloadavg()[0]:.1f}", flush=True)
    for where, by in fits.items():
        parts = []
        for k, points in by.items():
            if len(points) < 2:
                continue
            (b0, c0, w0), (b1, c1, w1) = points[0], points[-1]
            at = [(v0 + (v1 - v0) / (b1 - b0) * (full - b0)) for v0, v1 in ((c0, c1), (w0, w1))]
            parts.append(f"{k} {at[0] / 60:.1f} CPU min, {at[1] / 60:.1f} min wall")
        if parts:
            print(f"{where} at the default burn-in (linear in the steps): " + "; ".join(parts))


if __name__ == "__main__":
    main()
