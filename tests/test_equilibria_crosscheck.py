"""Cross-checks against an independent solver: pygambit (exact, rational arithmetic)."""

from __future__ import annotations

import numpy as np
import pygambit as gbt
import pytest
import strategies as gs
from hypothesis import given, settings

from sim.equilibria import pure_equilibria, solve
from sim.game import NormalFormGame

pytestmark = pytest.mark.slow


def _key(profile: list[list[float]]) -> tuple[float, ...]:
    return tuple(round(float(p), 6) + 0.0 for s in profile for p in s)


def _gambit_profiles(result: gbt.nash.NashComputationResult, game: gbt.Game) -> set:
    return {
        _key([[float(eq[s]) for s in player.strategies] for player in game.players])
        for eq in result.equilibria
    }


@settings(max_examples=40)
@given(gs.generic_games(max_actions=4))
def test_support_enumeration_equals_gambit_enummixed(game: NormalFormGame) -> None:
    ours = solve(game, "support")
    g = game.to_gambit()
    theirs = _gambit_profiles(gbt.nash.enummixed_solve(g, rational=False), g)
    assert not ours.degenerate
    assert {_key([list(s) for s in eq.profile]) for eq in ours.equilibria} == theirs


@settings(max_examples=40)
@given(gs.generic_games(max_actions=4))
def test_vertex_enumeration_equals_gambit_enummixed(game: NormalFormGame) -> None:
    ours = solve(game, "vertex")
    g = game.to_gambit()
    theirs = _gambit_profiles(gbt.nash.enummixed_solve(g, rational=False), g)
    assert {_key([list(s) for s in eq.profile]) for eq in ours.equilibria} == theirs


@settings(max_examples=40)
@given(gs.games(max_profiles=128))
def test_pure_equilibria_equal_gambit_enumpure(game: NormalFormGame) -> None:
    g = game.to_gambit()
    theirs = sorted(
        tuple(
            next(k for k, s in enumerate(player.strategies) if eq[s] == 1) for player in g.players
        )
        for eq in gbt.nash.enumpure_solve(g).equilibria
    )
    # pygambit compares exactly; so does our enumerator with tol=0.
    assert pure_equilibria(game, tol=0.0) == theirs


def test_random_four_player_pure_equilibria_equal_gambit() -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        game = NormalFormGame(rng.integers(0, 3, size=(4, 3, 3, 3, 3)).astype(float))
        g = game.to_gambit()
        theirs = sorted(
            tuple(next(k for k, s in enumerate(p.strategies) if eq[s] == 1) for p in g.players)
            for eq in gbt.nash.enumpure_solve(g).equilibria
        )
        assert pure_equilibria(game) == theirs
