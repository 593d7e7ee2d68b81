"""Pure readings of typed results that figures and sentences share.

Each function takes a typed result (:mod:`sim.results`) and returns plain numbers: the
equilibrium path and its phases, the tolerance series and whose patience broke first, a
sweep's grid, a tornado's rows. No matplotlib, no model runs; the tests check these
numerically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.labels import Labels
from sim.results import GridAnalysis, RunResults, SensitivityAnalysis

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Probabilities within this of 1 count as certain, within it of 0 as absent.
CERTAIN = 1e-9


# -- the equilibrium path --------------------------------------------------------------------
@dataclass(frozen=True)
class EquilibriumPath:
    """Each player's selected strategy per round.

    Attributes
    ----------
    rounds
        Round numbers.
    players
        Player names, in game order (the timeline's rows, top to bottom).
    actions
        Each player's action names.
    probabilities
        One array per player of shape ``(n_rounds, n_actions)``.
    """

    rounds: FloatArray
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    probabilities: tuple[FloatArray, ...]


def equilibrium_path(results: RunResults) -> EquilibriumPath:
    """The selected equilibrium of every round."""
    return EquilibriumPath(
        rounds=np.array([float(r.round) for r in results.rounds]),
        players=tuple(results.players),
        actions=tuple(tuple(results.actions[p]) for p in results.players),
        probabilities=tuple(
            np.array([r.profile[p] for r in results.rounds], dtype=np.float64)
            for p in results.players
        ),
    )


@dataclass(frozen=True)
class Phase:
    """A run of consecutive rounds in which a player's strategy keeps its support.

    Attributes
    ----------
    first, last
        First and last round of the run.
    support
        The actions played with positive probability.
    focus_low, focus_high
        Lowest and highest probability of the focus action (hedge) in the run.
    """

    first: int
    last: int
    support: tuple[str, ...]
    focus_low: float
    focus_high: float


def phases(path: EquilibriumPath, player: str, focus: str) -> tuple[Phase, ...]:
    """``player``'s strategy over the run, cut into phases of constant support."""
    k = path.players.index(player)
    probs, names = path.probabilities[k], path.actions[k]
    h = names.index(focus) if focus in names else None
    out: list[Phase] = []
    for t, row in enumerate(probs):
        support = tuple(a for a, p in zip(names, row, strict=True) if p > CERTAIN)
        p = float(row[h]) if h is not None else 0.0
        r = int(path.rounds[t])
        if out and out[-1].support == support:
            last = out[-1]
            out[-1] = Phase(last.first, r, support, min(last.focus_low, p),
                            max(last.focus_high, p))
        else:
            out.append(Phase(r, r, support, p, p))
    return tuple(out)


def describe_phase(phase: Phase, final: bool, focus: str, player: str,
                   labels: Labels) -> str:
    """``"hedges for sure in rounds 0-5"``, ``"mixes hedge with align in rounds 6-15
    (hedge probability 0.80-0.97)"``, ``"plays align from round 16"``; ``player``'s actions
    shown by their ``labels``."""

    def name(action: str) -> str:
        return labels.action(player, action)

    if final and phase.first != phase.last:
        when = f"from round {phase.first}"
    elif phase.first == phase.last:
        when = f"in round {phase.first}"
    else:
        when = f"in rounds {phase.first}\u2013{phase.last}"
    shown = name(focus)
    if phase.support == (focus,):
        if focus == "hedge" and shown == focus:
            return f"{focus}s for sure {when}"
        return f"plays {shown} {when} for sure"
    if len(phase.support) == 1:
        return f"plays {name(phase.support[0])} {when}"
    others = " and ".join(name(a) for a in phase.support if a != focus)
    if focus not in phase.support:
        return f"mixes {others} {when}"
    lo, hi = phase.focus_low, phase.focus_high
    prob = f"{lo:.2f}" if abs(hi - lo) < 5e-3 else f"{lo:.2f}\u2013{hi:.2f}"
    return f"mixes {shown} with {others} {when} ({shown} probability {prob})"


# -- tolerance -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ToleranceSeries:
    """Tolerance of each counterpart per round, with switch points and crossings.

    Attributes
    ----------
    rounds
        Round numbers.
    levels
        Counterpart -> tolerance per round.
    switch_points
        Counterpart -> theta_j (``None``: its response never flips).
    crossings
        Counterpart -> first round its tolerance is at or below theta_j (or ``None``).
    """

    rounds: FloatArray
    levels: dict[str, FloatArray]
    switch_points: dict[str, float | None]
    crossings: dict[str, int | None]


def tolerance_series(results: RunResults) -> ToleranceSeries:
    """Each counterpart's tolerance per round, its switch point and first crossing."""
    xs = np.array([float(r.round) for r in results.rounds])
    levels = {p: np.array([r.tolerance[p] for r in results.rounds], dtype=np.float64)
              for p in results.counterparts}
    thetas = {p: results.switch_points.get(p) for p in levels}
    crossings: dict[str, int | None] = {}
    for p, ys in levels.items():
        theta = thetas[p]
        hit = np.flatnonzero(ys <= theta + 1e-12) if theta is not None else np.array([])
        crossings[p] = int(xs[hit[0]]) if hit.size else None
    return ToleranceSeries(xs, levels, thetas, crossings)


def first_broken(results: RunResults) -> str | None:
    """The counterpart whose patience broke first: the exit path says so; else the first
    whose tolerance reached its switch point."""
    if results.exit.first_broken:
        return results.exit.first_broken
    crossed = {p: r for p, r in tolerance_series(results).crossings.items() if r is not None}
    return min(crossed, key=lambda p: (crossed[p], p)) if crossed else None


# -- a sweep's grid -------------------------------------------------------------------------
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
