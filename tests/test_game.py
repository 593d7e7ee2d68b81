"""The game core (sim/game.py) against brute-force oracles."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import strategies as gs
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import GameError, GameFileError, HedgesimError
from sim.game import NormalFormGame, profile_strides, read_nfg, write_nfg


def _random_profile(game: NormalFormGame, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    return tuple(rng.dirichlet(np.ones(m)) for m in game.shape)


def _oracle_payoff(game: NormalFormGame, profile: tuple[np.ndarray, ...]) -> np.ndarray:
    """Sum over every pure profile of its probability times its payoffs."""
    total = np.zeros(game.n_players)
    for pure in itertools.product(*(range(m) for m in game.shape)):
        weight = float(np.prod([profile[i][a] for i, a in enumerate(pure)]))
        total += weight * game.payoffs[(slice(None), *pure)]
    return total


def _oracle_regrets(game: NormalFormGame, profile: tuple[np.ndarray, ...]) -> np.ndarray:
    base = _oracle_payoff(game, profile)
    out = np.zeros(game.n_players)
    for i, m in enumerate(game.shape):
        for k in range(m):
            deviation = list(profile)
            deviation[i] = np.eye(m)[k]
            out[i] = max(out[i], _oracle_payoff(game, tuple(deviation))[i] - base[i])
    return out


@given(gs.games(max_profiles=64), st.integers(0, 2**32 - 1))
def test_payoff_matches_brute_force(game: NormalFormGame, seed: int) -> None:
    profile = _random_profile(game, seed)
    np.testing.assert_allclose(game.payoff(profile), _oracle_payoff(game, profile), atol=1e-9)


@given(gs.games(max_profiles=64), st.integers(0, 2**32 - 1))
def test_regrets_match_brute_force(game: NormalFormGame, seed: int) -> None:
    profile = _random_profile(game, seed)
    np.testing.assert_allclose(game.regrets(profile), _oracle_regrets(game, profile), atol=1e-9)


@given(gs.games(max_profiles=64), st.data())
def test_pure_payoff_is_the_table_entry(game: NormalFormGame, data: st.DataObject) -> None:
    pure = tuple(data.draw(st.integers(0, m - 1)) for m in game.shape)
    np.testing.assert_array_equal(game.payoff(pure), game.payoffs[(slice(None), *pure)])


def test_two_player_view_orientation() -> None:
    rng = np.random.default_rng(3)
    game = NormalFormGame(rng.integers(-5, 5, size=(3, 2, 3, 4)).astype(float))
    third = np.array([0.25, 0.25, 0.5, 0.0])
    profile = (np.ones(2) / 2, np.ones(3) / 3, third)
    view = game.two_player_view("P1", "P2", profile)
    a, b = view.payoff_matrices
    expected_a = np.einsum("rck,k->rc", game.payoffs[0], third)
    expected_b = np.einsum("rck,k->rc", game.payoffs[1], third)
    np.testing.assert_allclose(a, expected_a)
    np.testing.assert_allclose(b, expected_b)
    # Reversed roles: the row player is P2, so the matrices are transposed and swapped.
    flipped = game.two_player_view("P2", "P1", profile)
    fa, fb = flipped.payoff_matrices
    np.testing.assert_allclose(fa, expected_b.T)
    np.testing.assert_allclose(fb, expected_a.T)
    # A view between P1 and P3 holds P2 fixed.
    other = game.two_player_view(0, 2, profile)
    np.testing.assert_allclose(
        other.payoff_matrices[0], np.einsum("rck,c->rk", game.payoffs[0], profile[1])
    )


@given(gs.games(max_profiles=64))
def test_nfg_round_trip(game: NormalFormGame) -> None:
    import tempfile

    labelled = NormalFormGame(
        game.payoffs,
        tuple(f"Player {i}" for i in range(game.n_players)),
        tuple(tuple(f"x{i}{k}" for k in range(m)) for i, m in enumerate(game.shape)),
        "round trip",
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.nfg"
        write_nfg(labelled, path)
        back = read_nfg(path)
    np.testing.assert_allclose(back.payoffs, labelled.payoffs, rtol=0, atol=1e-12)
    assert back.players == labelled.players
    assert back.actions == labelled.actions


@pytest.mark.parametrize(
    "payoffs",
    [
        pytest.param(np.array([[[1.0, np.nan]], [[0.0, 1.0]]]), id="nan"),
        pytest.param(np.array([[[1.0, np.inf]], [[0.0, 1.0]]]), id="inf"),
        pytest.param([[[1, 2], [3]], [[1, 2], [3, 4]]], id="ragged"),
        pytest.param(np.zeros((2, 0, 3)), id="empty-actions"),
        pytest.param(np.zeros((0,)), id="empty"),
        pytest.param(np.zeros((3, 2, 2)), id="players-vs-dims"),
        pytest.param([["a", "b"], ["c", "d"]], id="not-numeric"),
    ],
)
def test_bad_payoffs_raise_game_error(payoffs: object) -> None:
    with pytest.raises(GameError):
        NormalFormGame(payoffs)  # type: ignore[arg-type]


def test_labels_must_match_shape() -> None:
    payoffs = np.zeros((2, 2, 3))
    with pytest.raises(GameError, match="3 actions"):
        NormalFormGame(payoffs, actions=(("U", "D"), ("L", "R")))
    with pytest.raises(GameError, match="player names"):
        NormalFormGame(payoffs, players=("A", "B", "C"))
    with pytest.raises(GameError, match="distinct"):
        NormalFormGame(payoffs, players=("A", "A"))


def test_unreadable_nfg_raises_game_file_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nfg"
    bad.write_text("this is not a game\n")
    with pytest.raises(GameFileError, match="bad.nfg"):
        read_nfg(bad)
    with pytest.raises(GameFileError, match="no such file"):
        read_nfg(tmp_path / "missing.nfg")
    truncated = tmp_path / "truncated.nfg"
    truncated.write_text('NFG 1 R "t" { "P1" "P2" } { 2 2 }\n1 2 3\n')
    with pytest.raises(HedgesimError):
        read_nfg(truncated)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=5))
def test_profile_strides_are_numpys_c_order_strides(shape: list[int]) -> None:
    """``profile_strides`` is numpy's own ``strides`` of a C-ordered array of that shape
    in items (the flat index ``sum_k a_k * stride_k`` of ``np.ravel_multi_index``), in
    plain Python and compiled as the kernels compile it."""
    from sim.stochastic.dominance_kernel import _strides

    numpy_strides = [s // 8 for s in np.zeros(shape, dtype=np.float64).strides]
    assert profile_strides(tuple(shape)).tolist() == numpy_strides
    assert _strides(np.array(shape, dtype=np.int64)).tolist() == numpy_strides
    profile = [m - 1 for m in shape]
    assert int(np.dot(profile, profile_strides(tuple(shape)))) == int(
        np.ravel_multi_index(profile, shape)
    )
