"""How often a selected stage equilibrium lies on a continuum, and what the flag costs
(prints figures, fails on nothing).

The engine flags every selected stage strategy whose support system is singular
(:func:`sim.stochastic.stage.on_continuum`, :func:`sim.stochastic.qre.support_ratio`). This
prints, for the solves below: the stage games flagged, by number of mixing players; the
distribution of the support ratio over every mixed profile checked (log10 bins: the gap
between singular and regular profiles the tolerance ``CONTINUUM_RATIO`` sits in); and the
CPU time of the flag itself (the calls of ``on_continuum``) against the whole solve, and
the solve with the flag and with it replaced by "nothing flagged", alternating, medians.

- ``--rounds R`` (default 4): ``benchmarks/bench_engine.py``'s game, ``R`` rounds after
  the shock, backward from zero terminal values (``robust=False``);
- ``--chunk N`` (default 0: skipped): ``N`` supported calibrations of the baseline
  (analysis grid) solved as :func:`sim.calibrate.solving.solve_chunk` solves them; also
  the calibrations with a flagged stage game anywhere and those whose play reaches one
  (``Answers.continuum`` above ``CONTINUUM_MASS``).

The machine is shared: the load average is printed beside the times.

Usage: ``python benchmarks/bench_continuum.py [--rounds R] [--chunk N] [--repeats K]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sim.stochastic.qre as qre  # noqa: E402
import sim.stochastic.stage as stage  # noqa: E402

RATIOS: list[np.ndarray] = []
FLAG_CPU = [0.0]
REAL = stage.on_continuum
REAL_CONTINUUM = qre.continuum


def _recording(games: Any, flat: Any, shape: Any) -> Any:
    ratio = qre.support_ratio(games, flat, shape)
    RATIOS.append(ratio)
    return ratio <= qre.CONTINUUM_RATIO


def _timed(*args: Any) -> Any:
    t = time.process_time()
    out = REAL(*args)
    FLAG_CPU[0] += time.process_time() - t
    return out


def _none(games: Any, strategies: Any, path: Any, resolved: Any) -> Any:
    return np.zeros(games.shape[0], dtype=bool)


def counts(strategy: np.ndarray, flags: np.ndarray) -> str:
    """The flagged stage games by their number of mixing players."""
    mixers = ((strategy > qre.CONTINUUM_SUPPORT).sum(axis=-1) > 1).sum(axis=-1)
    k, c = np.unique(mixers[flags], return_counts=True)
    return ", ".join(f"{int(a)} mixer{'s' if a > 1 else ''}: {int(b)}"
                     for a, b in zip(k, c, strict=True)) or "none"  # fmt: skip


def histogram() -> str:
    r = np.concatenate(RATIOS) if RATIOS else np.zeros(0)
    edges = [-np.inf, -16, -12, -10, -8, -6, -4, -3, -2, -1, 0, np.inf]
    h = np.histogram(np.log10(np.maximum(r, 1e-300)), bins=edges)[0]
    names = ["0 or <1e-16", "1e-16..1e-12", "1e-12..1e-10", "1e-10..1e-8", "1e-8..1e-6",
             "1e-6..1e-4", "1e-4..1e-3", "1e-3..1e-2", "1e-2..0.1", "0.1..1", "1"]
    flagged = r <= qre.CONTINUUM_RATIO
    edge = (f"; the largest flagged {r[flagged].max(initial=0.0):.2g}, the smallest not "
            f"flagged {r[~flagged].min(initial=1.0):.2g}")
    return (f"support ratios of {r.size} mixed profiles checked: "
            + ", ".join(f"{n} {int(c)}" for n, c in zip(names, h, strict=True) if c) + edge)


def alternate(run: Callable[[], Any], repeats: int) -> None:
    """``run`` with the flag and without, alternating: CPU medians and the flag's own."""
    if repeats < 1:
        return
    with_flag, without, own = [], [], []
    for _ in range(repeats):
        for flagged in (True, False):
            stage.on_continuum = _timed if flagged else _none  # type: ignore[assignment]
            FLAG_CPU[0] = 0.0
            t = time.process_time()
            run()
            cpu = time.process_time() - t
            (with_flag if flagged else without).append(cpu)
            if flagged:
                own.append(FLAG_CPU[0])
    stage.on_continuum = REAL
    a, b, c = (statistics.median(x) for x in (with_flag, without, own))
    print(f"  CPU with the flag {a:.2f} s, without {b:.2f} s (medians of {repeats}, "
          f"alternating; ratio {a / b:.3f}); the flag's own calls {c:.3f} s "
          f"({100 * c / a:.2f}% of the solve); load average {os.getloadavg()[0]:.1f}")


def engine_rounds(rounds: int, repeats: int) -> None:
    from bench_engine import build

    from sim.stochastic import solve

    game = build(11, 8, rounds, 0)
    qre.continuum = _recording  # type: ignore[assignment]
    sol = solve(game, robust=False)
    qre.continuum = REAL_CONTINUUM
    flags = np.asarray(sol.continuum)
    print(f"bench_engine's game, {rounds} rounds after the shock ({flags.shape[1]:,} states):")
    print(f"  flagged per round (the last round first): {flags.sum(axis=1)[::-1].tolist()}; "
          f"{counts(np.asarray(sol.strategy), flags)}; {sol.path_counts}")
    print("  " + histogram())
    alternate(lambda: solve(game, robust=False), repeats)


def analysis_chunk(n: int, repeats: int) -> None:
    from sim.article.answers import answer_batch
    from sim.calibrate.constraints import load_constraints
    from sim.calibrate.sampler import Space, draw
    from sim.calibrate.setting import load_setting
    from sim.results.supported import CONTINUUM_MASS

    ledger = load_constraints()
    setting = load_setting("scenarios/baseline.yaml")
    space = Space.of(ledger, setting.base, setting.fixed)
    drawn = draw(ledger, space, n, 5, chains=n, pilot=20_000, rejection=False)
    params = setting.for_rounds(space.params(drawn.unit))
    cals = [params.calibration(b) for b in range(n)]
    kw = {"rounds": setting.rounds, "shocks": setting.shocks, "resolution": setting.resolution}

    def run() -> Any:
        return answer_batch(cals, **kw, rules=("qre",), myopic=False, robust=False)

    RATIOS.clear()
    qre.continuum = _recording  # type: ignore[assignment]
    found = run()
    qre.continuum = REAL_CONTINUUM
    sol = found[0].solution
    flags = np.asarray(sol.continuum)  # (B, T, S)
    mass = np.array([a.continuum for a in found])
    anywhere = flags.reshape(n, -1).any(axis=1)
    print(f"{n} supported calibrations of the baseline ({setting.rounds} rounds, "
          f"{flags.shape[2]} states):")
    print(f"  flagged stage games {int(flags.sum())} of {flags.size:,} "
          f"({counts(np.asarray(sol.strategy), flags)}); calibrations with one anywhere "
          f"{int(anywhere.sum())}, whose play reaches one (mass > {CONTINUUM_MASS:g}) "
          f"{int((mass > CONTINUUM_MASS).sum())}, the largest mass {mass.max():.3g}")
    print("  " + histogram())
    alternate(run, repeats)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=4, help="bench_engine rounds (0: skip)")
    ap.add_argument("--chunk", type=int, default=0, help="baseline calibrations (0: skip)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.rounds:
        engine_rounds(args.rounds, args.repeats)
    if args.chunk:
        analysis_chunk(args.chunk, args.repeats)


if __name__ == "__main__":
    main()
