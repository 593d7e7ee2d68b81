"""Figure: why Syria hedges in round 0, its stage payoff term by term against each
alternative, each term with the claims behind it (Model 2)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.figures.common import NEGATIVE, POSITIVE, new_figure, panel_title, suptitle
from sim.figures.registry import Context, register
from sim.results import ArticleResults

SIZE = (11.0, 6.0)


def term_bars(results: ArticleResults, alternative: str) -> tuple[list[str], np.ndarray]:
    """The terms that differ, labelled with their claims, and hedge-minus-``alternative``
    per term (largest first)."""
    dec = results.decomposition
    terms = sorted((t for t in dec.nonzero_terms() if abs(t.differences[alternative]) > 1e-9),
                   key=lambda t: -abs(t.differences[alternative]))
    names = [t.name.replace("_", " ") + (f" ({', '.join(t.claims)})" if t.claims else "")
             for t in terms]
    return names, np.array([t.differences[alternative] for t in terms])


@register("terms", size=SIZE, order=70, source=ArticleResults,
          caption="Why Syria hedges in round 0: its stage payoff from hedging minus each "
          "alternative, term by term (the others at their selected play; continuation values "
          "apart), with the article's claims behind each term.")
def build(results: ArticleResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    dec = results.decomposition
    lab = context.labels
    axes = fig.subplots(1, len(dec.alternatives), sharey=False)
    for ax, alt in zip(np.atleast_1d(axes), dec.alternatives, strict=True):
        names, values = term_bars(results, alt)
        y = np.arange(len(names))
        ax.barh(y, values, color=[POSITIVE if v > 0 else NEGATIVE for v in values])
        ax.set_yticks(y, names, fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", linewidth=0.8)
        panel_title(ax, f"{lab.action(dec.player, dec.focus)} minus "
                    f"{lab.action(dec.player, alt)}: {dec.totals[alt]:+.2f}")
        ax.set_xlabel("payoff units per round")
    me = lab.player(dec.player)
    best = max(dec.totals, key=lambda a: -dec.totals[a])
    suptitle(fig, f"In round 0 {me}'s stage payoff from {lab.action(dec.player, dec.focus)} "
             f"beats {lab.action(dec.player, best)} by {dec.totals[best]:.2f} (the closest "
             "alternative)" if dec.totals[best] > 0 else
             f"In round 0 {me}'s stage payoff alone favours "
             f"{lab.action(dec.player, best)}: continuation values decide")
    return fig
