"""Model 2's baseline solved on the engine: time per solve and per answer at three grids.

Prints, for the analysis grid, the coarse grid and the run's grid: states, the time to
build the game, the time to solve it (QRE selection, 24 monthly rounds), the time to read
its outcomes, the time of a whole ``answer()`` (every selection rule, the myopic path and
the robustness search where play goes), the share of stage games each engine path
answered (dominance, traced, shared, ...), peak memory, and the ratio of the grids' solve
times against the ratio of their states.
The machine is shared with other work: figures are noisy, compare within one run.

Run: ``python benchmarks/bench_article.py`` (``--repeat N`` solves each grid N times and
prints the median).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.article import ANALYSIS, COARSE, RUN, Parameters  # noqa: E402
from sim.article.answers import answer, solve_game  # noqa: E402
from sim.article.build import build  # noqa: E402
from sim.article.outcomes import outcomes  # noqa: E402


def one(resolution: object, rounds: int) -> dict[str, object]:
    t0 = time.perf_counter()
    game = build(Parameters(), rounds=rounds, resolution=resolution)  # type: ignore[arg-type]
    games = list(game.games)
    t1 = time.perf_counter()
    sol = solve_game(game)
    t2 = time.perf_counter()
    out = outcomes(game, sol.strategy)
    t3 = time.perf_counter()
    answer(Parameters(), rounds=rounds, resolution=resolution)  # type: ignore[arg-type]
    t4 = time.perf_counter()
    del games
    return {
        "states": game.n_states,
        "build": t1 - t0,
        "solve": t2 - t1,
        "outcomes": t3 - t2,
        "answer": t4 - t3,
        "paths": sol.path_counts,
        "horizon_median": out.horizon.median(),
        "never": out.horizon.never,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=24)
    args = parser.parse_args()
    results = {}
    for name, res in (("analysis", ANALYSIS), ("coarse", COARSE), ("run", RUN)):
        runs = [one(res, args.rounds) for _ in range(args.repeat)]
        solve = statistics.median(float(r["solve"]) for r in runs)  # type: ignore[arg-type]
        whole = statistics.median(float(r["answer"]) for r in runs)  # type: ignore[arg-type]
        first = runs[0]
        paths: dict[str, int] = first["paths"]  # type: ignore[assignment]
        total = sum(paths.values())
        shares = ", ".join(f"{k} {v / total:.1%}" for k, v in paths.items() if v)
        print(
            f"{name:>6} grid: {first['states']:>6,} states x {args.rounds} rounds: "
            f"build {float(first['build']):.2f} s, solve {solve:.2f} s (median of "  # type: ignore[arg-type]
            f"{args.repeat}), outcomes {float(first['outcomes']):.2f} s, answer() {whole:.2f} s"
        )  # type: ignore[arg-type]
        print(f"        stage games by path: {shares}")
        print(
            f"        horizon median {first['horizon_median']}, P(never) "
            f"{float(first['never']):.3f}"
        )  # type: ignore[arg-type]
        results[name] = (int(first["states"]), solve)  # type: ignore[call-overload]
    (s1, t1) = results["run"]
    for name in ("analysis", "coarse"):
        s0, t0 = results[name]
        print(f"run / {name}: {s1 / s0:.1f}x the states, {t1 / t0:.1f}x the solve time")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
