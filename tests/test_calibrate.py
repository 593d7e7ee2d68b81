"""Claims as constraints and calibrations drawn from the set they support (issue 12).

Every test here is fast: tiny samples, short pilots, few chains. The constraints are checked
on sampled calibrations by an evaluator independent of the sampler's (Python's own
expression evaluation over one calibration's stage game from :mod:`sim.article.thresholds`).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS
from sim.article.parameters import SPECS, Parameters, check_bounds
from sim.article.thresholds import stage_game
from sim.calibrate.analysis import AnalysisOptions, draw_relaxed, draw_relaxed_sets, draw_runner
from sim.calibrate.calibration import calibrate, calibrations_csv, read_calibrations
from sim.calibrate.conflicts import InfeasibleLedgerError
from sim.calibrate.constraints import (
    Constraint,
    ConstraintLedger,
    LedgerError,
    load_constraints,
    parse_constraint,
)
from sim.calibrate.sampler import (
    BURN_IN_PER_DIM,
    CASCADE,
    CHAIN_BLOCK,
    REJECTION_CHUNK,
    Draws,
    Space,
    chain_mixing,
    check_sets,
    draw,
    draw_each,
    hit_and_run,
    rejection_budget,
)
from sim.calibrate.sensitivity import Z95, prefix_indices, sobol_design, sobol_indices
from sim.calibrate.setting import Setting
from sim.claims import load_ledger
from sim.errors import HedgesimError
from sim.results.calibration import CalibrationResults, ChainMixing

ROOT = Path(__file__).resolve().parents[1]
LEDGER = load_constraints()
FAST = {"pilot": 2000, "chains": 16, "burn_in": 20, "thin": 4}


def _setting(base: Parameters | None = None) -> Setting:
    return Setting("test", "test.yaml", base or Parameters(), (), 4, 30.0)


# -- the ledger -------------------------------------------------------------------------------
def test_the_ledger_states_at_least_15_constraints_covering_f1_to_f5() -> None:
    assert len(LEDGER.constraints) >= 15
    assert {c.fact for c in LEDGER.constraints} >= {"F1", "F2", "F3", "F4", "F5"}
    claims = {c.id for c in load_ledger().claims}
    for c in LEDGER.constraints:
        assert set(c.claims) <= claims, c.id
        assert len(c.restatement.split()) >= 5, c.id


def test_every_parameter_has_bounds_and_a_reason() -> None:
    for spec in SPECS:
        lo, hi = spec.bounds
        assert lo <= spec.default <= hi and lo < hi, spec.name
        assert len(spec.reason.split()) >= 3, spec.name


def test_the_baseline_satisfies_every_constraint() -> None:
    """The model's own calibration is one the claims support (otherwise the ledger or the
    defaults are wrong)."""
    assert LEDGER.satisfied(Parameters()).all()


def _independent(c: Constraint, params: Parameters) -> bool:
    """The constraint checked without the sampler's evaluator: Python evaluates the
    ``holds`` text with payoffs read off :func:`stage_game` (one calibration)."""
    changes: dict[str, float] = {}
    for name, value in c.state.set:
        spec = next(s for s in SPECS if s.name == name)
        changes[name] = spec.bounds[0 if value == "lower" else 1] if isinstance(value, str) \
            else float(value)
    at = params.replace(**changes)
    beliefs = {cp: (float(getattr(at, f"prior_{cp}")) if b is None else b)
               for cp, b in c.state.beliefs}
    game = stage_game(at, beliefs)

    class Payoff:
        def __init__(self, player: str) -> None:
            self.k = PLAYERS.index(player)

        def __getitem__(self, profile: tuple[str, ...]) -> float:
            idx = tuple(ACTIONS[p].index(a) for p, a in zip(PLAYERS, profile, strict=True))
            return float(game.payoffs[(self.k, *idx)])

    names: dict[str, object] = {s.name: float(getattr(at, s.name)) for s in SPECS}
    names.update({p: Payoff(p) for p in PLAYERS})
    names.update({a: a for p in PLAYERS for a in ACTIONS[p]})
    return bool(eval(c.holds, {"__builtins__": {}}, names))  # noqa: S307 - the test's oracle


def test_every_sampled_calibration_satisfies_every_constraint() -> None:
    cal = calibrate(_setting(), 12, seed=3, **FAST)
    params = cal.params
    assert not check_bounds(params)
    for b in range(12):
        one = params.calibration(b)
        for c in LEDGER.constraints:
            assert _independent(c, one), (b, c.id)
    assert all(c.satisfied == 12 and c.least_margin > 0 for c in cal.results.constraints)


def test_the_independent_check_can_fail() -> None:
    """The oracle above is not vacuous: a calibration the claims rule out fails it."""
    bad = Parameters(war_cost=1.0, axis_bonus=3.0)
    k09 = next(c for c in LEDGER.constraints if c.id == "K01")
    assert not _independent(k09, bad)
    assert not LEDGER.satisfied(bad)[0][LEDGER.ids().index("K01")]


# -- the checks read only the payoffs they name ----------------------------------------------
def _extra(cid: str, holds: str, at: dict[str, object]) -> Constraint:
    raw = {"id": cid, "claims": ["C05"], "restatement": "r", "holds": holds, "at": at}
    return parse_constraint(raw, "test")


#: Constraints beyond the shipped ledger's: states that set the same parameters to numbers
#: (stacked as numbers), set beliefs, read several players and unary minus.
EXTRA = (
    _extra("X1", "iran[hedge, support, interdict, engage] - gulf[hedge, support, interdict, "
                 "wait] > war_cost",
           {"beliefs": {"iran": 0.3, "gulf": 0.9}, "set": {"gulf_incentive": "lower",
                                                           "war_cost": 2.0}}),
    _extra("X2", "syria[hedge, condition, escalate, isolate] * 2 < israel[realign, withdraw, "
                 "restrain, wait]", {"set": {"gulf_incentive": 5.0, "war_cost": 1.5}}),
    _extra("X3", "-syria[align, support, interdict, engage] / 3 + gulf[realign, withdraw, "
                 "interdict, engage] >= 0", {"beliefs": {"israel": 0.1}}),
)


@pytest.mark.parametrize("size", [1, 5, 400])
def test_the_checks_margins_are_the_whole_stage_games_bit_for_bit(size: int) -> None:
    """:meth:`ConstraintLedger.margins` (only the payoff cells the constraints read, the
    states that read one player evaluated together: ``read_payoffs``) equals
    :meth:`ConstraintLedger.reference_margins` (each state's whole stage game by
    :func:`sim.article.terms.reference_payoffs`, the term-by-term sum of every player's
    terms on the grid) bit for bit: the same operations in the same order at every cell, so
    the sampler accepts and rejects, and draws, what the straightforward evaluation would.
    Random calibrations in the box of bounds (most violate some constraint), the shipped
    ledger with :data:`EXTRA`; each constraint alone too, and one after another sharing
    what they read."""
    ledger = ConstraintLedger(LEDGER.constraints + EXTRA, (), "both")
    space = Space.of(ledger, Parameters())
    params = space.params(np.random.default_rng(size).random((size, space.dim)))
    fast, reference = ledger.margins(params), ledger.reference_margins(params)
    assert fast.shape == reference.shape == (size, len(ledger.constraints))
    assert np.array_equal(fast, reference)
    shared: dict[object, object] = {}  # filled one constraint at a time
    for k, c in enumerate(ledger.constraints):
        for cache in (None, shared):
            margin = c.margin(params, cache)  # type: ignore[arg-type]
            assert np.array_equal(np.broadcast_to(margin, (size,)), reference[:, k])
    one = ledger.margins(Parameters())  # one calibration of floats
    assert one.shape == (1, len(ledger.constraints))
    assert np.array_equal(one, ledger.reference_margins(Parameters()))


def test_sets_drawn_in_lockstep_are_each_sets_own_draws() -> None:
    """:func:`draw_each` runs several sets' samplers side by side and checks the points they
    all ask about in one evaluation of the ledger; each set's draws are :func:`draw`'s on
    its own subset of the ledger, to the bit (a point's margins do not depend on the points
    checked with it). Relaxed sets of the shipped ledger (hit-and-run) and the empty set (the
    whole box: rejection), each with its own seed; and the analysis's relaxed sets."""
    space = Space.of(LEDGER, Parameters())
    ids = LEDGER.ids()
    keep = [[c for c in ids if c != cid] for cid in ids[:3]] + [[]]
    together = draw_each(LEDGER, space, keep, 5, [7, 8, 9, 10], rejection=False, **FAST)
    for k, kept in enumerate(keep):
        alone = draw(LEDGER.subset(kept), space, 5, 7 + k, rejection=False, **FAST)
        assert together[k].unit.tobytes() == alone.unit.tobytes(), k
        assert (together[k].method, together[k].acceptance) == (alone.method, alone.acceptance)
    assert [d.method for d in together] == ["hit-and-run"] * 3 + ["rejection"]
    carried = draw_each(LEDGER, space, keep[:2], 2, [30, 31], pilot=2000, burn_in=6000)
    assert [d.method for d in carried] == ["rejection"] * 2  # by default, carried on
    sampler = {"chains": 8, "burn_in": 10, "thin": 3}
    sets = draw_relaxed_sets(LEDGER, space, 4, 20, sampler)
    for k in (0, len(ids) - 1):
        assert sets[k].tobytes() == draw_relaxed(LEDGER, space, ids[k], 4, 20 + k,
                                                 sampler).tobytes()  # fmt: skip


def test_the_staged_check_gives_the_whole_checks_verdicts() -> None:
    """:func:`check_sets` checks a large batch in the ledger's stages (the constraints on
    parameters alone, then those that read payoffs, each on the points the earlier stage
    kept); its verdicts are the whole ledger's, point for point: on box draws (most fail
    the first stage), on points near the supported set (hit-and-run's supported draws moved
    a little, so many fail only a payoff constraint) and, per set, for sets that each drop
    one constraint (a point passes when every constraint its set keeps holds)."""
    space = Space.of(LEDGER, Parameters())
    stages = LEDGER.stages
    assert len(stages) == 2 and all(len(cols) for cols, _ in stages)
    assert sorted(np.concatenate([cols for cols, _ in stages])) == list(range(len(LEDGER.ids())))
    rng = np.random.default_rng(5)
    near = draw(LEDGER, space, 40, 3, rejection=False, **FAST).unit  # type: ignore[arg-type]
    moved = np.clip(np.repeat(near, 150, axis=0) + rng.normal(0, 0.02, (6000, space.dim)), 0, 1)
    unit = np.concatenate([rng.random((CASCADE, space.dim)), moved])
    rng.shuffle(unit)
    held = LEDGER.satisfied(space.params(unit))
    every = np.ones((1, held.shape[1]), dtype=bool)
    staged = check_sets(LEDGER, space, unit, every, np.zeros(len(unit), dtype=np.intp))
    assert np.array_equal(staged, held.all(axis=1))
    assert 0 < staged.sum() < len(unit) - CASCADE  # some moved points hold, some do not
    keep = ~np.eye(held.shape[1], dtype=bool)  # set k: every constraint but the k-th
    row_set = rng.integers(0, held.shape[1], len(unit))
    by_set = check_sets(LEDGER, space, unit, keep, row_set)
    assert np.array_equal(by_set, (held | ~keep[row_set]).all(axis=1))
    assert by_set.sum() > staged.sum()  # dropping a constraint admits more


def test_a_rejection_carried_on_keeps_the_first_supported_box_draws() -> None:
    """By default (``rejection=True``) the pilot's box stream carries on until ``n`` are
    supported, within a budget of :data:`sim.calibrate.sampler.BOX_DRAWS_PER_STEP` box draws
    per chain-step the hit-and-run would take. The draws are the first ``n`` supported points
    of one uniform stream (the pilot's generator, rebuilt here and checked by the whole
    ledger), every one satisfies every constraint by the independent oracle, and the
    acceptance rate is over every box draw made. With a budget below the pilot (a short
    burn-in) nothing changes: the same hit-and-run bytes as with ``rejection=False``."""
    space = Space.of(LEDGER, Parameters())
    n, burn = 6, 6000
    budget = rejection_budget(space.dim, n, burn, None, n)
    d = draw(LEDGER, space, n, 8, chains=n, pilot=2000, burn_in=burn)
    assert d.method == "rejection" and d.burn_in is None and 2000 < d.pilot <= budget
    assert d.accepted >= n and d.acceptance == d.accepted / d.pilot
    rng = np.random.default_rng(np.random.SeedSequence(8).spawn(2)[0])
    box = rng.random((d.pilot, space.dim))
    ok = LEDGER.satisfied(space.params(box)).all(axis=1)
    assert ok.sum() == d.accepted  # the chunk that kept the n-th is the last one drawn
    assert ok[:d.pilot - REJECTION_CHUNK].sum() < n
    assert np.array_equal(d.unit, box[ok][:n])
    for b in range(n):
        one = d.params.calibration(b)
        assert all(_independent(c, one) for c in LEDGER.constraints), b
    short = {"pilot": 2000, "chains": n, "burn_in": 3, "thin": 2}
    assert rejection_budget(space.dim, n, 3, 2, n) < 2000
    plain = draw(LEDGER, space, n, 8, rejection=False, **short)  # type: ignore[arg-type]
    carried = draw(LEDGER, space, n, 8, **short)  # type: ignore[arg-type]
    assert carried.method == plain.method == "hit-and-run"
    assert (carried.unit.tobytes(), carried.pilot) == (plain.unit.tobytes(), plain.pilot)


def test_a_rejection_that_cannot_fill_its_budget_stops_early_and_runs_chains() -> None:
    """A rejection whose kept share projects ``n`` beyond its budget stops (well before the
    budget when the projection is clear) and hit-and-run starts from every point it kept:
    here 400 points asked of the shipped ledger (about 1e-4 of the box supported) with a
    budget of 12,800 box draws (:func:`rejection_budget`), which the
    pilot's 2,000 already show cannot keep 400 (they keep about none), so it stops below
    the budget. Drawn in lockstep with other sets (:func:`draw_each`), the same bytes as
    alone."""
    space = Space.of(LEDGER, Parameters())
    options = {"pilot": 2000, "chains": 40, "burn_in": 20, "thin": 2}
    budget = rejection_budget(space.dim, 400, 20, 2, 40)
    assert budget > 2000
    d = draw(LEDGER, space, 400, 9, **options)  # type: ignore[arg-type]
    assert d.method == "hit-and-run" and 2000 <= d.pilot < budget and d.accepted < 400
    assert d.starts is not None and len(d.starts) >= d.accepted
    assert LEDGER.satisfied(d.params).all()
    together = draw_each(LEDGER, space, [list(LEDGER.ids()), []], 400, [9, 10], **options)
    assert together[0].unit.tobytes() == d.unit.tobytes() and together[0].pilot == d.pilot
    assert together[1].method == "rejection"


def test_held_parameters_are_never_drawn() -> None:
    base = Parameters(shipment_limit_signal=1.0, capacity_iran=0.7)
    cal = calibrate(_setting(base), 8, seed=1, **FAST)
    assert np.all(cal.params.shipment_limit_signal == 1.0)
    assert np.all(cal.params.capacity_iran == 0.7)
    assert "shipment_limit_signal" in cal.results.held


# -- uniformity on a known polytope ---------------------------------------------------------
TRIANGLE = ConstraintLedger(
    (parse_constraint({"id": "T", "claims": ["C05"], "restatement": "a triangle in the unit square",
                       "holds": "war_cost + axis_bonus < 1"}, "test"),),
    (), "triangle",
)


def _triangle_space() -> Space:
    return Space(("war_cost", "axis_bonus"), np.zeros(2), np.ones(2), Parameters())


def _strips_follow_their_areas(x: np.ndarray, y: np.ndarray) -> None:
    """Points of the unit triangle x, y >= 0, x + y < 1: the counts in 8 strips of x, of y and
    of x + y follow the strips' areas (chi-square, p > 0.001). A strip [a, b) of x has
    probability (1-a)^2 - (1-b)^2; of s = x + y, b^2 - a^2."""
    edges = np.linspace(0, 1, 9)
    for values, prob in ((x, lambda a, b: (1 - a) ** 2 - (1 - b) ** 2),
                         (y, lambda a, b: (1 - a) ** 2 - (1 - b) ** 2),
                         (x + y, lambda a, b: b**2 - a**2)):
        counts, _ = np.histogram(values, edges)
        expected = len(x) * np.array([prob(a, b)
                                      for a, b in zip(edges[:-1], edges[1:], strict=True)])
        assert stats.chisquare(counts, expected).pvalue > 1e-3


@pytest.mark.parametrize("method", ["rejection", "hit-and-run"])
def test_the_sampler_is_uniform_on_a_triangle(method: str) -> None:
    """Uniform on the triangle x, y >= 0, x + y < 1: the mean is the centroid (1/3, 1/3)
    (within 4 standard errors, sd of each coordinate sqrt(1/18)), and the counts in strips
    of x, of y and of x + y follow the strips' areas (chi-square, p > 0.001). A strip
    [a, b) of x has probability (1-a)^2 - (1-b)^2; of s = x + y, b^2 - a^2."""
    n = 4000
    d = draw(TRIANGLE, _triangle_space(), n, seed=11, method=method, pilot=20_000,
             chains=400, burn_in=20, thin=5)
    x, y = d.unit[:, 0], d.unit[:, 1]
    assert d.method == method and len(x) == n
    assert np.all(x + y < 1)
    se = math.sqrt(1 / 18) / math.sqrt(n)
    # hit-and-run points are correlated along a chain: allow for it with a wider band
    band = 4 * se * (1 if method == "rejection" else 2)
    assert abs(x.mean() - 1 / 3) < band and abs(y.mean() - 1 / 3) < band
    _strips_follow_their_areas(x, y)
    assert d.acceptance == pytest.approx(0.5, abs=0.02)


def test_the_sampler_is_uniform_on_a_thin_triangle() -> None:
    """Uniform on the thin triangle x, y >= 0, x + y < 0.05 (1/800 of the box): a chord
    through it is mostly outside, so each step shrinks several times, and the speculative
    shrinkage (several candidates checked at once, :func:`sim.calibrate.sampler._block_steps`)
    does most of the work. ``(x, y) / 0.05`` is uniform on the unit triangle: the same strip
    probabilities and centroid as above (chi-square p > 0.001, 4 standard errors doubled
    for the chains' correlation)."""
    thin = ConstraintLedger(
        (parse_constraint({"id": "T", "claims": ["C05"], "restatement": "a thin triangle",
                           "holds": "war_cost + axis_bonus < 0.05"}, "test"),), (), "thin")
    n = 4000
    d = draw(thin, _triangle_space(), n, seed=12, method="hit-and-run", pilot=20_000,
             chains=400, burn_in=20, thin=5)
    x, y = d.unit[:, 0] / 0.05, d.unit[:, 1] / 0.05
    assert np.all(x + y < 1) and len(x) == n
    band = 8 * math.sqrt(1 / 18) / math.sqrt(n)
    assert abs(x.mean() - 1 / 3) < band and abs(y.mean() - 1 / 3) < band
    _strips_follow_their_areas(x, y)


def _here(calls: list[tuple[object, ...]]) -> list[object]:
    """A stand-in executor: each call run here, in order."""
    return [fn(*args) for fn, *args in calls]  # type: ignore[operator]


SPREAD = {"pilot": 2000, "burn_in": 6, "thin": 2}


def test_the_chain_blocks_give_the_same_bytes_however_they_are_grouped() -> None:
    """:func:`draw`'s chains run in blocks of :data:`CHAIN_BLOCK`, each with a seed of its own
    spawned from the draw's: run in lockstep in this process, or cut into any number of
    tasks (here run one after another), the draws are the same bytes (several points a
    chain, so the layout is checked too: point ``i`` is chain ``i % chains``'s); every
    draw satisfies every constraint by the independent oracle; another seed, other draws."""
    space = Space.of(LEDGER, Parameters())
    chains = 2 * CHAIN_BLOCK + 7  # three blocks, the last short
    here = draw(LEDGER, space, 2 * chains, 4, chains=chains, rejection=False,
                **SPREAD)  # type: ignore[arg-type]
    assert here.method == "hit-and-run" and here.chains == chains
    for tasks in (2, 3, 7):
        there = draw(LEDGER, space, 2 * chains, 4, chains=chains, run=_here, tasks=tasks,
                     rejection=False, **SPREAD)  # type: ignore[arg-type]
        assert there.unit.tobytes() == here.unit.tobytes(), tasks
        assert there.starts is not None and here.starts is not None
        assert there.starts.tobytes() == here.starts.tobytes()
        assert (there.acceptance, there.burn_in, there.chains) == (
            here.acceptance, here.burn_in, here.chains)
    params = here.params
    for b in range(0, 2 * chains, 9):
        one = params.calibration(b)
        for c in LEDGER.constraints:
            assert _independent(c, one), (b, c.id)
    other = draw(LEDGER, space, 2 * chains, 5, chains=chains, rejection=False,
                 **SPREAD)  # type: ignore[arg-type]
    assert other.unit.tobytes() != here.unit.tobytes()


@pytest.mark.parametrize(("executor", "workers"),
                         [("processes", 1), ("processes", 2), ("dask", 1), ("dask", 2)])
def test_the_draws_are_the_same_bytes_on_every_executor(executor: str, workers: int) -> None:
    """The analysis's draws on an executor's workers (:func:`draw_runner`: one task a
    worker) are the in-process draws, to the bit: the supported draws' chain blocks and the
    relaxed sets."""
    if executor == "dask":
        pytest.importorskip("dask.distributed")
    space = Space.of(LEDGER, Parameters())
    chains = CHAIN_BLOCK + 9
    here = draw(LEDGER, space, chains, 4, chains=chains, rejection=False,
                **SPREAD)  # type: ignore[arg-type]
    relaxed_here = draw_relaxed_sets(LEDGER, space, 3, 20, SPREAD)
    # a burn-in long enough for the relaxed sets' rejection to carry on (the analysis's way)
    carried = {"pilot": 2000, "burn_in": 6000}
    carried_here = draw_relaxed_sets(LEDGER, space, 2, 30, carried)
    with draw_runner(AnalysisOptions(executor=executor, workers=workers)) as (run, tasks):
        assert tasks == workers
        there = draw(LEDGER, space, chains, 4, chains=chains, run=run, tasks=tasks,
                     rejection=False, **SPREAD)  # type: ignore[arg-type]
        relaxed_there = draw_relaxed_sets(LEDGER, space, 3, 20, SPREAD, run, tasks)
        carried_there = draw_relaxed_sets(LEDGER, space, 2, 30, carried, run, tasks)
    assert there.unit.tobytes() == here.unit.tobytes()
    assert len(relaxed_there) == len(relaxed_here) == len(LEDGER.constraints)
    for a, b in (*zip(relaxed_here, relaxed_there, strict=True),
                 *zip(carried_here, carried_there, strict=True)):  # fmt: skip
        assert a.tobytes() == b.tobytes()


def _mixing_draws(unit: np.ndarray, starts: np.ndarray, chains: int) -> Draws:
    return Draws(_triangle_space(), unit, "hit-and-run", 0.5, 0, 0, burn_in=0, chains=chains,
                 starts=starts)


def test_the_mixing_check_sees_groups_drawn_apart_and_not_groups_drawn_alike() -> None:
    """Chains ``c`` started at ``starts[c % S]`` with ``S = 3``: the even group (starts 0
    and 2) and the odd group (start 1). When the odd group's first kept points are drawn
    from U(0.5, 1) and the even group's from U(0, 0.5), both coordinates differ (the KS
    statistic is 1, p far below 1e-3); when all are drawn from U(0, 1), neither does but
    by chance (a p-value below 1e-3 has probability 1e-3 per coordinate; seed fixed)."""
    rng = np.random.default_rng(3)
    chains = 300
    starts = np.array([[0.1, 0.1], [0.8, 0.8], [0.2, 0.1]])
    odd = (np.arange(chains) % 3) % 2 == 1
    apart = np.where(odd[:, None], 0.5 + 0.5 * rng.random((chains, 2)),
                     0.5 * rng.random((chains, 2)))  # fmt: skip
    m = chain_mixing([_mixing_draws(apart, starts, chains)])
    assert (m.check, m.points, m.parameters) == ("ks", [200, 100], 2)
    assert m.differ == m.differ_loose == 2 and m.mixed is False
    assert m.least_p is not None and m.least_p < 1e-10
    assert m.words().startswith("warning: the chains may not have forgotten their starts: 2 of 2")
    alike = chain_mixing([_mixing_draws(rng.random((chains, 2)), starts, chains)])
    assert alike.check == "ks" and alike.differ == 0 and alike.mixed is True
    assert alike.words().startswith("the chains mixed: 0 of 2 parameters differ")
    # later points of a chain (rows beyond ``chains``) are not compared: only first points
    longer = np.concatenate([rng.random((chains, 2)), apart])
    assert chain_mixing([_mixing_draws(longer, starts, chains)]).differ == 0


def test_the_mixing_check_says_when_it_cannot_or_need_not_run() -> None:
    space = _triangle_space()
    unit = np.random.default_rng(4).random((10, 2))
    rejection = Draws(space, unit, "rejection", 0.5, 20, 10)
    assert chain_mixing([rejection]).check == "rejection"
    assert "not needed (rejection" in chain_mixing([rejection]).words()
    one = _mixing_draws(unit, np.array([[0.1, 0.1], [0.1, 0.1]]), 10)
    assert chain_mixing([one]).check == "one start" and chain_mixing([one]).mixed is None
    few = _mixing_draws(unit, np.array([[0.1, 0.1], [0.2, 0.1]]), 3)
    assert chain_mixing([few]).check == "too few chains"


def test_a_chain_that_has_not_burnt_in_remembers_its_start() -> None:
    """Hit-and-run on the triangle x + y < 1 from two starts in opposite corners: after one
    step a chain's point is still near its start (the chord it moves on passes through the
    start), so the chains started at (0.02, 0.02) and those started at (0.9, 0.05) differ
    in both coordinates; after 200 steps (the triangle mixes in a few steps) they are one
    distribution. 1,000 chains: with 400 the second coordinate's difference after one step
    (means about 0.15 against 0.10) was found at p < 0.001 for only 10 of 20 seeds, with the
    sampler before wave 11 and after alike; with 1,000, for 10 of 10."""
    space = _triangle_space()
    starts = np.array([[0.02, 0.02], [0.9, 0.05]])

    def check(burn_in: int) -> ChainMixing:
        unit = hit_and_run(TRIANGLE, space, starts, 1000, np.random.default_rng(5),
                           burn_in=burn_in, thin=1, chains=1000)  # fmt: skip
        return chain_mixing([_mixing_draws(unit, starts, 1000)])

    unmixed, mixed = check(0), check(200)
    assert unmixed.differ == 2 and unmixed.mixed is False, unmixed.words()
    assert mixed.differ == 0 and mixed.mixed is True, mixed.words()


def test_the_draws_say_how_they_were_drawn() -> None:
    """Hit-and-run's draws keep the burn-in they ran (the default: 50 steps a drawn
    parameter), their chains and starts; rejection's keep none. The check reads the draws
    only: the same seed gives the same points whether or not it runs."""
    space = Space.of(LEDGER, Parameters())
    short = draw(LEDGER, space, 6, 2, pilot=2000, chains=4, burn_in=3, thin=2, rejection=False)
    assert (short.method, short.burn_in, short.chains) == ("hit-and-run", 3, 4)
    assert short.starts is not None and np.all(LEDGER.satisfied(space.params(short.starts)))
    cal = calibrate(_setting(), 6, seed=2, pilot=2000, chains=4, burn_in=3, thin=2)
    assert cal.draws.unit.tobytes() == short.unit.tobytes()
    assert cal.results.burn_in == 3 and cal.results.mixing is not None
    default = draw(TRIANGLE, _triangle_space(), 5, 1, method="hit-and-run", pilot=50, chains=5,
                   thin=1)  # fmt: skip
    assert default.burn_in == BURN_IN_PER_DIM * 2
    assert draw(TRIANGLE, _triangle_space(), 5, 1, pilot=100).burn_in is None
    with pytest.raises(HedgesimError, match="--burn-in must be at least 0 steps, got -1"):
        draw(TRIANGLE, _triangle_space(), 5, 1, method="hit-and-run", pilot=50, burn_in=-1)


@pytest.mark.slow
def test_the_default_burn_in_forgets_where_the_chains_start() -> None:
    """On the shipped ledger (63 drawn parameters, about 4e-5 of the box supported), 160
    hit-and-run chains, one draw each, started from the pilot's few supported points and
    the scenario's own calibration: with the default burn-in (50 steps a dimension) the
    chains started at even- and odd-indexed points are draws of one distribution (the
    mixing check, :func:`chain_mixing`: at most one parameter differs at a two-sample
    Kolmogorov-Smirnov p below 1e-3, 0.06 expected by chance). The check has the power to
    see unmixed chains: after 20 steps more than ten parameters differ (two draws with
    different seeds after 100 steps differed in 41 of 63 at 320 draws,
    docs/calibration.md)."""
    ledger = load_constraints()
    space = Space.of(ledger, Parameters())

    def check(burn_in: int | None) -> ChainMixing:
        d = draw(ledger, space, 160, 11, chains=160, pilot=20_000, burn_in=burn_in,
                 rejection=False)
        return chain_mixing([d])

    assert space.dim == 63
    mixed = check(None)
    assert mixed.check == "ks" and min(mixed.points) >= 40
    assert mixed.differ <= 1 and mixed.mixed is True, mixed.words()
    unmixed = check(20)
    assert unmixed.differ > 10 and unmixed.mixed is False, unmixed.words()


# -- Sobol -----------------------------------------------------------------------------------
def test_sobol_indices_of_the_ishigami_function() -> None:
    """Ishigami (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3 with a = 7,
    b = 0.1. Its variance V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, with
    V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0 and V13 = b^2 pi^8 (1/18 - 1/50):
    S1 = (V1, V2, 0)/V, ST = (V1 + V13, V2, V13)/V (Saltelli et al. 2008, "Global
    Sensitivity Analysis: The Primer", section 4.9; S1 ~ 0.3139, 0.4424, 0; ST ~ 0.5576,
    0.4424, 0.2437). The estimates lie within their 95% interval (plus the interval's own
    error, a quarter more) of the analytic values."""
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * math.pi**4 / 5 + b**2 * math.pi**8 / 18 + 0.5
    v1, v2 = (1 + b * math.pi**4 / 5) ** 2 / 2, a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    s1, st = np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v
    names = ("x1", "x2", "x3")
    u = sobol_design(names, 1024, seed=5)
    x = -math.pi + 2 * math.pi * u
    y = np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])
    found = sobol_indices(names, y, seed=5)
    assert np.all(np.abs(found.S1 - s1) <= 1.25 * found.S1_conf + 1e-3), (found.S1, s1)
    assert np.all(np.abs(found.ST - st) <= 1.25 * found.ST_conf + 1e-3), (found.ST, st)
    assert np.all(found.S1_conf < 0.1)


def _ishigami(u: np.ndarray) -> np.ndarray:
    """Ishigami's function (a = 7, b = 0.1) of unit-cube points mapped to [-pi, pi]^3."""
    x = -math.pi + 2 * math.pi * u
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


#: Ishigami's analytic first-order and total indices (Saltelli et al. 2008, section 4.9; the
#: formulas in :func:`test_sobol_indices_of_the_ishigami_function`).
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def _ishigami_design(base: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """``f(A)``, ``f(B)`` and each factor's ``f(AB_i)`` on ``base`` independent rows."""
    a, b = rng.random((base, 3)), rng.random((base, 3))
    mixed = []
    for i in range(3):
        ab = a.copy()
        ab[:, i] = b[:, i]
        mixed.append(_ishigami(ab))
    return _ishigami(a), _ishigami(b), *mixed


def test_prefix_indices_are_salibs_estimators_on_a_whole_design() -> None:
    """On a whole Saltelli design (every factor and ``f(B)`` on every base row) the
    analysis's estimator is SALib's: the same total indices and bootstrap half-widths (its
    resamples are SALib's for the same seed), and first-order indices that differ only by
    the centring (SALib's on every output, these on the base matrices'), well within their
    intervals."""
    names = ("x1", "x2", "x3")
    base = 512
    y = _ishigami(sobol_design(names, base, seed=5)).reshape(base, 5)
    salib = sobol_indices(names, y.reshape(-1), seed=7)
    ours = prefix_indices(names, y[:, 0], y[:, 4], [y[:, 1], y[:, 2], y[:, 3]], [base] * 3,
                          base, seed=7)  # fmt: skip
    np.testing.assert_allclose(ours.ST, salib.ST, rtol=1e-9)
    np.testing.assert_allclose(ours.ST_conf, salib.ST_conf, rtol=1e-9)
    assert np.all(np.abs(ours.S1 - salib.S1) < 0.1 * salib.S1_conf)


def test_prefix_indices_read_only_their_prefixes_and_find_ishigamis_indices() -> None:
    """Ishigami's function on 4,096 independent base rows with ``f(B)`` solved on the first
    1,024 only and the factors on 4,096, 1,024 and 2,048 rows: every index lies within its
    interval (and a quarter more) of the analytic value; outputs beyond a factor's rows or
    ``f(B)``'s are never read (changing them changes nothing); a factor on more rows has a
    narrower interval."""
    rng = np.random.default_rng(11)
    y_a, y_b, *y_mixed = _ishigami_design(4096, rng)
    rows, b_rows = [4096, 1024, 2048], 1024
    found = prefix_indices(("x1", "x2", "x3"), y_a, y_b, y_mixed, rows, b_rows, seed=3)
    assert np.all(np.abs(found.ST - ISHIGAMI_ST) <= 1.25 * found.ST_conf + 1e-3), found.ST
    assert np.all(np.abs(found.S1 - ISHIGAMI_S1) <= 1.25 * found.S1_conf + 1e-3), found.S1
    noise = [m.copy() for m in y_mixed]
    for m, r in zip(noise, rows, strict=True):
        m[r:] = 1e6
    b_noise = y_b.copy()
    b_noise[b_rows:] = np.nan
    again = prefix_indices(("x1", "x2", "x3"), y_a, b_noise, noise, rows, b_rows, seed=3)
    for k in ("S1", "S1_conf", "ST", "ST_conf"):
        np.testing.assert_array_equal(getattr(again, k), getattr(found, k))
    fewer = prefix_indices(("x1", "x2", "x3"), y_a, y_b, y_mixed, [1024] * 3, b_rows, seed=3)
    assert fewer.ST_conf[0] > found.ST_conf[0] and fewer.ST_conf[2] > found.ST_conf[2]


def test_prefix_indices_half_widths_are_their_spread_over_repeated_designs() -> None:
    """The bootstrap's half-width is z(0.975) times the estimator's standard deviation: over
    300 independent Ishigami designs (512 base rows, ``f(B)`` on the first 128, the factors
    on 512, 128 and 256 rows: every stratum of the stratified bootstrap in use), each total
    index's standard deviation and its mean bootstrap half-width / 1.96 agree within 20%
    (the standard deviation of a standard deviation over 300 draws is about 4%); a
    bootstrap that ignored how the variance's draws and the numerator's share rows would
    not be held to it."""
    rng = np.random.default_rng(5)
    est, half = [], []
    for _ in range(300):
        y_a, y_b, *y_mixed = _ishigami_design(512, rng)
        found = prefix_indices(("x1", "x2", "x3"), y_a, y_b, y_mixed, [512, 128, 256], 128,
                               seed=int(rng.integers(2**31)), resamples=200)  # fmt: skip
        est.append(found.ST)
        half.append(found.ST_conf)
    sd = np.std(est, axis=0, ddof=1)
    mean_half = np.mean(half, axis=0) / Z95
    assert np.all(np.abs(mean_half / sd - 1) < 0.2), (mean_half, sd)


# -- contradictions --------------------------------------------------------------------------
BAD = """
claims:
  - {id: C05, paragraph: 1, restatement: x}
  - {id: C10, paragraph: 1, restatement: y}
constraints:
  - {id: A, claims: [C05], restatement: w, holds: war_cost > axis_bonus}
  - {id: B, claims: [C05], restatement: w, holds: war_cost < 2}
  - {id: C, claims: [C10], restatement: w, holds: axis_bonus > 3}
  - {id: D, claims: [C10], restatement: w, holds: iran_aid > fuel_supply}
  - id: E
    claims: [C05]
    restatement: w
    holds: syria[hedge, support, interdict, engage] > syria[align, support, interdict, engage]
"""


def test_a_contradictory_ledger_is_refused_naming_the_conflict(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    ledger = load_constraints(path)
    with pytest.raises(InfeasibleLedgerError) as err:
        calibrate(_setting(), 4, seed=0, ledger=ledger, pilot=2000)
    assert err.value.conflict == ("A", "B", "C")
    assert str(path) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("holds", "message"),
    [
        ("war_cots > 1", "unknown parameter 'war_cots'"),
        ("war_cost", "expected one comparison"),
        ("syria[hedge, support, interdict] > 0", "one action per player"),
        ("syria[hedge, support, interdict, flee] > 0", "'flee' is not an action of gulf"),
        ("__import__('os') > 1", "unsupported expression"),
        ("1 < war_cost < 2", "expected one comparison"),
    ],
)
def test_a_malformed_constraint_is_one_located_line(tmp_path: Path, holds: str,
                                                    message: str) -> None:
    path = tmp_path / "l.yaml"
    entry = f'{{id: X1, claims: [C05], restatement: r, holds: "{holds}"}}'
    path.write_text(f"constraints:\n  - {entry}\n")
    with pytest.raises(LedgerError, match=r"constraints\[0\] \(X1\)") as err:
        load_constraints(path)
    assert message in str(err.value) and "\n" not in str(err.value)


# -- determinism and the command ----------------------------------------------------------------
def test_same_seed_same_bytes() -> None:
    a = calibrate(_setting(), 6, seed=9, **FAST)
    b = calibrate(_setting(), 6, seed=9, **FAST)
    c = calibrate(_setting(), 6, seed=10, **FAST)
    assert calibrations_csv(a) == calibrations_csv(b) != calibrations_csv(c)
    assert a.results.model_dump_json() == b.results.model_dump_json()


def test_calibrations_csv_reads_back_bit_for_bit(tmp_path: Path) -> None:
    """The CSV ``hedgesim calibrate`` writes (``repr`` of each float) is the batch it drew:
    :func:`read_calibrations` gives every parameter of every calibration back exactly."""
    cal = calibrate(_setting(), 5, seed=3, **FAST)
    path = tmp_path / "calibrations.csv"
    path.write_text(calibrations_csv(cal))
    back = read_calibrations(path)
    for spec in SPECS:
        want = np.broadcast_to(np.asarray(getattr(cal.params, spec.name)), (5,))
        np.testing.assert_array_equal(np.asarray(getattr(back, spec.name)), want)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)  # fmt: skip


def test_calibrate_writes_the_same_files_twice(tmp_path: Path) -> None:
    outs = []
    for k in range(2):
        out = tmp_path / f"o{k}"
        done = _cli("calibrate", "scenarios/baseline.yaml", "--n", "4", "--pilot", "2000",
                    "--seed", "2", "--burn-in", "40", "--out", str(out))
        assert done.returncode == 0, done.stderr
        outs.append({p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")})
    assert outs[0] == outs[1] and {"calibration.json", "calibrations.csv"} <= set(outs[0])
    assert "acceptance rate" in done.stdout
    # the file says how the calibrations were drawn, and the text says whether they mixed
    written = CalibrationResults.model_validate_json(outs[0]["calibration.json"])
    assert written.method == "hit-and-run" and written.burn_in == 40
    assert written.mixing is not None and written.mixing.words() in done.stdout
    assert "hit-and-run burn-in: 40 steps a chain" in done.stdout


def test_the_burn_in_help_states_the_samplers_default() -> None:
    """``--burn-in``'s help restates the sampler's rule (so --help needs no numpy) and its
    number on the shipped ledger: both must be the sampler's."""
    from sim.calibrate import commands

    assert commands.BURN_IN_PER_DIM == BURN_IN_PER_DIM
    assert Space.of(LEDGER, Parameters()).dim == commands.SHIPPED_DRAWN
    done = _cli("calibrate", "--help")
    assert f"{BURN_IN_PER_DIM * commands.SHIPPED_DRAWN:,} on the shipped" in " ".join(
        done.stdout.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--n", "0"), "--n must be at least 1, got 0"),
        (("--pilot", "-3"), "--pilot must be at least 1"),
        (("--ledger", "missing.yaml"), "missing.yaml: cannot read the ledger"),
        (("--burn-in", "-1"), "--burn-in must be a whole number of steps, at least 0, got '-1'"),
        (("--burn-in", "2.5"), "--burn-in must be a whole number of steps, at least 0, got '2.5'"),
        (("--burn-in", "700000"), "--burn-in 700,000: more than 630,000 steps a chain"),
    ],
)
def test_bad_calibrate_input_is_one_line(args: tuple[str, ...], message: str,
                                         tmp_path: Path) -> None:  # fmt: skip
    out = tmp_path / "out"
    done = _cli("calibrate", "scenarios/baseline.yaml", "--out", str(out), *args)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert not out.exists()


@pytest.mark.parametrize("steps", ["x", "-5"])
def test_a_bad_analyze_burn_in_is_one_line(steps: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _cli("analyze", "scenarios/baseline.yaml", "--out", str(out), "--burn-in", steps)
    assert done.returncode == 1 and not out.exists()
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"--burn-in must be a whole number of steps, at least 0, got '{steps}'" in done.stderr


def test_bad_scenario_is_one_line() -> None:
    done = _cli("calibrate", "no_such.yaml")
    assert done.returncode == 1 and done.stderr.count("\n") == 1


def test_counterparts_are_the_ledgers_belief_keys() -> None:
    """A state's beliefs name every counterpart (the parser fills in the priors)."""
    assert {cp for cp, _ in LEDGER.constraints[0].state.beliefs} == set(COUNTERPARTS)
