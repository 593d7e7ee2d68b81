"""Theorems of game theory that every solver must respect, on generated games."""

from __future__ import annotations

import itertools
import warnings

import nashpy
import numpy as np
import strategies as gs
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.equilibria import (
    batch_pure_equilibria,
    pure_equilibria,
    pure_equilibrium_mask,
    solve,
)
from sim.errors import GameTooLargeError
from sim.game import NormalFormGame

TWO_PLAYER_METHODS = ("support", "vertex", "lemke-howson", "auto")


def _oracle_pure(payoffs: np.ndarray) -> list[tuple[int, ...]]:
    """Plain loop over profiles and deviations: the definition (no deviation pays strictly
    more, compared exactly), nothing vectorized."""
    n = payoffs.shape[0]
    shape = payoffs.shape[1:]
    found = []
    for profile in itertools.product(*(range(m) for m in shape)):
        stable = True
        for i in range(n):
            here = payoffs[(i, *profile)]
            for k in range(shape[i]):
                deviation = list(profile)
                deviation[i] = k
                if payoffs[(i, *deviation)] > here:
                    stable = False
        if stable:
            found.append(profile)
    return found


@given(gs.game_batches())
def test_batch_equals_single_equals_loop(batch: np.ndarray) -> None:
    per_batch = batch_pure_equilibria(batch)
    mask = pure_equilibrium_mask(batch, batched=True)
    for b, payoffs in enumerate(batch):
        single = pure_equilibria(NormalFormGame(payoffs))
        assert per_batch[b] == single == _oracle_pure(payoffs)
        assert np.array_equal(mask[b], pure_equilibrium_mask(payoffs, batched=False))


@given(gs.games(max_profiles=256))
def test_pure_enumeration_matches_loop_on_any_game(game: NormalFormGame) -> None:
    assert pure_equilibria(game) == _oracle_pure(game.payoffs)


@given(gs.games(max_players=2, max_actions=4, integer=True))
def test_pure_equilibria_equal_nashpy_pure_supports(game: NormalFormGame) -> None:
    a, b = game.payoffs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nash = nashpy.Game(a, b).support_enumeration()
        pure_nash = sorted(
            (int(np.argmax(s1)), int(np.argmax(s2)))
            for s1, s2 in nash
            if np.count_nonzero(s1) == 1 and np.count_nonzero(s2) == 1
        )
    assert pure_equilibria(game) == pure_nash


@given(gs.games(max_players=2, max_actions=4), st.sampled_from(TWO_PLAYER_METHODS))
def test_every_two_player_equilibrium_has_small_regret(game: NormalFormGame, method: str) -> None:
    try:
        result = solve(game, method)
    except GameTooLargeError:
        return
    for eq in result.equilibria:
        assert game.max_regret(eq.profile) <= 1e-7 * game.payoff_scale
        assert eq.regret <= 1e-7 * game.payoff_scale
    if method in ("support", "lemke-howson", "auto") and not result.degenerate:
        assert result.equilibria  # Nash (1951): every finite game has an equilibrium


@settings(max_examples=10)
@given(gs.games(min_players=3, max_players=4, max_actions=3, max_profiles=27))
def test_auto_on_n_players_returns_verified_equilibria(game: NormalFormGame) -> None:
    result = solve(game, "auto")
    assert result.equilibria
    for eq in result.equilibria:
        assert game.max_regret(eq.profile) <= 1e-7 * game.payoff_scale


@given(
    gs.games(integer=True, max_profiles=128),
    st.data(),
    st.integers(1, 4),
    st.integers(-10, 10),
)
def test_pure_equilibria_invariant_under_affine_change(
    game: NormalFormGame, data: st.DataObject, scale: int, shift: int
) -> None:
    i = data.draw(st.integers(0, game.n_players - 1))
    payoffs = game.payoffs.copy()
    payoffs[i] = scale * payoffs[i] + shift
    assert pure_equilibria(game.with_payoffs(payoffs)) == pure_equilibria(game)


@given(gs.generic_games(max_actions=3), st.data(), st.floats(0.5, 8.0), st.floats(-50, 50))
def test_mixed_equilibria_invariant_under_affine_change(
    game: NormalFormGame, data: st.DataObject, scale: float, shift: float
) -> None:
    i = data.draw(st.integers(0, 1))
    payoffs = game.payoffs.copy()
    payoffs[i] = scale * payoffs[i] + shift
    before = _profile_set(solve(game, "support"))
    after = _profile_set(solve(game.with_payoffs(payoffs), "support"))
    assert before == after


@given(gs.games(integer=True, max_profiles=128), st.data())
def test_pure_equilibria_follow_a_relabelling(game: NormalFormGame, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, game.n_players - 1))
    perm = data.draw(st.permutations(range(game.shape[i])))
    # New action k of player i is old action perm[k].
    payoffs = np.take(game.payoffs, perm, axis=1 + i)
    inverse = {old: new for new, old in enumerate(perm)}
    moved = sorted(
        tuple(inverse[a] if j == i else a for j, a in enumerate(p)) for p in pure_equilibria(game)
    )
    assert pure_equilibria(game.with_payoffs(payoffs)) == moved


@given(gs.generic_games(max_actions=3), st.data())
def test_mixed_equilibria_follow_a_relabelling(game: NormalFormGame, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, 1))
    perm = list(data.draw(st.permutations(range(game.shape[i]))))
    payoffs = np.take(game.payoffs, perm, axis=1 + i)
    moved = set()
    for eq in solve(game, "support").equilibria:
        profile = [s.copy() for s in eq.profile]
        profile[i] = profile[i][perm]
        moved.add(_key(profile))
    assert _profile_set(solve(game.with_payoffs(payoffs), "support")) == moved


@given(gs.with_dominated_action(), st.sampled_from(["auto", "pure", "lemke-howson"]))
def test_strictly_dominated_action_never_played(
    case: tuple[NormalFormGame, int], method: str
) -> None:
    game, i = case
    if method == "lemke-howson" and game.n_players != 2:
        method = "pure"
    for eq in solve(game, method).equilibria:
        assert eq.profile[i][0] <= 1e-9


def _key(profile: list[np.ndarray] | tuple[np.ndarray, ...]) -> tuple[float, ...]:
    return tuple(round(float(p), 6) + 0.0 for s in profile for p in s)


def _profile_set(result: object) -> set[tuple[float, ...]]:
    from sim.equilibria import SolveResult

    assert isinstance(result, SolveResult)
    return {_key(eq.profile) for eq in result.equilibria}
