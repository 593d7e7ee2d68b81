"""Calibrations drawn uniformly from the supported set: within every parameter's bounds and
satisfying every constraint of the ledger.

Two samplers, both exact in their limit and both deterministic for a seed (the same bytes on
every run):

- **rejection**: uniform draws in the box of bounds, kept when every constraint holds; the
  kept draws are uniform on the supported set, and the share kept is the *acceptance rate*
  (the supported set's share of the box's volume).
- **hit-and-run** with shrinkage, for when rejection keeps too few draws: from a supported
  point, pick a uniformly random direction, and draw a point uniformly on the chord the box
  cuts along it; if it is not supported, shrink the chord towards the current point on that
  side and draw again (Neal 2003, "Slice sampling", Ann. Statist. 31(3), section 4.2; the
  chord version is Smith 1984, Oper. Res. 32(6)). Each step leaves the uniform distribution on
  the supported set invariant, also when the set is not convex. Many chains run side by side
  (one vector evaluation of the constraints per round of shrinking), start from supported
  points (the rejection pilot's, or the scenario's own calibration), burn in and are
  thinned. They run in blocks with random streams of their own (:class:`_ChainPlan`), side
  by side in one process or spread over an executor's workers to the same bytes, and try a
  straggler's next shrinking candidates together (:func:`_block_steps`).

By default (:func:`draw`'s ``rejection=True``: every draw of ``calibrate``, ``analyze``
and ``validate --expect``) the rejection carries on past its pilot while the share it keeps
projects the draws asked for within a budget of box draws (:func:`rejection_budget`:
:data:`BOX_DRAWS_PER_STEP` for each step the chains would take), and hit-and-run runs only
when that budget would not do: rejection's draws are exact and independent, and a box draw
checked in the ledger's stages (:func:`check_sets`: the constraints on parameters alone
first, which 1.3% of the shipped ledger's box passes, then the payoffs for those) costs
under a microsecond of CPU against about 18 to 40 for a chain's step (docs/calibration.md,
wave 13). ``rejection=False`` stops the rejection at its pilot (tests and benchmarks of the
chains).

Each sampler's steps yield the points they need checked (a generator): :func:`draw` checks
them against its ledger, :func:`draw_each` runs the samplers of several subsets of one ledger
side by side and checks all their points in one evaluation, to the same draws.

Coordinates: each drawn parameter is mapped to [0, 1] by its bounds, so a direction weighs
every parameter alike. Held parameters (the ledger's ``held:`` list, and any the caller
fixes) are never drawn.

Every hit-and-run draw can say whether its chains forgot where they started
(:func:`chain_mixing`, Gelman and Rubin's idea of comparing chains started apart): the
chains are split by their starting point into two groups and each drawn parameter's two
samples are compared with a two-sample Kolmogorov-Smirnov test.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from sim.article.parameters import SPEC, SPECS, FloatArray, Parameters
from sim.calibrate.constraints import ConstraintLedger
from sim.errors import HedgesimError
from sim.results.calibration import MIXING_CHANCE, MIXING_LOOSE_P, MIXING_P, ChainMixing

_T = TypeVar("_T")

#: Draws of the rejection pilot (in chunks of :data:`CHUNK`).
PILOT = 50_000
CHUNK = 20_000
#: Hit-and-run: steps before the first kept point and steps between kept points (both times
#: the dimension), chains side by side, shrink attempts before a step stays where it is.
#: The burn-in is what makes chains that start from a few supported points forget them: on
#: the shipped ledger (63 drawn parameters, 4e-5 of the box supported), two draws of 320
#: calibrations with different seeds (one chain each) differed in 41 of the 63 parameters'
#: distributions (two-sample Kolmogorov-Smirnov p < 0.001) after 100 steps, 5 after 1,000 and
#: none after 3,000 (4 at p < 0.05, what chance gives); 50 a dimension is 3,150 steps there
#: (docs/calibration.md, 2026-12-01). Hit-and-run mixes in about d^2 steps for a round body
#: and more for a thin one (Lovasz and Vempala 2006, SIAM J. Comput. 35(4)). The mixing
#: check every draw reports (:func:`chain_mixing`) on the default analysis's 320 chains
#: (seed 0): 61, 59, 23 and 0 of 63 parameters differ after 20, 100, 1,000 and 3,150 steps.
#: 100 a dimension (6,300 steps, wave 11): 3,150 is below the ``d^2`` = 3,969 of a round
#: body, and the answers themselves (:mod:`sim.calibrate.replication`) still told the two
#: halves of the starts apart in the analysis of 2026-12-02 00:22 at 3,150 steps: 4 of 9
#: tests at p < 0.05, which 0.7% of 300 random even/odd splits of the same draws gave.
#: Doubling costs about two minutes of the default analysis's draws.
BURN_IN_PER_DIM = 100
THIN_PER_DIM = 0.5
CHAINS = 256
MAX_SHRINK = 60
#: Chains a block holds: each block of consecutive chains draws from a random stream of its
#: own (:class:`_ChainPlan`), so blocks can run on any worker to the same bytes.
CHAIN_BLOCK = 32
#: Speculative shrinkage (:func:`_block_steps`): candidates a chain has checked at once, at most.
SPECULATE = 8
#: Batches of at least this many points are checked in the ledger's stages
#: (:func:`check_sets`): the box draws of a rejection, not hit-and-run's candidates (near the
#: supported set, they mostly pass the cheap stage, which would only add a check's fixed cost).
CASCADE = 4096
#: Box draws a rejection carried on past its pilot draws a round (:func:`_pilot_steps`): a
#: constant, so a set's draws do not depend on how many sets are drawn beside it.
REJECTION_CHUNK = 10_000
#: A rejection carried on past its pilot (:func:`draw`'s ``rejection``, the default) may
#: spend this many box draws for each chain-step of the hit-and-run it replaces: a third of
#: the measured ratio of a chain-step's CPU to a box draw's checked in stages (about 24: 18
#: and 0.75 microseconds, docs/calibration.md), so a rejection that runs out of its budget
#: and falls back to hit-and-run costs at most about a third more than the hit-and-run alone.
BOX_DRAWS_PER_STEP = 8


@dataclass(frozen=True)
class Space:
    """The box the calibrations are drawn in: the drawn parameters' bounds, and the fixed
    values of every other parameter (``base``, one calibration)."""

    names: tuple[str, ...]
    lower: FloatArray
    upper: FloatArray
    base: Parameters

    @classmethod
    def of(cls, ledger: ConstraintLedger, base: Parameters,
           fixed: tuple[str, ...] = ()) -> Space:  # fmt: skip
        held = set(ledger.held) | set(fixed)
        names = tuple(s.name for s in SPECS if s.name not in held and s.bounds[0] < s.bounds[1])
        lo = np.array([SPEC[n].bounds[0] for n in names])
        hi = np.array([SPEC[n].bounds[1] for n in names])
        return cls(names, lo, hi, base)

    @property
    def dim(self) -> int:
        return len(self.names)

    def params(self, unit: FloatArray, read: frozenset[str] | None = None) -> Parameters:
        """The batch of calibrations at unit-cube coordinates ``(B, D)``. With ``read``, only
        those parameters are columns (each as the whole batch's, to the bit), every other at
        ``base``'s value: for a check that reads no other (:func:`check_sets`'s first stage
        reads 25 of 69 on the shipped ledger)."""
        if read is not None:
            unit = np.asarray(unit)
            values: dict[str, Any] = dict(self._base)
            for k, name in enumerate(self.names):
                if name in read:
                    values[name] = self.lower[k] + unit[:, k] * (self.upper[k] - self.lower[k])
            values.update({k: np.full(len(unit), v) for k, v in self._fixed.items() if k in read})
            return Parameters(**values)
        x = self.lower + np.asarray(unit) * (self.upper - self.lower)
        columns = np.ascontiguousarray(x.T)  # each parameter's values contiguous, one copy
        changes = dict(zip(self.names, columns, strict=True))
        size = x.shape[0]
        fixed = {k: np.full(size, v) for k, v in self._fixed.items()}
        return Parameters(**fixed, **changes)

    @functools.cached_property
    def _base(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.base.as_dict().items()}

    @functools.cached_property
    def _fixed(self) -> dict[str, float]:
        """The values of the parameters not drawn (``base``'s)."""
        drawn = set(self.names)
        return {k: float(v) for k, v in self.base.as_dict().items() if k not in drawn}

    def unit(self, params: Parameters) -> FloatArray:
        """Unit-cube coordinates ``(B, D)`` of a batch (or one calibration)."""
        cols = [np.atleast_1d(np.asarray(getattr(params, n), dtype=np.float64))
                for n in self.names]  # fmt: skip
        x = np.stack(np.broadcast_arrays(*cols), axis=1)
        return np.asarray((x - self.lower) / (self.upper - self.lower))


@dataclass(frozen=True)
class Draws:
    """Calibrations drawn from the supported set, and how.

    ``unit`` ``(n, D)`` unit-cube coordinates of the drawn parameters (:class:`Space`);
    ``acceptance`` the rejection pilot's share of box draws that were supported (``pilot``
    draws); ``method`` ``rejection`` or ``hit-and-run``. Hit-and-run's draws also keep its
    ``burn_in`` (steps before a chain's first kept point), its number of ``chains`` and
    their ``starts`` ``(S, D)``: chain ``c`` started at ``starts[(first + c) % S]``, and
    point ``i`` of ``unit`` is chain ``i % chains``'s (its first kept point when
    ``i < chains``); ``first`` is 0 but for rows taken from a larger draw (:meth:`rows`).
    """

    space: Space
    unit: FloatArray
    method: str
    acceptance: float
    pilot: int
    accepted: int
    burn_in: int | None = None
    chains: int = 0
    starts: FloatArray | None = None
    first: int = 0

    @property
    def params(self) -> Parameters:
        return self.space.params(self.unit)

    def rows(self, start: int, stop: int) -> Draws:
        """Rows ``start:stop`` as a draw of their own. With one chain a row (the analysis's
        draws: ``chains`` = the rows asked for) the rows are independent given their
        starts, so any slice is a uniform sample of the supported set as good as a draw of
        that size (each of its chains still knows its start: ``first``); rejection rows are
        independent anyway."""
        if self.method == "hit-and-run" and self.chains != len(self.unit):
            raise ValueError(f"rows of a draw of {len(self.unit)} points on {self.chains} "
                             "chains: only a draw of one chain a point can be cut")
        stop = min(stop, len(self.unit))
        return replace(self, unit=self.unit[start:stop],
                       chains=stop - start if self.chains else 0, first=self.first + start)


def _supported(ledger: ConstraintLedger, space: Space, unit: FloatArray) -> np.ndarray:
    if not ledger.constraints:
        return np.ones(unit.shape[0], dtype=bool)
    if len(unit) < CASCADE:
        return np.asarray(ledger.satisfied(space.params(unit)).all(axis=1))
    keep = np.ones((1, len(ledger.constraints)), dtype=bool)
    return check_sets(ledger, space, unit, keep, np.zeros(len(unit), dtype=np.intp))


def check_sets(ledger: ConstraintLedger, space: Space, unit: FloatArray, keep: np.ndarray,
               row_set: np.ndarray) -> np.ndarray:  # fmt: skip
    """``(B,)``: whether each point of ``unit`` satisfies every constraint its set keeps
    (``keep`` ``(S, K)`` booleans over ``ledger``'s constraints, ``row_set`` ``(B,)`` each
    point's set), checked in pieces of :data:`CHUNK` points. A batch of at least
    :data:`CASCADE` points is checked in the ledger's stages
    (:attr:`ConstraintLedger.stages`: the constraints on parameters alone, then those that
    read stage payoffs), each stage only on the points every earlier stage kept: box draws
    mostly fail a cheap constraint (1.3% of the shipped ledger's box pass its 13), so the
    payoffs are read for few. The verdicts are the whole check's, point for point (each
    constraint's margin on a point does not depend on what is checked with it)."""
    ok = np.ones(len(unit), dtype=bool)
    stages = ledger.stages if len(unit) >= CASCADE else ((np.arange(keep.shape[1]), ledger),)
    for i in range(0, len(unit), CHUNK):
        at = np.arange(i, min(i + CHUNK, len(unit)))
        for columns, part in stages:
            if not at.size:
                break
            held = part.satisfied(space.params(unit[at], part.parameters_read))
            held = np.broadcast_to(held, (len(at), held.shape[1]))  # a constant constraint
            good = (held | ~keep[row_set[at]][:, columns]).all(axis=1)
            ok[at[~good]] = False
            at = at[good]
    return ok


#: A sampler's steps: yields the unit points it needs checked, is sent which are supported,
#: and returns its result (:func:`_run` drives one, :func:`draw_each` several in lockstep).
Steps = Generator[FloatArray, np.ndarray, _T]


def _run(steps: Steps[_T], ledger: ConstraintLedger, space: Space) -> _T:
    """Drive ``steps``, checking each batch of points it asks about against ``ledger``."""
    try:
        ask = next(steps)
        while True:
            ask = steps.send(_supported(ledger, space, ask))
    except StopIteration as done:
        return done.value


def rejection_pilot(
    ledger: ConstraintLedger, space: Space, rng: np.random.Generator, draws: int, keep: int
) -> tuple[FloatArray, int, int]:
    """Uniform box draws in chunks until ``keep`` are supported or ``draws`` are spent:
    ``(kept unit points, draws made, kept count)``."""
    return _run(_pilot_steps(space, rng, draws, keep), ledger, space)


def _pilot_steps(space: Space, rng: np.random.Generator, draws: int, keep: int,
                 budget: int = 0) -> Steps[tuple[FloatArray, int, int]]:  # fmt: skip
    """Box draws until ``keep`` are supported: ``draws`` of them (the pilot, in chunks of
    :data:`CHUNK`), then, up to ``budget`` in all, :data:`REJECTION_CHUNK` more a round as
    long as the share kept so far projects ``keep`` within the budget (``made * keep /
    max(kept, 1) <= budget``). The same stream throughout: the kept points are the first
    supported ones of one uniform sequence, whatever the chunks."""
    kept: list[FloatArray] = []
    made = count = 0
    while count < keep and made < max(draws, budget):
        if made >= draws and made * keep > budget * max(count, 1):
            break  # the rejection would not keep enough within its budget
        size = min(CHUNK, draws - made) if made < draws else min(REJECTION_CHUNK, budget - made)
        u = rng.random((size, space.dim))
        ok = yield u
        kept.append(u[ok])
        made += size
        count += int(ok.sum())
    out = np.concatenate(kept) if kept else np.zeros((0, space.dim))
    return out, made, count


def hit_and_run(
    ledger: ConstraintLedger,
    space: Space,
    start: FloatArray,
    n: int,
    rng: np.random.Generator,
    *,
    burn_in: int | None = None,
    thin: int | None = None,
    chains: int = CHAINS,
) -> FloatArray:
    """``n`` points from hit-and-run chains (module docstring) started at the supported
    points ``start`` ``(S, D)`` (chain ``c`` starts at ``start[c % S]``), the blocks' seeds
    spawned from one drawn from ``rng``."""
    seed = np.random.SeedSequence(int(rng.integers(2**63)))
    plan = _ChainPlan.of(space, start, n, seed, burn_in, thin, chains)
    return plan.assemble(_run(plan.steps(space, plan.blocks), ledger, space))


@dataclass(frozen=True)
class _ChainPlan:
    """How ``n`` hit-and-run points are drawn: ``chains`` chains from ``starts`` (chain
    ``c`` at ``starts[c % S]``), cut into blocks of :data:`CHAIN_BLOCK` consecutive chains,
    block ``b`` with the ``b``-th seed spawned from the draw's chain seed
    (:meth:`numpy.random.SeedSequence.spawn`). Each block's chains use only their block's
    stream, and a point's check does not depend on the points checked with it, so the
    draws are the same bytes whichever blocks run together, in which process, on how many
    workers (:func:`draw`'s ``run``)."""

    n: int
    dim: int
    starts: FloatArray
    chains: int
    per_chain: int
    burn_in: int
    thin: int
    blocks: tuple[tuple[FloatArray, np.random.SeedSequence], ...]

    @classmethod
    def of(cls, space: Space, starts: FloatArray, n: int, seed: np.random.SeedSequence,
           burn_in: int | None, thin: int | None, chains: int) -> _ChainPlan:  # fmt: skip
        dim = space.dim
        chains = chain_count(n, chains)
        x = np.asarray(starts[np.arange(chains) % len(starts)], dtype=np.float64)
        seeds = seed.spawn(-(-chains // CHAIN_BLOCK))
        blocks = tuple((x[b * CHAIN_BLOCK:(b + 1) * CHAIN_BLOCK], s) for b, s in enumerate(seeds))
        return cls(n, dim, starts, chains, -(-n // chains),
                   default_burn_in(dim) if burn_in is None else burn_in, _thin(dim, thin),
                   blocks)  # fmt: skip

    def steps(self, space: Space, blocks: Sequence[tuple[FloatArray, np.random.SeedSequence]]
              ) -> Steps[list[FloatArray]]:  # fmt: skip
        """``blocks``' chains side by side (one check a round for them all)."""
        return _lockstep([_block_steps(space, x, self.per_chain, np.random.default_rng(s),
                                       self.burn_in, self.thin) for x, s in blocks])  # fmt: skip

    def assemble(self, parts: Sequence[FloatArray]) -> FloatArray:
        """The blocks' ``(per_chain, B, D)`` points as ``(n, D)``: point ``i`` is chain
        ``i % chains``'s."""
        return np.concatenate(list(parts), axis=1).reshape(-1, self.dim)[:self.n]


def _run_blocks(ledger: ConstraintLedger, space: Space, plan: _ChainPlan,
                blocks: Sequence[tuple[FloatArray, np.random.SeedSequence]]
                ) -> list[FloatArray]:  # fmt: skip
    """One task of :func:`draw` on an executor: ``blocks`` of ``plan`` in lockstep, checked
    against ``ledger`` (module level, so it pickles)."""
    return _run(plan.steps(space, blocks), ledger, space)


def _lockstep(parts: Sequence[Steps[_T]]) -> Steps[list[_T]]:
    """Several samplers' steps side by side: each round, every running sampler's points in
    one batch, the answers handed back to each; their results in order."""
    asks: dict[int, FloatArray] = {}
    done: dict[int, _T] = {}
    for k, part in enumerate(parts):
        try:
            asks[k] = next(part)
        except StopIteration as stop:
            done[k] = stop.value
    while asks:
        ok = yield (next(iter(asks.values())) if len(asks) == 1
                    else np.concatenate(list(asks.values())))  # fmt: skip
        at, running = 0, {}
        for k, ask in asks.items():
            try:
                running[k] = parts[k].send(ok[at:at + len(ask)])
            except StopIteration as stop:
                done[k] = stop.value
            at += len(ask)
        asks = running
    return [done[k] for k in range(len(parts))]


def _block_steps(space: Space, start: FloatArray, per_chain: int, rng: np.random.Generator,
                 burn_in: int, thin: int) -> Steps[FloatArray]:  # fmt: skip
    """One block's chains (one per row of ``start``): ``burn_in`` steps, then a point kept
    every ``thin`` steps, ``per_chain`` each: ``(per_chain, B, D)``.

    A step's shrinkage is *speculative*: a chain still looking for a supported point on its
    chord gets ``k`` candidates checked at once (``k`` grows as fewer of the block's chains
    are still looking, up to :data:`SPECULATE`, so a round checks at most about the block's
    size of points), the ``j``-th drawn on the chord as the ``j - 1`` before it would have
    shrunk it had they all failed, and the chain moves to the first that holds. That is
    exactly the sequential shrinkage of the module docstring (each candidate is the one it
    would have drawn next, from uniform numbers independent of everything before), in fewer
    checks: a check has a fixed cost (about 2 ms on the shipped ledger whatever its size up
    to a few hundred points, benchmarks/bench_analyze.py), and 320 chains a step made 7.6
    checks one candidate at a time, 2.8 with this. The uniform numbers of the candidates
    after the first that holds are thrown away, which leaves the chain's law unchanged.
    ``k`` at most 8: CPU at 150 burn-in steps (2026-12-02, load 3.8) for 320 chains, 1,014
    chains and the 28 relaxed sets was 3.3, 5.2 and 6.8 s one candidate at a time, 1.8,
    3.8 and 4.9 s with at most 8, 2.7, 5.4 and 6.3 s with at most 64 (the candidates'
    chord arithmetic, a loop over ``k``, outgrows the checks it saves)."""
    dim = space.dim
    chains = len(start)
    x = np.array(start, dtype=np.float64)
    if not (yield x).all():
        raise HedgesimError("hit-and-run must start at supported points")
    out = np.empty((per_chain, chains, dim))
    steps = burn_in + per_chain * thin
    for step in range(1, steps + 1):
        d = rng.standard_normal((chains, dim))
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            to_lo = np.where(d != 0, -x / d, np.nan)
            to_hi = np.where(d != 0, (1.0 - x) / d, np.nan)
        t_lo = np.nanmax(np.minimum(to_lo, to_hi), axis=1)
        t_hi = np.nanmin(np.maximum(to_lo, to_hi), axis=1)
        active = np.arange(chains)
        tries = 0
        while active.size and tries < MAX_SHRINK:
            k = min(max(1, chains // active.size), SPECULATE, MAX_SHRINK - tries)
            u = rng.random((active.size, k))
            lo, hi = t_lo[active], t_hi[active]
            t = np.empty((active.size, k))
            for j in range(k):  # the chord each candidate is drawn on, had those before failed
                t[:, j] = lo + u[:, j] * (hi - lo)
                lo = np.where(t[:, j] < 0, t[:, j], lo)
                hi = np.where(t[:, j] >= 0, t[:, j], hi)
            y = np.clip(x[active, None, :] + t[:, :, None] * d[active, None, :], 0.0, 1.0)
            ok = np.asarray((yield y.reshape(-1, dim))).reshape(active.size, k)
            hit = ok.any(axis=1)
            first = np.argmax(ok, axis=1)
            x[active[hit]] = y[hit, first[hit]]
            t_lo[active], t_hi[active] = lo, hi  # only the chains still looking read them
            active = active[~hit]
            tries += k
        if step > burn_in and (step - burn_in) % thin == 0:
            out[(step - burn_in) // thin - 1] = x
    return out


def default_burn_in(dim: int) -> int:
    """Hit-and-run's burn-in in ``dim`` dimensions: :data:`BURN_IN_PER_DIM` steps each."""
    return BURN_IN_PER_DIM * dim


def chain_count(n: int, chains: int) -> int:
    """The chains that draw ``n`` points when ``chains`` are asked for: no more than ``n``."""
    return max(1, min(chains, n))


def _thin(dim: int, thin: int | None) -> int:
    return max(1, int(THIN_PER_DIM * dim)) if thin is None else thin


def rejection_budget(dim: int, n: int, burn_in: int | None, thin: int | None,
                     chains: int) -> int:  # fmt: skip
    """The box draws a rejection for ``n`` points may make (:func:`draw`'s ``rejection``):
    :data:`BOX_DRAWS_PER_STEP` for each step of the chains that would draw them otherwise
    (:class:`_ChainPlan`: ``chains`` chains, each burnt in and then thinned to its points)."""
    chains = chain_count(n, chains)
    burn = default_burn_in(dim) if burn_in is None else burn_in
    return BOX_DRAWS_PER_STEP * chains * (burn + -(-n // chains) * _thin(dim, thin))


#: Runs calls ``(function, *arguments)`` (module-level functions, so they pickle) somewhere,
#: and returns their results in order: :func:`draw`'s chain blocks on an executor.
Run = Callable[[list[tuple[Any, ...]]], list[Any]]


def draw(
    ledger: ConstraintLedger,
    space: Space,
    n: int,
    seed: int,
    *,
    method: str = "auto",
    pilot: int = PILOT,
    burn_in: int | None = None,
    thin: int | None = None,
    chains: int = CHAINS,
    run: Run | None = None,
    tasks: int = 1,
    rejection: bool = True,
) -> Draws:
    """``n`` calibrations uniform on the supported set (module docstring).

    ``method``: ``rejection`` (fails if the pilot keeps fewer than ``n``), ``hit-and-run``,
    or ``auto`` (rejection when the pilot of ``pilot`` box draws keeps ``n``, hit-and-run
    from the kept points and the base calibration otherwise). The pilot always runs: its
    share of supported draws is the reported acceptance rate.

    ``rejection`` (with ``auto``; the default, which every production draw uses): when
    the pilot keeps fewer than ``n``, the rejection carries on past it while the share
    kept projects ``n`` within a budget of box draws, :data:`BOX_DRAWS_PER_STEP` for each
    chain-step the hit-and-run would take (:func:`rejection_budget`): exact, independent
    draws where they cost less than the chains. If the budget runs out first, hit-and-run
    starts from every point kept. The acceptance rate is then the share over every box draw
    made. ``False``: hit-and-run whenever the pilot keeps fewer than ``n`` (what tests and
    benchmarks of the chains ask).

    ``run``, ``tasks``: the hit-and-run chains' blocks (:class:`_ChainPlan`) cut into
    ``tasks`` calls of consecutive blocks, run by ``run`` (an executor's workers:
    :func:`sim.calibrate.analysis.draw_runner`); by default every block in this process, in
    lockstep. The draws are the same bytes either way.

    Raises
    ------
    HedgesimError
        If nothing supported is found to start from (see :func:`sim.calibrate.conflicts`).
    """
    if run is None:
        steps = _draw_steps(ledger, space, n, seed, method, pilot, burn_in, thin, chains,
                            rejection)  # fmt: skip
        return _run(steps, ledger, space)
    found = _run(_start_steps(ledger, space, n, seed, method, pilot, burn_in, thin, chains,
                              rejection), ledger, space)  # fmt: skip
    if isinstance(found, Draws):
        return found
    starts, chain_seed, made, count = found
    plan = _ChainPlan.of(space, starts, n, chain_seed, burn_in, thin, chains)
    cut = np.array_split(np.arange(len(plan.blocks)), max(1, min(tasks, len(plan.blocks))))
    done = run([(_run_blocks, ledger, space, plan, [plan.blocks[i] for i in part])
                for part in cut])  # fmt: skip
    return _chain_draws(space, plan, [p for part in done for p in part], made, count)


def draw_each(ledger: ConstraintLedger, space: Space, keep: Sequence[Sequence[str]], n: int,
              seeds: Sequence[int], **options: Any) -> list[Draws]:  # fmt: skip
    """:func:`draw` from several sets at once: set ``k`` is the constraints of ``ledger``
    named in ``keep[k]``, drawn with ``seeds[k]`` (and the same ``options`` for every set).

    The sets' samplers run in lockstep: each round, the points every set asks about are
    checked in one evaluation of ``ledger`` (in chunks of :data:`CHUNK` points), and each set
    reads the constraints it keeps. A point's margins do not depend on the other points
    checked with it, so each set's draws are those of :func:`draw` on
    ``ledger.subset(keep[k])``, to the bit, in a fraction of the checks' Python overhead
    (the relaxed sets of claim importance: :func:`sim.calibrate.analysis.draw_relaxed_sets`).
    """
    ids = ledger.ids()
    masks = np.zeros((len(keep), len(ids)), dtype=bool)
    for k, kept in enumerate(keep):
        masks[k, [ids.index(c) for c in kept]] = True
    running: dict[int, Steps[Draws]] = {}
    asks: dict[int, FloatArray] = {}
    done: dict[int, Draws] = {}
    for k, seed in enumerate(seeds):
        running[k] = _draw_steps(ledger.subset(keep[k]), space, n, seed, **options)
        try:
            asks[k] = next(running[k])
        except StopIteration as stop:
            done[k] = stop.value
    while asks:
        points = np.concatenate(list(asks.values()))
        row_set = np.repeat(np.fromiter(asks, dtype=np.intp, count=len(asks)),
                            [len(a) for a in asks.values()])  # fmt: skip
        held = (check_sets(ledger, space, points, masks, row_set) if ledger.constraints
                else np.ones(len(points), dtype=bool))  # fmt: skip
        at, answers = 0, {}
        for k, ask in asks.items():
            answers[k] = held[at:at + len(ask)]
            at += len(ask)
        asks = {}
        for k, ok in answers.items():
            try:
                asks[k] = running[k].send(ok)
            except StopIteration as stop:
                done[k] = stop.value
    return [done[k] for k in range(len(seeds))]


def _draw_steps(ledger: ConstraintLedger, space: Space, n: int, seed: int,
                method: str = "auto", pilot: int = PILOT, burn_in: int | None = None,
                thin: int | None = None, chains: int = CHAINS,
                rejection: bool = True) -> Steps[Draws]:  # fmt: skip
    """:func:`draw`'s steps in this process (every chain block in lockstep)."""
    found = yield from _start_steps(ledger, space, n, seed, method, pilot, burn_in, thin,
                                    chains, rejection)  # fmt: skip
    if isinstance(found, Draws):
        return found
    starts, chain_seed, made, count = found
    plan = _ChainPlan.of(space, starts, n, chain_seed, burn_in, thin, chains)
    parts = yield from plan.steps(space, plan.blocks)
    return _chain_draws(space, plan, parts, made, count)


def _chain_draws(space: Space, plan: _ChainPlan, parts: Sequence[FloatArray], made: int,
                 count: int) -> Draws:  # fmt: skip
    return Draws(space, plan.assemble(parts), "hit-and-run", count / made if made else 0.0,
                 made, count, burn_in=plan.burn_in, chains=plan.chains, starts=plan.starts)


#: Where hit-and-run starts: ``(starts, the chains' seed, pilot draws made, kept)``.
_Starts = tuple[FloatArray, np.random.SeedSequence, int, int]


def _start_steps(ledger: ConstraintLedger, space: Space, n: int, seed: int, method: str,
                 pilot: int, burn_in: int | None, thin: int | None = None,
                 chains: int = CHAINS, rejection: bool = True
                 ) -> Steps[Draws | _Starts]:  # fmt: skip
    """The pilot and the chains' starts: the rejection draws when they suffice, else
    ``(starts, the chains' seed, pilot draws made, kept)`` (``ledger`` only where no point
    is supported to start from)."""
    if n < 1:
        raise HedgesimError(f"--n must be at least 1, got {n}")
    if method not in ("auto", "rejection", "hit-and-run"):
        raise HedgesimError(f"unknown sampler {method!r}; choose auto, rejection or hit-and-run")
    if burn_in is not None and burn_in < 0:
        raise HedgesimError(f"--burn-in must be at least 0 steps, got {burn_in}")
    pilot_seed, chain_seed = np.random.SeedSequence(seed).spawn(2)
    budget = (rejection_budget(space.dim, n, burn_in, thin, chains)
              if rejection and method == "auto" else 0)  # fmt: skip
    kept, made, count = yield from _pilot_steps(space, np.random.default_rng(pilot_seed), pilot,
                                                n if method != "hit-and-run" else pilot, budget)
    acceptance = count / made if made else 0.0
    if method != "hit-and-run" and count >= n:
        return Draws(space, kept[:n], "rejection", acceptance, made, count)
    if method == "rejection":
        raise HedgesimError(f"rejection kept {count} of {made} draws, fewer than --n {n}; "
                            "use hit-and-run")  # fmt: skip
    starts = kept
    base = space.unit(space.base)
    if (yield base).all():
        starts = np.concatenate([base, kept])
    if len(starts) == 0:
        from sim.calibrate.conflicts import find_supported

        found = find_supported(ledger, space)
        if found is None:
            from sim.calibrate.conflicts import infeasible_error

            raise infeasible_error(ledger, space)
        starts = found[None, :]
    return starts, chain_seed, made, count


def start_groups(unit: FloatArray, starts: FloatArray, chains: int, first: int = 0
                 ) -> tuple[FloatArray, np.ndarray] | None:  # fmt: skip
    """Each chain's first kept point (the first ``chains`` rows of ``unit``, drawn by
    :func:`hit_and_run` from ``starts``; chain ``c`` is chain ``first + c`` of its draw,
    :meth:`Draws.rows`) and its group: 0 when the chain started at an even-indexed start,
    1 at an odd one. ``None`` when there is only one distinct start (no chain started apart
    from another)."""
    if len(np.unique(starts, axis=0)) < 2:
        return None
    return unit[:chains], ((first + np.arange(chains)) % len(starts)) % 2


def chain_mixing(draws: Sequence[Draws]) -> ChainMixing:
    """Whether the chains of ``draws`` (one draw, or several of one space pooled) forgot
    where they started: the check of Gelman and Rubin (1992, "Inference from iterative
    simulation using multiple sequences", Statistical Science 7(4)) that chains started far
    apart should, once burnt in, be draws of one distribution, with their variance
    comparison replaced by a two-sample Kolmogorov-Smirnov test of each drawn parameter
    (:func:`scipy.stats.ks_2samp`), which also sees differences in shape.

    Each draw's chains are split by their starting point (:func:`start_groups`: even- and
    odd-indexed starts), and only a chain's first kept point is compared: the chains are
    independent given their starts, so the points are too (KS assumes independent samples;
    later points of a chain are correlated with its first), and the first kept point is
    the one closest to its start (the check is the strictest it can be). Under mixing each
    parameter's p-value is uniform, so about 0.1% of the parameters differ at
    :data:`MIXING_P` and 5% at :data:`MIXING_LOOSE_P` by chance; the draws are called
    mixed when at most :data:`MIXING_CHANCE` parameter differs at :data:`MIXING_P`.
    Rejection draws are independent: no check is needed. Reads the draws only (the same
    draws, the same bytes, whether or not it runs).
    """
    from scipy import stats

    if not draws or all(d.method == "rejection" for d in draws):
        return ChainMixing(check="rejection")
    names = draws[0].space.names
    parts = [start_groups(d.unit, d.starts, d.chains, d.first) for d in draws
             if d.method == "hit-and-run" and d.starts is not None]  # fmt: skip
    found = [p for p in parts if p is not None]
    if not found:
        return ChainMixing(check="one start")
    points = np.concatenate([p for p, _ in found])
    group = np.concatenate([g for _, g in found])
    sizes = [int(np.sum(group == 0)), int(np.sum(group == 1))]
    if min(sizes) < 2:
        return ChainMixing(check="too few chains", points=sizes)
    p = np.array([stats.ks_2samp(points[group == 0, k], points[group == 1, k]).pvalue
                  for k in range(len(names))])  # fmt: skip
    least = int(np.argmin(p))
    differ = int(np.sum(p < MIXING_P))
    return ChainMixing(check="ks", points=sizes, parameters=len(names), differ=differ,
                       differ_loose=int(np.sum(p < MIXING_LOOSE_P)),
                       least_p=float(p[least]), least_p_parameter=names[least],
                       mixed=differ <= MIXING_CHANCE)  # fmt: skip
