"""Figure: where the hedge ends, Syria's first action other than hedging and when, with the
regime's collapse and "never within the run" as outcomes of their own (Model 2)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.figures.common import new_figure, suptitle
from sim.figures.horizon import bar_positions, outcome_axis
from sim.figures.registry import Context, register
from sim.figures.style import (
    COLLAPSE_COLOUR,
    COLLAPSE_LABEL,
    NEVER_COLOUR,
    NEVER_HATCH,
    NEVER_LABEL,
    action_colour,
)
from sim.report.sentences import exit_phrase
from sim.results import ArticleResults
from sim.wording import join, percent

SIZE = (11.0, 5.0)


def exit_shares(results: ArticleResults) -> tuple[list[str], np.ndarray]:
    """The exit actions and ``(rounds, actions)``: the probability each is the first
    non-hedge action, in each round."""
    names = list(results.exit.at[0]) if results.exit.at else []
    return names, np.array([[row[a] for a in names] for row in results.exit.at])


def title_exit(results: ArticleResults) -> str:
    ex = results.exit
    told = [f"{exit_phrase(results, k)} ({percent(ex.totals[k])})" for k in ex.mode]
    lead = "Most likely" if len(told) == 1 else "Equally likely"
    return f"{lead}: {join(told)}"


@register("exit", size=SIZE, order=40, source=ArticleResults,
          caption="Where the hedge ends: the probability that Syria's first action other than "
          "hedging is to align or to realign, round by round, that the regime falls while Syria "
          "has only hedged, and that Syria hedges in every round (never).")
def build(results: ArticleResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    ax = fig.add_subplot()
    lab = context.labels
    names, shares = exit_shares(results)
    n = len(results.rounds)
    bottom = np.zeros(n)
    for k, a in enumerate(names):
        ax.bar(range(n), shares[:, k], bottom=bottom, width=0.8,
               color=action_colour(results.focal, a),
               label=f"{lab.action(results.focal, a)} "
               f"({percent(results.exit.totals[a])} in all)")
        bottom = bottom + shares[:, k]
    x_c, x_n = bar_positions(n)
    ax.bar([x_c], [results.exit.collapse], width=0.8, color=COLLAPSE_COLOUR,
           label=f"{COLLAPSE_LABEL} ({percent(results.exit.collapse)})")
    ax.bar([x_n], [results.exit.never], width=0.8, color=NEVER_COLOUR, hatch=NEVER_HATCH,
           edgecolor="white", label=f"{NEVER_LABEL} ({percent(results.exit.never)})")
    outcome_axis(ax, results)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.legend(loc="upper left")
    suptitle(fig, title_exit(results))
    return fig
