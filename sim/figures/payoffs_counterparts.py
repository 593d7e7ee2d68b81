"""Figure: each counterpart's two-player game against Syria at round 0, the other two held
at their equilibrium play."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

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
from sim.wording import PAYOFF_UNIT, num

FloatArray = npt.NDArray[np.float64]
SIZE = (13.0, 5.0)


@dataclass(frozen=True)
class BimatrixView:
    """The two-player game between a row player and a counterpart, the others held fixed.

    Attributes
    ----------
    row, column
        Player names.
    row_actions, column_actions
        Action names.
    row_payoffs, column_payoffs
        Payoff matrices (rows = the row player's actions).
    equilibria
        Pure Nash equilibria ``(r, c)`` of this two-player game.
    played
        Cells played with positive probability in the profile the view was taken at.
    """

    row: str
    column: str
    row_actions: tuple[str, ...]
    column_actions: tuple[str, ...]
    row_payoffs: FloatArray
    column_payoffs: FloatArray
    equilibria: tuple[tuple[int, int], ...]
    played: tuple[tuple[int, int], ...]


def pure_equilibria_2p(a: FloatArray, b: FloatArray,
                       tol: float = 1e-9) -> tuple[tuple[int, int], ...]:
    """Pure Nash equilibria of the bimatrix game ``(a, b)``: mutual best responses."""
    scale = max(float(max(a.max(), b.max()) - min(a.min(), b.min())), 1.0) * tol
    row_best = a >= a.max(axis=0, keepdims=True) - scale
    col_best = b >= b.max(axis=1, keepdims=True) - scale
    return tuple((int(r), int(c)) for r, c in np.argwhere(row_best & col_best))


def bimatrix(game: NormalFormGame, mixed: MixedProfile, r: int, c: int) -> tuple[FloatArray,
                                                                                FloatArray]:
    """Players ``r``'s and ``c``'s payoff matrices (rows: ``r``'s actions) with every other
    player at its strategy in ``mixed``."""
    out = []
    for p in (r, c):
        values = game.payoffs[p]
        for j in reversed(range(game.n_players)):
            if j not in (r, c):
                values = np.tensordot(values, mixed[j], axes=([j], [0]))
        out.append(np.asarray(values if r < c else values.T, dtype=np.float64))
    return out[0], out[1]


def counterpart_views(game: NormalFormGame, profile: MixedProfile, row: str,
                      columns: Sequence[str]) -> tuple[BimatrixView, ...]:
    """Each of ``columns``' two-player game against ``row`` in ``game``, the players
    outside each view at their strategy in ``profile``."""
    mixed = game.as_mixed(profile)
    r = game.player_index(row)
    out = []
    for column in columns:
        c = game.player_index(column)
        a, b = bimatrix(game, mixed, r, c)
        weight = np.multiply.outer(mixed[r], mixed[c])
        out.append(BimatrixView(
            row=game.players[r], column=game.players[c], row_actions=game.actions[r],
            column_actions=game.actions[c], row_payoffs=a, column_payoffs=b,
            equilibria=pure_equilibria_2p(a, b),
            played=tuple((int(i), int(j)) for i, j in np.argwhere(weight > 1e-9)),
        ))
    return tuple(out)


def title_views(views: Sequence[BimatrixView], labels: Labels) -> str:
    """Finding of the two-player views: what each counterpart plays against the row player."""
    if not views:
        return "No counterparts"
    parts = []
    for v in views:
        acts = " or ".join(labels.action(v.column, v.column_actions[c])
                           for c in sorted({c for _, c in v.played}))
        parts.append(f"{labels.player(v.column)} plays {acts}")
    first = views[0]
    own = " or ".join(labels.action(first.row, first.row_actions[r])
                      for r in sorted({r for r, _ in first.played}))
    return f"In equilibrium {labels.player(first.row)} plays {own}; " + ", ".join(parts)


def draw_bimatrix(view: BimatrixView, ax: Axes | None = None, *,
                  norm: Normalize | None = None, cmap: str | Colormap = PAYOFF_CMAP,
                  labels: Labels | None = None) -> Axes:
    """Draw a :class:`BimatrixView`: colour = the row player's payoff, both payoffs written,
    the played cell framed and pure equilibria starred."""
    ax = axes_or_new(ax, SIZE)
    lab = labels or Labels.default()
    image = ax.imshow(view.row_payoffs, cmap=cmap, norm=norm or payoff_norm(view.row_payoffs))
    row_name, col_name = lab.player(view.row), lab.player(view.column)
    for (r, c), v in np.ndenumerate(view.row_payoffs):
        star = " *" if (r, c) in view.equilibria else ""
        other = num(float(view.column_payoffs[r, c]))
        ax.text(c, r, f"{row_name} {num(v)}\n{col_name} {other}{star}",
                ha="center", va="center", fontsize=8.5, color=cell_colour(image, float(v)),
                in_layout=False)
    for r, c in view.played:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="black",
                               linewidth=2.5, zorder=3))
    ax.set_xticks(range(len(view.column_actions)),
                  [lab.action(view.column, a) for a in view.column_actions])
    ax.set_yticks(range(len(view.row_actions)), [lab.action(view.row, a) for a in view.row_actions])
    ax.set_xlabel(f"{col_name}'s action")
    ax.set_ylabel(f"{row_name}'s action")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(f"{row_name} vs {col_name}", fontsize=11)
    return ax


@register("payoffs_counterparts", size=SIZE, order=20, source=RunResults,
          caption="Each counterpart's two-player game against Syria at round 0, the other "
          "two held at their equilibrium play.")
def build(results: RunResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    game = results.stage_game(0)
    views = counterpart_views(game, results.profile(0), results.focal, results.counterparts)
    # The colour scale of Syria's payoff map, so the same colour means the same payoff.
    own = game.payoffs[game.player_index(results.focal)]
    norm = payoff_norm(own)
    axes = fig.subplots(1, len(views), squeeze=False)[0]
    for view, ax in zip(views, axes, strict=True):
        draw_bimatrix(view, ax, norm=norm, labels=context.labels)
    fig.colorbar(axes[0].images[0], ax=list(axes), fraction=0.02, pad=0.01, shrink=0.8,
                 label=f"{context.labels.player(results.focal)}'s payoff\n({PAYOFF_UNIT})")
    suptitle(fig, title_views(views, context.labels))
    fig.supxlabel("Each panel holds the other two counterparts at their equilibrium play. "
                  "Framed: equilibrium play; *: pure equilibrium of the two-player game.",
                  fontsize=9, fontweight="normal")
    return fig
