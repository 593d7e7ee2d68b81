"""Small stochastic games for the engine's tests, built by construction.

``factored_example`` builds a factored game and, by an explicit loop over every state,
profile and next state (no einsum), the dense array of the same law: the oracle the
factored form's contractions are checked against.
"""

from __future__ import annotations

import itertools

import numpy as np

from sim.stochastic import Factor, FactoredTransitions, Hazard, StochasticGame


def random_rows(rng: np.random.Generator, shape: tuple[int, ...], zeros: bool = True) -> np.ndarray:
    """Random probability rows along the last axis (some entries exactly 0 if ``zeros``)."""
    raw = rng.random(shape)
    if zeros:
        raw[rng.random(shape) < 0.3] = 0.0
        raw[..., 0] += 0.05
    return raw / raw.sum(axis=-1, keepdims=True)


def random_dense_game(
    rng: np.random.Generator,
    n_states: int = 3,
    shape: tuple[int, ...] = (2, 2),
    discount: float = 0.9,
    batch: int | None = None,
) -> StochasticGame:
    lead = () if batch is None else (batch,)
    u = rng.normal(size=(*lead, n_states, len(shape), *shape))
    p = random_rows(rng, (*lead, n_states, *shape, n_states))
    return StochasticGame(u, p, discount)


def factored_example(
    rng: np.random.Generator, batch: int | None = None
) -> tuple[FactoredTransitions, np.ndarray, tuple[int, ...]]:
    """A 3-player game (2, 3, 2 actions) with components of sizes 3, 2, 4 and a hazard.

    Component 0 reads itself and player 0; component 1 reads components 0 and 1 and
    players 1 and 2; component 2 reads nothing (resets each round); the hazard reads
    component 1 and player 1. Returns the factored law, the same law as a dense array
    ``(S, *shape, S)`` (``(B, ...)`` with a batch), and the action shape.
    """
    shape = (2, 3, 2)
    sizes = (3, 2, 4)
    lead = () if batch is None else (batch,)
    k0 = random_rows(rng, (*lead, 3, 2, 3))
    k1 = random_rows(rng, (3, 2, 3, 2, 2))  # shared by the batch: (x0, x1, a1, a2, x1')
    k2 = random_rows(rng, (*lead, 4))
    h = rng.random((*lead, 2, 3)) * 0.5
    law = FactoredTransitions(
        (
            Factor("a", k0, parents=("a",), players=(0,)),
            Factor("b", k1, parents=(0, "b"), players=(1, 2)),
            Factor("c", k2),
        ),
        Hazard(h, parents=("b",), players=(1,)),
        absorbing="gone",
    )
    grid = int(np.prod(sizes))
    n_states = grid + 1
    games = 1 if batch is None else batch
    dense = np.zeros((games, n_states, *shape, n_states))
    for g in range(games):
        kk0 = k0 if batch is None else k0[g]
        kk2 = k2 if batch is None else k2[g]
        hh = h if batch is None else h[g]
        for s, x in enumerate(itertools.product(*map(range, sizes))):
            for a in itertools.product(*map(range, shape)):
                haz = hh[x[1], a[1]]
                dense[(g, s, *a, grid)] = haz
                for t, y in enumerate(itertools.product(*map(range, sizes))):
                    p = kk0[x[0], a[0], y[0]] * k1[x[0], x[1], a[1], a[2], y[1]] * kk2[y[2]]
                    dense[(g, s, *a, t)] = (1.0 - haz) * p
        dense[(g, grid, ..., grid)] = 1.0
    return law, (dense[0] if batch is None else dense), shape


