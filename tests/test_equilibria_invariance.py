"""Theorems the verified equilibrium set must obey, and ``all`` against independent oracles.

- Nash equilibria depend only on each player's preferences: multiplying every payoff by a
  positive number, or applying a positive affine map to one player's payoffs, leaves them in
  place; relabelling a player's actions permutes its strategies; an action that is strictly
  dominated is never played, so adding one (worth -1e9 to its owner, +-1e9 to the others)
  changes nothing but a zero in the profiles (e.g. Osborne and Rubinstein, *A Course in Game
  Theory*, 1994, ch. 2-3).
- ``complete`` is claimed only where the method guarantees it: then the list equals every
  equilibrium (here: ``all``'s list, itself checked against independent enumerations below).

Scaling by 1e-9 or 1e9 rounds payoffs, which can break or create an exact tie; those
properties use generic games (continuous payoffs, no ties with probability one). Games with
small integer payoffs (many ties, degenerate games) are scaled by powers of two, which is
exact, so their exact equilibrium sets must be identical.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import strategies as gs
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.equilibria import solve
from sim.equilibria.result import SolveResult
from sim.game import NormalFormGame


def _key(profile: object, digits: int = 6) -> tuple[float, ...]:
    return tuple(round(float(p), digits) + 0.0 for s in profile for p in s)  # type: ignore[attr-defined]


def _set(result: SolveResult, digits: int = 6) -> set[tuple[float, ...]]:
    return {_key(eq.profile, digits) for eq in result.equilibria}


small_generic = st.one_of(gs.generic_games(max_actions=3), gs.two_by_two_by_two())
small_integer = st.one_of(
    gs.games(max_players=2, max_actions=3, integer=True),
    gs.two_by_two_by_two(integer=True),
)


@settings(max_examples=30)
@given(small_generic, st.sampled_from([1e-9, 1e9]))
def test_scaling_by_1e9_either_way_keeps_the_equilibria(
    game: NormalFormGame, factor: float
) -> None:
    before = solve(game, "all")
    after = solve(gs.scaled(game, factor), "all")
    assert _set(before) == _set(after)
    assert before.complete and after.complete  # generic games: no continua
    assert all(eq.regret == 0.0 for eq in after.equilibria)


@settings(max_examples=30)
@given(small_integer, st.sampled_from([2.0**-30, 2.0**30]))
def test_exact_scaling_keeps_the_exact_equilibria_of_degenerate_games(
    game: NormalFormGame, factor: float
) -> None:
    before = solve(game, "all")
    after = solve(gs.scaled(game, factor), "all")
    assert _set(before, 12) == _set(after, 12)
    assert before.complete == after.complete and before.degenerate == after.degenerate


@settings(max_examples=30)
@given(st.one_of(small_generic, small_integer), st.data())
def test_a_huge_dominated_action_is_never_played_and_changes_nothing(
    game: NormalFormGame, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, game.n_players - 1))
    shape = list(game.payoffs.shape)
    shape[1 + i] = 1
    signs = np.array(data.draw(st.lists(st.sampled_from([-1.0, 1.0]),
                                        min_size=int(np.prod(shape)),
                                        max_size=int(np.prod(shape)))))  # fmt: skip
    big = gs.with_huge_dominated_action(game, i, signs)
    for method in ("all", "pure", "auto"):
        before = solve(game, method)
        after = solve(big, method)
        for eq in after.equilibria:
            assert eq.profile[i][-1] == 0.0
        moved = {_key([*eq.profile[:i], eq.profile[i][:-1], *eq.profile[i + 1:]])
                 for eq in after.equilibria}  # fmt: skip
        assert moved == _set(before), method
        assert before.complete == after.complete, method


@settings(max_examples=30)
@given(st.one_of(small_generic, small_integer), st.data())
def test_equilibria_follow_a_relabelling_of_actions(
    game: NormalFormGame, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, game.n_players - 1))
    perm = list(data.draw(st.permutations(range(game.shape[i]))))
    relabelled = game.with_payoffs(np.take(game.payoffs, perm, axis=1 + i))
    expected = set()
    for eq in solve(game, "all").equilibria:
        profile = [s.copy() for s in eq.profile]
        profile[i] = profile[i][perm]
        expected.add(_key(profile))
    assert _set(solve(relabelled, "all")) == expected


@settings(max_examples=30)
@given(small_integer, st.data(), st.integers(1, 7), st.integers(-20, 20))
def test_equilibria_survive_a_positive_affine_change_of_one_player(
    game: NormalFormGame, data: st.DataObject, scale: int, shift: int
) -> None:
    """Integer scale and shift of integer payoffs: exact, so even ties are kept."""
    i = data.draw(st.integers(0, game.n_players - 1))
    payoffs = game.payoffs.copy()
    payoffs[i] = scale * payoffs[i] + shift
    before, after = solve(game, "all"), solve(game.with_payoffs(payoffs), "all")
    assert _set(before, 12) == _set(after, 12)
    assert before.complete == after.complete


@settings(max_examples=30)
@given(st.one_of(small_generic, small_integer))
def test_complete_is_claimed_only_where_it_holds(game: NormalFormGame) -> None:
    truth = solve(game, "all")
    methods = ["pure", "small-support", "auto"]
    if game.n_players == 2:
        methods += ["support", "vertex", "lemke-howson"]
    for method in methods:
        result = solve(game, method)
        assert _set(result) <= _set(truth) or not truth.complete, method
        if method in ("small-support", "lemke-howson"):
            assert not result.complete, method
        if result.complete and truth.complete:
            if method == "pure":
                assert _set(result) == {k for k in _set(truth) if set(k) <= {0.0, 1.0}}
            else:
                assert _set(result) == _set(truth), method


# -- all against independent enumerations ---------------------------------------------------


def _two_player_oracle(game: NormalFormGame) -> set[tuple[float, ...]]:
    """Every extreme equilibrium of a bimatrix game by pygambit's exact enummixed."""
    gbt = pytest.importorskip("pygambit")
    g = game.to_gambit()
    result = gbt.nash.enummixed_solve(g, rational=True)
    return {_key([[float(eq[s]) for s in p.strategies] for p in g.players])
            for eq in result.equilibria}  # fmt: skip


@pytest.mark.slow
@settings(max_examples=40)
@given(st.one_of(gs.generic_games(min_actions=3, max_actions=3),
                 gs.games(max_players=2, min_actions=3, max_actions=3, integer=True)))  # fmt: skip
def test_all_on_3x3_games_equals_gambit_enummixed(game: NormalFormGame) -> None:
    if game.shape != (3, 3):
        return
    ours = solve(game, "all")
    assert _set(ours) == _two_player_oracle(game)


def _brute_force_2x2x2(payoffs: np.ndarray) -> set[tuple[float, ...]]:
    """Every regular equilibrium of a 2x2x2 game by its own means: each player pure (either
    action) or mixing; the mixers' indifference equations solved by Newton's method from a
    12-point grid per mixing probability, solutions kept if they are equilibria to 1e-9."""
    found: set[tuple[float, ...]] = set()
    u = payoffs

    def expected(i: int, a: int, probs: np.ndarray) -> np.ndarray:
        """Player i's payoff of action a; probs (B, 3) = probability of action 1 each."""
        total = np.zeros(probs.shape[0])
        for cell in itertools.product((0, 1), repeat=3):
            if cell[i] != a:
                continue
            w = np.ones(probs.shape[0])
            for j in range(3):
                if j != i:
                    w = w * (probs[:, j] if cell[j] else 1 - probs[:, j])
            total = total + w * u[(i, *cell)]
        return total

    grid = (np.arange(12) + 0.5) / 12
    for kinds in itertools.product((0, 1, None), repeat=3):
        mixers = [i for i, k in enumerate(kinds) if k is None]
        starts = np.array(list(itertools.product(grid, repeat=len(mixers)))) if mixers else \
            np.zeros((1, 0))  # fmt: skip
        probs = np.tile([float(k) if k is not None else 0.5 for k in kinds], (len(starts), 1))
        probs[:, mixers] = starts
        for _ in range(40):
            f = np.stack([expected(i, 1, probs) - expected(i, 0, probs) for i in mixers], 1) \
                if mixers else np.zeros((len(probs), 0))  # fmt: skip
            if not mixers:
                break
            jac = np.empty((len(probs), len(mixers), len(mixers)))
            for c, j in enumerate(mixers):
                step = probs.copy()
                step[:, j] += 1e-7
                g = np.stack([expected(i, 1, step) - expected(i, 0, step) for i in mixers], 1)
                jac[:, :, c] = (g - f) / 1e-7
            ok = np.abs(np.linalg.det(jac)) > 1e-12
            delta = np.zeros_like(f)
            delta[ok] = np.linalg.solve(jac[ok], f[ok][..., None])[..., 0]
            probs[:, mixers] -= delta
            probs = np.clip(probs, -1.0, 2.0)
        for row in probs:
            if any(not 1e-9 < row[i] < 1 - 1e-9 for i in mixers):
                continue
            one = row[None]
            gains = []
            for i in range(3):
                v0, v1 = expected(i, 0, one)[0], expected(i, 1, one)[0]
                if kinds[i] is None:
                    gains.append(abs(v1 - v0))
                else:
                    own = v1 if kinds[i] == 1 else v0
                    gains.append(max(v0, v1) - own)
            if max(gains) <= 1e-9:
                found.add(_key([[1 - p, p] for p in row]))
    return found


@pytest.mark.slow
@settings(max_examples=25)
@given(gs.two_by_two_by_two())
def test_all_on_2x2x2_games_equals_a_brute_force_enumeration(game: NormalFormGame) -> None:
    ours = solve(game, "all")
    assert ours.complete
    assert _set(ours) == _brute_force_2x2x2(game.payoffs)


def test_mckelvey_mclennan_2x2x2_has_nine_equilibria_all_found() -> None:
    """McKelvey and McLennan, "The maximal number of regular totally mixed Nash equilibria",
    JET 72 (1997): a 2x2x2 game with 9 equilibria (4 pure, 3 partly mixed, 2 totally mixed),
    the most a 2x2x2 game can have. The brute force above agrees."""
    from pathlib import Path

    from sim.game import read_nfg

    game = read_nfg(Path(__file__).parent / "games" / "mckelvey_mclennan_2x2x2.nfg")
    result = solve(game, "all")
    assert len(result.equilibria) == 9 and result.complete and not result.degenerate
    assert sum(eq.is_pure() for eq in result.equilibria) == 4
    totally_mixed = [eq for eq in result.equilibria if all(np.all(s > 0) for s in eq.profile)]
    assert len(totally_mixed) == 2
    assert _set(result) == _brute_force_2x2x2(game.payoffs)
    auto = solve(game, "auto")
    assert _set(auto) == _set(result) and auto.complete


@pytest.mark.parametrize("seed", [2, 4])
def test_all_on_random_3x3x3_games_is_complete_and_odd(seed: int) -> None:
    """Generic games have an odd number of equilibria (Harsanyi, "Oddness of the number of
    equilibrium points", IJGT 2, 1973); ``all`` finds a complete, odd list on 3x3x3 games,
    whose supports include unequal sizes (an overdetermined side makes them empty)."""
    game = NormalFormGame(np.random.default_rng(seed).random((3, 3, 3, 3)))
    result = solve(game, "all", timeout=60)
    assert result.complete and not result.degenerate
    assert len(result.equilibria) % 2 == 1
    for eq in result.equilibria:
        assert game.max_regret(eq.profile) <= 1e-12 * float(np.abs(game.payoffs).max())


@settings(max_examples=30)
@given(gs.two_by_two_by_two())
def test_generic_2x2x2_games_have_an_odd_number_of_equilibria(game: NormalFormGame) -> None:
    """Harsanyi's (1973) oddness theorem, as a check that ``all`` misses none."""
    result = solve(game, "all")
    assert result.complete and len(result.equilibria) % 2 == 1


def test_nau_2x2x2_continua_are_reported_with_their_extreme_points() -> None:
    """Nau's 2x2x2 game (Gambit's sample games: three pure equilibria, two partly mixed
    ones and a continuum of totally mixed ones). With player 1 on its first action and
    player 2 on its second, player 3 mixing with probability r on its first action is an
    equilibrium exactly for r in [1/4, 1] (player 2 needs 3r >= 1 - r; player 1 is
    indifferent): a segment whose extreme points are the pure (1, 2, 1) and r = 1/4. ``all``
    lists the extreme points exactly and says the list is not complete."""
    from pathlib import Path

    from sim.game import read_nfg

    game = read_nfg(Path(__file__).parent / "games" / "nau_2x2x2.nfg")
    result = solve(game, "all")
    assert not result.complete and result.degenerate
    assert any("continuum" in note for note in result.notes)
    assert _set(result) == {
        (0.0, 1.0, 0.0, 1.0, 0.0, 1.0),
        (0.0, 1.0, 1.0, 0.0, 1.0, 0.0),
        (1.0, 0.0, 0.0, 1.0, 1.0, 0.0),
        (0.0, 1.0, 1.0, 0.0, 0.25, 0.75),
        (1.0, 0.0, 0.0, 1.0, 0.25, 0.75),
    }
