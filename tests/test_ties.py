"""Ties: a horizon that turns on a comparison within the solvers' verification tolerance is
reported as both rounds it could be (issue 9, "Ties are reported")."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim import repeated, thresholds, ties
from sim.results.build import run_results
from sim.scenario import Scenario

BASE = {"iran": 0.08, "israel": 0.05, "gulf": 0.04}


def scenario(decay: dict[str, float] | None = None, initial: float = 1.0) -> Scenario:
    d = {**BASE, **(decay or {})}
    tolerance = {cp: {"decay": v} for cp, v in d.items()}
    tolerance["iran"]["initial"] = initial
    return Scenario.model_validate({"name": "t", "description": "d", "question": "q",
                                    "tolerance": tolerance, "repeated": {"rounds": 24}})


def closed_form(sc: Scenario, run: repeated.RunResult) -> thresholds.ClosedFormHorizon:
    return thresholds.closed_form_myopic_horizon(sc, run.trajectory.rounds[0].profile)


@pytest.mark.parametrize("decay", [0.08, 0.0800001, 0.0799999],
                         ids=["on-the-tie", "a-hair-faster", "a-hair-slower"])
def test_the_baseline_horizon_is_a_tie_between_rounds_5_and_6(decay: float) -> None:
    """Iran's tolerance lands on its switch point 0.6 in round 5 (1 - 5 x 0.08). A change of
    the decay by one part in a million either way leaves the comparison within the solvers'
    tolerance: simulator and closed form both say "5 or 6", never a clean 5 or 6."""
    sc = scenario({"iran": decay})
    run = repeated.run(sc)
    edge = run.knife_edge
    assert edge is not None
    assert (edge.round, edge.player, edge.action, edge.alternative) == (5, "iran", "support",
                                                                        "condition")
    assert abs(edge.difference) <= edge.tolerance
    typed = run_results(run).horizons
    assert typed.myopic.tie and typed.myopic.between == (5, 6)
    assert typed.myopic.round in (5, 6)
    cf = typed.closed_form_myopic
    assert cf.applies and cf.binding == "iran"
    assert cf.horizon.tie and cf.horizon.between == (5, 6) and cf.horizon.round in (5, 6)


def test_off_the_tie_the_answers_are_clean_and_agree() -> None:
    sc = scenario({"iran": 0.07})  # 0.4 / 0.07 = 5.7: the crossing is in round 6
    run = repeated.run(sc)
    typed = run_results(run).horizons
    assert run.knife_edge is None and not typed.myopic.tie and not typed.forward_looking.tie
    assert typed.myopic.round == typed.closed_form_myopic.horizon.round == 6
    assert not typed.closed_form_myopic.horizon.tie


def test_a_tie_found_in_the_round_hedging_ends() -> None:
    """A solver comparing exactly would end hedging one round earlier (the alternative pays
    5e-7 more in round 5); the tie is then found in the exit round itself."""
    sc = scenario({"iran": 0.0800001})
    profiles = [r.profile for r in repeated.simulate(sc).rounds]
    edge = ties.knife_edge(sc, profiles[:5], 5)
    assert edge is not None and edge.round == 5 and edge.difference > 0


def test_no_horizon_no_tie() -> None:
    sc = scenario({"iran": 0.0, "israel": 0.0, "gulf": 0.0})
    run = repeated.run(sc)
    assert run.myopic.horizon is None and run.knife_edge is None


@settings(max_examples=25, deadline=None)
@given(st.floats(0.03, 0.2), st.floats(0.65, 1.0))
@example(0.08, 1.0)
@example(0.1, 1.0)
@example(0.0800001, 1.0)
def test_simulator_and_closed_form_agree_exactly_unless_tied(k_iran: float,
                                                             t_iran: float) -> None:
    """Linear decay, Iran binding: the simulated myopic horizon equals the closed form's
    floor((tau0 - theta) / kappa) + 1 exactly; where the comparison is within tolerance,
    both answers are the same tie."""
    sc = scenario({"iran": k_iran, "israel": k_iran / 4, "gulf": k_iran / 4}, initial=t_iran)
    trajectory = repeated.simulate(sc, until_exit=True)
    h = repeated.myopic_horizon(trajectory).horizon
    edge = ties.knife_edge(sc, [r.profile for r in trajectory.rounds], h)
    cf = thresholds.closed_form_myopic_horizon(sc, trajectory.rounds[0].profile)
    if not cf.applies or cf.round is None or cf.round >= 24:
        return
    tie = cf.ties.get("iran")
    if tie is not None or edge is not None:
        assert tie is not None and edge is not None and tie.round == edge.round
        assert {h, cf.round} <= {edge.round, edge.round + 1}
    else:
        assert h == cf.round
