"""The engine's work around the tracer, old tree against new: CPU of each part, medians.

On ``benchmarks/bench_engine.py``'s game (10,649 states, 4 players x 3 actions), a round
after the threat shock, the parts of a round that are not the tracer, each timed on the
same inputs in both trees:

- ``search``: the robustness search (``sim.stochastic.stage.search_others``) on the stage
  games of the round no exact path answered, against the profiles the engine selected;
- ``certify``: the exact certification of the round's traced limits
  (``sim.stochastic.stage._certified``);
- ``expect``: the stage games' payoffs with continuation values
  (``sim.stochastic.solver.stage_payoffs``: the factored law's expectation step, then the
  discount and the stage payoffs);
- ``round``: whole rounds after the shock, default options (``robust`` and ``certify``):
  the game's last three rounds solved from zero terminal values, the first apart (its
  continuation values are zero) and the two later ones.

The inputs of the first three are recorded once, in this process, from a solve of the
round before (``--record``: three rounds after the shock; the last round's inputs). Each
measurement then runs in a fresh process with the ``sim`` package of one tree on
``PYTHONPATH`` (numba loaded first, as in every engine solve; one untimed call each), the
old and new trees alternating ``--repeats`` times, so load on the shared machine hits both
alike. Prints every run, the medians of CPU seconds (``time.process_time``), their ratios
and the load average. Never asserts a time.

Run: ``python benchmarks/bench_around.py --old /path/to/a/checkout/of/main`` (``--repeats``,
``--no-round`` to skip the whole rounds).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve()
PARTS = ("search", "certify", "expect")


def _engine_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_engine", HERE.parent / "bench_engine.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record(path: str, rounds: int = 3) -> None:
    """Solve the game's last ``rounds`` rounds (all after the shock) and save the last
    round's inputs of each part to ``path`` (npz)."""
    from sim.stochastic import solve, stage

    bench = _engine_bench()
    part = bench.build(11, 8, rounds, shock_round=0)
    seen: dict[str, list[Any]] = {"search": [], "certify": []}
    search, certified = stage.search_others, stage._certified

    def search_spy(games: np.ndarray, chosen: np.ndarray, tol: float) -> Any:
        # the certification calls since the last search are this round's
        seen["search"].append((games.copy(), chosen.copy(), len(seen["certify"])))
        return search(games, chosen, tol)

    def certify_spy(games: np.ndarray, padded: np.ndarray) -> Any:
        seen["certify"].append((games.copy(), padded.copy()))
        return certified(games, padded)

    stage.search_others, stage._certified = search_spy, certify_spy
    try:
        sol = solve(part)
    finally:
        stage.search_others, stage._certified = search, certified
    # the last round solved is round 0; its continuation values are round 1's values
    values = sol.arrays.values[:, 1]
    games, chosen, upto = seen["search"][-1]
    since = seen["search"][-2][2]
    # the last round's certification calls: the tie path's (if any), the traced limits'
    cert = seen["certify"][since:upto]
    np.savez(path, search_games=games, search_chosen=chosen,
             certify_games=np.concatenate([c[0] for c in cert]),
             certify_padded=np.concatenate([c[1] for c in cert]), values=values)  # fmt: skip


def measure(path: str, inner: int, whole: bool) -> dict[str, Any]:
    """CPU seconds of each part on the recorded inputs (medians of ``inner`` calls after
    one untimed call), and with ``whole`` the CPU of each of three whole rounds."""
    import numba  # noqa: F401  (loaded in every engine solve: the compiled paths run)

    from sim.stochastic import stage
    from sim.stochastic.solver import stage_payoffs

    bench = _engine_bench()
    data = np.load(path)
    game = bench.build(11, 8, 1, shock_round=0)[0]
    calls = {
        "search": lambda: stage.search_others(data["search_games"], data["search_chosen"], 1e-7),
        "certify": lambda: stage._certified(data["certify_games"], data["certify_padded"]),
        "expect": lambda: stage_payoffs(game, data["values"]),
    }
    out: dict[str, Any] = {"sim": stage.__file__}
    for name, call in calls.items():
        call()
        times = []
        for _ in range(inner):
            t = time.process_time()
            call()
            times.append(time.process_time() - t)
        out[name] = statistics.median(times)
    if whole:
        out["round"] = bench.after_shock(11, 8, 3, True, True)
    return out


def load() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="the old tree (a checkout of main)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--inner", type=int, default=5, help="timed calls of a part a run")
    parser.add_argument("--no-round", action="store_true", help="skip the whole rounds")
    args = parser.parse_args()
    new = str(HERE.parents[1])
    code = ("import sys, json, importlib.util; "
            "spec = importlib.util.spec_from_file_location('bench', sys.argv[1]); "
            "b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b); "
            "print(json.dumps(b.measure(sys.argv[2], int(sys.argv[3]), sys.argv[4] == '1')))")
    runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "inputs.npz")
        sys.path.insert(0, new)
        record(path)
        data = np.load(path)
        print(f"recorded a round after the shock: {data['search_games'].shape[0]:,} stage games "
              f"searched, {data['certify_games'].shape[0]:,} limits certified "
              f"(load average {load()})", flush=True)  # fmt: skip
        for r in range(args.repeats):
            for name, tree in (("old", args.old), ("new", new)):
                got = subprocess.run(
                    [sys.executable, "-c", code, str(HERE), path, str(args.inner),
                     "0" if args.no_round else "1"],
                    env=dict(os.environ, PYTHONPATH=tree), cwd="/", check=True,
                    capture_output=True, text=True,
                )  # fmt: skip
                one = json.loads(got.stdout.strip().splitlines()[-1])
                runs[name].append(one)
                parts = ", ".join(f"{p} {1e3 * one[p]:.1f} ms" for p in PARTS)
                rounds = (", rounds " + ", ".join(f"{x:.2f}" for x in one["round"]) + " s"
                          if "round" in one else "")  # fmt: skip
                print(f"repeat {r + 1} {name} ({one['sim']}): {parts}{rounds}", flush=True)
    print(f"CPU medians of {args.repeats} runs (load average {load()}):")
    for p in PARTS:
        old, new_ = (statistics.median(x[p] for x in runs[k]) for k in ("old", "new"))
        print(f"  {p}: old {1e3 * old:.1f} ms, new {1e3 * new_:.1f} ms ({old / new_:.2f}x)")
    if not args.no_round:
        first = {k: statistics.median(x["round"][0] for x in v) for k, v in runs.items()}
        later = {k: statistics.median(y for x in v for y in x["round"][1:])
                 for k, v in runs.items()}  # fmt: skip
        print(f"  the first round solved: old {first['old']:.2f} s, new {first['new']:.2f} s "
              f"({first['old'] / first['new']:.2f}x); each later round: old "
              f"{later['old']:.2f} s, new {later['new']:.2f} s "
              f"({later['old'] / later['new']:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
