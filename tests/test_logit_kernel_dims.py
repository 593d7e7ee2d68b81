"""The tracer's kernels compiled for one shape (:func:`sim.stochastic.logit_kernel.kernels`
with ``dims``, every size a compile-time constant) must be the kernels for any shape bit
for bit: the same source, so the same floating-point operations in the same order (IEEE
754 arithmetic is deterministic for a fixed sequence of operations; only loop bounds and
indices became constants). Any difference in a traced point, tangent, step, count or
record is a specialisation that changed the arithmetic or read the wrong sizes."""

from __future__ import annotations

import numpy as np
import pytest

from sim.stochastic import logit_kernel, qre


def _traced(games: np.ndarray, dims: tuple[int, ...] | None) -> dict[str, np.ndarray]:
    """Every array of a cold trace to a stop, a trace at target lambdas and a warm trace
    from the cold one's record (of games nudged by 1e-3), with ``dims``' kernels."""
    nudged = games + 1e-3 * np.random.default_rng(5).uniform(-1, 1, size=games.shape)
    out: dict[str, np.ndarray] = {}
    everyone = np.arange(games.shape[0])
    tracer = qre.LogitTracer(games, record=qre.RECORD)
    tracer.dims = dims
    z, t = np.zeros_like(tracer.state.z), np.zeros_like(tracer.state.z)
    orientation = np.zeros(games.shape[0], dtype=np.int64)
    logit_kernel.start(tracer.games, tracer.decode, tracer.offsets, tracer.sizes, z, t,
                       orientation, dims=dims)  # fmt: skip
    out["start"] = np.concatenate([z, t])
    out["orientation"] = orientation
    tracer.run(everyone, 1e-7)
    out["cold"] = np.concatenate([tracer.state.z, tracer.state.tangent])
    out["cold_counts"] = np.column_stack([tracer.state.step, tracer.state.steps,
                                          tracer.state.status, tracer.state.regret,
                                          tracer.state.work, tracer.state.orientation])  # fmt: skip
    out["record"] = tracer.record.copy()
    out["recorded"] = tracer.recorded.copy()
    targeted = qre.LogitTracer(games)
    targeted.dims = dims
    points = targeted.run(everyone, targets=np.array([0.5, 3.0, 40.0]))
    assert points is not None
    out["targets"] = points
    warm = qre.LogitTracer(nudged, record=qre.RECORD)
    warm.dims = dims
    held = warm.warm(everyone, tracer.record, tracer.recorded, 1e-7)
    out["held"] = held
    warm.run(everyone, 1e-7)
    out["warm"] = np.concatenate([warm.state.z, warm.state.tangent])
    out["warm_counts"] = np.column_stack([warm.state.steps, warm.state.status,
                                          warm.state.regret, warm.state.work])  # fmt: skip
    return out


@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (2, 3, 3)])
def test_kernels_for_a_shape_are_the_generic_kernels_bit_for_bit(
    shape: tuple[int, ...],
) -> None:
    """Four players of three actions (the unrolled evaluation) and three players of 2, 3
    and 3 actions (the general one, unequal sizes): cold traces, traces to target lambdas
    and warm traces, every array compared with ``np.array_equal`` (NaN where a target was
    not reached compares equal to NaN at the same place)."""
    rng = np.random.default_rng(sum(shape))
    games, _ = qre.normalise(rng.normal(size=(12, len(shape), *shape)))
    generic = _traced(games, None)
    special = _traced(games, shape)
    assert generic["held"].any() and (generic["cold_counts"][:, 1] > 10).all()
    for key, want in generic.items():
        assert np.array_equal(special[key], want, equal_nan=True), key
    assert logit_kernel.kernels(shape) is logit_kernel.kernels(tuple(shape))
