"""Switch points, the realignment threshold (F4) and the closed-form crossing rounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import model, thresholds

HEDGING = tuple(np.eye(3)[k] for k in (1, 0, 1, 0))  # hedge, support, interdict, engage


def test_switch_points_at_baseline_match_the_payoff_algebra() -> None:
    """Iran: 4.8 - 2.5 - (1 - t) = 2.4 - 0.5 -> t = 0.6; Israel: -3 - 2(1 - t) = -4 ->
    t = 0.5; Gulf: 1.8 - 3(1 - t) = 0 -> t = 0.4 (sim/model.py at its defaults)."""
    p = model.Parameters()
    levels = {cp: 1.0 for cp in model.COUNTERPARTS}
    got = {cp: thresholds.switch_point(p, levels, cp, HEDGING) for cp in model.COUNTERPARTS}
    assert got == pytest.approx({"iran": 0.6, "israel": 0.5, "gulf": 0.4}, abs=1e-9)


@given(st.floats(0.5, 5.0))
def test_iran_switch_point_moves_with_its_grievance(grievance: float) -> None:
    """Iran's switch point solves 2.3 - g(1 - t) = 1.9, i.e. t = 1 - 0.4 / g (None if g < 0.4)."""
    p = model.Parameters(iran_grievance=grievance)
    theta = thresholds.switch_point(p, {}, "iran", HEDGING)
    expected = 1 - 0.4 / grievance
    if expected <= 0:
        assert theta is None
    else:
        assert theta == pytest.approx(expected, abs=1e-9)


def test_a_response_that_never_flips_has_no_switch_point() -> None:
    p = model.Parameters(iran_grievance=0.1)
    assert thresholds.switch_point(p, {}, "iran", HEDGING) is None


def test_realign_threshold_f4() -> None:
    """Against the round-0 play, realign pays g - 2 and hedge 5.5 + 0.4 g: g* = 12.5;
    the baseline incentive (3) sits below it, and just above it realign wins."""
    p = model.Parameters()
    g = thresholds.realign_threshold(p, reference=HEDGING)
    assert g == pytest.approx(12.5, abs=1e-9)
    assert p.gulf_incentive < g
    for x, realign_wins in ((g - 1e-6, False), (g + 1e-6, True)):
        game = model.stage_game(p.replace(gulf_incentive=x))
        v = game.action_values("syria", HEDGING)
        assert bool(v[2] > v[1]) is realign_wins


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(1e-4, 1.0))
def test_crossing_round_is_the_first_round_strictly_below(
    initial: float, theta: float, kappa: float
) -> None:
    r = thresholds.crossing_round(initial, theta, kappa)
    assert r is not None
    assert initial - r * kappa < theta + 1e-9
    if r > 0:
        assert initial - (r - 1) * kappa >= theta - 1e-9


def _random_cases(seed: int, n: int) -> list[tuple[model.Parameters, dict[str, float], tuple]]:
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(n):
        p = model.Parameters(
            iran_grievance=rng.uniform(0, 3), israel_grievance=rng.uniform(0, 4),
            gulf_grievance=rng.uniform(0, 5), gulf_incentive=rng.uniform(0, 8),
            iran_aid=rng.uniform(0, 8),
        )  # fmt: skip
        levels = {cp: float(rng.uniform(0.2, 1.0)) for cp in model.COUNTERPARTS}
        ref = HEDGING if i % 3 == 0 else tuple(np.eye(3)[k] for k in rng.integers(0, 3, 4))
        cases.append((p, levels, ref))
    return cases


@pytest.mark.parametrize("counterpart", model.COUNTERPARTS)
def test_switch_points_batch_equals_switch_point_bit_for_bit(counterpart: str) -> None:
    from dataclasses import fields

    cases = _random_cases(11, 40)
    params = {
        f.name: np.array([getattr(c[0], f.name) for c in cases]) for f in fields(model.Parameters)
    }
    levels = {cp: np.array([c[1][cp] for c in cases]) for cp in model.COUNTERPARTS}
    actions = np.array([[int(np.argmax(s)) for s in c[2]] for c in cases])
    got = thresholds.switch_points_batch(params, levels, counterpart, actions)
    expected = [thresholds.switch_point(p, lv, counterpart, ref) for p, lv, ref in cases]
    if counterpart != "gulf":  # the Gulf's response rarely flips at these draws
        assert sum(e is not None for e in expected) >= 5
    assert np.array_equal(got, [np.nan if e is None else e for e in expected], equal_nan=True)
    for floor in (0.0, 0.45, 0.7, 1.0):
        sure = thresholds.stays_above_batch(
            params, levels, counterpart, actions, np.full(len(cases), floor)
        )
        for s, e in zip(sure, expected, strict=True):
            if s:
                assert e is None or floor >= e


def test_switch_point_against_a_mixed_reference_uses_the_whole_game() -> None:
    """A mixed reference takes the general path; the switch point still brackets a flip."""
    p = model.Parameters()
    mixed = (np.array([0.2, 0.8, 0.0]), np.eye(3)[0], np.eye(3)[1], np.eye(3)[0])
    theta = thresholds.switch_point(p, {}, "israel", mixed)
    assert theta is not None and 0.0 < theta < 1.0
    k = model.PLAYERS.index("israel")
    for tau, best in ((theta + 1e-6, True), (theta - 1e-6, False)):
        values = model.stage_game(p, {"israel": tau}).action_values(k, mixed)
        assert bool(values[1] >= values.max() - 1e-9) is best
