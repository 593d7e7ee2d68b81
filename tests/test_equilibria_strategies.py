"""The game generators of tests/strategies.py produce what they promise."""

from __future__ import annotations

import numpy as np
import strategies as gs
from hypothesis import given

from sim.game import NormalFormGame


@given(gs.shapes())
def test_shapes_within_bounds(shape: tuple[int, ...]) -> None:
    assert 2 <= len(shape) <= 4
    assert all(1 <= m <= 4 for m in shape)
    assert int(np.prod(shape)) <= 256


@given(gs.games(integer=True))
def test_integer_games_are_integral_and_well_formed(game: NormalFormGame) -> None:
    assert game.payoffs.shape == (game.n_players, *game.shape)
    assert np.array_equal(game.payoffs, np.round(game.payoffs))
    assert np.all(np.abs(game.payoffs) <= 5)


@given(gs.games(integer=False))
def test_float_games_are_finite_and_bounded(game: NormalFormGame) -> None:
    assert np.all(np.isfinite(game.payoffs))
    assert np.all(np.abs(game.payoffs) <= 5)


@given(gs.game_batches())
def test_batches_are_same_shaped_games(batch: np.ndarray) -> None:
    assert batch.ndim == batch.shape[1] + 2
    assert 1 <= batch.shape[0] <= 8


@given(gs.with_dominated_action())
def test_dominated_action_is_strictly_dominated(case: tuple[NormalFormGame, int]) -> None:
    game, i = case
    own = np.moveaxis(game.payoffs[i], i, 0)
    assert np.all(own[0] < own[1])


@given(gs.generic_games())
def test_generic_games_are_two_player_in_range(game: NormalFormGame) -> None:
    assert game.n_players == 2
    assert np.all((game.payoffs >= 0) & (game.payoffs < 1000))
