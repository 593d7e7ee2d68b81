"""The engine's data types: the three transition forms agree, and bad input is refused
with one EngineError before any work."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import EngineError, HedgesimError
from sim.stochastic import (
    Factor,
    FactoredTransitions,
    Hazard,
    SparseTransitions,
    StochasticGame,
)
from tests.stochastic_games import factored_example, random_dense_game, random_rows


def _sparse_from_dense(dense: np.ndarray) -> SparseTransitions:
    """Every state listed as a successor (K = S): the sparse form of the same law."""
    n_states = dense.shape[-1]
    succ = np.broadcast_to(np.arange(n_states), dense.shape).copy()
    return SparseTransitions(succ, dense)


@pytest.mark.parametrize("batch", [None, 3])
def test_three_forms_give_the_same_expectations_and_pushes(batch: int | None) -> None:
    """The factored contractions equal the dense law built by an explicit loop over every
    state, profile and next state; the sparse form (all states listed) equals both."""
    rng = np.random.default_rng(7)
    law, dense, shape = factored_example(rng, batch)
    n_states = dense.shape[-1]
    games = 1 if batch is None else batch
    u = rng.normal(size=(games, n_states, 3, *shape))
    payoffs = u if batch is not None else u[0]
    forms = {
        "dense": StochasticGame(payoffs, dense, 0.9),
        "sparse": StochasticGame(payoffs, _sparse_from_dense(dense), 0.9),
        "factored": StochasticGame(payoffs, law, 0.9),
    }
    values = rng.normal(size=(games, n_states, 3))
    weights = rng.random((games, n_states, *shape))
    dense_b = dense if batch is not None else dense[None]
    want_e = np.einsum("bsxyzt,btn->bsnxyz", dense_b, values)
    want_p = np.einsum("bsxyz,bsxyzt->bt", weights, dense_b)
    for name, game in forms.items():
        assert game.batch == batch, name
        got_e = game.transitions.expect(values, shape)
        got_p = game.transitions.push(weights, shape)
        assert got_e.shape == want_e.shape, name
        np.testing.assert_allclose(got_e, want_e, rtol=0, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(got_p, want_p, rtol=0, atol=1e-12, err_msg=name)
        assert list(np.flatnonzero(game.absorbing_mask())) == [n_states - 1], name


def test_factored_states_are_named_and_numbered_in_c_order() -> None:
    law, _, _ = factored_example(np.random.default_rng(0))
    names = law.state_names()
    assert law.sizes == (3, 2, 4) and law.n_states == 25 and law.absorbing_state == 24
    assert names[law.state_index((1, 0, 3))] == "a=1,b=0,c=3"
    assert names[-1] == "gone"
    assert law.components()[law.state_index((2, 1, 2))].tolist() == [2, 1, 2]


@pytest.mark.parametrize("form", ["dense", "sparse", "factored"])
def test_draws_follow_the_law(form: str) -> None:
    """Sampled next states have the law's frequencies: every cell within 5 standard errors
    of its probability over 40,000 draws from one (state, profile)."""
    rng = np.random.default_rng(3)
    law, dense, shape = factored_example(rng)
    transitions = {"dense": None, "sparse": _sparse_from_dense(dense), "factored": law}[form]
    n_states = dense.shape[-1]
    game = StochasticGame(np.zeros((n_states, 3, *shape)),
                          dense if transitions is None else transitions, 0.5)  # fmt: skip
    paths = 40_000
    state, profile = 7, (1, 2, 0)
    draws = game.transitions.draw(
        np.zeros(paths, dtype=np.intp),
        np.full(paths, state, dtype=np.intp),
        np.tile(np.array(profile, dtype=np.intp), (paths, 1)),
        np.random.default_rng(11).random((paths, game.transitions.uniforms_per_draw)),
    )
    freq = np.bincount(draws, minlength=n_states) / paths
    p = dense[(state, *profile)]
    se = np.sqrt(p * (1 - p) / paths)
    assert np.all(np.abs(freq - p) <= 5 * se + 1e-12)
    assert np.all(freq[p == 0] == 0)


def test_batched_payoffs_share_unbatched_transitions() -> None:
    rng = np.random.default_rng(1)
    game = random_dense_game(rng, batch=None)
    u = np.stack([game.payoffs, 2 * game.payoffs])
    both = StochasticGame(u, game.transitions, [[0.5, 0.6], [0.7, 0.8]])
    assert both.batch == 2 and both.batch_payoffs().shape == (2, 3, 2, 2, 2)
    assert both.batch_discount().tolist() == [[0.5, 0.6], [0.7, 0.8]]


def _bad(kind: str) -> StochasticGame:
    rng = np.random.default_rng(0)
    u = rng.normal(size=(3, 2, 2, 2))
    p = random_rows(rng, (3, 2, 2, 3))
    if kind == "shape":
        return StochasticGame(u, p[:, :, :1], 0.9)
    if kind == "row-sum":
        q = p.copy()
        q[1, 0, 1, 2] += 0.01
        return StochasticGame(u, q, 0.9)
    if kind == "negative":
        q = p.copy()
        q[2, 1, 1, 0] -= q[2, 1, 1, 0] + 0.1
        q[2, 1, 1, 1] += 0.1
        return StochasticGame(u, q, 0.9)
    if kind == "nan-transition":
        q = p.copy()
        q[0, 0, 0, 0] = np.nan
        return StochasticGame(u, q, 0.9)
    if kind == "nan-payoff":
        v = u.copy()
        v[1, 0, 1, 1] = np.nan
        return StochasticGame(v, p, 0.9)
    if kind == "discount-1":
        return StochasticGame(u, p, 1.0)
    if kind == "discount-negative":
        return StochasticGame(u, p, [0.5, -0.1])
    if kind == "player-names":
        return StochasticGame(u, p, 0.9, players=["A", "B", "C"])
    if kind == "action-names":
        return StochasticGame(u, p, 0.9, actions=[["x", "y"], ["x"]])
    if kind == "state-names":
        return StochasticGame(u, p, 0.9, states=["a", "b"])
    if kind == "duplicate-names":
        return StochasticGame(u, p, 0.9, states=["a", "b", "a"])
    if kind == "absorbing":
        return StochasticGame(u, p, 0.9, absorbing=[1])
    if kind == "sparse-index":
        succ = np.zeros((3, 2, 2, 2), dtype=int)
        succ[0, 0, 0, 1] = 3
        return StochasticGame(u, SparseTransitions(succ, np.full(succ.shape, 0.5)), 0.9)
    if kind == "batch-mismatch":
        return StochasticGame(np.stack([u, u]), np.stack([p, p, p]), 0.9)
    if kind == "factor-row":
        return StochasticGame(u, FactoredTransitions((Factor("x", np.full((3, 3), 0.3),
                                                             parents=("x",)),)), 0.9)  # fmt: skip
    if kind == "factor-parent":
        return StochasticGame(u, FactoredTransitions((Factor("x", np.eye(3), parents=("y",)),)),
                              0.9)  # fmt: skip
    if kind == "factor-actions":
        k = np.broadcast_to(np.eye(3)[:, None, :], (3, 3, 3))
        return StochasticGame(u, FactoredTransitions((Factor("x", k, ("x",), (0,)),)), 0.9)
    if kind == "hazard-range":
        law = FactoredTransitions((Factor("x", np.full(2, 0.5)),), Hazard(np.array([0.2, 1.5]),
                                                                          ("x",)))  # fmt: skip
        return StochasticGame(u, law, 0.9)
    raise AssertionError(kind)


BAD = {
    "shape": "transitions must have shape (S, *actions, S) = (3, 2, 2, 3)",
    "row-sum": "the row at state 1, profile (0, 1) sums to 1.01",
    "negative": "negative probability -0.1 at state 2, profile (1, 1)",
    "nan-transition": "transitions: NaN or infinity at state 0, profile (0, 0)",
    "nan-payoff": "payoffs must be finite, found nan at index (1, 0, 1, 1)",
    "discount-1": "discount must be in [0, 1), got 1.0",
    "discount-negative": "discount must be in [0, 1), got -0.1",
    "player-names": "payoffs of 3 players must have shape",
    "action-names": "player P2 has 2 actions in the payoffs but 1 names",
    "state-names": "2 state names for payoffs of 3 states",
    "duplicate-names": "states must be distinct, ['a'] repeat",
    "absorbing": "state 's1' is declared absorbing but can be left",
    "sparse-index": "successor 3 at state 0, profile (0, 0), slot 1 is not a state index 0..2",
    "batch-mismatch": "payoffs have a batch of 2 games, transitions of 3",
    "factor-row": "factor 'x': kernel: the row at",
    "factor-parent": "factor 'x': no component 'y'; components are ['x']",
    "factor-actions": "factor 'x': the action axes (3,) must match the action counts of players",
    "hazard-range": "hazard: probability 1.5 above 1 at index (1,)",
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_input_is_one_engine_error(kind: str) -> None:
    with pytest.raises(EngineError) as info:
        _bad(kind)
    message = str(info.value)
    assert isinstance(info.value, HedgesimError)
    assert message.startswith("engine: ") and "\n" not in message
    assert BAD[kind] in message, message


@pytest.mark.parametrize(("batch", "values_batch"), [(None, 1), (None, 3), (3, 3)])
def test_the_compiled_hazard_step_is_the_numpy_one(
    batch: int | None, values_batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The factored expectation with its hazard step compiled
    (``sim.stochastic.transitions_kernel``) equals the numpy passes element by element
    (``np.array_equal``: the same IEEE operations), on a law whose hazard reads a
    component and a player, one of whose components reads nothing (a broadcast axis), with
    the law and the hazard batched or shared by a batch of values; and both equal the
    dense law's expectation (an explicit loop, ``factored_example``) within rounding."""
    import sim.stochastic.transitions as tr

    rng = np.random.default_rng(11)
    law, dense, shape = factored_example(rng, batch)
    values = rng.normal(size=(values_batch, law.n_states, 3)) * 10.0 ** rng.integers(-3, 4)
    monkeypatch.setattr(tr, "_compiled", lambda size: True)
    compiled = law.expect(values, shape)
    monkeypatch.setattr(tr, "_compiled", lambda size: False)
    reference = law.expect(values, shape)
    assert np.array_equal(compiled, reference)
    dense_b = dense if batch is not None else np.broadcast_to(dense, (values_batch, *dense.shape))
    want = np.einsum("bsxyzt,btn->bsnxyz", dense_b, values)
    np.testing.assert_allclose(compiled, want, rtol=1e-12, atol=1e-12 * np.abs(values).max())


@pytest.mark.parametrize(("batch", "values_batch", "shared"),
                         [(None, 1, True), (None, 3, False), (3, 3, True), (3, 3, False)])
def test_the_fused_stage_games_are_the_expectation_discounted_plus_payoffs(
    batch: int | None, values_batch: int, shared: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Transitions.stage`` (``u + delta E[v' | s, a]``) with the hazard step, the discount
    and the payoffs in one compiled pass (``transitions_kernel.stage_mix``) equals, element by
    element (``np.array_equal``), the expectation followed by the two numpy passes
    (``cont *= delta``, ``cont += u``, the engine's stage games before the fusion), with the
    numpy hazard step too; on the law of ``factored_example`` (whose einsum leaves a
    transposed result, read in place), its law and hazard batched or shared, the payoffs
    per batch member or one array broadcast to the batch (as ``batch_payoffs`` gives it),
    and a discount per batch member and player. Also the dense law's
    ``u + delta * einsum(P, v)`` within rounding."""
    import sim.stochastic.transitions as tr

    rng = np.random.default_rng(12)
    law, dense, shape = factored_example(rng, batch)
    n = len(shape)
    values = rng.normal(size=(values_batch, law.n_states, n)) * 10.0 ** rng.integers(-3, 4)
    u = rng.normal(size=(1 if shared else values_batch, law.n_states, n, *shape))
    payoffs = np.broadcast_to(u, (values_batch, *u.shape[1:]))
    discount = rng.uniform(0.5, 0.99, size=(values_batch, n))
    monkeypatch.setattr(tr, "_compiled", lambda size: True)
    fused = law.stage(values, shape, discount, payoffs)
    plain = law.expect(values, shape)
    plain *= discount.reshape(values_batch, 1, n, *([1] * n))
    plain += payoffs
    assert np.array_equal(fused, plain)
    # into a buffer (the solver's, reused from round to round): its memory, the same floats
    buffer = np.full(plain.shape, np.nan)
    into = law.stage(values, shape, discount, payoffs, buffer)
    assert np.shares_memory(into, buffer) and np.array_equal(buffer, plain)
    monkeypatch.setattr(tr, "_compiled", lambda size: False)
    assert np.array_equal(law.stage(values, shape, discount, payoffs), plain)
    buffer[...] = np.nan
    into = law.stage(values, shape, discount, payoffs, buffer)
    assert np.shares_memory(into, buffer) and np.array_equal(buffer, plain)
    dense_b = dense if batch is not None else np.broadcast_to(dense, (values_batch, *dense.shape))
    want = payoffs + discount.reshape(values_batch, 1, n, 1, 1, 1) * np.einsum(
        "bsxyzt,btn->bsnxyz", dense_b, values)  # fmt: skip
    np.testing.assert_allclose(fused, want, rtol=1e-12,
                               atol=1e-12 * (np.abs(values).max() + np.abs(u).max()))  # fmt: skip


def test_a_transposed_array_is_read_in_place_and_a_strided_one_copied() -> None:
    """``transitions._flat_view``: an array whose elements fill one block of memory in some
    axis order (a transposed view) is kept, and ``_flat`` with ``_offsets`` from its own
    strides addresses every element of it; one with gaps (every other element) or a
    broadcast axis is copied into C order."""
    import sim.stochastic.transitions as tr

    base = np.arange(24.0).reshape(2, 3, 4)
    view = base.transpose(2, 0, 1)
    assert tr._flat_view(view) is view
    flat = tr._flat(view)
    assert np.shares_memory(flat, base)
    offsets = tr._offsets(view, view.shape, [0, 1, 2])
    assert np.array_equal(flat[offsets], view.reshape(-1))
    gaps = base[:, :, ::2]
    copied = tr._flat_view(gaps)
    assert copied is not gaps and copied.flags.c_contiguous and np.array_equal(copied, gaps)
    wide = np.broadcast_to(base[:, :1], (2, 3, 4))
    assert tr._flat_view(wide).flags.c_contiguous
