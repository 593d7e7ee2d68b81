"""Figure: the selected equilibrium per round as a timeline, one row per player."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim.figures.common import (
    HORIZON_COLOUR,
    axes_or_new,
    draw_horizons,
    new_figure,
    suptitle,
)
from sim.figures.registry import Context, register
from sim.figures.style import (
    FOCAL,
    KIND_COLOURS,
    KINDS,
    STANCE_COLOURS,
    STANCES,
    action_colour,
    action_kind,
    date_axis,
    text_colour,
)
from sim.labels import Labels
from sim.results import Horizon, RunResults
from sim.views import EquilibriumPath, describe_phase, equilibrium_path, phases
from sim.wording import rounds_label

SIZE = (12.0, 4.8)


def runs(choice: Sequence[int]) -> list[tuple[int, int, int]]:
    """Runs ``(start, stop, value)`` of equal consecutive values."""
    out: list[tuple[int, int, int]] = []
    for t, v in enumerate(choice):
        if out and out[-1][2] == v:
            out[-1] = (out[-1][0], t + 1, v)
        else:
            out.append((t, t + 1, v))
    return out


def title_path(path: EquilibriumPath, player: str, focus: str, labels: Labels,
               limit: int = 3) -> str:
    """Finding of the timeline: the player's phases (at most ``limit``, then an ellipsis)."""
    name = labels.player(player)
    found = phases(path, player, focus)
    if len(found) == 1 and found[0].support == (focus,):
        n = len(path.rounds)
        shown = labels.action(player, focus)
        if shown == "hedge":
            return f"{name} hedges for sure in every one of the {n} rounds"
        return f"{name} plays {shown} in every one of the {n} rounds"
    told = [describe_phase(p, i == len(found) - 1, focus, player, labels)
            for i, p in enumerate(found[:limit])]
    return f"{name} " + "; ".join(told) + ("; \u2026" if len(found) > limit else "")


def draw_path(path: EquilibriumPath, ax: Axes | None = None, *, xlabel: str = "round",
              horizons: dict[str, Horizon] | None = None,
              labels: Labels | None = None,
              dates: Sequence[dt.date | None] | None = None) -> Axes:
    """Draw the timeline: one row per player, each round's cell stacked by the probability
    of each action (colour: Syria's stance, or the kind of a counterpart's action,
    :mod:`sim.figures.style`); mixed cells hatched; every run of one pure action labelled
    with its name; dated rounds on a calendar axis."""
    ax = axes_or_new(ax, SIZE)
    lab = labels or Labels.default()
    n_players = len(path.players)
    height = 0.8
    width = float(np.median(np.diff(path.rounds))) if len(path.rounds) > 1 else 1.0
    for row, (probs, names) in enumerate(zip(path.probabilities, path.actions, strict=True)):
        y0 = n_players - 1 - row - height / 2
        for t, x in enumerate(path.rounds):
            bottom = y0
            mixed = probs[t].max() < 1 - 1e-9
            for a, p in enumerate(probs[t]):
                if p <= 1e-9:
                    continue
                ax.add_patch(Rectangle((x - width / 2, bottom), width, p * height,
                                       facecolor=action_colour(path.players[row], names[a]),
                                       edgecolor="white", linewidth=0.6,
                                       hatch="///" if mixed else None))
                bottom += p * height
        pure = [int(np.argmax(p)) if p.max() >= 1 - 1e-9 else -1 for p in probs]
        for start, stop, a in runs(pure):
            if a < 0:
                continue
            centre = (path.rounds[start] + path.rounds[stop - 1]) / 2
            colour = text_colour(action_colour(path.players[row], names[a]))
            ax.text(centre, n_players - 1 - row, lab.action(path.players[row], names[a]),
                    ha="center", va="center", color=colour,
                    fontsize=9 if stop - start >= 2 else 6.5,
                    rotation=0 if stop - start >= 2 else 90)
    draw_horizons(ax, horizons or {}, labels=False)
    ax.set_yticks(range(n_players), [lab.player(p) for p in reversed(path.players)])
    ax.set_ylim(-0.6, n_players - 0.4)
    if len(path.rounds):
        ax.set_xlim(path.rounds[0] - width / 2, path.rounds[-1] + width / 2)
    ax.set_xlabel(xlabel)
    if dates is not None and all(d is not None for d in dates):
        date_axis(ax, dates)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    handles: list[Any] = []
    if FOCAL in path.players:
        handles += [Patch(facecolor=STANCE_COLOURS[s], label=f"{lab.player(FOCAL)}: "
                          f"{lab.action(FOCAL, s)}") for s in STANCES]
    others = [p for p in path.players if p != FOCAL]
    for kind in KINDS:
        acts = [lab.action(p, a) for p, acts in zip(path.players, path.actions, strict=True)
                if p != FOCAL for a in acts if action_kind(p, a) == kind]
        handles.append(Patch(facecolor=KIND_COLOURS[kind], label=f"{kind}: "
                             + " / ".join(acts)))
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="///",
                         label="mixed round (band height = probability)"))
    if horizons and any(h.round is not None for h in horizons.values()):
        handles.append(Line2D([], [], color=HORIZON_COLOUR,
                              label="horizons (solid: myopic, dotted: forward-looking)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2,
              title="colour = Syria's stance, or what a counterpart's action does ("
              + " / ".join(lab.player(p) for p in others) + ")", title_fontsize=8.5)
    return ax


@register("path", size=SIZE, order=50, source=RunResults,
          caption="The selected equilibrium per round: every player's action (stacked by "
          "probability in mixed rounds).")
def build(results: RunResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    path = equilibrium_path(results)
    horizons = {"myopic": results.horizons.myopic,
                "forward_looking": results.horizons.forward_looking}
    draw_path(path, fig.add_subplot(), xlabel=rounds_label(context.round_unit),
              horizons=horizons, labels=context.labels,
              dates=[r.date for r in results.rounds])
    suptitle(fig, title_path(path, results.focal, results.focus, context.labels))
    return fig
