"""The engine on a game of the article's size: prints figures, never asserts time.

A synthetic hedging game with the structure of the article's Model 2 (no calibration of
it: the numbers below are made up to give a mix of easy and hard stage games):

- 4 players x 3 actions (81 profiles): a hedger (align / hedge / realign), a patron
  (support / condition / withdraw), an adversary (restrain / interdict / escalate), an
  outsider (engage / wait / isolate);
- the state: three counterpart beliefs that the hedger will defect against them, each on a
  grid of ``G`` points, and the regime's capacity on ``L`` levels, plus one absorbing
  collapse state: ``G^3 x L + 1`` states (11^3 x 8 + 1 = 10,649 by default);
- each belief moves by Bayes' rule on a binary signal that depends only on the hedger's
  action (caught with ``q_j`` when hedging, surely when acting against ``j``, a false alarm
  ``r_j`` when complying), the posterior split between its two neighbouring grid points;
  capacity moves with the adversary's and the outsider's actions; the collapse hazard
  depends on capacity, the patron's action and the round (a dated threat shock).

Run: ``python benchmarks/bench_engine.py`` (``--quick`` for a small grid). Prints, for
horizons 24, 48, 96 and 192 rounds: the time, its ratio to the 24-round time, states x
rounds per second, peak memory (``ru_maxrss``), and how often each selection path
answered a stage game; the cost of the default options (the robustness search and the
exact certification of traced limits) on a few rounds; the exact fast paths against their
references (compiled against numpy dominance, batched against one-by-one certification);
then the expectation step in the factored and the sparse form on one law, measured in the
same run. ``--warm AFTER``: the tracer alone, cold against warm-started
(:meth:`sim.stochastic.qre.LogitTracer.warm`), on one round's traced games; ``--alternate``
also prints each round's tracer CPU, games traced, with a warm source and whose warm trace
held. The machine is shared:
figures are noisy, ratios within one run are what to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.equilibria.verify import single_mixer_admitted, verify  # noqa: E402
from sim.errors import SolverError  # noqa: E402
from sim.game import NormalFormGame  # noqa: E402
from sim.stochastic import (  # noqa: E402
    Factor,
    FactoredTransitions,
    Hazard,
    SparseTransitions,
    StochasticGame,
    qre,
    solve,
)
from sim.stochastic.dominance import surviving_actions, surviving_actions_numpy  # noqa: E402
from sim.stochastic.solver import stage_payoffs  # noqa: E402
from sim.stochastic.stage import pure_cells, regret_bounds  # noqa: E402
from sim.stochastic.twomixer import exact_two_mixer  # noqa: E402

PLAYERS = ["hedger", "patron", "adversary", "outsider"]
ACTIONS = [
    ["align", "hedge", "realign"],
    ["support", "condition", "withdraw"],
    ["restrain", "interdict", "escalate"],
    ["engage", "wait", "isolate"],
]
#: Which hedger action each counterpart wishes for, and which one acts against it.
WISH = {1: 0, 2: 2, 3: 2}
AGAINST = {1: 2, 2: 0, 3: 0}
CAUGHT = {1: 0.5, 2: 0.3, 3: 0.2}
FALSE_ALARM = {1: 0.05, 2: 0.05, 3: 0.05}


def belief_kernel(grid: np.ndarray, counterpart: int) -> np.ndarray:
    """``(G, 3, G)``: next belief given the belief and the hedger's action (Bayes' rule on
    one binary signal; the opportunist hedges, the loyal type complies)."""
    g = grid.size
    out = np.zeros((g, 3, g))
    q, r = CAUGHT[counterpart], FALSE_ALARM[counterpart]
    for x, p in enumerate(grid):
        for a in range(3):
            chance = q if a == 1 else (1.0 if a == AGAINST[counterpart] else r)
            for signal, prob in ((1, chance), (0, 1.0 - chance)):
                if prob == 0:
                    continue
                like_opp = q if signal else 1.0 - q
                like_loyal = r if signal else 1.0 - r
                den = p * like_opp + (1 - p) * like_loyal
                post = p if den == 0 else p * like_opp / den
                k = min(int(np.searchsorted(grid, post, side="right")) - 1, g - 2)
                w = (post - grid[k]) / (grid[k + 1] - grid[k])
                out[x, a, k] += prob * (1 - w)
                out[x, a, k + 1] += prob * w
    return out


def capacity_kernel(levels: int) -> np.ndarray:
    """``(L, 3, 3, L)``: capacity falls a level with escalation (and isolation), recovers
    slowly otherwise."""
    out = np.zeros((levels, 3, 3, levels))
    for k in range(levels):
        for adv in range(3):
            for out_a in range(3):
                down = 0.35 * (adv == 2) + 0.1 * (adv == 1) + 0.2 * (out_a == 2)
                up = 0.15 * (adv == 0) * (out_a != 2)
                lo, hi = max(k - 1, 0), min(k + 1, levels - 1)
                out[k, adv, out_a, lo] += down
                out[k, adv, out_a, hi] += up
                out[k, adv, out_a, k] += 1.0 - down - up
    return out


def payoffs(grid: np.ndarray, levels: int, threat: float) -> tuple[np.ndarray, np.ndarray]:
    """Stage payoffs ``(S, 4, 3, 3, 3, 3)`` and the hazard ``(L, 3)`` (capacity, patron)."""
    g = grid.size
    cap = np.linspace(0.0, 1.0, levels)
    willing = np.array([1.0, 0.5, 0.0])
    h, p, a, o = np.meshgrid(*(np.arange(3),) * 4, indexing="ij")
    hazard = 1.0 - np.exp(-3.0 * np.maximum(0.0, threat - cap[:, None]
                                            - 0.6 * np.minimum(willing[None, :], cap[:, None])))
    states = g**3 * levels
    u = np.zeros((states + 1, 4, 3, 3, 3, 3))
    s = 0
    for b1 in grid:
        for b2 in grid:
            for b3 in grid:
                for k in cap:
                    d = np.minimum(willing[p], k)
                    hedge, align, realign = h == 1, h == 0, h == 2
                    haz = hazard[int(round(k * (levels - 1))), p]
                    uh = (3.0 * d * (~realign) + 2.0 * (o == 0) * (0.5 * hedge + realign)
                          - 1.8 * align * (a >= 1) - 2.0 * (a == 2) * (1.2 - k)
                          - 1.0 * realign * (p == 2) - 6.0 * haz)
                    up = (2.5 * (1 - b1) * (~realign) * (p < 2) - 1.2 * willing[p]
                          + 0.8 * align - 1.5 * b1 * (p == 0) - 2.0 * haz)
                    ua = (1.2 * (p == 0) * (~realign) * (a == 1) - 0.4 * (a >= 1)
                          + 2.2 * b2 * (a == 2) * (~realign) - 1.0 * (a == 2) * (1 - b2)
                          + 0.5 * align * (a == 1))
                    uo = (1.5 * (1 - b3) * (o == 0) - 0.6 * (o == 0) + 1.2 * b3 * (o == 2)
                          + 0.7 * realign * (o == 0) - 0.3 * (o == 2))
                    u[s] = np.stack([uh, up, ua, uo])
                    s += 1
    return u, hazard


def build(grid_points: int, levels: int, horizon: int, shock_round: int
          ) -> list[StochasticGame]:  # fmt: skip
    """The rounds of the synthetic game: a threat of 0.3 that rises to 0.9 from
    ``shock_round`` on (two distinct games, each shared by its rounds)."""
    grid = np.linspace(0.0, 1.0, grid_points)
    factors = tuple(Factor(f"belief{j}", belief_kernel(grid, j), parents=(f"belief{j}",),
                           players=(0,)) for j in (1, 2, 3)) + (
        Factor("capacity", capacity_kernel(levels), parents=("capacity",), players=(2, 3)),
    )  # fmt: skip
    games = []
    for threat in (0.3, 0.9):
        u, hazard = payoffs(grid, levels, threat)
        law = FactoredTransitions(factors, Hazard(hazard, parents=("capacity",), players=(1,)),
                                  absorbing="collapse")  # fmt: skip
        games.append(StochasticGame(u, law, 0.95, PLAYERS, ACTIONS))
    return [games[0] if t < shock_round else games[1] for t in range(horizon)]


def sparse_of(law: FactoredTransitions, n_states: int) -> SparseTransitions:
    """The same law as successor lists (built by pushing each state's unit mass)."""
    shape = (3, 3, 3, 3)
    rows = []
    width = 0
    for s in range(n_states):
        w = np.zeros((1, n_states, *shape))
        w[0, s] = 1.0
        per = np.zeros((81, n_states))
        for c in range(81):
            w = np.zeros((1, n_states, 81))
            w[0, s, c] = 1.0
            per[c] = law.push(w.reshape(1, n_states, *shape), shape)[0]
        rows.append(per)
        width = max(width, int((per > 0).sum(axis=1).max()))
    succ = np.zeros((n_states, 81, width), dtype=np.intp)
    prob = np.zeros((n_states, 81, width))
    for s, per in enumerate(rows):
        for c in range(81):
            nz = np.flatnonzero(per[c] > 0)
            succ[s, c, : nz.size] = nz
            prob[s, c, : nz.size] = per[c, nz]
    return SparseTransitions(succ.reshape(n_states, *shape, width),
                             prob.reshape(n_states, *shape, width))  # fmt: skip


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def shares(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in counts.items() if v)


def expectation_step(grid: int, levels: int) -> None:
    """The expectation step, factored against sparse successor lists, on one law."""
    g = build(grid, levels, 1, 1)[0]
    law = g.transitions
    assert isinstance(law, FactoredTransitions)
    values = np.random.default_rng(0).normal(size=(1, g.n_states, 4))
    t = time.perf_counter()
    sparse = sparse_of(law, g.n_states)
    built = time.perf_counter() - t
    reps = 5
    t = time.perf_counter()
    for _ in range(reps):
        e1 = law.expect(values, g.shape)
    tf = (time.perf_counter() - t) / reps
    t = time.perf_counter()
    for _ in range(reps):
        e2 = sparse.expect(values, g.shape)
    ts = (time.perf_counter() - t) / reps
    k = sparse.probabilities.shape[-1]
    print(f"expectation step on {g.n_states:,} states: factored {1e3 * tf:.1f} ms "
          f"({law.nbytes / 2**20:.2f} MiB), sparse K = {k} {1e3 * ts:.0f} ms "
          f"({sparse.nbytes / 2**20:.0f} MiB, built in {built:.0f} s): factored "
          f"{ts / tf:.0f}x faster; largest difference {np.abs(e1 - e2).max():.1e}")  # fmt: skip


def after_shock_stage_games(grid: int, levels: int
                            ) -> tuple[StochasticGame, np.ndarray, np.ndarray]:  # fmt: skip
    """The stage games of a round after the shock (continuation values of the last
    round) and their regret bounds."""
    rounds = build(grid, levels, 3, 1)
    last = solve(rounds[2:], robust=False, certify=False)
    game = rounds[1]
    games = stage_payoffs(game, np.asarray(last.values)[0][None])
    games = games.reshape(game.n_states, game.n_players, *game.shape)
    return game, games, regret_bounds(games, 1e-7)


def traced_games(grid: int, levels: int) -> tuple[np.ndarray, np.ndarray]:
    """The stage games of a round after the shock that neither dominance nor the tie path
    answers (those the engine traces), and their regret bounds relative to each game's
    spread: :func:`sim.stochastic.qre.logit_limits`'s arguments."""
    from sim.stochastic.dominance import tied_single_mixer

    _, games, bound = after_shock_stage_games(grid, levels)
    alive = surviving_actions(games, bound)
    solved = np.ones(games.shape[0], dtype=bool)
    for a in alive:
        solved &= a.sum(axis=1) == 1
    tie, _ = tied_single_mixer(games, list(alive))
    rest = np.flatnonzero(~solved & ~tie)
    _, spread = qre.normalise(games[rest])
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(spread > 0, bound[rest] / spread, np.inf)
    return games[rest], relative


def trace_cpu(path: str) -> dict[str, float]:
    """CPU seconds of :func:`sim.stochastic.qre.logit_limits` on the games saved at
    ``path`` (after one small call that loads the compiled tracer), its steps and
    corrections a game."""
    data = np.load(path)
    games, relative = data["games"], data["relative"]
    qre.logit_limits(games[:2], relative[:2])
    t = time.process_time()
    limits = qre.logit_limits(games, relative)
    took = time.process_time() - t
    return {"ms": 1e3 * took / games.shape[0], "steps": float(limits.steps.mean()),
            "corrections": float(limits.corrections.mean())}  # fmt: skip


def alternate_tracer(old_tree: str, repeats: int, grid: int, levels: int) -> None:
    """The tracer alone (:func:`trace_cpu`) with the ``sim`` package of ``old_tree`` and
    of this tree on the same traced stage games of a round after the shock, in fresh
    processes, old and new alternating ``repeats`` times; medians."""
    import json
    import os
    import statistics
    import subprocess
    import tempfile

    here = Path(__file__).resolve()
    games, relative = traced_games(grid, levels)
    code = ("import sys, json, importlib.util; import sim; "
            "spec = importlib.util.spec_from_file_location('bench', sys.argv[1]); "
            "b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b); "
            "print(json.dumps(b.trace_cpu(sys.argv[2])))")  # fmt: skip
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "games.npz")
        np.savez(path, games=games, relative=relative)
        for r in range(repeats):
            for name, tree in (("old", old_tree), ("new", str(here.parents[1]))):
                out = subprocess.run([sys.executable, "-c", code, str(here), path],
                                     env=dict(os.environ, PYTHONPATH=tree), cwd="/",
                                     check=True, capture_output=True, text=True)  # fmt: skip
                got = json.loads(out.stdout.strip().splitlines()[-1])
                runs[name].append(got)
                print(f"repeat {r + 1} {name}: {got['ms']:.3f} ms a game", flush=True)
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    med = {k: statistics.median(x["ms"] for x in v) for k, v in runs.items()}
    print(f"the tracer on {games.shape[0]:,} traced stage games of a round after the shock, "
          f"CPU medians of {repeats} (load average {' '.join(load)}): old {med['old']:.3f} ms "
          f"a game ({runs['old'][0]['steps']:.1f} steps, {runs['old'][0]['corrections']:.1f} "
          f"corrections), new {med['new']:.3f} ms ({runs['new'][0]['steps']:.1f} steps, "
          f"{runs['new'][0]['corrections']:.1f} corrections): "
          f"{med['old'] / med['new']:.2f}x")  # fmt: skip


def fast_paths(grid: int, levels: int, sample: int = 300) -> None:
    """The exact fast paths against their reference, in the same run, on the stage games
    of a round after the shock (continuation values of the last round): iterated strict
    dominance compiled against the numpy passes, and the engine's certification of mixed
    traced limits (single-mixer ones in one batch, then the two-mixer integer check, then
    ``sim.equilibria.verify`` for what is left) against ``sim.equilibria.verify`` on every
    limit one by one (timed on ``sample`` of them, extrapolated). Both pairs must agree;
    the ratios are printed."""
    game, games, bound = after_shock_stage_games(grid, levels)
    t = time.process_time()
    reference = surviving_actions_numpy(games, bound)
    t_numpy = time.process_time() - t
    t = time.process_time()
    compiled = surviving_actions(games, bound)
    t_compiled = time.process_time() - t
    same = all(np.array_equal(a, b) for a, b in zip(reference, compiled, strict=True))
    print(f"iterated strict dominance on {game.n_states:,} stage games (CPU): numpy "
          f"{1e3 * t_numpy:.0f} ms, compiled {1e3 * t_compiled:.0f} ms: "
          f"{t_numpy / t_compiled:.1f}x, the same survivors: {same}")  # fmt: skip
    solved = np.ones(game.n_states, dtype=bool)
    for alive in reference:
        solved &= alive.sum(axis=1) == 1
    from sim.stochastic.dominance import tied_single_mixer  # not in older trees (--alternate)

    tie, _ = tied_single_mixer(games, list(reference))
    rest = np.flatnonzero(~solved & ~tie)
    print(f"stage games dominance leaves: {int((~solved).sum()):,}; of them a single mixer "
          f"over exactly tied actions (path tie, no trace): {int((tie & ~solved).sum()):,}")
    shape = tuple(game.shape)
    norm, spread = qre.normalise(games[rest])
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(spread > 0, bound[rest] / spread, np.inf)
    t = time.process_time()
    limits = qre.logit_limits(games[rest], relative, (norm, spread))
    t_trace = time.process_time() - t
    traced = max(rest.size, 1)
    steps = max(limits.steps.sum(), 1)
    print(f"the tracer on the {rest.size:,} stage games dominance and the tie path leave (CPU): "
          f"{1e3 * t_trace / traced:.2f} ms a game, {limits.steps.mean():.1f} continuation "
          f"steps and {limits.corrections.mean():.1f} Newton corrections a game "
          f"({limits.corrections.sum() / steps:.2f} a step, of them "
          f"{limits.jacobians.sum() / steps:.2f} with a fresh Jacobian, the rest chord "
          f"corrections)")  # fmt: skip
    padded = qre.to_padded(limits.profiles, shape)
    mixed = np.flatnonzero(limits.verified & (pure_cells(padded, shape)[:, 0] < 0))
    cands, cand_games = padded[mixed], games[rest[mixed]]
    t = time.process_time()
    admitted = single_mixer_admitted(cand_games, cands)
    t_batch = time.process_time() - t
    pick = np.random.default_rng(0).choice(mixed.size, size=min(sample, mixed.size),
                                           replace=False)  # fmt: skip
    verdicts, took, fast = [], [], []
    for k in pick:
        profile = [cands[k, i, :m] for i, m in enumerate(shape)]
        t = time.process_time()
        try:
            verify(NormalFormGame(cand_games[k]), profile, "logit-qre")
            verdicts.append(True)
        except SolverError:
            verdicts.append(False)
        took.append(time.process_time() - t)
        t = time.process_time()
        if not admitted[k] and exact_two_mixer(cand_games[k], profile) is None:
            with contextlib.suppress(SolverError):
                verify(NormalFormGame(cand_games[k]), profile, "logit-qre")
        fast.append(time.process_time() - t)
    scale = mixed.size / max(pick.size, 1)
    before = float(np.sum(took)) * scale
    after = t_batch + float(np.sum(fast)) * scale
    agree = not np.any(admitted[pick] & ~np.array(verdicts, dtype=bool))
    per = 1e6 / max(mixed.size, 1)
    print(f"certification of {mixed.size:,} mixed traced limits ({admitted.sum():,} with one "
          f"mixer, admitted in one batch at {per * t_batch:.0f} us a limit): "
          f"sim.equilibria.verify on each {before:.2f} s ({per * before:.0f} us a limit, "
          f"{pick.size} sampled), the engine's checks {after:.2f} s: "
          f"{before / max(after, 1e-12):.0f}x; never admits what verify rejects: "
          f"{agree}")  # fmt: skip


def compile_kernels() -> None:
    """Load (or compile) every kernel a solve runs before anything is timed: a small solve,
    and cold and warm traces of a batch large enough for the kernels compiled for the
    benchmark's shape (``qre.SPECIALISE`` games, where the tree has them), whose mixed
    limits the polish's LU steps take (numba caches the machine code on disk: the first
    run on a machine compiles, the later ones load it)."""
    solve(build(3, 2, 1, 1)[0], 1)
    if hasattr(qre.LogitTracer, "warm"):
        count = max(1, getattr(qre, "SPECIALISE", 1))
        games = np.random.default_rng(0).normal(size=(count, 4, 3, 3, 3, 3))
        none = (np.zeros((count, 0, 13)), np.zeros(count, np.int64))
        first = qre.logit_limits(games, 1e-7, warm=none)
        qre.logit_limits(games, 1e-7, warm=(first.record.copy(), first.recorded.copy()))


def after_shock(grid: int, levels: int, rounds: int, robust: bool, certify: bool
                ) -> list[float]:  # fmt: skip
    """CPU seconds of each of the game's last ``rounds`` rounds (all after the shock),
    solved backward from zero terminal values, in solve order."""
    return after_shock_traced(grid, levels, rounds, robust, certify)["cpu"]


def after_shock_traced(grid: int, levels: int, rounds: int, robust: bool, certify: bool
                       ) -> dict[str, list[float]]:  # fmt: skip
    """:func:`after_shock`'s CPU a round (``cpu``), and of each round: the CPU in
    :func:`sim.stochastic.qre.logit_limits` (``tracer``), the games traced (``games``), of
    them with a warm source (``sourced``) and whose warm trace held (``held``; 0 in a tree
    without warm starts)."""
    part = build(grid, levels, rounds, shock_round=0)
    compile_kernels()
    stats = {"tracer": [0.0], "games": [0.0], "sourced": [0.0], "held": [0.0]}
    limits = qre.logit_limits

    depth = [0]

    def timed(games: np.ndarray, *args: object, **kwargs: object) -> qre.Limits:
        # logit_limits calls itself (the reference re-trace): count the outer call only
        depth[0] += 1
        t0 = time.process_time()
        try:
            out = limits(games, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            depth[0] -= 1
        if depth[0]:
            return out
        stats["tracer"][-1] += time.process_time() - t0
        if kwargs.get("chord", True):
            stats["games"][-1] += games.shape[0]
            warm = kwargs.get("warm")
            if isinstance(warm, tuple):
                stats["sourced"][-1] += float((warm[1] > 0).sum())
            held = getattr(out, "warmed", None)
            stats["held"][-1] += 0.0 if held is None else float(held.sum())
        return out

    def progress(done: int, total: int) -> None:
        stamps.append(time.process_time() - t)
        for v in stats.values():
            v.append(0.0)

    stamps: list[float] = []
    qre.logit_limits = timed  # type: ignore[assignment]
    try:
        t = time.process_time()
        solve(part, robust=robust, certify=certify, progress=progress)
    finally:
        qre.logit_limits = limits  # type: ignore[assignment]
    out = {k: v[:-1] for k, v in stats.items()}
    out["cpu"] = [b - a for a, b in zip([0.0, *stamps[:-1]], stamps, strict=True)]
    return out


def warm_tracer(grid: int, levels: int, after: int, repeats: int) -> None:
    """The tracer alone, cold against warm, in one process on the same games: the traced
    stage games of the ``after + 1``-th round solved (backward from zero terminal values,
    all after the shock; ``after >= 2``) that the round before also traced, each warm from
    that round's cold trace of the same state
    (:meth:`sim.stochastic.qre.LogitTracer.warm`); cold and warm alternating ``repeats``
    times, CPU medians; the warm pass rate, Jacobians and steps a game, and whether the
    limits agree (supports; largest move)."""
    import statistics

    from sim.stochastic.dominance import tied_single_mixer

    rounds = build(grid, levels, after + 1, shock_round=0)
    # values[t]: round t + 1's (rounds 1..after solved); round 1's stage games (the
    # source) take values[1], round 0's (solved after it, the target) values[0]
    values = np.asarray(solve(rounds[1:], robust=False, certify=False).values)
    game = rounds[0]

    def traced(t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        games = stage_payoffs(game, values[t][None]).reshape(game.n_states, game.n_players,
                                                             *game.shape)  # fmt: skip
        bound = regret_bounds(games, 1e-7)
        alive = surviving_actions(games, bound)
        solved = np.ones(game.n_states, dtype=bool)
        for a in alive:
            solved &= a.sum(axis=1) == 1
        tie, _ = tied_single_mixer(games, list(alive))
        _, spread = qre.normalise(games)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(spread > 0, bound / spread, np.inf)
        return games, relative, ~solved & ~tie

    g1, rel1, r1 = traced(1)
    g0, rel0, r0 = traced(0)
    both = np.flatnonzero(r0 & r1)
    empty = np.zeros((both.size, 0, qre.flat_size(game.shape) + 1))
    source = qre.logit_limits(g1[both], rel1[both], warm=(empty, np.zeros(both.size, np.int64)))
    assert source.record is not None and source.recorded is not None
    given = (source.record, np.where(source.recorded <= qre.RECORD, source.recorded, 0))
    qre.logit_limits(g0[both[:2]], rel0[both[:2]])
    cold_t, warm_t = [], []
    for _ in range(repeats):
        t = time.process_time()
        cold = qre.logit_limits(g0[both], rel0[both])
        cold_t.append(time.process_time() - t)
        t = time.process_time()
        warm = qre.logit_limits(g0[both], rel0[both], warm=given)
        warm_t.append(time.process_time() - t)
    assert warm.warmed is not None
    held = warm.warmed
    floor = qre.SUPPORT_FLOOR
    same = np.all((cold.profiles >= floor) == (warm.profiles >= floor), axis=1)
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    c, w = statistics.median(cold_t), statistics.median(warm_t)
    per = 1e3 / max(both.size, 1)
    print(f"warm traces, round {after + 1} solved (after the shock): {both.size:,} stage games "
          f"traced in it and the round before; the warm trace held on {held.sum():,} "
          f"({100 * held.mean():.1f}%); CPU medians of {repeats} (load average "
          f"{' '.join(load)}): cold {per * c:.3f} ms a game, warm {per * w:.3f} ms "
          f"({c / w:.2f}x); Jacobians a game cold {cold.jacobians.mean():.1f}, warm "
          f"{warm.jacobians.mean():.1f} (where it held {warm.jacobians[held].mean():.1f} "
          f"against {cold.jacobians[held].mean():.1f}); steps {cold.steps.mean():.1f} and "
          f"{warm.steps.mean():.1f}; supports differ on {int((~same).sum())}, largest move "
          f"{np.abs(cold.profiles - warm.profiles).max():.1e}")  # fmt: skip


def article_rules() -> list[float]:
    """CPU seconds of the article's baseline at the analysis grid (24 rounds, 501 states)
    solved under the first model's rules, ``robust=False`` (the analysis's call: the rules'
    pick checks only the two-mixer candidates it depends on), one rule after another."""
    from sim.article.build import build as build_article
    from sim.article.grid import ANALYSIS

    game = build_article(rounds=24, resolution=ANALYSIS)
    solve(build(3, 2, 1, 1)[0], 1)  # compile (numba caches it on disk)
    out = []
    for rule in ("inertia", "player-optimal", "welfare"):
        t = time.process_time()
        solve(game.games, horizon=game.rounds, selection=rule, robust=False)
        out.append(time.process_time() - t)
    return out


def alternate(old_tree: str, repeats: int, grid: int, levels: int, rounds: int,
              robust: bool, certify: bool, rules: bool = False) -> None:  # fmt: skip
    """:func:`after_shock` (with ``rules``, :func:`article_rules`) with the ``sim`` package
    of ``old_tree`` and of this tree, in fresh processes, old and new alternating
    ``repeats`` times; medians of the CPU a round (the first round solved, from zero
    terminal values, apart), or of each rule's solve."""
    import json
    import os
    import statistics
    import subprocess

    here = Path(__file__).resolve()
    new_tree = str(here.parents[1])
    code = ("import sys, json, importlib.util; import sim; "
            "spec = importlib.util.spec_from_file_location('bench', sys.argv[1]); "
            "b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b); "
            "print(json.dumps({'sim': sim.__file__, 'cpu': b.article_rules() "
            "if sys.argv[7] == '1' else b.after_shock_traced(*map(int, sys.argv[2:5]), "
            "sys.argv[5] == '1', sys.argv[6] == '1')}))")  # fmt: skip
    runs: dict[str, list[list[float]]] = {"old": [], "new": []}
    traced: dict[str, list[dict[str, list[float]]]] = {"old": [], "new": []}
    for r in range(repeats):
        for name, tree in (("old", old_tree), ("new", new_tree)):
            env = dict(os.environ, PYTHONPATH=tree)
            out = subprocess.run([sys.executable, "-c", code, str(here), str(grid), str(levels),
                                  str(rounds), str(int(robust)), str(int(certify)),
                                  str(int(rules))],
                                 env=env, cwd="/", check=True, capture_output=True,
                                 text=True)  # fmt: skip
            got = json.loads(out.stdout.strip().splitlines()[-1])
            if not rules:
                traced[name].append(got["cpu"])
                got["cpu"] = got["cpu"]["cpu"]
            runs[name].append(got["cpu"])
            print(f"repeat {r + 1} {name} ({got['sim']}): CPU "
                  + ", ".join(f"{x:.2f}" for x in got["cpu"]), flush=True)  # fmt: skip
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    if rules:
        med = {k: [statistics.median(v[r] for v in runs[k]) for r in range(3)] for k in runs}
        print(f"the article's baseline, analysis grid, 24 rounds, robust=False, medians of "
              f"{repeats} (load average {' '.join(load)}): " + "; ".join(
                  f"{rule} old {o:.2f} s, new {n:.2f} s ({o / n:.2f}x)" for rule, o, n in zip(
                      ("inertia", "player-optimal", "welfare"), med["old"], med["new"],
                      strict=True)))  # fmt: skip
        return
    for name, got in traced.items():
        rows = zip(*(zip(*(g[k] for k in ("tracer", "games", "sourced", "held")),
                         strict=True) for g in got), strict=True)  # fmt: skip
        print(f"{name}: each round (solve order), the tracer's CPU (median) and the games "
              "traced, with a warm source, whose warm trace held: " + "; ".join(
                  f"{statistics.median(x[0] for x in r):.2f} s, {r[0][1]:,.0f}, "
                  f"{r[0][2]:,.0f}, {r[0][3]:,.0f}" for r in rows))  # fmt: skip
    first = {k: statistics.median(v[0] for v in runs[k]) for k in runs}
    later = {k: statistics.median(x for v in runs[k] for x in v[1:]) for k in runs}
    print(f"last {rounds} rounds (after the shock), robust={robust}, certify={certify}, "
          f"medians of {repeats} (load average {' '.join(load)}): first round solved "
          f"old {first['old']:.2f} s, new {first['new']:.2f} s "
          f"({first['old'] / first['new']:.2f}x); "
          f"each later round old {later['old']:.2f} s, new {later['new']:.2f} s "
          f"({later['old'] / later['new']:.2f}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grid", type=int, default=11)
    parser.add_argument("--levels", type=int, default=8)
    parser.add_argument("--horizons", default="24,48,96,192")
    parser.add_argument("--default-rounds", type=int, default=3,
                        help="rounds solved with the default options (robust, certify)")
    parser.add_argument("--quick", action="store_true", help="a 5^3 x 4 grid, horizons 24,48")
    parser.add_argument("--alternate", metavar="OLD_TREE",
                        help="only time the last --after rounds with OLD_TREE's sim and this "
                             "tree's, alternating (CPU a round, medians)")  # fmt: skip
    parser.add_argument("--after", type=int, default=4, help="rounds timed by --alternate")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of --alternate")
    parser.add_argument("--rules", action="store_true",
                        help="--alternate on the article's baseline under the first model's "
                             "rules instead")  # fmt: skip
    parser.add_argument("--tracer", action="store_true",
                        help="--alternate on the tracer alone (the traced stage games of a "
                             "round after the shock, CPU a game)")  # fmt: skip
    parser.add_argument("--defaults", action="store_true",
                        help="--alternate with robust=True, certify=True")  # fmt: skip
    parser.add_argument("--warm", type=int, metavar="AFTER",
                        help="only the tracer cold against warm on the traced games of the "
                             "AFTER + 1-th round solved after the shock (AFTER >= 2)")
    args = parser.parse_args()
    if args.quick:
        args.grid, args.levels, args.horizons = 5, 4, "24,48"
    if args.warm:
        warm_tracer(args.grid, args.levels, args.warm, args.repeats)
        return
    if args.alternate and args.tracer:
        alternate_tracer(args.alternate, args.repeats, args.grid, args.levels)
        return
    if args.alternate:
        alternate(args.alternate, args.repeats, args.grid, args.levels, args.after,
                  args.defaults, args.defaults, args.rules)  # fmt: skip
        return
    horizons = [int(h) for h in args.horizons.split(",")]
    longest = max(horizons)
    t0 = time.perf_counter()
    rounds = build(args.grid, args.levels, longest, shock_round=longest // 2)
    g = rounds[0]
    print(f"game: {g.n_players} players x {g.shape} actions, {g.n_states:,} states "
          f"({args.grid}^3 beliefs x {args.levels} capacity levels + collapse), "
          f"{longest} rounds (a threat shock from round {longest // 2}); built in "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
    compile_kernels()
    print(f"peak memory after building: {peak_mib():,.0f} MiB")

    # Backward induction over the last T rounds is the first T steps of the longest solve,
    # so one solve times every horizon: the time to finish each round, cumulated.
    stamps: list[float] = []
    t = time.perf_counter()
    res = solve(rounds, robust=False, certify=False,
                progress=lambda done, total: stamps.append(time.perf_counter() - t))  # fmt: skip
    print("\nselection qre, robust=False, certify=False (the tracer and the fast paths)")
    print("rounds | time (s) | ratio to the first | states x rounds / s | per round (s)")
    base = stamps[horizons[0] - 1]
    for h in horizons:
        took = stamps[h - 1]
        print(f"{h:6d} | {took:8.1f} | {took / base:18.2f} | {g.n_states * h / took:19,.0f} | "
              f"{took / h:13.2f}")  # fmt: skip
    print(f"paths over {longest} rounds: {shares(res.path_counts)}")
    print(f"peak memory: {peak_mib():,.0f} MiB")
    check = res.verify()
    print(f"verified: {check.ok} (largest regret / bound {check.worst:.2g})")
    t = time.perf_counter()
    dist = res.distribution(0)
    print(f"exact distribution over {longest} rounds: {time.perf_counter() - t:.2f} s; "
          f"P(collapse by the end | start in state 0) = {dist[-1, -1]:.3f}")  # fmt: skip
    t = time.perf_counter()
    paths = res.sample(0, paths=1000, seed=1)
    print(f"1,000 sampled paths: {time.perf_counter() - t:.2f} s; collapsed share "
          f"{(paths.states[:, -1] == g.n_states - 1).mean():.3f}")  # fmt: skip

    if args.default_rounds:
        part = rounds[-args.default_rounds:]
        for robust, certify in ((False, False), (True, False), (True, True)):
            t = time.perf_counter()
            r = solve(part, robust=robust, certify=certify)
            took = time.perf_counter() - t
            extra = ""
            if robust:
                extra = (f"; robust {100 * r.robust.mean():.1f}% of stage games, complete "
                         f"{100 * r.complete.mean():.1f}%")  # fmt: skip
            print(f"last {args.default_rounds} rounds, robust={robust}, certify={certify}: "
                  f"{took:.1f} s ({took / args.default_rounds:.1f} s a round){extra}")  # fmt: skip
        print(f"peak memory: {peak_mib():,.0f} MiB")

    print()
    fast_paths(args.grid, args.levels)
    print()
    expectation_step(5, 4)


if __name__ == "__main__":
    main()
