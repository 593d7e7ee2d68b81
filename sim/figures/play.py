"""Figure: every player's play per round as stacked probabilities, the regime's collapse on
top (Model 2)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.figures.common import new_figure, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import (
    COLLAPSE_COLOUR,
    COLLAPSE_LABEL,
    action_colour,
    date_axis,
    draw_stacked,
)
from sim.results import ArticleResults
from sim.wording import percent

SIZE = (11.0, 8.5)


def play_shares(results: ArticleResults, player: str) -> np.ndarray:
    """``(rounds, actions + 1)``: the unconditional probability of each of ``player``'s
    actions per round, then the probability the regime has fallen (each row sums to 1)."""
    return np.array([[*r.actions[player].values(), r.collapsed] for r in results.rounds])


def title_play(results: ArticleResults, context: Context) -> str:
    """The finding: how likely the focal player hedges in the first and the last round."""
    hedge = results.series(results.focal, results.focus)
    me = context.labels.player(results.focal)
    return (f"{me} hedges with probability {percent(hedge[0])} in the first round and "
            f"{percent(hedge[-1])} in the last")


@register("path", size=SIZE, order=10, source=ArticleResults,
          caption="The selected equilibrium's play per round, exact probabilities: each "
          "player's actions stacked, the probability the regime has fallen on top.")
def build(results: ArticleResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    axes = fig.subplots(len(results.players), 1, sharex=True)
    lab = context.labels
    n = len(results.rounds)
    for ax, player in zip(axes, results.players, strict=True):
        names = [*results.actions[player], "collapsed"]
        colours = [*(action_colour(player, a) for a in results.actions[player]),
                   COLLAPSE_COLOUR]
        shown = [*(lab.action(player, a) for a in results.actions[player]), COLLAPSE_LABEL]
        draw_stacked(ax, play_shares(results, player), names, colours, labels=shown)
        ax.set_ylim(0, 1)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylabel(lab.player(player))
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    dates = results.dates
    # the axes share x: the dates label the bottom axis, the round index tops the first
    date_axis(axes[0], None if dates is None else dates[:n], round_unit=results.round_unit,
              round_days=results.scenario.round_days)
    axes[-1].set_xlabel(axes[0].get_xlabel())
    axes[0].set_xlabel("")
    suptitle(fig, title_play(results, context))
    return fig
