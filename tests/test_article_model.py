"""The article's game, the parts that need no solver: parameters, payoff terms and their
affine map, the incentive structure of the stage games.

Stage-game facts here hold for every state of the grid and every play of the others, so
they are stated over the whole grid (property tests over calibrations where they follow
from the terms' signs alone).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.article import incentives, terms
from sim.article.actors import ACTIONS, COUNTERPARTS, GULF, HARSHNESS, IRAN, ISRAEL, PLAYERS, SYRIA
from sim.article.parameters import (
    SPECS,
    Parameters,
    check_bounds,
    stack,
)
from sim.claims import load_ledger
from tests.strategies import calibrations

BASE = Parameters()
AT_REST = terms.RoundData.at_rest(BASE)
GRID = np.linspace(0.0, 1.0, 41)


# -- parameters -------------------------------------------------------------------------------
def test_every_parameter_is_documented_with_bounds_and_a_reason() -> None:
    ledger = load_ledger().by_id()
    for spec in SPECS:
        assert spec.doc and spec.unit and spec.reason, spec.name
        lo, hi = spec.bounds
        assert lo <= spec.default <= hi, spec.name
        assert lo < hi, spec.name
        for cid in spec.claims:
            assert cid in ledger, f"{spec.name} cites unknown claim {cid}"


def test_assumptions_are_the_parameters_no_claim_supports() -> None:
    assumed = {s.name for s in SPECS if s.assumption}
    # the collapse machinery's numbers are assumptions; the article never weighs them
    assert {"collapse_cost", "hazard_rate", "threat", "protection_russia"} <= assumed
    for spec in SPECS:
        if spec.assumption:
            assert "Assumption" in spec.reason, spec.name


def test_a_batch_is_its_calibrations() -> None:
    a, b = BASE, BASE.replace(iran_aid=5.0, prior_iran=0.4)
    batch = stack([a, b])
    assert batch.batch_shape == (2,)
    assert batch.calibration(1) == b
    assert batch.calibration(0) == a


def test_out_of_bounds_values_are_named() -> None:
    bad = BASE.replace(iran_aid=-1.0, catch_gulf=float("nan"))
    problems = check_bounds(bad)
    assert any(p.startswith("iran_aid=") for p in problems)
    assert "catch_gulf is not finite" in problems
    assert check_bounds(BASE) == []


# -- the affine map ------------------------------------------------------------------------------
def _random_beliefs(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.uniform(0.0, 1.0, size=(n, len(COUNTERPARTS)))


@settings(max_examples=25)
@given(params=calibrations(), seed=st.integers(0, 2**32 - 1))
def test_affine_map_equals_the_term_by_term_sum(params: Parameters, seed: int) -> None:
    """Issue 13: stage games by one affine map of precomputed coefficients; the plain sum of
    terms is the reference, within 1e-12 (relative to the payoffs' size)."""
    rng = np.random.default_rng(seed)
    rnd = terms.RoundData(
        threat=float(rng.uniform(0, 2)),
        capacity_iran=float(rng.uniform(0, 1)),
        capacity_russia=float(rng.uniform(0, 1)),
    )
    beliefs = _random_beliefs(rng, 5)
    hazard = rng.uniform(0.0, 1.0, size=(5, 3, 3, 3, 3))
    fast = terms.stage_payoffs(terms.coefficients(params, rnd), beliefs, hazard)
    for x in range(5):
        ref = terms.reference_payoffs(
            params, rnd, dict(zip(COUNTERPARTS, beliefs[x], strict=True)), hazard[x]
        )
        scale = max(1.0, float(np.abs(ref).max()))
        np.testing.assert_allclose(fast[x], ref, rtol=0, atol=1e-12 * scale)


def test_a_nonlinear_term_breaks_the_affine_map(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison can fail: a term quadratic in a belief is caught."""
    rogue = terms.Term(
        "rogue", IRAN, ("C09",), "quadratic",
        lambda p, r, f: terms.coef(f.beliefs.get(IRAN, 0.0)) ** 2 * terms.I["support"],
    )  # fmt: skip
    monkeypatch.setattr(terms, "TERMS", terms.TERMS + (rogue,))
    beliefs = np.array([[0.5, 0.2, 0.1]])
    hazard = np.zeros((1, 3, 3, 3, 3))
    fast = terms.stage_payoffs(terms.coefficients(BASE, AT_REST), beliefs, hazard)
    ref = terms.reference_payoffs(BASE, AT_REST, dict(zip(COUNTERPARTS, beliefs[0], strict=True)),
                                  0.0)  # fmt: skip
    assert np.abs(fast[0] - ref).max() > 0.1


def test_batched_coefficients_are_each_calibrations() -> None:
    other = BASE.replace(corridor_value=5.0, gulf_incentive=4.0, collapse_cost=80.0)
    both = terms.coefficients(stack([BASE, other]), AT_REST)
    for b, params in enumerate((BASE, other)):
        one = terms.coefficients(params, AT_REST)
        np.testing.assert_array_equal(both.constant[b], one.constant)
        np.testing.assert_array_equal(both.belief[b], one.belief)
        np.testing.assert_array_equal(both.hazard[b], one.hazard)


@settings(max_examples=20)
@given(seed=st.integers(0, 2**32 - 1))
def test_decomposition_adds_up_to_the_payoff(seed: int) -> None:
    rng = np.random.default_rng(seed)
    beliefs = dict(zip(COUNTERPARTS, rng.uniform(0, 1, 3), strict=True))
    hazard = rng.uniform(0, 1, size=(3, 3, 3, 3))
    profile = tuple(rng.dirichlet(np.ones(3)) for _ in PLAYERS)
    payoffs = terms.reference_payoffs(BASE, AT_REST, beliefs, hazard)
    for k, player in enumerate(PLAYERS):
        parts = terms.decompose(BASE, AT_REST, beliefs, hazard, player, profile)
        expected = payoffs[k]
        for s in reversed(profile):
            expected = expected @ s
        assert sum(p.value for p in parts) == pytest.approx(float(expected), abs=1e-12)
        assert {p.name for p in parts} == {t.name for t in terms.terms_of(player)}


def test_every_term_cites_claims_the_ledger_knows() -> None:
    ledger = load_ledger().by_id()
    for term in terms.TERMS:
        assert term.claims, term.name
        assert all(c in ledger for c in term.claims), term.name


def test_delivered_support_is_capped_by_capacity() -> None:
    """Aid, fuel and backing use d = min(w, c): halving Iran's capacity below its
    willingness halves what Syria receives from a supporting Iran."""
    full = terms.decompose(BASE, AT_REST, {}, 0.0, SYRIA, (1, 0, 1, 0))
    half = terms.decompose(
        BASE, terms.RoundData(BASE.threat, 0.5, 1.0), {}, 0.0, SYRIA, (1, 0, 1, 0)
    )
    get = lambda parts, name: next(p.value for p in parts if p.name == name)  # noqa: E731
    for name in ("iranian_aid", "iranian_fuel"):
        assert get(half, name) == pytest.approx(0.5 * get(full, name))
    iran_full = terms.decompose(BASE, AT_REST, {}, 0.0, IRAN, (1, 0, 1, 0))
    iran_half = terms.decompose(
        BASE, terms.RoundData(BASE.threat, 0.5, 1.0), {}, 0.0, IRAN, (1, 0, 1, 0)
    )
    assert get(iran_half, "aid_cost") == pytest.approx(0.5 * get(iran_full, "aid_cost"))


# -- the incentive structure of the stage games ------------------------------------------------
def _stage(params: Parameters, beliefs: dict[str, float]) -> np.ndarray:
    return terms.reference_payoffs(params, terms.RoundData.at_rest(params), beliefs, 0.0)


def _counterpart_best(params: Parameters, cp: str, syria: str, beliefs: np.ndarray) -> np.ndarray:
    """The counterpart's best action against ``syria`` at each of its ``beliefs``: its
    payoffs read no other counterpart's action, so the others are held at their first."""
    c = COUNTERPARTS.index(cp)
    states = np.zeros((len(beliefs), len(COUNTERPARTS)))
    states[:, c] = beliefs
    coefs = terms.coefficients(params, terms.RoundData.at_rest(params))
    u = terms.stage_payoffs(coefs, states, np.zeros((len(beliefs), 3, 3, 3, 3)))
    k = PLAYERS.index(cp)
    index: list[object] = [slice(None), k, ACTIONS[SYRIA].index(syria), 0, 0, 0]
    index[2 + k] = slice(None)
    return np.asarray(np.argmax(u[tuple(index)], axis=1))


@settings(max_examples=30)
@given(params=calibrations())
def test_israel_answers_open_alignment_at_least_as_harshly_as_hedging(params: Parameters) -> None:
    """At every belief and every calibration within the bounds: Israel's payoffs have
    increasing differences in (Syria's openness, Israel's harshness), so its best response
    to align is at least as harsh as to hedge (Topkis' monotone comparative statics)."""
    to_align = _counterpart_best(params, ISRAEL, "align", GRID)
    to_hedge = _counterpart_best(params, ISRAEL, "hedge", GRID)
    assert np.all(to_align >= to_hedge)


def test_counterparts_respond_to_their_beliefs_about_a_hedger() -> None:
    """Against a hedger, each counterpart turns harsher as its belief rises, through every
    one of its actions: Iran support -> condition -> withdraw, Israel restrain -> interdict
    -> escalate, the Gulf engage -> wait (it isolates only an open ally)."""
    for cp in COUNTERPARTS:
        path = _counterpart_best(BASE, cp, "hedge", GRID).tolist()
        assert path == sorted(path), cp  # harsher as the belief rises
        seen = {HARSHNESS[cp][a] for a in path}
        expected = set(HARSHNESS[cp]) - ({"isolate"} if cp == GULF else set())
        assert seen == expected, cp


def test_iran_withdraws_from_a_hedger_it_believes_an_opportunist() -> None:
    best = _counterpart_best(BASE, IRAN, "hedge", np.array([BASE.prior_iran, 0.95]))
    assert [ACTIONS[IRAN][a] for a in best] == ["support", "withdraw"]


def test_every_action_is_strictly_best_in_some_stage_game_of_the_grid() -> None:
    """No vestigial action in the baseline's stage games over the belief grid."""
    beliefs = np.array(np.meshgrid(GRID[::4], GRID[::4], GRID[::4])).reshape(3, -1).T
    hazard = np.zeros((len(beliefs), 3, 3, 3, 3))
    payoffs = terms.stage_payoffs(terms.coefficients(BASE, AT_REST), beliefs, hazard)
    assert incentives.vestigial_actions(payoffs) == []


def test_a_vestigial_action_is_caught() -> None:
    """The check can fail: with waiting costlier than isolating and engaging never worse
    than waiting, the Gulf's `wait` is never strictly best."""
    broken = BASE.replace(hedge_pull_share=0.8, pull_value=16.0, isolation_cost=0.0,
                          isolation_value=0.0)  # fmt: skip
    beliefs = np.array(np.meshgrid(GRID[::4], GRID[::4], GRID[::4])).reshape(3, -1).T
    hazard = np.zeros((len(beliefs), 3, 3, 3, 3))
    payoffs = terms.stage_payoffs(terms.coefficients(broken, AT_REST), beliefs, hazard)
    assert "gulf.wait" in incentives.vestigial_actions(payoffs)


def test_stage_game_at_the_priors_has_syria_hedging() -> None:
    """F1 in the stage game alone: at the priors the unique pure equilibrium is hedge,
    support, interdict, engage (the dynamic version is in test_article_facts.py)."""
    from sim.equilibria import pure_equilibria
    from sim.game import NormalFormGame

    beliefs = {cp: float(getattr(BASE, f"prior_{cp}")) for cp in COUNTERPARTS}
    game = NormalFormGame(_stage(BASE, beliefs), PLAYERS, tuple(ACTIONS[p] for p in PLAYERS))
    found = pure_equilibria(game)
    assert [tuple(ACTIONS[p][a] for p, a in zip(PLAYERS, e, strict=True)) for e in found] == [
        ("hedge", "support", "interdict", "engage")
    ]
