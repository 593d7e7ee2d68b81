"""Pure readings of typed results that figures and sentences share.

Each function takes a typed result (:mod:`sim.results`) and returns plain numbers: a
sweep's grid, a tornado's rows. No matplotlib, no model runs; the tests check these
numerically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.results import GridAnalysis, SensitivityAnalysis

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# -- the equilibrium path --------------------------------------------------------------------
@dataclass(frozen=True)
class GridData:
    """A sweep's horizon map, ready to draw.

    Attributes
    ----------
    keys, axes
        The swept key paths and their values (axis 0, then axis 1).
    edges
        Cell edges along each axis (midpoints between values, half a step beyond the ends).
    horizon
        The myopic horizon per cell, ``nan`` where hedging lasts the whole run.
    never
        Where hedging lasts the whole run.
    exit
        Exit codes into ``exit_labels`` (``-1``: none).
    exit_labels
        The exits present, in order.
    rounds
        The run's length.
    """

    keys: tuple[str, ...]
    axes: tuple[FloatArray, ...]
    edges: tuple[FloatArray, ...]
    horizon: FloatArray
    never: BoolArray
    exit: IntArray
    exit_labels: tuple[str, ...]
    rounds: int

    @property
    def span(self) -> tuple[int, int] | None:
        """Shortest and longest finite horizon, ``None`` when every cell is "never"."""
        finite = self.horizon[~self.never]
        return None if finite.size == 0 else (int(finite.min()), int(finite.max()))


def cell_edges(values: FloatArray) -> FloatArray:
    """Edges of the cells centred on ``values`` (sorted or not, uniform or not)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 1:
        half = 0.5 * abs(float(v[0])) if v[0] != 0 else 0.5
        return np.array([v[0] - half, v[0] + half])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def exit_codes(exits: list, labels: tuple[str, ...]) -> IntArray:
    """Exit names (nested lists, ``None``: none) as codes into ``labels`` (``-1``: none)."""
    arr = np.array(exits, dtype=object)
    out = np.full(arr.shape, -1, dtype=np.int64)
    for k, label in enumerate(labels):
        out[arr == label] = k
    return out


def present_exits(*exits: object) -> tuple[str, ...]:
    """The exit names found in nested lists, sorted."""
    found: set[str] = set()

    def walk(x: object) -> None:
        if isinstance(x, list):
            for y in x:
                walk(y)
        elif isinstance(x, str):
            found.add(x)

    for e in exits:
        walk(e)
    return tuple(sorted(found))


def grid_data(grid: GridAnalysis) -> GridData:
    """The :class:`GridData` of a one- or two-parameter sweep."""
    raw = np.array(grid.horizon, dtype=object)
    never = np.vectorize(lambda h: h is None, otypes=[bool])(raw)
    horizon = np.where(never, np.nan, np.where(never, 0, raw)).astype(np.float64)
    axes = tuple(np.asarray(a, dtype=np.float64) for a in grid.axes)
    labels = present_exits(grid.exit)
    return GridData(
        keys=tuple(grid.keys),
        axes=axes,
        edges=tuple(cell_edges(a) for a in axes),
        horizon=horizon,
        never=never,
        exit=exit_codes(grid.exit, labels),
        exit_labels=labels,
        rounds=int(grid.rounds),
    )


def axis_effects(data: GridData) -> tuple[float, ...]:
    """Per swept key: mean horizon at its last value minus at its first, averaged over the
    other key ("never" counted as the run's length). Positive: hedging lasts longer at the
    high end."""
    h = np.where(data.never, data.rounds, data.horizon)
    out = []
    for k in range(h.ndim):
        moved = np.moveaxis(h, k, 0)
        out.append(float(np.mean(moved[-1]) - np.mean(moved[0])))
    return tuple(out)


# -- a tornado --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TornadoRow:
    """One uncertain key of a tornado chart.

    Attributes
    ----------
    key
        The key path.
    low_value, base_value, high_value
        The key's low end, base value and high end.
    low_horizon, high_horizon
        The horizon at each end, "never" counted as the run's length.
    low_never, high_never
        Whether hedging lasts the whole run at that end.
    low_exit, high_exit
        The exit at each end (``None``: no exit).
    swing
        ``|high_horizon - low_horizon|``.
    """

    key: str
    low_value: float
    base_value: float
    high_value: float
    low_horizon: int
    high_horizon: int
    low_never: bool
    high_never: bool
    low_exit: str | None
    high_exit: str | None
    swing: int


def tornado_rows(sens: SensitivityAnalysis) -> list[TornadoRow]:
    """One :class:`TornadoRow` per uncertain key, largest swing first."""
    rounds = int(sens.rounds)

    def cens(h: int | None) -> int:
        return rounds if h is None else h

    rows = [
        TornadoRow(
            key=p.key, low_value=p.low, base_value=p.base, high_value=p.high,
            low_horizon=cens(p.low_horizon), high_horizon=cens(p.high_horizon),
            low_never=p.low_horizon is None, high_never=p.high_horizon is None,
            low_exit=p.low_exit, high_exit=p.high_exit,
            swing=abs(cens(p.high_horizon) - cens(p.low_horizon)),
        )
        for p in sens.parameters
    ]
    return sorted(rows, key=lambda r: -r.swing)
