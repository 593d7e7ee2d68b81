"""Cross-check with sgamesolver (Eibelshäuser and Poensgen's homotopy solver for stochastic
games; a test extra, never a runtime dependency).

sgamesolver 1.0.2 ships only as source: ``pip install 'cython<3' wheel numpy`` then
``pip install --no-build-isolation sgamesolver==1.0.2``; it uses ``np.NaN``, gone in
numpy 2, so ``np.NaN = np.nan`` is set before importing it. Skipped, with the reason,
where it cannot be imported.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.stochastic import StochasticGame, solve
from tests.stochastic_games import random_rows


def _sgamesolver():  # type: ignore[no-untyped-def]
    if not hasattr(np, "NaN"):
        np.NaN = np.nan  # type: ignore[attr-defined]
    try:
        import sgamesolver
    except ImportError as exc:
        pytest.skip(f"sgamesolver is not installed ({exc}); see this module's docstring")
    return sgamesolver


def _random_game(seed: int) -> StochasticGame:
    rng = np.random.default_rng(seed)
    n_states, shape = 3, (2, 2)
    u = rng.normal(size=(n_states, 2, *shape))
    p = random_rows(rng, (n_states, *shape, n_states))
    return StochasticGame(u, p, 0.3)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_stationary_equilibrium_passes_sgamesolver_check_and_matches_where_unique(
    seed: int,
) -> None:
    """On small random stochastic games (3 states, 2 players x 2 actions, discount 0.3):

    - sgamesolver's own ``check_equilibrium`` (the one-shot deviation gain of every player
      in every state, computed from the strategies alone, independently of our values)
      admits the engine's stationary equilibrium;
    - where every state's stage game has a single equilibrium the engine could prove
      complete (dominance or a cyclic 2x2), the stationary equilibrium is unique at this
      low discount, and sgamesolver's QRE homotopy (Eibelshäuser and Poensgen,
      "Markov quantal response equilibrium and a homotopy method for computing and
      selecting Markov perfect equilibria of dynamic stochastic games", 2019) ends at the
      same strategies (within 5e-3: it stops at a large but finite lambda, where a mixed
      equilibrium is still a few 1e-4 away; distinct equilibria of these games lie far
      further apart).
    """
    sg = _sgamesolver()
    game = _random_game(seed)
    res = solve(game, selection="player-optimal")
    theirs = sg.SGame([game.payoffs[s] for s in range(3)],
                      [game.transitions.probabilities[s] for s in range(3)], 0.3)  # type: ignore[attr-defined]  # fmt: skip
    gain = theirs.check_equilibrium(res.strategy)
    assert gain.max() <= 1e-7 * (game.payoffs.max() - game.payoffs.min())
    if not (res.robust.all() and res.complete.all()):
        return
    homotopy = sg.homotopy.QRE(theirs)
    homotopy.solver_setup()
    homotopy.solver.verbose = 0
    homotopy.solve()
    assert homotopy.equilibrium is not None
    np.testing.assert_allclose(homotopy.equilibrium.strategies, res.strategy, atol=5e-3)
