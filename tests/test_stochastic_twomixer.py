"""The engine's exact check of two-mixer equilibria agrees with the general exact check.

``sim.stochastic.twomixer.exact_two_mixer`` decides, in integers, whether the profile on a
candidate's support (two players mixing over two actions, the rest pure) is an equilibrium,
and returns it. Where it answers, the answer must be bit for bit what
``sim.equilibria.verify.verify_many`` (rational linear algebra, then an integer check)
returns; it never rejects a candidate on its own.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.equilibria.small_support import batch_two_mixer_candidates
from sim.equilibria.verify import verify_many
from sim.game import NormalFormGame
from sim.stochastic.twomixer import (
    exact_integers,
    exact_two_mixer,
    exact_two_mixers,
    scaled_integers,
)


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


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.just(0.0),
                  st.integers(-5, 5).map(float)),
        min_size=1, max_size=12,
    ),
    st.integers(1, 3),
)
def test_array_integers_are_the_exact_integers_times_one_power_of_two(
    values: list[float], blocks: int
) -> None:
    """Every float is an integer times a power of two (IEEE 754), so a block's integers
    from :func:`scaled_integers` (array operations) are :func:`exact_integers`' (exact
    rationals) times one power of two, the same for the whole block: the check, which
    only compares a block's integers with each other, decides the same. Where scaling
    would overflow (nonzero values about 2^970 apart) it declines (``None``)."""
    fast = scaled_integers(values * blocks, [len(values)] * blocks)
    exact = exact_integers(values)
    nonzero = [abs(v) for v in values if v != 0.0]
    if fast is None:
        assert nonzero and max(nonzero) / min(nonzero) > 2.0**900
        return
    for b in range(blocks):
        block = fast[b * len(values) : (b + 1) * len(values)]
        assert [x == 0 for x in block] == [v == 0.0 for v in values]
        if not nonzero:
            continue
        k = next(i for i, v in enumerate(values) if v != 0.0)
        factor = Fraction(block[k], exact[k])
        assert factor > 0
        assert factor.numerator & (factor.numerator - 1) == 0  # a power of two ...
        assert factor.denominator & (factor.denominator - 1) == 0  # ... or its inverse
        assert all(Fraction(x) == factor * e for x, e in zip(block, exact, strict=True))


def _random_candidates(rng: np.random.Generator, shape: tuple[int, ...], count: int
                       ) -> np.ndarray:  # fmt: skip
    """Padded profiles on random supports: two mixers over two actions each (a random
    probability, sometimes an exact half, a value at the support threshold's edges, or the
    exact equilibrium's neighbourhood is left to the screened candidates), the others pure;
    now and then a third mixer, a pure mixer, a sum off 1 or a negative probability."""
    n, width = len(shape), max(shape)
    out = np.zeros((count, n, width))
    for c in range(count):
        mixers = rng.choice(n, size=2, replace=False)
        for k, m in enumerate(shape):
            if k in mixers and m >= 2:
                a, b = rng.choice(m, size=2, replace=False)
                p = rng.choice([rng.uniform(), 0.5, 1e-6, 2e-6, 0.5e-6, 3e-6])
                out[c, k, a], out[c, k, b] = 1.0 - p, p
            else:
                out[c, k, rng.integers(m)] = 1.0
        kind = rng.integers(12)
        if kind == 0:
            out[c, 0, : shape[0]] = 1.0 / shape[0]
        elif kind == 1:
            out[c, 1, 0] += 1e-8
        elif kind == 2:
            out[c, 0, 0] -= 2.0
    return out


@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (3, 2, 3), (2, 2), (2, 3, 2, 2)])
@pytest.mark.parametrize("kind", ["normal", "integers", "ties", "wide"])
def test_the_batched_check_gives_the_one_by_one_verdicts(shape: tuple[int, ...], kind: str
                                                        ) -> None:  # fmt: skip
    """``exact_two_mixers`` over a batch = ``exact_two_mixer`` candidate by candidate (the
    same verdicts, the same floats), on the screened candidates of random games (nearly
    all equilibria) and on random profiles (nearly all not): games with normal payoffs
    (inexact differences: the exact-integer division), small integers (exact ties of a
    rival action with the support), duplicated actions (ties of every term) and payoffs
    spread over many orders of magnitude or beyond the float check's range (the
    one-by-one fall-back)."""
    rng = np.random.default_rng(len(shape) * 10 + len(kind))
    size = (40, len(shape), *shape)
    if kind == "integers":
        games = rng.integers(-3, 4, size=size).astype(float)
    elif kind == "ties":
        games = rng.integers(-2, 3, size=size).astype(float)
        games[:, :, 1] = games[:, :, 0]  # player 0's action 1 duplicates action 0
    elif kind == "wide":
        games = rng.normal(size=size) * 10.0 ** rng.integers(-30, 35, size=size)
    else:
        games = rng.normal(size=size)
    screened = batch_two_mixer_candidates(games, 1e-7)
    owner = [g for g, cands in enumerate(screened) for _ in cands]
    profiles = [_padded(tuple(c), max(shape)) for cands in screened for c in cands]
    extra = _random_candidates(rng, shape, 300)
    owner += list(rng.integers(len(games), size=len(extra)))
    stack = np.concatenate([np.array(profiles).reshape(-1, len(shape), max(shape)), extra])
    found, exact = exact_two_mixers(games, np.array(owner, dtype=np.intp), stack)
    for c, g in enumerate(owner):
        one = exact_two_mixer(games[g], [stack[c, k, :m] for k, m in enumerate(shape)])
        assert found[c] == (one is not None), c
        np.testing.assert_array_equal(exact[c], one if one is not None else 0.0)
    assert not found.all()
    assert found.any() or kind == "ties"


def test_the_batched_check_on_exact_halves_and_an_empty_batch() -> None:
    """Matching pennies (the halves exact in floats) and a coordination game whose mixed
    equilibrium 2/3, 1/3 has no exact float: the nearest floats, as one by one; an empty
    batch finds nothing."""
    pennies = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    coordination = np.array([[[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 2.0]]])
    games = np.stack([pennies, coordination])
    half = np.full((2, 2, 2), 0.5)
    found, exact = exact_two_mixers(games, np.array([0, 1], dtype=np.intp), half)
    assert found.all()
    np.testing.assert_array_equal(exact[0], 0.5)
    np.testing.assert_array_equal(exact[1], [[2 / 3, 1 / 3], [1 / 3, 2 / 3]])
    found, exact = exact_two_mixers(games, np.zeros(0, dtype=np.intp), np.zeros((0, 2, 2)))
    assert found.shape == (0,) and exact.shape == (0, 2, 2)
