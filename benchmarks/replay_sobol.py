"""Replay of the Sobol design's stages on the solved outputs of a committed analysis (issue
12's time aim: the same precision from fewer solves; prints figures, fails on nothing).

``--parts`` (default ``/tmp/imp/parts.npz``) holds every solved batch of the default analysis
of 2026-12-02 03:12 UTC (``figures/analysis.json``: keys ``"<batch>|<field>"``, the fields of
:class:`sim.calibrate.solving.Answer`; captured by wrapping ``analysis._solve_batches``).
Every draw is independent, so a design that solves a prefix of what that analysis solved
(each factor's mixed rows on its first base rows, ``A`` and ``B`` on their first rows) is
replayed exactly on those outputs. The replay first re-estimates the committed table from
them (it must match ``analysis.json``), then runs each design's stages (screening,
refinement of each answer's leader, the third stage's passes) on the real outputs and counts
its solves; a design asking a factor for more rows than the analysis solved is held at what
there is and flagged (``short of data``).

Designs: the estimator (``salib``: SALib on ``f(A)``, ``f(B)`` and the mixed rows of each
factor's rows, ``f(B)`` solved on every base row; ``prefix``: :func:`prefix_indices`,
``f(B)`` solved on the first ``--sobol-base`` rows only, ``V`` from every solved supported
draw), the aim of an extension (a share of the target), the growth cap of one pass (a factor
goes to at most ``g`` times its rows in one pass) and the passes at most.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

from sim.calibrate import analysis as an
from sim.calibrate.sensitivity import sobol_indices
from sim.calibrate.solving import Answer
from sim.results.supported import SobolRow

FIELDS = ("horizon_at", "horizon_collapse", "horizon_never", "exit", "collapsed", "ambiguity")


def load(parts: Path, analysis: Path) -> dict:
    z = np.load(parts)
    d = json.loads(analysis.read_text())

    def ans(name: str) -> Answer:
        return Answer(**{f: z[f"{name}|{f}"] for f in FIELDS})

    names = {k.split("|")[0] for k in z.files}
    targets = an.Targets(d["distributions"]["collapse_round"], None)
    sup = ["supported"] + sorted((n for n in names if n.startswith("supported pass")),
                                 key=lambda s: int(s.split()[-1]))  # fmt: skip
    pool = Answer.concat([ans(n) for n in sup])
    base, screen = d["sobol_base"], d["sobol_screen_base"]
    # A and B as analyze() laid them out: the first 2 base draws, then each pass's draw (its
    # first half A's, its second B's)
    a_at, b_at = [np.arange(base)], [np.arange(base, 2 * base)]
    at, top = 2 * base, base
    for p in d["sobol_passes"]:
        k = p["base"] - top
        a_at.append(np.arange(at, at + k))
        b_at.append(np.arange(at + k, at + 2 * k))
        at, top = at + 2 * k, p["base"]
    segments = {}
    for f in an.GROUPS:
        segs = [ans(f"screen {f}")]
        if f"refine {f}" in names:
            segs.append(ans(f"refine {f}"))
        segs += [ans(f"extend {p} {f}") for p in range(1, 9) if f"extend {p} {f}" in names]
        segments[f] = Answer.concat(segs)
    mixed = sum(len(s) for s in segments.values())
    streams = np.random.SeedSequence(d["seed"]).generate_state(4 + max(d["sobol_max_passes"], 1))
    seed = int(streams[2]) % 2**31  # the bootstrap's stream, as analyze() takes it
    fixed = d["sobol_projection"]["run_solves"] - len(pool) - mixed  # importance, knife edges
    return dict(d=d, targets=targets, pool=pool, a_at=np.concatenate(a_at),
                b_at=np.concatenate(b_at), segments=segments, base=base, screen=screen,
                fixed=fixed, cap=d["sobol_max_base"], seed=seed)


def salib_table(y_a: np.ndarray, y_b: np.ndarray, y_mixed: dict[str, np.ndarray],
                names: tuple[str, ...], screen: int, rows: dict[str, int],
                seed: int) -> dict[str, list[SobolRow]]:  # fmt: skip
    """The estimates of the analysis before wave 12 (``sobol_table`` then): SALib's
    ``sobol.analyze`` on a Saltelli design of the factors resting on the same rows (the
    screening's every factor on ``screen`` rows), ``f(B)`` solved on every row."""

    def design(r: int, fs: list[str], k: int) -> np.ndarray:
        return np.stack([y_a[:r, k], *(y_mixed[f][:r, k] for f in fs), y_b[:r, k]],
                        axis=1).reshape(-1)  # fmt: skip

    def made(found, r: int) -> dict[str, SobolRow]:  # type: ignore[no-untyped-def]
        return {f: SobolRow(factor=f, parameters=[], S1=float(found.S1[i]),
                            S1_conf=float(found.S1_conf[i]), ST=float(found.ST[i]),
                            ST_conf=float(found.ST_conf[i]), base=r)
                for i, f in enumerate(found.factors)}  # fmt: skip

    factors = list(y_mixed)
    out: dict[str, list[SobolRow]] = {}
    for k, name in enumerate(names):
        first = design(screen, factors, k)
        if np.ptp(first) <= 1e-12:
            out[name] = []
            continue
        row = made(sobol_indices(factors, first, seed=seed), screen)
        by_rows: dict[int, list[str]] = {}
        for f, r in rows.items():
            if r > screen:
                by_rows.setdefault(r, []).append(f)
        for r, group in sorted(by_rows.items()):
            row.update(made(sobol_indices(group, design(r, group, k), seed=seed), r))
        out[name] = [row[f] for f in factors]
    return out


class Replay:
    """A design's stages on the committed outputs: ``new`` (this tree: ``sobol_table`` on
    ``f(A)``, ``f(B)`` on the first ``sobol_base`` rows and each factor's rows;
    ``extension`` at most doubling a factor's rows a pass; ``MAX_PASSES``) or ``old`` (SALib
    with ``f(B)`` on every row, extensions straight to the projected need, three passes)."""

    def __init__(self, data: dict, design: str, growth: str = "tree",
                 passes: int | None = None) -> None:  # fmt: skip
        self.__dict__.update(data)
        self.design = design
        self.growth = growth
        self.passes = passes if passes is not None else (an.MAX_PASSES if design == "new" else 3)
        self.names = (*self.targets.names(), an.AMBIGUITY_QUANTILE)
        self.have = {f: len(s) for f, s in self.segments.items()}

    def outputs(self, a: Answer, quantile) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.column_stack([self.targets.of(a), quantile(a.ambiguity)])

    def table(self, rows: dict[str, int], top: int, b: int) -> dict[str, list[SobolRow]]:
        solved = np.concatenate([self.a_at[:top], self.b_at[:b]])
        quantile = an.quantile_of(self.pool.ambiguity[solved])
        every = self.outputs(self.pool, quantile)
        y_a, y_b = every[self.a_at[:top]], every[self.b_at[:b]]
        y_mixed = {}
        for f, s in self.segments.items():
            y = np.full((top, every.shape[1]), np.nan)
            r = min(rows[f], top, self.have[f])
            y[:r] = self.outputs(s.take(np.arange(r)), quantile)
            y_mixed[f] = y
        held = {f: min(r, self.have[f]) for f, r in rows.items()}
        if self.design == "old":
            return salib_table(y_a, y_b, y_mixed, self.names, self.screen, held, self.seed)
        return an.sobol_table(y_a, y_b, y_mixed, self.names, held, self.seed)

    def extend(self, table: dict[str, list[SobolRow]], rows: dict[str, int],
               target: float) -> dict[str, int]:  # fmt: skip
        prec = an.sobol_precision(table, self.base, target)
        if self.growth == "tree":
            return an.extension(prec, rows, self.cap, target, self.base)
        out: dict[str, int] = {}
        for p in an.covered(prec):
            if p.base_needed <= p.base:
                continue
            step = (self.cap if self.growth == "none"
                    else max(self.base, math.ceil(float(self.growth) * rows[p.factor])))
            want = min(an.base_needed(p.base, p.half_width, an.EXTENSION_AIM * target),
                       self.cap, step)  # fmt: skip
            if want > rows[p.factor]:
                out[p.factor] = max(out.get(p.factor, 0), want)
        return out

    def run(self, target: float = 0.1) -> dict:
        base, screen = self.base, self.screen
        rows = {f: screen for f in self.segments}
        top = b = base
        leaders = an.leading_factors(self.table(rows, top, b))
        for f in leaders:
            rows[f] = base
        table = self.table(rows, top, b)
        log, draws = [], 0
        for _ in range(self.passes):
            grow = self.extend(table, rows, target)
            if not grow:
                break
            rows.update(grow)
            if max(grow.values()) > top:
                draws += 1
            top = max(top, *grow.values())
            b = top if self.design == "old" else base
            log.append(grow)
            table = self.table(rows, top, b)
        prec = an.sobol_precision(table, base, target)
        supported = top + b
        return dict(solves=supported + sum(rows.values()) + self.fixed, supported=supported,
                    top=top, rows=rows, passes=log, draws=draws,
                    short=sorted(f for f, r in rows.items() if r > self.have[f]),
                    precision=[(p.answer, p.factor, p.base, p.ST, p.half_width)
                               for p in an.covered(prec)])  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parts", type=Path, default=Path("/tmp/imp/parts.npz"))
    ap.add_argument("--analysis", type=Path, default=Path("figures/analysis.json"))
    ap.add_argument("--designs", default=f"old:none:3,old:2:6,new:none:3,new:tree:"
                    f"{an.MAX_PASSES},new:1.5:8,new:3:6",
                    help="estimator (old, new):growth (a number, none, or tree: this tree's "
                    "extension()):passes, comma-separated")
    ap.add_argument("--cpu-per-solve", type=float, default=0.52)
    args = ap.parse_args()
    data = load(args.parts, args.analysis)
    d = data["d"]
    rows = {f: len(s) for f, s in data["segments"].items()}
    top = d["sobol_passes"][-1]["base"] if d["sobol_passes"] else data["base"]
    t0 = time.process_time()
    table = Replay(data, "old").table(rows, top, top)
    worst = max(abs(r.ST - c["ST"]) + abs(r.ST_conf - c["ST_conf"]) + abs(r.S1 - c["S1"])
                for name, rs in table.items() for r, c in zip(rs, d["sobol"][name], strict=True))
    run = d["sobol_projection"]["run_solves"]
    print(f"the committed table re-estimated from the outputs in {time.process_time() - t0:.1f} "
          f"CPU s: largest difference from analysis.json {worst:.1e}; its {run:,} solves: "
          f"{len(data['pool']):,} supported, {sum(rows.values()):,} mixed, {data['fixed']} "
          f"claim importance and knife edges")
    print("\nthe committed rows, each leader's total index and half-width (rows), by estimator:")
    for label, design, b in (("SALib, f(B) on every row", "old", top),
                             ("V from every draw, f(B) on every row", "new", top),
                             (f"V from every draw, f(B) on {data['base']} rows", "new",
                              data["base"])):  # fmt: skip
        t = Replay(data, design).table(rows, top, b)
        prec = an.covered(an.sobol_precision(t, data["base"]))
        print(f"  {label:42s} " + "; ".join(
            f"{p.factor.split()[0]} {p.ST:.3f} +- {p.half_width:.3f} ({p.base})" for p in prec))
    for spec in args.designs.split(","):
        design, growth, passes = spec.split(":")
        t0 = time.process_time()
        out = Replay(data, design, growth, int(passes)).run()
        worst_hw = max(p[4] for p in out["precision"])
        short = f"; beyond the solved rows: {', '.join(out['short'])}" if out["short"] else ""
        mc = math.sqrt(len(data["pool"]) / out["supported"])
        print(f"\n{spec}: {out['solves']:,} solves ({out['supported']:,} supported: the answers' "
              f"Monte Carlo errors x {mc:.2f}; base {out['top']}, {out['draws']} pass draws), "
              f"{out['solves'] * args.cpu_per_solve / 60:.0f} CPU min at "
              f"{args.cpu_per_solve} s a solve; widest leader {worst_hw:.3f}{short} "
              f"[{time.process_time() - t0:.0f} CPU s]")
        for k, p in enumerate(out["passes"]):
            print(f"  pass {k + 1}: " + ", ".join(f"{f} {r}" for f, r in p.items()))
        for a, f, base, st, hw in out["precision"]:
            print(f"  {a:30s} {f:26s} {st:.3f} +- {hw:.3f} on {base}")


if __name__ == "__main__":
    main()
