"""Figure: Syria's outcome per round (hedges, aligns, realigns, the regime has fallen) and
the survival curve beside it (Model 2)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.figures.common import new_figure, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import (
    COLLAPSE_COLOUR,
    COLLAPSE_LABEL,
    STANCES,
    action_colour,
    date_axis,
    draw_stacked,
    draw_steps,
)
from sim.results import ArticleResults
from sim.wording import count_text, percent

SIZE = (11.0, 6.5)


def outcome_shares(results: ArticleResults) -> np.ndarray:
    """``(rounds, 4)``: per round the probability the focal player hedges, aligns,
    realigns (the stances' order) and that the regime has fallen; rows sum to 1."""
    return np.array([[*(r.actions[results.focal][s] for s in STANCES), r.collapsed]
                     for r in results.rounds])


def title_outcomes(results: ArticleResults) -> str:
    n = len(results.rounds)
    return (f"The regime stands after {count_text(n, results.round_unit)} with probability "
            f"{percent(results.survival[-1])}")


@register("outcomes", size=SIZE, order=20, source=ArticleResults,
          caption="Syria's outcome per round (exact probabilities: hedges, aligns, realigns, "
          "or the regime has fallen) and the regime's survival curve.")
def build(results: ArticleResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    lab = context.labels
    n = len(results.rounds)
    focal = results.focal
    draw_stacked(top, outcome_shares(results), [*STANCES, "collapsed"],
                 [*(action_colour(focal, s) for s in STANCES), COLLAPSE_COLOUR],
                 labels=[*(lab.action(focal, s) for s in STANCES), COLLAPSE_LABEL])
    top.set_ylim(0, 1)
    top.set_ylabel("probability")
    top.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    # survival at the start of each round, then after the last: steps over n + 1 rounds
    draw_steps(bottom, results.survival, color=COLLAPSE_COLOUR, linewidth=2,
               label="the regime stands")
    bottom.set_ylim(0, 1.02)
    bottom.set_ylabel("survival")
    bottom.set_xlim(-0.5, n + 0.5)
    bottom.legend(loc="lower left")
    dates = results.dates
    date_axis(bottom, dates, round_unit=results.round_unit,
              round_days=results.scenario.round_days, rounds_on=top)
    suptitle(fig, title_outcomes(results))
    return fig
