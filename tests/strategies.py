"""Hypothesis strategies for hedgesim tests, built by construction (no filtering).

Every property test draws its games from here, so the generators themselves are tested in
``tests/test_equilibria_strategies.py``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.game import NormalFormGame


@st.composite
def shapes(
    draw: st.DrawFn,
    min_players: int = 2,
    max_players: int = 4,
    min_actions: int = 1,
    max_actions: int = 4,
    max_profiles: int = 256,
) -> tuple[int, ...]:
    """Numbers of actions of 2-4 players, with at most ``max_profiles`` pure profiles.

    Built player by player: each player's action count is drawn within what the profile
    budget still allows, so no draw is ever rejected.
    """
    n = draw(st.integers(min_players, max_players))
    out: list[int] = []
    budget = max_profiles
    for i in range(n):
        rest = n - i - 1
        # Leave at least min_actions for each remaining player.
        cap = max(min_actions, min(max_actions, budget // (min_actions**rest)))
        m = draw(st.integers(min_actions, cap))
        out.append(m)
        budget //= m
    return tuple(out)


def payoff_arrays(
    shape: tuple[int, ...], integer: bool, low: int = -5, high: int = 5
) -> st.SearchStrategy[np.ndarray]:
    """Payoff arrays ``(n, *shape)``: small integers (many ties) or bounded floats."""
    full = (len(shape), *shape)
    if integer:
        return hnp.arrays(np.float64, full, elements=st.integers(low, high).map(float))
    return hnp.arrays(
        np.float64,
        full,
        elements=st.floats(
            float(low), float(high), allow_nan=False, allow_infinity=False, allow_subnormal=False
        ),
    )


@st.composite
def games(
    draw: st.DrawFn,
    min_players: int = 2,
    max_players: int = 4,
    min_actions: int = 1,
    max_actions: int = 4,
    max_profiles: int = 256,
    integer: bool | None = None,
) -> NormalFormGame:
    """Games of 2-4 players with 1-4 actions each, integer or float payoffs."""
    shape = draw(shapes(min_players, max_players, min_actions, max_actions, max_profiles))
    is_int = draw(st.booleans()) if integer is None else integer
    return NormalFormGame(draw(payoff_arrays(shape, is_int)))


@st.composite
def generic_games(
    draw: st.DrawFn,
    min_players: int = 2,
    max_players: int = 2,
    min_actions: int = 1,
    max_actions: int = 4,
) -> NormalFormGame:
    """Games with payoffs drawn from a continuous distribution (seeded by hypothesis).

    Such games are non-degenerate with probability one, which the support-enumeration
    cross-checks need; integers in 0..10**6 divided by 10**3 keep them reproducible.
    """
    shape = draw(shapes(min_players, max_players, min_actions, max_actions))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    payoffs = rng.integers(0, 10**6, size=(len(shape), *shape)) / 1000.0
    return NormalFormGame(payoffs)


@st.composite
def game_batches(draw: st.DrawFn, max_batch: int = 8, integer: bool | None = None) -> np.ndarray:
    """A batch ``(batch, n, *actions)`` of same-shaped games (batch may be 1)."""
    shape = draw(shapes(max_profiles=81))
    is_int = draw(st.booleans()) if integer is None else integer
    batch = draw(st.integers(1, max_batch))
    arrays = [draw(payoff_arrays(shape, is_int, -2, 2)) for _ in range(batch)]
    return np.stack(arrays)


@st.composite
def with_dominated_action(draw: st.DrawFn, integer: bool = True) -> tuple[NormalFormGame, int]:
    """A game in which action 0 of player ``i`` is strictly dominated by its action 1.

    Built by construction: player ``i`` gets at least two actions, and its payoffs for
    action 0 are those of action 1 minus a positive gap at every profile of the others.
    """
    shape = list(draw(shapes(max_profiles=128)))
    i = draw(st.integers(0, len(shape) - 1))
    shape[i] = max(shape[i], 2)
    payoffs = draw(payoff_arrays(tuple(shape), integer))
    gaps = draw(
        hnp.arrays(
            np.float64, payoffs[i].take(0, axis=i).shape, elements=st.integers(1, 3).map(float)
        )
    )
    own = np.moveaxis(payoffs[i], i, 0)
    own[0] = own[1] - gaps  # a view: writes through to payoffs[i]
    return NormalFormGame(payoffs), i


@st.composite
def calibrations(draw: st.DrawFn, **fixed: float) -> object:
    """A calibration of the article's game: every parameter drawn uniformly within its
    documented bounds (``fixed`` pins some), by construction."""
    from sim.article.parameters import SPECS, Parameters

    values = {}
    for spec in SPECS:
        if spec.name in fixed:
            values[spec.name] = float(fixed[spec.name])
            continue
        lo, hi = spec.bounds
        values[spec.name] = draw(
            st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
        )
    return Parameters(**values)


# -- transformations that must leave the equilibria in place (or move them predictably) ------


def scaled(game: NormalFormGame, factor: float) -> NormalFormGame:
    """Every payoff multiplied by ``factor`` (> 0): the same best responses."""
    return game.with_payoffs(game.payoffs * factor)


def with_huge_dominated_action(
    game: NormalFormGame, player: int, signs: np.ndarray
) -> NormalFormGame:
    """``player`` gets one more action, last, paying it -1e9 everywhere (strictly dominated
    when every other payoff exceeds -1e9) and the others +-1e9 (``signs``: +-1 values of
    the new slice's shape): the equilibria are the old ones with weight 0 on it."""
    extra_shape = list(game.payoffs.shape)
    extra_shape[1 + player] = 1
    extra = np.asarray(signs, dtype=float).reshape(extra_shape) * 1e9
    extra[player] = -1e9
    return NormalFormGame(np.concatenate([game.payoffs, extra], axis=1 + player))


@st.composite
def two_by_two_by_two(draw: st.DrawFn, integer: bool = False) -> NormalFormGame:
    """3-player games with two actions each: generic (seeded continuous payoffs) or small
    integers (ties, degenerate games)."""
    if integer:
        return NormalFormGame(draw(payoff_arrays((2, 2, 2), True, -3, 3)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return NormalFormGame(rng.integers(0, 10**6, size=(3, 2, 2, 2)) / 1000.0)
