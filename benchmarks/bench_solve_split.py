"""Where an analysis solve's CPU time goes, outside the logit tracer's kernel and in it
(prints figures, fails on nothing).

A chunk of ``--n`` supported calibrations of the baseline (the analysis grid, the
scenario's 24 rounds: what :func:`sim.calibrate.solving.solve_chunk` solves in an analysis)
is solved ``--repeats`` times after one warm-up solve of the same size (numba compiles its
kernels for the chunk's shapes once per process). Each part's CPU time (``time.process_time``,
inclusive: a part holds the parts it calls) is summed over the solve by wrapping the
functions below, and printed in milliseconds a calibration (medians over the repeats), with
the load average:

- ``kernel``: the compiled tracer (``logit_kernel.trace`` and ``warm``);
- ``logit_limits``: the tracer's batch (kernel, polish, ties, regrets);
- ``polish``: the Newton polish of the traced limits (``qre.polish``);
- ``_qre``: the traced games' bookkeeping around ``logit_limits`` (sharing keys, the trace
  cache, warm sources, certification) and ``logit_limits`` itself;
- ``gather``: the warm sources gathered for the kernel (``WarmSources.gather``);
- ``certified``: the exact checks of the traced limits (``stage._certified``);
- ``stage_payoffs``: each round's stage games (the continuation's expectation);
- ``outcomes``: the answers' forward propagation (``answers.outcomes_batch``);
- ``total``: ``solve_chunk``.

Beside each part's CPU time: its minor page faults and its system CPU time (both from
``resource.getrusage``, a calibration's share, medians), where fresh memory goes (a page
touched for the first time is faulted in and zeroed by the kernel, in system time).

``--engine ROUNDS``: the same parts of one solve of the engine benchmark's game
(``benchmarks/bench_engine.py``: 10,649 states, ``ROUNDS`` rounds, the threat shock at half
of them, ``robust=False, certify=False`` as its timed solve), in CPU ms a round, with
``dominance`` (the compiled elimination, ``stage.dominance_solution``) and ``regret_bounds``
(``stage.regret_bounds``) beside them.

It wraps only functions an older tree has too, so the same file times another tree:
``PYTHONPATH=OLD python benchmarks/bench_solve_split.py`` (from this tree's root), to be
alternated with this tree's runs. ``--dump FILE`` writes the chunk's strategies, values,
paths and answer bytes (pickle) and ``--compare A B`` compares two such files: equal bytes,
else the largest difference and whether a support (a probability above 0) or a path moved.

Usage: ``python benchmarks/bench_solve_split.py [--n N] [--repeats K] [--dump FILE]``,
``python benchmarks/bench_solve_split.py --compare A B``
"""

from __future__ import annotations

import argparse
import collections
import os
import pickle
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

PARTS = {
    "kernel": ("sim.stochastic.logit_kernel", ("trace", "warm")),
    "logit_limits": ("sim.stochastic.qre", ("logit_limits",)),
    "polish": ("sim.stochastic.qre", ("polish",)),
    "_qre": ("sim.stochastic.stage", ("_qre",)),
    "certified": ("sim.stochastic.stage", ("_certified",)),
    "stage_payoffs": ("sim.stochastic.solver", ("stage_payoffs",)),
    "outcomes": ("sim.article.answers", ("outcomes_batch",)),
}


def _usage() -> tuple[float, int, float]:
    """CPU seconds, minor page faults and system CPU seconds of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return time.process_time(), ru.ru_minflt, ru.ru_stime


def _wrap(owner: Any, name: str, label: str, spent: collections.Counter[str]) -> None:
    fn = getattr(owner, name)

    def timed(*a: Any, **k: Any) -> Any:
        t, f, s = _usage()
        try:
            return fn(*a, **k)
        finally:
            t1, f1, s1 = _usage()
            spent[label] += t1 - t
            spent[label + " faults"] += f1 - f
            spent[label + " sys"] += s1 - s

    setattr(owner, name, timed)


def _instrument(spent: collections.Counter[str]) -> None:
    import importlib

    from sim.stochastic import stage

    for label, (module, names) in PARTS.items():
        mod = importlib.import_module(module)
        for name in names:
            _wrap(mod, name, label, spent)
    _wrap(stage.WarmSources, "gather", "gather", spent)


def _chunk(n: int) -> tuple[Any, np.ndarray]:
    from sim.calibrate.constraints import load_constraints
    from sim.calibrate.sampler import Space, draw
    from sim.calibrate.setting import load_setting
    from sim.calibrate.solving import _matrix

    ledger = load_constraints()
    setting = load_setting("scenarios/baseline.yaml")
    space = Space.of(ledger, setting.base, setting.fixed)
    drawn = draw(ledger, space, n, 5, chains=n, pilot=20_000, rejection=False)
    return setting, _matrix(space.params(drawn.unit))


def run(n: int, repeats: int, dump: str | None) -> None:
    import sim.article.answers as answers
    from sim.calibrate.solving import solve_chunk

    setting, values = _chunk(n)
    solved: list[Any] = []
    solve_game: Callable[..., Any] = answers.solve_game

    def keep(*a: Any, **k: Any) -> Any:
        out = solve_game(*a, **k)
        solved.append(out)
        return out

    answers.solve_game = keep  # type: ignore[assignment]
    solve_chunk(setting, values)  # the kernels compiled for the chunk's shapes
    spent: collections.Counter[str] = collections.Counter()
    _instrument(spent)
    parts: dict[str, list[float]] = collections.defaultdict(list)
    answer = None
    for _ in range(repeats):
        spent.clear()
        solved.clear()
        t, f, s = _usage()
        answer = solve_chunk(setting, values)
        t1, f1, s1 = _usage()
        spent["total"], spent["total faults"], spent["total sys"] = t1 - t, f1 - f, s1 - s
        for k in ["total", *PARTS, "gather"]:
            for what in ("", " faults", " sys"):
                parts[k + what].append(spent[k + what])
    print(f"solve_chunk, {n} supported calibrations, {setting.rounds} rounds: CPU ms, minor "
          f"page faults and system CPU ms a calibration (medians of {repeats}); load average "
          f"{os.getloadavg()[0]:.2f}")
    names = ["total", *PARTS, "gather"]
    for k in sorted(names, key=lambda k: -statistics.median(parts[k])):
        print(f"  {k:14s} {1000 * statistics.median(parts[k]) / n:7.1f} "
              f"{statistics.median(parts[k + ' faults']) / n:7.0f} "
              f"{1000 * statistics.median(parts[k + ' sys']) / n:6.1f}")
    if dump and answer is not None:
        sol = solved[0]
        with open(dump, "wb") as fh:
            pickle.dump({"strategy": np.asarray(sol.strategy), "values": np.asarray(sol.values),
                         "path": np.asarray(sol.path), "answer": answer.to_bytes()}, fh)


def engine(rounds: int) -> None:
    import sys
    from pathlib import Path

    # sim first, from PYTHONPATH: bench_engine puts its own tree first on sys.path, which
    # then changes nothing (sim's modules load from the package already imported)
    from sim.stochastic import solve

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_engine

    game = bench_engine.build(11, 8, rounds, shock_round=rounds // 2)
    solve(bench_engine.build(3, 2, 1, 1)[0], 1)  # the kernels compiled
    PARTS["dominance"] = ("sim.stochastic.stage", ("dominance_solution",))
    PARTS["regret_bounds"] = ("sim.stochastic.stage", ("regret_bounds",))
    spent: collections.Counter[str] = collections.Counter()
    _instrument(spent)
    t, f, s = _usage()
    solve(game, robust=False, certify=False)
    t1, f1, s1 = _usage()
    spent["total"], spent["total faults"], spent["total sys"] = t1 - t, f1 - f, s1 - s
    print(f"the engine benchmark's game, {rounds} rounds: CPU ms, minor page faults and system "
          f"CPU ms a round; load average {os.getloadavg()[0]:.2f}")
    for k in sorted(["total", *PARTS, "gather"], key=lambda k: -spent[k]):
        print(f"  {k:14s} {1000 * spent[k] / rounds:7.1f} {spent[k + ' faults'] / rounds:7.0f} "
              f"{1000 * spent[k + ' sys'] / rounds:6.1f}")


def compare(a: str, b: str) -> None:
    with open(a, "rb") as fh:
        x = pickle.load(fh)
    with open(b, "rb") as fh:
        y = pickle.load(fh)
    for key in ("strategy", "values"):
        same = np.array_equal(x[key], y[key])
        print(f"{key}: {'identical' if same else 'DIFFERENT'}; largest difference "
              f"{float(np.abs(x[key] - y[key]).max()):.3g}")
    moved = int(((x["strategy"] > 0) != (y["strategy"] > 0)).sum())
    print(f"supports moved: {moved}; paths moved: {int((x['path'] != y['path']).sum())}; "
          f"answer bytes {'identical' if x['answer'] == y['answer'] else 'DIFFERENT'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=32, help="calibrations in the chunk (default 32)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dump", help="write the chunk's strategies, values, paths and answers")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two --dump files")
    ap.add_argument("--engine", type=int, metavar="ROUNDS",
                    help="split a solve of the engine benchmark's game of ROUNDS rounds instead")
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
    elif args.engine:
        engine(args.engine)
    else:
        run(args.n, args.repeats, args.dump)


if __name__ == "__main__":
    main()
