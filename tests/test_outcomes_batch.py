"""The batch routes of the answers side (sim.article.outcomes.outcomes_batch,
sim.article.ambiguity.start_values) against the one-calibration definitions they replace in
an analysis chunk: the same numbers, bit for bit (docs/calibration.md, Performance)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.article.ambiguity import ambiguity, start_values
from sim.article.answers import answer_batch
from sim.article.build import build
from sim.article.grid import Resolution
from sim.article.outcomes import Outcomes, outcomes, outcomes_batch
from sim.article.parameters import Parameters, stack
from sim.article.timeline import Shock
from sim.errors import HedgesimError

TINY = Resolution(belief_points=3, capacity_points=3)
ROUNDS = 4
#: a belief shock at the start and a capacity shock later: both the initial distribution and
#: a round's law are composed with a shock
SHOCKS = (Shock(0, "belief_iran", "scale", 0.75), Shock(2, "regime_capacity", "add", -0.1))


def _calibrations() -> list[Parameters]:
    """Three calibrations apart in the priors, the catch rates, capacity and patience."""
    base = Parameters()
    return [base,
            base.replace(prior_iran=0.35, catch_israel=0.5, initial_capacity=0.55),
            base.replace(prior_gulf=0.7, discount=0.8, hazard_rate=0.05)]  # fmt: skip


def _arrays(o: Outcomes) -> list[np.ndarray]:
    return [*o.actions.values(), o.collapsed, o.capacity, o.horizon.at,
            np.array([o.horizon.collapse, o.horizon.never]), o.exit.at,
            np.array([o.exit.collapse, o.exit.never]),
            *(x for b in o.beliefs.values() for x in (b.mean, b.quantiles))]  # fmt: skip


@pytest.fixture(scope="module")
def solved() -> list[object]:
    return answer_batch(_calibrations(), rounds=ROUNDS, shocks=SHOCKS, resolution=TINY,
                        rules=("qre",), myopic=False, robust=False)  # fmt: skip


def test_outcomes_of_a_batch_are_each_calibrations_outcomes_bit_for_bit(solved: list) -> None:
    """``outcomes_batch`` builds each round's law once for the batch; each calibration's
    outcomes must be exactly those of :func:`outcomes` on its own game (``array_equal``,
    no tolerance), the route it replaced."""
    cals = _calibrations()
    strategy = np.asarray(solved[0].solution.strategy)
    batch = outcomes_batch(build(stack(cals), rounds=ROUNDS, shocks=SHOCKS, resolution=TINY),
                           strategy)  # fmt: skip
    assert len(batch) == len(cals)
    for b, cal in enumerate(cals):
        alone = outcomes(build(cal, rounds=ROUNDS, shocks=SHOCKS, resolution=TINY), strategy[b])
        for x, y in zip(_arrays(batch[b]), _arrays(alone), strict=True):
            np.testing.assert_array_equal(x, y)
    # the calibrations differ, so a route that mixed them up could not pass
    assert not np.array_equal(batch[0].collapsed, batch[1].collapsed)


def test_start_values_are_each_calibrations_round_0_value_bit_for_bit(solved: list) -> None:
    """``start_values`` builds round 0's stage games once for the batch; each value must be
    exactly ``ambiguity(a, rounds=1).start``."""
    got = start_values(solved)
    want = np.array([ambiguity(a, rounds=1).start for a in solved])
    np.testing.assert_array_equal(got, want)
    assert len(set(got.tolist())) == len(solved)


def test_answer_batch_reports_the_batch_outcomes(solved: list) -> None:
    """``answer_batch``'s ``forward`` outcomes are the per-calibration outcomes."""
    for a in solved:
        alone = outcomes(a.game, a.strategy())
        for x, y in zip(_arrays(a.forward), _arrays(alone), strict=True):
            np.testing.assert_array_equal(x, y)


def test_an_uncertified_batch_solve_gives_the_same_answers(solved: list) -> None:
    """``certify=False`` (what an analysis chunk solves with) only skips the exact
    confirmation of traced limits, a path label: the strategies, values and outcomes must
    be those of the certified solve bit for bit, and the paths the same except
    ``uncertified`` read as ``traced``."""
    bare = answer_batch(_calibrations(), rounds=ROUNDS, shocks=SHOCKS, resolution=TINY,
                        rules=("qre",), myopic=False, robust=False, certify=False)  # fmt: skip
    a, b = solved[0].solution, bare[0].solution
    np.testing.assert_array_equal(a.strategy, b.strategy)
    np.testing.assert_array_equal(a.values, b.values)
    assert a.path_counts.get("traced", 0) > 0
    np.testing.assert_array_equal(np.where(a.path == "uncertified", "traced", a.path), b.path)
    assert "uncertified" not in set(np.asarray(b.path).ravel().tolist())
    for x, y in zip(solved, bare, strict=True):
        for p, q in zip(_arrays(x.forward), _arrays(y.forward), strict=True):
            np.testing.assert_array_equal(p, q)


def test_bad_batches_are_refused(solved: list) -> None:
    single = build(rounds=2, resolution=TINY)
    with pytest.raises(HedgesimError, match="batched game"):
        outcomes_batch(single, np.zeros((1, 2, single.n_states, 4, 3)))
    batch = build(stack(_calibrations()), rounds=2, resolution=TINY)
    with pytest.raises(HedgesimError, match="strategy must have shape"):
        outcomes_batch(batch, np.zeros((2, 2, batch.n_states, 4, 3)))
    other = answer_batch(_calibrations()[:1], rounds=ROUNDS, shocks=SHOCKS, resolution=TINY,
                         rules=("qre",), myopic=False, robust=False)  # fmt: skip
    with pytest.raises(ValueError, match="one batch solve"):
        start_values([*solved, *other])
    assert start_values([]).shape == (0,)


def test_a_members_law_is_the_checked_slice_of_the_batch_law() -> None:
    """``FactoredTransitions.member(b)`` skips the checks of a law built from scratch; it
    must be that law all the same: every dataclass field set, each kernel and the hazard
    the batch's slice ``b`` in read-only memory of its own, and its push of the same
    weights the same floats as the law built (and checked) from those slices."""
    from dataclasses import fields

    from sim.article.actors import SHAPE
    from sim.stochastic import Factor, FactoredTransitions, Hazard

    law = build(stack(_calibrations()), rounds=ROUNDS, shocks=SHOCKS,
                resolution=TINY).transitions(1)  # fmt: skip
    rng = np.random.default_rng(3)
    weights = rng.random((3, law.n_states, *SHAPE))
    for b in range(len(_calibrations())):
        got = law.member(b)
        for f in fields(FactoredTransitions):
            assert getattr(got, f.name) is not None or f.name == "hazard"
        assert got.hazard is not None and law.hazard is not None
        want = FactoredTransitions(
            tuple(Factor(f.name, f.kernel[b], f.parents, f.players) for f in law.factors),
            Hazard(law.hazard.probability[b], law.hazard.parents, law.hazard.players),
            law.absorbing)  # fmt: skip
        for g, w in zip(got.factors, want.factors, strict=True):
            assert (g.name, g.parents, g.players) == (w.name, w.parents, w.players)
            np.testing.assert_array_equal(g.kernel, w.kernel)
            assert g.kernel.base is None and not g.kernel.flags.writeable
            assert not g.batched
        np.testing.assert_array_equal(got.hazard.probability, want.hazard.probability)
        assert got.hazard.probability.base is None and not got.hazard.batched
        assert got._parents == want._parents and got.kind == want.kind
        np.testing.assert_array_equal(got.push(weights, SHAPE), want.push(weights, SHAPE))
    # the members differ, so a slice of the wrong member could not pass
    assert not np.array_equal(law.member(0).factors[0].kernel, law.member(1).factors[0].kernel)
