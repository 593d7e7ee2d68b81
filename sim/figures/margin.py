"""Figure: Syria's payoff from hedging minus its best alternative per round, and its
probability of hedging."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.figures.common import (
    HORIZON_COLOUR,
    NEGATIVE,
    OKABE_ITO,
    PLAYER_COLOURS,
    POSITIVE,
    axes_or_new,
    draw_horizons,
    new_figure,
    suptitle,
)
from sim.figures.registry import Context, register
from sim.figures.style import date_axis
from sim.results import Horizon, RunResults
from sim.wording import MINUS, PAYOFF_UNIT, rounds_label, sign

FloatArray = npt.NDArray[np.float64]
SIZE = (10.0, 6.0)


@dataclass(frozen=True)
class MarginSeries:
    """The hedging margin and the hedge probability per round.

    Attributes
    ----------
    rounds
        Round numbers.
    margin
        The focal player's expected payoff of its focus action minus that of its best
        other action, against the others' selected play.
    focus_probability
        Its probability of the focus action in the selected equilibrium.
    """

    rounds: FloatArray
    margin: FloatArray
    focus_probability: FloatArray


def margin_series(results: RunResults) -> MarginSeries:
    """The data of the margin figure."""
    return MarginSeries(np.array([float(r.round) for r in results.rounds]),
                        np.array([r.margin for r in results.rounds]),
                        np.array([r.hedge_probability for r in results.rounds]))


def title_margin(series: MarginSeries, unit: str, player: str, horizon: Horizon) -> str:
    """Finding of the margin figure: how long hedging stays ahead."""
    if not len(series.rounds):
        return "No rounds"
    start = f"Hedging pays {sign(float(series.margin[0]))} over the best alternative at round 0"
    below = np.flatnonzero((series.focus_probability < 1 - 1e-9) | (series.margin < -1e-9))
    if below.size == 0:
        return f"{start} and stays {player}'s certain choice for all {len(series.rounds)} {unit}s"
    first = int(series.rounds[below[0]])
    if first == int(series.rounds[0]):
        return f"Hedging is not {player}'s certain choice even at round {first}"
    when = horizon.text() if horizon.tie and horizon.round == first else str(first)
    return f"{start}; from round {when} it is no longer {player}'s certain choice"


def draw_margin(series: MarginSeries, ax: Axes | None = None, *,
                horizons: dict[str, Horizon] | None = None) -> Axes:
    """Draw the hedging margin with zero marked, shaded above (hedge ahead) and below."""
    ax = axes_or_new(ax, SIZE)
    x, y = series.rounds, series.margin
    ax.axhline(0.0, color="black", linewidth=1)
    ax.fill_between(x, y, 0, where=y >= 0, interpolate=True, color=POSITIVE, alpha=0.15,
                    linewidth=0)
    ax.fill_between(x, y, 0, where=y < 0, interpolate=True, color=NEGATIVE, alpha=0.15,
                    linewidth=0)
    ax.plot(x, y, color=OKABE_ITO["black"], marker="o", markersize=3.5, linewidth=2,
            label=f"hedge {MINUS} best alternative")
    draw_horizons(ax, horizons or {})
    ax.set_ylabel(f"hedge {MINUS} best alternative\n({PAYOFF_UNIT}; > 0: hedge ahead)")
    top = float(np.nanmax(np.abs(y))) if np.isfinite(y).any() else 1.0
    ax.set_ylim(-1.15 * max(top, 0.1), 1.15 * max(top, 0.1))
    return ax


def draw_hedge_probability(series: MarginSeries, ax: Axes | None = None, *,
                           horizons: dict[str, Horizon] | None = None,
                           xlabel: str = "round", player: str = "Syria") -> Axes:
    """Draw the probability of hedging per round (step line), with one half marked."""
    ax = axes_or_new(ax, SIZE)
    colour = PLAYER_COLOURS["syria"]
    ax.step(series.rounds, series.focus_probability, where="mid", color=colour, linewidth=2)
    ax.plot(series.rounds, series.focus_probability, "o", color=colour, markersize=3.5)
    ax.axhline(0.5, color=HORIZON_COLOUR, linestyle="--", linewidth=1)
    draw_horizons(ax, horizons or {}, labels=False)
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([0, 0.5, 1])
    ax.set_ylabel(f"P({player} hedges)")
    ax.set_xlabel(xlabel)
    return ax


@register("margin", size=SIZE, order=40, source=RunResults,
          caption="Syria's payoff from hedging minus its best alternative per round, and "
          "its probability of hedging in the selected equilibrium.")
def build(results: RunResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    series = margin_series(results)
    horizons = {"myopic": results.horizons.myopic,
                "forward_looking": results.horizons.forward_looking}
    player = context.labels.player(results.focal)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(2.2, 1))
    draw_margin(series, top, horizons=horizons)
    draw_hedge_probability(series, bottom, horizons=horizons,
                           xlabel=rounds_label(context.round_unit), player=player)
    if len(series.rounds):
        top.set_xlim(series.rounds[0] - 0.5, series.rounds[-1] + 0.5)
    date_axis(bottom, [r.date for r in results.rounds], round_unit=context.round_unit)
    suptitle(fig, title_margin(series, context.round_unit, player, results.horizons.myopic))
    return fig
