"""The backtest of the November 2024 replay (:mod:`sim.article.backtest`): its numbers are
the engine's outcomes read at the dates of history, checked against :func:`answer` solved
independently (a tiny grid and a short horizon: the plumbing, not the answer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sim.article.actors import ACTIONS
from sim.article.answers import answer
from sim.article.backtest import EVEN, FALL, PATRON_CAPACITIES, backtest, compare
from sim.article.grid import Resolution
from sim.errors import HedgesimError
from sim.scenario import load_scenario
from sim.scenario.article import article_run

ROOT = Path(__file__).resolve().parents[1]
TINY = Resolution(belief_points=3, capacity_points=3)
ROUNDS = 4  # the week of 8 December is round 3


@pytest.fixture(scope="module")
def run():  # type: ignore[no-untyped-def]
    return article_run(load_scenario(ROOT / "scenarios" / "november_2024.yaml"))


def _outcomes(run, shocks):  # type: ignore[no-untyped-def]
    return answer(
        run.params,
        rounds=ROUNDS,
        shocks=[s for s in shocks if s.round < ROUNDS],
        resolution=TINY,
        rules=("qre",),
        myopic=False,
        robust=False,
    ).forward


@pytest.mark.slow
def test_the_backtest_reads_the_engines_outcomes_at_the_dates_of_history(run) -> None:  # type: ignore[no-untyped-def]
    result = backtest(run, rounds=ROUNDS, resolution=TINY, stress=False)
    assert result.target == FALL and result.target_round == 3
    assert run.date_of(3) == dt.date(2024, 12, 2)
    out = _outcomes(run, run.shocks)
    assert result.collapse == pytest.approx(float(out.collapsed[4]), abs=1e-12)
    bare = _outcomes(run, [s for s in run.shocks if s.target not in PATRON_CAPACITIES])
    assert result.collapse_without_capacity_shocks == pytest.approx(
        float(bare.collapsed[4]), abs=1e-12
    )
    for play in result.play:
        stands = float(out.survival[play.round])
        expected = out.actions["syria"][play.round] / stands
        assert [play.syria[a] for a in ACTIONS["syria"]] == pytest.approx(expected.tolist())
        assert play.stands == pytest.approx(stands)
    # every observation is either an agreement or a disagreement, and a disagreement is an
    # observation the model gives less than an even chance
    observations = sum(
        len(e.observed) + (e.observed_collapse is not None) for e in run.events if e.round < ROUNDS
    )
    assert result.agreements + len(result.disagreements) == observations
    fall = next(e for e in run.events if e.name == "damascus_falls")
    model_fall = float(out.collapsed[fall.round + 1])
    listed = [d for d in result.disagreements if d.event == "damascus_falls"]
    assert bool(listed) == (model_fall < EVEN)
    for d in listed:
        assert d.probability == pytest.approx(model_fall) and d.history == "fallen"
    assert result.hedge_ends == pytest.approx(float(out.horizon.at[:4].sum()))


def test_compare_flags_what_the_model_gives_less_than_an_even_chance(run) -> None:  # type: ignore[no-untyped-def]
    """compare() on hand-made outcomes: Syria aligns for sure while history says it hedged,
    and the regime falls for sure in round 0 while history says it stood."""

    class Fake:
        rounds = 4
        survival = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
        collapsed = 1.0 - survival
        actions = {p: np.tile([1.0, 0.0, 0.0], (4, 1)) for p in ("syria", "iran", "israel", "gulf")}

    found, agreed = compare(run, Fake())  # type: ignore[arg-type]
    whats = {(d.event, d.what) for d in found}
    # round 0: Syria observed hedging, the model says align; Iran support agrees
    assert ("larijani_in_damascus", "syria") in whats
    assert ("larijani_in_damascus", "iran") not in whats
    # from round 1 the regime has fallen: the model states no actions there, and its
    # "fallen" agrees with 8 December and disagrees with "standing" on 1 December
    assert ("araghchi_in_damascus", "collapse") in whats
    assert ("damascus_falls", "collapse") not in whats
    assert agreed == 2 + 1  # two Iran supports in round 0, the fall


def test_a_target_past_the_horizon_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HedgesimError, match="past the last round 2"):
        backtest(run, rounds=3, resolution=TINY)
    with pytest.raises(HedgesimError, match="dated run"):
        backtest(replace(run, start=None), rounds=4, resolution=TINY)


def test_the_runs_backtest_record_lists_every_observation(run) -> None:  # type: ignore[no-untyped-def]
    """What ``hedgesim run`` records of a replay: each observation of its events with the
    model's probability of what happened, read off the run's own outcomes; the collapse by
    the end of the week of 8 December."""
    from sim.results.build import backtest_record

    solved = answer(run.params, rounds=ROUNDS,
                    shocks=[s for s in run.shocks if s.round < ROUNDS], resolution=TINY,
                    rules=("qre",), myopic=False, robust=False)
    short = replace(run, rounds=ROUNDS)
    record = backtest_record(short, solved, without_capacity_shocks=0.25)
    assert record is not None
    out = solved.forward
    assert record.target == FALL and record.target_round == 3
    assert record.collapse == pytest.approx(float(out.collapsed[4]), abs=1e-9)
    assert record.collapse_without_capacity_shocks == 0.25
    expected = sum(len(e.observed) + (e.observed_collapse is not None)
                   for e in run.events if e.round < ROUNDS)
    assert len(record.observations) == expected
    found, agreed = compare(short, out)
    assert record.agreements == agreed
    assert sorted((o.event, o.what) for o in record.observations if not o.agrees) == \
        sorted((d.event, d.what) for d in found)
    fall = next(o for o in record.observations if o.event == "damascus_falls")
    assert fall.history == "fallen" and fall.probability == pytest.approx(record.collapse)
    for o in record.observations:
        if o.what in ACTIONS:
            stands = float(out.survival[o.round])
            k = ACTIONS[o.what].index(o.history)
            assert o.probability == pytest.approx(out.actions[o.what][o.round][k] / stands,
                                                  abs=1e-9)
    # a run whose events observe nothing has no backtest
    bare = replace(short, events=tuple(replace(e, observed={}, observed_collapse=None)
                                       for e in run.events))
    assert backtest_record(bare, solved) is None
