"""The vectorised admission of single-mixer candidates agrees with ``verify`` one by one.

``sim.equilibria.verify.single_mixer_admitted`` decides, for many candidates at once,
those with one player mixing and the rest pure, in float arithmetic with a rigorous error
bound. It must never admit what :func:`sim.equilibria.verify` (exact rational arithmetic)
rejects, and it should decide most of what that check admits. Games with small integer
payoffs make exact ties (``E_t = 0``) common; near-ties are built on purpose.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.equilibria.verify import single_mixer_admitted, verify
from sim.errors import SolverError
from sim.game import NormalFormGame


def _admits(game: np.ndarray, profile: np.ndarray) -> bool:
    shape = game.shape[1:]
    try:
        verify(NormalFormGame(game), [profile[i, :m] for i, m in enumerate(shape)], "test")
    except SolverError:
        return False
    return True


def _single_mixer_candidates(rng: np.random.Generator, shape: tuple[int, ...], count: int,
                             integers: bool) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Random games and single-mixer profiles. In about half the games the mixer is made
    exactly indifferent on its support (copied payoffs); each pure player's other actions
    are made worse by a random amount that is often 0 (a tie) and sometimes negative
    (then it would deviate), so many candidates are equilibria and many are not."""
    n = len(shape)
    size = (count, n, *shape)
    games = rng.integers(-2, 3, size=size).astype(float) if integers else rng.normal(size=size)
    profiles = np.zeros((count, n, max(shape)))
    for c in range(count):
        mixer = int(rng.integers(n))
        pure = [int(rng.integers(m)) for m in shape]
        for k, m in enumerate(shape):
            if k == mixer:
                support = rng.choice(m, size=int(rng.integers(2, m + 1)), replace=False)
                w = rng.dirichlet(np.ones(support.size))
                profiles[c, k, support] = w / w.sum()
                if rng.random() < 0.5:
                    src = [slice(None)] * n
                    src[k] = int(support[0])
                    for s in support[1:]:
                        dst = [slice(None)] * n
                        dst[k] = int(s)
                        games[c, k][tuple(dst)] = games[c, k][tuple(src)]
                continue
            profiles[c, k, pure[k]] = 1.0
            for t in range(m):
                if t == pure[k]:
                    continue
                for s in range(shape[mixer]):
                    cell = list(pure)
                    cell[mixer] = s
                    keep = games[(c, k, *cell)]
                    cell[k] = t
                    drop = float(rng.integers(0, 2)) if integers else abs(rng.normal())
                    if rng.random() < 0.05:
                        drop = -drop
                    games[(c, k, *cell)] = keep - drop
    return games, profiles


@pytest.mark.parametrize(
    ("shape", "integers"), [((3, 3, 3, 3), True), ((3, 3, 3, 3), False), ((2, 3, 2), True)]
)
def test_it_admits_only_what_verify_admits_and_most_of_it(shape: tuple[int, ...],
                                                          integers: bool) -> None:  # fmt: skip
    rng = np.random.default_rng(sum(shape) + integers)
    games, profiles = _single_mixer_candidates(rng, shape, 150, integers)
    fast = single_mixer_admitted(games, profiles)
    slow = np.array([_admits(g, p) for g, p in zip(games, profiles, strict=True)])
    assert not np.any(fast & ~slow), "admitted a candidate the exact check rejects"
    assert slow.sum() >= 20
    assert fast.sum() >= 0.8 * slow.sum()


def test_near_ties_are_left_to_the_exact_check() -> None:
    """Player 1 keeps action 0 against the mixer's ``f = (fl(0.1), fl(0.9))`` when
    ``E = sum_s f_s (u(0, s) - u(1, s)) >= 0``. With differences ``(9, -1)``, ``E`` is
    ``9 fl(0.1) - fl(0.9) = 2.8e-17 > 0`` (an equilibrium) but rounds to 0 in floats; with
    ``(-9, 1)`` it is ``-2.8e-17`` (not one for these floats). Neither is decided here;
    with ``(9, 0)`` (clearly positive) and ``(1, 1)`` vs ``(1, 1)`` (exactly 0: a tie)
    both are admitted."""
    f = np.array([[0.1, 0.9], [1.0, 0.0]])

    def game(keep: tuple[float, float], other: tuple[float, float]) -> np.ndarray:
        g = np.zeros((2, 2, 2))  # player 0 (the mixer) indifferent everywhere
        g[1, :, 0] = keep
        g[1, :, 1] = other
        return g

    near_up = game((9.0, -1.0), (0.0, 0.0))
    near_down = game((-9.0, 1.0), (0.0, 0.0))
    clear = game((9.0, 0.0), (0.0, 0.0))
    tie = game((1.0, 1.0), (1.0, 1.0))
    got = single_mixer_admitted(np.stack([near_up, near_down, clear, tie]), np.stack([f] * 4))
    assert got.tolist() == [False, False, True, True]
    assert _admits(near_up, f) and _admits(clear, f) and _admits(tie, f)


def test_other_shapes_are_not_decided() -> None:
    """Pure profiles, two mixers, probabilities near the support threshold, a strategy
    not summing to 1: all left to the exact check."""
    g = np.zeros((2, 2, 2))
    cases = [
        [[1.0, 0.0], [0.0, 1.0]],
        [[0.5, 0.5], [0.5, 0.5]],
        [[1.5e-6, 1 - 1.5e-6], [1.0, 0.0]],
        [[0.5, 0.49], [1.0, 0.0]],
    ]
    got = single_mixer_admitted(np.stack([g] * 4), np.array(cases))
    assert not got.any()
