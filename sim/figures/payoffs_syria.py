"""Figure: Syria's payoff for each of its actions against every joint action of the others
at round 0, equilibrium cells framed."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from sim.figures.common import (
    PAYOFF_CMAP,
    axes_or_new,
    cell_colour,
    new_figure,
    payoff_norm,
    suptitle,
)
from sim.figures.registry import Context, register
from sim.game import MixedProfile, NormalFormGame
from sim.labels import Labels
from sim.results import RunResults
from sim.wording import PAYOFF_UNIT, capital, num, sign

FloatArray = npt.NDArray[np.float64]
SIZE = (14.0, 5.6)


@dataclass(frozen=True)
class PayoffTable:
    """One player's payoff for each of its actions against every joint action of the others.

    Attributes
    ----------
    player
        The focal player (rows).
    values
        Shape ``(m_player, prod(m_others))``; column ``k`` is the ``k``-th joint action of
        the others in :attr:`columns` (the first other player varying slowest).
    row_labels
        The focal player's actions.
    others
        The other players, in game order.
    columns
        The joint actions of the others, one tuple of action names per column.
    marked
        Cells ``(row, column)`` played with positive probability in an equilibrium.
    """

    player: str
    values: FloatArray
    row_labels: tuple[str, ...]
    others: tuple[str, ...]
    columns: tuple[tuple[str, ...], ...]
    marked: tuple[tuple[int, int], ...]


def _joint(mixed: MixedProfile) -> FloatArray:
    out = np.asarray(mixed[0], dtype=np.float64)
    for s in mixed[1:]:
        out = np.multiply.outer(out, s)
    return out


def payoff_table(game: NormalFormGame, player: str,
                 equilibria: Sequence[MixedProfile] = (), *,
                 threshold: float = 1e-9) -> PayoffTable:
    """The :class:`PayoffTable` of ``player`` in ``game``, marking the cells the
    ``equilibria`` play with probability above ``threshold``."""
    i = game.player_index(player)
    others = tuple(j for j in range(game.n_players) if j != i)
    values = np.moveaxis(game.payoffs[i], i, 0).reshape(game.shape[i], -1)
    columns = tuple(
        tuple(game.actions[j][a] for j, a in zip(others, combo, strict=True))
        for combo in itertools.product(*(range(game.shape[j]) for j in others))
    )
    marked: set[tuple[int, int]] = set()
    for profile in equilibria:
        weight = np.moveaxis(_joint(game.as_mixed(profile)), i, 0).reshape(game.shape[i], -1)
        for r, c in np.argwhere(weight > threshold):
            marked.add((int(r), int(c)))
    return PayoffTable(game.players[i], np.asarray(values, dtype=np.float64), game.actions[i],
                       tuple(game.players[j] for j in others), columns, tuple(sorted(marked)))


def title_payoffs(values: Mapping[str, float], focus: str, player: str,
                  labels: Labels) -> str:
    """Finding of the payoff map: how much ``focus`` pays over the best alternative
    (``values``: the player's expected payoff of each action against the others' play)."""
    margin = values[focus] - max(v for a, v in values.items() if a != focus)
    best = labels.action(player, max(values, key=values.__getitem__))
    shown = labels.action(player, focus)
    if margin > 0:
        return (f"{capital(shown)} pays most: {sign(margin)} over the best alternative "
                "against the others' equilibrium play at round 0")
    return (f"{capital(best)} pays most at round 0: {shown} trails it by {abs(margin):.1f} "
            "against the others' equilibrium play")


def draw_payoff_table(table: PayoffTable, ax: Axes | None = None, *,
                      norm: Normalize | None = None, cmap: str | Colormap = PAYOFF_CMAP,
                      annotate: bool = True, labels: Labels | None = None) -> Axes:
    """Draw a :class:`PayoffTable` as a labelled heatmap; equilibrium cells get a frame.

    Columns are labelled by the last two other players' actions (rotated); the first other
    player's actions are written above the map, over their groups of columns.
    """
    ax = axes_or_new(ax, SIZE)
    lab = labels or Labels.default()
    columns = [tuple(lab.action(p, a) for p, a in zip(table.others, col, strict=True))
               for col in table.columns]
    image = ax.imshow(table.values, cmap=cmap, norm=norm or payoff_norm(table.values),
                      aspect="auto")
    n_rows, n_cols = table.values.shape
    if annotate:
        for (r, c), v in np.ndenumerate(table.values):
            ax.text(c, r, num(v), ha="center", va="center", fontsize=7.5,
                    color=cell_colour(image, float(v)), in_layout=False)
    for r, c in table.marked:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="black",
                               linewidth=2.5, zorder=3))
    ax.set_yticks(range(n_rows), [lab.action(table.player, a) for a in table.row_labels])
    ax.set_ylabel(f"{lab.player(table.player)}'s action")
    fine = [" / ".join(col[1:]) if len(col) > 1 else col[0] for col in columns]
    ax.set_xticks(range(n_cols), fine, rotation=90)
    ax.tick_params(axis="both", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    names = [lab.player(p) for p in table.others]
    if len(table.others) > 1:
        group = n_cols // len({col[0] for col in table.columns})
        sub = group // len({col[1] for col in table.columns}) if len(table.others) > 2 else 0
        for x in range(group, n_cols, group):
            ax.axvline(x - 0.5, color="white", linewidth=4)
        if sub:
            for x in range(sub, n_cols, sub):
                if x % group:
                    ax.axvline(x - 0.5, color="white", linewidth=1.2)
        top = ax.secondary_xaxis("top")
        centres = [g + (group - 1) / 2 for g in range(0, n_cols, group)]
        top.set_xticks(centres, [f"{names[0]}: {columns[g][0]}" for g in range(0, n_cols, group)])
        top.tick_params(length=0, labelsize=10)
        top.spines["top"].set_visible(False)
        ax.set_xlabel("joint action of the others: " + " / ".join(names[1:])
                      + f"  (grouped by {names[0]}'s action, above)")
    else:
        ax.set_xlabel(f"{names[0]}'s action")
    if table.marked:
        ax.legend(handles=[Patch(facecolor="none", edgecolor="black", linewidth=2.5,
                                 label="equilibrium play")],
                  loc="lower right", bbox_to_anchor=(1.0, 1.06), borderaxespad=0)
    return ax


@register("payoffs_syria", size=SIZE, order=10, source=RunResults,
          caption="Syria's payoff for each of its actions against every joint action of "
          "Iran, Israel and the Gulf/West at round 0; framed cells are equilibrium play.")
def build(results: RunResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    table = payoff_table(results.stage_game(0), results.focal, results.equilibrium_profiles(0))
    ax = fig.add_subplot()
    draw_payoff_table(table, ax, labels=context.labels)
    fig.colorbar(ax.images[0], ax=ax, fraction=0.03, pad=0.01,
                 label=f"{context.labels.player(table.player)}'s payoff\n({PAYOFF_UNIT})")
    suptitle(fig, title_payoffs(results.rounds[0].syria_action_values, results.focus,
                                results.focal, context.labels))
    return fig
