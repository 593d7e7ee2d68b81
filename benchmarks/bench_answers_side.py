"""The answers side of an analysis chunk: per calibration against batched (issue 12; prints
figures, fails on nothing).

A chunk of ``--n`` supported calibrations of the baseline (the analysis grid, the scenario's
rounds) is solved once; then, alternating in the same process, ``--repeats`` times:

- *per calibration* (the route before the batch one): each calibration's game built on its
  own, :func:`sim.article.outcomes.outcomes` on it (its transition law rebuilt every round),
  and ``ambiguity(a, rounds=1).start`` on a fresh game (round 0's stage games built for
  that calibration);
- *batched* (what :func:`sim.calibrate.solving.solve_chunk` does):
  :func:`sim.article.outcomes.outcomes_batch` on the chunk's batched game (each round's law
  built once) and :func:`sim.article.ambiguity.start_values` (round 0's stage games once).

Median CPU milliseconds per calibration of each, their ratio, and whether the two agree bit
for bit. The load average is printed beside them: the machine is shared.

``--split`` instead times :func:`sim.calibrate.solving.solve_chunk` itself on the chunk and
splits its CPU time into the engine's solve (``sim.article.answers.solve_game``) and the rest
(the answers side, the calibrations' games): it imports nothing newer than those two, so the
same file can time an older tree (``PYTHONPATH=OLD python .../bench_answers_side.py --split``)
against this one, alternating runs.

Usage: ``python benchmarks/bench_answers_side.py [--n N] [--repeats K] [--split]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import numpy as np

from sim.calibrate.constraints import load_constraints
from sim.calibrate.sampler import Space, draw
from sim.calibrate.setting import load_setting


def split(setting: Any, monthly: Any, n: int, repeats: int) -> None:
    """``solve_chunk``'s CPU time split into the engine's solve and the rest (docstring)."""
    import sim.article.answers as answers
    from sim.calibrate.solving import _matrix, solve_chunk

    values = _matrix(monthly)
    engine = [0.0]
    solve_game = answers.solve_game

    def timed(*a: Any, **k: Any) -> Any:
        t = time.process_time()
        out = solve_game(*a, **k)
        engine[0] += time.process_time() - t
        return out

    answers.solve_game = timed  # type: ignore[assignment]
    solve_chunk(setting, values[:1])  # imports and compiled kernels before timing
    totals, engines = [], []
    for _ in range(repeats):
        engine[0] = 0.0
        t = time.process_time()
        solve_chunk(setting, values)
        totals.append(time.process_time() - t)
        engines.append(engine[0])
    total, eng = statistics.median(totals), statistics.median(engines)
    rest = statistics.median([a - b for a, b in zip(totals, engines, strict=True)])
    print(f"solve_chunk, {n} calibrations: {1000 * total / n:.0f} CPU ms a calibration, the "
          f"engine's solve {1000 * eng / n:.0f}, the rest {1000 * rest / n:.1f} (medians of "
          f"{repeats}); load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=32, help="calibrations in the chunk (default 32)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--split", action="store_true",
                    help="time solve_chunk and split it into the engine and the rest")
    args = ap.parse_args()

    ledger = load_constraints()
    setting = load_setting("scenarios/baseline.yaml")
    space = Space.of(ledger, setting.base, setting.fixed)
    drawn = draw(ledger, space, args.n, 5, chains=args.n, pilot=20_000, rejection=False)
    if args.split:
        split(setting, space.params(drawn.unit), args.n, args.repeats)
        return
    from sim.article.ambiguity import ambiguity, start_values
    from sim.article.answers import answer_batch
    from sim.article.build import build
    from sim.article.outcomes import outcomes, outcomes_batch
    from sim.article.parameters import stack

    params = setting.for_rounds(space.params(drawn.unit))
    cals = [params.calibration(b) for b in range(args.n)]
    kw = {"rounds": setting.rounds, "shocks": setting.shocks, "resolution": setting.resolution}
    t = time.process_time()
    found = answer_batch(cals, **kw, rules=("qre",), myopic=False, robust=False)
    solve = time.process_time() - t
    strategy = np.asarray(found[0].solution.strategy)

    def per_calibration() -> tuple[list[np.ndarray], np.ndarray]:
        outs = [outcomes(build(c, **kw), strategy[b]).collapsed for b, c in enumerate(cals)]
        for a in found:
            a.game._cache.clear()  # round 0's game built again, as in a fresh chunk
        return outs, np.array([ambiguity(a, rounds=1).start for a in found])

    def batched() -> tuple[list[np.ndarray], np.ndarray]:
        outs = [o.collapsed for o in outcomes_batch(build(stack(cals), **kw), strategy)]
        return outs, start_values(found)

    cpu: dict[str, list[float]] = {"per calibration": [], "batched": []}
    results = {}
    for _ in range(args.repeats):
        for name, fn in (("per calibration", per_calibration), ("batched", batched)):
            t = time.process_time()
            results[name] = fn()
            cpu[name].append(time.process_time() - t)
    (o1, v1), (o2, v2) = results["per calibration"], results["batched"]
    same = all(np.array_equal(x, y) for x, y in zip(o1, o2, strict=True))
    same = same and np.array_equal(v1, v2)
    per = {k: 1000 * statistics.median(v) / args.n for k, v in cpu.items()}
    print(f"{args.n} calibrations, {setting.rounds} rounds, grid "
          f"{setting.resolution.belief_points}x{setting.resolution.capacity_points}; the solve "
          f"itself {1000 * solve / args.n:.0f} CPU ms a calibration")
    for k, v in per.items():
        print(f"answers side, {k}: {v:.1f} CPU ms a calibration (median of {args.repeats})")
    print(f"ratio {per['per calibration'] / per['batched']:.2f}x; saved "
          f"{per['per calibration'] - per['batched']:.1f} CPU ms a calibration; "
          f"bit for bit the same: {'yes' if same else 'NO'}")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
