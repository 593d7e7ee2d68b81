"""Figures of a sweep: the horizon map over two key paths, or the horizon along one."""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim.figures.common import (
    EXIT_COLOURS,
    EXIT_MARKERS,
    HORIZON_COLOUR,
    NEVER_COLOUR,
    NEVER_HATCH,
    axes_or_new,
    new_figure,
    suptitle,
)
from sim.figures.registry import Context, register
from sim.labels import Labels
from sim.results import GridAnalysis
from sim.views import GridData, axis_effects, grid_data
from sim.wording import key_label, key_name, never_text, plural_unit

GRID_SIZE = (11.0, 7.0)
LINE_SIZE = (10.0, 5.5)
#: Sequential map of the horizon (perceptually uniform, colour-blind safe).
HORIZON_CMAP = "viridis"
#: Largest grid that gets a marker per cell (bigger grids show only the exit boundaries).
MAX_MARKED_CELLS = 900

Segment = tuple[tuple[float, float], tuple[float, float]]


def exit_boundaries(exit: np.ndarray, edges0: np.ndarray, edges1: np.ndarray) -> list[Segment]:
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


def title_grid(data: GridData, round_unit: str, labels: Labels) -> str:
    """Finding of the horizon map: which ends of the keys make hedging last longest, the
    horizon's range and how many cells never leave hedging."""
    units = plural_unit(round_unit)
    effects = axis_effects(data)
    ranked = sorted((k for k, e in enumerate(effects) if abs(e) >= 0.5),
                    key=lambda k: -abs(effects[k]))
    span = data.span
    n = data.never.size
    never = int(data.never.sum())
    if span is None:
        return (f"Hedging lasts the whole run ({never_text(data.rounds, round_unit)}) "
                "everywhere on the grid")
    lo, hi = span
    where = "over the grid" if data.exit.ndim > 1 else "over the sweep"
    rng = f"{lo}\u2013{hi} {units}" if lo != hi else f"{lo} {units}"
    if never:
        rng += (f", never within {data.rounds} in {never} of {n} cells" if data.exit.ndim > 1
                else f", never within {data.rounds} at {never} of {n} values")
    if not ranked:
        head = "The horizon barely moves"
    else:
        ends = [f"{key_name(data.keys[k], labels)} is {'high' if effects[k] > 0 else 'low'}"
                for k in ranked]
        head = "Hedging lasts longest when " + " and ".join(ends)
    return f"{head}: {rng} {where}"


def horizon_norm(lo: int, hi: int) -> tuple[Normalize, Colormap, list[int]]:
    """A colour scale of the horizon: one colour per round up to 24 rounds."""
    cmap = matplotlib.colormaps[HORIZON_CMAP]
    if hi - lo <= 24:
        norm: Normalize = BoundaryNorm(np.arange(lo - 0.5, hi + 1.5), cmap.N)
        step = max(1, int(np.ceil((hi - lo + 1) / 12)))
        return norm, cmap, list(range(lo, hi + 1, step))
    return Normalize(lo, hi), cmap, [int(t) for t in np.linspace(lo, hi, 6).round()]


def draw_grid(data: GridData, ax: Axes | None = None, *, round_unit: str = "round",
              markers: bool | None = None, labels: Labels | None = None,
              focal: str = "syria") -> Axes:
    """Draw a two-key horizon map: colour = horizon, hatched grey = never, exit path as one
    marker per cell (when ``markers``; default: grids up to :data:`MAX_MARKED_CELLS` cells)
    and black lines between exit regions."""
    ax = axes_or_new(ax, GRID_SIZE)
    lab = labels or Labels.default()
    x_edges, y_edges = data.edges
    fig = ax.get_figure()
    if data.span is not None:
        norm, cmap, ticks = horizon_norm(*data.span)
        mesh = ax.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(data.horizon.T),
                             cmap=cmap, norm=norm)
        if fig is not None:
            bar = fig.colorbar(mesh, ax=ax, ticks=ticks, pad=0.02, fraction=0.05)
            bar.set_label(f"myopic horizon ({plural_unit(round_unit)})")
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
                              label=f"{lab.player(focal)} exits to {lab.action(focal, label)}"))
    if data.never.any():
        handles.append(Patch(facecolor=NEVER_COLOUR, edgecolor="#9a9a9a", hatch=NEVER_HATCH,
                             label=f"hedging lasts: {never_text(data.rounds, round_unit)}"))
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
              labels: Labels | None = None, focal: str = "syria") -> Axes:
    """Draw a one-key sweep: the horizon against the value, markers coloured by the exit
    path; values where hedging lasts the whole run drawn hollow at the run's length."""
    ax = axes_or_new(ax, LINE_SIZE)
    lab = labels or Labels.default()
    x = data.axes[0]
    h = np.where(data.never, data.rounds, data.horizon)
    ax.plot(x, h, color=HORIZON_COLOUR, linewidth=1.0, linestyle=":", zorder=1)
    ax.plot(x, np.where(data.never, np.nan, h), color=HORIZON_COLOUR, linewidth=1.2, zorder=2)
    for k, label in enumerate(data.exit_labels):
        sel = data.exit == k
        if sel.any():
            ax.scatter(x[sel], h[sel], marker=EXIT_MARKERS.get(label, "D"), s=36,
                       color=EXIT_COLOURS.get(label, "black"), zorder=3,
                       label=f"{lab.player(focal)} exits to {lab.action(focal, label)}")
    if data.never.any():
        ax.scatter(x[data.never], h[data.never], marker="o", s=36, facecolor="white",
                   edgecolor=HORIZON_COLOUR, zorder=3,
                   label=f"{never_text(data.rounds, round_unit)} (drawn at {data.rounds})")
        ax.axhline(data.rounds, color=HORIZON_COLOUR, linestyle=":", linewidth=1)
        ax.text(x[-1], data.rounds + 0.3, never_text(data.rounds, round_unit), ha="right",
                va="bottom", fontsize=8.5, color=HORIZON_COLOUR)
    handles, _ = ax.get_legend_handles_labels()
    ax.set_ylim(-0.5, data.rounds + 1)
    ax.set_xlabel(key_label(data.keys[0], round_unit, lab))
    ax.set_ylabel(f"myopic horizon ({plural_unit(round_unit)})")
    ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(handles=handles, loc="best")
    return ax


def _two_keys(grid: GridAnalysis) -> bool:
    return len(grid.keys) == 2


def _one_key(grid: GridAnalysis) -> bool:
    return len(grid.keys) == 1


@register("horizon_grid", size=GRID_SIZE, order=110, source=GridAnalysis, applies=_two_keys,
          caption="The myopic horizon over the swept values (colour), hatched grey where "
          "hedging lasts the whole run; markers show where Syria goes when hedging ends, "
          "black lines separate the exit paths.")
def build_grid(grid: GridAnalysis, context: Context) -> Figure:
    fig = new_figure(GRID_SIZE)
    data = grid_data(grid)
    draw_grid(data, fig.add_subplot(), round_unit=context.round_unit, labels=context.labels,
              focal=context.focal)
    suptitle(fig, title_grid(data, context.round_unit, context.labels))
    return fig


@register("horizon_sweep", size=LINE_SIZE, order=110, source=GridAnalysis, applies=_one_key,
          caption="The myopic horizon at each swept value, markers coloured by where Syria "
          "goes when hedging ends; hollow markers at the run's length where hedging lasts "
          "the whole run.")
def build_line(grid: GridAnalysis, context: Context) -> Figure:
    fig = new_figure(LINE_SIZE)
    data = grid_data(grid)
    draw_line(data, fig.add_subplot(), round_unit=context.round_unit, labels=context.labels,
              focal=context.focal)
    suptitle(fig, title_grid(data, context.round_unit, context.labels))
    return fig

