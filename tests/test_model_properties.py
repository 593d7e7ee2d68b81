"""Stage-level invariants of the model (MODEL.md, Invariants), over random parameters."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim import model
from sim.model import ACTIONS, COUNTERPARTS, PLAYERS, SYRIA, Parameters


@st.composite
def parameters(draw: st.DrawFn) -> Parameters:
    """Random parameter sets: shares in [0, 1], values in [0, 10]."""
    values = {}
    for f in fields(Parameters):
        high = 1.0 if model.is_share(f.name) else 10.0
        values[f.name] = draw(st.floats(0.0, high, allow_nan=False))
    return Parameters(**values)


tolerances = st.fixed_dictionaries({cp: st.floats(0.0, 1.0) for cp in COUNTERPARTS})
others = st.tuples(*(st.integers(0, len(ACTIONS[p]) - 1) for p in PLAYERS[1:]))
S_ALIGN, S_HEDGE, S_REALIGN = (ACTIONS[SYRIA].index(a) for a in ("align", "hedge", "realign"))


def syria_row(params: Parameters, tol: dict[str, float], rest: tuple[int, ...]) -> np.ndarray:
    """Syria's payoff from each of its actions with the others' pure actions fixed."""
    payoffs = model.stage_payoffs(params, tol)
    return np.array(payoffs[0][(slice(None), *rest)])


@given(parameters(), tolerances, others, st.floats(0.0, 10.0))
def test_more_iranian_aid_never_favours_realign(
    params: Parameters, tol: dict[str, float], rest: tuple[int, ...], extra: float
) -> None:
    before = syria_row(params, tol, rest)
    after = syria_row(params.replace(iran_aid=params.iran_aid + extra), tol, rest)
    for action in (S_ALIGN, S_HEDGE):
        gain_before = before[action] - before[S_REALIGN]
        gain_after = after[action] - after[S_REALIGN]
        assert gain_after >= gain_before - 1e-9


@given(parameters(), tolerances, others, st.floats(0.0, 10.0))
def test_larger_gulf_incentive_never_favours_align_over_realign(
    params: Parameters, tol: dict[str, float], rest: tuple[int, ...], extra: float
) -> None:
    before = syria_row(params, tol, rest)
    after = syria_row(params.replace(gulf_incentive=params.gulf_incentive + extra), tol, rest)
    assert after[S_REALIGN] - after[S_ALIGN] >= before[S_REALIGN] - before[S_ALIGN] - 1e-9


ACCOMMODATING = {"iran": "support", "israel": "interdict", "gulf": "engage"}


@given(parameters(), tolerances, st.sampled_from(COUNTERPARTS), st.floats(0.0, 1.0))
def test_losing_tolerance_never_makes_accommodating_a_hedger_more_attractive(
    params: Parameters, tol: dict[str, float], counterpart: str, drop: float
) -> None:
    """Against a hedging Syria, a counterpart's gain from its accommodating action over any
    alternative never rises as its tolerance falls (the others' actions fixed)."""
    k = PLAYERS.index(counterpart)
    lower = dict(tol, **{counterpart: tol[counterpart] * (1.0 - drop)})
    hi = model.stage_payoffs(params, tol)[k]
    lo = model.stage_payoffs(params, lower)[k]
    hedge_slice = [slice(None)] * len(PLAYERS)
    hedge_slice[0] = S_HEDGE
    hi_h, lo_h = np.moveaxis(hi[tuple(hedge_slice)], k - 1, 0), np.moveaxis(
        lo[tuple(hedge_slice)], k - 1, 0
    )
    a = ACTIONS[counterpart].index(ACCOMMODATING[counterpart])
    assert np.all(lo_h[a] - lo_h <= hi_h[a] - hi_h + 1e-9)


@given(st.lists(st.tuples(parameters(), tolerances), min_size=1, max_size=4))
def test_a_batch_of_stage_games_equals_the_games_built_one_by_one(
    cases: list[tuple[Parameters, dict[str, float]]],
) -> None:
    stacked = Parameters(
        **{f.name: np.array([getattr(p, f.name) for p, _ in cases]) for f in fields(Parameters)}
    )
    tol = {cp: np.array([t[cp] for _, t in cases]) for cp in COUNTERPARTS}
    batch = model.stage_payoffs(stacked, tol)
    assert batch.shape == (len(cases), len(PLAYERS), *model.SHAPE)
    for b, (p, t) in enumerate(cases):
        np.testing.assert_allclose(batch[b], model.stage_game(p, t).payoffs, rtol=0, atol=1e-12)
