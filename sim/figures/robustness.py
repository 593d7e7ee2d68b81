"""Figure: the answers under every selection rule solved (Model 2)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.figures.common import new_figure, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import (
    COLLAPSE_COLOUR,
    NEVER_COLOUR,
    NEVER_HATCH,
    OUTCOME_COLOURS,
    date_axis,
    draw_steps,
    round_edges,
)
from sim.report.sentences import rule_name
from sim.results import ArticleResults

SIZE = (12.0, 5.0)
#: Line styles of the rules, in order.
STYLES = ("-", "--", ":", "-.")


#: The legend entry of the fragile states' probability.
FRAGILE = "in a state with several equilibria"


def fragile_series(results: ArticleResults) -> np.ndarray | None:
    """Per round, the probability play is in a state whose stage game has more than one
    equilibrium found (None when the run did not search)."""
    values = [r.fragile for r in results.rounds]
    if any(v is None for v in values):
        return None
    return np.array(values, dtype=np.float64)


def title_robustness(results: ArticleResults) -> str:
    rob = results.robustness
    if len(results.by_rule) == 1:
        return "One selection rule solved: robustness across rules not known"
    if rob.horizon and rob.exit and rob.collapse:
        return "Every selection rule gives the same answers"
    differ = [n for n, ok in (("horizon", rob.horizon), ("end of the hedge", rob.exit),
                              ("collapse", rob.collapse)) if not ok]
    return "The selection rule changes the " + " and the ".join(differ)


@register("robustness", size=SIZE, order=60, source=ArticleResults,
          caption="The answers under each selection rule of the engine: Syria's probability of "
          "hedging per round (left), with the probability that play is in a state whose stage "
          "game has more than one equilibrium (shaded: there the selected play is one of "
          "several), and where the hedge ends (right).")
def build(results: ArticleResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    n = len(results.rounds)
    fragile = fragile_series(results)
    if fragile is not None:
        left.stairs(fragile, round_edges(n), baseline=0.0, fill=True, color=NEVER_COLOUR,
                    alpha=0.6, label=FRAGILE)
    for k, a in enumerate(results.by_rule):
        draw_steps(left, a.hedge, color="#333333", linestyle=STYLES[k % len(STYLES)],
                   linewidth=1.8,
                   label=f"{context.labels.player(results.focal)} hedges: {rule_name(a.rule)}")
    left.set_ylim(0, 1.02)
    left.set_xlim(-0.5, n - 0.5)
    left.set_ylabel("probability")
    left.legend(loc="lower left")
    dates = results.dates
    date_axis(left, None if dates is None else dates[:n], round_unit=results.round_unit,
              round_days=results.scenario.round_days)
    keys = list(results.exit.totals)
    y = np.arange(len(results.by_rule))
    start = np.zeros(len(results.by_rule))
    for key in keys:
        width = np.array([a.exit.totals[key] for a in results.by_rule])
        colour = OUTCOME_COLOURS.get(key, COLLAPSE_COLOUR)
        right.barh(y, width, left=start, color=colour,
                   hatch=NEVER_HATCH if colour == NEVER_COLOUR else None, edgecolor="white",
                   label=key)
        start = start + width
    right.set_yticks(y, [rule_name(a.rule) for a in results.by_rule])
    right.invert_yaxis()
    right.set_xlim(0, 1)
    right.set_xlabel("probability the hedge ends so")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=len(keys))
    suptitle(fig, title_robustness(results))
    return fig
