"""Figures of a sweep on Model 2: over two key paths, the median horizon and the probability
of collapse side by side; along one key, where the hedge ends and the collapse probability."""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim.figures.common import axes_or_new, new_figure, panel_title, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import (
    COLLAPSE_COLOUR,
    NEVER_COLOUR,
    NEVER_HATCH,
    OUTCOME_COLOURS,
)
from sim.labels import Labels
from sim.results import GridAnalysis
from sim.views import GridData, axis_effects, grid_data
from sim.wording import key_label, key_name, never_text, plural_unit

GRID_SIZE = (15.0, 6.5)
LINE_SIZE = (10.0, 5.5)
#: Sequential maps of the horizon and of the collapse probability (perceptually uniform).
HORIZON_CMAP = "viridis"
COLLAPSE_CMAP = "Reds"
#: Markers of the most likely end of the hedge (ties: a diamond).
END_MARKERS: dict[str, str] = {"align": "o", "realign": "^", "collapse": "X", "never": "s"}
#: Largest grid that gets a marker per cell.
MAX_MARKED_CELLS = 900


def end_text(end: str, labels: Labels, focal: str, rounds: int, round_unit: str) -> str:
    """A most likely end in words."""
    if end == "never":
        return f"hedging lasts: {never_text(rounds, round_unit)}"
    if end == "collapse":
        return "the regime collapses"
    if "=" in end:
        return "a tie between " + " and ".join(end.split("="))
    return f"{labels.player(focal)} turns to {labels.action(focal, end)}"


def title_grid(data: GridData, round_unit: str, labels: Labels) -> str:
    """Finding of a sweep: which end of which key makes hedging last longest (by P(hedging
    ends within the run)), the median horizons' range and the cells with no horizon."""
    units = plural_unit(round_unit)
    effects = axis_effects(data.hedging_ends)
    ranked = sorted((k for k, e in enumerate(effects) if abs(e) >= 0.02),
                    key=lambda k: -abs(effects[k]))
    n = data.never.size
    cells = "cells" if data.never.ndim > 1 else "values"
    extra = [f"{int(m.sum())} of {n} {cells} {what}" for m, what in
             ((data.never, f"never leave hedging within {data.rounds}"),
              (data.collapse, "collapse first")) if m.any()]  # fmt: skip
    span = data.span
    if span is None:
        rng = "no median horizon within the run"
    else:
        lo, hi = span
        rng = f"median horizon {lo}\u2013{hi} {units}" if lo != hi else (
            f"median horizon {lo} {units}")
    if not ranked:
        head = "The chance that hedging ends barely moves"
    else:
        ends = [f"{key_name(data.keys[k], labels)} is {'low' if effects[k] > 0 else 'high'}"
                for k in ranked]
        head = "Hedging lasts longest when " + " and ".join(ends)
    return f"{head}: {', '.join([rng, *extra])}"


def horizon_norm(lo: int, hi: int) -> tuple[Normalize, Colormap, list[int]]:
    """A colour scale of the horizon: one colour per round up to 24 rounds."""
    cmap = matplotlib.colormaps[HORIZON_CMAP]
    if hi - lo <= 24:
        norm: Normalize = BoundaryNorm(np.arange(lo - 0.5, hi + 1.5), cmap.N)
        step = max(1, int(np.ceil((hi - lo + 1) / 12)))
        return norm, cmap, list(range(lo, hi + 1, step))
    return Normalize(lo, hi), cmap, [int(t) for t in np.linspace(lo, hi, 6).round()]


def _cells(ax: Axes, data: GridData, mask: np.ndarray, **style: Any) -> None:
    x_edges, y_edges = data.edges
    for i, j in np.argwhere(mask):
        ax.add_patch(Rectangle((x_edges[i], y_edges[j]), x_edges[i + 1] - x_edges[i],
                               y_edges[j + 1] - y_edges[j], linewidth=0, **style))


def _axes_labels(ax: Axes, data: GridData, round_unit: str, lab: Labels) -> None:
    x_edges, y_edges = data.edges
    ax.set_xlim(x_edges[0], x_edges[-1])
    ax.set_ylim(y_edges[0], y_edges[-1])
    ax.set_xlabel(key_label(data.keys[0], round_unit, lab))
    ax.set_ylabel(key_label(data.keys[1], round_unit, lab))


def draw_grid(data: GridData, ax: Axes | None = None, *, round_unit: str = "round",
              markers: bool | None = None, labels: Labels | None = None,
              focal: str = "syria") -> Axes:
    """Draw a two-key map of the median horizon: colour = the round, hatched grey = never,
    dark = collapse first (outcomes of their own, never a colour of the scale); a marker per
    cell for the most likely end of the hedge (grids up to :data:`MAX_MARKED_CELLS` cells)."""
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
            bar.set_label(f"median horizon ({plural_unit(round_unit)})")
    _cells(ax, data, data.never, facecolor=NEVER_COLOUR, edgecolor="#9a9a9a", hatch=NEVER_HATCH)
    _cells(ax, data, data.collapse, facecolor=COLLAPSE_COLOUR)
    handles: list[Any] = []
    if markers is None:
        markers = data.end.size <= MAX_MARKED_CELLS
    for k, end in enumerate(data.end_labels):
        if not np.any(data.end == k):
            continue
        colour = OUTCOME_COLOURS.get(end, "white")
        if markers:
            ii, jj = np.nonzero(data.end == k)
            ax.scatter(data.axes[0][ii], data.axes[1][jj], marker=END_MARKERS.get(end, "D"),
                       s=46, facecolor=colour, edgecolor="white", linewidth=0.9, zorder=3)
        handles.append(Line2D([], [], linestyle="none", marker=END_MARKERS.get(end, "D"),
                              markerfacecolor=colour, markeredgecolor="white", markersize=8,
                              label="most likely: " + end_text(end, lab, focal, data.rounds,
                                                               round_unit)))
    if data.never.any():
        handles.append(Patch(facecolor=NEVER_COLOUR, edgecolor="#9a9a9a", hatch=NEVER_HATCH,
                             label=f"median horizon: {never_text(data.rounds, round_unit)}"))
    if data.collapse.any():
        handles.append(Patch(facecolor=COLLAPSE_COLOUR, label="median horizon: collapse first"))
    _axes_labels(ax, data, round_unit, lab)
    panel_title(ax, "When hedging stops being certain (median over paths)", fontsize=10)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2),
              ncols=min(len(handles), 3), fontsize=8.5)
    return ax


def draw_collapse(data: GridData, ax: Axes | None = None, *, round_unit: str = "round",
                  labels: Labels | None = None, by: str = "the end of the run") -> Axes:
    """Draw a two-key map of the probability that the regime has fallen by the date."""
    ax = axes_or_new(ax, GRID_SIZE)
    lab = labels or Labels.default()
    x_edges, y_edges = data.edges
    mesh = ax.pcolormesh(x_edges, y_edges, data.collapse_by.T, cmap=COLLAPSE_CMAP,
                         norm=Normalize(0.0, max(float(data.collapse_by.max()), 0.05)))
    fig = ax.get_figure()
    if fig is not None:
        bar = fig.colorbar(mesh, ax=ax, pad=0.02, fraction=0.05)
        bar.set_label(f"P(collapse by {by})")
    _axes_labels(ax, data, round_unit, lab)
    panel_title(ax, f"Probability the regime has fallen by {by}", fontsize=10)
    return ax


def draw_line(data: GridData, ax: Axes | None = None, *, round_unit: str = "round",
              labels: Labels | None = None, focal: str = "syria",
              exits: dict[str, np.ndarray] | None = None, by: str = "the end of the run") -> Axes:
    """Draw a one-key sweep: where the hedge ends (stacked probabilities of each end) and
    P(collapse by the date) against the swept value."""
    ax = axes_or_new(ax, LINE_SIZE)
    lab = labels or Labels.default()
    x = data.axes[0]
    if exits:
        ax.stackplot(x, *exits.values(), colors=[OUTCOME_COLOURS.get(e, "grey") for e in exits],
                     labels=[end_text(e, lab, focal, data.rounds, round_unit) for e in exits],
                     alpha=0.85)
    ax.plot(x, data.collapse_by, color="black", linewidth=1.6, linestyle="--",
            label=f"P(collapse by {by})")
    ax.set_ylim(0, 1)
    ax.set_xlim(float(x.min()), float(x.max()))
    ax.set_xlabel(key_label(data.keys[0], round_unit, lab))
    ax.set_ylabel("probability")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, fontsize=8.5)
    return ax


def _by(grid: GridAnalysis) -> str:
    return grid.collapse_date or "the end of the run"


def _two_keys(grid: GridAnalysis) -> bool:
    return len(grid.keys) == 2


def _one_key(grid: GridAnalysis) -> bool:
    return len(grid.keys) == 1


@register("horizon_grid", size=GRID_SIZE, order=110, source=GridAnalysis, applies=_two_keys,
          caption="Left: the median round in which hedging stops being certain over the "
          "swept values (colour), hatched grey where it lasts the whole run, dark where the "
          "regime collapses first; markers show the most likely end of the hedge. Right: the "
          "probability that the regime has fallen by the date.")
def build_grid(grid: GridAnalysis, context: Context) -> Figure:
    fig = new_figure(GRID_SIZE)
    data = grid_data(grid)
    left, right = fig.subplots(1, 2)
    draw_grid(data, left, round_unit=context.round_unit, labels=context.labels,
              focal=context.focal)
    legend = left.get_legend()
    if legend is not None:  # below both panels, so it does not widen the left one
        handles = list(legend.legend_handles)
        texts = [t.get_text() for t in legend.get_texts()]
        legend.remove()
        fig.legend(handles, texts, loc="outside lower center", ncols=min(len(handles), 3),
                   fontsize=8.5)
    draw_collapse(data, right, round_unit=context.round_unit, labels=context.labels,
                  by=_by(grid))
    suptitle(fig, title_grid(data, context.round_unit, context.labels))
    return fig


@register("horizon_sweep", size=LINE_SIZE, order=110, source=GridAnalysis, applies=_one_key,
          caption="Where the hedge ends at each swept value (stacked probabilities: an "
          "alignment, a realignment, collapse, or never within the run) and the probability "
          "that the regime has fallen by the date (dashed).")
def build_line(grid: GridAnalysis, context: Context) -> Figure:
    fig = new_figure(LINE_SIZE)
    data = grid_data(grid)
    exits = {e: np.array([p.exit[e] for p in grid.points]) for e in grid.points[0].exit}
    draw_line(data, fig.add_subplot(), round_unit=context.round_unit, labels=context.labels,
              focal=context.focal, exits=exits, by=_by(grid))
    suptitle(fig, title_grid(data, context.round_unit, context.labels))
    return fig
