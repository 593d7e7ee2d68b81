"""Figure: why Syria hedges at round 0, term by term: each payoff term's contribution to
hedge minus each alternative, with the claims behind it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.figures.common import NEGATIVE, POSITIVE, axes_or_new, new_figure, suptitle
from sim.figures.registry import Context, register
from sim.labels import Labels
from sim.results import RunResults
from sim.results.run import Decomposition, TermDifference
from sim.wording import MINUS, PAYOFF_UNIT, sign

SIZE = (12.0, 5.5)


def term_label(term: TermDifference) -> str:
    return f"{term.name.replace('_', ' ')}  [{', '.join(term.claims)}]"


def title_decomposition(dec: Decomposition, labels: Labels) -> str:
    """Finding of the decomposition: the margin over each alternative and its main term."""
    parts = []
    for a in dec.alternatives:
        total = dec.totals[a]
        main = dec.main_terms(a, 1)
        lead = (f" ({main[0].name.replace('_', ' ')} {sign(main[0].differences[a])})"
                if main else "")
        verb = "beats" if total > 0 else "trails"
        parts.append(f"{verb} {labels.action(dec.player, a)} by {abs(total):.1f}{lead}")
    return f"Why {labels.action(dec.player, dec.focus)} wins now: it " + " and ".join(parts)


def draw_decomposition(dec: Decomposition, alternative: str, ax: Axes | None = None, *,
                       terms: Sequence[TermDifference] | None = None,
                       show_labels: bool = True, labels: Labels | None = None) -> Axes:
    """Horizontal bars: each term's contribution to ``focus`` minus ``alternative``."""
    ax = axes_or_new(ax, SIZE)
    lab = labels or Labels.default()
    terms = list(terms if terms is not None else dec.nonzero_terms())
    ys = np.arange(len(terms))[::-1]
    values = np.array([t.differences[alternative] for t in terms])
    ax.barh(ys, values, color=[POSITIVE if v > 0 else NEGATIVE for v in values], height=0.65)
    ax.axvline(0, color="black", linewidth=1)
    span = float(np.abs(values).max()) if len(values) else 1.0
    for y, v in zip(ys, values, strict=True):
        if abs(v) > 1e-9:
            ax.text(v + (0.02 * span if v >= 0 else -0.02 * span), y, sign(v),
                    va="center", ha="left" if v >= 0 else "right", fontsize=8.5)
    ax.set_xlim(-1.3 * span, 1.3 * span)
    if show_labels:
        ax.set_yticks(ys, [term_label(t) for t in terms])
    else:
        ax.tick_params(axis="y", labelleft=False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(f"{lab.action(dec.player, dec.focus)} {MINUS} "
                 f"{lab.action(dec.player, alternative)} = {sign(dec.totals[alternative])}",
                 loc="center")
    ax.set_xlabel(f"payoff difference ({PAYOFF_UNIT})")
    ax.spines["left"].set_visible(False)
    return ax


@register("decomposition", size=SIZE, order=60, source=RunResults,
          caption="Why hedging wins at round 0: the difference each payoff term makes "
          "between hedge and align, and between hedge and realign, with the claims behind it.")
def build(results: RunResults, context: Context) -> Figure:
    fig = new_figure(SIZE)
    dec = results.decomposition
    terms = dec.nonzero_terms()
    axes = fig.subplots(1, len(dec.alternatives), sharey=True, squeeze=False)[0]
    for i, (a, ax) in enumerate(zip(dec.alternatives, axes, strict=True)):
        draw_decomposition(dec, a, ax, terms=terms, show_labels=i == 0, labels=context.labels)
    suptitle(fig, title_decomposition(dec, context.labels))
    fig.supxlabel("Blue: the term favours hedging; vermillion: it favours the alternative. "
                  "Brackets: the claims (seeds/claims.yaml) each term encodes.",
                  fontsize=9, fontweight="normal")
    return fig
