"""Figures of the analyses: a sweep's horizon map, the Monte Carlo distribution, a tornado.

Built like :mod:`sim.plots`, whose house style they share (:func:`sim.plots.style`, the
Okabe-Ito palette, :data:`sim.plots.DPI`, atomic :func:`sim.plots.save_figure`):

1. pure *data* functions turn an analysis result of :mod:`sim.sweep` into plain numbers
   (:func:`grid_data`, :func:`exit_boundaries`, :func:`horizon_histogram`,
   :func:`tornado_rows`) and findings into words (``title_*``); the tests check these;
2. *drawing* functions take that data and an optional ``ax`` (``draw_*``), or build a whole
   :class:`~matplotlib.figure.Figure` (``figure_*``).

"Never" (hedging lasts the whole run, coded ``-1``) is never drawn as a number: it has its
own hatched grey colour and is labelled "never within N rounds". Syria's exit path keeps
one colour everywhere: align in Iran's colour, realign in the Gulf/West's.

:func:`write_sweep_figures` writes the figures of any analysis result, PNG and SVG,
atomically; it is what ``hedgesim sweep`` calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim import model, plots
from sim.labels import Labels
from sim.sweep.analyses import GridResult, MonteCarloResult, SensitivityResult, censored

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
AnalysisResult = GridResult | MonteCarloResult | SensitivityResult

NEVER = -1
#: Colour of each exit path (Syria's next action): align with Iran's colour, realign
#: with the Gulf/West's (as in :data:`sim.plots.PLAYER_COLOURS`).
EXIT_COLOURS: dict[str, str] = {
    "align": plots.PLAYER_COLOURS[model.IRAN],
    "realign": plots.PLAYER_COLOURS[model.GULF],
    "hedge": plots.OKABE_ITO["reddish_purple"],
}
#: Marker of each exit path on the horizon map.
EXIT_MARKERS: dict[str, str] = {"align": "o", "realign": "^", "hedge": "s"}
#: How "never within the run" is drawn.
NEVER_COLOUR = "#d9d9d9"
NEVER_HATCH = "///"
#: Sequential map of the horizon (perceptually uniform, colour-blind safe).
HORIZON_CMAP = "viridis"
#: Colours of the low and high end of each parameter in the tornado chart.
LOW_COLOUR = plots.OKABE_ITO["sky_blue"]
HIGH_COLOUR = plots.OKABE_ITO["orange"]
#: Largest grid that gets a marker per cell (bigger grids show only the exit boundaries).
MAX_MARKED_CELLS = 900

#: Size of each figure in inches (width, height); a PNG is ``size * DPI`` pixels.
SWEEP_FIGURE_SIZES: dict[str, tuple[float, float]] = {
    "horizon_grid": (11.0, 7.0),
    "horizon_sweep": (10.0, 5.5),
    "horizon_distribution": (10.0, 5.5),
    "horizon_tornado": (11.0, 5.5),
}
#: The tornado's height grows with its rows: base height and height per row, inches.
TORNADO_HEIGHT: tuple[float, float] = (1.6, 0.75)

_TOLERANCE_NAMES: dict[str, str] = {
    "initial": "{who}'s initial tolerance",
    "decay": "{who}'s tolerance decay",
    "recovery": "{who}'s tolerance recovery",
    "visibility": "visibility of hedging to {who}",
    "deniability": "deniability towards {who}",
}
_WORDS: dict[str, str] = {"iran": "Iran's", "israel": "Israel's", "gulf": "Gulf/West",
                          "syria": "Syria's"}


# -- words --------------------------------------------------------------------------
def plural_unit(round_unit: str = "round") -> str:
    """The unit of a horizon on an axis: ``"months"``, or ``"rounds"``."""
    return "rounds" if round_unit == "round" else f"{round_unit}s"


def _word(word: str, lab: Labels) -> str:
    """A word of a parameter's name, a player's role in it named by ``lab``."""
    if word not in _WORDS:
        return word
    shown = lab.player(word)
    return _WORDS[word] if shown == model.PLAYER_LABELS[word] else f"{shown}'s"


def key_name(key: str, labels: Labels | None = None) -> str:
    """A key path in words: ``"Iran's tolerance decay"``, ``"Gulf/West incentive"``;
    players named by ``labels`` (default: the model's names)."""
    lab = plots._labels(labels)
    parts = key.split(".")
    if parts[0] == "tolerance" and len(parts) == 3 and parts[2] in _TOLERANCE_NAMES:
        return _TOLERANCE_NAMES[parts[2]].format(who=lab.player(parts[1]))
    if parts[0] == "parameters" and len(parts) == 2:
        words = [_word(w, lab) for w in parts[1].split("_")]
        return " ".join(words)
    if key == "repeated.discount":
        return f"{lab.player(model.SYRIA)}'s discount factor"
    return key


def exit_name(exit_: str, labels: Labels | None = None) -> str:
    """An exit path (Syria's next action) as ``labels`` name it."""
    return plots._labels(labels).action(model.SYRIA, exit_)


def key_unit(key: str, round_unit: str = "round") -> str:
    """The unit of a key path's values (empty when it has none)."""
    parts = key.split(".")
    if parts[0] == "parameters" and len(parts) == 2 and parts[1] in model.PARAMETER_NAMES:
        return "share" if model.is_share(parts[1]) else plots.PAYOFF_UNIT.replace(
            "round", round_unit)
    if parts[0] == "tolerance" and len(parts) == 3:
        return {"initial": "tolerance, 0\u20131", "decay": f"tolerance per {round_unit}",
                "recovery": f"tolerance per {round_unit}", "visibility": "multiplier",
                "deniability": "share"}.get(parts[2], "")
    if key == "repeated.discount":
        return f"per {round_unit}"
    return ""


def key_label(key: str, round_unit: str = "round", labels: Labels | None = None) -> str:
    """An axis label: the key in words, its unit and the key path itself."""
    unit = key_unit(key, round_unit)
    name = key_name(key, labels)
    return f"{name} ({unit})\n{key}" if unit else f"{name}\n{key}"


def value_text(x: float) -> str:
    """A swept value, short: ``0.044``, ``2.12``, ``12``."""
    return plots._num(x, 3 if abs(x) < 1 else 2).rstrip("0").rstrip(".") if x != 0 else "0"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rounds_text(n: int, round_unit: str) -> str:
    word = plural_unit(round_unit) if n != 1 else round_unit
    return f"{n} {word}"


def _never_text(rounds: int, round_unit: str) -> str:
    return f"never within {_rounds_text(rounds, round_unit)}"


def _horizon_text(h: float, rounds: int, round_unit: str = "round") -> str:
    """A (censored) horizon value in words: ``"6"``, ``"never"``."""
    if h < 0 or h >= rounds:
        return "never"
    return f"{h:g}"


# -- (1) the grid -------------------------------------------------------------------------
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
        Exit codes (``-1``: none).
    exit_labels
        Names of the exit codes.
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

    def exit_counts(self) -> dict[str, int]:
        """Cells per exit label (and ``"none"``), exits present only."""
        out = {label: int(np.sum(self.exit == k)) for k, label in enumerate(self.exit_labels)}
        out["none"] = int(np.sum(self.exit == NEVER))
        return {k: v for k, v in out.items() if v}


def cell_edges(values: FloatArray) -> FloatArray:
    """Edges of the cells centred on ``values`` (sorted or not, uniform or not)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 1:
        half = 0.5 * abs(float(v[0])) if v[0] != 0 else 0.5
        return np.array([v[0] - half, v[0] + half])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def grid_data(grid: GridResult) -> GridData:
    """The :class:`GridData` of a one- or two-parameter sweep."""
    never = np.asarray(grid.horizon) == NEVER
    horizon = np.where(never, np.nan, np.asarray(grid.horizon, dtype=np.float64))
    axes = tuple(np.asarray(a, dtype=np.float64) for a in grid.axes)
    return GridData(
        keys=tuple(grid.keys),
        axes=axes,
        edges=tuple(cell_edges(a) for a in axes),
        horizon=horizon,
        never=never,
        exit=np.asarray(grid.exit, dtype=np.int64),
        exit_labels=tuple(grid.exit_labels),
        rounds=int(grid.rounds),
    )


Segment = tuple[tuple[float, float], tuple[float, float]]


def exit_boundaries(exit: IntArray, edges0: FloatArray, edges1: FloatArray) -> list[Segment]:
    """Cell edges between neighbouring cells of different exit (``-1`` counts as an exit),
    as segments ``((x0, y0), (x1, y1))`` with axis 0 along x and axis 1 along y."""
    codes = np.asarray(exit)
    out: list[Segment] = []
    for i, j in np.argwhere(codes[1:, :] != codes[:-1, :]):
        x = float(edges0[i + 1])
        out.append(((x, float(edges1[j])), (x, float(edges1[j + 1]))))
    for i, j in np.argwhere(codes[:, 1:] != codes[:, :-1]):
        y = float(edges1[j + 1])
        out.append(((float(edges0[i]), y), (float(edges0[i + 1]), y)))
    return out


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


def _share_phrase(counts: dict[str, int], total: int, of: str,
                  labels: Labels | None = None) -> str:
    lab = plots._labels(labels)
    parts = [f"to {exit_name(label, lab)} in {counts[label] / total:.0%}" for label in counts
             if label != "none"]
    return f"{lab.player(model.SYRIA)} exits {' and '.join(parts)} of {of}" if parts else ""


def title_grid(grid: GridResult, round_unit: str = "round",
               labels: Labels | None = None) -> str:
    """Finding of the horizon map: which ends of the keys make hedging last longest, the
    horizon's range and how many cells never leave hedging."""
    data = grid_data(grid)
    units = plural_unit(round_unit)
    effects = axis_effects(data)
    ranked = sorted((k for k, e in enumerate(effects) if abs(e) >= 0.5),
                    key=lambda k: -abs(effects[k]))
    span = data.span
    n = data.never.size
    never = int(data.never.sum())
    if span is None:
        return f"Hedging lasts the whole run ({_never_text(data.rounds, round_unit)}) " \
               "everywhere on the grid"
    lo, hi = span
    where = "over the grid" if data.exit.ndim > 1 else "over the sweep"
    rng = f"{lo}\u2013{hi} {units}" if lo != hi else f"{lo} {units}"
    if never:
        rng += f", never within {data.rounds} in {never} of {n} cells" if data.exit.ndim > 1 \
            else f", never within {data.rounds} at {never} of {n} values"
    if not ranked:
        head = "The horizon barely moves"
    else:
        ends = [f"{key_name(data.keys[k], labels)} is {'high' if effects[k] > 0 else 'low'}"
                for k in ranked]
        head = "Hedging lasts longest when " + " and ".join(ends)
    return f"{head}: {rng} {where}"


def _horizon_norm(lo: int, hi: int) -> tuple[Normalize, Colormap, list[int]]:
    import matplotlib

    cmap = matplotlib.colormaps[HORIZON_CMAP]
    if hi - lo <= 24:
        bounds = np.arange(lo - 0.5, hi + 1.5)
        norm: Normalize = BoundaryNorm(bounds, cmap.N)
        step = max(1, int(np.ceil((hi - lo + 1) / 12)))
        ticks = list(range(lo, hi + 1, step))
    else:
        norm = Normalize(lo, hi)
        ticks = [int(t) for t in np.linspace(lo, hi, 6).round()]
    return norm, cmap, ticks


def _ink(rgba: Sequence[float]) -> str:
    """Black or white, whichever reads on a fill of colour ``rgba``."""
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def draw_grid(data: GridData, ax: Axes | None = None, *, round_unit: str = "round",
              markers: bool | None = None, labels: Labels | None = None) -> Axes:
    """Draw a two-parameter horizon map: colour = horizon, hatched grey = never, exit path
    as one marker per cell (when ``markers``; default: grids up to
    :data:`MAX_MARKED_CELLS` cells) and black lines between exit regions."""
    ax = ax if ax is not None else _new_figure("horizon_grid").add_subplot()
    lab = plots._labels(labels)
    syria = lab.player(model.SYRIA)
    x_edges, y_edges = data.edges
    fig = ax.get_figure()
    span = data.span
    units = plural_unit(round_unit)
    if span is not None:
        norm, cmap, ticks = _horizon_norm(*span)
        mesh = ax.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(data.horizon.T),
                             cmap=cmap, norm=norm)
        if fig is not None:
            bar = fig.colorbar(mesh, ax=ax, ticks=ticks, pad=0.02, fraction=0.05)
            bar.set_label(f"myopic horizon ({units})")
    for i, j in np.argwhere(data.never):
        ax.add_patch(Rectangle((x_edges[i], y_edges[j]), x_edges[i + 1] - x_edges[i],
                               y_edges[j + 1] - y_edges[j], facecolor=NEVER_COLOUR,
                               edgecolor="#9a9a9a", hatch=NEVER_HATCH, linewidth=0))
    for (x0, y0), (x1, y1) in exit_boundaries(data.exit, x_edges, y_edges):
        ax.plot([x0, x1], [y0, y1], color="black", linewidth=2.2, solid_capstyle="projecting")
    if markers is None:
        markers = data.exit.size <= MAX_MARKED_CELLS
    handles: list[Any] = []
    present = [k for k in range(len(data.exit_labels)) if np.any(data.exit == k)]
    for k in present:
        label = data.exit_labels[k]
        if markers:
            ii, jj = np.nonzero(data.exit == k)
            ax.scatter(data.axes[0][ii], data.axes[1][jj], marker=EXIT_MARKERS.get(label, "D"),
                       s=36, facecolor=EXIT_COLOURS.get(label, "black"), edgecolor="white",
                       linewidth=0.8, zorder=3)
        handles.append(Line2D([], [], linestyle="none", marker=EXIT_MARKERS.get(label, "D"),
                              markerfacecolor=EXIT_COLOURS.get(label, "black"),
                              markeredgecolor="white", markersize=8,
                              label=f"{syria} exits to {exit_name(label, lab)}"))
    if data.never.any():
        handles.append(Patch(facecolor=NEVER_COLOUR, edgecolor="#9a9a9a", hatch=NEVER_HATCH,
                             label=f"hedging lasts: {_never_text(data.rounds, round_unit)}"))
    if len(present) + int(data.never.any()) > 1:
        handles.append(Line2D([], [], color="black", linewidth=2.2,
                              label="boundary between exit paths"))
    ax.set_xlim(x_edges[0], x_edges[-1])
    ax.set_ylim(y_edges[0], y_edges[-1])
    ax.set_xlabel(key_label(data.keys[0], round_unit, lab))
    ax.set_ylabel(key_label(data.keys[1], round_unit, lab))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncols=min(len(handles), 4))
    return ax


def draw_line(data: GridData, ax: Axes | None = None, *, round_unit: str = "round",
              labels: Labels | None = None) -> Axes:
    """Draw a one-parameter sweep: the horizon against the value, markers coloured by the
    exit path; values where hedging lasts the whole run drawn hollow at the run's length."""
    ax = ax if ax is not None else _new_figure("horizon_sweep").add_subplot()
    lab = plots._labels(labels)
    x = data.axes[0]
    h = np.where(data.never, data.rounds, data.horizon)
    ax.plot(x, h, color=plots.HORIZON_COLOUR, linewidth=1.0, linestyle=":", zorder=1)
    ax.plot(x, np.where(data.never, np.nan, h), color=plots.HORIZON_COLOUR, linewidth=1.2,
            zorder=2)
    handles: list[Any] = []
    for k, label in enumerate(data.exit_labels):
        sel = data.exit == k
        if not sel.any():
            continue
        ax.scatter(x[sel], h[sel], marker=EXIT_MARKERS.get(label, "D"), s=36,
                   color=EXIT_COLOURS.get(label, "black"), zorder=3,
                   label=f"{lab.player(model.SYRIA)} exits to {exit_name(label, lab)}")
    if data.never.any():
        ax.scatter(x[data.never], h[data.never], marker="o", s=36, facecolor="white",
                   edgecolor=plots.HORIZON_COLOUR, zorder=3,
                   label=f"{_never_text(data.rounds, round_unit)} (drawn at {data.rounds})")
        ax.axhline(data.rounds, color=plots.HORIZON_COLOUR, linestyle=":", linewidth=1)
        ax.text(x[-1], data.rounds + 0.3, _never_text(data.rounds, round_unit), ha="right",
                va="bottom", fontsize=8.5, color=plots.HORIZON_COLOUR)
    handles, _ = ax.get_legend_handles_labels()
    ax.set_ylim(-0.5, data.rounds + 1)
    ax.set_xlabel(key_label(data.keys[0], round_unit, lab))
    ax.set_ylabel(f"myopic horizon ({plural_unit(round_unit)})")
    ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(handles=handles, loc="best")
    return ax


def figure_grid(grid: GridResult, round_unit: str = "round",
                labels: Labels | None = None) -> Figure:
    """The sweep's figure: a horizon map over two keys, or a line over one."""
    with plots.style():
        data = grid_data(grid)
        if data.exit.ndim == 1:
            fig = _new_figure("horizon_sweep")
            draw_line(data, fig.add_subplot(), round_unit=round_unit, labels=labels)
        else:
            fig = _new_figure("horizon_grid")
            draw_grid(data, fig.add_subplot(), round_unit=round_unit, labels=labels)
        plots._suptitle(fig, title_grid(grid, round_unit, labels))
    return fig


# -- (2) the distribution ---------------------------------------------------------------
@dataclass(frozen=True)
class HorizonHistogram:
    """The horizon's distribution over Monte Carlo draws, split by exit path.

    Attributes
    ----------
    horizons
        The horizon values ``0 .. rounds - 1`` (bin centres).
    counts
        Exit label -> draws with that horizon and exit (each of ``len(horizons)``).
    never
        Draws in which hedging lasts the whole run (drawn as a bar at ``rounds``).
    quantiles
        ``{q: horizon}`` ("never" counted as ``rounds``).
    shares
        Exit label or ``"none"`` -> share of draws.
    draws, rounds
        Number of draws, the run's length.
    """

    horizons: IntArray
    counts: dict[str, IntArray]
    never: int
    quantiles: dict[float, float]
    shares: dict[str, float]
    draws: int
    rounds: int


def horizon_histogram(mc: MonteCarloResult) -> HorizonHistogram:
    """The :class:`HorizonHistogram` of a Monte Carlo result."""
    rounds = int(mc.rounds)
    h = np.asarray(mc.horizon)
    e = np.asarray(mc.exit)
    counts: dict[str, IntArray] = {}
    for k, label in enumerate(mc.exit_labels):
        sel = (e == k) & (h != NEVER)
        if sel.any():
            counts[label] = np.bincount(h[sel], minlength=rounds)[:rounds].astype(np.int64)
    # a horizon without an exit code (should not happen) still counts
    orphan = (e == NEVER) & (h != NEVER)
    if orphan.any():
        counts["unknown"] = np.bincount(h[orphan], minlength=rounds)[:rounds].astype(np.int64)
    return HorizonHistogram(
        horizons=np.arange(rounds, dtype=np.int64),
        counts=counts,
        never=int(np.sum(h == NEVER)),
        quantiles=dict(sorted(mc.quantiles.items())),
        shares=dict(mc.exit_shares),
        draws=int(h.size),
        rounds=rounds,
    )


def _q_name(q: float) -> str:
    return "median" if abs(q - 0.5) < 1e-12 else f"{q * 100:g}%"


def _q_value(v: float, rounds: int) -> str:
    return "never" if v >= rounds else f"{v:g}"


def central_range(low: float, high: float, rounds: int, round_unit: str = "round") -> str:
    """The 5th-95th percentile range of the horizon in words: ``"90% of draws between 4 and
    9 months"``; ``"at least 4 months in 95% of draws"`` when the 95th is "never"."""
    units = plural_unit(round_unit)
    if low >= rounds:
        return f"over 95% of draws never leave hedging within {rounds} {units}"
    if high >= rounds:
        return f"at least {low:g} {units} in 95% of draws"
    if low == high:
        return f"{low:g} {units} in 90% of draws"
    return f"90% of draws between {low:g} and {high:g} {units}"


def title_distribution(mc: MonteCarloResult, round_unit: str = "round") -> str:
    """Finding of the distribution: median horizon, the central 90% and the never share."""
    hist = horizon_histogram(mc)
    units = plural_unit(round_unit)
    q = hist.quantiles
    med = q.get(0.5)
    parts = []
    if med is not None:
        parts.append(f"Median horizon {_q_value(med, hist.rounds)}"
                     + ("" if med >= hist.rounds else f" {units}"))
    if 0.05 in q and 0.95 in q:
        parts.append(central_range(q[0.05], q[0.95], hist.rounds, round_unit))
    never_share = hist.never / max(hist.draws, 1)
    parts.append(f"{never_share:.0%} never leave hedging within {hist.rounds} {units}")
    return "; ".join(parts) + f" ({hist.draws} draws)"


def draw_distribution(hist: HorizonHistogram, ax: Axes | None = None, *,
                      round_unit: str = "round", labels: Labels | None = None) -> Axes:
    """Draw the histogram: bars per horizon stacked by exit path, "never" as its own hatched
    bar at the run's length, the quantiles as vertical lines; exit shares in the legend."""
    ax = ax if ax is not None else _new_figure("horizon_distribution").add_subplot()
    lab = plots._labels(labels)
    x = hist.horizons
    bottom = np.zeros(len(x))
    n = max(hist.draws, 1)
    for label, c in hist.counts.items():
        share = hist.shares.get(label, float(c.sum()) / n)
        ax.bar(x, c, bottom=bottom, width=0.85, color=EXIT_COLOURS.get(label, "grey"),
               label=f"then {lab.player(model.SYRIA)} exits to {exit_name(label, lab)} "
                     f"({share:.0%} of draws)")
        bottom += c
    if hist.never:
        ax.bar([hist.rounds], [hist.never], width=0.85, color=NEVER_COLOUR,
               edgecolor="#9a9a9a", hatch=NEVER_HATCH, linewidth=0,
               label=f"{_never_text(hist.rounds, round_unit)} "
                     f"({hist.never / n:.0%} of draws)")
    top = float(max(bottom.max() if len(bottom) else 0.0, hist.never, 1.0))
    # quantiles: one line per distinct value, labels of equal values merged
    by_value: dict[float, list[float]] = {}
    for q, v in hist.quantiles.items():
        by_value.setdefault(float(v), []).append(q)
    for level, (v, qs) in enumerate(sorted(by_value.items())):
        median = any(abs(q - 0.5) < 1e-12 for q in qs)
        y = top * (1.05 + 0.08 * (level % 2))
        ax.plot([v, v], [0, y], color="black", linewidth=1.6 if median else 1.0,
                linestyle="-" if median else "--", zorder=4)
        ax.text(v, y, ", ".join(_q_name(q) for q in qs) + f": {_q_value(v, hist.rounds)}",
                ha="center", va="bottom", fontsize=8.5, zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    ax.set_ylim(0, top * 1.25)
    ticks = list(range(0, hist.rounds, max(1, hist.rounds // 12)))
    tick_labels = [str(t) for t in ticks]
    if hist.never:
        ticks.append(hist.rounds)
        tick_labels.append("never")
    ax.set_xticks(ticks, tick_labels)
    ax.set_xlim(-0.8, hist.rounds + 0.8)
    ax.set_xlabel(f"myopic horizon ({plural_unit(round_unit)}); lines: quantiles over "
                  "draws (never counted as the run's length)")
    ax.set_ylabel("draws")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3)
    return ax


def figure_distribution(mc: MonteCarloResult, round_unit: str = "round",
                        labels: Labels | None = None) -> Figure:
    """The Monte Carlo figure: the horizon's distribution over the draws."""
    with plots.style():
        fig = _new_figure("horizon_distribution")
        draw_distribution(horizon_histogram(mc), fig.add_subplot(), round_unit=round_unit,
                          labels=labels)
        plots._suptitle(fig, title_distribution(mc, round_unit))
    return fig


# -- (3) the tornado ---------------------------------------------------------------------
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
        The exit label at each end (``None``: no exit).
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


def _exit_label(code: int, labels: Sequence[str]) -> str | None:
    return None if code == NEVER else labels[code]


def tornado_rows(sens: SensitivityResult) -> list[TornadoRow]:
    """One :class:`TornadoRow` per uncertain key, largest swing first."""
    rounds = int(sens.rounds)
    low = censored(np.asarray(sens.low_horizon), rounds)
    high = censored(np.asarray(sens.high_horizon), rounds)
    rows = [
        TornadoRow(
            key=key,
            low_value=float(sens.low_values[j]),
            base_value=float(sens.base_values[j]),
            high_value=float(sens.high_values[j]),
            low_horizon=int(low[j]),
            high_horizon=int(high[j]),
            low_never=bool(sens.low_horizon[j] == NEVER),
            high_never=bool(sens.high_horizon[j] == NEVER),
            low_exit=_exit_label(int(sens.low_exit[j]), sens.exit_labels),
            high_exit=_exit_label(int(sens.high_exit[j]), sens.exit_labels),
            swing=int(abs(high[j] - low[j])),
        )
        for j, key in enumerate(sens.keys)
    ]
    return sorted(rows, key=lambda r: -r.swing)


def _quantile_range(sens: SensitivityResult) -> str:
    lo, hi = sens.quantiles
    return f"{lo * 100:g}th\u2013{hi * 100:g}th percentile"


def title_tornado(sens: SensitivityResult, round_unit: str = "round",
                  labels: Labels | None = None) -> str:
    """Finding of the tornado: which key moves the horizon most, and how far."""
    rows = tornado_rows(sens)
    units = plural_unit(round_unit)
    rounds = int(sens.rounds)
    base = _horizon_text(sens.base_horizon, rounds)
    base_text = f"base {base}" + ("" if base == "never" else f" {units}")
    if not rows or rows[0].swing == 0:
        return f"No single uncertain input moves the horizon from its {base_text}"
    top = [r for r in rows if r.swing == rows[0].swing]
    names = [key_name(r.key, labels) for r in top[:2]] + (["others"] if len(top) > 2 else [])
    verb = "moves" if len(top) == 1 else "move"
    r = top[0]
    lo, hi = sorted((r.low_horizon, r.high_horizon))
    span = f"{_horizon_text(lo, rounds)}\u2013{_horizon_text(hi, rounds)}"
    return (f"{_capital(' and '.join(names))} {verb} the horizon most: {span} {units} over "
            f"{'its' if len(top) == 1 else 'their'} {_quantile_range(sens)} range "
            f"({base_text})").replace(f"\u2013never {units}", f" {units} to never")


def draw_tornado(rows: Sequence[TornadoRow], base_horizon: int, rounds: int,
                 ax: Axes | None = None, *, round_unit: str = "round",
                 quantiles: tuple[float, float] = (0.05, 0.95),
                 base_exit: str | None = None, labels: Labels | None = None) -> Axes:
    """Draw the tornado: per key (largest swing on top) a bar from the base horizon to the
    horizon at the key's low end (upper half) and at its high end (lower half), each end
    labelled "value -> horizon" (and the exit path where it differs from ``base_exit``);
    "never" drawn hatched to the run's length."""
    ax = ax if ax is not None else _new_figure("horizon_tornado").add_subplot()
    lab = plots._labels(labels)
    base = rounds if base_horizon == NEVER else base_horizon
    n = len(rows)
    height = 0.36
    for i, row in enumerate(rows):
        y = n - 1 - i
        for end, offset, colour in (("low", height / 2, LOW_COLOUR),
                                    ("high", -height / 2, HIGH_COLOUR)):
            h = row.low_horizon if end == "low" else row.high_horizon
            never = row.low_never if end == "low" else row.high_never
            value = row.low_value if end == "low" else row.high_value
            width = h - base
            if width == 0:
                ax.plot([base, base], [y + offset - height / 2, y + offset + height / 2],
                        color=colour, linewidth=3, solid_capstyle="butt")
            else:
                ax.barh(y + offset, width, left=base, height=height, color=colour,
                        hatch=NEVER_HATCH if never else None, edgecolor="white",
                        linewidth=0)
            text = f"{value_text(value)} \u2192 {'never' if never else h}"
            exit_ = row.low_exit if end == "low" else row.high_exit
            if exit_ is not None and exit_ != base_exit:
                text += f" ({exit_name(exit_, lab)})"
            right = width >= 0
            ax.text(h + (0.25 if right else -0.25), y + offset, text, va="center",
                    ha="left" if right else "right", fontsize=8.5)
    ax.axvline(base, color="black", linewidth=1.2)
    ax.set_yticks(range(n), [f"{_capital(key_name(r.key, lab))}\n{r.key}"
                             for r in reversed(rows)])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-0.7, n - 0.3)
    horizons = [base] + [r.low_horizon for r in rows] + [r.high_horizon for r in rows]
    lo, hi = min(horizons), max(horizons)
    # room for the end labels ("0.116 -> 4 (realign)") on both sides
    pad = max(3.0, 0.2 * (hi - lo))
    left = lo - (max(4.0, 0.35 * (hi - lo)) if lo < base else 1.0)
    ax.set_xlim(left, hi + pad)
    ax.set_xticks([t for t in ax.get_xticks() if left <= t <= hi + pad and t >= 0])
    units = plural_unit(round_unit)
    ax.set_xlabel(f"myopic horizon ({units}); the base scenario's horizon is "
                  f"{'never' if base_horizon == NEVER else base_horizon} "
                  f"(black line), {_never_text(rounds, round_unit)} drawn at {rounds}")
    lo_q, hi_q = quantiles
    handles = [Patch(facecolor=LOW_COLOUR, label=f"key at its low end ({lo_q * 100:g}th "
                     "percentile)"),
               Patch(facecolor=HIGH_COLOUR, label=f"key at its high end ({hi_q * 100:g}th "
                     "percentile)"),
               Patch(facecolor="white", edgecolor="grey", hatch=NEVER_HATCH,
                     label=f"{_never_text(rounds, round_unit)}")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3,
              title="bar ends: key value \u2192 horizon (exit path where it differs from the "
              "base's)",
              title_fontsize=8.5)
    return ax


def figure_tornado(sens: SensitivityResult, round_unit: str = "round",
                   labels: Labels | None = None) -> Figure:
    """The sensitivity figure: a tornado chart of the horizon."""
    with plots.style():
        rows = tornado_rows(sens)
        height = max(3.6, TORNADO_HEIGHT[0] + TORNADO_HEIGHT[1] * len(rows))
        width = SWEEP_FIGURE_SIZES["horizon_tornado"][0]
        fig = Figure(figsize=(width, height), dpi=plots.DPI, layout="constrained")
        draw_tornado(rows, sens.base_horizon, sens.rounds, fig.add_subplot(),
                     round_unit=round_unit, quantiles=sens.quantiles,
                     base_exit=_exit_label(int(sens.base_exit), sens.exit_labels),
                     labels=labels)
        plots._suptitle(fig, title_tornado(sens, round_unit, labels))
    return fig


# -- writing ---------------------------------------------------------------------------
def _new_figure(name: str) -> Figure:
    return Figure(figsize=SWEEP_FIGURE_SIZES[name], dpi=plots.DPI, layout="constrained")


def figure_name(result: AnalysisResult) -> str:
    """The file name (without suffix) of an analysis result's figure: ``horizon_grid`` (two
    keys), ``horizon_sweep`` (one key), ``horizon_distribution`` or ``horizon_tornado``.

    Raises
    ------
    TypeError
        If ``result`` is not one of the three analysis results.
    """
    if isinstance(result, GridResult):
        return "horizon_sweep" if len(result.keys) == 1 else "horizon_grid"
    if isinstance(result, MonteCarloResult):
        return "horizon_distribution"
    if isinstance(result, SensitivityResult):
        return "horizon_tornado"
    raise TypeError(f"no figure for {type(result).__name__}")


def sweep_figure(result: AnalysisResult, round_unit: str = "round",
                 labels: Labels | None = None) -> tuple[str, Figure]:
    """The figure of an analysis result, with its name (:func:`figure_name`); players and
    actions named by ``labels`` (default: the model's names).

    Raises
    ------
    TypeError
        If ``result`` is not one of the three analysis results.
    """
    name = figure_name(result)
    if isinstance(result, GridResult):
        return name, figure_grid(result, round_unit, labels)
    if isinstance(result, MonteCarloResult):
        return name, figure_distribution(result, round_unit, labels)
    return name, figure_tornado(result, round_unit, labels)


def write_sweep_figures(
    result: AnalysisResult,
    out_dir: str | Path,
    formats: Sequence[str] = ("png", "svg"),
    *,
    round_unit: str = "round",
    labels: Labels | None = None,
) -> dict[str, list[Path]]:
    """Write the figure of an analysis result into ``out_dir``, one file per format,
    atomically (:func:`sim.plots.save_figure`).

    Parameters
    ----------
    result
        A :class:`GridResult`, :class:`MonteCarloResult` or :class:`SensitivityResult`.
    out_dir
        Output folder (created if missing). Files are ``<name>.<format>``, the name from
        :func:`figure_name`.
    formats
        Any of ``"png"``, ``"svg"``.
    round_unit
        The scenario's round unit (``scenario.repeated.round_unit``) for axis labels.
    labels
        The names players and actions are shown by (a run's ``results["labels"]`` read
        with :meth:`sim.labels.Labels.from_results`); default: the model's names.

    Returns
    -------
    dict
        Figure name -> the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name, fig = sweep_figure(result, round_unit, labels)
    return {name: [plots.save_figure(fig, out / f"{name}.{fmt}", fmt) for fmt in formats]}
