"""The polish's tie-break on a continuum of equilibria: :func:`sim.stochastic.qre.pure_nearby`
takes the pure profile of the traced point's most likely actions when it lies within
``POLISH_DISTANCE`` of the trace and is an exact equilibrium, and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from sim.stochastic.qre import POLISH_DISTANCE, pure_nearby

SHAPE = (2, 2)


def _game(row: list[list[float]], col: list[list[float]]) -> np.ndarray:
    """``(1, 2, 2, 2)``: one two-player game, ``row[a][b]`` and ``col[a][b]``."""
    return np.array([[row, col]], dtype=np.float64)


def _flat(p_first: float, q_first: float) -> np.ndarray:
    return np.array([[p_first, 1.0 - p_first, q_first, 1.0 - q_first]])


@pytest.mark.parametrize("q_right", [2e-4, 7e-4, 0.5 * POLISH_DISTANCE])
def test_a_continuum_through_a_pure_equilibrium_gives_the_pure_profile(q_right: float) -> None:
    """Row's A strictly dominates B (1 against 0); against A the column is indifferent
    (0 and 0), so (A, q L + (1 - q) R) is an equilibrium for every q: a continuum through
    the pure (A, L). Wherever a trace stops near (A, L), the answer is (A, L), exactly."""
    game = _game([[1.0, 1.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 0.0]])
    traced = _flat(1.0, 1.0 - q_right)
    out = pure_nearby(game, traced, traced.copy(), SHAPE)
    np.testing.assert_array_equal(out, _flat(1.0, 1.0))


def test_a_point_farther_than_the_polish_distance_is_kept() -> None:
    """The same continuum, traced at q = 1 - 2 POLISH_DISTANCE: (A, L) is an equilibrium
    but farther from the trace than the polish admits, so the polished point stays."""
    game = _game([[1.0, 1.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 0.0]])
    traced = _flat(1.0, 1.0 - 2 * POLISH_DISTANCE)
    out = pure_nearby(game, traced, traced.copy(), SHAPE)
    np.testing.assert_array_equal(out, traced)


def test_an_isolated_mixed_equilibrium_near_a_pure_profile_is_kept() -> None:
    """A cycle with tiny mixing: row's payoffs U: (1, 0), D: (0, e) against (L, R), the
    column's U: (0, 1), D: (e, 0). The unique equilibrium has P(U) = e / (1 + e) (the
    column indifferent: (1 - p) e = p) and P(L) = e / (1 + e) (the row indifferent:
    q = (1 - q) e), both about 1e-4: within the polish distance of (D, R), which is not an
    equilibrium (against D the column gains e by L). The mixed point must stay."""
    e = 1e-4
    p = e / (1.0 + e)
    game = _game([[1.0, 0.0], [0.0, e]], [[0.0, 1.0], [e, 0.0]])
    traced = _flat(p, p)
    out = pure_nearby(game, traced, traced.copy(), SHAPE)
    np.testing.assert_array_equal(out, traced)


def test_pure_and_far_rows_are_left_alone_in_a_batch() -> None:
    """A batch of the three cases above and an already pure row: only the continuum's row
    changes (each row is its own game)."""
    cont = _game([[1.0, 1.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 0.0]])[0]
    e = 1e-4
    cyc = _game([[1.0, 0.0], [0.0, e]], [[0.0, 1.0], [e, 0.0]])[0]
    games = np.stack([cont, cyc, cont, cont])
    traced = np.concatenate([_flat(1.0, 1.0 - 3e-4), _flat(e / (1 + e), e / (1 + e)),
                             _flat(1.0, 1.0 - 2 * POLISH_DISTANCE), _flat(1.0, 1.0)])
    out = pure_nearby(games, traced, traced.copy(), SHAPE)
    np.testing.assert_array_equal(out[0], _flat(1.0, 1.0)[0])
    np.testing.assert_array_equal(out[1:], traced[1:])


def test_logit_limits_applies_the_tie_break_to_what_the_polish_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The wiring: a polish that returns a point 2e-4 off the game's strict pure
    equilibrium (A, L) (row 2 > 1 and column 3 > 0 there) is replaced by (A, L) exactly
    inside :func:`sim.stochastic.qre.logit_limits`, which then admits it."""
    from sim.stochastic import qre

    game = _game([[2.0, 0.0], [1.0, 0.0]], [[3.0, 0.0], [0.0, 1.0]])
    real = qre.polish

    def off_by_a_little(games: np.ndarray, flat: np.ndarray, shape: tuple[int, ...],
                        floor: float = qre.SUPPORT_FLOOR
                        ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        x, ok = real(games, flat, shape, floor)
        return x + np.array([0.0, 0.0, -2e-4, 2e-4]), ok

    monkeypatch.setattr(qre, "polish", off_by_a_little)
    got = qre.logit_limits(game, 1e-7)
    assert got.verified[0]
    np.testing.assert_array_equal(got.profiles[0], _flat(1.0, 1.0)[0])
