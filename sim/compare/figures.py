"""The comparison's figures: how each scenario's hedge ends (stacked probabilities, never
and collapse included), and over calendar time how long it lasts, how likely the regime
has fallen, and what the ambiguity is worth. Titles state the finding, computed from the
headlines (:func:`title_ends`, :func:`title_time`; tested against the numbers)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.compare.headlines import ENDS, Headlines
from sim.compare.table import horizon_text
from sim.figures.common import new_figure, style, suptitle
from sim.figures.style import NEVER_HATCH, OUTCOME_COLOURS, text_colour
from sim.wording import join, percent

#: A line style per scenario (colour is not the only cue: up to 7 scenarios).
LINE_STYLES: tuple[str, ...] = ("-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)),
                                (0, (1, 3)))  # type: ignore[assignment]
#: Scenario colours (Okabe-Ito, black first).
SCENARIO_COLOURS: tuple[str, ...] = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                     "#E69F00", "#56B4E9")
END_NAMES: dict[str, str] = {"align": "align (with Iran)", "realign": "realign (away)",
                             "collapse": "regime collapse first", "never": "never in the run"}


def horizon_length(h: Headlines) -> float:
    """How long the median horizon is, comparable across scenarios whose rounds differ: in
    days from the start when dated, else in rounds. Where it is not within the run this is
    the run's length: a lower bound (:func:`censored`)."""
    m = h.horizon_median()
    end = h.rounds if m is None else m
    if h.dated:
        days = h.round_days or 0.0
        start = h.dates[0]
        if m is None:
            return float((h.dates[-1] - start).days) + days  # type: ignore[operator]
        return float((h.dates[end] - start).days)  # type: ignore[operator]
    return float(end)


def censored(h: Headlines) -> bool:
    """Whether the median horizon lies beyond the run (its length only a lower bound):
    not reached within the run, and Syria still hedging is likelier than the regime having
    fallen first (a collapse first is not a longer hedge)."""
    return h.horizon_median() is None and h.horizon_never >= h.horizon_collapse


def _who(names: list[str]) -> str:
    return join(names) if len(names) <= 3 else f"{len(names)} scenarios"


def title_ends(headlines: Sequence[Headlines]) -> str:
    """Which scenarios hedge longest and which shortest, by the median horizon (in days
    when dated). A median beyond its run is only a lower bound: such a scenario is longest
    only if its bound reaches the longest known median, and never shortest."""
    if not headlines:
        return "No scenarios"
    known = [h for h in headlines if h.horizon_median() is not None]
    if not known:
        return "In no scenario does the median horizon fall within the run"
    top = max(horizon_length(h) for h in known)
    beyond = [h for h in headlines if censored(h) and horizon_length(h) >= top]
    longest = beyond or [h for h in known if horizon_length(h) == top]
    bottom = min(horizon_length(h) for h in known)
    shortest = [h for h in known if horizon_length(h) == bottom]
    if not beyond and bottom == top:
        return f"Every scenario: median horizon {horizon_text(longest[0])}"
    return (f"Hedging lasts longest in {_who([h.name for h in longest])}: median "
            f"{horizon_text(longest[0])}; shortest in {_who([h.name for h in shortest])}: "
            f"median {horizon_text(shortest[0])}")


def title_time(headlines: Sequence[Headlines]) -> str:
    """Which scenario is likeliest to see the regime fall by its end, and how likely."""
    if not headlines:
        return "No scenarios"
    p = max(float(h.fallen[-1]) for h in headlines)
    if p <= 0.0:
        return "In no scenario does the regime fall within the run"
    top = [h.name for h in headlines if float(h.fallen[-1]) == p]
    return (f"The regime is likeliest to have fallen in {_who(top)}: "
            f"{percent(p)} by the end of {'its run' if len(top) == 1 else 'their runs'}")


def _x(h: Headlines) -> np.ndarray:
    """Round edges on the x axis: calendar dates (as matplotlib numbers) when dated."""
    n = h.rounds
    if not h.dated:
        return np.arange(n + 1, dtype=np.float64) - 0.5
    days = [mdates.date2num(d) for d in h.dates]
    step = days[-1] - days[-2] if n > 1 else 30.0
    return np.array([*days, days[-1] + step], dtype=np.float64)


def draw_ends(headlines: Sequence[Headlines]) -> Figure:
    """One horizontal bar per scenario stacked by how its hedge ends; shares of at least
    10% are written in place."""
    fig = new_figure((10.0, 1.2 + 0.55 * max(1, len(headlines))))
    ax = fig.add_subplot()
    names = [h.name for h in headlines]
    y = np.arange(len(headlines))[::-1]
    left = np.zeros(len(headlines))
    for end in ENDS:
        share = np.array([h.exit.get(end, 0.0) for h in headlines])
        ax.barh(y, share, left=left, height=0.7, color=OUTCOME_COLOURS[end],
                hatch=NEVER_HATCH if end == "never" else None, edgecolor="white",
                linewidth=0.5, label=END_NAMES[end])
        for yi, s, lo in zip(y, share, left, strict=True):
            if s >= 0.1:
                ax.text(lo + s / 2, yi, f"{end} {s:.0%}", ha="center", va="center",
                        fontsize=8, color=text_colour(OUTCOME_COLOURS[end]))
        left = left + share
    ax.set_yticks(y, [f"{n}\n{horizon_text(h)}" for n, h in zip(names, headlines,
                                                                  strict=True)],
                  fontsize=8.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability of each end of the hedge")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(headlines) < 4 else -0.15),
              ncols=4)
    suptitle(fig, title_ends(headlines))
    return fig


def draw_time(headlines: Sequence[Headlines]) -> Figure:
    """Panels over time, one line (steps: a value holds for a round) per scenario: the
    probability that Syria hedges, that its certain hedge has ended (the horizon's
    distribution function), that the regime has fallen, and (where the results hold it)
    the value of ambiguity."""
    voa = [h for h in headlines if h.value_of_ambiguity is not None]
    n_panels = 4 if voa else 3
    fig = new_figure((10.0, 2.6 * n_panels + 0.8))
    panels = fig.subplots(n_panels, 1, sharex=True)
    dated = bool(headlines) and all(h.dated for h in headlines)
    for i, h in enumerate(headlines):
        kw = {"color": SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
              "linestyle": LINE_STYLES[i % len(LINE_STYLES)], "linewidth": 1.8}
        edges = _x(h)
        panels[0].stairs(h.hedge, edges, baseline=None, label=h.name, **kw)
        panels[1].stairs(h.horizon_by, edges, baseline=None, **kw)
        panels[2].stairs(h.fallen, edges, baseline=None, **kw)
        if n_panels == 4 and h.value_of_ambiguity is not None:
            panels[3].stairs(h.value_of_ambiguity, edges, baseline=None, **kw)
    panels[0].set_ylabel("P(Syria hedges)")
    panels[1].set_ylabel("P(hedging no longer\ncertain by then)")
    panels[2].set_ylabel("P(regime has fallen\nby the round's end)")
    for ax in panels[:3]:
        ax.set_ylim(-0.03, 1.03)
    if n_panels == 4:
        panels[3].set_ylabel("value of ambiguity\n(hedge minus best\nopen stance)")
        panels[3].axhline(0.0, color="#999999", linewidth=0.8)
    panels[0].legend(loc="lower left", fontsize=8, ncols=min(4, max(1, len(headlines))))
    if dated:
        calendar_ticks(panels[-1], headlines)
        panels[-1].set_xlabel("date")
    else:
        unit = headlines[0].round_unit if headlines else "round"
        panels[-1].set_xlabel("round" if unit == "round" else f"round ({unit}s)")
    suptitle(fig, title_time(headlines))
    return fig


def calendar_ticks(ax: Axes, headlines: Sequence[Headlines], most: int = 8) -> None:
    """Month ticks (``Nov 2024``) over the dated scenarios' span, at most ``most``; day
    ticks (``3 Nov 2024``) when the span is under two months."""
    first = min(h.dates[0] for h in headlines)  # type: ignore[type-var]
    last = max(h.dates[-1] for h in headlines)  # type: ignore[type-var]
    months = (last.year - first.year) * 12 + last.month - first.month  # type: ignore[union-attr]
    if months >= 2:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonthday=1,
                                                       interval=-(-months // most) or 1))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    else:
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=most))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b %Y"))


def figures(headlines: Sequence[Headlines]) -> dict[str, Figure]:
    """The comparison's figures by file name (without suffix)."""
    with style():
        return {"compare_ends": draw_ends(headlines), "compare_time": draw_time(headlines)}


def date_labels(fig: Figure) -> list[str]:
    """The tick labels of the bottom x axis of ``fig`` (for the tests)."""
    fig.canvas.draw()
    return [t.get_text() for t in fig.axes[-1].get_xticklabels() if t.get_text()]

