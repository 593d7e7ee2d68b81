"""Figure: each counterpart's tolerance of a hedging Syria per round, its switch point and
the horizons."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.figures.common import (
    OKABE_ITO,
    PLAYER_COLOURS,
    axes_or_new,
    draw_horizons,
    new_figure,
    suptitle,
)
from sim.figures.registry import Context, register
from sim.figures.style import date_axis
from sim.labels import Labels
from sim.results import Horizon, RunResults
from sim.views import ToleranceSeries, first_broken, tolerance_series
from sim.wording import rounds_label

SIZE = (10.0, 5.5)


def broken_round(results: RunResults, broken: str | None) -> int | None:
    """The round the first-broken counterpart's patience broke: the exit path's round, else
    the first round its tolerance reached its switch point."""
    if broken is None:
        return None
    if results.exit.first_broken == broken and results.exit.first_broken_round is not None:
        return results.exit.first_broken_round
    return tolerance_series(results).crossings.get(broken)


def title_tolerance(series: ToleranceSeries, broken: str | None, when: int | None,
                    unit: str, labels: Labels, tie: Horizon | None = None) -> str:
    """Finding of the tolerance figure: whose patience breaks first, and when; with a tie
    on that counterpart (``tie``), the round its tolerance lands on its switch point and
    both rounds its response may flip in."""
    if broken is None:
        return f"No counterpart's patience breaks within {len(series.rounds)} {unit}s"
    who = labels.player(broken)
    theta = series.switch_points.get(broken)
    if theta is None:
        return f"{who}'s patience breaks first"
    cause = tie.cause if tie is not None and tie.tie else None
    if cause is not None and cause.player == broken and tie is not None:
        return (f"{who}'s patience breaks first: its tolerance lands on its switch point "
                f"{theta:.2f} in round {cause.round}, so its response flips in round "
                f"{tie.text()}")
    if when is None:
        return f"{who}'s patience breaks first"
    return (f"{who}'s patience breaks first: its tolerance reaches its switch point "
            f"{theta:.2f} at round {when}")


def draw_tolerance(series: ToleranceSeries, ax: Axes | None = None, *,
                   horizons: dict[str, Horizon] | None = None, xlabel: str = "round",
                   labels: Labels | None = None, player: str = "syria") -> Axes:
    """Draw tolerance lines, dashed switch points in each counterpart's colour, and the
    horizons as labelled vertical lines."""
    ax = axes_or_new(ax, SIZE)
    lab = labels or Labels.default()
    for p, ys in series.levels.items():
        colour = PLAYER_COLOURS.get(p, OKABE_ITO["black"])
        theta = series.switch_points.get(p)
        label = lab.player(p) if theta is not None else f"{lab.player(p)} (response never flips)"
        ax.plot(series.rounds, ys, color=colour, linewidth=2, marker="o", markersize=3.5,
                label=label)
        if theta is not None:
            ax.axhline(theta, color=colour, linestyle="--", linewidth=1.2)
            ax.annotate(f"θ {lab.player(p)} = {theta:.2f}", xy=(1.0, theta),
                        xycoords=("axes fraction", "data"), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8.5, color=colour)
    draw_horizons(ax, horizons or {})
    ax.set_ylim(-0.03, 1.05)
    if len(series.rounds):
        ax.set_xlim(series.rounds[0] - 0.5, series.rounds[-1] + 0.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"tolerance of a hedging {lab.player(player)}\n(1 = full, 0 = exhausted)")
    ax.legend(loc="lower left", title="tolerance (solid), switch point θ (dashed)",
              title_fontsize=8.5, ncols=max(1, len(series.levels)))
    return ax


@register("tolerance", size=SIZE, order=30, source=RunResults,
          caption="Each counterpart's tolerance of a hedging Syria per round; dashed lines "
          "are the tolerance at which its response flips, vertical lines the horizons.")
def build(results: RunResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    series = tolerance_series(results)
    horizons = {"myopic": results.horizons.myopic,
                "forward_looking": results.horizons.forward_looking}
    draw_tolerance(series, fig.add_subplot(), horizons=horizons,
                   xlabel=rounds_label(context.round_unit), labels=context.labels,
                   player=results.focal)
    date_axis(fig.axes[0], [r.date for r in results.rounds], round_unit=context.round_unit)
    broken = first_broken(results)
    suptitle(fig, title_tolerance(series, broken, broken_round(results, broken),
                                  context.round_unit, context.labels, results.horizons.myopic))
    return fig
