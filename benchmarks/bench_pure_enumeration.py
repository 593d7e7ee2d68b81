"""Pure-equilibrium enumeration of random 4-player 3-action games: batched vs naive vs pygambit.

Prints games per second of
- the batched enumerator ``sim.equilibria.pure_equilibrium_mask`` (chunked, batch-last),
- a naive numpy version (``u.max(axis=...)`` per player on the input layout),
- a per-game pygambit loop (``Game.from_arrays`` then ``enumpure_solve``) on a subsample,
  extrapolated (its rate does not depend on the batch size),
and the ratios, each the median over repeats, all measured in this one run. The three are
checked to agree on the subsample before anything is timed.

Usage: python benchmarks/bench_pure_enumeration.py [--quick] [--games N] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import pygambit as gbt

from sim.equilibria import pure_equilibrium_mask

SHAPE = (4, 3, 3, 3, 3)


def naive_mask(payoffs: np.ndarray) -> np.ndarray:
    """The obvious vectorization: per player, max over its own axis and compare (exactly)."""
    n = payoffs.shape[1]
    mask = np.ones((payoffs.shape[0], *payoffs.shape[2:]), dtype=bool)
    for i in range(n):
        u = payoffs[:, i]
        mask &= u >= u.max(axis=1 + i, keepdims=True)
    return mask


def gambit_pure(payoffs: np.ndarray) -> list[tuple[int, ...]]:
    game = gbt.Game.from_arrays(*payoffs)
    result = gbt.nash.enumpure_solve(game)
    found = []
    for eq in result.equilibria:
        found.append(
            tuple(next(k for k, s in enumerate(p.strategies) if eq[s] == 1) for p in game.players)
        )
    return sorted(found)


def timed(fn, repeats: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (20,000 games)")
    parser.add_argument("--games", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--gambit-games", type=int, default=300)
    args = parser.parse_args()
    games = 20_000 if args.quick else args.games
    repeats = 3 if args.quick else args.repeats
    sub = 60 if args.quick else args.gambit_games

    rng = np.random.default_rng(2024)
    payoffs = rng.random((games, *SHAPE))
    # Also integer payoffs for the agreement check: ties are where enumerators differ.
    ties = rng.integers(0, 3, size=(sub, *SHAPE)).astype(np.float64)

    fast = pure_equilibrium_mask(payoffs, batched=True)
    if not np.array_equal(fast, naive_mask(payoffs)):
        raise SystemExit("batched and naive enumerators disagree")
    for sample in (payoffs[:sub], ties):
        mask = pure_equilibrium_mask(sample, batched=True)
        for b in range(sub):
            ours = sorted(tuple(int(a) for a in row) for row in np.argwhere(mask[b]))
            if ours != gambit_pure(sample[b]):
                raise SystemExit(f"enumerator and pygambit disagree on game {b}")

    t_fast = timed(lambda: pure_equilibrium_mask(payoffs, batched=True), repeats)
    t_naive = timed(lambda: naive_mask(payoffs), repeats)
    t_gambit = timed(lambda: [gambit_pure(g) for g in payoffs[:sub]], max(3, repeats // 2))

    rate_fast = games / statistics.median(t_fast)
    rate_naive = games / statistics.median(t_naive)
    rate_gambit = sub / statistics.median(t_gambit)
    print(
        f"pure-equilibrium enumeration, {games:,} random games of shape {SHAPE[1:]} "
        f"({SHAPE[0]} players), median of {repeats} repeats"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '-')}"
    )
    print(
        f"  batched enumerator : {rate_fast:14,.0f} games/s  "
        f"(min {games / max(t_fast):,.0f}, max {games / min(t_fast):,.0f})"
    )
    print(f"  naive numpy        : {rate_naive:14,.0f} games/s")
    print(f"  pygambit loop      : {rate_gambit:14,.0f} games/s  (on {sub} games, extrapolated)")
    print(f"  batched / naive    : {rate_fast / rate_naive:14.1f} x")
    print(f"  batched / pygambit : {rate_fast / rate_gambit:14,.0f} x")
    print(f"  equilibria per game: {fast.sum() / games:.3f} (expected about 1 for random games)")


if __name__ == "__main__":
    main()
