"""The article's stage games in bulk (sim.article.stage_games): the compiled build gives the
numpy affine map's bits, within 1e-12 of the term-by-term sum; the fused build-and-enumerate
pass gives the batched enumerator's mask on the same games (issue 13)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.article import capacity, stage_games, stage_kernel, terms
from sim.article.actors import COUNTERPARTS, SHAPE
from sim.article.build import build
from sim.article.grid import ANALYSIS
from sim.article.parameters import Parameters, stack
from sim.equilibria import pure_equilibrium_mask
from sim.errors import GameError
from sim.game import DEFAULT_TOLERANCE
from tests.strategies import calibrations

N = 40  # states per example


def _round(rng: np.random.Generator) -> terms.RoundData:
    return terms.RoundData(threat=float(rng.uniform(0, 2)),
                           capacity_iran=float(rng.uniform(0, 1)),
                           capacity_russia=float(rng.uniform(0, 1)))  # fmt: skip


def _states(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    beliefs = rng.uniform(0.0, 1.0, size=(N, len(COUNTERPARTS)))
    beliefs[: N // 4] = rng.integers(0, 2, size=(N // 4, 3))  # the grid's ends: ties
    return beliefs, rng.uniform(0.0, 1.0, size=N)


def _kernel_hazard(stage: stage_games.RoundStageGames, capacity_: np.ndarray) -> np.ndarray:
    """``(N, *SHAPE)``: the hazard as the fused pass computes it (the C library's expm1)."""
    out = np.empty((capacity_.size, stage.covers.size))
    for s, k in enumerate(capacity_):
        stage_kernel.collapse_hazard(float(stage.rnd.threat), float(stage.params.hazard_rate),
                                     stage.covers, float(k), out[s])  # fmt: skip
    return out[:, stage.cover_of].reshape((-1,) + SHAPE)


@settings(max_examples=20, deadline=None)
@given(params=calibrations(), seed=st.integers(0, 2**32 - 1))
def test_compiled_build_is_the_affine_map_bit_for_bit(params: Parameters, seed: int) -> None:
    """Same operations in the same order: the same bits as numpy's map, and within 1e-12
    of the plain sum of the terms."""
    rng = np.random.default_rng(seed)
    rnd = _round(rng)
    beliefs, capacity_ = _states(rng)
    coefs = terms.coefficients(params, rnd)
    hazard = capacity.hazard(params, rnd, capacity_)
    compiled = stage_games.payoffs(coefs, beliefs, hazard, compiled=True)
    numpy_map = stage_games.payoffs(coefs, beliefs, hazard, compiled=False)
    assert np.array_equal(compiled, numpy_map)
    rows = rng.integers(0, N, size=N)  # states sharing a capacity value share its row
    assert np.array_equal(stage_games.payoffs(coefs, beliefs, hazard, rows, compiled=True),
                          terms.stage_payoffs(coefs, beliefs, hazard[rows]))  # fmt: skip
    for x in range(0, N, 7):
        ref = terms.reference_payoffs(params, rnd, dict(zip(COUNTERPARTS, beliefs[x], strict=True)),
                                      hazard[x])  # fmt: skip
        scale = max(1.0, float(np.abs(ref).max()))
        np.testing.assert_allclose(compiled[x], ref, rtol=0, atol=1e-12 * scale)


@settings(max_examples=20, deadline=None)
@given(params=calibrations(), seed=st.integers(0, 2**32 - 1),
       tol=st.sampled_from([0.0, DEFAULT_TOLERANCE]))  # fmt: skip
def test_fused_pass_finds_the_enumerators_equilibria(
    params: Parameters, seed: int, tol: float
) -> None:
    rng = np.random.default_rng(seed)
    stage = stage_games.RoundStageGames.of(params, _round(rng))
    beliefs, capacity_ = _states(rng)
    games = terms.stage_payoffs(stage.coefficients, beliefs, _kernel_hazard(stage, capacity_))
    expected = pure_equilibrium_mask(games, tol, batched=True)
    assert np.array_equal(stage.pure_equilibria(beliefs, capacity_, tol), expected)
    # the hazard as numpy computes it: the same up to the last bit of expm1
    np.testing.assert_allclose(_kernel_hazard(stage, capacity_),
                               capacity.hazard(params, stage.rnd, capacity_), rtol=1e-15, atol=0)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), tol=st.sampled_from([0.0, 0.1]))
def test_fused_enumeration_on_games_full_of_ties(seed: int, tol: float) -> None:
    """Small integer payoffs (ties everywhere; with ``tol`` 0.1 near-ties count): the
    compiled comparisons are the batched enumerator's."""
    rng = np.random.default_rng(seed)
    n, profiles = len(SHAPE), int(np.prod(SHAPE))
    constant = rng.integers(-2, 3, size=(N, n, profiles)).astype(np.float64)
    mask = np.zeros((N, profiles), dtype=np.bool_)
    for s in range(N):  # one game a state: the games are the constants
        stage_kernel.pure_equilibria(
            constant[s], np.zeros((3, n, profiles)), np.zeros((3, n), dtype=np.bool_),
            np.zeros((n, profiles)), np.zeros(n, dtype=np.bool_), 0.0, 0.0, np.zeros(1),
            np.zeros(profiles, dtype=np.intp), np.zeros((1, 3)), np.zeros(1),
            np.array(SHAPE, dtype=np.int64), tol, mask[s : s + 1],
        )  # fmt: skip
    expected = pure_equilibrium_mask(constant.reshape((N, n) + SHAPE), tol, batched=True)
    assert np.array_equal(mask.reshape(expected.shape), expected)
    assert expected.any()  # ties make equilibria: the comparison is not vacuous


def test_a_payoff_that_is_not_finite_is_named() -> None:
    stage = stage_games.RoundStageGames.of(Parameters())
    beliefs = np.full((3, 3), 0.5)
    beliefs[2] = 1e308  # a belief far out of range overflows a payoff
    with pytest.raises(GameError, match="game 2"), np.errstate(over="ignore"):
        stage.pure_equilibria(beliefs, np.full(3, 0.5))


def test_the_games_rounds_build_compiled_or_not_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's input (one round's payoffs at a grid, one calibration and a batch)
    is the same whichever way it is built."""
    for params in (Parameters(), stack([Parameters(), Parameters().replace(gulf_incentive=5.0)])):
        game = build(params, rounds=2, resolution=ANALYSIS)
        monkeypatch.setattr(stage_games, "COMPILED_FROM", 0)
        compiled = game.payoffs(0)
        monkeypatch.setattr(stage_games, "COMPILED_FROM", 10**9)
        assert np.array_equal(compiled, game.payoffs(0))
