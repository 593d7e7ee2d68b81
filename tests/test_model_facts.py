"""The article's argument as named tests on the baseline stage game (MODEL.md, F1-F5).

Each test asserts on the computed equilibrium and on the payoff decomposition, never
on constants copied from the model.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import model
from sim.equilibria import solve
from sim.equilibria.selection import select
from sim.model import ACTIONS, GULF, IRAN, ISRAEL, PLAYERS, SYRIA, Parameters

FULL = {IRAN: 1.0, ISRAEL: 1.0, GULF: 1.0}
SYRIA_INDEX = PLAYERS.index(SYRIA)


def selected_profile(params: Parameters, tolerance: dict[str, float]) -> tuple[np.ndarray, ...]:
    game = model.stage_game(params, tolerance)
    result = solve(game, "auto")
    return select(result.equilibria, "player-optimal", focal_player=SYRIA_INDEX).profile


def syria_values(params: Parameters, tolerance: dict[str, float]) -> dict[str, float]:
    """Syria's payoff from each of its actions against the others' selected play."""
    game = model.stage_game(params, tolerance)
    values = game.action_values(SYRIA, selected_profile(params, tolerance))
    return dict(zip(ACTIONS[SYRIA], values.tolist(), strict=True))


def played(profile: tuple[np.ndarray, ...], player: str) -> str:
    k = PLAYERS.index(player)
    return ACTIONS[player][int(np.argmax(profile[k]))]


def term_difference(
    params: Parameters, profile: tuple[np.ndarray, ...], better: str, worse: str
) -> dict[str, float]:
    """Per term: Syria's payoff from ``better`` minus from ``worse``, others held fixed."""

    def with_syria(action: str) -> tuple[np.ndarray, ...]:
        vec = np.zeros(len(ACTIONS[SYRIA]))
        vec[ACTIONS[SYRIA].index(action)] = 1.0
        return (vec,) + tuple(profile[1:])

    a = model.decompose(params, FULL, SYRIA, with_syria(better))
    b = model.decompose(params, FULL, SYRIA, with_syria(worse))
    return {x.name: x.value - y.value for x, y in zip(a, b, strict=True)}


def test_hedging_is_optimal_at_full_tolerance() -> None:
    """F1: Syria hedges in the selected equilibrium, and hedge beats both alternatives."""
    params = Parameters()
    profile = selected_profile(params, FULL)
    assert profile[SYRIA_INDEX][ACTIONS[SYRIA].index("hedge")] == pytest.approx(1.0)
    values = syria_values(params, FULL)
    assert values["hedge"] > values["align"]
    assert values["hedge"] > values["realign"]


def test_decomposition_adds_up_to_the_payoff() -> None:
    params = Parameters()
    profile = selected_profile(params, FULL)
    game = model.stage_game(params, FULL)
    for k, player in enumerate(PLAYERS):
        total = sum(t.value for t in model.decompose(params, FULL, player, profile))
        assert total == pytest.approx(game.payoff(profile)[k])


def test_war_cost_is_what_keeps_syria_from_aligning() -> None:
    """F2: hedge beats align only because of the war cost; without it align competes."""
    params = Parameters()
    profile = selected_profile(params, FULL)
    diff = term_difference(params, profile, "hedge", "align")
    assert sum(diff.values()) > 0
    assert diff["war_cost"] > 0
    assert sum(v for k, v in diff.items() if k != "war_cost") <= 0
    no_war = params.replace(war_cost=0.0)
    values = syria_values(no_war, FULL)
    assert values["align"] >= values["hedge"]


def test_israel_interdicts_a_hedger_as_an_aligned_syria() -> None:
    """F3: against hedge and against align alike, Israel's best response is to interdict."""
    params = Parameters()
    profile = selected_profile(params, FULL)
    game = model.stage_game(params, FULL)
    assert played(profile, ISRAEL) == "interdict"
    for syria_action in ("hedge", "align"):
        vec = np.zeros(3)
        vec[ACTIONS[SYRIA].index(syria_action)] = 1.0
        values = game.action_values(ISRAEL, (vec,) + tuple(profile[1:]))
        assert ACTIONS[ISRAEL][int(np.argmax(values))] == "interdict", syria_action
    # and the strikes hit the hedger: restraint buys nothing
    diff = term_difference(params, profile, "hedge", "align")
    assert diff["interdiction_strikes"] == pytest.approx(0.0)


def test_realign_loses_to_hedge_at_baseline_external_support() -> None:
    """F4 (the baseline side): realign falls short of hedge by the forfeited Iranian aid."""
    params = Parameters()
    profile = selected_profile(params, FULL)
    diff = term_difference(params, profile, "hedge", "realign")
    assert sum(diff.values()) > 0
    assert diff["gulf_incentive"] < 0  # realign collects more from the Gulf ...
    assert diff["iranian_aid"] + diff["iranian_fuel"] > -diff["gulf_incentive"]  # ... not enough


def test_unenforced_shipment_limit_is_low_risk_at_baseline() -> None:
    """F5: signalling a limit and not enforcing it does not lower Syria's payoff."""
    params = Parameters()
    signalled = params.replace(shipment_limit_signal=1.0)
    without = model.stage_game(params, FULL).payoff(selected_profile(params, FULL))
    with_signal = model.stage_game(signalled, FULL).payoff(selected_profile(signalled, FULL))
    assert with_signal[SYRIA_INDEX] >= without[SYRIA_INDEX]
    profile = selected_profile(signalled, FULL)
    exposure = {t.name: t.value for t in model.decompose(signalled, FULL, SYRIA, profile)}
    assert exposure["signal_exposure"] == pytest.approx(0.0)
    assert played(profile, SYRIA) == "hedge"


def test_exposed_signal_costs_once_the_gulf_has_lost_patience() -> None:
    """The other side of F5: the same signal costs once the Gulf's tolerance is gone."""
    signalled = Parameters(shipment_limit_signal=1.0)
    tired = {IRAN: 1.0, ISRAEL: 1.0, GULF: 0.0}
    hedge = np.array([0.0, 1.0, 0.0])
    others = tuple(np.eye(3)[0] for _ in range(3))
    terms = {t.name: t.value for t in model.decompose(signalled, tired, SYRIA, (hedge, *others))}
    assert terms["signal_exposure"] < 0


def test_realign_wins_only_above_the_computed_external_support_threshold() -> None:
    """F4: the project computes the incentive above which realign beats hedge; the
    baseline sits below it; just below hedge is selected, just above realign."""
    from sim.thresholds import realign_threshold

    params = Parameters()
    threshold = realign_threshold(params, FULL)
    assert threshold is not None
    assert params.gulf_incentive < threshold
    eps = 1e-6 * max(1.0, threshold)
    below = selected_profile(params.replace(gulf_incentive=threshold - eps), FULL)
    above = selected_profile(params.replace(gulf_incentive=threshold + eps), FULL)
    assert played(below, SYRIA) == "hedge"
    assert played(above, SYRIA) == "realign"
    # the threshold is where the terms balance: forfeited Iranian aid, fuel and rents plus
    # the uncovered abandonment risk against the extra Gulf incentive
    at = params.replace(gulf_incentive=threshold)
    diff = term_difference(at, selected_profile(params, FULL), "hedge", "realign")
    assert sum(diff.values()) == pytest.approx(0.0, abs=1e-6)
