"""The cost of ``answer()`` on a scenario, old tree against new: CPU seconds, medians.

``answer()`` is what ``hedgesim run`` calls: the four selection rules, the myopic path and
the robustness search where play goes. Each measurement runs in a fresh process (the
``sim`` package of one tree on ``PYTHONPATH``), after one warm-up ``answer()`` on the 3x3
grid (numba's compiled code loaded from its disk cache, the first traces' imports done);
old and new alternate, so load on the shared machine hits both alike. Prints each run, the
medians, their ratio and the load average.

Run: ``python benchmarks/bench_answer.py --old /path/to/old/tree`` (``--grid 5x3``,
``--scenario``, ``--repeats``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def measure(scenario: str, grid: str) -> float:
    """CPU seconds of one ``answer()`` of ``scenario`` on ``grid`` (after a warm-up)."""
    from sim.article.answers import answer
    from sim.article.grid import Resolution
    from sim.scenario import load_scenario
    from sim.scenario.article import article_run

    run = article_run(load_scenario(scenario))
    lo, hi = run.resolution.belief_min, run.resolution.belief_max
    answer(run.params, rounds=run.rounds, shocks=run.shocks, resolution=Resolution(3, 3, lo, hi))
    beliefs, capacities = (int(x) for x in grid.split("x"))
    resolution = Resolution(beliefs, capacities, lo, hi)
    t = time.process_time()
    answer(run.params, rounds=run.rounds, shocks=run.shocks, resolution=resolution)
    return time.process_time() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="the old tree (a checkout of main)")
    parser.add_argument("--scenario", default="scenarios/baseline.yaml")
    parser.add_argument("--grid", default="5x3")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    here = Path(__file__).resolve()
    new = str(here.parents[1])
    scenario = str(Path(args.scenario).resolve())
    code = ("import sys, json, importlib.util; import sim; "
            "spec = importlib.util.spec_from_file_location('bench', sys.argv[1]); "
            "b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b); "
            "print(json.dumps({'sim': sim.__file__, 'cpu': b.measure(sys.argv[2], sys.argv[3])}))")
    runs: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(args.repeats):
        for name, tree in (("old", args.old), ("new", new)):
            env = dict(os.environ, PYTHONPATH=tree)
            out = subprocess.run([sys.executable, "-c", code, str(here), scenario, args.grid],
                                 env=env, cwd="/", check=True, capture_output=True,
                                 text=True)  # fmt: skip
            got = json.loads(out.stdout.strip().splitlines()[-1])
            runs[name].append(got["cpu"])
            print(f"repeat {r + 1} {name} ({got['sim']}): {got['cpu']:.2f} s CPU", flush=True)
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    old, new_ = statistics.median(runs["old"]), statistics.median(runs["new"])
    print(f"answer() of {args.scenario} on the {args.grid} grid, medians of {args.repeats} "
          f"(load average {load}): old {old:.2f} s, new {new_:.2f} s ({old / new_:.2f}x)")


if __name__ == "__main__":
    main()
