"""The small-support solver: two players mix over two actions each, the others pure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygambit as gbt
import pytest
import strategies as gs
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.equilibria import solve
from sim.equilibria.small_support import (
    batch_two_mixer_equilibria,
    two_mixer_equilibria,
)
from sim.game import NormalFormGame, read_nfg

GAMES = Path(__file__).parent / "games"


def _key(profile: object) -> tuple[float, ...]:
    return tuple(round(float(p), 6) + 0.0 for s in profile for p in s)  # type: ignore[attr-defined]


def _small_shape(profile: list[list[float]], atol: float = 1e-9) -> bool:
    """Exactly two players mix, each over exactly two actions; the others play pure."""
    sizes = [int(np.sum(np.asarray(s) > atol)) for s in profile]
    return sorted(sizes)[-2:] == [2, 2] and all(k in (1, 2) for k in sizes) and sizes.count(2) == 2


@st.composite
def random_games(draw: st.DrawFn) -> NormalFormGame:
    """3- and 4-player games with 2-3 actions (at most 3x3x2x2), continuous payoffs."""
    n = draw(st.sampled_from([3, 4]))
    shape = [draw(st.integers(2, 3)) for _ in range(n)]
    if n == 4:
        shape[2:] = [2, 2]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return NormalFormGame(rng.integers(0, 10**6, size=(n, *shape)) / 1000.0)


@given(gs.games(min_players=2, max_players=4, max_profiles=81))
def test_every_returned_profile_verifies(game: NormalFormGame) -> None:
    found, _, _ = two_mixer_equilibria(game)
    bound = 1e-7 * game.payoff_scale
    for eq in found:
        assert eq.method == "small-support"
        assert game.max_regret(eq.profile) <= bound
        assert _small_shape([list(s) for s in eq.profile])
    keys = [_key(eq.profile) for eq in found]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


@settings(max_examples=60)
@given(random_games())
def test_finds_every_small_support_equilibrium_of_gambit_enumpoly(game: NormalFormGame) -> None:
    g = game.to_gambit()
    theirs = [
        [[float(eq[s]) for s in player.strategies] for player in g.players]
        for eq in gbt.nash.enumpoly_solve(g).equilibria
    ]
    ours = {_key(eq.profile) for eq in two_mixer_equilibria(game)[0]}
    small = {_key(p) for p in theirs if _small_shape(p, atol=1e-7)}
    assert small <= ours
    # Generic games: ours are isolated equilibria, so enumpoly finds them too.
    assert ours <= {_key(p) for p in theirs}


def test_jordan_matching_pennies_has_none_and_auto_finds_the_mixed_one() -> None:
    """All three players mix in the unique equilibrium (1/2, 1/2, 1/2) (Jordan 1993):
    small-support has none; auto enumerates every equilibrium of a game this small."""
    game = read_nfg(GAMES / "three_player_matching_pennies.nfg")
    assert two_mixer_equilibria(game)[0] == []
    small = solve(game, "small-support")
    assert small.equilibria == () and not small.complete
    auto = solve(game, "auto")
    assert [eq.method for eq in auto.equilibria] == ["all"] and auto.complete
    for s in auto.equilibria[0].profile:
        assert s == pytest.approx([0.5, 0.5], abs=1e-12)
    for s in solve(game, "logit").equilibria[0].profile:
        assert s == pytest.approx([0.5, 0.5], abs=1e-12)


def _embedded_pennies() -> NormalFormGame:
    """Matching pennies between players 0 and 1 (2 actions each) inside a 4-player game
    in which players 2 and 3 (3 actions each) have a strictly dominant action (2 and 0)."""
    pay = np.zeros((4, 2, 2, 3, 3))
    pennies = np.array([[1.0, -1.0], [-1.0, 1.0]])
    pay[0] = pennies[:, :, None, None]
    pay[1] = -pennies[:, :, None, None]
    pay[2] = np.array([0.0, 1.0, 2.0])[None, None, :, None]
    pay[3] = np.array([3.0, 1.0, 0.0])[None, None, None, :]
    # The dominant players' choices shift the pennies' payoffs (not their equilibrium).
    pay[0] += np.arange(3)[None, None, :, None]
    return NormalFormGame(pay)


def test_a_two_by_two_embedded_in_a_four_player_game() -> None:
    game = _embedded_pennies()
    auto = solve(game, "auto")
    assert [eq.method for eq in auto.equilibria] == ["all"] and auto.complete
    found = solve(game, "small-support").equilibria
    assert [eq.method for eq in found] == ["small-support"]
    for a, b in zip(found[0].profile, auto.equilibria[0].profile, strict=True):
        assert list(a) == list(b)
    expected = ([0.5, 0.5], [0.5, 0.5], [0, 0, 1], [1, 0, 0])
    for s, e in zip(found[0].profile, expected, strict=True):
        assert s == pytest.approx(e, abs=1e-12)
    assert found[0].payoffs == pytest.approx([2.0, 0.0, 2.0, 3.0])


def test_small_support_method_returns_pure_ones_first() -> None:
    """Battle of the sexes with a dummy third player: two pure equilibria, then the mixed."""
    bos = np.array([[[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 2.0]]])
    pay = np.stack([bos[0][:, :, None], bos[1][:, :, None], np.zeros((2, 2, 1))])
    game = NormalFormGame(pay)
    found = solve(game, "small-support").equilibria
    assert [eq.method for eq in found] == ["pure", "pure", "small-support"]
    assert found[2].profile[0] == pytest.approx([2 / 3, 1 / 3])
    assert found[2].profile[1] == pytest.approx([1 / 3, 2 / 3])


def test_stage_game_mixed_round_is_solved_exactly() -> None:
    """The first model's baseline in its first mixed round (Iran at tolerance 0.52; the game
    recorded in tests/games/first_model_iran_mixes.nfg before that model was removed):
    logit's equilibrium is among those found, exactly (Iran mixes 1/9 on support against a
    hedging Syria)."""
    from pathlib import Path

    from sim.game import read_nfg

    game = read_nfg(Path(__file__).parent / "games" / "first_model_iran_mixes.nfg")
    found = solve(game, "auto")
    assert found.equilibria and all(eq.method == "small-support" for eq in found.equilibria)
    iran = [eq.profile[1] for eq in found.equilibria if eq.profile[0][1] > 0.9]
    assert len(iran) == 1 and iran[0] == pytest.approx([1 / 9, 8 / 9, 0.0], abs=1e-12)


@given(gs.game_batches(max_batch=6), st.booleans())
def test_batched_equals_per_game(payoffs: np.ndarray, tiny_chunks: bool) -> None:
    import sim.equilibria.small_support as ss

    old = ss._CHUNK
    ss._CHUNK = 2 if tiny_chunks else old
    try:
        batched = batch_two_mixer_equilibria(payoffs)
    finally:
        ss._CHUNK = old
    assert len(batched) == payoffs.shape[0]
    for b, found in enumerate(batched):
        alone = two_mixer_equilibria(NormalFormGame(payoffs[b]))[0]
        assert len(found) == len(alone)
        for x, y in zip(found, alone, strict=True):
            assert all(np.array_equal(s, t) for s, t in zip(x.profile, y.profile, strict=True))
            assert np.array_equal(x.payoffs, y.payoffs) and x.regret == y.regret


def test_batched_on_stage_games_without_pure_equilibria() -> None:
    """The article's stage games (Model 2, at rest) over a grid of Iran's and Israel's
    beliefs: those without a pure equilibrium, batched, as solve('auto') finds them."""
    from sim.article.parameters import Parameters
    from sim.article.thresholds import stage_game
    from sim.equilibria import pure_equilibrium_mask

    pay = np.stack([stage_game(Parameters(), {"iran": i, "israel": j, "gulf": 0.2}).payoffs
                    for i in np.linspace(0.0, 1.0, 11) for j in np.linspace(0.0, 1.0, 6)])
    pay = np.ascontiguousarray(pay)
    none = ~pure_equilibrium_mask(pay, batched=True).reshape(len(pay), -1).any(axis=1)
    assert none.any()
    batched = batch_two_mixer_equilibria(pay[none])
    for b, found in zip(np.flatnonzero(none), batched, strict=True):
        auto = solve(NormalFormGame(pay[b]), "auto").equilibria
        assert [_key(e.profile) for e in found] == [_key(e.profile) for e in auto]


def test_one_player_and_single_action_games_have_none() -> None:
    assert two_mixer_equilibria(NormalFormGame(np.zeros((1, 3))))[0] == []
    assert two_mixer_equilibria(NormalFormGame(np.ones((3, 1, 2, 2))))[0] == []


@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (2, 3, 2), (3, 2, 3, 2), (2, 2), (4, 3, 2)])
@pytest.mark.parametrize("kind", ["normal", "integers", "extreme"])
def test_the_compiled_screen_keeps_what_the_numpy_screen_keeps(shape: tuple[int, ...],
                                                               kind: str) -> None:  # fmt: skip
    """The compiled screen (``sim.equilibria.screen_kernel``) against its numpy reference
    (``_screen_numpy``), block by block: the same degenerate games, the same kept
    candidates in the same order, the same probabilities to the bit. Games with normal
    payoffs, small integers (ties, flat mixers, exact zeros: divisions by zero, NaN and
    infinite probabilities) and payoffs near the float range's ends (overflowing values:
    NaN regrets, nothing kept)."""
    from sim.equilibria.screen_kernel import screen
    from sim.equilibria.small_support import _ROUNDING_UNITS, _cached_blocks, _screen_numpy

    rng = np.random.default_rng(len(shape) * 7 + len(kind))
    size = (50, len(shape), *shape)
    if kind == "integers":
        games = rng.integers(-2, 3, size=size).astype(float)
    elif kind == "extreme":
        games = rng.normal(size=size) * 10.0 ** rng.choice([0, 150, 300, 307], size=size)
    else:
        games = rng.normal(size=size)
    flat = np.ascontiguousarray(games.reshape(games.shape[0], len(shape), -1))
    bound = 1e-7 + _ROUNDING_UNITS * 2.0**-53
    kept_total = 0
    for t in _cached_blocks(shape):
        count, cands = flat.shape[0], t.first.shape[0]
        p, q = np.empty((count, cands)), np.empty((count, cands))
        kept = np.zeros((count, cands), dtype=bool)
        degenerate = np.zeros(count, dtype=bool)
        screen(flat, t.first, t.second, t.mix, t.dev, t.own, bound, p, q, kept, degenerate)
        with np.errstate(over="ignore", invalid="ignore"):
            ref_degenerate, b_idx, c_idx, pk, qk = _screen_numpy(flat, t, bound)
        np.testing.assert_array_equal(degenerate, ref_degenerate)
        np.testing.assert_array_equal(np.argwhere(kept), np.stack([b_idx, c_idx], axis=1))
        np.testing.assert_array_equal(p[kept], pk)
        np.testing.assert_array_equal(q[kept], qk)
        kept_total += int(kept.sum())
    assert kept_total > 0 or shape == (2, 2)


def _stack_as_lists(payoffs: np.ndarray) -> list[list[np.ndarray]]:
    """``two_mixer_candidate_stack`` back in ``batch_two_mixer_candidates``' form: each
    game's candidates (padded), sorted by profile key (stable, as that function sorts)."""
    from sim.equilibria.result import profile_key
    from sim.equilibria.small_support import two_mixer_candidate_stack

    shape = payoffs.shape[2:]
    owner, stack = two_mixer_candidate_stack(payoffs)
    assert np.all(np.diff(owner) >= 0)
    out: list[list[np.ndarray]] = [[] for _ in range(payoffs.shape[0])]
    for g, profile in zip(owner.tolist(), stack, strict=True):
        out[g].append(profile)
    key = lambda p: profile_key([p[i, :m] for i, m in enumerate(shape)])  # noqa: E731
    return [sorted(found, key=key) for found in out]


@given(gs.game_batches(max_batch=6), st.booleans())
def test_the_candidate_stack_is_the_candidate_lists(payoffs: np.ndarray, tiny_chunks: bool
                                                    ) -> None:  # fmt: skip
    """The arrays of ``two_mixer_candidate_stack`` hold exactly the candidates of
    ``batch_two_mixer_candidates`` (the reference: one profile list per candidate), the
    same floats, with small and default chunks of games."""
    import sim.equilibria.small_support as ss

    old = ss._CHUNK
    ss._CHUNK = 2 if tiny_chunks else old
    try:
        stacked = _stack_as_lists(payoffs)
        lists = ss.batch_two_mixer_candidates(payoffs)
    finally:
        ss._CHUNK = old
    width = max(payoffs.shape[2:])
    for found, reference in zip(stacked, lists, strict=True):
        assert len(found) == len(reference)
        for got, want in zip(found, reference, strict=True):
            padded = np.zeros((len(want), width))
            for i, s in enumerate(want):
                padded[i, : len(s)] = s
            assert np.array_equal(got, padded)


@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (2, 3, 2), (4, 3, 2)])
def test_the_candidate_stack_on_random_batches(shape: tuple[int, ...]) -> None:
    """As above on larger seeded batches (normal and small-integer payoffs), where many
    games have several candidates; and an empty batch gives empty arrays."""
    from sim.equilibria.small_support import batch_two_mixer_candidates, two_mixer_candidate_stack

    rng = np.random.default_rng(len(shape))
    for games in (rng.normal(size=(40, len(shape), *shape)),
                  rng.integers(-2, 3, size=(40, len(shape), *shape)).astype(float)):
        found = _stack_as_lists(games)
        reference = batch_two_mixer_candidates(games)
        assert sum(map(len, reference)) > 10
        for got, want in zip(found, reference, strict=True):
            assert len(got) == len(want)
            assert all(np.array_equal(g[i, : len(s)], s)
                       for g, w in zip(got, want, strict=True) for i, s in enumerate(w))
    owner, stack = two_mixer_candidate_stack(np.zeros((0, len(shape), *shape)))
    assert owner.shape == (0,) and stack.shape == (0, len(shape), max(shape))
