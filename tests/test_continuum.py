"""The engine's flag for a selected limit on a continuum of equilibria
(:func:`sim.stochastic.qre.support_ratio`, :func:`sim.stochastic.stage.on_continuum`,
``Solution.continuum``), the probability play reaches one (``Solution.reach``) and its
summary over an analysis's calibrations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.calibrate.analysis import continuum_ties
from sim.calibrate.solving import Answer
from sim.results.supported import CONTINUUM_MASS
from sim.stochastic import StochasticGame, qre, solve
from sim.stochastic.stage import PATHS, TraceCache, pure_cells, select_stage

TOL = 1e-7


def segment_game() -> np.ndarray:
    """A 3-player, 2-action game whose equilibria with every player mixing form a segment.

    With ``x``, ``p``, ``q`` the probabilities of action 0 of players 1, 2, 3, the payoffs
    ``u1(0, j, k) = [j = 0] - [k = 0]``, ``u1(1, .) = 0``; ``u2(i, 0, k) = [i = 0] - 1/2``,
    ``u2(i, 1, k) = 0``; ``u3(i, j, 0) = [i = 0] - 1/2``, ``u3(i, j, 1) = 0`` give the
    payoff differences (action 0 minus action 1) ``F1 = p - q``, ``F2 = x - 1/2``,
    ``F3 = x - 1/2``. So every ``(1/2, p, p)`` with ``0 < p < 1`` is an equilibrium (all
    three indifferent): a segment through the uniform profile. The uniform profile is a
    logit QRE at every precision (every difference is 0 there), so the principal branch
    stays on it. The support system's Jacobian at any point of the segment,
    ``d(F1, F2, F3) / d(x, p, q)`` up to the contrast bases' scale, is
    ``[[0, 1, -1], [1, 0, 0], [1, 0, 0]]``: rank 2, singular."""
    g = np.zeros((3, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            for k in range(2):
                g[0, i, j, k] = float(j == 0) - float(k == 0) if i == 0 else 0.0
                g[1, i, j, k] = float(i == 0) - 0.5 if j == 0 else 0.0
                g[2, i, j, k] = float(i == 0) - 0.5 if k == 0 else 0.0
    return g


def two_mixer_segment_game() -> np.ndarray:
    """A 3-player, 2-action game whose selected limit has two mixers on a segment.

    Player 1's action 0 pays 1, action 1 pays 0 (strictly dominant); player 3's payoffs
    are all 0 (indifferent everywhere); player 2's action 0 pays ``[k = 0] - 1/2`` (``k``
    player 3's action), action 1 pays 0, so ``F2 = q - 1/2``. Along the principal branch
    player 3 is uniform at every precision (its logit response to equal payoffs), so
    ``F2 = 0`` and player 2 is uniform too: the limit ``(1, 1/2, 1/2)``. Every ``(1, p,
    1/2)`` is an equilibrium: a segment in player 2's mix with player 3 mixing as well.
    The Jacobian of ``(F2, F3)`` in ``(p, q)`` is ``[[0, 1], [0, 0]]``: singular."""
    g = np.zeros((3, 2, 2, 2))
    g[0, 0] = 1.0
    for k in range(2):
        g[1, :, 0, k] = float(k == 0) - 0.5
    return g


def rock_paper_scissors() -> np.ndarray:
    """Zero-sum rock-paper-scissors: its only equilibrium is both players uniform, a regular
    one (the Jacobian of the equal-payoff conditions is the payoff matrix's contrast,
    nonsingular)."""
    a = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    return np.stack([a, -a.T])


def test_a_three_player_segment_of_equilibria_is_flagged() -> None:
    """:func:`segment_game`: traced, its limit on the segment ``(1/2, p, p)`` (checked), and
    flagged; the support ratio is 0 up to rounding."""
    game = segment_game()
    choice = select_stage(game[None], tol=TOL, robust=False)
    s = choice.strategies[0]
    assert PATHS[choice.path[0]] == "traced"
    assert abs(s[0, 0] - 0.5) < 1e-9 and abs(s[1, 0] - s[2, 0]) < 1e-9
    assert 0.0 < s[1, 0] < 1.0
    assert choice.continuum[0]
    assert qre.support_ratio(game[None], qre.from_padded(s[None], (2, 2, 2)), (2, 2, 2))[0] \
        <= 1e-12


def test_a_two_mixer_segment_is_flagged() -> None:
    """:func:`two_mixer_segment_game`: player 1 pure, players 2 and 3 mixing, flagged."""
    game = two_mixer_segment_game()
    choice = select_stage(game[None], tol=TOL, robust=False)
    s = choice.strategies[0]
    assert s[0, 0] == 1.0 and 0.0 < s[1, 0] < 1.0 and 0.0 < s[2, 0] < 1.0
    assert choice.continuum[0]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(0.1, 10.0), min_size=3, max_size=3),
       st.lists(st.floats(-5.0, 5.0), min_size=3, max_size=3))
def test_the_flag_is_unchanged_by_each_players_affine_map(scale: list[float],
                                                          shift: list[float]) -> None:
    """The segment of :func:`segment_game` is a segment of every game with each player's
    payoffs mapped by ``a_i u_i + b_i`` (``a_i > 0``: the same best responses), and the
    uniform profile still a QRE at every precision: flagged whatever the map."""
    game = segment_game() * np.array(scale)[:, None, None, None] \
        + np.array(shift)[:, None, None, None]
    assert select_stage(game[None], tol=TOL, robust=False).continuum[0]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_ratio_of_a_two_by_two_mixed_equilibrium(seed: int) -> None:
    """In a 2x2 bimatrix game at any fully mixed profile the support system is ``F1(q) =
    U_10 - U_11``, ``F2(p) = U_20 - U_21``, with contrast ``P = (1, -1) / sqrt 2``: the
    Jacobian is ``[[0, a / 2], [b / 2, 0]]`` with ``a = A00 - A01 - A10 + A11`` (player 1's
    payoffs ``A``) and ``b`` the same of player 2's (rows: player 1's actions), singular
    values ``|a| / 2`` and ``|b| / 2``: the ratio is ``min(|a|, |b|) / max(|a|, |b|)``."""
    rng = np.random.default_rng(seed)
    game = rng.normal(size=(2, 2, 2))
    x = np.concatenate([rng.dirichlet([1, 1]), rng.dirichlet([1, 1])])
    a = game[0, 0, 0] - game[0, 0, 1] - game[0, 1, 0] + game[0, 1, 1]
    b = game[1, 0, 0] - game[1, 0, 1] - game[1, 1, 0] + game[1, 1, 1]
    want = min(abs(a), abs(b)) / max(abs(a), abs(b))
    got = qre.support_ratio(game[None], x[None], (2, 2))[0]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_an_isolated_mixed_equilibrium_is_not_flagged() -> None:
    """Rock-paper-scissors (traced: no dominance, not 2x2): its limit is uniform, the
    support system regular (ratio 1: the contrast of the circulant payoff matrix has
    equal singular values), so not flagged."""
    game = rock_paper_scissors()
    choice = select_stage(game[None], tol=TOL, robust=False)
    assert PATHS[choice.path[0]] == "traced"
    assert np.allclose(choice.strategies[0], 1.0 / 3.0, atol=1e-9)
    assert not choice.continuum[0]
    flat = qre.from_padded(choice.strategies, (3, 3))
    assert qre.support_ratio(game[None], flat, (3, 3))[0] == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_generic_games_mixed_limits_are_not_flagged(seed: int) -> None:
    """Random games with normal payoffs are generic: every equilibrium is regular
    (Harsanyi, "Oddness of the number of equilibrium points", *International Journal of
    Game Theory* 2, 1973), so the Jacobian of the selected mixed limit's support system is
    nonsingular, and its ratio is a continuous function of the payoffs that is 0 only on a
    set of measure 0; none is flagged."""
    games = np.random.default_rng(seed).normal(size=(40, 3, 2, 2, 2))
    choice = select_stage(games, tol=TOL, robust=False)
    assert not choice.continuum.any()


def test_single_mixer_ties_and_pure_limits_are_not_flagged() -> None:
    """A single mixer over exactly tied actions whose opponents are strict is answered
    exactly (the ``tie`` path, or :func:`sim.stochastic.qre.exact_ties` after a trace):
    its Jacobian is 0 (one mixer: its payoffs do not depend on its own mix) but its limit
    is the exact one, so it is not flagged; neither is a pure limit."""
    # player 3 indifferent everywhere, players 1 and 2 strictly dominant: the tie path
    tie = np.zeros((3, 2, 2, 2))
    tie[0, 0] = 1.0
    tie[1, :, 0] = 1.0
    # player 3 indifferent; player 2's payoff of action 0 is q - 0.3 (not dominant, strict
    # at the limit q = 1/2): traced, then exact_ties
    traced = np.zeros((3, 2, 2, 2))
    traced[0, 0] = 1.0
    traced[1, :, 0, 0] = 0.7
    traced[1, :, 0, 1] = -0.3
    # a pure limit: a coordination game's branch goes to a strict pure equilibrium
    pure = np.zeros((2, 2, 2))
    pure[:, 0, 0] = 2.0
    pure[:, 1, 1] = 1.0
    choice = select_stage(np.stack([tie, traced]), tol=TOL, robust=False)
    assert [PATHS[p] for p in choice.path] == ["tie", "traced"]
    flat = qre.from_padded(choice.strategies, (2, 2, 2))
    assert np.all(qre.support_ratio(np.stack([tie, traced]), flat, (2, 2, 2)) == 0.0)
    assert choice.strategies[1, 2, 0] == 0.5 and choice.strategies[1, 1, 0] == 1.0
    assert not choice.continuum.any()
    # the same limit from the trace cache, and twice in one batch (one trace shared)
    cache = TraceCache()
    for _ in range(2):
        again = select_stage(np.stack([traced, traced]), tol=TOL, robust=False, cache=cache)
        assert not again.continuum.any()
        np.testing.assert_array_equal(again.strategies[0], choice.strategies[1])
    pc = select_stage(pure[None], tol=TOL, robust=False)
    assert pure_cells(pc.strategies, (2, 2))[0, 0] >= 0 and not pc.continuum[0]


def test_the_batch_flag_is_each_game_alone() -> None:
    """The flag of each game of a batch (flagged, regular, exact ties, random) is the flag
    of that game solved alone: each game's profile is its own, and the test reads only it
    and the game."""
    rng = np.random.default_rng(3)
    games = np.concatenate([segment_game()[None], two_mixer_segment_game()[None],
                            rng.normal(size=(30, 3, 2, 2, 2))])
    games = games[rng.permutation(games.shape[0])]
    batch = select_stage(games, tol=TOL, robust=False)
    alone = [select_stage(g[None], tol=TOL, robust=False) for g in games]
    assert batch.continuum.sum() >= 2
    for k, one in enumerate(alone):
        assert batch.continuum[k] == one.continuum[0]
        np.testing.assert_array_equal(batch.strategies[k], one.strategies[0])


def two_state_game(stay: float) -> StochasticGame:
    """Two states, the three players of :func:`segment_game`, discount 0 (so every round's
    stage game is the state's own payoffs): state 0 plays a game with a strict pure
    equilibrium, state 1 :func:`segment_game`; from state 0 play moves to state 1 with
    probability ``1 - stay`` whatever the actions, state 1 is absorbing."""
    strict = np.zeros((3, 2, 2, 2))
    strict[0, 0] = 1.0
    strict[1, :, 0] = 1.0
    strict[2, :, :, 0] = 1.0
    payoffs = np.stack([strict, segment_game()])
    law = np.zeros((2, 2, 2, 2, 2))
    law[0, ..., 0] = stay
    law[0, ..., 1] = 1.0 - stay
    law[1, ..., 1] = 1.0
    return StochasticGame(payoffs, law, 0.0)


@pytest.mark.parametrize("stay", [0.0, 0.7, 1.0])
def test_the_mass_on_flagged_states_is_the_exact_propagation(stay: float) -> None:
    """In :func:`two_state_game` only state 1 is flagged (in every round); from state 0
    play first enters it in round ``t >= 1`` with probability ``stay^(t-1) (1 - stay)``, so
    it is there in some round ``0..T-1`` with probability ``1 - stay^(T-1)``; from state 1
    with probability 1."""
    horizon = 4
    sol = solve(two_state_game(stay), horizon=horizon, robust=False)
    flags = np.asarray(sol.continuum)
    assert flags.shape == (horizon, 2)
    assert not flags[:, 0].any() and flags[:, 1].all()
    assert float(sol.reach(0, sol.continuum)) == pytest.approx(1.0 - stay ** (horizon - 1),
                                                               abs=1e-12)  # fmt: skip
    assert float(sol.reach(1, sol.continuum)) == pytest.approx(1.0, abs=1e-12)
    # the same as the engine's own first-visit distribution of the flagged state
    first = sol.first_round(0, states=[1], rounds=horizon)
    assert float(sol.reach(0, sol.continuum)) == pytest.approx(
        float(first.probability[:horizon].sum()), abs=1e-12)


def test_reach_counts_a_path_once_and_checks_the_mask() -> None:
    """A mask marking both states of every round: every path is marked in round 0, so the
    probability is 1 (not the number of rounds); a mask of the wrong shape is refused."""
    sol = solve(two_state_game(0.5), horizon=3, robust=False)
    assert float(sol.reach(0, np.ones((3, 2), dtype=bool))) == pytest.approx(1.0, abs=1e-15)
    assert float(sol.reach(0, np.zeros((3, 2), dtype=bool))) == 0.0
    with pytest.raises(Exception, match="shape"):
        sol.reach(0, np.ones((2, 2), dtype=bool))


@pytest.mark.parametrize("last", [0, 1, 2, 4])
def test_reach_stops_at_the_last_marked_round_with_the_same_bits(last: int) -> None:
    """``reach`` propagates play only up to the last round with a mark (later rounds add
    exact zeros): the same number, bit for bit, as the propagation over every round (the
    recursion of its docstring written out here, with the solution's own weights and
    law), on a batch of two games whose masks mark round 1 (and round ``last``, which is
    then the last marked round; ``last`` 0 marks round 0 only) or nothing."""
    game = two_state_game(0.7)
    batch = StochasticGame(np.stack([game.payoffs, game.payoffs]),
                           np.stack([game.transitions.probabilities] * 2), 0.0)  # fmt: skip
    horizon = 5
    sol = solve(batch, horizon=horizon, robust=False)
    mask = np.zeros((2, horizon, 2), dtype=bool)
    mask[0, min(last, 1), 1] = True
    mask[0, last, :] = [False, True]
    pi = sol._start(0)
    want = np.zeros(2)
    for t in range(horizon):
        want += np.where(mask[:, t], pi, 0.0).sum(axis=1)
        pi = np.where(mask[:, t], 0.0, pi)
        pi = sol._round_game(t).transitions.push(sol._weights(pi, t), batch.shape)
    got = sol.reach(0, mask)
    assert np.array_equal(got, want)
    assert got[1] == 0.0 and (got[0] > 0.0) == (last > 0)


def test_the_analysis_counts_calibrations_above_the_threshold() -> None:
    """``continuum_ties``: the calibrations whose mass exceeds ``CONTINUUM_MASS`` (here one
    of three measured; the NaN one was not measured), and the largest mass."""
    b = 4
    answer = Answer(np.zeros((b, 2)), np.zeros(b), np.ones(b), np.tile([0, 0, 0, 1.0], (b, 1)),
                    np.zeros((b, 3)), np.zeros(b),
                    np.array([0.0, CONTINUUM_MASS / 10, 0.25, np.nan]))  # fmt: skip
    ties = continuum_ties(answer)
    assert (ties.measured, ties.calibrations, ties.largest) == (3, 1, 0.25)
    unmeasured = Answer(np.zeros((b, 2)), np.zeros(b), np.ones(b),
                        np.tile([0, 0, 0, 1.0], (b, 1)), np.zeros((b, 3)), np.zeros(b))
    assert continuum_ties(unmeasured).measured == 0
    assert len(unmeasured.take(np.array([0, 2])).continuum) == 2
