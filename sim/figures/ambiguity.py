"""Figure: what ambiguity is worth per round (Model 2): Syria's payoff from hedging,
continuation values included, minus its best open stance, expected over the states the
regime stands in (:mod:`sim.article.ambiguity`), and the probability that hedging is its
strict best reply."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from sim.figures.common import NEGATIVE, POSITIVE, new_figure, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import STANCE_COLOURS, date_axis, draw_steps, format_date
from sim.results import ArticleResults

SIZE = (11.0, 6.0)


@dataclass(frozen=True)
class AmbiguitySeries:
    """The plot data: per round the value of ambiguity and the probability that hedging
    pays (NaN where the regime has fallen for sure)."""

    value: np.ndarray
    pays: np.ndarray


def ambiguity_series(results: ArticleResults) -> AmbiguitySeries:
    def arr(xs: list[float | None]) -> np.ndarray:
        return np.array([np.nan if x is None else x for x in xs], dtype=np.float64)

    return AmbiguitySeries(arr([r.ambiguity for r in results.rounds]),
                           arr([r.hedging_pays for r in results.rounds]))


def _when(results: ArticleResults, t: int) -> str:
    unit = results.round_unit
    dates = results.dates
    where = f"{unit} {t}"
    if dates is None:
        return where
    return f"{where} ({format_date(dates[t], results.scenario.round_days)})"


def title_ambiguity(results: ArticleResults) -> str:
    """The finding: what hedging is worth at the start, and whether (and from when) it
    stops paying more than an open stance."""
    data = ambiguity_series(results)
    v = data.value
    known = np.flatnonzero(~np.isnan(v))
    if known.size == 0:
        return "The regime has fallen in every round: ambiguity is worth nothing"
    unit = results.round_unit
    first, last = int(known[0]), int(known[-1])
    start = f"{v[first]:.2f}"
    if v[first] <= 0:
        return (f"Hedging pays less than Syria's best open stance from the start: by "
                f"{-v[first]:.2f} in {_when(results, first)}")
    below = [int(t) for t in known if v[t] <= 0]
    if not below:
        return (f"Hedging pays more than Syria's best open stance in every {unit}: by "
                f"{start} at the start, {v[last]:.2f} in {_when(results, last)}")
    t = below[0]
    return (f"Hedging is worth {start} over Syria's best open stance at the start and "
            f"stops paying in {_when(results, t)} ({v[t]:.2f})")


@register("ambiguity", size=SIZE, order=25, source=ArticleResults,
          caption="What ambiguity is worth per round: Syria's payoff from hedging (continuation "
          "values included, against the others' selected play) minus its best open stance, "
          "expected over the states the regime stands in; below, the probability that "
          "hedging is its strict best reply.")
def build(results: ArticleResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    data = ambiguity_series(results)
    n = len(results.rounds)
    v = data.value
    top.axhline(0.0, color="#555555", linewidth=0.8)
    draw_steps(top, v, color=STANCE_COLOURS["hedge"], linewidth=2,
               label="value of ambiguity (expected)")
    edges = np.arange(n + 1) - 0.5
    shown = np.nan_to_num(v)
    top.stairs(np.maximum(shown, 0.0), edges, baseline=0.0, fill=True, color=POSITIVE,
               alpha=0.15, label="hedging pays")
    top.stairs(np.minimum(shown, 0.0), edges, baseline=0.0, fill=True, color=NEGATIVE,
               alpha=0.15, label="an open stance pays more")
    top.set_ylabel("hedge minus best alternative\n(payoff, what follows included)")
    top.legend(loc="best")
    draw_steps(bottom, data.pays, color=POSITIVE, linewidth=2,
               label=f"P(hedging is {context.labels.player(results.focal)}'s strict best reply)")
    bottom.set_ylim(-0.02, 1.02)
    bottom.set_ylabel("probability,\ngiven the regime stands")
    bottom.set_xlim(-0.5, n - 0.5)
    bottom.legend(loc="lower left")
    date_axis(bottom, results.dates[:n] if results.dates else None,
              round_unit=results.round_unit, round_days=results.scenario.round_days,
              rounds_on=top)
    suptitle(fig, title_ambiguity(results).replace("Syria", context.labels.player(results.focal)))
    return fig
