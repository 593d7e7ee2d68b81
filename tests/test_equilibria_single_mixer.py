"""The vectorised admission (and refusal) of single-mixer candidates agrees with ``verify``
one by one.

``sim.equilibria.verify.single_mixer_admitted`` decides, for many candidates at once,
those with one player mixing and the rest pure, in float arithmetic with a rigorous error
bound. It must never admit what :func:`sim.equilibria.verify` (exact rational arithmetic)
rejects, and it should decide most of what that check admits. Games with small integer
payoffs make exact ties (``E_t = 0``) common; near-ties are built on purpose.
``single_mixer_refused`` likewise must never refuse what ``verify`` admits (its proof is
in its docstring: a support action of the mixer that is not a best response against the
others' actions, rounding remnants of a trace on the others bounded).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.equilibria.verify import single_mixer_admitted, single_mixer_refused, verify
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


def _with_remnants(rng: np.random.Generator, profiles: np.ndarray) -> np.ndarray:
    """Each zero probability of a pure player (and half the time of the mixer) becomes a
    remnant of a trace, 1e-33 to 1e-14, in about half the candidates."""
    out = profiles.copy()
    for c in range(out.shape[0]):
        if rng.random() < 0.5:
            zero = out[c] == 0.0
            out[c][zero] = 10.0 ** rng.uniform(-33, -14, size=int(zero.sum()))
    return out


@pytest.mark.parametrize(
    ("shape", "integers"), [((3, 3, 3, 3), True), ((3, 3, 3, 3), False), ((2, 3, 2), True)]
)
def test_it_refuses_only_what_verify_refuses_and_most_of_it(shape: tuple[int, ...],
                                                            integers: bool) -> None:  # fmt: skip
    """Random single-mixer candidates (the mixer indifferent in about half the games, with
    remnants on the zeros in about half): never refused where ``verify`` admits; where
    the mixer's support is not all best responses against the others' actions (then
    ``verify`` refuses), refused in every candidate whose probabilities are clear of the
    gate (all of them here: Dirichlet weights above 1e-3 almost surely)."""
    rng = np.random.default_rng(3 * sum(shape) + integers)
    games, profiles = _single_mixer_candidates(rng, shape, 150, integers)
    profiles = _with_remnants(rng, profiles)
    fast = single_mixer_refused(games, profiles)
    slow = np.array([_admits(g, p) for g, p in zip(games, profiles, strict=True)])
    assert not np.any(fast & slow), "refused a candidate the exact check admits"
    assert fast.sum() >= 20 and slow.sum() >= 20
    assert not np.any(fast & single_mixer_admitted(games, profiles))


def test_one_unit_in_the_last_place_is_refused_an_exact_tie_is_left() -> None:
    """Player 0 mixes ``(0.5, 0.5)`` against player 1's action 0; its payoffs against it
    are ``1`` and the next float below 1 (a gap of 2^-53): not indifferent, refused, as
    ``verify`` refuses; with both exactly 1 the check does not decide (``verify``
    admits: player 1's actions tie). Remnants of 1e-30 on player 1 change nothing; one
    of 1e-10 (between the gate's 1e-13 and 1e-3) or a mixer probability of 5e-4 leaves
    the candidate to ``verify``."""
    f = np.array([[0.5, 0.5], [1.0, 0.0]])
    near = np.zeros((2, 2, 2))
    near[0, 0, 0], near[0, 1, 0] = 1.0, np.nextafter(1.0, 0.0)
    tie = np.zeros((2, 2, 2))
    tie[0, :, 0] = 1.0
    remnant = np.array([[0.5, 0.5], [1.0, 1e-30]])
    middling = np.array([[0.5, 0.5], [1.0, 1e-10]])
    small = np.array([[1 - 5e-4, 5e-4], [1.0, 0.0]])
    games = np.stack([near, tie, near, near, near])
    profiles = np.stack([f, f, remnant, middling, small])
    assert single_mixer_refused(games, profiles).tolist() == [True, False, True, False, False]
    assert not _admits(near, f) and _admits(tie, f) and not _admits(near, remnant)


@given(st.integers(0, 2**32 - 1), st.sampled_from([(3, 3, 3, 3), (2, 3, 2), (3, 2), (2, 2, 2)]),
       st.booleans())
def test_it_never_refuses_what_verify_admits(seed: int, shape: tuple[int, ...],
                                             integers: bool) -> None:  # fmt: skip
    """Generated batches of single-mixer candidates with remnants."""
    rng = np.random.default_rng(seed)
    games, profiles = _single_mixer_candidates(rng, shape, 8, integers)
    profiles = _with_remnants(rng, profiles)
    fast = single_mixer_refused(games, profiles)
    for g, p, refused in zip(games, profiles, fast, strict=True):
        if refused:
            assert not _admits(g, p)
