"""Model 2's stage games built and enumerated in bulk: games per second on one core.

Issue 13's aim: build 1,000,000 stage games of the baseline and enumerate their pure
equilibria at 1,000,000 games a second or more on one core. A stage game of the article's
game is one affine map of the state's features (``sim.article.terms``: the round's
coefficients, read off the claim-tagged terms once, times each state's three beliefs, plus
the hazard term, which reads the regime's capacity); its pure equilibria come from the
batched enumerator ``sim.equilibria.pure_equilibrium_mask`` (exact comparisons within a
tolerance relative to each game's spread).

Prints, for ``--games`` random states of the baseline (beliefs uniform on the grid's range,
capacity uniform on [0, 1]) in chunks of ``--chunk``: the time to build them (the hazard per
profile, then the affine map), to enumerate them, the rates, their ratio to the aim, the
share of games with a pure equilibrium, and peak memory. The machine is shared: compare the
figures within one run. No continuation values: these are the stage games of the last round
(and of the myopic path); earlier rounds add the engine's expectation step.

Run: ``python benchmarks/bench_stage_games.py`` (``--games 100000`` for a quick look).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.article import Parameters, terms  # noqa: E402
from sim.article.capacity import hazard  # noqa: E402
from sim.equilibria import pure_equilibrium_mask  # noqa: E402
from sim.game import DEFAULT_TOLERANCE  # noqa: E402

AIM = 1_000_000  # games a second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    args = parser.parse_args()
    params = Parameters()
    rnd = terms.RoundData.at_rest(params)
    coefs = terms.coefficients(params, rnd)
    rng = np.random.default_rng(0)
    build = enumerate_ = 0.0
    with_pure = 0
    done = 0
    while done < args.games:
        size = min(args.chunk, args.games - done)
        beliefs = rng.uniform(0.02, 0.98, size=(size, 3))
        capacity = rng.uniform(0.0, 1.0, size=size)
        t0 = time.perf_counter()
        h = hazard(params, rnd, capacity)  # (size, *SHAPE)
        games = terms.stage_payoffs(coefs, beliefs, h)
        t1 = time.perf_counter()
        mask = pure_equilibrium_mask(games, DEFAULT_TOLERANCE, batched=True)
        t2 = time.perf_counter()
        build += t1 - t0
        enumerate_ += t2 - t1
        with_pure += int(mask.reshape(size, -1).any(axis=1).sum())
        done += size
    total = build + enumerate_
    print(f"{done:,} stage games of the baseline (4 players x 3 actions), chunks of {args.chunk:,}")
    print(f"  build (hazard + affine map): {build:.2f} s, {done / build:,.0f} games/s")
    print(f"  pure enumeration:            {enumerate_:.2f} s, {done / enumerate_:,.0f} games/s")
    print(f"  both:                        {total:.2f} s, {done / total:,.0f} games/s = "
          f"{done / total / AIM:.2f}x the aim of {AIM:,}/s")
    print(f"  games with a pure equilibrium: {with_pure / done:.1%}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
