"""The end of the reference re-trace (:func:`sim.stochastic.qre.logit_limits`, ``chord=False``).

On the logit principal branch (McKelvey and Palfrey, "Quantal response equilibria for normal
form games", *Games and Economic Behavior* 10, 1995) two actions ``j``, ``k`` of one player
satisfy ``log(sigma_j / sigma_k) = lambda (U_j - U_k)``, and every limit point as ``lambda ->
oo`` is a Nash equilibrium (their Theorem 2). So an action whose payoff gap to the best one
stays ``g > 0`` has ``sigma_j <= exp(-lambda g)``, which underflows at ``LAMBDA_MAX`` = 1e12
unless ``g < 745 / 1e12``, while an action in the limit's support keeps its limit
probability, however small. Two ways the engine used to lose such limits and answer with
``sim.equilibria.solve`` instead (path ``fallback``, not the QRE selection):

- the limit's support holds a probability below ``SUPPORT_FLOOR`` (1e-4): the polish's
  support dropped it, the equal-payoff system on the rest had no solution, and the trace
  ended at ``LAMBDA_MAX`` unverified. A trace that ends there unverified is now polished
  again on every action it still plays (``END_FLOOR``);
- the kernel's regret (largest payoff minus the mean, on a point whose probabilities sum to
  1 only within the corrector's tolerance of 1e-9) read exactly 0 near a pure limit with
  one action 1.4e-8 of the spread short of a tie, still played with probability 7e-4 at
  lambda 5e8; the re-trace took a regret of 0 for the end. It now traces such a game on to
  ``LAMBDA_MAX``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.game import NormalFormGame
from sim.stochastic import qre, solve
from sim.stochastic.qre import logit_limits
from tests.test_stochastic_oracles import _one_state

DATA = Path(__file__).parent / "data"


def _pennies(b: float) -> np.ndarray:
    """Asymmetric matching pennies: the row player earns 1 at (T, L) and ``b`` at (B, R), 0
    otherwise; the column player earns 1 at (T, R) and (B, L), 0 otherwise."""
    g = np.zeros((2, 2, 2))
    g[0, 0, 0], g[0, 1, 1] = 1.0, b
    g[1, 0, 1], g[1, 1, 0] = 1.0, 1.0
    return g


@pytest.mark.parametrize("b", [1e-5, 1e-6])
def test_a_limit_with_a_probability_below_the_support_floor_is_the_traced_one(b: float) -> None:
    """``_pennies(b)`` has no pure equilibrium, so its only equilibrium is mixed: the column
    player's ``q = P(L)`` makes the row player indifferent, ``q = (1 - q) b``, so ``q = b /
    (1 + b)``, and the row player's ``p = P(T)`` the column player, ``p = 1 - p = 1/2``. The
    branch's limit is that equilibrium (McKelvey and Palfrey 1995, Theorem 2), with ``q``
    below ``SUPPORT_FLOOR``: verified, at the exact point."""
    q = b / (1.0 + b)
    assert q < qre.SUPPORT_FLOOR
    got = logit_limits(_pennies(b)[None], 1e-7)
    assert got.verified[0]
    np.testing.assert_allclose(got.profiles[0], [0.5, 0.5, q, 1.0 - q], rtol=0, atol=1e-12)


def test_a_benchmark_game_whose_patron_mixes_below_the_floor_selects_pygambits_limit() -> None:
    """A stage game of the engine benchmark's 48-round solve (``benchmarks/bench_engine.py``,
    ``build(11, 8, 48, shock_round=24)``, round 39, state 3824; 4 players x 3 actions): the
    hedger mixes 12/35 and 23/35 to keep the patron indifferent, and the patron's 5.5e-6 on
    its second action keeps the hedger indifferent, a regular (isolated) equilibrium. The
    engine used to answer it with ``sim.equilibria.solve``'s first equilibrium, a pure one
    (every player on one action, the outsider on its third), which the branch does not
    reach; pygambit's ``logit_solve`` (Turocy 2005) ends within 4e-6 of the traced limit."""
    game = np.load(DATA / "end_of_branch_4x3.npz")["below_floor"]
    got = logit_limits(game[None], 1e-7)
    assert got.verified[0]
    limit = got.profiles[0]
    assert set(np.flatnonzero(limit > 1e-12)) == {1, 2, 4, 5, 8, 9}
    np.testing.assert_allclose(limit[1:3], [12 / 35, 23 / 35], rtol=0, atol=1e-12)
    assert 0 < limit[4] < qre.SUPPORT_FLOOR
    norm, _ = qre.normalise(game[None])
    assert qre.support_ratio(norm, got.profiles, game.shape[1:])[0] > 1e-3  # isolated
    res = solve(_one_state(game))
    assert list(res.path) == ["traced"]
    np.testing.assert_allclose(res.strategy[0].reshape(-1), limit, rtol=0, atol=1e-12)
    # the cross-check last: without pygambit the engine's own assertions above still ran
    gbt = pytest.importorskip("pygambit", reason="pygambit is not installed")
    g = NormalFormGame(game).to_gambit()
    found = gbt.nash.logit_solve(g).equilibria[0]
    theirs = np.concatenate([[float(found[s]) for s in p.strategies] for p in g.players])
    np.testing.assert_allclose(theirs, limit, rtol=0, atol=1e-5)


def test_a_near_tie_whose_regret_reads_zero_is_traced_to_its_pure_limit() -> None:
    """A stage game of the same solve (round 43, state 77) whose hedger's second action
    beats its first by 1.4e-8 of the spread at the pure profile below, every other gap
    being at least 0.028 of it: a strict equilibrium, which the branch approaches as the
    first action's probability falls like ``exp(-lambda 1.4e-8)``. The re-trace's regret
    read exactly 0 at lambda 5e8 (that probability still 7e-4, the polish's support keeping
    it); traced on, the branch reaches ``LAMBDA_MAX`` at the pure profile. (pygambit's
    ``logit_solve`` stops at its regret of 1e-8 of the spread with the hedger at 1/2, 1/2,
    where the near tie is below its stop.)"""
    game = np.load(DATA / "end_of_branch_4x3.npz")["near_tie"]
    pure = (1, 1, 0, 2)
    spread = game.max() - game.min()
    margins = []
    for i, a in enumerate(pure):
        u = game[i][tuple(slice(None) if k == i else pure[k] for k in range(4))]
        margins.append((u[a] - np.delete(u, a).max()) / spread)
    assert 1e-8 < margins[0] < 2e-8 and min(margins[1:]) > 0.02
    got = logit_limits(game[None], 1e-7)
    assert got.verified[0]
    assert got.lambdas[0] >= qre.LAMBDA_MAX
    want = np.zeros(12)
    want[[3 * i + a for i, a in enumerate(pure)]] = 1.0
    np.testing.assert_array_equal(got.profiles[0], want)
    assert list(solve(_one_state(game)).path) == ["traced"]
