"""The state grid: beliefs and regime capacity on documented grids.

A state of the article's game is ``(p_iran, p_israel, p_gulf, K)`` plus one absorbing
*collapsed* state. Beliefs live on a grid evenly spaced in log-odds between
``belief_min`` and ``belief_max`` (Bayes' rule moves a belief by a fixed step in log-odds,
so this grid resolves an update equally well at every belief); regime capacity on an even
grid over [0, 1].

Each grid is *anchored* at its starting value (a counterpart's prior, the initial capacity):
the interior point nearest to it is moved onto it, so the game starts exactly where the
calibration says (one grid state, not a spread over neighbours) and the grid keeps its size.
Each calibration of a batch has its own anchored grids.

A value between two grid points is split between them so that the mean is preserved
(:func:`split`): the weight on the upper point is ``(x - lo) / (hi - lo)``. A belief below
``belief_min`` or above ``belief_max`` goes to the end point (the one place the mean moves:
the grid keeps beliefs away from 0 and 1, where Bayes' rule would stop learning); capacity
is clipped to [0, 1] by the model itself. So every kernel built on the grid keeps beliefs in
``[belief_min, belief_max]`` and capacity in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.article.actors import COUNTERPARTS
from sim.article.parameters import FloatArray
from sim.errors import HedgesimError


@dataclass(frozen=True)
class Resolution:
    """How finely the state is discretised (numerics, not a model parameter).

    Attributes
    ----------
    belief_points
        Points of each counterpart's belief grid (at least 3).
    capacity_points
        Points of the regime-capacity grid over [0, 1] (at least 3: the ends and a point
        that can be anchored at the initial capacity).
    belief_min, belief_max
        The belief grid's end points, in (0, 1).
    """

    belief_points: int = 11
    capacity_points: int = 6
    belief_min: float = 0.02
    belief_max: float = 0.98

    def __post_init__(self) -> None:
        if int(self.belief_points) != self.belief_points or self.belief_points < 3:
            raise HedgesimError(f"belief_points must be an integer >= 3, got {self.belief_points}")
        if int(self.capacity_points) != self.capacity_points or self.capacity_points < 3:
            raise HedgesimError(
                f"capacity_points must be an integer >= 3, got {self.capacity_points}"
            )
        if not 0.0 < self.belief_min < self.belief_max < 1.0:
            raise HedgesimError(
                "belief grid ends must satisfy 0 < belief_min < belief_max < 1, got "
                f"{self.belief_min}, {self.belief_max}"
            )

    @property
    def states(self) -> int:
        """States of the article's game on this grid: a belief per counterpart times the
        capacity, and the absorbing collapse."""
        return self.belief_points ** len(COUNTERPARTS) * self.capacity_points + 1


#: The run's grid: the baseline is solved at this resolution.
RUN = Resolution()
#: A coarse grid for quick checks and tests.
COARSE = Resolution(belief_points=7, capacity_points=4)
#: The grid for analyses over many sampled calibrations (``answer_batch``): 501 states
#: against the run's 7,987. Its answers are the run grid's to within a few rounds and a
#: few points of probability on the baseline (docs/model.md, "Grids"): good for ranking
#: and screening calibrations, not for quoting a horizon.
ANALYSIS = Resolution(belief_points=5, capacity_points=4)


def logit(p: FloatArray | float) -> FloatArray:
    p = np.asarray(p, dtype=np.float64)
    return np.asarray(np.log(p) - np.log1p(-p))


def expit(x: FloatArray | float) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64))))


def _anchor(grid: FloatArray, anchor: FloatArray | float | None) -> FloatArray:
    """``grid`` ``(G,)`` with its interior point nearest each anchor moved onto it:
    ``(*batch, G)`` for anchors of shape ``batch`` (``(G,)`` without an anchor)."""
    if anchor is None:
        return grid
    a = np.asarray(anchor, dtype=np.float64)
    out = np.broadcast_to(grid, a.shape + grid.shape).copy()
    inside = (a > grid[0]) & (a < grid[-1])
    on = np.isclose(a[..., None], grid, rtol=0.0, atol=1e-15).any(axis=-1)
    dist = np.abs(grid[1:-1] - a[..., None])
    nearest = 1 + np.argmin(dist, axis=-1)
    move = inside & ~on
    np.put_along_axis(out, nearest[..., None], np.where(move, a, np.take(grid, nearest))[..., None],
                      axis=-1)  # fmt: skip
    return out


def belief_grid(res: Resolution, anchor: FloatArray | float | None = None) -> FloatArray:
    """The belief grid: ``belief_points`` values evenly spaced in log-odds, anchored at
    ``anchor`` (a prior, or one per calibration)."""
    lo, hi = logit(res.belief_min), logit(res.belief_max)
    grid = expit(np.linspace(lo, hi, int(res.belief_points)))
    grid[0], grid[-1] = res.belief_min, res.belief_max
    return _anchor(grid, anchor)


def capacity_grid(res: Resolution, anchor: FloatArray | float | None = None) -> FloatArray:
    """The regime-capacity grid: ``capacity_points`` values evenly spaced over [0, 1],
    anchored at ``anchor`` (the initial capacity)."""
    return _anchor(np.linspace(0.0, 1.0, int(res.capacity_points)), anchor)


def split(values: FloatArray | float, grid: FloatArray) -> FloatArray:
    """Weights on ``grid`` that put each value between its two neighbouring points with
    its mean preserved (values beyond the ends go to the end points).

    Parameters
    ----------
    values
        Shape ``(*batch, *X)``.
    grid
        Increasing along its last axis: ``(G,)``, or ``(*batch, G)``, one grid per leading
        index of ``values``.

    Returns
    -------
    numpy.ndarray
        ``(*batch, *X, G)``, each row non-negative and summing to 1.
    """
    grid = np.asarray(grid, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    lead = grid.shape[:-1]
    g = grid.reshape(lead + (1,) * (v.ndim - len(lead)) + grid.shape[-1:])
    v = np.clip(v, g[..., 0], g[..., -1])
    size = grid.shape[-1]
    hi = np.clip((v[..., None] >= g).sum(axis=-1), 1, size - 1)
    lo = hi - 1
    g_full = np.broadcast_to(g, v.shape + (size,))
    g_lo = np.take_along_axis(g_full, lo[..., None], axis=-1)[..., 0]
    g_hi = np.take_along_axis(g_full, hi[..., None], axis=-1)[..., 0]
    w_hi = np.clip((v - g_lo) / (g_hi - g_lo), 0.0, 1.0)
    out = np.zeros(v.shape + (size,))
    np.put_along_axis(out, lo[..., None], (1.0 - w_hi)[..., None], axis=-1)
    upper = np.take_along_axis(out, hi[..., None], axis=-1) + w_hi[..., None]
    np.put_along_axis(out, hi[..., None], upper, axis=-1)
    return out
