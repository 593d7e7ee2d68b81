"""Model 2's stage games built and enumerated in bulk: games per second on one core.

Issue 13's aim: build 1,000,000 stage games of the baseline and enumerate their pure
equilibria at 1,000,000 games a second or more on one core. A stage game of the article's
game is one affine map of the state's features (``sim.article.terms``: the round's
coefficients, read off the claim-tagged terms once, times each state's three beliefs, plus
the hazard term, which reads the regime's capacity).

Three ways, chunk by chunk in turn (so that load from other processes hits them alike), on
``--games`` random states of the baseline (beliefs uniform on the grid's range, capacity
uniform on [0, 1]), in chunks of ``--chunk``:

- numpy: the hazard per profile (``sim.article.capacity.hazard``), the affine map in numpy
  (``sim.article.terms.stage_payoffs``), then the batched enumerator
  (``sim.equilibria.pure_equilibrium_mask``);
- compiled build: the same, the map run by the compiled loop (``sim.article.stage_games.payoffs``,
  what the engine's rounds are built with from 2,048 states on; the same bits);
- fused: ``RoundStageGames.pure_equilibria``, each game built in a small buffer and
  enumerated in one compiled pass, never stored.

Prints CPU seconds (this process's user + system time, which load from other processes
disturbs far less than wall time; wall is printed too), rates, ratios, whether the three
masks agree, the share of games with a pure equilibrium, and peak memory. The round's
coefficients are read off the terms once, before the clock (a round's setup, not a game's).
No continuation values: these are the stage games of the last round (and of the myopic
path); earlier rounds add the engine's expectation step.

Run: ``python benchmarks/bench_stage_games.py`` (``--games 100000`` for a quick look).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.article import Parameters, stage_games, terms  # noqa: E402
from sim.article.capacity import hazard  # noqa: E402
from sim.equilibria import pure_equilibrium_mask  # noqa: E402
from sim.game import DEFAULT_TOLERANCE  # noqa: E402

AIM = 1_000_000  # games a second


def clocks() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    args = parser.parse_args()
    params = Parameters()
    rnd = terms.RoundData.at_rest(params)
    stage = stage_games.RoundStageGames.of(params, rnd)
    coefs = stage.coefficients
    rng = np.random.default_rng(0)
    # compile (or load the cached machine code) before the clock
    warm = rng.uniform(0.02, 0.98, size=(8, 3)), rng.uniform(0.0, 1.0, size=8)
    stage.pure_equilibria(*warm, DEFAULT_TOLERANCE)
    stage_games.payoffs(coefs, warm[0], hazard(params, rnd, warm[1]), compiled=True)
    names = ("numpy build", "compiled build", "enumeration", "fused")
    cpu = dict.fromkeys(names, 0.0)
    wall = dict.fromkeys(names, 0.0)
    with_pure = disagree = done = 0
    load = os.getloadavg()
    while done < args.games:
        size = min(args.chunk, args.games - done)
        beliefs = rng.uniform(0.02, 0.98, size=(size, 3))
        capacity = rng.uniform(0.0, 1.0, size=size)
        marks = [clocks()]
        games = terms.stage_payoffs(coefs, beliefs, hazard(params, rnd, capacity))
        marks.append(clocks())
        compiled = stage_games.payoffs(coefs, beliefs, hazard(params, rnd, capacity),
                                       compiled=True)  # fmt: skip
        marks.append(clocks())
        mask = pure_equilibrium_mask(games, DEFAULT_TOLERANCE, batched=True)
        marks.append(clocks())
        fused = stage.pure_equilibria(beliefs, capacity, DEFAULT_TOLERANCE)
        marks.append(clocks())
        for name, before, after in zip(names, marks[:-1], marks[1:], strict=True):
            cpu[name] += after[0] - before[0]
            wall[name] += after[1] - before[1]
        if not np.array_equal(games, compiled):
            raise SystemExit("the compiled build differs from numpy's map")
        disagree += int((mask != fused).reshape(size, -1).any(axis=1).sum())
        with_pure += int(mask.reshape(size, -1).any(axis=1).sum())
        done += size
        del games, compiled, mask, fused
    load_after = os.getloadavg()
    print(f"{done:,} stage games of the baseline (4 players x 3 actions), chunks of "
          f"{args.chunk:,}; load average {load[0]:.1f} before, {load_after[0]:.1f} after")
    print("| what | CPU s | wall s | games/s (CPU) | ratio to the aim |")
    print("| --- | --- | --- | --- | --- |")
    rows = {
        "build, numpy map (hazard + affine map)": ("numpy build",),
        "build, compiled loop (hazard + affine map)": ("compiled build",),
        "pure enumeration (batched enumerator)": ("enumeration",),
        "build + enumeration, numpy map": ("numpy build", "enumeration"),
        "build + enumeration, compiled build": ("compiled build", "enumeration"),
        "fused build + enumeration (compiled, one pass)": ("fused",),
    }
    rate = {}
    for label, parts in rows.items():
        c = sum(cpu[p] for p in parts)
        w = sum(wall[p] for p in parts)
        rate[label] = done / c
        print(f"| {label} | {c:.2f} | {w:.2f} | {done / c:,.0f} | {done / c / AIM:.2f}x |")
    fused_rate = rate["fused build + enumeration (compiled, one pass)"]
    old_rate = rate["build + enumeration, numpy map"]
    print(f"fused / numpy map + enumerator: {fused_rate / old_rate:.1f}x; compiled build / "
          f"numpy map: {cpu['numpy build'] / cpu['compiled build']:.1f}x")
    print(f"games with a pure equilibrium: {with_pure / done:.1%}; games whose masks differ "
          f"(fused against numpy + enumerator): {disagree}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
