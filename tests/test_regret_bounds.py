"""The engine's regret bound reads each stage game's payoff spread and largest magnitude
(:func:`sim.stochastic.stage.payoff_extent`) from two reductions instead of three and an
``abs`` pass; the bounds must be the same floats as the definition's."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.stochastic.stage import payoff_extent, regret_bounds

EPS = np.finfo(np.float64).eps


def _definition(games: np.ndarray, tol: float) -> np.ndarray:
    """The bound as defined: ``tol x (max - min) + 64 eps x max |u|`` over each game."""
    flat = games.reshape(games.shape[0], -1)
    return tol * (flat.max(axis=1) - flat.min(axis=1)) + 64.0 * EPS * np.abs(flat).max(axis=1)


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.just(2), st.integers(1, 3),
                                        st.integers(1, 3)),
                  elements=st.one_of(st.floats(-1e300, 1e300, allow_nan=False),
                                     st.sampled_from([0.0, -0.0, 1e-300, -1e-300]))),
       st.sampled_from([0.0, 1e-9, 1e-6]))  # fmt: skip
def test_the_bound_is_the_definitions_to_the_bit(games: np.ndarray, tol: float) -> None:
    """``max |u| = max(max u, -min u)`` exactly (negation and maxima round nothing), so the
    bound from :func:`payoff_extent` equals the definition's bit for bit, on any signs,
    zeros of either sign and magnitudes from 1e-300 to 1e300."""
    got = regret_bounds(games, tol)
    assert got.tobytes() == _definition(games, tol).tobytes()
    spread, magnitude = payoff_extent(games)
    flat = games.reshape(games.shape[0], -1)
    assert np.array_equal(magnitude, np.abs(flat).max(axis=1))
    assert np.array_equal(spread, flat.max(axis=1) - flat.min(axis=1))
