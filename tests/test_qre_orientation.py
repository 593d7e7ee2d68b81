"""The tracer keeps the principal branch's orientation (:func:`sim.stochastic.logit_kernel.
_orientation`): along a smooth solution curve of ``H(z) = 0`` the sign of the determinant of
the augmented Jacobian ``[H'(z); t(z)]`` (``t`` the oriented tangent) never changes, and it
changes across a simple bifurcation point (Allgower and Georg, *Introduction to Numerical
Continuation Methods*, 2003, sec. 2.1-2.2 and 8.1). Where the logit correspondence has two
pieces passing close to each other, near the bifurcation point of a nearly symmetric game, a
step that lands on the other piece shows the sign reversed; the tracer rejects it and follows
the branch with shorter steps. Before this check the tracer stepped onto the other piece in
the games below and ended at the mixed equilibrium."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.game import NormalFormGame
from sim.stochastic import logit_kernel, qre, solve
from sim.stochastic.qre import logit_limits
from tests.test_stochastic_oracles import _one_state

DATA = Path(__file__).parent / "data"


def _unanimity(players: int, a: float, b: float = 1.0) -> np.ndarray:
    """Each of ``players`` players chooses 0 or 1; everyone gets ``a`` when all choose 0,
    ``b`` when all choose 1, and 0 otherwise (a coordination game; for two players the
    matrix ``[[a, 0], [0, b]]`` for both)."""
    g = np.zeros((players,) + (2,) * players)
    for i in range(players):
        g[(i,) + (0,) * players] = a
        g[(i,) + (1,) * players] = b
    return g


def _pygambit(payoffs: np.ndarray) -> np.ndarray:
    gbt = pytest.importorskip("pygambit", reason="pygambit is not installed")
    g = NormalFormGame(payoffs).to_gambit()
    found = gbt.nash.logit_solve(g).equilibria[0]
    return np.concatenate([[float(found[s]) for s in p.strategies] for p in g.players])


def test_the_orientation_is_the_sign_of_the_determinant() -> None:
    """The sign read off the factors (row swaps' parity times the pivots' signs) is the sign
    of ``numpy.linalg.det`` of the matrix factored, for random matrices of the tracer's
    sizes, with and without row swaps."""
    rng = np.random.default_rng(5)
    for size in (3, 5, 13):
        for _ in range(50):
            a = rng.normal(size=(size, size))
            work = a.copy()
            pivots = np.zeros(size, dtype=np.int64)
            assert logit_kernel._solve(work, rng.normal(size=size), np.empty(size), pivots)
            assert logit_kernel._orientation(work, pivots) == np.sign(np.linalg.det(a))


@pytest.mark.parametrize("players", [2, 3])
@pytest.mark.parametrize("delta", [1e-2, 1e-3, 1e-4, 1e-6])
def test_a_near_tie_in_a_coordination_game_selects_the_larger_payoff(
    players: int, delta: float
) -> None:
    """A coordination game whose two pure equilibria pay ``1 + delta`` and ``1`` (or ``1 -
    delta`` and 1): the principal branch ends at the pure equilibrium of the larger payoff,
    for two players the risk-dominant one (McKelvey and Palfrey 1995, sec. 4: the logit
    limit of a symmetric 2x2 game is its risk-dominant equilibrium; here risk dominance
    compares ``(1 + delta)^2`` with 1), as pygambit's ``logit_solve`` finds (Turocy 2005).
    At ``delta = 0`` the symmetric branch has a pitchfork; near it the branch bends to the
    larger payoff while another piece runs on to the mixed equilibrium, where the tracer
    ended before it checked the orientation (two players at ``delta <= 1e-3``, three at
    every ``delta`` here). Also through the engine's API (a one-state game)."""
    cases = []
    for sign in (1.0, -1.0):
        payoffs = _unanimity(players, 1.0 + sign * delta)
        want = np.tile([1.0, 0.0] if sign > 0 else [0.0, 1.0], players)
        got = logit_limits(payoffs[None], 1e-7)
        assert got.verified[0]
        np.testing.assert_allclose(got.profiles[0], want, atol=1e-9)
        strategy = solve(_one_state(payoffs)).strategy[0]
        np.testing.assert_allclose(strategy.reshape(-1), want, atol=1e-9)
        cases.append((payoffs, want))
    # the cross-check last: without pygambit the engine's own assertions above still ran
    for payoffs, want in cases:
        np.testing.assert_allclose(_pygambit(payoffs), want, atol=1e-3)


def test_a_four_player_game_near_a_bifurcation_ends_where_pygambit_does() -> None:
    """Two stage games of the engine benchmark (``benchmarks/bench_engine.py``, 192 rounds,
    state 6414 in rounds 123 and 122; 4 players x 3 actions, payoffs 0.022 apart of a spread
    of 15.3), where the principal branch changes its limit from one round to the next. The
    traced limits, cold and warm (the target from the source's trace), are pygambit's
    ``logit_solve`` ones. Before the orientation check the source's trace ended at a mixed
    equilibrium (another branch piece), and the target's warm trace followed it there for
    six rounds of the benchmark."""
    data = np.load(DATA / "near_bifurcation_4x3.npz")
    source, target = data["source"][None], data["target"][None]
    empty = np.zeros((1, 0, qre.flat_size(source.shape[2:]) + 1))
    first = logit_limits(source, 1e-7, warm=(empty, np.zeros(1, dtype=np.int64)))
    assert first.record is not None and first.recorded is not None
    warm = logit_limits(target, 1e-7, warm=(first.record, first.recorded))
    cold = logit_limits(target, 1e-7)
    for got, game in ((first, source), (cold, target), (warm, target)):
        assert got.verified[0]
        np.testing.assert_allclose(got.profiles[0], _pygambit(game[0]), atol=1e-3)
        assert set(np.flatnonzero(got.profiles[0] > 0.5)) == set(
            np.flatnonzero(_pygambit(game[0]) > 0.5))
