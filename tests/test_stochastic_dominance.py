"""Iterated strict dominance: the compiled loop gives the numpy reference's survivors.

``sim.stochastic.dominance.surviving_actions`` runs a compiled loop on large batches and
the numpy version (all games at once) on small ones; both must eliminate exactly the same
actions, game by game, including at ties (small integer payoffs make differences equal to
the margin's side common) and with margins that matter. Known games first: the prisoner's
dilemma is solved by dominance (defection), matching pennies keeps everything, and a game
that needs two rounds of elimination (Fudenberg and Tirole, *Game Theory*, 1991, sec. 2.1)
keeps one profile.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.stochastic.dominance import (
    cyclic_two_by_two,
    cyclic_two_by_two_compiled,
    cyclic_two_by_two_numpy,
    surviving_actions,
    surviving_actions_numpy,
    tied_single_mixer,
)
from sim.stochastic.dominance_kernel import surviving


def _compiled(games: np.ndarray, eps: np.ndarray) -> list[np.ndarray]:
    count, n = games.shape[:2]
    shape = games.shape[2:]
    out = np.zeros((count, n, max(shape)), dtype=bool)
    for i, m in enumerate(shape):
        out[:, i, :m] = True
    surviving(np.ascontiguousarray(games.reshape(count, n, -1)), np.array(shape), eps, out)
    return [out[:, i, :m] for i, m in enumerate(shape)]


def test_known_games() -> None:
    """Prisoner's dilemma: only defection (action 1) survives; matching pennies: both
    actions of both; the 2x3 game of Fudenberg and Tirole (fig. 2.1: R is strictly
    dominated by M, then D by U, then L by M) leaves (U, M)."""
    pd = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
    pennies = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    ft = np.array([[[1.0, 1.0, 0.0], [0.0, 0.0, 2.0]], [[0.0, 2.0, 1.0], [3.0, 1.0, 0.0]]])
    for game, want in ((pd, [[False, True], [False, True]]),
                       (pennies, [[True, True], [True, True]]),
                       (ft, [[True, False], [False, True, False]])):  # fmt: skip
        got = _compiled(game[None], np.zeros(1))
        assert [a[0].tolist() for a in got] == want
        ref = surviving_actions_numpy(game[None], np.zeros(1))
        assert [a[0].tolist() for a in ref] == want


@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (2, 3, 2), (3, 2), (4, 1, 3)])
@pytest.mark.parametrize("integers", [True, False])
def test_compiled_equals_numpy(shape: tuple[int, ...], integers: bool) -> None:
    rng = np.random.default_rng(len(shape) * 10 + integers)
    size = (400, len(shape), *shape)
    games = rng.integers(-2, 3, size=size).astype(float) if integers else rng.normal(size=size)
    # a per-game pull of each player towards its higher (or lower) actions, so that many
    # actions are dominated, some only after others are eliminated
    pull = rng.integers(-3, 4, size=(400, len(shape)))
    for i, m in enumerate(shape):
        axis = [1] * len(shape)
        axis[i] = m
        games[:, i] += pull[:, i].reshape(-1, *([1] * len(shape))) * np.arange(m).reshape(axis)
    # margins: zero, the size of a payoff step, and tiny relative ones
    eps = rng.choice([0.0, 1.0, 1e-9, 0.5], size=400)
    ref = surviving_actions_numpy(games, eps)
    got = _compiled(games, eps)
    for a, b in zip(ref, got, strict=True):
        np.testing.assert_array_equal(a, b)
    eliminated = sum(int((~a).sum()) for a in ref)
    assert eliminated > 100  # the comparison covers real eliminations
    # the public entry point picks one of the two by batch size: the same either way
    for a, b in zip(surviving_actions(games, eps), ref, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [(2, 2), (3, 3, 2), (3, 3, 3, 3)])
@pytest.mark.parametrize("integers", [True, False])
def test_cyclic_compiled_equals_numpy(shape: tuple[int, ...], integers: bool) -> None:
    """The 2x2 survivors without a pure equilibrium and their mixed equilibrium: the
    compiled loop finds the same games and the same floats as the Python loop. Random
    games with each player pulled towards some actions, so that many reduce to a 2x2;
    small integers make ties (a weak pure equilibrium, a difference equal to the margin)
    common."""
    rng = np.random.default_rng(len(shape) + 10 * integers)
    n = len(shape)
    count = 600
    size = (count, n, *shape)
    games = rng.integers(-3, 4, size=size).astype(float) if integers else rng.normal(size=size)
    pull = rng.normal(scale=3.0, size=(count, n, max(shape)))
    pull[:, :2, :2] = 0.0  # the first two players' first two actions stay in play,
    pull[:, 2:, :1] = 0.0  # the others' first action
    pull[:, 2:, 1:] += 10.0
    for i, m in enumerate(shape):
        axis = [1] * n
        axis[i] = m
        games[:, i] -= np.abs(pull[:, i, :m]).reshape(count, *axis)
    eps = rng.choice([0.0, 1e-9, 1.0], size=count)
    alive = surviving_actions_numpy(games, eps)
    ref_found, ref_out = cyclic_two_by_two_numpy(games, alive, eps)
    found, out = cyclic_two_by_two_compiled(games, alive, eps)
    np.testing.assert_array_equal(found, ref_found)
    np.testing.assert_array_equal(out, ref_out)
    assert found.sum() >= 15
    got_found, got_out = cyclic_two_by_two(games, alive, eps)
    np.testing.assert_array_equal(got_found, ref_found)
    np.testing.assert_array_equal(got_out, ref_out)


def test_tied_single_mixer_needs_exact_ties_and_one_mixer() -> None:
    """Player 1's strictly dominant action (0) leaves player 0 with its two actions, which
    earn exactly 1.0 against it: the limit is player 0 at (1/2, 1/2), player 1 at its
    action 0. With one of them 1 ulp higher they are not tied (player 0 then has a best
    response; the game is left to the tracer); with player 1's dominance removed two
    players keep two actions (not this case)."""
    u0 = np.array([[1.0, 0.0], [1.0, 3.0]])
    u1 = np.array([[2.0, 0.0], [1.0, 0.5]])
    games = np.stack([np.stack([u0, u1])] * 3)
    games[1, 0, 1, 0] = np.nextafter(1.0, 2.0)
    games[2, 1, 1, 1] = 5.0
    alive = surviving_actions(games, np.zeros(3))
    found, strategies = tied_single_mixer(games, alive)
    assert found.tolist() == [True, False, False]
    np.testing.assert_allclose(strategies[0], [[0.5, 0.5], [1.0, 0.0]], rtol=0, atol=1e-15)
