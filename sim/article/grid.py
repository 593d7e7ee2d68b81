"""The state grid: beliefs and regime capacity on documented grids.

A state of the article's game is ``(p_iran, p_israel, p_gulf, K)`` plus one absorbing
*collapsed* state. Beliefs live on a grid evenly spaced in log-odds between
``belief_min`` and ``belief_max`` (Bayes' rule moves a belief by a fixed step in log-odds,
so this grid resolves an update equally well at every belief); regime capacity on an even
grid over [0, 1].

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
        Points of the regime-capacity grid over [0, 1] (at least 2).
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
        if int(self.capacity_points) != self.capacity_points or self.capacity_points < 2:
            raise HedgesimError(
                f"capacity_points must be an integer >= 2, got {self.capacity_points}"
            )
        if not 0.0 < self.belief_min < self.belief_max < 1.0:
            raise HedgesimError(
                "belief grid ends must satisfy 0 < belief_min < belief_max < 1, got "
                f"{self.belief_min}, {self.belief_max}"
            )

    @property
    def n_grid_states(self) -> int:
        """States on the grid (the collapsed state not counted)."""
        return int(self.belief_points) ** 3 * int(self.capacity_points)


#: The run's grid: the baseline is solved at this resolution.
RUN = Resolution()
#: A coarse grid for quick checks and tests.
COARSE = Resolution(belief_points=7, capacity_points=4)


def logit(p: FloatArray | float) -> FloatArray:
    p = np.asarray(p, dtype=np.float64)
    return np.asarray(np.log(p) - np.log1p(-p))


def expit(x: FloatArray | float) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64))))


def belief_grid(res: Resolution) -> FloatArray:
    """The belief grid: ``belief_points`` values evenly spaced in log-odds."""
    lo, hi = logit(res.belief_min), logit(res.belief_max)
    grid = expit(np.linspace(lo, hi, int(res.belief_points)))
    grid[0], grid[-1] = res.belief_min, res.belief_max
    return grid


def capacity_grid(res: Resolution) -> FloatArray:
    """The regime-capacity grid: ``capacity_points`` values evenly spaced over [0, 1]."""
    return np.linspace(0.0, 1.0, int(res.capacity_points))


def split(values: FloatArray | float, grid: FloatArray) -> FloatArray:
    """Weights on ``grid`` that put each value between its two neighbouring points with
    its mean preserved (values beyond the ends go to the end points).

    Parameters
    ----------
    values
        Any shape ``X``.
    grid
        Increasing, shape ``(G,)``.

    Returns
    -------
    numpy.ndarray
        ``(*X, G)``, each row non-negative and summing to 1.
    """
    v = np.clip(np.asarray(values, dtype=np.float64), grid[0], grid[-1])
    hi = np.clip(np.searchsorted(grid, v, side="right"), 1, len(grid) - 1)
    lo = hi - 1
    w_hi = (v - grid[lo]) / (grid[hi] - grid[lo])
    w_hi = np.clip(w_hi, 0.0, 1.0)
    out = np.zeros(v.shape + (len(grid),))
    np.put_along_axis(out, lo[..., None], (1.0 - w_hi)[..., None], axis=-1)
    # add, not put: at the top end lo + 1 == hi carries the whole weight
    upper = np.take_along_axis(out, hi[..., None], axis=-1) + w_hi[..., None]
    np.put_along_axis(out, hi[..., None], upper, axis=-1)
    return out


def map_kernel(fn_values: FloatArray, grid: FloatArray) -> FloatArray:
    """The kernel ``(G, G)`` (or ``(..., G, G)``) that moves grid point ``g`` to
    ``fn_values[..., g]`` split on the grid."""
    return split(fn_values, grid)
