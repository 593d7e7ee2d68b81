"""Throughput of calibration and analysis (issue 12; prints figures, fails on nothing).

Measured in the same run, on the baseline scenario at the analysis grid
(:data:`sim.calibrate.setting.ANALYSIS_RESOLUTION`) and ``--rounds`` rounds:

- the constraint check: calibrations checked per second against every constraint of the
  ledger (one vector evaluation of a batch);
- the rejection pilot: its acceptance rate (the supported set's share of the box);
- hit-and-run: supported calibrations drawn per second;
- solving: calibrations solved per second in chunks (one ``answer_batch`` call per chunk,
  the engine's batch axis), against a one-by-one loop over the same calibrations (one call
  each), and with 2 local worker processes; their ratio; whether they agree bit for bit;
- the default analysis's solve count, and its time projected from the measured rate.

Medians over ``--repeats``. The machine is shared: numbers are noisy.

Usage: ``python benchmarks/bench_analyze.py [--n N] [--rounds R] [--repeats K]``
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from sim.article.parameters import stack
from sim.calibrate.analysis import GROUPS
from sim.calibrate.constraints import load_constraints
from sim.calibrate.sampler import Space, draw, rejection_pilot
from sim.calibrate.setting import load_setting
from sim.calibrate.solving import solve_calibrations


def _median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=16, help="calibrations solved (default 16)")
    ap.add_argument("--rounds", type=int, default=12, help="rounds per solve (default 12)")
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()

    ledger = load_constraints()
    setting = dataclasses.replace(load_setting("scenarios/baseline.yaml"), rounds=args.rounds)
    space = Space.of(ledger, setting.base, setting.fixed)
    rng = np.random.default_rng(0)

    box = space.params(rng.random((20_000, space.dim)))
    t_check, _ = _median_time(lambda: ledger.satisfied(box), args.repeats)
    print(f"constraint check: {len(ledger.constraints)} constraints, {space.dim} drawn "
          f"parameters: {20_000 / t_check:,.0f} calibrations/s")
    _, made, kept = rejection_pilot(ledger, space, np.random.default_rng(1), 100_000, 10**9)
    print(f"rejection: acceptance rate {kept / made:.2g} ({kept} of {made:,}): "
          f"{kept / made * 20_000 / t_check:.2f} supported calibrations/s")
    t_draw, drawn = _median_time(lambda: draw(ledger, space, 256, 2, pilot=20_000),
                                 args.repeats)  # fmt: skip
    print(f"hit-and-run: 256 supported calibrations in {t_draw:.1f} s: "
          f"{256 / t_draw:.1f} calibrations/s")

    params = drawn.params
    cals = stack([params.calibration(b) for b in range(args.n)])
    solve_calibrations(setting, stack([params.calibration(0)]))  # compile before timing
    t_chunk, chunked = _median_time(
        lambda: solve_calibrations(setting, cals, chunk_size=args.n), args.repeats)
    t_loop, looped = _median_time(
        lambda: solve_calibrations(setting, cals, chunk_size=1), args.repeats)
    t_pool, pooled = _median_time(
        lambda: solve_calibrations(setting, cals, executor="processes", workers=2,
                                   chunk_size=max(1, args.n // 2)), args.repeats)  # fmt: skip
    same = chunked.to_bytes() == looped.to_bytes() == pooled.to_bytes()
    rate = args.n / t_chunk
    print(f"solving ({args.rounds} rounds, grid {setting.resolution.belief_points}x"
          f"{setting.resolution.capacity_points}): chunk of {args.n} {rate:.2f} calibrations/s; "
          f"one-by-one loop {args.n / t_loop:.2f}/s (chunk/loop {t_loop / t_chunk:.2f}x); "
          f"2 processes {args.n / t_pool:.2f}/s; identical: {same}")
    groups = len(GROUPS)
    solves = 64 + 16 * (groups + 2) + len(ledger.constraints) * 8 + 2 * space.dim + 1
    print(f"default analyze (n 64, Sobol base 16 x {groups + 2}, importance 8 x "
          f"{len(ledger.constraints)}, knife edges {2 * space.dim + 1}): {solves} solves, "
          f"~{solves / rate / 60:.1f} min of solving in process at the chunk rate (plus the "
          f"draws of {len(ledger.constraints)} relaxed sets, each a pilot and a short chain)")


if __name__ == "__main__":
    main()
