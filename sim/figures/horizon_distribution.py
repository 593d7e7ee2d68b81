"""Figure: the median horizon over the Monte Carlo draws, split by where the hedge most
likely ends; collapse first and never within the run as bars of their own."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.figures.common import axes_or_new, new_figure, suptitle
from sim.figures.horizon_grid import end_text
from sim.figures.registry import Context, register
from sim.figures.style import COLLAPSE_COLOUR, NEVER_COLOUR, NEVER_HATCH, OUTCOME_COLOURS
from sim.labels import Labels
from sim.results import MonteCarloAnalysis
from sim.views import HorizonCounts, horizon_counts
from sim.wording import never_text, plural_unit

SIZE = (10.0, 5.5)


def title_distribution(counts: HorizonCounts, round_unit: str) -> str:
    """Finding of the distribution: the median among draws whose hedging ends, and the
    shares that collapse first or never end."""
    units = plural_unit(round_unit)
    n = max(counts.draws, 1)
    median = counts.median_of_ends()
    parts = ["no draw's hedging ends within the run" if median is None
             else f"median horizon {median:g} {units} among draws whose hedging ends"]
    parts.append(f"{counts.never / n:.0%} never within {counts.rounds} {units}")
    parts.append(f"{counts.collapse / n:.0%} collapse first")
    return "; ".join(parts) + f" ({counts.draws} draws)"


def draw_distribution(counts: HorizonCounts, ax: Axes | None = None, *,
                      round_unit: str = "round", labels: Labels | None = None,
                      focal: str = "syria") -> Axes:
    """Draw the histogram: a bar per median horizon stacked by the most likely end, then
    "collapse" and "never" as hatched or dark bars of their own beyond the run's rounds."""
    ax = axes_or_new(ax, SIZE)
    lab = labels or Labels.default()
    x = counts.horizons
    bottom = np.zeros(len(x))
    n = max(counts.draws, 1)
    for end, c in counts.counts.items():
        ax.bar(x, c, bottom=bottom, width=0.85, color=OUTCOME_COLOURS.get(end, "grey"),
               label=f"then most likely: {end_text(end, lab, focal, counts.rounds, round_unit)} "
                     f"({int(c.sum()) / n:.0%})")
        bottom += c
    collapse_at, never_at = counts.rounds + 1, counts.rounds + 2
    if counts.collapse:
        ax.bar([collapse_at], [counts.collapse], width=0.85, color=COLLAPSE_COLOUR,
               label=f"collapse first ({counts.collapse / n:.0%})")
    if counts.never:
        ax.bar([never_at], [counts.never], width=0.85, color=NEVER_COLOUR, edgecolor="#9a9a9a",
               hatch=NEVER_HATCH, linewidth=0,
               label=f"{never_text(counts.rounds, round_unit)} ({counts.never / n:.0%})")
    top = float(max(bottom.max() if len(bottom) else 0.0, counts.never, counts.collapse, 1.0))
    median = counts.median_of_ends()
    if median is not None:
        ax.axvline(median, color="black", linewidth=1.4)
        ax.text(median, top * 1.05, f"median of the ends: {median:g}", ha="center",
                va="bottom", fontsize=8.5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    ax.axvline(counts.rounds, color="#9a9a9a", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, top * 1.2)
    ticks = list(range(0, counts.rounds, max(1, counts.rounds // 12)))
    ax.set_xticks([*ticks, collapse_at, never_at],
                  [*(str(t) for t in ticks), "collapse", "never"])
    ax.set_xlim(-0.8, never_at + 0.8)
    ax.set_xlabel(f"median horizon ({plural_unit(round_unit)}), or the outcome of its own "
                  "when hedging does not end within the run with probability 1/2")
    ax.set_ylabel("draws")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, fontsize=8.5)
    return ax


@register("horizon_distribution", size=SIZE, order=120, source=MonteCarloAnalysis,
          caption="The median horizon over the Monte Carlo draws, each bar split by where the "
          "hedge most likely ends; draws in which the regime collapses first or hedging never "
          "ends within the run have bars of their own, never folded into the last round.")
def build(mc: MonteCarloAnalysis, context: Context) -> Figure:
    fig = new_figure(SIZE)
    counts = horizon_counts(mc)
    draw_distribution(counts, fig.add_subplot(), round_unit=context.round_unit,
                      labels=context.labels, focal=context.focal)
    suptitle(fig, title_distribution(counts, context.round_unit))
    return fig
