"""The value of ambiguity (sim.article.ambiguity): its definition on a hand-made game, and
what equilibrium implies for its sign on a solved run."""

from __future__ import annotations

import numpy as np
import pytest

from sim.article.actors import ACTIONS, PLAYERS, SHAPE, SYRIA
from sim.article.ambiguity import TIE, ambiguity, gaps
from sim.article.answers import answer
from sim.article.grid import Resolution
from sim.article.parameters import Parameters

TINY = Resolution(belief_points=3, capacity_points=3)
HEDGE = ACTIONS[SYRIA].index("hedge")


def test_gap_is_hedge_against_the_others_mix_minus_the_best_alternative() -> None:
    """One state: Syria's payoff depends on its action and Iran's only. Against Iran mixing
    (0.25, 0.75, 0) the expected payoffs are align 0.25*4 + 0.75*0 = 1, hedge 0.25*2 +
    0.75*2 = 2, realign 0.25*0 + 0.75*3 = 2.25: the gap is 2 - 2.25 = -0.25."""
    syria = np.zeros(SHAPE)
    table = {"align": (4.0, 0.0, 0.0), "hedge": (2.0, 2.0, 2.0), "realign": (0.0, 3.0, 0.0)}
    for a, row in table.items():
        syria[ACTIONS[SYRIA].index(a)] = np.asarray(row)[:, None, None]
    sigma = np.full((1, len(PLAYERS), 3), 1 / 3)
    sigma[0, PLAYERS.index("iran")] = (0.25, 0.75, 0.0)
    sigma[0, 0] = (1.0, 0.0, 0.0)  # Syria's own strategy plays no part
    assert gaps(syria[None], sigma) == pytest.approx([-0.25], abs=1e-12)
    sigma[0, PLAYERS.index("iran")] = (1.0, 0.0, 0.0)
    assert gaps(syria[None], sigma) == pytest.approx([2.0 - 4.0], abs=1e-12)


@pytest.fixture(scope="module")
def solved() -> object:
    return answer(Parameters(), rounds=4, resolution=TINY, rules=("qre",), myopic=False,
                  robust=False)


def test_its_sign_follows_the_equilibrium(solved: object) -> None:
    """In a Markov-perfect equilibrium Syria's strategy is a best reply in every state, with
    continuation values: where it hedges with positive probability the gap is at least 0
    (hedging is a best reply), where it does not hedge at all the gap is at most 0."""
    a = solved
    sigma_all = a.strategy()  # type: ignore[attr-defined]
    grid = a.game.grid_states  # type: ignore[attr-defined]
    checked = 0
    for t in range(4):
        u = np.asarray(a.stage_payoffs(t))[:grid, 0]  # type: ignore[attr-defined]
        scale = float(np.abs(u).max())
        gap = gaps(u, sigma_all[t, :grid])
        hedges = sigma_all[t, :grid, 0, HEDGE]
        assert np.all(gap[hedges > 1e-9] >= -1e-9 * scale)
        assert np.all(gap[hedges <= 1e-12] <= 1e-9 * scale)
        checked += grid
    assert checked == 4 * grid


def test_each_round_is_the_expectation_over_the_standing_states(solved: object) -> None:
    """Round by round, the reported value is the gap averaged with the state distribution of
    the selected play, given the regime stands; round 0 is the start state's gap."""
    a = solved
    game = a.game  # type: ignore[attr-defined]
    value = ambiguity(a)  # type: ignore[arg-type]
    dist = np.asarray(a.solution.distribution(game.initial()))[0]  # type: ignore[attr-defined]
    grid = game.grid_states
    for t in range(4):
        stands = dist[t, :grid]
        u = np.asarray(a.stage_payoffs(t))[:grid, 0]  # type: ignore[attr-defined]
        gap = gaps(u, a.strategy()[t, :grid])  # type: ignore[attr-defined]
        assert value.expected[t] == pytest.approx(stands @ gap / stands.sum(), rel=1e-9,
                                                  abs=1e-12)
        assert value.positive[t] == pytest.approx(stands[gap > TIE].sum() / stands.sum(),
                                                  abs=1e-12)
    (start,) = np.flatnonzero(game.initial() > 0)
    u0 = np.asarray(a.stage_payoffs(0))[start, 0]  # type: ignore[attr-defined]
    assert value.start == pytest.approx(float(gaps(u0[None], a.strategy()[0, start][None])[0]),
                                        abs=1e-12)
    assert ambiguity(a, rounds=1).start == pytest.approx(value.start, abs=1e-12)  # type: ignore[arg-type]
    # the baseline hedges for sure at the start: hedging is worth something there
    assert a.strategy()[0, start, 0, HEDGE] == pytest.approx(1.0)  # type: ignore[attr-defined]
    assert value.start > 0
