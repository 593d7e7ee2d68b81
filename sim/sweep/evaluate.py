"""Evaluators: turn a chunk of variants into :class:`~sim.sweep.outcomes.Outcomes`.

The protocol is ``evaluate(scenario, keys, values) -> Outcomes``: the base scenario, the
key paths varied and a ``(n, len(keys))`` block of values. Evaluators are module-level
functions so that they pickle into worker processes and onto Dask workers.

- :func:`scalar` runs the scalar simulator (:func:`sim.repeated.simulate`) variant by
  variant: the reference.
- :func:`sim.sweep.batch.evaluate` steps the whole block together and agrees with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.scenario import Scenario
from sim.sweep.design import variant_scenario
from sim.sweep.outcomes import COUNTERPART_LABELS, EXIT_LABELS, NONE, Outcomes

Evaluator = Callable[[Scenario, Sequence[str], npt.NDArray[np.float64]], Outcomes]


def scalar_outcome(scenario: Scenario, trajectory: Any = None) -> tuple[int, int, int, int]:
    """``(horizon, exit, first_broken, first_broken_round)`` codes of one scenario by the
    scalar simulator, exactly as :func:`sim.repeated.run` computes its exit path (switch
    points are computed only when the exit path needs them, which does not change it).
    ``trajectory``: the scenario's :func:`sim.repeated.simulate`, if already run."""
    from sim import repeated, thresholds

    if trajectory is None:
        trajectory = repeated.simulate(scenario)
    myopic = repeated.myopic_horizon(trajectory, None)
    if myopic.exit.first_broken is None:
        switch = thresholds.switch_points(scenario, trajectory.rounds[0].profile)
        myopic = repeated.myopic_horizon(trajectory, switch)
    ex = myopic.exit
    return (
        NONE if myopic.horizon is None else myopic.horizon,
        NONE if ex.syria_action is None else EXIT_LABELS.index(ex.syria_action),
        NONE if ex.first_broken is None else COUNTERPART_LABELS.index(ex.first_broken),
        NONE if ex.first_broken_round is None else ex.first_broken_round,
    )


def scalar(scenario: Scenario, keys: Sequence[str], values: npt.NDArray[np.float64]) -> Outcomes:
    """Outcomes of each variant by the scalar simulator, one variant at a time."""
    out = Outcomes.empty(values.shape[0])
    for i, row in enumerate(values):
        variant = variant_scenario(scenario, dict(zip(keys, (float(v) for v in row), strict=True)))
        h, e, f, fr = scalar_outcome(variant)
        out.horizon[i], out.exit[i], out.first_broken[i], out.first_broken_round[i] = h, e, f, fr
    return out


__all__ = ["Evaluator", "scalar", "scalar_outcome"]
