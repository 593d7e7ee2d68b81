"""How the article's state moves: the grid, the signals and Bayes' rule, capacity, the
hazard, the timeline. Oracles carry their formula and source in the docstring."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.article import capacity, signals, terms
from sim.article.actors import ACTIONS, COUNTERPARTS, SYRIA
from sim.article.grid import COARSE, RUN, Resolution, belief_grid, capacity_grid, split
from sim.article.parameters import Parameters
from sim.article.timeline import Shock, resolve
from sim.errors import HedgesimError
from tests.strategies import calibrations

BASE = Parameters()
unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
inner = st.floats(0.001, 0.999, allow_nan=False)


# -- the grid -------------------------------------------------------------------------------------
@given(values=st.lists(st.floats(-0.5, 1.5, allow_nan=False), min_size=1, max_size=20))
def test_split_preserves_the_mean_inside_the_grid(values: list[float]) -> None:
    grid = belief_grid(RUN)
    w = split(np.array(values), grid)
    assert np.all(w >= 0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)
    clipped = np.clip(values, grid[0], grid[-1])
    np.testing.assert_allclose(w @ grid, clipped, atol=1e-12)
    assert np.all((w > 0).sum(axis=-1) <= 2)


def test_grids_are_documented() -> None:
    grid = belief_grid(RUN)
    assert grid[0] == RUN.belief_min and grid[-1] == RUN.belief_max
    steps = np.diff(np.log(grid / (1 - grid)))
    np.testing.assert_allclose(steps, steps[0], rtol=1e-9)  # even in log-odds
    np.testing.assert_allclose(capacity_grid(COARSE), np.linspace(0, 1, COARSE.capacity_points))
    with pytest.raises(HedgesimError, match="belief_points"):
        Resolution(belief_points=2)
    with pytest.raises(HedgesimError, match="belief_min"):
        Resolution(belief_min=0.0)


@given(anchor=st.floats(0.0, 1.0, allow_nan=False))
def test_grids_are_anchored_at_their_starting_value(anchor: float) -> None:
    """The anchored grid keeps its size, stays increasing, keeps its end points and holds
    the anchor (when it lies inside)."""
    for plain, anchored in (
        (belief_grid(RUN), belief_grid(RUN, anchor)),
        (capacity_grid(COARSE), capacity_grid(COARSE, anchor)),
    ):
        assert anchored.shape == plain.shape
        assert np.all(np.diff(anchored) > 0)
        assert anchored[0] == plain[0] and anchored[-1] == plain[-1]
        if plain[0] <= anchor <= plain[-1]:
            assert np.min(np.abs(anchored - anchor)) <= 1e-15
    both = belief_grid(RUN, np.array([0.2, 0.5]))
    np.testing.assert_array_equal(both[0], belief_grid(RUN, 0.2))


# -- signals and Bayes' rule ---------------------------------------------------------------------
def test_signal_law_follows_the_stance() -> None:
    """Caught with q_j after a hedge, for sure after open action, r_j after compliance."""
    for cp in COUNTERPARTS:
        q = float(signals.catch_probability(BASE, cp))
        r = float(signals.false_alarm(BASE, cp))
        got = {a: float(signals.signal_probability(BASE, cp, a)) for a in ACTIONS[SYRIA]}
        assert got["hedge"] == q
        wish = "align" if cp == "iran" else "realign"
        against = "realign" if cp == "iran" else "align"
        assert got[wish] == r and got[against] == 1.0
        assert r <= q <= 1.0


def test_deniability_lowers_the_catch_chance_down_to_a_false_alarm() -> None:
    qs = [
        float(signals.catch_probability(BASE.replace(deniability_israel=d), "israel"))
        for d in (0.0, 0.3, 0.6, 0.95)
    ]
    assert qs == sorted(qs, reverse=True)
    full = BASE.replace(deniability_israel=1.0 - 1e-15)
    assert float(signals.catch_probability(full, "israel")) == pytest.approx(
        BASE.false_alarm_israel
    )


@given(p=inner, q=unit, r=unit)
def test_beliefs_are_a_martingale_under_the_counterparts_own_model(
    p: float, q: float, r: float
) -> None:
    """Bayes' rule: the expected posterior under the counterpart's prior mixture of types
    (opportunist caught with q, loyal with r) is the prior."""
    caught = p * q + (1 - p) * r
    mean = caught * signals.posterior(p, q, r, True) + (1 - caught) * signals.posterior(
        p, q, r, False
    )
    assert float(mean) == pytest.approx(p, abs=1e-12)


@given(p=inner, q=unit, r=unit)
def test_hedging_raises_beliefs_in_expectation(p: float, q: float, r: float) -> None:
    """Under the opportunist's own signal law (caught with q >= r), the posterior is a
    submartingale: E[p' | hedge] >= p; under compliance (r) it is a supermartingale."""
    q, r = max(q, r), min(q, r)
    post_c, post_s = signals.posterior(p, q, r, True), signals.posterior(p, q, r, False)
    assert float(q * post_c + (1 - q) * post_s) >= p - 1e-12
    assert float(r * post_c + (1 - r) * post_s) <= p + 1e-12


@given(
    p0=st.floats(0.05, 0.95),
    target=st.floats(0.02, 0.9),
    lam=st.floats(0.01, 0.95),
    lam2=st.floats(0.0, 0.95),
)
def test_learning_from_silence_crossing_round(
    p0: float, target: float, lam: float, lam2: float
) -> None:
    """Learning from silence: a type caught with lam a round, the other with lam2 < lam.
    After n silent rounds the odds are p0/(1-p0) * ((1-lam)/(1-lam2))^n, so a belief starting
    at p0 >= p* first falls below p* after

        floor(ln[p0 (1-p*) / (p* (1-p0))] / ln[(1-lam2)/(1-lam)]) + 1

    rounds, and never if lam <= lam2 (silence is then no evidence). Checked against repeated
    application of the model's Bayes step."""
    if p0 < target:
        p0, target = target, p0
    if p0 - target < 1e-9:
        return  # starts on p*: floating point decides the side
    if lam > lam2:
        ratio = math.log(p0 * (1 - target) / (target * (1 - p0))) / math.log((1 - lam2) / (1 - lam))
        if abs(ratio - round(ratio)) < 1e-9:
            return  # lands on p* exactly: floating point decides the side
        expected: int | None = math.floor(ratio) + 1
    else:
        expected = None
    p, n, crossed = p0, 0, None
    while n < 100_000:
        n += 1
        p = float(signals.posterior(p, lam, lam2, caught=False))
        if p < target:
            crossed = n
            break
        if expected is None and n > 200:
            break
    assert crossed == expected


@settings(max_examples=20)
@given(params=calibrations())
def test_belief_kernels_are_stochastic_and_stay_on_the_grid(params: Parameters) -> None:
    grid = belief_grid(COARSE)
    for cp in COUNTERPARTS:
        k = signals.belief_kernels(params, cp, grid)
        assert k.shape == (len(grid), 3, len(grid))
        assert np.all(k >= 0)
        np.testing.assert_allclose(k.sum(axis=-1), 1.0, atol=1e-12)


def test_a_hedge_raises_a_belief_and_compliance_lowers_it_on_the_grid() -> None:
    """Inside the grid (where no posterior is clamped to an end point), the kernels keep
    the drift of Bayes' rule: up under a hedge, further up under open defection, down under
    compliance."""
    grid = belief_grid(RUN)
    k = signals.belief_kernels(BASE, "iran", grid)
    q, r = signals.catch_probability(BASE, "iran"), signals.false_alarm(BASE, "iran")
    inside = (signals.posterior(grid, q, r, True) <= grid[-1]) & (
        signals.posterior(grid, q, r, False) >= grid[0]
    )
    assert inside.sum() >= len(grid) // 2
    mean_next = k @ grid  # (G, 3)
    hedge, align = ACTIONS[SYRIA].index("hedge"), ACTIONS[SYRIA].index("align")
    realign = ACTIONS[SYRIA].index("realign")
    assert np.all(mean_next[inside, hedge] > grid[inside])
    assert np.all(mean_next[inside, align] < grid[inside])
    assert np.all(mean_next[inside, realign] > mean_next[inside, hedge])


# -- capacity and the hazard ----------------------------------------------------------------------
def test_hazard_formula() -> None:
    """h = 1 - exp(-lambda * max(0, s - K - gamma_iran d_iran - gamma_russia d_russia))."""
    p = BASE.replace(hazard_rate=2.0, protection_iran=0.5, protection_russia=0.4,
                     russia_willingness=0.6)  # fmt: skip
    rnd = terms.RoundData(threat=1.5, capacity_iran=0.3, capacity_russia=1.0)
    h = capacity.hazard(p, rnd, np.array([0.4]))[0]
    # Syria hedges, Iran supports: d_iran = min(1, 0.3) = 0.3; d_russia = min(0.6, 1) = 0.6
    gap = 1.5 - 0.4 - 0.5 * 0.3 - 0.4 * 0.6
    assert h[1, 0, 0, 0] == pytest.approx(1 - math.exp(-2.0 * gap))
    # Syria breaks with Tehran: Iran delivers nothing whatever it plays
    assert h[2, 0, 0, 0] == pytest.approx(1 - math.exp(-2.0 * (1.5 - 0.4 - 0.4 * 0.6)))
    # a covered threat carries no hazard
    assert np.all(capacity.hazard(BASE, terms.RoundData.at_rest(BASE), np.array([1.0])) == 0)


@settings(max_examples=20)
@given(params=calibrations(), threat=st.floats(0, 3), c=unit)
def test_hazard_falls_with_capacity_and_delivered_support(
    params: Parameters, threat: float, c: float
) -> None:
    rnd = terms.RoundData(threat, c, c)
    ks = np.linspace(0, 1, 5)
    h = capacity.hazard(params, rnd, ks)
    assert np.all((h >= 0) & (h <= 1))
    assert np.all(np.diff(h, axis=0) <= 1e-15)  # more capacity, less hazard
    hedge = ACTIONS[SYRIA].index("hedge")
    assert np.all(h[:, hedge, 0] <= h[:, hedge, 2] + 1e-15)  # support vs withdraw


@settings(max_examples=20)
@given(params=calibrations())
def test_capacity_kernel_is_stochastic_and_escalation_erodes(params: Parameters) -> None:
    grid = capacity_grid(COARSE)
    rnd = terms.RoundData.at_rest(params)
    k = capacity.capacity_kernel(params, rnd, grid)
    assert k.shape == (len(grid), 3, 3, 3, 3, len(grid))
    np.testing.assert_allclose(k.sum(axis=-1), 1.0, atol=1e-12)
    change = capacity.capacity_change(params, rnd)
    # escalation (Israel's third action) never raises capacity against any play
    assert np.all(change[:, :, 2, :] <= change[:, :, 1, :] + 1e-15)
    assert np.all(change[:, :, 2, :] <= change[:, :, 0, :] + 1e-15)


def test_funding_keeps_the_regime_and_its_absence_hollows_it() -> None:
    rnd = terms.RoundData.at_rest(BASE)
    change = capacity.capacity_change(BASE, rnd)
    hedge, align = ACTIONS[SYRIA].index("hedge"), ACTIONS[SYRIA].index("align")
    assert change[hedge, 0, 1, 0] == pytest.approx(BASE.capacity_recovery)  # funded
    assert change[hedge, 2, 1, 1] == pytest.approx(-BASE.capacity_hollowing)  # no money
    assert change[align, 0, 2, 1] == pytest.approx(
        BASE.capacity_recovery - BASE.escalation_erosion * BASE.escalation_align_factor
    )


# -- the timeline ------------------------------------------------------------------------------
def test_a_threat_shock_fades_geometrically_and_capacity_shocks_persist() -> None:
    shocks = [
        Shock(2, "threat", "set", 1.5, "offensive"),
        Shock(1, "capacity_iran", "scale", 0.4, "hezbollah"),
        Shock(3, "parameters.gulf_incentive", "add", 1.0, "push"),
        Shock(1, "belief_iran", "add", -0.1, "visit"),
    ]
    tl = resolve(BASE, shocks, 6)
    rest, rev = BASE.threat, BASE.threat_reversion
    threats = [float(d.threat) for d in tl.data]
    assert threats[:2] == [rest, rest]
    for t in range(2, 6):
        assert threats[t] == pytest.approx(rest + (1.5 - rest) * (1 - rev) ** (t - 2))
    assert [float(d.capacity_iran) for d in tl.data] == [1.0] + [0.4] * 5
    assert [float(p.gulf_incentive) for p in tl.parameters] == [3.0] * 3 + [4.0] * 3
    assert [len(s) for s in tl.state_shocks] == [0, 1, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("shock", "message"),
    [
        (dict(round=0, target="parameters.prior_iran", op="set", value=0.1), "starting value"),
        (dict(round=0, target="morale", op="set", value=0.1), "unknown target"),
        (dict(round=0, target="threat", op="double", value=2.0), "op must be"),
        (dict(round=0, target="threat", op="set", value=float("nan")), "finite"),
        (dict(round=-1, target="threat", op="set", value=1.0), "round must be"),
    ],
)
def test_bad_shocks_are_refused_in_one_line(shock: dict[str, object], message: str) -> None:
    with pytest.raises(HedgesimError, match=message):
        Shock(**shock)  # type: ignore[arg-type]


def test_a_shock_past_the_horizon_is_refused() -> None:
    with pytest.raises(HedgesimError, match="past the last round 3"):
        resolve(BASE, [Shock(4, "threat", "add", 1.0, "late")], 4)


def test_rescaling_to_weeks_keeps_a_month_a_month() -> None:
    """Rounds of 7 days: 30/7 weekly rounds carry a monthly round's flow, the chance of at
    least one catch over them is the monthly catch chance, and discounting over them is the
    monthly discount; shares and the one-off collapse cost do not change."""
    from sim.article.parameters import per_round

    week = per_round(BASE, 7)
    f = 30 / 7
    assert week.iran_aid * f == pytest.approx(BASE.iran_aid)
    assert 1 - (1 - week.catch_iran) ** f == pytest.approx(BASE.catch_iran)
    assert week.discount**f == pytest.approx(BASE.discount)
    assert week.capacity_recovery * f == pytest.approx(BASE.capacity_recovery)
    assert week.hazard_rate * f == pytest.approx(BASE.hazard_rate)
    assert week.hedge_incentive_share == BASE.hedge_incentive_share
    assert week.collapse_cost == BASE.collapse_cost
    assert per_round(BASE, 30) == BASE
    with pytest.raises(HedgesimError, match="positive number of days"):
        per_round(BASE, 0)
