"""The article's argument as named tests on the computed equilibria of Model 2 (MODEL.md,
F1-F7), and the properties every solve must have.

Games are solved on the engine at small grids (:data:`SMALL`, :data:`MID`; every grid is
anchored at the priors, so the game starts exactly at them) and 8 rounds, so that the file
stays fast; ``benchmarks/bench_article.py`` solves the run's grid. Tests assert on computed
equilibria and payoff decompositions, never on constants copied from the model.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.article import incentives, terms
from sim.article.actors import ACTIONS, COUNTERPARTS, GULF, IRAN, ISRAEL, PLAYERS, SYRIA
from sim.article.answers import RULES, Answers, answer, answer_batch
from sim.article.grid import Resolution
from sim.article.outcomes import outcomes
from sim.article.parameters import Parameters
from sim.article.thresholds import realign_thresholds, selected_profile, stage_game
from sim.article.timeline import Shock

BASE = Parameters()
#: 3 belief points (the ends and the prior) and 3 capacity levels: 82 states.
SMALL = Resolution(belief_points=3, capacity_points=3)
#: 4 belief points, so that every counterpart's middle action has a grid belief: 193 states.
MID = Resolution(belief_points=4, capacity_points=3)
ROUNDS = 8
S = PLAYERS.index(SYRIA)
HEDGE = ACTIONS[SYRIA].index("hedge")


@pytest.fixture(scope="module")
def baseline() -> Answers:
    return answer(BASE, rounds=ROUNDS, resolution=SMALL)


def _start(ans: Answers) -> int:
    (state,) = np.flatnonzero(ans.game.initial() > 0)
    return int(state)


def _round0(ans: Answers, player: str) -> str:
    return ACTIONS[player][int(np.argmax(ans.forward.actions[player][0]))]


def _term_difference(
    params: Parameters, profile: tuple[np.ndarray, ...], better: str, worse: str
) -> dict[str, float]:
    """Per term: Syria's stage payoff at the priors from ``better`` minus from ``worse``,
    the others held at ``profile``."""
    beliefs = {cp: float(getattr(params, f"prior_{cp}")) for cp in COUNTERPARTS}
    rnd = terms.RoundData.at_rest(params)

    def at(action: str) -> dict[str, float]:
        prof = (np.eye(3)[ACTIONS[SYRIA].index(action)], *profile[1:])
        return {t.name: t.value for t in terms.decompose(params, rnd, beliefs, 0.0, SYRIA, prof)}

    a, b = at(better), at(worse)
    return {k: a[k] - b[k] for k in a}


# -- F1 -------------------------------------------------------------------------------------------
def test_f1_syria_hedges_in_the_selected_equilibrium_at_the_start(baseline: Answers) -> None:
    """F1: in round 0, at the priors, the selected Markov-perfect equilibrium has Syria hedge
    for sure, and in that stage game (with continuation values) hedge beats align and
    realign against the others' selected play; under every selection rule."""
    s = _start(baseline)
    sigma = baseline.strategy()[0, s]
    assert sigma[S, HEDGE] == pytest.approx(1.0)
    u = baseline.stage_payoffs(0)[s]
    values = np.einsum("abcd,b,c,d->a", u[S], sigma[1], sigma[2], sigma[3])
    assert values[HEDGE] > max(values[0], values[2])
    for rule, o in baseline.by_rule.items():
        assert o.actions[SYRIA][0][HEDGE] == pytest.approx(1.0), rule


# -- F2 -------------------------------------------------------------------------------------------
def test_f2_the_war_cost_keeps_syria_from_aligning() -> None:
    """F2: against the others' selected play, hedge beats align, and only because of the
    war cost (every other term together favours align); without it align is competitive.
    The war cost is backed by Israel's own payoffs: against an open ally Israel escalates."""
    profile = selected_profile(stage_game(BASE))
    diff = _term_difference(BASE, profile, "hedge", "align")
    assert sum(diff.values()) > 0
    assert diff["war_cost"] > 0
    assert sum(v for k, v in diff.items() if k != "war_cost") <= 0
    values = stage_game(BASE.replace(war_cost=0.0)).action_values(S, profile)
    assert values[0] >= values[HEDGE]
    against_align = (np.eye(3)[0], *profile[1:])
    israel = stage_game(BASE).action_values(PLAYERS.index(ISRAEL), against_align)
    assert ACTIONS[ISRAEL][int(np.argmax(israel))] == "escalate"


# -- F3 -------------------------------------------------------------------------------------------
def test_f3_israel_interdicts_a_hedger_and_is_harsher_with_an_open_ally(baseline: Answers) -> None:
    """F3: in round 0 Israel interdicts the hedger; the strikes hit regime areas whether
    Syria hedges or aligns (restraint buys a hedger nothing); and in every stage game of the
    solved game, Israel's best response to align is at least as harsh as to hedge."""
    assert _round0(baseline, ISRAEL) == "interdict"
    diff = _term_difference(BASE, selected_profile(stage_game(BASE)), "hedge", "align")
    assert diff["interdiction_strikes"] == pytest.approx(0.0)
    game = baseline.game
    for t in range(ROUNDS):
        u = baseline.stage_payoffs(t)[: game.grid_states]
        for ai in range(3):
            for ag in range(3):
                others = {IRAN: ai, GULF: ag, ISRAEL: 0}
                to_align = incentives.best_response(u, ISRAEL, {SYRIA: 0, **others})
                to_hedge = incentives.best_response(u, ISRAEL, {SYRIA: 1, **others})
                assert np.all(to_align >= to_hedge), (t, ai, ag)


# -- F4 -------------------------------------------------------------------------------------------
def test_f4_realign_wins_only_above_a_computed_threshold_of_outside_support() -> None:
    """F4: the Gulf/Western offer above which realigning beats hedging, computed two ways:
    as a one-sided deviation against the selected play and as the offer at which an
    equilibrium with Syria realigning appears. The baseline offer lies below both; just
    above the deviation threshold realign beats hedge, just below it does not."""
    th = realign_thresholds(BASE)
    assert th.deviation is not None and th.equilibrium is not None
    assert BASE.gulf_incentive < th.equilibrium < th.deviation
    profile = selected_profile(stage_game(BASE))
    eps = 1e-6 * (1 + th.deviation)
    for g, realign_better in ((th.deviation - eps, False), (th.deviation + eps, True)):
        values = stage_game(BASE.replace(gulf_incentive=g)).action_values(S, profile)
        assert bool(values[2] > values[HEDGE]) == realign_better
    at = BASE.replace(gulf_incentive=th.deviation)
    diff = _term_difference(at, profile, "hedge", "realign")
    assert sum(diff.values()) == pytest.approx(0.0, abs=1e-6)
    assert diff["gulf_incentive"] < 0 and diff["iranian_aid"] + diff["iranian_fuel"] > 0


# -- F5 -------------------------------------------------------------------------------------------
def test_f5_an_unenforced_shipment_limit_is_cheap_at_baseline_beliefs() -> None:
    """F5: at the priors, signalling a limit and not enforcing it raises Syria's payoff at
    the selected play (the extra incentive outweighs the exposure the Gulf's low suspicion
    puts on it); the same signal costs once the Gulf believes Syria deceives it."""
    signalled = BASE.replace(shipment_limit_signal=1.0)
    profile = selected_profile(stage_game(BASE))
    assert selected_profile(stage_game(signalled))[S][HEDGE] == pytest.approx(1.0)
    plain = stage_game(BASE).action_values(S, profile)[HEDGE]
    with_signal = stage_game(signalled).action_values(S, profile)[HEDGE]
    assert with_signal > plain
    suspicious = {cp: float(getattr(BASE, f"prior_{cp}")) for cp in COUNTERPARTS}
    suspicious[GULF] = 0.9
    assert (stage_game(signalled, suspicious).action_values(S, profile)[HEDGE]
            < stage_game(BASE, suspicious).action_values(S, profile)[HEDGE])  # fmt: skip


# -- F6 -------------------------------------------------------------------------------------------
LEVELS = (0.0, 0.3, 0.6, 0.9)


def _truncated_mean(ans: Answers) -> float:
    """E[min(H, T)] with "never" and collapse first counted as T: an order-preserving score
    for comparing runs only ("never" stays its own outcome everywhere else)."""
    h = ans.forward.horizon
    return float(np.arange(len(h.at)) @ h.at + len(h.at) * (h.never + h.collapse))


@pytest.fixture(scope="module")
def deniability() -> dict[str, list[Answers]]:
    cals = [BASE.replace(**{f"deniability_{cp}": d}) for cp in (IRAN, ISRAEL) for d in LEVELS]
    found = answer_batch(
        cals, rounds=ROUNDS, resolution=SMALL, rules=("qre",), myopic=False, robust=False
    )
    return {IRAN: found[: len(LEVELS)], ISRAEL: found[len(LEVELS) :]}


def test_f6_hedging_ends_and_deniability_towards_iran_lengthens_it(
    deniability: dict[str, list[Answers]],
) -> None:
    """F6: the horizon comes within the run with positive probability, and more deniability
    towards Iran (a lower catch chance q_iran, the binding patron) never shortens its
    expected (truncated) length: slower learning, not a slower clock."""
    means = [_truncated_mean(a) for a in deniability[IRAN]]
    assert deniability[IRAN][0].forward.horizon.at.sum() > 0
    assert all(b >= a for a, b in zip(means, means[1:], strict=False)), means
    assert means[-1] > means[0]


def test_f6_counterexample_deniability_towards_israel_brings_the_horizon_more_often(
    deniability: dict[str, list[Answers]],
) -> None:
    """The counterexample docs/horizons.md explains: more deniability towards Israel makes
    the horizon come within the run more often (P(never) falls at every level), at this grid
    and at every grid tried up to the run's. An informed Israel splits the paths: silence
    earns a hedger restraint, under which hedging stays certain when Iran walks away, while a
    catch brings escalation, and a break that Israel can see repairs Syria's standing with it.
    Deniability blurs both: Israel stays near its prior and interdicts, and against
    interdiction and a withdrawing Iran hedging stops being certain. (The expected truncated
    horizon falls too at this grid; at the run's grid it is nearly flat, see the docs.)"""
    never = [a.forward.horizon.never for a in deniability[ISRAEL]]
    assert all(b < a for a, b in zip(never, never[1:], strict=False)), never
    blind, informed = deniability[ISRAEL][-1], deniability[ISRAEL][0]
    assert _truncated_mean(blind) < _truncated_mean(informed)
    interdict = ACTIONS[ISRAEL].index("interdict")
    assert (blind.forward.actions[ISRAEL][1:, interdict].sum()
            > informed.forward.actions[ISRAEL][1:, interdict].sum())  # fmt: skip


# -- F7 -------------------------------------------------------------------------------------------
def test_f7_collapse_needs_capacity_to_fall() -> None:
    """F7: with regime and patron capacity held at full (no erosion, no hollowing, start at
    1), the collapse probability over the horizon is at most 1 - (1 - h_max)^T with
    h_max = 1 - exp(-lambda * max(0, s - 1)) the hazard of the baseline threat against a full
    regime without any patron; at the baseline threat that bound is 0. With a hollowed
    regime, exhausted patrons and an offensive, the same model does produce collapse."""
    held = BASE.replace(initial_capacity=1.0, capacity_hollowing=0.0, escalation_erosion=0.0,
                        sanctions_erosion=0.0)  # fmt: skip
    ans = answer(held, rounds=ROUNDS, resolution=SMALL, rules=("qre",), myopic=False, robust=False)
    h_max = 1 - np.exp(-held.hazard_rate * max(0.0, held.threat - 1.0))
    assert ans.forward.collapsed[-1] <= 1 - (1 - h_max) ** ROUNDS + 1e-12
    shocks = [
        Shock(0, "capacity_iran", "set", 0.2, "hezbollah degraded"),
        Shock(0, "capacity_russia", "set", 0.2, "russia in ukraine"),
        Shock(2, "threat", "set", 1.5, "offensive"),
    ]
    hit = answer(BASE.replace(initial_capacity=0.4), rounds=ROUNDS, resolution=SMALL,
                 shocks=shocks, rules=("qre",), myopic=False, robust=False)  # fmt: skip
    assert hit.forward.collapsed[-1] > 0.5
    assert hit.forward.collapsed[-1] - hit.forward.collapsed[2] > 0.4  # the offensive does it


# -- every action means something -----------------------------------------------------------------
def test_every_action_is_strictly_best_somewhere_the_baseline_can_reach() -> None:
    """In the stage games the equilibrium is computed from (payoffs plus continuation values)
    of the states reachable from the start under some play, every action of every player is
    a strict best response to some pure play of the others (MID grid: every counterpart's
    middle action has a belief on it)."""
    ans = answer(BASE, rounds=ROUNDS, resolution=MID, rules=("qre",), myopic=False, robust=False)
    game = ans.game
    seen: dict[str, set[str]] = {p: set() for p in PLAYERS}
    reach = game.initial() > 0
    for t in range(ROUNDS):
        states = np.flatnonzero(reach[: game.grid_states])
        found = incentives.strictly_best_somewhere(ans.stage_payoffs(t), states)
        for p in PLAYERS:
            seen[p] |= {a for a, w in found[p].items() if w is not None}
        w = np.zeros((1, game.n_states, 3, 3, 3, 3))
        w[0, reach] = 1.0
        reach = game.transitions(t).push(w, (3, 3, 3, 3))[0] > 0
    assert seen == {p: set(ACTIONS[p]) for p in PLAYERS}


# -- properties of every solve ---------------------------------------------------------------------
def test_outcome_probabilities_sum_to_one_and_collapse_is_absorbing(baseline: Answers) -> None:
    for o in (*baseline.by_rule.values(), baseline.myopic):
        assert o is not None
        for t in range(ROUNDS):
            assert o.actions[SYRIA][t].sum() + o.collapsed[t] == pytest.approx(1.0, abs=1e-12)
        assert np.all(np.diff(o.collapsed) >= -1e-15)
        h, e = o.horizon, o.exit
        assert h.at.sum() + h.collapse + h.never == pytest.approx(1.0, abs=1e-12)
        assert e.at.sum() + e.collapse + e.never == pytest.approx(1.0, abs=1e-12)
        for cp in COUNTERPARTS:
            b = o.beliefs[cp]
            lo, hi = SMALL.belief_min - 1e-12, SMALL.belief_max + 1e-12
            assert np.all((b.mean >= lo) & (b.mean <= hi))
        assert np.all((o.capacity >= 0) & (o.capacity <= 1))


def test_results_are_identical_bit_for_bit_across_runs(baseline: Answers) -> None:
    again = answer(
        BASE, rounds=ROUNDS, resolution=SMALL, rules=("qre",), myopic=False, robust=False
    )
    a, b = baseline.forward, again.forward
    np.testing.assert_array_equal(a.horizon.at, b.horizon.at)
    np.testing.assert_array_equal(a.exit.at, b.exit.at)
    np.testing.assert_array_equal(a.collapsed, b.collapsed)
    for p in PLAYERS:
        np.testing.assert_array_equal(a.actions[p], b.actions[p])
    np.testing.assert_array_equal(baseline.strategy(), again.strategy())


def test_outcomes_match_the_engines_own_propagation(baseline: Answers) -> None:
    """Two independent propagations agree: outcomes.py's and the engine's."""
    game, sol = baseline.game, baseline.solution
    o = outcomes(game, baseline.strategy())
    dist = sol.distribution(game.initial()[None])[0]
    np.testing.assert_allclose(o.collapsed, dist[:, game.collapsed], atol=1e-12)
    acts = sol.action_distribution(game.initial()[None])[0]
    # the engine counts the collapsed state's (meaningless) strategy too; outcomes does not
    gone = o.collapsed[:-1, None] * baseline.strategy()[:, game.collapsed, S, :3]
    np.testing.assert_allclose(o.actions[SYRIA] + gone, acts[:, S, :3], atol=1e-12)


def test_every_rule_and_the_myopic_path_are_reported(baseline: Answers) -> None:
    assert set(baseline.by_rule) == set(RULES)
    assert baseline.myopic is not None
    assert set(baseline.robustness.summary()) == {"horizon", "exit", "collapse"}
    assert baseline.fragile.shape == (ROUNDS,)
    assert np.all((baseline.fragile >= 0) & (baseline.fragile <= 1 + 1e-12))


# -- sustainability (the first model's third horizon, recast) ------------------------------------
def test_sustainability_scan_finds_the_least_patience() -> None:
    """The scan and its refinement find where a monotone predicate turns true, report 0 when
    it always holds and None when it never does (a stand-in solver: hedging holds from a
    discount of 0.37 for Israel, always for Iran, never for the Gulf)."""
    from sim.article.thresholds import sustainability

    def fake(batch: Parameters, discounts: np.ndarray) -> list[bool]:
        israel, gulf = discounts[:, 2], discounts[:, 3]
        varied = np.where(np.abs(israel - BASE.discount) > 1e-12, israel, np.nan)
        if not np.all(np.isnan(varied)):
            return [bool(d >= 0.37) for d in israel]
        if np.any(np.abs(gulf - BASE.discount) > 1e-12):
            return [False] * len(discounts)
        return [True] * len(discounts)

    found = sustainability(BASE, fake, points=8, refine=3)
    assert found.threshold["iran"] == 0.0
    assert found.threshold["gulf"] is None
    assert found.threshold["israel"] == pytest.approx(0.37, abs=0.99 / 7**3)
    assert found.threshold["israel"] >= 0.37


def test_sustainability_at_the_baseline_needs_no_patience() -> None:
    """At the priors hedging is a stage equilibrium, so Syria hedges for sure in round 0
    whatever any counterpart's patience: every threshold is 0 (as the first model's
    sustainability discount was 0 before any switch point)."""
    from sim.article.answers import sustainability

    found = sustainability(BASE, rounds=4, resolution=SMALL, points=2)
    assert found.threshold == {cp: 0.0 for cp in COUNTERPARTS}
