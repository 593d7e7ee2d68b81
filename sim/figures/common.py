"""The house style and the drawing helpers several figures share.

Figures are :class:`~matplotlib.figure.Figure` objects rendered by the Agg backend (no
pyplot: nothing leaks into global state, nothing opens a window). Colours are the
Okabe-Ito palette (safe for the common colour-vision deficiencies), payoff maps the
diverging ``PuOr`` map centred on zero; titles state the finding.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: The Okabe-Ito palette (Okabe & Ito, *Color Universal Design*, 2008).
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: One colour per player, the same in every figure.
PLAYER_COLOURS: dict[str, str] = {
    "syria": OKABE_ITO["black"],
    "iran": OKABE_ITO["vermillion"],
    "israel": OKABE_ITO["blue"],
    "gulf": OKABE_ITO["bluish_green"],
}
POSITIVE = OKABE_ITO["blue"]
NEGATIVE = OKABE_ITO["vermillion"]

STYLE: dict[str, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "svg.hashsalt": "hedgesim",  # stable element ids: regenerated SVGs diff cleanly
    "svg.fonttype": "path",
}
#: Resolution of the PNG files, dots per inch.
DPI = 100


@contextmanager
def style() -> Iterator[None]:
    """The house style, as a ``matplotlib.rc_context``."""
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def new_figure(size: tuple[float, float]) -> Figure:
    """An empty figure of ``size`` inches, laid out by matplotlib's constrained layout."""
    return Figure(figsize=size, dpi=DPI, layout="constrained")


def axes_or_new(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``size`` inches."""
    return ax if ax is not None else new_figure(size).add_subplot()


def panel_title(ax: Axes, title: str, **kwargs: Any) -> None:
    """A panel's title, just above its axes (``y=1``: the figures put nothing on a titled
    panel's top edge). The same place as matplotlib's automatic one, which measures every
    tick label of the panel again for each title at each layout pass and draw (a sixth of
    the Sobol figure's drawing)."""
    ax.set_title(title, y=1.0, **kwargs)


def suptitle(fig: Figure, title: str) -> None:
    """A figure title, wrapped to the figure's width (constrained layout does not wrap)."""
    width = int(fig.get_figwidth() * 8.5)
    fig.suptitle(textwrap.fill(title, width))
