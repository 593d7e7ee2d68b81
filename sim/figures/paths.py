"""Figure: sampled plays of the selected equilibrium (Model 2): each play's stance per round
as one row, sorted by when it first leaves hedging, and the fan of what Syria can expect
from each round on (its continuation value) over the plays in which the regime stands.

The probabilities elsewhere are exact; these plays are draws from the same equilibrium
(``ArticleResults.paths``, the engine's ``Solution.sample`` with the scenario's seed), so a
reader sees individual histories: how often a hedge ends, how quickly, and how far Syria's
prospects spread as the counterparts learn.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.figures.common import new_figure, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import (
    COLLAPSE_COLOUR,
    COLLAPSE_LABEL,
    STANCES,
    action_colour,
    date_axis,
    draw_steps,
    round_edges,
)
from sim.results import ArticleResults

SIZE = (11.0, 7.5)
#: What a play's first departure from hedging can be (or that it never departs).
ENDS: tuple[str, ...] = ("align", "realign", "collapsed", "never")
#: Fan bands over the standing plays: (low, high) quantiles, widest first.
BANDS: tuple[tuple[float, float], ...] = ((0.1, 0.9), (0.25, 0.75))
#: Fewest standing plays a round needs for its fan to be drawn.
MIN_STANDING = 20


def first_departure(stances: list[str], focus: str = "hedge") -> tuple[int | None, str]:
    """The round a play first leaves ``focus`` and what it does then (``never``: it hedges
    in every round)."""
    for t, s in enumerate(stances):
        if s != focus:
            return t, s
    return None, "never"


def departures(results: ArticleResults) -> Counter[str]:
    """How many sampled plays first leave hedging by each of :data:`ENDS`."""
    assert results.paths is not None
    return Counter(first_departure(p, results.focus)[1] for p in results.paths.stances)


def title_paths(results: ArticleResults, context: Context) -> str:
    assert results.paths is not None
    ends = departures(results)
    n = len(results.paths.stances)
    parts = [f"{ends[s]} to {s}" for s in ("realign", "align") if ends[s]]
    if ends["collapsed"]:
        parts.append(f"{ends['collapsed']} in the regime's collapse")
    if not parts:
        return f"All {n} sampled plays hedge throughout"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"Of {n} sampled plays, {sum(ends[s] for s in ENDS[:3])} leave hedging "
            f"({listed}); {ends['never']} hedge throughout")


def value_fan(results: ArticleResults) -> dict[str, np.ndarray]:
    """Per round, over the plays in which the regime stands: ``"standing"`` (count),
    ``"median"`` and each band's ends (``"0.1"``, ``"0.9"``, ...; NaN where fewer than
    :data:`MIN_STANDING` plays stand)."""
    assert results.paths is not None
    values = np.array([[np.nan if c is None else c for c in p]
                       for p in results.paths.value], dtype=np.float64)  # (paths, T)
    standing = np.sum(~np.isnan(values), axis=0)
    enough = standing >= MIN_STANDING
    out: dict[str, np.ndarray] = {"standing": standing}
    qs = sorted({q for band in BANDS for q in band} | {0.5})
    for q in qs:
        col = np.full(values.shape[1], np.nan)
        for t in np.flatnonzero(enough):
            col[t] = np.quantile(values[~np.isnan(values[:, t]), t], q)
        out["median" if q == 0.5 else f"{q:g}"] = col
    return out


@register("paths", size=SIZE, order=45, source=ArticleResults,
          applies=lambda r: r.paths is not None,
          caption="Sampled plays of the selected equilibrium: each row one play's stance per "
          "round (sorted by when it first leaves hedging; black once the regime has fallen), "
          "and the fan of Syria's continuation value (its expected discounted payoff from "
          "that round on) over the plays in which the regime stands: bands between the 10% "
          "and 90% and the 25% and 75% quantiles, and the median. It falls towards the end "
          "of the run partly because fewer rounds are left to earn in.")
def build(results: ArticleResults, context: Context) -> Figure:
    assert results.paths is not None
    lab = context.labels
    focal = results.focal
    fig = new_figure(SIZE)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    n = len(results.rounds)
    codes = {s: k for k, s in enumerate([*STANCES, "collapsed"])}
    colours = [*(action_colour(focal, s) for s in STANCES), COLLAPSE_COLOUR]
    plays = results.paths.stances

    def order(p: list[str]) -> tuple[int, int]:
        t, end = first_departure(p, results.focus)
        return (n if t is None else t, ENDS.index(end) if end in ENDS else len(ENDS))

    rows = np.array([[codes[s] for s in p] for p in sorted(plays, key=order)])
    top.imshow(rows, aspect="auto", interpolation="nearest", cmap=ListedColormap(colours),
               vmin=-0.5, vmax=len(colours) - 0.5, extent=(-0.5, n - 0.5, len(rows), 0))
    top.set_ylabel(f"sampled play ({len(rows)})")
    top.legend(handles=[Patch(color=c, label=lab.action(focal, s) if s in STANCES
                              else COLLAPSE_LABEL)
                        for s, c in zip([*STANCES, "collapsed"], colours, strict=True)],
               loc="center left", bbox_to_anchor=(1.0, 0.5))
    fan = value_fan(results)
    edges = round_edges(n)
    for (lo, hi), alpha in zip(BANDS, (0.18, 0.35), strict=True):
        a, b = fan[f"{lo:g}"], fan[f"{hi:g}"]
        bottom.fill_between(edges, np.append(a, a[-1]), np.append(b, b[-1]), step="post",
                            color=COLLAPSE_COLOUR, alpha=alpha, linewidth=0,
                            label=f"{lo:.0%}-{hi:.0%} of standing plays")
    draw_steps(bottom, fan["median"], color=COLLAPSE_COLOUR, linewidth=2, label="median")
    bottom.axhline(0.0, color="#999999", linewidth=0.6)
    bottom.set_xlim(-0.5, n - 0.5)
    bottom.set_ylabel(f"{lab.player(focal)}'s continuation value")
    bottom.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    date_axis(bottom, results.dates, round_unit=results.round_unit,
              round_days=results.scenario.round_days, rounds_on=top)
    suptitle(fig, title_paths(results, context))
    return fig
