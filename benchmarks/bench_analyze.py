"""Throughput of calibration and analysis (issue 12; prints figures, fails on nothing).

Measured in the same run, on the baseline scenario at the analysis grid
(:data:`sim.calibrate.setting.ANALYSIS_RESOLUTION`) over ``--rounds`` rounds (default: the
scenario's 24, as the default analysis):

- the constraint check: calibrations checked per CPU second against every constraint of
  the ledger (one vector evaluation of a batch of 20,000), and CPU ms a check of 4 (the
  median batch of hit-and-run's shrinking steps);
- the rejection pilot: its acceptance rate (the supported set's share of the box);
- hit-and-run: supported calibrations drawn per second;
- the relaxed sets of claim importance: the time to draw ``importance_n`` calibrations
  from each in lockstep, as ``analyze`` does, and how many of those violate the constraint
  left out (the only ones solved); and one set at a time;
- each of the checks and draws also with the straightforward check (every state's whole
  stage game, :class:`Straightforward`: the check before wave 9), run alternately with the
  fast one, their CPU ratio and whether they agree bit for bit (``--skip-reference``: not);
- solving: calibrations solved per second in chunks (one ``answer_batch`` call per chunk,
  the engine's batch axis), against a one-by-one loop over the same calibrations (one call
  each), and with 2 local worker processes (4 chunks, pool start-up included); their
  ratios; whether they agree bit for bit; the CPU seconds per calibration of each (the
  machine is shared: CPU time is steadier than wall time);
- the default analysis (:class:`sim.calibrate.analysis.AnalysisOptions`): its solve count
  (the supported draws, which hold the Sobol design's base matrices; every factor's mixed
  rows on the screening base; ``--leaders`` leading factors' on the rest of the base, one
  per answer at most; the relaxed draws that violate their constraint; the knife edges),
  its CPU time from the measured CPU seconds per solve, and its wall time on two idle
  cores and at the rates measured here with the processes executor;
- the Sobol intervals: each answer's leading factor (the largest total index) in an
  analysis file (``--analysis``, default the committed ``figures/analysis.json``), its 95%
  half-width and full width at the base it rests on, and both projected to the default
  design's base as ``1/sqrt(base)`` (the scaling measured in docs/calibration.md).

Medians over ``--repeats``; the load average is printed beside the numbers. The machine is
shared: numbers are noisy.

``--draws``: instead, each draw call of the default analysis (:func:`draw_calls`): the
supported draws (one chain each), the relaxed sets in lockstep and the third stage's passes'
draws (``--pass-draws``, default the 960 of the default analysis of 2026-12-02 05:44), each
as the analysis makes it (the default burn-in; the rejection carried on where it costs less
than the chains) in process and on 2 worker processes (pool start-up included), alternated;
``--old-tree PATH`` also runs each call, alternated, in a Python whose ``sim`` is the tree at
PATH (its own CPU and wall time around the call), at ``--draw-burn-in`` steps (default 158)
and twice that, projected linearly to the default burn-in (a step costs the same throughout).

``--uniformity N [--seed S]``: instead, ``N`` draws by rejection (two seeds) and by
hit-and-run at the default burn-in, compared parameter by parameter (:func:`uniformity`).

Usage: ``python benchmarks/bench_analyze.py [--n N] [--rounds R] [--repeats K] [--leaders L]
[--analysis FILE]``, ``python benchmarks/bench_analyze.py --draws [--repeats K]
[--draw-burn-in S] [--old-tree PATH]``
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.article.parameters import Parameters, stack
from sim.calibrate.analysis import (
    AnalysisOptions,
    draw_relaxed,
    draw_relaxed_sets,
    draw_runner,
    extension,
    factor_columns,
    knife_edge_calibrations,
    projected_solves,
    sobol_precision,
    sobol_projection,
    solves_bound,
)
from sim.calibrate.constraints import ConstraintLedger, load_constraints
from sim.calibrate.sampler import Space, default_burn_in, draw, rejection_pilot
from sim.calibrate.setting import load_setting
from sim.calibrate.solving import solve_calibrations


def _median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Median wall seconds, median CPU seconds (this process and its finished children),
    and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        t, c = time.perf_counter(), os.times()
        out = fn()
        d = os.times()
        walls.append(time.perf_counter() - t)
        cpus.append(d.user + d.system + d.children_user + d.children_system
                    - c.user - c.system - c.children_user - c.children_system)
    return statistics.median(walls), statistics.median(cpus), out


@dataclasses.dataclass(frozen=True)
class Straightforward(ConstraintLedger):
    """The ledger checked the way it was before wave 9: each state's whole stage game
    (:meth:`ConstraintLedger.reference_margins`), for the draw lines' before/after."""

    def margins(self, params: Parameters) -> Any:
        return self.reference_margins(params)


def _alternate(new: Callable[[], Any], old: Callable[[], Any], args: argparse.Namespace
               ) -> tuple[tuple[float, float], tuple[Any, Any]]:  # fmt: skip
    """Median CPU seconds of ``new`` and ``old`` run alternately ``--repeats`` times (``old``
    not at all with ``--skip-reference``: then ``nan``), and their last results."""
    cpus: tuple[list[float], list[float]] = ([], [])
    out: list[Any] = [None, None]
    for _ in range(args.repeats):
        for k, fn in enumerate((new, old)):
            if k and args.skip_reference:
                cpus[k].append(math.nan)
                continue
            c = time.process_time()
            out[k] = fn()
            cpus[k].append(time.process_time() - c)
    return (statistics.median(cpus[0]), statistics.median(cpus[1])), (out[0], out[1])


def _against(old: float, ratio: float, new_out: Any, old_out: Any, unit: str) -> str:
    """The before/after part of a draw line."""
    if math.isnan(old):
        return ""
    same = "" if new_out is None else \
        f"; identical: {np.asarray(new_out).tobytes() == np.asarray(old_out).tobytes()}"
    value = f"{old:,.0f}" if old >= 100 else f"{old:.3g}"
    return f" (checked straightforwardly: {value}{unit}; {ratio:.1f}x{same})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=16, help="calibrations solved (default 16)")
    ap.add_argument("--rounds", type=int, help="rounds per solve (default: the scenario's)")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--leaders", type=int, default=6,
                    help="leading factors refined on the whole base (default 6: one per answer)")
    ap.add_argument("--analysis", default="figures/analysis.json",
                    help="an analysis.json whose intervals are projected to the defaults")
    ap.add_argument("--skip-solving", action="store_true",
                    help="only the projections, from --cpu-per-solve")
    ap.add_argument("--cpu-per-solve", type=float, default=0.0,
                    help="CPU s per solve for --skip-solving")
    ap.add_argument("--skip-reference", action="store_true",
                    help="no straightforward checks (the draw lines' before)")
    ap.add_argument("--draws", action="store_true",
                    help="only the default analysis's draw calls, in process and on 2 workers")
    ap.add_argument("--draw-burn-in", type=int, default=158,
                    help="the old tree's burn-in steps in --draws, and twice it (default 158)")
    ap.add_argument("--pass-draws", type=int, nargs="*", default=[960],
                    help="the passes' draws for --draws (default 960: the draw call of the "
                         "default analysis of 2026-12-02 05:44)")
    ap.add_argument("--old-tree", help="--draws: also run each call with sim from this tree")
    ap.add_argument("--uniformity", type=int, metavar="N",
                    help="instead: N draws by rejection (seeds S and S + 1) and by hit-and-run "
                         "at the default burn-in (seed S), compared parameter by parameter")
    ap.add_argument("--seed", type=int, default=0, help="--uniformity's seed S (default 0)")
    args = ap.parse_args()
    if args.draws:
        draw_calls(args)
        return
    if args.uniformity:
        uniformity(args.uniformity, args.seed)
        return

    ledger = load_constraints()
    setting = load_setting("scenarios/baseline.yaml")
    if args.rounds:
        setting = dataclasses.replace(setting, rounds=args.rounds)
    space = Space.of(ledger, setting.base, setting.fixed)
    default = AnalysisOptions()
    rng = np.random.default_rng(0)
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")

    box = space.params(rng.random((20_000, space.dim)))
    straight = Straightforward(ledger.constraints, ledger.held, ledger.path)
    (c_check, c_check_old), (m_new, m_old) = _alternate(
        lambda: ledger.margins(box), lambda: straight.margins(box), args)
    print(f"constraint check: {len(ledger.constraints)} constraints, {space.dim} drawn "
          f"parameters, batches of 20,000: {20_000 / c_check:,.0f} calibrations/CPU s"
          + _against(20_000 / c_check_old, c_check_old / c_check, m_new, m_old, "/CPU s"))
    small = space.params(rng.random((4, space.dim)))  # hit-and-run's median batch
    (c_small, c_small_old), _ = _alternate(
        lambda: [ledger.margins(small) for _ in range(200)],
        lambda: [straight.margins(small) for _ in range(200)], args)
    print(f"  batches of 4: {c_small / 200 * 1e3:.2f} CPU ms a check"
          + _against(c_small_old / 200 * 1e3, c_small_old / c_small, None, None, " ms"))
    _, made, kept = rejection_pilot(ledger, space, np.random.default_rng(1), 100_000, 10**9)
    print(f"rejection: acceptance rate {kept / made:.2g} ({kept} of {made:,}): "
          f"{kept / made * 20_000 / c_check:.2f} supported calibrations/CPU s")
    t_draw, _, drawn = _median_time(
        lambda: draw(ledger, space, 256, 2, pilot=20_000, rejection=False), args.repeats)
    (c_draw, c_draw_old), (d_new, d_old) = _alternate(
        lambda: draw(ledger, space, 256, 2, pilot=20_000, rejection=False).unit,
        lambda: draw(straight, space, 256, 2, pilot=20_000, rejection=False).unit, args)
    print(f"hit-and-run: 256 supported calibrations in {t_draw:.1f} s, {c_draw:.1f} CPU s "
          f"({256 / c_draw:.1f} calibrations/CPU s)"
          + _against(c_draw_old, c_draw_old / c_draw, d_new, d_old, " CPU s"))

    m, ids = default.importance_n, ledger.ids()
    t_relaxed, c_relaxed, relaxed = _median_time(
        lambda: draw_relaxed_sets(ledger, space, m, 100, {}), args.repeats)
    outside = sum(int((~ledger.satisfied(space.params(unit))[:, k]).sum())
                  for k, unit in enumerate(relaxed))  # fmt: skip
    print(f"relaxed sets: {m} draws from each of {len(ids)} in lockstep in {t_relaxed:.1f} s, "
          f"{c_relaxed:.1f} CPU s; {outside} of {m * len(ids)} violate the constraint left out "
          "(solved)")
    if not args.skip_reference:
        (c_each, c_each_old), (e_new, e_old) = _alternate(
            lambda: [draw_relaxed(ledger, space, cid, m, 100 + k, {}) for k, cid in enumerate(ids)],
            lambda: [draw_relaxed(straight, space, cid, m, 100 + k, {})
                     for k, cid in enumerate(ids)], args)  # fmt: skip
        same = all(a.tobytes() == b.tobytes() == c.tobytes()
                   for a, b, c in zip(relaxed, e_new, e_old, strict=True))  # fmt: skip
        print(f"  one set at a time {c_each:.1f} CPU s, checked straightforwardly "
              f"{c_each_old:.1f} CPU s: lockstep {c_each / c_relaxed:.1f}x and "
              f"{c_each_old / c_relaxed:.1f}x less CPU; identical draws: {same}")
    print(f"load average now {os.getloadavg()[0]:.1f}")

    if args.skip_solving:
        cpu, rate, pool_rate = args.cpu_per_solve, 0.0, 0.0
    else:
        cpu, rate, pool_rate = _solving(setting, drawn.params, args)
    knife = 1 + len(knife_edge_calibrations(setting, space)[1])
    _project(default, space, outside, m, len(ledger.ids()), t_draw, t_relaxed, cpu, rate,
             pool_rate, args, knife)


def uniformity(n: int, seed: int) -> None:
    """``--uniformity``: ``n`` calibrations drawn by rejection with seeds ``seed`` and
    ``seed + 1`` (exact, independent uniform draws) and by hit-and-run at the default burn-in
    (one chain a draw, as the analysis drew before wave 13) with ``seed``, each drawn
    parameter's two samples compared by a two-sample Kolmogorov-Smirnov test (rejection
    against rejection: what chance gives; rejection against hit-and-run: whether the chains
    drew the same distribution), and the CPU seconds of each draw."""
    from scipy import stats

    ledger = load_constraints()
    setting = load_setting("scenarios/baseline.yaml")
    space = Space.of(ledger, setting.base, setting.fixed)
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    got = {}
    for name, s, options in (("rejection", seed, {}),
                             ("rejection, next seed", seed + 1, {}),
                             ("hit-and-run", seed, {"rejection": False})):  # fmt: skip
        c = time.process_time()
        got[name] = draw(ledger, space, n, s, chains=n, **options)  # type: ignore[arg-type]
        print(f"{name} (seed {s}): {got[name].method}, {time.process_time() - c:.1f} CPU s")
    for other in ("rejection, next seed", "hit-and-run"):
        p = np.array([stats.ks_2samp(got["rejection"].unit[:, k], got[other].unit[:, k]).pvalue
                      for k in range(space.dim)])  # fmt: skip
        print(f"rejection against {other}: {int(np.sum(p < 1e-3))} of {space.dim} parameters "
              f"differ at p < 0.001 ({0.001 * space.dim:.2f} by chance), {int(np.sum(p < 0.05))} "
              f"at p < 0.05 ({0.05 * space.dim:.1f} by chance); least p {p.min():.2g} "
              f"({space.names[int(p.argmin())]})")
    print(f"load average now {os.getloadavg()[0]:.1f}")


#: One draw call of ``--draws`` in a Python whose ``sim`` is another tree: prints its CPU and
#: wall seconds (the same public calls, which both trees have).
_OLD_CALL = """
import json, sys, time
from sim.calibrate.analysis import draw_relaxed_sets
from sim.calibrate.constraints import load_constraints
from sim.calibrate.sampler import Space, draw
from sim.calibrate.setting import load_setting
kind, n, seed, burn = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ledger = load_constraints()
setting = load_setting("scenarios/baseline.yaml")
space = Space.of(ledger, setting.base, setting.fixed)
c, w = time.process_time(), time.perf_counter()
if kind == "relaxed":
    draw_relaxed_sets(ledger, space, n, seed, {"burn_in": burn})
else:
    # hit-and-run (rejection=False) in a tree that has the flag (wave 13 on)
    from inspect import signature
    flag = {"rejection": False} if "rejection" in signature(draw).parameters else {}
    draw(ledger, space, n, seed, chains=n, burn_in=burn, **flag)
print(json.dumps([time.process_time() - c, time.perf_counter() - w]))
"""


def _cpu_wall(fn: Callable[[], Any]) -> tuple[float, float]:
    """CPU seconds (this process and its children: the pool's workers once they end, which
    the pool's shut-down waits for) and wall seconds of ``fn``."""
    import resource

    def cpu() -> float:
        me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN))  # fmt: skip
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    c, w = cpu(), time.perf_counter()
    fn()
    return cpu() - c, time.perf_counter() - w


def draw_calls(args: argparse.Namespace) -> None:
    """Each draw call of the default analysis as :func:`sim.calibrate.analysis.analyze` makes
    it (the sampler's defaults: the default burn-in, the rejection carried on within
    :func:`sim.calibrate.sampler.rejection_budget`) in process and on 2 worker processes (a
    pool started for the call, as ``analyze`` starts one for each) and, with ``--old-tree``,
    the old tree's call (in process: its hit-and-run at ``--draw-burn-in`` steps and twice
    that, projected linearly to the default burn-in: a step costs the same throughout),
    alternated ``--repeats`` times: median CPU and wall seconds and the old/new CPU ratio."""
    ledger = load_constraints()
    setting = load_setting("scenarios/baseline.yaml")
    space = Space.of(ledger, setting.base, setting.fixed)
    default = AnalysisOptions()
    burn = args.draw_burn_in
    full = default_burn_in(space.dim)
    m = default.supported_draws()
    calls = [("supported", m, 0), ("relaxed", default.importance_n, 100)]
    calls += [(f"pass {k + 1}", n, 10 + k) for k, n in enumerate(args.pass_draws)]
    print(f"load average at the start: {os.getloadavg()[0]:.1f}; new: the default burn-in "
          f"({full:,} steps); old: {burn} and {2 * burn} steps, projected to {full:,}")

    def run(kind: str, n: int, seed: int, where: str) -> str:
        if where == "inprocess":
            if kind == "relaxed":
                draw_relaxed_sets(ledger, space, n, seed, {})
                return "rejection"
            return draw(ledger, space, n, seed, chains=n).method
        with draw_runner(AnalysisOptions(executor="processes", workers=2)) as (go, tasks):
            if kind == "relaxed":
                draw_relaxed_sets(ledger, space, n, seed, {}, go, tasks)
                return "rejection"
            return draw(ledger, space, n, seed, chains=n, run=go, tasks=tasks).method

    def old(kind: str, n: int, seed: int, steps: int) -> tuple[float, float]:
        env = {**os.environ, "PYTHONPATH": args.old_tree}
        out = subprocess.run([sys.executable, "-c", _OLD_CALL, kind, str(n), str(seed),
                              str(steps)], env=env, check=True, capture_output=True, text=True,
                             cwd=args.old_tree)  # fmt: skip
        cpu, wall = json.loads(out.stdout.splitlines()[-1])
        return float(cpu), float(wall)

    wheres = ["inprocess", "processes"] + (["old", "old x2"] if args.old_tree else [])
    totals = {w: [0.0, 0.0] for w in [*wheres, "old projected"]}
    for kind, n, seed in calls:
        times: dict[str, list[tuple[float, float]]] = {w: [] for w in wheres}
        methods = set()
        for _ in range(args.repeats):
            for w in wheres:
                if w.startswith("old"):
                    times[w].append(old(kind, n, seed, burn * (2 if w == "old x2" else 1)))
                else:
                    got: list[str] = []
                    times[w].append(_cpu_wall(functools.partial(
                        lambda *a: got.append(run(*a)), kind, n, seed, w)))  # noqa: B023
                    methods.update(got)
        med = {w: (statistics.median(c for c, _ in t), statistics.median(x for _, x in t))
               for w, t in times.items()}  # fmt: skip
        if args.old_tree:  # a + b x steps through the two burn-ins, at the default's
            (c1, w1), (c2, w2) = med["old"], med["old x2"]
            med["old projected"] = (c1 + (c2 - c1) / burn * (full - burn),
                                    w1 + (w2 - w1) / burn * (full - burn))  # fmt: skip
        what = (f"{n} from each of {len(ledger.ids())} relaxed sets" if kind == "relaxed"
                else f"{n} chains")  # fmt: skip
        line = f"{kind} ({what}; new: {'/'.join(sorted(methods))}): " + "; ".join(
            f"{w} {c:.1f} CPU s, {x:.1f} s wall" for w, (c, x) in med.items())
        if args.old_tree:
            ratio = med["old projected"][0] / med["inprocess"][0]
            line += f"; CPU old projected/new in process {ratio:.1f}x"
        print(line + f"; load {os.getloadavg()[0]:.1f}", flush=True)
        for w, (c, x) in med.items():
            totals[w][0] += c
            totals[w][1] += x
    print("all draw calls: " + "; ".join(f"{w} {c:.1f} CPU s, {x:.1f} s wall"
                                          for w, (c, x) in totals.items() if c)
          + f"; load average now {os.getloadavg()[0]:.1f}")


def _solving(setting: Any, params: Any, args: argparse.Namespace) -> tuple[float, float, float]:
    """Chunked, one-by-one and 2-process solves of the same calibrations: CPU s per solve,
    calibrations per second in process and with 2 processes."""
    cals = stack([params.calibration(b) for b in range(args.n)])
    solve_calibrations(setting, stack([params.calibration(0)]))  # compile before timing
    t_chunk, c_chunk, chunked = _median_time(
        lambda: solve_calibrations(setting, cals, chunk_size=args.n), args.repeats)
    t_loop, c_loop, looped = _median_time(
        lambda: solve_calibrations(setting, cals, chunk_size=1), args.repeats)
    t_pool, c_pool, pooled = _median_time(
        lambda: solve_calibrations(setting, cals, executor="processes", workers=2,
                                   chunk_size=max(1, args.n // 4)), args.repeats)  # fmt: skip
    same = chunked.to_bytes() == looped.to_bytes() == pooled.to_bytes()
    rate, pool_rate = args.n / t_chunk, args.n / t_pool
    print(f"solving {args.n} calibrations ({setting.rounds} rounds, grid "
          f"{setting.resolution.belief_points}x{setting.resolution.capacity_points}):")
    print(f"  in process, one chunk: {rate:.2f} calibrations/s ({c_chunk / args.n:.2f} CPU s "
          "each)")
    print(f"  one-by-one loop: {args.n / t_loop:.2f}/s ({c_loop / args.n:.2f} CPU s each); "
          f"chunk/loop {t_loop / t_chunk:.2f}x wall, {c_loop / c_chunk:.2f}x CPU")
    print(f"  2 processes, 4 chunks: {pool_rate:.2f}/s ({c_pool / args.n:.2f} CPU s each, "
          f"start-up included); processes/in process {t_chunk / t_pool:.2f}x")
    print(f"  identical bytes: {same}; load average now {os.getloadavg()[0]:.1f}")
    return c_chunk / args.n, rate, pool_rate


def _project(default: AnalysisOptions, space: Any, outside: int, m: int, sets: int,
             t_draw: float, t_relaxed: float, cpu: float, rate: float, pool_rate: float,
             args: argparse.Namespace, knife: int) -> None:  # fmt: skip
    """The default analysis's solves, time and Sobol intervals (module docstring; ``knife``:
    the knife-edge solves)."""
    groups = len(factor_columns(space.names))
    base, screen = default.sobol_base, min(default.screen_base, default.sobol_base)
    leaders = min(args.leaders, groups) if base > screen else 0
    supported = default.supported_draws()
    sobol = groups * screen + leaders * (base - screen)
    solves = supported + sobol + outside + knife
    drawing = supported / 256 * t_draw
    print(f"default analyze (n {default.n}: {supported} supported draws holding the Sobol "
          f"base {base} x 2; every one of {groups} factors' mixed rows on {screen} base rows "
          f"and {leaders} leading factors' on the other {base - screen} ({sobol}); importance "
          f"{m} draws x {sets} sets ({outside} solved); knife edges {knife}): {solves} solves, "
          f"{solves * cpu / 60:.1f} CPU min of solving at {cpu:.2f} CPU s a solve")
    print(f"  projected on 2 idle cores (CPU s per calibration / 2 workers, drawing in the "
          f"parent, the relaxed sets in lockstep): "
          f"{(drawing + t_relaxed + solves * cpu / 2) / 60:.1f} min")
    if rate and pool_rate:
        print(f"  projected at the rates measured here: 2 processes "
              f"{(drawing + t_relaxed + solves / pool_rate) / 60:.1f} min; in process "
              f"{(drawing + t_relaxed + solves / rate) / 60:.1f} min")
    path = Path(args.analysis)
    if not path.exists():
        return
    from sim.results.io import read_supported

    found = read_supported(path)
    print(f"Sobol intervals of each answer's leading factor in {path} (95% bootstrap; half-width "
          f"and full width), and projected to the default base {base} as 1/sqrt(base):")
    for name, rows in found.sobol.items():
        if not rows:
            continue
        top = max(rows, key=lambda r: r.ST)
        at = top.base or found.sobol_base
        half = top.ST_conf * math.sqrt(at / base)
        print(f"  {name}: {top.factor}, total index {top.ST:.2f}: half-width {top.ST_conf:.3f}, "
              f"full {2 * top.ST_conf:.3f} at base {at}; at {base}: half {half:.3f}, full "
              f"{2 * half:.3f}")
    precision = sobol_precision(found.sobol, found.sobol_base)
    rows = {f: (r.base or found.sobol_base) for answer in found.sobol.values() for r in answer
            for f in [r.factor]}  # fmt: skip
    for p in precision:
        print(f"  {p.answer}: a half-width of 0.1 needs a base of {p.base_needed:,}")
    # the third stage the default would run on these intervals (each factor to its need, at
    # most top_base()), and what reaching every need would take
    needs = extension(precision, rows, default.top_base(), floor=base)
    third = projected_solves(solves, base, rows, needs)
    minutes = f", {cpu * third / 60:.1f} CPU min" if cpu else ""
    print("  the default's third stage on these intervals ("
          + (", ".join(f"{f} to {b:,}" for f, b in needs.items()) or "nothing to extend")
          + f", at most {default.top_base():,} base rows): {third:,} solves{minutes}")
    if found.sobol_projection is not None:
        # a further pass of the third stage on the file's own intervals (what the default's
        # passes do after its first, when a leader short of the target rests on fewer rows
        # than the cap), from the file's solves, supported calibrations and base matrices
        run = found.sobol_projection.run_solves
        further = extension(precision, rows, default.top_base(), floor=base)
        after = projected_solves(run, found.sobol_top_base, rows, further)
        print("  a further pass on these intervals ("
              + (", ".join(f"{f} from {rows[f]:,} to {b:,}" for f, b in further.items())
                 or "nothing to extend")
              + f", at most {default.top_base():,} base rows): {after:,} solves (the file's "
              f"run: {run:,})")
    bound = solves_bound(default, factors=groups, answers=len(found.sobol), relaxed_sets=sets,
                         nudges=knife)
    print(f"  the default's bound before any work (every factor extended to "
          f"{default.top_base():,} rows in its {default.passes} passes): {bound:,} solves")
    proj = sobol_projection(precision, rows=rows, top=base, solves=solves)
    if proj is not None:
        minutes = f", {cpu * proj.solves / 60:.1f} CPU min" if cpu else ""
        print(f"  every leader of {', '.join(proj.answers)} at 0.1: --sobol-max-base "
              f"{proj.base:,}, {proj.solves:,} solves (from {solves:,}){minutes} at {cpu:.2f} "
              "CPU s a solve")


if __name__ == "__main__":
    main()
