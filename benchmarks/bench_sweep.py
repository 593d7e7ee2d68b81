"""Throughput of a Model 2 sweep: calibrations of the baseline solved in batches against one
at a time, and on 1 against 2 worker processes (prints figures; not a test).

The design is a grid over the baseline's sweep keys (``beliefs.iran.visibility`` x
``payoffs.gulf_incentive``), solved by :func:`sim.sweep.solve_design` on the analysis grid
(3 x 3, 82 states) for the scenario's 24 rounds, under the default rule (qre), without the
robustness search: exactly what ``hedgesim sweep`` runs. For each way of running it:
calibrations a second, state-rounds a second (calibrations x states x rounds, the unit of the
budget in :mod:`sim.budget`), and the ratio to the batched in-process run, measured in the
same run one after the other. Every way gives the same bytes (checked here too).

Usage: ``python benchmarks/bench_sweep.py [--points N] [--grid BxC] [--rounds R]``
"""

from __future__ import annotations

import argparse
import time

from sim.article.grid import Resolution
from sim.scenario import apply_overrides, load_scenario
from sim.sweep import grid_design, parse_param, solve_design


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=4, help="values a key (points^2 in all)")
    parser.add_argument("--grid", default="3x3", help="belief x capacity points")
    parser.add_argument("--rounds", type=int, default=24)
    args = parser.parse_args()
    beliefs, capacities = (int(x) for x in args.grid.split("x"))
    grid = Resolution(belief_points=beliefs, capacity_points=capacities)
    states = beliefs ** 3 * capacities + 1
    scenario = apply_overrides(load_scenario("scenarios/baseline.yaml"),
                               [f"game.rounds={args.rounds}"])
    n = args.points
    design = grid_design([parse_param(f"beliefs.iran.visibility=0.25:2:{n}"),
                          parse_param(f"payoffs.gulf_incentive=1:10:{n}")])
    print(f"{len(design)} calibrations of the baseline x {args.rounds} rounds on the "
          f"{args.grid} grid ({states} states)")
    ways = [
        ("batched, chunks of 8, in process", {"chunk_size": 8}),
        ("one at a time (chunks of 1), in process", {"chunk_size": 1}),
        ("batched, chunks of 8, 2 processes", {"chunk_size": 8, "executor": "processes",
                                               "workers": 2}),
    ]
    results = []
    for name, options in ways:
        start = time.perf_counter()
        solved = solve_design(scenario, design, grid=grid, **options)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        results.append((name, seconds, solved.answer.to_bytes()))
    base = results[0][1]
    print(f"{'how':<42} {'seconds':>8} {'calibrations/s':>15} {'state-rounds/s':>15} "
          f"{'ratio':>6}")
    for name, seconds, _ in results:
        rate = len(design) / seconds
        print(f"{name:<42} {seconds:8.1f} {rate:15.2f} {rate * states * args.rounds:15,.0f} "
              f"{base / seconds:6.2f}")
    same = all(r[2] == results[0][2] for r in results)
    print(f"the same bytes every way: {same}")
    print(f"seconds per state-round (batched, one process): "
          f"{base / (len(design) * states * args.rounds):.2e}")


if __name__ == "__main__":
    main()
