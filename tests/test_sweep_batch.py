"""The batch engine agrees with the scalar simulator on every variant, round by round."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import model, repeated
from sim.scenario import scenario_from_mapping
from sim.sweep import batch
from sim.sweep.design import variant_scenario
from sim.sweep.evaluate import scalar_outcome

RANGES = {
    **{f"tolerance.{cp}.decay": (0.0, 0.3) for cp in model.COUNTERPARTS},
    **{f"tolerance.{cp}.initial": (0.2, 1.0) for cp in model.COUNTERPARTS},
    **{f"tolerance.{cp}.recovery": (0.0, 0.2) for cp in model.COUNTERPARTS},
    "tolerance.israel.deniability": (0.0, 0.9),
    "tolerance.gulf.visibility": (0.0, 3.0),
    "parameters.gulf_incentive": (0.0, 8.0),
    "parameters.iran_aid": (0.0, 8.0),
    "parameters.war_cost": (0.0, 8.0),
    "parameters.hedge_incentive_share": (0.0, 1.0),
    "parameters.strike_damage": (0.0, 4.0),
    "parameters.abandonment_risk": (0.0, 8.0),
}
EVENTS = [
    {"name": "visit", "round": 2, "add": {"tolerance.iran.level": 0.2},
     "scale": {"parameters.iran_aid": 1.2}},
    {"name": "deal", "round": 4, "set": {"tolerance.israel.visibility": 1.5,
                                         "parameters.shipment_limit_signal": 1.0}},
]  # fmt: skip


@st.composite
def variants(draw: st.DrawFn) -> tuple[object, tuple[str, ...], np.ndarray]:
    keys = tuple(sorted(draw(st.sets(st.sampled_from(sorted(RANGES)), min_size=1, max_size=4))))
    n = draw(st.integers(1, 4))
    values = np.array(
        [[draw(st.floats(*RANGES[k], allow_nan=False)) for k in keys] for _ in range(n)]
    )
    scenario = scenario_from_mapping(
        {
            "name": "prop",
            "description": "d",
            "question": "q",
            "repeated": {
                "rounds": draw(st.integers(1, 10)),
                "selection": draw(st.sampled_from(["inertia", "syria-optimal", "welfare"])),
                "fallback": draw(st.sampled_from(["syria-optimal", "welfare"])),
            },
            "timeline": draw(st.sampled_from([[], EVENTS])),
        }
    )
    return scenario, keys, values


def _check(scenario: object, keys: tuple[str, ...], values: np.ndarray) -> None:
    run = batch.simulate(scenario, keys, values, record=True)  # type: ignore[arg-type]
    assert run.profiles is not None and run.levels is not None
    early = batch.simulate(scenario, keys, values).outcomes  # type: ignore[arg-type]
    assert early.equals(run.outcomes)
    for b, row in enumerate(values):
        variant = variant_scenario(scenario, dict(zip(keys, row, strict=True)))  # type: ignore[arg-type]
        traj = repeated.simulate(variant)
        for r, rnd in enumerate(traj.rounds):
            for i, s in enumerate(rnd.profile):
                assert np.array_equal(run.profiles[b, r, i, : len(s)], s), (b, r, i)
            levels = [rnd.tolerance[cp] for cp in model.COUNTERPARTS]
            assert np.array_equal(run.levels[b, r], levels), (b, r)
        expected = scalar_outcome(variant, traj)
        got = tuple(int(a[b]) for a in run.outcomes.arrays().values())
        assert got == expected, (b, got, expected)


@settings(
    max_examples=int(os.environ.get("SWEEP_PROPERTY_EXAMPLES", "12")),
    suppress_health_check=[HealthCheck.too_slow],
    deadline=None,
)
@given(variants())
def test_batch_agrees_with_scalar(case: tuple[object, tuple[str, ...], np.ndarray]) -> None:
    _check(*case)


def test_batch_agrees_on_a_grid_with_mixed_rounds() -> None:
    """The baseline reaches rounds without a pure equilibrium: the per-game path is used."""
    scenario = scenario_from_mapping({"name": "b", "description": "d", "question": "q"})
    keys = ("tolerance.iran.decay", "parameters.gulf_incentive")
    values = np.array([[0.05, 3.0], [0.1, 5.0], [0.02, 1.0]])
    run = batch.simulate(scenario, keys, values, record=True)
    assert run.mixed_games > 0
    _check(scenario, keys, values)


@pytest.mark.parametrize("rule", ["inertia", "syria-optimal", "welfare"])
def test_select_pure_matches_select_on_random_games(rule: str) -> None:
    from sim.equilibria import select, solve
    from sim.game import NormalFormGame
    from sim.repeated import selection_rule

    rng = np.random.default_rng(3)
    # Integer payoffs: many ties and many pure equilibria per game.
    pay = rng.integers(0, 3, size=(200, 4, *model.SHAPE)).astype(np.float64)
    mask = batch.pure_mask(pay)
    has = mask.reshape(200, -1).any(axis=1)
    pay, mask = pay[has], mask[has]
    sc = scenario_from_mapping({"name": "b", "description": "d", "question": "q",
                                "repeated": {"selection": rule}})  # fmt: skip
    r, fb = selection_rule(sc)
    prev = batch.ONE_HOT[rng.integers(0, batch.CELLS, size=len(pay))]
    cells = batch.select_pure(pay, mask, prev, r, fb)
    for b in range(len(pay)):
        g = NormalFormGame(pay[b])
        previous = tuple(prev[b, i, :3] for i in range(4))
        eq = select(solve(g, "auto").equilibria, r, previous=previous, focal_player=0, fallback=fb)
        assert eq.pure_profile() == tuple(int(a) for a in batch._CELL_ACTIONS[cells[b]])
