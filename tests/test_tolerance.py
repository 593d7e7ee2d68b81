"""The tolerance state: events, per-round updates, clipping (MODEL.md, *Tolerance*)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import model
from sim import tolerance as tol
from sim.errors import ScenarioError
from sim.scenario import Event, Scenario

probs = st.floats(0.0, 1.0, allow_nan=False)
rates = st.floats(0.0, 2.0, allow_nan=False)


def scenario(**tolerance: dict[str, float]) -> Scenario:
    return Scenario.model_validate(
        {"name": "t", "description": "d", "question": "q", "tolerance": tolerance}
    )


@st.composite
def states(draw: st.DrawFn) -> tol.ToleranceState:
    settings = tuple(
        tol.ToleranceSettings(
            initial=draw(probs),
            decay=draw(rates),
            recovery=draw(rates),
            visibility=draw(st.floats(0.0, 3.0)),
            deniability=draw(st.floats(0.0, 0.99)),
        )
        for _ in model.COUNTERPARTS
    )
    return tol.ToleranceState(
        model.COUNTERPARTS,
        tuple(draw(probs) for _ in model.COUNTERPARTS),
        settings,
        model.Parameters(),
    )


@st.composite
def syria_strategies(draw: st.DrawFn) -> dict[str, float]:
    w = [draw(st.floats(0.0, 1.0)) for _ in model.ACTIONS[model.SYRIA]]
    total = sum(w) or 1.0
    if sum(w) == 0:
        w = [0.0, 1.0, 0.0]
    return {a: x / total for a, x in zip(model.ACTIONS[model.SYRIA], w, strict=True)}


def test_initial_state_reads_the_scenario() -> None:
    s = tol.initial_state(scenario(iran={"initial": 0.7, "decay": 0.1, "deniability": 0.5}))
    assert s.level("iran") == 0.7 and s.level("gulf") == 1.0
    assert s.setting("iran").effective_decay == pytest.approx(0.05)


def test_update_follows_the_brief_formula() -> None:
    s = tol.initial_state(
        scenario(
            iran={"initial": 0.5, "decay": 0.1, "recovery": 0.2, "visibility": 2.0},
            israel={"initial": 0.5, "decay": 0.1, "deniability": 0.5},
        )
    )
    out = tol.update(s, {"hedge": 0.5, "align": 0.25, "realign": 0.25})
    # iran: -0.5*0.1*2 + 0.25*0.2 ; israel: -0.5*0.1*0.5 + 0.25*0.05
    assert out.level("iran") == pytest.approx(0.5 - 0.1 + 0.05)
    assert out.level("israel") == pytest.approx(0.5 - 0.025 + 0.0125)


@given(states(), syria_strategies())
def test_levels_stay_in_unit_interval(state: tol.ToleranceState, syria: dict[str, float]) -> None:
    out = tol.update(state, syria)
    assert all(0.0 <= v <= 1.0 for v in out.levels)


@given(states())
def test_a_hedging_round_never_raises_a_tolerance(state: tol.ToleranceState) -> None:
    out = tol.update(state, {"hedge": 1.0})
    assert all(b <= a for a, b in zip(state.levels, out.levels, strict=True))


@given(states(), syria_strategies(), st.floats(0.0, 1.0))
def test_more_hedging_never_raises_a_level(
    state: tol.ToleranceState, syria: dict[str, float], shift: float
) -> None:
    """Moving probability from any action onto hedge never raises any level."""
    more = dict(syria)
    moved = 0.0
    for a in ("align", "realign"):
        take = more[a] * shift
        more[a] -= take
        moved += take
    more["hedge"] += moved
    a, b = tol.update(state, syria), tol.update(state, more)
    assert all(y <= x + 1e-12 for x, y in zip(a.levels, b.levels, strict=True))


def test_events_set_add_scale_in_order_and_clip() -> None:
    s = tol.initial_state(scenario(iran={"initial": 0.4}))
    ev = Event(
        name="visit",
        round=0,
        set={"tolerance.iran.level": 0.9},
        add={"tolerance.iran.level": 0.5, "parameters.iran_aid": -10.0},
        scale={"tolerance.israel.visibility": 2.0, "parameters.hedge_incentive_share": 5.0},
    )
    out, names = tol.apply_events(s, [ev])
    assert names == ("visit",)
    assert out.level("iran") == 1.0  # 0.9 + 0.5 clipped
    assert out.parameters.iran_aid == 0.0  # clipped at 0
    assert out.parameters.hedge_incentive_share == 1.0  # a share, clipped at 1
    assert out.setting("israel").visibility == 2.0


def test_unknown_event_key_is_a_scenario_error() -> None:
    s = tol.initial_state(scenario())
    with pytest.raises(ScenarioError, match="tolerance.iran.mood"):
        tol.apply_change(s, "set", "tolerance.iran.mood", 1.0)
    with pytest.raises(ScenarioError):
        tol.apply_change(s, "set", "parameters.nonsense", 1.0)
