"""The article's game as data for the engine: states, payoffs, factored transitions,
dated shocks, batches. No solving here (test_article_facts.py solves)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.article import capacity, signals, terms
from sim.article.actors import COUNTERPARTS, PLAYERS, SHAPE
from sim.article.build import COLLAPSED, COMPONENTS, build
from sim.article.grid import COARSE, Resolution, split
from sim.article.parameters import Parameters, stack
from sim.article.timeline import Shock
from sim.stochastic import DenseTransitions, FactoredTransitions

BASE = Parameters()
TINY = Resolution(belief_points=3, capacity_points=3)


def dense(law: FactoredTransitions, n_states: int) -> np.ndarray:
    """The factored law as a dense array ``(S, *SHAPE, S)``, built state by state from its
    push (an independent path through the engine's code)."""
    out = np.zeros((n_states, *SHAPE, n_states))
    for s in range(n_states):
        for a in np.ndindex(*SHAPE):
            w = np.zeros((1, n_states, *SHAPE))
            w[(0, s, *a)] = 1.0
            out[(s, *a)] = law.push(w, SHAPE)[0]
    return out


def test_states_are_the_grid_and_the_collapsed_state() -> None:
    game = build(rounds=3, resolution=COARSE)
    g = game.game(0)
    nb, nk = COARSE.belief_points, COARSE.capacity_points
    assert g.n_states == nb**3 * nk + 1 == game.n_states
    assert g.states[-1] == COLLAPSED and g.absorbing == (game.collapsed,)
    assert g.players == PLAYERS
    assert isinstance(g.transitions, FactoredTransitions)
    assert [f.name for f in g.transitions.factors] == list(COMPONENTS)


def test_the_game_starts_in_one_state_at_the_priors() -> None:
    """The grids are anchored at the calibration's starting values: the initial distribution
    is one grid state holding exactly the priors and the initial capacity."""
    game = build(BASE.replace(prior_iran=0.33, initial_capacity=0.9), rounds=2,
                 resolution=COARSE)  # fmt: skip
    pi = game.initial()
    assert pi.sum() == pytest.approx(1.0) and pi[game.collapsed] == 0.0
    assert np.count_nonzero(pi) == 1
    grid_pi = pi[: game.grid_states]
    beliefs, cap = game.state_beliefs(), game.state_capacity()
    assert grid_pi @ beliefs[:, 0] == pytest.approx(0.33)
    assert grid_pi @ beliefs[:, 1] == pytest.approx(BASE.prior_israel)
    assert grid_pi @ cap == pytest.approx(0.9)


def test_payoffs_are_the_affine_map_and_the_collapsed_state_pays_nothing() -> None:
    game = build(rounds=2, resolution=COARSE)
    u = game.payoffs(0)
    assert u.shape == (game.n_states, len(PLAYERS), *SHAPE)
    assert np.all(u[game.collapsed] == 0.0)
    rnd = game.timeline.data[0]
    hz = capacity.hazard(BASE, rnd, game.capacities)
    rng = np.random.default_rng(5)
    comps = game.component_indices()
    for s in rng.choice(game.grid_states, 8, replace=False):
        beliefs = dict(zip(COUNTERPARTS, game.state_beliefs()[s], strict=True))
        ref = terms.reference_payoffs(BASE, rnd, beliefs, hz[comps[s, 3]])
        np.testing.assert_allclose(u[s], ref, rtol=0, atol=1e-12 * np.abs(ref).max())


def test_the_factored_law_is_the_product_of_its_parts() -> None:
    """On a tiny grid, the dense form of the law equals the product of the belief kernels,
    the capacity kernel and survival, plus the hazard into the collapsed state."""
    params = BASE.replace(threat=1.2, initial_capacity=0.0)  # so the hazard bites
    game = build(params, rounds=1, resolution=TINY)
    law = game.transitions(0)
    p_dense = dense(law, game.n_states)
    np.testing.assert_allclose(p_dense.sum(axis=-1), 1.0, atol=1e-12)
    rnd = game.timeline.data[0]
    belief = [signals.belief_kernels(params, cp, game.beliefs[c])
              for c, cp in enumerate(COUNTERPARTS)]  # fmt: skip
    cap = capacity.capacity_kernel(params, rnd, game.capacities)
    hz = capacity.hazard(params, rnd, game.capacities)
    comps = game.component_indices()
    assert hz.max() > 0
    for s in range(game.grid_states):
        i, j, k, c = comps[s]
        for a in [(1, 0, 1, 0), (0, 1, 2, 2), (2, 2, 0, 0)]:
            expect = np.einsum(
                "x,y,z,w->xyzw", belief[0][i, a[0]], belief[1][j, a[0]], belief[2][k, a[0]],
                cap[(c, *a)],
            ).reshape(-1) * (1 - hz[(c, *a)])  # fmt: skip
            np.testing.assert_allclose(p_dense[(s, *a)][:-1], expect, atol=1e-12)
            assert p_dense[(s, *a)][-1] == pytest.approx(hz[(c, *a)], abs=1e-12)
    # the collapsed state is absorbing under every profile
    assert np.all(p_dense[game.collapsed][..., game.collapsed] == 1.0)
    # and the engine accepts the dense form of the same law
    DenseTransitions(p_dense).check(game.n_states, SHAPE)


def test_a_belief_shock_moves_the_next_round_and_round_0_shocks_the_start() -> None:
    visit = Shock(1, "belief_iran", "add", -0.1, "visit")
    first = Shock(0, "belief_iran", "set", 0.45, "set")
    game = build(rounds=3, resolution=COARSE, shocks=[visit, first])
    plain = build(rounds=3, resolution=COARSE)
    pi = game.initial()
    assert pi[: game.grid_states] @ game.state_beliefs()[:, 0] == pytest.approx(0.45)
    # round 0's law carries round 1's visit; round 1's law is the plain one
    k_shock = game.transitions(0).factors[0].kernel
    k_plain = plain.transitions(0).factors[0].kernel
    grid = game.beliefs[0]
    visit_map = split(np.clip(grid - 0.1, 0, 1), grid)
    np.testing.assert_allclose(k_shock, k_plain @ visit_map, atol=1e-12)
    np.testing.assert_array_equal(game.transitions(1).factors[0].kernel, k_plain)


def test_equal_rounds_share_one_game_and_shocked_rounds_do_not() -> None:
    game = build(rounds=6, resolution=COARSE,
                 shocks=[Shock(3, "capacity_iran", "set", 0.3, "blow")])  # fmt: skip
    games = game.games
    assert len(games) == 6
    assert games[0] is games[1]
    assert games[2] is not games[3]  # round 2's law carries nothing new, but round 3 is
    assert games[4] is games[5]
    assert float(games[3].payoffs[0, 0].max()) < float(games[0].payoffs[0, 0].max())


def test_a_batch_game_holds_each_calibrations_game() -> None:
    other = BASE.replace(corridor_value=5.0, catch_iran=0.5, discount=0.9)
    batch = build(stack([BASE, other]), rounds=2, resolution=TINY)
    g = batch.game(0)
    assert g.batch == 2
    for b, params in enumerate((BASE, other)):
        one = build(params, rounds=2, resolution=TINY)
        np.testing.assert_array_equal(g.payoffs[b], one.payoffs(0))
        for mine, theirs in zip(g.transitions.factors, one.transitions(0).factors, strict=True):
            np.testing.assert_array_equal(mine.kernel[b], theirs.kernel)
        assert g.batch_discount()[b, 0] == params.discount
    np.testing.assert_array_equal(batch.initial()[1], build(other, rounds=2,
                                  resolution=TINY).initial())  # fmt: skip


def test_a_batch_made_by_replace_is_the_stacked_batch() -> None:
    """A batch that varies two fields (``replace`` with arrays, the rest shared floats) builds
    the same game as the stacked calibrations (it used to fail on the shared priors)."""
    priors, catches = np.array([0.2, 0.6]), np.array([0.3, 0.5])
    partial = BASE.replace(prior_iran=priors, catch_iran=catches)
    full = stack([BASE.replace(prior_iran=float(p), catch_iran=float(c))
                  for p, c in zip(priors, catches, strict=True)])  # fmt: skip
    a, b = build(partial, rounds=2, resolution=TINY), build(full, rounds=2, resolution=TINY)
    np.testing.assert_array_equal(a.beliefs, b.beliefs)
    np.testing.assert_array_equal(a.initial(), b.initial())
    np.testing.assert_array_equal(a.game(0).payoffs, b.game(0).payoffs)


def test_bad_requests_are_one_clear_error_before_any_work() -> None:
    from sim.article.answers import answer, answer_batch
    from sim.article.outcomes import outcomes
    from sim.errors import HedgesimError

    with pytest.raises(HedgesimError, match="at least one selection rule"):
        answer_batch([BASE], rounds=2, resolution=TINY, rules=())
    with pytest.raises(HedgesimError, match="one calibration"):
        answer(stack([BASE, BASE]), rounds=2, resolution=TINY)
    game = build(rounds=2, resolution=TINY)
    with pytest.raises(HedgesimError, match="strategy must have shape"):
        outcomes(game, np.zeros((2, 3, 4, 3)))
    with pytest.raises(HedgesimError, match="past the last round"):
        build(rounds=2, resolution=TINY, shocks=[Shock(5, "threat", "add", 1.0, "late")])
