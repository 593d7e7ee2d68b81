"""The house style and the drawing helpers several figures share.

Figures are :class:`~matplotlib.figure.Figure` objects rendered by the Agg backend (no
pyplot: nothing leaks into global state, nothing opens a window). Colours are the
Okabe-Ito palette (safe for the common colour-vision deficiencies), payoff maps the
diverging ``PuOr`` map centred on zero; titles state the finding.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import CenteredNorm, Normalize
from matplotlib.figure import Figure

from sim.results import Horizon

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
#: Colour of an action by its position in its player's action list (timeline figure).
ACTION_COLOURS: tuple[str, ...] = (
    OKABE_ITO["sky_blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["yellow"],
    OKABE_ITO["bluish_green"],
)
POSITIVE = OKABE_ITO["blue"]
NEGATIVE = OKABE_ITO["vermillion"]
HORIZON_COLOUR = "#555555"
PAYOFF_CMAP = "PuOr"
#: Colour and marker of each exit path (Syria's next action): align in Iran's colour,
#: realign in the Gulf/West's.
EXIT_COLOURS: dict[str, str] = {
    "align": PLAYER_COLOURS["iran"],
    "realign": PLAYER_COLOURS["gulf"],
    "hedge": OKABE_ITO["reddish_purple"],
}
EXIT_MARKERS: dict[str, str] = {"align": "o", "realign": "^", "hedge": "s"}
#: How "never within the run" is drawn.
NEVER_COLOUR = "#d9d9d9"
NEVER_HATCH = "///"

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


def suptitle(fig: Figure, title: str) -> None:
    """A figure title, wrapped to the figure's width (constrained layout does not wrap)."""
    width = int(fig.get_figwidth() * 8.5)
    fig.suptitle(textwrap.fill(title, width))


def cell_colour(image: Any, value: float) -> str:
    """Black or white text, whichever reads on the cell's colour."""
    r, g, b = (float(x) for x in image.cmap(image.norm(value))[:3])
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def payoff_norm(*arrays: np.ndarray) -> Normalize:
    """A colour scale centred on zero that holds every value of ``arrays``."""
    top = max(float(np.abs(a).max()) for a in arrays)
    return CenteredNorm(vcenter=0.0, halfrange=max(top, 1e-9))


_HORIZON_NAMES = {"myopic": "myopic horizon", "forward_looking": "forward-looking horizon"}
_HORIZON_STYLES = {"myopic": "-", "forward_looking": ":"}


def draw_horizons(ax: Axes, horizons: Mapping[str, Horizon], *, labels: bool = True) -> None:
    """Vertical lines at the horizons; labels above the axes (staggered, never over data).
    A tied horizon is labelled with both rounds it could be."""
    at: dict[int, list[str]] = {}
    for name, h in horizons.items():
        if h.round is not None:
            at.setdefault(int(h.round), []).append(name)
    for level, (x, names) in enumerate(sorted(at.items())):
        line = _HORIZON_STYLES.get(names[0], "--") if len(names) == 1 else "-"
        ax.axvline(x, color=HORIZON_COLOUR, linestyle=line, linewidth=1.3, zorder=1)
        if not labels:
            continue
        when = horizons[names[0]].text().replace(" (a tie)", ", a tie")
        if len(names) == 1:
            text = f"{_HORIZON_NAMES.get(names[0], names[0])}: round {when}"
        else:
            short = [_HORIZON_NAMES.get(n, n).removesuffix(" horizon") for n in names]
            text = f"{' and '.join(short)} horizons: round {when}"
        ax.annotate(text, xy=(x, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 2 + 12 * level), textcoords="offset points", va="bottom",
                    ha="center", fontsize=8.5, color=HORIZON_COLOUR, annotation_clip=False)
