"""Throughput of the sweep batch engine against the scalar simulator (prints figures).

Two designs of variants of the baseline scenario, 24 rounds each:

- ``hedging``: decay rates in [0, 0.015] and the Gulf incentive in [1, 5]: every round
  of every variant has a pure equilibrium and no counterpart reaches its switch point,
  so this measures the vectorized path and the batched switch-point screen;
- ``baseline``: decay rates in [0.02, 0.12] and the Gulf incentive in [1, 5]: most
  variants reach a round without a pure equilibrium, which the batch engine solves with
  the batched small-support solver (two players mixing over two actions each; exact,
  ~1 ms a game) and the scalar simulator with ``solve(game, "auto")`` (the same solver,
  one game at a time).

For each: variant-rounds per second of the batch engine (nominal: variants x rounds, though
the engine stops a variant after its horizon round), of the scalar simulator looped over a
subsample of the same variants (extrapolated), their ratio, whether the subsample agrees,
and the speed-up from 1 to 2 local worker processes. Medians over ``--repeats``. Not a
test: nothing here fails on time.

Usage: ``python benchmarks/bench_sweep.py [--variants N] [--baseline-variants M] [--quick]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from sim.scenario import scenario_from_mapping
from sim.sweep import batch, evaluate
from sim.sweep.design import Design
from sim.sweep.executors import run_design

KEYS = (
    "tolerance.iran.decay",
    "tolerance.israel.decay",
    "tolerance.gulf.decay",
    "parameters.gulf_incentive",
)


def design(n: int, decay: tuple[float, float], seed: int) -> Design:
    rng = np.random.default_rng(seed)
    cols = [rng.uniform(*decay, n) for _ in range(3)] + [rng.uniform(1.0, 5.0, n)]
    return Design("montecarlo", KEYS, np.column_stack(cols))


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def measure(name: str, scenario: Any, d: Design, sample: int, repeats: int, chunk: int) -> None:
    rounds = scenario.repeated.rounds
    n = len(d)
    t_batch, run = timed(lambda: batch.simulate(scenario, d.keys, d.values), repeats)
    idx = np.linspace(0, n - 1, min(sample, n)).astype(int)
    t_scalar, ref = timed(lambda: evaluate.scalar(scenario, d.keys, d.values[idx]), 1)
    agree = all(
        np.array_equal(a[idx], b) for a, b in zip(
            run.outcomes.arrays().values(), ref.arrays().values(), strict=True
        )
    )  # fmt: skip
    per_scalar = t_scalar / len(idx)
    b_rate = n * rounds / t_batch
    s_rate = rounds / per_scalar
    print(f"\n[{name}] {n} variants x {rounds} rounds")
    print(f"  batch engine : {t_batch:9.2f} s  {b_rate:12,.0f} variant-rounds/s "
          f"(stepped {run.rounds_stepped:,} rounds, {run.mixed_games:,} games without a pure "
          f"equilibrium)")  # fmt: skip
    print(
        f"  scalar loop  : {per_scalar * 1000:9.2f} ms/variant on {len(idx)} variants, "
        f"{s_rate:12,.0f} variant-rounds/s, extrapolated {per_scalar * n:,.0f} s for all"
    )
    print(f"  ratio batch/scalar: {b_rate / s_rate:,.1f}x   (subsample agrees: {agree})")
    t1, o1 = timed(lambda: run_design(scenario, d, executor="processes", workers=1,
                                      chunk_size=chunk), repeats)  # fmt: skip
    t2, o2 = timed(lambda: run_design(scenario, d, executor="processes", workers=2,
                                      chunk_size=chunk), repeats)  # fmt: skip
    print(f"  processes    : 1 worker {t1:.2f} s, 2 workers {t2:.2f} s, speed-up {t1 / t2:.2f}x "
          f"(same result: {o1.equals(o2) and o1.equals(run.outcomes)})")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variants", type=int, default=100_000, help="hedging-design variants")
    ap.add_argument("--baseline-variants", type=int, default=100_000)
    ap.add_argument("--scalar-sample", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = ap.parse_args()
    if args.quick:
        args.variants, args.baseline_variants = 200, 16
        args.scalar_sample, args.repeats = 5, 1
    scenario = scenario_from_mapping(
        {"name": "bench", "description": "d", "question": "q", "repeated": {"rounds": 24}}
    )
    measure("hedging: pure equilibria throughout", scenario,
            design(args.variants, (0.0, 0.015), 1), args.scalar_sample, args.repeats,
            chunk=max(1, args.variants // 8))  # fmt: skip
    measure("baseline neighbourhood: mixed rounds", scenario,
            design(args.baseline_variants, (0.02, 0.12), 2), args.scalar_sample, 1,
            chunk=max(1, args.baseline_variants // 8))  # fmt: skip


if __name__ == "__main__":
    main()
