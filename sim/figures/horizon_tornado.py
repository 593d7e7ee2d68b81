"""Figure: the one-at-a-time sensitivity of the horizon as a tornado chart."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.figures.common import NEVER_HATCH, OKABE_ITO, axes_or_new, new_figure, suptitle
from sim.figures.registry import Context, register
from sim.labels import Labels
from sim.results import SensitivityAnalysis
from sim.views import TornadoRow, tornado_rows
from sim.wording import capital, horizon_value, key_name, never_text, plural_unit, value_text

#: Width, and the height's base and growth per row, in inches.
WIDTH, BASE_HEIGHT, ROW_HEIGHT = 11.0, 1.6, 0.75
#: Colours of the low and high end of each key.
LOW_COLOUR = OKABE_ITO["sky_blue"]
HIGH_COLOUR = OKABE_ITO["orange"]


def size(sens: SensitivityAnalysis) -> tuple[float, float]:
    """The tornado grows with its rows."""
    return WIDTH, max(3.6, BASE_HEIGHT + ROW_HEIGHT * len(sens.parameters))


def title_tornado(sens: SensitivityAnalysis, round_unit: str, labels: Labels) -> str:
    """Finding of the tornado: which key moves the horizon most, and how far."""
    rows = tornado_rows(sens)
    units = plural_unit(round_unit)
    rounds = int(sens.rounds)
    base = horizon_value(sens.base_horizon, rounds)
    base_text = f"base {base}" + ("" if base == "never" else f" {units}")
    if not rows or rows[0].swing == 0:
        return f"No single uncertain input moves the horizon from its {base_text}"
    top = [r for r in rows if r.swing == rows[0].swing]
    names = [key_name(r.key, labels) for r in top[:2]] + (["others"] if len(top) > 2 else [])
    r = top[0]
    lo, hi = sorted((r.low_horizon, r.high_horizon))
    lo_q, hi_q = sens.quantiles
    span = f"{horizon_value(lo, rounds)}\u2013{horizon_value(hi, rounds)}"
    return (f"{capital(' and '.join(names))} {'moves' if len(top) == 1 else 'move'} the "
            f"horizon most: {span} {units} over {'its' if len(top) == 1 else 'their'} "
            f"{lo_q * 100:g}th\u2013{hi_q * 100:g}th percentile range ({base_text})"
            ).replace(f"\u2013never {units}", f" {units} to never")


def draw_tornado(rows: Sequence[TornadoRow], base_horizon: int | None, rounds: int,
                 ax: Axes | None = None, *, round_unit: str = "round",
                 quantiles: tuple[float, float] = (0.05, 0.95),
                 base_exit: str | None = None, labels: Labels | None = None,
                 focal: str = "syria") -> Axes:
    """Draw the tornado: per key (largest swing on top) a bar from the base horizon to the
    horizon at the key's low end (upper half) and at its high end (lower half), each end
    labelled "value -> horizon" (and the exit where it differs from ``base_exit``); "never"
    drawn hatched to the run's length."""
    ax = axes_or_new(ax, (WIDTH, BASE_HEIGHT + ROW_HEIGHT * len(rows)))
    lab = labels or Labels.default()
    base = rounds if base_horizon is None else base_horizon
    n = len(rows)
    height = 0.36
    for i, row in enumerate(rows):
        y = n - 1 - i
        for end, offset, colour in (("low", height / 2, LOW_COLOUR),
                                    ("high", -height / 2, HIGH_COLOUR)):
            h = row.low_horizon if end == "low" else row.high_horizon
            never = row.low_never if end == "low" else row.high_never
            value = row.low_value if end == "low" else row.high_value
            width = h - base
            if width == 0:
                ax.plot([base, base], [y + offset - height / 2, y + offset + height / 2],
                        color=colour, linewidth=3, solid_capstyle="butt")
            else:
                ax.barh(y + offset, width, left=base, height=height, color=colour,
                        hatch=NEVER_HATCH if never else None, edgecolor="white", linewidth=0)
            text = f"{value_text(value)} \u2192 {'never' if never else h}"
            exit_ = row.low_exit if end == "low" else row.high_exit
            if exit_ is not None and exit_ != base_exit:
                text += f" ({lab.action(focal, exit_)})"
            right = width >= 0
            ax.text(h + (0.25 if right else -0.25), y + offset, text, va="center",
                    ha="left" if right else "right", fontsize=8.5)
    ax.axvline(base, color="black", linewidth=1.2)
    ax.set_yticks(range(n), [f"{capital(key_name(r.key, lab))}\n{r.key}" for r in reversed(rows)])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-0.7, n - 0.3)
    horizons = [base] + [r.low_horizon for r in rows] + [r.high_horizon for r in rows]
    lo, hi = min(horizons), max(horizons)
    # room for the end labels ("0.116 -> 4 (realign)") on both sides
    pad = max(3.0, 0.2 * (hi - lo))
    left = lo - (max(4.0, 0.35 * (hi - lo)) if lo < base else 1.0)
    ax.set_xlim(left, hi + pad)
    ax.set_xticks([t for t in ax.get_xticks() if left <= t <= hi + pad and t >= 0])
    ax.set_xlabel(f"myopic horizon ({plural_unit(round_unit)}); the base scenario's horizon is "
                  f"{'never' if base_horizon is None else base_horizon} (black line), "
                  f"{never_text(rounds, round_unit)} drawn at {rounds}")
    lo_q, hi_q = quantiles
    handles = [Patch(facecolor=LOW_COLOUR, label=f"key at its low end ({lo_q * 100:g}th "
                     "percentile)"),
               Patch(facecolor=HIGH_COLOUR, label=f"key at its high end ({hi_q * 100:g}th "
                     "percentile)"),
               Patch(facecolor="white", edgecolor="grey", hatch=NEVER_HATCH,
                     label=never_text(rounds, round_unit))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3,
              title="bar ends: key value \u2192 horizon (exit path where it differs from the "
              "base's)", title_fontsize=8.5)
    return ax


@register("horizon_tornado", size=size, order=130, source=SensitivityAnalysis,
          caption="The horizon with each uncertain input at its low and its high end, the "
          "others at base, largest swing on top; each bar end reads value \u2192 horizon.")
def build(sens: SensitivityAnalysis, context: Context) -> Figure:
    fig = new_figure(size(sens))
    draw_tornado(tornado_rows(sens), sens.base_horizon, sens.rounds, fig.add_subplot(),
                 round_unit=context.round_unit, quantiles=sens.quantiles,
                 base_exit=sens.base_exit, labels=context.labels, focal=context.focal)
    suptitle(fig, title_tornado(sens, context.round_unit, context.labels))
    return fig
