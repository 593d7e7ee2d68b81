"""Figure: the horizon's distribution over the Monte Carlo draws, split by exit path."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.figures.common import (
    EXIT_COLOURS,
    NEVER_COLOUR,
    NEVER_HATCH,
    axes_or_new,
    new_figure,
    suptitle,
)
from sim.figures.registry import Context, register
from sim.labels import Labels
from sim.results import MonteCarloAnalysis
from sim.views import present_exits
from sim.wording import central_range, never_text, plural_unit, quantile_name

IntArray = npt.NDArray[np.int64]
SIZE = (10.0, 5.5)


@dataclass(frozen=True)
class HorizonHistogram:
    """The horizon's distribution over Monte Carlo draws, split by exit path.

    Attributes
    ----------
    horizons
        The horizon values ``0 .. rounds - 1`` (bin centres).
    counts
        Exit -> draws with that horizon and exit (each of ``len(horizons)``).
    never
        Draws in which hedging lasts the whole run (drawn as a bar at ``rounds``).
    quantiles
        ``{q: horizon}`` ("never" counted as ``rounds``).
    shares
        Exit or ``"none"`` -> share of draws.
    draws, rounds
        Number of draws, the run's length.
    """

    horizons: IntArray
    counts: dict[str, IntArray]
    never: int
    quantiles: dict[float, float]
    shares: dict[str, float]
    draws: int
    rounds: int


def horizon_histogram(mc: MonteCarloAnalysis) -> HorizonHistogram:
    """The :class:`HorizonHistogram` of a Monte Carlo result."""
    rounds = int(mc.rounds)
    ends = [(h, e) for h, e in zip(mc.horizon, mc.exit, strict=True) if h is not None]
    counts: dict[str, IntArray] = {}
    for label in present_exits(mc.exit):
        found = [h for h, e in ends if e == label]
        if found:
            counts[label] = np.bincount(found, minlength=rounds)[:rounds].astype(np.int64)
    orphan = [h for h, e in ends if e is None]  # a horizon without an exit still counts
    if orphan:
        counts["unknown"] = np.bincount(orphan, minlength=rounds)[:rounds].astype(np.int64)
    return HorizonHistogram(
        horizons=np.arange(rounds, dtype=np.int64),
        counts=counts,
        never=sum(h is None for h in mc.horizon),
        quantiles=mc.quantile_values(),
        shares=dict(mc.exit_shares),
        draws=len(mc.horizon),
        rounds=rounds,
    )


def _q_value(v: float, rounds: int) -> str:
    return "never" if v >= rounds else f"{v:g}"


def title_distribution(hist: HorizonHistogram, round_unit: str) -> str:
    """Finding of the distribution: median horizon, the central 90% and the never share."""
    units = plural_unit(round_unit)
    q = hist.quantiles
    parts = []
    med = q.get(0.5)
    if med is not None:
        parts.append(f"Median horizon {_q_value(med, hist.rounds)}"
                     + ("" if med >= hist.rounds else f" {units}"))
    if 0.05 in q and 0.95 in q:
        parts.append(central_range(q[0.05], q[0.95], hist.rounds, round_unit))
    parts.append(f"{hist.never / max(hist.draws, 1):.0%} never leave hedging within "
                 f"{hist.rounds} {units}")
    return "; ".join(parts) + f" ({hist.draws} draws)"


def draw_distribution(hist: HorizonHistogram, ax: Axes | None = None, *,
                      round_unit: str = "round", labels: Labels | None = None,
                      focal: str = "syria") -> Axes:
    """Draw the histogram: bars per horizon stacked by exit path, "never" as its own hatched
    bar at the run's length, the quantiles as vertical lines; exit shares in the legend."""
    ax = axes_or_new(ax, SIZE)
    lab = labels or Labels.default()
    x = hist.horizons
    bottom = np.zeros(len(x))
    n = max(hist.draws, 1)
    for label, c in hist.counts.items():
        share = hist.shares.get(label, float(c.sum()) / n)
        ax.bar(x, c, bottom=bottom, width=0.85, color=EXIT_COLOURS.get(label, "grey"),
               label=f"then {lab.player(focal)} exits to {lab.action(focal, label)} "
                     f"({share:.0%} of draws)")
        bottom += c
    if hist.never:
        ax.bar([hist.rounds], [hist.never], width=0.85, color=NEVER_COLOUR,
               edgecolor="#9a9a9a", hatch=NEVER_HATCH, linewidth=0,
               label=f"{never_text(hist.rounds, round_unit)} ({hist.never / n:.0%} of draws)")
    top = float(max(bottom.max() if len(bottom) else 0.0, hist.never, 1.0))
    # quantiles: one line per distinct value, labels of equal values merged
    by_value: dict[float, list[float]] = {}
    for q, v in hist.quantiles.items():
        by_value.setdefault(float(v), []).append(q)
    for level, (v, qs) in enumerate(sorted(by_value.items())):
        median = any(abs(q - 0.5) < 1e-12 for q in qs)
        y = top * (1.05 + 0.08 * (level % 2))
        ax.plot([v, v], [0, y], color="black", linewidth=1.6 if median else 1.0,
                linestyle="-" if median else "--", zorder=4)
        ax.text(v, y, ", ".join(quantile_name(q) for q in qs) + f": {_q_value(v, hist.rounds)}",
                ha="center", va="bottom", fontsize=8.5, zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    ax.set_ylim(0, top * 1.25)
    ticks = list(range(0, hist.rounds, max(1, hist.rounds // 12)))
    tick_labels = [str(t) for t in ticks]
    if hist.never:
        ticks.append(hist.rounds)
        tick_labels.append("never")
    ax.set_xticks(ticks, tick_labels)
    ax.set_xlim(-0.8, hist.rounds + 0.8)
    ax.set_xlabel(f"myopic horizon ({plural_unit(round_unit)}); lines: quantiles over "
                  "draws (never counted as the run's length)")
    ax.set_ylabel("draws")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3)
    return ax


@register("horizon_distribution", size=SIZE, order=120, source=MonteCarloAnalysis,
          caption="The myopic horizon over the Monte Carlo draws, each bar split by where "
          "Syria goes next; the hatched bar counts the draws that never leave hedging; lines "
          "mark the quantiles.")
def build(mc: MonteCarloAnalysis, context: Context) -> Figure:
    fig = new_figure(SIZE)
    hist = horizon_histogram(mc)
    draw_distribution(hist, fig.add_subplot(), round_unit=context.round_unit,
                      labels=context.labels, focal=context.focal)
    suptitle(fig, title_distribution(hist, context.round_unit))
    return fig
