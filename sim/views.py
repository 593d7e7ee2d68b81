"""Pure readings of the analyses' typed results that figures and sentences share.

Each function takes a typed record (:mod:`sim.results.analyses`) and returns plain numbers:
a sweep's grid, a Monte Carlo's horizon counts. No matplotlib, no model runs; the tests
check these numerically. ``collapse`` and ``never`` stay outcomes of their own: they are
masks beside the horizon, never a value of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.results.analyses import ENDS, GridAnalysis, MonteCarloAnalysis, PointAnswer

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def horizons(points: list[PointAnswer]) -> tuple[FloatArray, BoolArray, BoolArray]:
    """The points' median horizons (``nan`` where there is none), and where the horizon is
    ``never`` and where it is ``collapse``."""
    never = np.array([p.horizon == "never" for p in points], dtype=bool)
    collapse = np.array([p.horizon == "collapse" for p in points], dtype=bool)
    h = np.array([p.horizon if isinstance(p.horizon, int) else np.nan for p in points],
                 dtype=np.float64)
    return h, never, collapse


def end_codes(points: list[PointAnswer]) -> tuple[IntArray, tuple[str, ...]]:
    """Each point's most likely end as a code into the labels present (ties keep their
    joined name), the labels in :data:`ENDS` order, ties last."""
    present = sorted({p.exit_mode for p in points},
                     key=lambda m: (ENDS.index(m) if m in ENDS else len(ENDS), m))
    codes = np.array([present.index(p.exit_mode) for p in points], dtype=np.int64)
    return codes, tuple(present)


@dataclass(frozen=True)
class GridData:
    """A sweep's answers on its grid, ready to draw (arrays of the grid's shape).

    Attributes
    ----------
    keys, axes
        The swept key paths and their values (axis 0, then axis 1).
    edges
        Cell edges along each axis (midpoints between values, half a step beyond the ends).
    horizon
        The median horizon per cell, ``nan`` where it is ``never`` or ``collapse``.
    never, collapse
        Where hedging lasts the whole run with probability 1/2 or more, and where the regime
        falls first.
    end, end_labels
        The most likely end of the hedge per cell, as codes into ``end_labels``.
    hedging_ends, collapse_by, ambiguity
        P(hedging stops being certain within the run), P(collapse by the date), the value
        of ambiguity.
    rounds
        The run's length.
    """

    keys: tuple[str, ...]
    axes: tuple[FloatArray, ...]
    edges: tuple[FloatArray, ...]
    horizon: FloatArray
    never: BoolArray
    collapse: BoolArray
    end: IntArray
    end_labels: tuple[str, ...]
    hedging_ends: FloatArray
    collapse_by: FloatArray
    ambiguity: FloatArray
    rounds: int

    @property
    def span(self) -> tuple[int, int] | None:
        """Shortest and longest median horizon, ``None`` when no cell has one."""
        finite = self.horizon[np.isfinite(self.horizon)]
        return None if finite.size == 0 else (int(finite.min()), int(finite.max()))


def cell_edges(values: FloatArray) -> FloatArray:
    """Edges of the cells centred on ``values`` (sorted or not, uniform or not)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 1:
        half = 0.5 * abs(float(v[0])) if v[0] != 0 else 0.5
        return np.array([v[0] - half, v[0] + half])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def grid_data(grid: GridAnalysis) -> GridData:
    """The :class:`GridData` of a one- or two-key sweep."""
    shape = grid.shape
    h, never, collapse = horizons(grid.points)
    end, labels = end_codes(grid.points)
    axes = tuple(np.asarray(a, dtype=np.float64) for a in grid.axes)

    def of(name: str) -> FloatArray:
        return np.array([getattr(p, name) for p in grid.points], dtype=np.float64).reshape(shape)

    return GridData(
        keys=tuple(grid.keys), axes=axes, edges=tuple(cell_edges(a) for a in axes),
        horizon=h.reshape(shape), never=never.reshape(shape), collapse=collapse.reshape(shape),
        end=end.reshape(shape), end_labels=labels, hedging_ends=of("hedging_ends"),
        collapse_by=of("collapse_by"), ambiguity=of("ambiguity"), rounds=int(grid.rounds),
    )  # fmt: skip


def axis_effects(values: FloatArray) -> tuple[float, ...]:
    """Per axis of ``values`` (an answer on the grid): its mean at the axis's last value minus
    at its first, averaged over the other axis."""
    out = []
    for k in range(values.ndim):
        moved = np.moveaxis(values, k, 0)
        out.append(float(np.mean(moved[-1]) - np.mean(moved[0])))
    return tuple(out)


@dataclass(frozen=True)
class HorizonCounts:
    """The median horizon over Monte Carlo draws, split by the draws' most likely end.

    Attributes
    ----------
    horizons
        The rounds ``0 .. rounds - 1`` (bin centres).
    counts
        End -> draws with that median horizon and that most likely end.
    collapse, never
        Draws whose horizon is ``collapse`` / ``never`` (bars of their own beyond the run).
    draws, rounds
        Number of draws, the run's length.
    """

    horizons: IntArray
    counts: dict[str, IntArray]
    collapse: int
    never: int
    draws: int
    rounds: int

    def median_of_ends(self) -> float | None:
        """The median horizon among the draws whose hedging ends within the run (``None`` if
        none does)."""
        total = sum(self.counts.values(), np.zeros(self.rounds, dtype=np.int64))
        if total.sum() == 0:
            return None
        return float(np.median(np.repeat(self.horizons, total)))


def horizon_counts(mc: MonteCarloAnalysis) -> HorizonCounts:
    """The :class:`HorizonCounts` of a Monte Carlo result."""
    rounds = int(mc.rounds)
    h, never, collapse = horizons(mc.points)
    end, labels = end_codes(mc.points)
    counts: dict[str, IntArray] = {}
    ends = np.isfinite(h)
    for k, label in enumerate(labels):
        sel = ends & (end == k)
        if sel.any():
            counts[label] = np.bincount(h[sel].astype(np.int64), minlength=rounds)[:rounds]
    return HorizonCounts(horizons=np.arange(rounds, dtype=np.int64), counts=counts,
                         collapse=int(collapse.sum()), never=int(never.sum()),
                         draws=len(mc.points), rounds=rounds)  # fmt: skip
