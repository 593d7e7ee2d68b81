"""The engine's robustness search (``sim.stochastic.stage.search_others``) against the
definition it implements: a player's strategy is robust when no equilibrium found by exact
enumeration (every pure one, :func:`sim.equilibria.pure_equilibrium_mask`; every one with
two players mixing over two actions each, each candidate checked exactly,
:func:`sim.equilibria.small_support.batch_two_mixer_equilibria`) differs from the chosen
profile in that player's strategy by more than ``SAME`` in some probability. The search
checks only the candidates that could change a flag; the flags must be the same."""

from __future__ import annotations

import numpy as np
import pytest
import strategies as gs
from hypothesis import given
from hypothesis import strategies as st

from sim.equilibria import pure_equilibrium_mask
from sim.equilibria.small_support import batch_two_mixer_equilibria
from sim.stochastic.stage import SAME, search_others


def _reference(games: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The flags by definition: every equilibrium found, compared with ``chosen``."""
    shape = games.shape[2:]
    n = games.shape[1]
    differs = np.zeros((games.shape[0], n), dtype=bool)
    mask = pure_equilibrium_mask(games, 1e-7, batched=True)
    for cell in np.argwhere(mask):
        g, actions = cell[0], cell[1:]
        for i in range(n):
            s = np.zeros(max(shape))
            s[actions[i]] = 1.0
            differs[g, i] |= np.abs(s - chosen[g, i]).max() > SAME
    for g, eqs in enumerate(batch_two_mixer_equilibria(games, 1e-7)):
        for eq in eqs:
            for i, s in enumerate(eq.profile):
                differs[g, i] |= np.abs(s - chosen[g, i, : len(s)]).max() > SAME
    return ~differs.any(axis=1), ~differs


def _chosen(games: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A profile per game to compare with: one of its two-mixer equilibria where it has
    one (so some games are robust), else a pure profile (an equilibrium or not)."""
    shape = games.shape[2:]
    out = np.zeros((games.shape[0], games.shape[1], max(shape)))
    for g, eqs in enumerate(batch_two_mixer_equilibria(games, 1e-7)):
        if eqs and rng.random() < 0.7:
            for i, s in enumerate(eqs[int(rng.integers(len(eqs)))].profile):
                out[g, i, : len(s)] = s
        else:
            for i, m in enumerate(shape):
                out[g, i, int(rng.integers(m))] = 1.0
    return out


@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (2, 2, 2), (3, 2, 3), (2, 3, 2, 2)])
@pytest.mark.parametrize("kind", ["normal", "integers"])
def test_the_search_gives_the_flags_of_every_equilibrium_found(shape: tuple[int, ...], kind: str
                                                               ) -> None:  # fmt: skip
    """Seeded games (small integers: ties, degenerate candidates the general check must
    decide), chosen profiles that are equilibria or not: the same flags as the definition,
    and both robust and non-robust games occur."""
    rng = np.random.default_rng(7 * len(shape) + (kind == "integers"))
    size = (80, len(shape), *shape)
    if kind == "integers":
        games = rng.integers(-2, 3, size=size).astype(float)
    else:
        games = rng.normal(size=size)
    chosen = _chosen(games, rng)
    robust, players = search_others(games, chosen, 1e-7)
    want_robust, want_players = _reference(games, chosen)
    assert np.array_equal(robust, want_robust) and np.array_equal(players, want_players)
    assert players.any() and (~players).any()


@given(gs.game_batches(max_batch=6), st.integers(0, 2**32 - 1))
def test_the_search_on_generated_games(payoffs: np.ndarray, seed: int) -> None:
    """Hypothesis-generated batches (any shape up to 81 profiles, integers or floats)."""
    chosen = _chosen(payoffs, np.random.default_rng(seed))
    robust, players = search_others(payoffs, chosen, 1e-7)
    want_robust, want_players = _reference(payoffs, chosen)
    assert np.array_equal(robust, want_robust) and np.array_equal(players, want_players)
