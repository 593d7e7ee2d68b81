"""Figure: the one-at-a-time sensitivity around the scenario's calibration as a tornado
chart (a local view: the global one is the Sobol analysis of ``hedgesim analyze``)."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.figures.common import OKABE_ITO, new_figure, suptitle
from sim.figures.registry import Context, register
from sim.labels import Labels
from sim.results import SensitivityAnalysis
from sim.results.analyses import PointAnswer
from sim.wording import capital, key_name, value_text

#: Width, and the height's base and growth per row, in inches.
WIDTH, BASE_HEIGHT, ROW_HEIGHT = 14.0, 1.8, 0.75
#: Colours of the low and high end of each key.
LOW_COLOUR = OKABE_ITO["sky_blue"]
HIGH_COLOUR = OKABE_ITO["orange"]
#: The two answers drawn: (field of PointAnswer, what it is).
PANELS: tuple[tuple[str, str], ...] = (
    ("hedging_ends", "P(hedging stops being certain within the run)"),
    ("collapse_by", "P(the regime has fallen by {by})"),
)


def size(sens: SensitivityAnalysis) -> tuple[float, float]:
    """The tornado grows with its rows."""
    return WIDTH, max(3.8, BASE_HEIGHT + ROW_HEIGHT * len(sens.parameters))


def horizon_text(p: PointAnswer) -> str:
    return p.horizon if isinstance(p.horizon, str) else f"{p.horizon}"


def title_tornado(sens: SensitivityAnalysis, labels: Labels) -> str:
    """Finding of the tornado: which key moves the answers most, and how far."""
    rows = sens.parameters
    if not rows or rows[0].swing < 0.005:
        return "No single uncertain input moves the answers from the scenario's"
    r = rows[0]
    field, what = max(PANELS, key=lambda f: abs(getattr(r.at_high, f[0]) - getattr(r.at_low, f[0])))
    lo, hi = getattr(r.at_low, field), getattr(r.at_high, field)
    by = sens.collapse_date or "the end of the run"
    return (f"{capital(key_name(r.key, labels))} moves the answers most: "
            f"{what.format(by=by)} from {lo:.0%} to {hi:.0%} over its "
            f"{sens.quantiles[0] * 100:g}th\u2013{sens.quantiles[1] * 100:g}th percentile "
            f"range (scenario: {getattr(sens.base, field):.0%})")


def draw_panel(sens: SensitivityAnalysis, field: str, ax: Axes, *, labels: Labels,
               names: bool = True) -> Axes:
    """One answer's tornado: per key (largest swing on top) a bar from the scenario's value
    to the value at the key's low end (upper half) and at its high end (lower half), each
    end labelled "input value -> median horizon"."""
    rows = sens.parameters
    base = getattr(sens.base, field)
    n = len(rows)
    height = 0.36
    for i, row in enumerate(rows):
        y = n - 1 - i
        for at, value, offset, colour in ((row.at_low, row.low, height / 2, LOW_COLOUR),
                                          (row.at_high, row.high, -height / 2, HIGH_COLOUR)):
            v = getattr(at, field)
            width = v - base
            if abs(width) < 1e-9:
                ax.plot([base, base], [y + offset - height / 2, y + offset + height / 2],
                        color=colour, linewidth=3, solid_capstyle="butt")
            else:
                ax.barh(y + offset, width, left=base, height=height, color=colour, linewidth=0)
            right = width >= 0
            ax.text(v + (0.01 if right else -0.01), y + offset,
                    f"{value_text(value)} \u2192 {horizon_text(at)}", va="center",
                    ha="left" if right else "right", fontsize=8)
    ax.axvline(base, color="black", linewidth=1.2)
    ax.set_yticks(range(n), [f"{capital(key_name(r.key, labels))}\n{r.key}"
                             for r in reversed(rows)])
    ax.tick_params(axis="y", length=0, labelleft=names)
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-0.2, 1.2)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    return ax


@register("horizon_tornado", size=size, order=130, source=SensitivityAnalysis,
          caption="A local view: the probability that hedging ends within the run (left) and "
          "that the regime has fallen by the date (right) with each uncertain input at its "
          "low and its high end, the others at the scenario's values, largest swing on top; "
          "each bar end reads input value \u2192 median horizon. The global view over every "
          "calibration the claims support is hedgesim analyze's Sobol analysis.")
def build(sens: SensitivityAnalysis, context: Context) -> Figure:
    fig = new_figure(size(sens))
    by = sens.collapse_date or "the end of the run"
    axes = fig.subplots(1, len(PANELS))
    for k, (ax, (field, what)) in enumerate(zip(axes, PANELS, strict=True)):
        draw_panel(sens, field, ax, labels=context.labels, names=k == 0)
        ax.set_xlabel(what.format(by=by) + f"\nthe scenario's: {getattr(sens.base, field):.0%} "
                      f"(black line), median horizon {horizon_text(sens.base)}", fontsize=9)
    lo_q, hi_q = sens.quantiles
    handles = [Patch(facecolor=LOW_COLOUR, label=f"input at its low end ({lo_q * 100:g}th "
                     "percentile)"),
               Patch(facecolor=HIGH_COLOUR, label=f"input at its high end ({hi_q * 100:g}th "
                     "percentile)")]
    axes[-1].legend(handles=handles, loc="lower right", fontsize=8.5,
                    title="bar ends: input value \u2192 median horizon", title_fontsize=8.5)
    suptitle(fig, title_tornado(sens, context.labels))
    return fig
