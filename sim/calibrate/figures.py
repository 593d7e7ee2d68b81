"""Figures of ``hedgesim analyze``: Sobol indices with their confidence intervals (the
headline chart of what carries each answer) and the horizon's distribution over the
supported calibrations with "never" and collapse as bars of their own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.figures.registry import save_figure
from sim.figures.style import COLLAPSE_COLOUR, NEVER_COLOUR, NEVER_HATCH
from sim.results.supported import SupportedAnalysis

SOBOL_FIGURE = "sobol.png"
HORIZON_FIGURE = "supported_horizon.png"


def sobol_figure(result: SupportedAnalysis) -> Figure | None:
    """One panel per answer: each factor's first-order (filled) and total (open) index
    with its 95% interval, factors by total index."""
    answers = [k for k, rows in result.sobol.items() if rows]
    if not answers:
        return None
    fig = Figure(figsize=(11, 2.2 + 2.6 * len(answers)))
    axes = fig.subplots(len(answers), 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, answers, strict=True):
        rows = sorted(result.sobol[name], key=lambda r: r.ST)
        y = np.arange(len(rows))
        ax.barh(y + 0.2, [r.ST for r in rows], 0.38, xerr=[r.ST_conf for r in rows],
                color="white", edgecolor="black", label="total", capsize=2)
        ax.barh(y - 0.2, [r.S1 for r in rows], 0.38, xerr=[r.S1_conf for r in rows],
                color="#4477AA", label="first order", capsize=2)
        ax.set_yticks(y, [r.factor for r in rows], fontsize=8)
        ax.set_title(name, loc="left", fontsize=10)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_xlim(-0.2, 1.2)
    axes[0].legend(loc="lower right", fontsize=8)
    axes[-1].set_xlabel("Sobol index (bars: 95% bootstrap interval)")
    fig.suptitle(f"{result.scenario}: what carries each answer over the supported set "
                 f"({result.sobol_base} base samples; "
                 f"{100 * (result.sobol_supported_share or 0):.0f}% of the design supported)",
                 fontsize=10)
    fig.tight_layout()
    return fig


def horizon_figure(result: SupportedAnalysis) -> Figure:
    """Share of supported calibrations by horizon: rounds, then collapse and never apart."""
    dist = result.distributions.horizon
    rounds = [str(t) for t in range(result.rounds)]
    fig = Figure(figsize=(9, 3.2))
    ax = fig.subplots()
    ax.bar(range(result.rounds), [dist.get(r, 0.0) for r in rounds], color="#AA3377")
    gap = result.rounds + 1
    ax.bar(gap, dist.get("collapse", 0.0), color=COLLAPSE_COLOUR)
    ax.bar(gap + 1, dist.get("never", 0.0), color="white", edgecolor=NEVER_COLOUR,
           hatch=NEVER_HATCH)
    ticks = list(range(result.rounds)) + [gap, gap + 1]
    ax.set_xticks(ticks, rounds + ["collapse\nfirst", "never\nwithin the run"], fontsize=7)
    ax.set_ylabel("share of calibrations")
    ax.set_title(f"{result.scenario}: when hedging stops being certain (median round), over "
                 f"{result.n} supported calibrations", loc="left", fontsize=10)
    fig.tight_layout()
    return fig


def write_analysis_figures(result: SupportedAnalysis, folder: Path) -> list[Path]:
    out = [save_figure(horizon_figure(result), folder / HORIZON_FIGURE)]
    fig = sobol_figure(result)
    if fig is not None:
        out.append(save_figure(fig, folder / SOBOL_FIGURE))
    return out
