"""Figures of an analysis over the supported set (``hedgesim analyze``,
:class:`~sim.results.supported.SupportedAnalysis`): when hedging stops being certain over
the supported calibrations, with "never" and collapse as bars of their own, and the Sobol
indices with their intervals (the headline chart of what carries each answer)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from sim.figures.common import new_figure, panel_title, suptitle
from sim.figures.registry import Context, register
from sim.figures.style import (
    COLLAPSE_COLOUR,
    NEVER_COLOUR,
    NEVER_HATCH,
    STANCE_COLOURS,
    bar_positions,
    tick_rounds,
)
from sim.results.supported import SobolRow, SupportedAnalysis
from sim.wording import count_text, percent

HORIZON_SIZE = (10.0, 4.2)


def horizon_bars(result: SupportedAnalysis) -> tuple[list[str], np.ndarray]:
    """The outcomes (every round of the run, then ``collapse`` and ``never``) and the share
    of calibrations with each: they sum to one."""
    dist = result.distributions.horizon
    names = [str(t) for t in range(result.rounds)] + ["collapse", "never"]
    return names, np.array([dist.get(k, 0.0) for k in names], dtype=np.float64)


def title_supported_horizon(result: SupportedAnalysis) -> str:
    """The finding: the share that never stops hedging for sure, that collapses first, and
    the most common round among the rest."""
    names, shares = horizon_bars(result)
    unit = result.round_unit
    rounds = shares[: result.rounds]
    never, collapse = shares[-1], shares[-2]
    parts = [f"never within {count_text(result.rounds, unit)} in {percent(never)}"]
    if collapse > 0:
        parts.append(f"the regime falls first in {percent(collapse)}")
    if rounds.sum() > 0:
        top = int(np.argmax(rounds))
        parts.append(f"when it stops, most often by {unit} {top} ({percent(rounds[top])})")
    return (f"When hedging stops being certain, over {result.n:,} supported calibrations: "
            + "; ".join(parts))


@register("supported_horizon", size=HORIZON_SIZE, order=200, source=SupportedAnalysis,
          caption="When hedging stops being certain (each supported calibration's median "
          "round), with the regime's collapse first and never within the run as outcomes of "
          "their own.")
def build_horizon(result: SupportedAnalysis, context: Context) -> Figure:
    fig = new_figure(HORIZON_SIZE)
    ax = fig.add_subplot()
    names, shares = horizon_bars(result)
    n = result.rounds
    ax.bar(range(n), shares[:n], color=STANCE_COLOURS["hedge"], width=0.8)
    x_c, x_n = bar_positions(n)
    ax.bar(x_c, shares[-2], color=COLLAPSE_COLOUR, width=0.8)
    ax.bar(x_n, shares[-1], color="white", edgecolor=NEVER_COLOUR, hatch=NEVER_HATCH,
           width=0.8)
    ticks = tick_rounds(n)
    ax.set_xticks([*ticks, x_c, x_n],
                  [str(t) for t in ticks] + ["collapse\nfirst", "never"])
    ax.set_xlabel(f"the {result.round_unit} by which hedging is no longer certain with "
                  "probability 1/2")
    ax.set_ylabel("share of calibrations")
    ax.set_ylim(0, max(float(shares.max()), 0.05) * 1.15)
    suptitle(fig, title_supported_horizon(result))
    return fig


def sobol_answers(result: SupportedAnalysis) -> list[str]:
    """The answers with indices (an answer that does not vary over the set has none)."""
    return [k for k, rows in result.sobol.items() if rows]


def ranked(rows: list[SobolRow]) -> list[SobolRow]:
    """Factors by total index, largest first."""
    return sorted(rows, key=lambda r: -r.ST)


def title_sobol(result: SupportedAnalysis) -> str:
    """What the figure shows and how far to trust it: the design's size and how many total
    indices have an interval wider than the index (each panel's title names its leader)."""
    answers = sobol_answers(result)
    if not answers:
        return "No answer varies over the supported set: no Sobol indices"
    rows = [r for name in answers for r in result.sobol[name]]
    wide = sum(r.ST_conf > r.ST for r in rows)
    caveat = (f"; {wide} of {len(rows)} total indices have an interval wider than the index"
              if wide else "")
    screen = result.sobol_screen_base
    size = (f"{screen} base samples, the leading factors {result.sobol_base}"
            if screen is not None and screen < result.sobol_base
            else f"{result.sobol_base} base samples")
    size += "".join(f", {f} {b:,}" for f, b in result.sobol_extended.items())
    return f"What carries each answer over the supported set ({size})" + caveat


def panel_sobol(name: str, rows: list[SobolRow]) -> str:
    """A panel's finding: the answer and the factor with the largest total index."""
    lead = ranked(rows)[0]
    return f"{name}: led by {lead.factor} (total index {lead.ST:.2f} \u00b1 {lead.ST_conf:.2f})"


def screened_label(row: SobolRow, result: SupportedAnalysis) -> str:
    """A factor's name, marked ``*`` when its indices rest on the screening's base rows only
    (fewer than the analysis' ``sobol_base``)."""
    only_screened = row.base is not None and row.base < result.sobol_base
    return f"{row.factor} *" if only_screened else row.factor


def _intervals(ax: Axes, x: np.ndarray, y: np.ndarray, half: np.ndarray) -> None:
    """Horizontal intervals ``x +- half`` at heights ``y``, with end caps: what
    ``barh(xerr=...)`` draws, as one collection and one line of markers per panel instead
    of an errorbar container per series (a third of the figure's cost)."""
    ends = np.stack([np.column_stack([x - half, y]), np.column_stack([x + half, y])], axis=1)
    ax.add_collection(LineCollection(list(ends), colors="black", linewidths=1.0, zorder=3))
    ax.plot(np.concatenate([x - half, x + half]), np.concatenate([y, y]), linestyle="none",
            marker="|", markersize=4, color="black", zorder=3)


def _sobol_size(result: SupportedAnalysis | None) -> tuple[float, float]:
    n = 5 if result is None else max(len(sobol_answers(result)), 1)
    return (11.0, 1.6 + 2.6 * n)


@register("sobol", size=_sobol_size, order=210, source=SupportedAnalysis,
          applies=lambda r: bool(sobol_answers(r)),
          caption="Sobol indices of each answer over the supported set, by group of "
          "parameters: first order (filled) and total (open), with 95% bootstrap intervals. "
          "A factor marked * was only screened, on fewer base samples than the answer's "
          "leading factors: its interval is wider and its rank less certain.")
def build_sobol(result: SupportedAnalysis, context: Context) -> Figure:
    answers = sobol_answers(result)
    fig = new_figure(_sobol_size(result))
    axes = fig.subplots(len(answers), 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, answers, strict=True):
        rows = ranked(result.sobol[name])[::-1]
        y = np.arange(len(rows))
        total = np.array([(r.ST, r.ST_conf) for r in rows])
        first = np.array([(r.S1, r.S1_conf) for r in rows])
        ax.barh(y + 0.2, total[:, 0], 0.38, color="white", edgecolor="black", label="total")
        ax.barh(y - 0.2, first[:, 0], 0.38, color=STANCE_COLOURS["align"],
                label="first order")
        _intervals(ax, np.concatenate([total[:, 0], first[:, 0]]),
                   np.concatenate([y + 0.2, y - 0.2]), np.concatenate([total[:, 1], first[:, 1]]))
        ax.set_yticks(y, [screened_label(r, result) for r in rows], fontsize=8)
        panel_title(ax, panel_sobol(name, result.sobol[name]), loc="left", fontsize=10)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_xlim(-0.3, 1.3)
    axes[0].legend(loc="lower right", fontsize=8)
    axes[-1].set_xlabel("Sobol index (bars: 95% bootstrap interval)")
    suptitle(fig, title_sobol(result))
    return fig
