"""Figure: each counterpart's belief that Syria is an opportunist against it, over time:
mean and the 10-90% band over the states the regime stands in (Model 2)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.figures.common import PLAYER_COLOURS, new_figure, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import date_axis, draw_steps, round_edges
from sim.results import ArticleResults

SIZE = (11.0, 7.0)


def belief_series(results: ArticleResults, counterpart: str) -> dict[str, np.ndarray]:
    """``{"mean": (T,), q: (T,) ...}``: the counterpart's belief summary per round."""
    out = {"mean": np.array([r.beliefs[counterpart].mean for r in results.rounds])}
    for q in results.rounds[0].beliefs[counterpart].quantiles:
        out[q] = np.array([r.beliefs[counterpart].quantiles[q] for r in results.rounds])
    return out


def title_beliefs(results: ArticleResults, context: Context) -> str:
    lab = context.labels
    moved = {cp: belief_series(results, cp)["mean"] for cp in results.counterparts}
    cp = max(moved, key=lambda c: moved[c][-1] - moved[c][0])
    a, b = moved[cp][0], moved[cp][-1]
    return (f"{lab.player(cp)}'s suspicion moves most: its mean belief goes from {a:.2f} to "
            f"{b:.2f}")


@register("beliefs", size=SIZE, order=50, source=ArticleResults,
          caption="Each counterpart's belief that Syria is an opportunist against it, given the "
          "regime stands: the mean (line) and the band between the 10% and 90% quantiles.")
def build(results: ArticleResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    cps = results.counterparts
    axes = fig.subplots(len(cps), 1, sharex=True)
    n = len(results.rounds)
    edges = round_edges(n)
    for ax, cp in zip(axes, cps, strict=True):
        series = belief_series(results, cp)
        qs = [q for q in series if q != "mean"]
        colour = PLAYER_COLOURS.get(cp, "#555555")
        if len(qs) >= 2:
            lo, hi = series[qs[0]], series[qs[-1]]
            ax.fill_between(edges, np.append(lo, lo[-1]), np.append(hi, hi[-1]), step="post",
                            color=colour, alpha=0.2, linewidth=0,
                            label=f"{float(qs[0]):.0%}-{float(qs[-1]):.0%} band")
        draw_steps(ax, series["mean"], color=colour, linewidth=2, label="mean")
        ax.set_ylim(0, 1)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylabel(context.labels.player(cp))
        ax.legend(loc="upper left", fontsize=8)
    dates = results.dates
    # the axes share x: the dates label the bottom axis, the round index tops the first
    date_axis(axes[0], None if dates is None else dates[:n], round_unit=results.round_unit,
              round_days=results.scenario.round_days)
    axes[-1].set_xlabel(axes[0].get_xlabel())
    axes[0].set_xlabel("")
    suptitle(fig, title_beliefs(results, context))
    return fig
