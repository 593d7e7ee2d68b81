"""The simulator, the three horizons, and F6 (MODEL.md, *Three horizons*, *Invariants*)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim import model, repeated, thresholds
from sim import tolerance as tol
from sim.game import NormalFormGame
from sim.scenario import Scenario

BASE_DECAY = {"iran": 0.08, "israel": 0.05, "gulf": 0.04}


def make(
    decay: dict[str, float] | None = None,
    *,
    initial: dict[str, float] | None = None,
    deniability: dict[str, float] | None = None,
    recovery: dict[str, float] | None = None,
    rounds: int = 24,
    **extra: object,
) -> Scenario:
    tolerance: dict[str, dict[str, float]] = {}
    for key, values in (
        ("decay", decay or BASE_DECAY),
        ("initial", initial or {}),
        ("deniability", deniability or {}),
        ("recovery", recovery or {}),
    ):
        for cp, v in values.items():
            tolerance.setdefault(cp, {})[key] = v
    data = {
        "name": "test",
        "description": "d",
        "question": "q",
        "tolerance": tolerance,
        "repeated": {"rounds": rounds},
        **extra,
    }
    return Scenario.model_validate(data)


def horizon(sc: Scenario) -> int | None:
    return repeated.myopic_horizon(repeated.simulate(sc, until_exit=True)).horizon


@pytest.fixture(scope="module")
def baseline() -> repeated.RunResult:
    return repeated.run(make())


# -- the baseline path ------------------------------------------------------------------
def test_baseline_hedges_then_breaks_with_iran(baseline: repeated.RunResult) -> None:
    r = baseline.trajectory.rounds
    assert len(r) == 24
    assert all(x.actions["syria"] == "hedge" and x.hedges_for_sure for x in r[:6])
    assert baseline.myopic.horizon == 6
    assert baseline.myopic.exit.first_broken == "iran"
    assert baseline.myopic.exit.syria_action == "align"
    # The mixed phase: hedging probability falls round by round while Iran conditions.
    p = [x.hedge_probability for x in r[6:11]]
    assert all(0.5 < a < 1.0 for a in p)
    assert all(b < a for a, b in itertools.pairwise(p))
    assert r[0].changed == () and "iran" in r[6].changed


def test_round_records_are_consistent(baseline: repeated.RunResult) -> None:
    for r in baseline.trajectory.rounds:
        game = model.stage_game(r.parameters, r.tolerance)
        assert game.is_equilibrium(r.profile)
        v = game.action_values("syria", r.profile)
        assert list(r.syria_action_values.values()) == pytest.approx(list(v))
        assert r.syria_payoff == pytest.approx(float(v @ r.profile[0]))
        assert r.margin == pytest.approx(v[1] - max(v[0], v[2]))


def test_tidy_table(baseline: repeated.RunResult) -> None:
    rows = baseline.trajectory.table()
    assert len(rows) == 24 and rows[0]["round"] == 0
    assert rows[6]["hedge_probability"] < 1 and rows[0]["value_of_ambiguity"] == 0.0
    assert len({tuple(r) for r in rows}) == 1  # same columns in every row


def test_dates_follow_the_round_unit() -> None:
    sc = make(rounds=3, repeated={"rounds": 3, "start_date": "2025-01-01", "round_unit": "week"})
    dates = [r.date for r in repeated.simulate(sc).rounds]
    assert [d.isoformat() for d in dates if d] == ["2025-01-01", "2025-01-08", "2025-01-15"]


def test_events_apply_from_their_round() -> None:
    sc = make(
        rounds=8,
        timeline=[{"name": "visit", "round": 4, "set": {"tolerance.iran.level": 1.0}}],
    )
    t = repeated.simulate(sc)
    assert t.rounds[4].events == ("visit",) and t.rounds[4].tolerance["iran"] == 1.0
    assert horizon(sc) is None  # the visit restores Iran before its switch point


# -- tolerances over random scenarios ----------------------------------------------------
@st.composite
def random_scenarios(draw: st.DrawFn) -> Scenario:
    cps = model.COUNTERPARTS
    tolerance = {
        cp: {
            "initial": draw(st.floats(0.3, 1.0)),
            "decay": draw(st.floats(0.0, 0.3)),
            "recovery": draw(st.floats(0.0, 0.3)),
            "visibility": draw(st.floats(0.5, 2.0)),
            "deniability": draw(st.floats(0.0, 0.8)),
        }
        for cp in cps
    }
    timeline = []
    if draw(st.booleans()):
        cp = draw(st.sampled_from(cps))
        timeline.append(
            {
                "name": "shock",
                "round": draw(st.integers(1, 4)),
                "add": {f"tolerance.{cp}.level": draw(st.floats(-0.5, 0.5))},
            }
        )
    return Scenario.model_validate(
        {
            "name": "random",
            "description": "d",
            "question": "q",
            "tolerance": tolerance,
            "timeline": timeline,
            "repeated": {"rounds": 6, "selection": draw(st.sampled_from(["inertia", "welfare"]))},
        }
    )


@settings(max_examples=12)
@given(random_scenarios())
def test_tolerances_in_unit_interval_and_never_rise_on_hedging_rounds(sc: Scenario) -> None:
    t = repeated.simulate(sc)
    events = sc.events_by_round()
    for a, b in itertools.pairwise(t.rounds):
        assert all(0.0 <= v <= 1.0 for v in a.tolerance.values())
        if a.hedges_for_sure and b.round not in events:
            assert all(b.tolerance[cp] <= a.tolerance[cp] for cp in model.COUNTERPARTS)


# -- F6 --------------------------------------------------------------------------------
def test_f6_baseline_horizon_is_finite_and_shorter_with_faster_decay() -> None:
    h = [horizon(make({k: v * c for k, v in BASE_DECAY.items()})) for c in (1, 2, 4)]
    assert h == [6, 3, 2]


def test_f6_more_initial_tolerance_or_deniability_lengthens() -> None:
    assert horizon(make(initial={"iran": 0.8})) == 3
    assert horizon(make(deniability={cp: 0.3 for cp in model.COUNTERPARTS})) == 8


base_like = st.fixed_dictionaries(
    {
        "iran": st.floats(0.03, 0.15),
        "israel": st.floats(0.01, 0.08),
        "gulf": st.floats(0.01, 0.08),
    }
)


@settings(max_examples=15)
@given(base_like, st.floats(1.0, 6.0))
def test_f6_scaling_all_decays_up_never_delays_the_exit(decay: dict[str, float], c: float) -> None:
    """The guaranteed form of the brief's invariant (docs/horizons1.md): scaling every decay
    by c >= 1 either ends hedging no later, or the faster decay breaks a second
    counterpart's patience by the round the binding one flips, so Iran's conditioning is
    met by Israel's escalation and hedging stays certain (the closed form does not apply).
    """
    h1 = horizon(make(decay))
    fast = make({k: v * c for k, v in decay.items()})
    hc = horizon(fast)
    if h1 is None:
        return
    if hc is None:
        r0 = repeated.simulate(fast, until_exit=True).rounds[0].profile
        assert not thresholds.closed_form_myopic_horizon(fast, r0).applies
    else:
        assert hc <= h1


@settings(max_examples=10)
@given(base_like, st.floats(0.0, 0.9))
def test_f6_more_deniability_never_advances_the_exit(decay: dict[str, float], d: float) -> None:
    """Uniform deniability d scales every effective decay by (1 - d) <= 1: the mirror of
    the previous property, with the same guaranteed form."""
    h0 = horizon(make(decay))
    cover = make(decay, deniability={cp: d for cp in model.COUNTERPARTS})
    hd = horizon(cover)
    if hd is None or h0 is not None and hd >= h0:
        return
    r0 = repeated.simulate(make(decay), until_exit=True).rounds[0].profile
    assert not thresholds.closed_form_myopic_horizon(make(decay), r0).applies


def test_uniform_scaling_can_skip_the_mixed_phase() -> None:
    """The brief's invariant fails without its proviso: at 16x the baseline decay every
    counterpart passes its switch point in round 1, everyone punishes, and Syria hedges
    for sure as the least bad option, so the myopic horizon never comes."""
    assert horizon(make()) == 6
    fast = make({k: v * 16 for k, v in BASE_DECAY.items()})
    assert horizon(fast) is None
    r1 = repeated.simulate(fast, until_exit=True).rounds[1]
    assert r1.actions == {
        "syria": "hedge",
        "iran": "condition",
        "israel": "escalate",
        "gulf": "wait",
    }


def test_single_decay_counterexample_faster_israel_lengthens_hedging() -> None:
    """One decay rate alone is not monotone: an Israel that tires faster (0.05 -> 0.12)
    escalates before Iran stops supporting; once Iran conditions, escalation hits every
    Syrian option (align worst, realign without Iran is abandonment), so hedging stays the
    best reply and never ends within the run (docs/horizons1.md)."""
    slow = make({"iran": 0.07, "israel": 0.05, "gulf": 0.04})
    fast = make({"iran": 0.07, "israel": 0.12, "gulf": 0.04})
    assert horizon(slow) == 6
    assert horizon(fast) is None
    r6 = repeated.simulate(fast, until_exit=False).rounds[6]
    assert r6.actions["israel"] == "escalate" and r6.actions["iran"] == "condition"
    v = r6.syria_action_values
    assert v["hedge"] > v["realign"] > v["align"]


# -- closed form -----------------------------------------------------------------------
@settings(max_examples=20)
@given(
    st.floats(0.03, 0.2),
    st.floats(0.65, 1.0),
    st.floats(0.0, 0.5),
    st.floats(0.0, 0.5),
)
def test_closed_form_agrees_within_one_round(
    k_iran: float, t_iran: float, f_israel: float, f_gulf: float
) -> None:
    """Linear decay, Iran binding (it crosses strictly first): the simulated myopic horizon
    equals floor((tau0 - theta) / kappa) + 1 within one round."""
    sc = make(
        {"iran": k_iran, "israel": k_iran * f_israel, "gulf": k_iran * f_gulf},
        initial={"iran": t_iran},
    )
    traj = repeated.simulate(sc, until_exit=True)
    cf = thresholds.closed_form_myopic_horizon(sc, traj.rounds[0].profile)
    assert cf.binding == "iran"
    if not cf.applies or cf.round is None or cf.round >= sc.repeated.rounds:
        return
    h = repeated.myopic_horizon(traj).horizon
    assert h is not None and abs(h - cf.round) <= 1


def test_closed_form_on_the_baseline(baseline: repeated.RunResult) -> None:
    cf = baseline.closed_form
    assert cf.applies and cf.binding == "iran" and cf.round == baseline.myopic.horizon
    assert cf.decisive == {"iran": True, "israel": False, "gulf": False}


# -- horizon 2 -------------------------------------------------------------------------
def _brute_force(sc: Scenario, reference: tuple[np.ndarray, ...]) -> float:
    """Best discounted payoff over all 3^rounds plans, counterparts best-responding."""
    state0 = tol.initial_state(sc)
    d = sc.repeated.discount
    best = -math.inf
    for plan in itertools.product(range(3), repeat=sc.repeated.rounds):
        state, total = state0, 0.0
        for r, a in enumerate(plan):
            game = model.stage_game(state.parameters, state.levels_dict())
            resp = []
            for k in range(1, 4):  # separable: each counterpart's best reply to Syria's a
                prof = [np.eye(3)[a], *reference[1:]]
                v = game.action_values(k, prof)
                keep = int(np.argmax(reference[k]))
                resp.append(keep if v[keep] >= v.max() - 1e-9 else int(np.argmax(v)))
            total += d**r * float(game.payoffs[(0, a, *resp)])
            state = tol.update(state, tol.syria_strategy_dict(np.eye(3)[a]))
        best = max(best, total)
    return best


def test_dynamic_programme_matches_brute_force() -> None:
    sc = make({"iran": 0.22, "israel": 0.1, "gulf": 0.1}, recovery={"iran": 0.3}, rounds=4)
    ref = repeated.simulate(sc, until_exit=True).rounds[0].profile
    fw = repeated.forward_looking(sc, ref)
    assert fw.value == pytest.approx(_brute_force(sc, ref), abs=1e-9)
    assert fw.value_of_foresight >= -1e-12


def test_forward_looking_baseline(baseline: repeated.RunResult) -> None:
    fw = baseline.forward
    assert fw.horizon == 6 and fw.plan[:6] == ("hedge",) * 6
    assert fw.value >= fw.myopic_value and fw.states > 24


# -- horizon 3 -------------------------------------------------------------------------
def test_prisoners_dilemma_grim_trigger() -> None:
    T, R, P, S = 5.0, 3.0, 1.0, 0.0
    row = np.array([[R, S], [T, P]])
    game = NormalFormGame(np.stack([row, row.T]), actions=(("C", "D"), ("C", "D")))
    th = repeated.grim_trigger_thresholds(game, (0, 0), (1, 1))
    assert th == pytest.approx(((T - R) / (T - P),) * 2)
    assert repeated.grim_trigger_threshold(T, R, P) == 0.5


EPS = float(np.finfo(float).eps)


@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(-10, 10))
@example(1.0, 3.35e-57, 0.0)  # d rounds to exactly 1 though p < r: failed a float comparison
def test_grim_trigger_threshold_is_the_one_shot_deviation_bound(
    t: float, r: float, p: float
) -> None:
    """At the threshold ``d``, conforming and deviating-then-punished pay the same:
    ``r / (1 - d) = t + d p / (1 - d)``, i.e. ``r = (1 - d) t + d p`` (which also holds,
    with ``d >= 1``, when ``p >= r`` and no discount sustains the profile).

    Checked in the second form, which needs no division by ``1 - d``. Tolerance: the
    computed ``d' = d (1 + e)`` with ``|e| <= 3 eps`` (two subtractions and a division) moves
    the right-hand side by ``|e| (t - r) <= 3 eps (|t| + |r|)``; evaluating it adds at most
    ``3 eps max(1, d') (|t| + |p|)``. So ``8 eps max(1, d') (|t| + |p| + |r|)`` bounds the
    error.
    """
    d = repeated.grim_trigger_threshold(t, r, p)
    if t <= r:
        assert d == 0.0
    elif p >= t:
        assert d == math.inf
    else:
        scale = max(1.0, d) * (abs(t) + abs(p) + abs(r))
        assert abs(r - ((1 - d) * t + d * p)) <= 8 * EPS * scale
        # "never sustainable" (d >= 1) exactly when the punishment pays at least the reward,
        # up to the rounding of d itself
        assert (d >= 1) == (p >= r) or abs(p - r) <= 8 * EPS * (abs(t) + abs(p) + abs(r))


def test_sustainability_baseline(baseline: repeated.RunResult) -> None:
    su = baseline.sustainability
    assert su.discount[0] == 0.0  # hedging is a stage equilibrium at full tolerance
    assert su.first_exceeds == 6 and math.isinf(su.discount[6])
    assert su.punishment == {
        "syria": "hedge",
        "iran": "condition",
        "israel": "escalate",
        "gulf": "wait",
    }
