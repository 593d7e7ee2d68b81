"""The engine's exact check of two-mixer equilibria agrees with the general exact check.

``sim.stochastic.twomixer.exact_two_mixer`` decides, in integers, whether the profile on a
candidate's support (two players mixing over two actions, the rest pure) is an equilibrium,
and returns it. Where it answers, the answer must be bit for bit what
``sim.equilibria.verify.verify_many`` (rational linear algebra, then an integer check)
returns; it never rejects a candidate on its own.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.equilibria.small_support import batch_two_mixer_candidates
from sim.equilibria.verify import verify_many
from sim.game import NormalFormGame
from sim.stochastic.twomixer import exact_two_mixer


def _padded(profile: tuple[np.ndarray, ...], width: int) -> np.ndarray:
    out = np.zeros((len(profile), width))
    for i, s in enumerate(profile):
        out[i, : len(s)] = s
    return out


@pytest.mark.parametrize(
    ("shape", "integers"),
    [((3, 3, 3, 3), False), ((3, 2, 3, 2), True), ((3, 3, 3), False), ((2, 2, 2), True)],
)
def test_it_returns_what_the_general_check_returns(shape: tuple[int, ...], integers: bool
                                                   ) -> None:  # fmt: skip
    """Random games (small integers make ties and degenerate supports common): every
    candidate it decides is an equilibrium the general check confirms with the same
    floats; it decides most of them."""
    rng = np.random.default_rng(sum(shape))
    size = (60, len(shape), *shape)
    games = rng.integers(-3, 4, size=size).astype(float) if integers else rng.normal(size=size)
    decided = total = 0
    for game, candidates in zip(games, batch_two_mixer_candidates(games, 1e-7), strict=True):
        for cand in candidates:
            total += 1
            fast = exact_two_mixer(game, cand)
            if fast is None:
                continue
            decided += 1
            eqs = verify_many(NormalFormGame(game), [cand], "test", 1e-7).equilibria
            assert eqs, "decided an equilibrium the general check rejects"
            np.testing.assert_array_equal(fast, _padded(eqs[0].profile, max(shape)))
    assert total > 20 and decided >= total // 2


def test_known_mixed_equilibria_and_what_it_leaves_to_the_general_check() -> None:
    """Matching pennies' mixed equilibrium (1/2 each) and a coordination game's mixed one
    (2/3 on the player's preferred action: the other's indifference) are decided; a pure
    profile, a support whose solution lies outside (0, 1) (one player has a dominant
    action) and three mixers are left to the general check."""
    pennies = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    half = [np.array([0.5, 0.5]), np.array([0.5, 0.5])]
    assert exact_two_mixer(pennies, half) is not None
    coordination = np.array([[[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 2.0]]])
    np.testing.assert_array_equal(
        exact_two_mixer(coordination, half), [[2 / 3, 1 / 3], [1 / 3, 2 / 3]]
    )
    assert exact_two_mixer(pennies, [np.array([1.0, 0.0]), np.array([0.0, 1.0])]) is None
    dominant = np.array([[[2.0, 2.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]])
    assert exact_two_mixer(dominant, half) is None
    three = np.random.default_rng(1).normal(size=(3, 2, 2, 2))
    assert exact_two_mixer(three, [np.array([0.5, 0.5])] * 3) is None
