"""Figure: when Syria stops hedging for sure, as a distribution over rounds with the
regime's collapse and "never within the run" as outcomes of their own (Model 2)."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.figures.common import new_figure, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import (
    COLLAPSE_COLOUR,
    COLLAPSE_LABEL,
    NEVER_COLOUR,
    NEVER_HATCH,
    NEVER_LABEL,
    STANCE_COLOURS,
    bar_positions,
    date_axis,
    format_date,
    tick_rounds,
)
from sim.report.sentences import horizon_sentence
from sim.results import ArticleResults
from sim.results.article import HorizonDistribution

SIZE = (11.0, 5.0)
def outcome_axis(ax: Axes, results: ArticleResults) -> None:
    """The x axis of a distribution over rounds followed by the collapse and never bars:
    rounds (dated when the run is) and the two outcomes of their own, named."""
    n = len(results.rounds)
    x_c, x_n = bar_positions(n)
    dates = results.dates
    date_axis(ax, None if dates is None else dates[:n], round_unit=results.round_unit,
              round_days=results.scenario.round_days)
    ticks = tick_rounds(n)
    shown = [str(t) if dates is None else format_date(dates[t], results.scenario.round_days)
             for t in ticks]
    ax.set_xticks([*ticks, x_c, x_n], [*shown, "collapse", "never"])
    ax.set_xlim(-0.7, x_n + 0.7)


def title_horizon(results: ArticleResults) -> str:
    return horizon_sentence(results, results.horizon).split(";")[0]


def draw_horizon(ax: Axes, h: HorizonDistribution, n: int, *, colour: str,
                 label: str, outline: bool = False) -> None:
    """Bars of ``h`` per round and its collapse and never bars (``outline``: unfilled)."""
    x_c, x_n = bar_positions(n)
    style = dict(facecolor="none", edgecolor=colour, linewidth=1.5) if outline else \
        dict(color=colour)
    ax.bar(range(n), h.at, width=0.8, label=label, **style)
    if outline:
        ax.bar([x_c, x_n], [h.collapse, h.never], width=0.8, **style)
        return
    ax.bar([x_c], [h.collapse], width=0.8, color=COLLAPSE_COLOUR,
           label=COLLAPSE_LABEL + " first")
    ax.bar([x_n], [h.never], width=0.8, color=NEVER_COLOUR,
           hatch=NEVER_HATCH, edgecolor="white", label=NEVER_LABEL)


@register("horizon", size=SIZE, order=30, source=ArticleResults,
          caption="When Syria first stops hedging for sure: the probability of each round, of "
          "the regime collapsing first, and of never within the run (its own bar, never folded "
          "into the last round); the outline is the myopic path's.")
def build(results: ArticleResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    ax = fig.add_subplot()
    n = len(results.rounds)
    draw_horizon(ax, results.horizon, n, colour=STANCE_COLOURS["hedge"],
                 label="forward-looking (Markov-perfect)")
    myopic = results.horizons.myopic
    if myopic is not None:
        draw_horizon(ax, myopic, n, colour="#555555", label="myopic (stage-optimal)",
                     outline=True)
    outcome_axis(ax, results)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability")
    ax.legend(loc="upper left")
    suptitle(fig, title_horizon(results))
    return fig
