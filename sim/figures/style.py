"""What every figure means by a colour, a date and a step: one palette, one date axis, one
way to draw values that jump and probabilities that mix.

Colours mean the same thing in every figure and for every player:

- a counterpart's action is drawn by its *kind* (:data:`ACTION_KIND`, a declared table):
  ``accommodate`` (Iran supports, Israel restrains, the Gulf/West engages), ``pressure``
  (condition, interdict, wait) or ``punish`` (withdraw, escalate, isolate), in
  :data:`KIND_COLOURS` (Okabe & Ito, *Color Universal Design*, 2008: green, orange,
  vermillion);
- Syria's three stances (hedge, align, realign) have their own palette,
  :data:`STANCE_COLOURS` (Paul Tol's *bright* scheme: purple, blue, olive yellow), distinct
  from the counterparts' so that a stance is never read as a response;
- the regime's collapse is :data:`COLLAPSE_COLOUR`, "never within the run"
  :data:`NEVER_COLOUR` with :data:`NEVER_HATCH`.

Both palettes are safe for the common colour-vision deficiencies (each pair of colours of a
palette stays apart under simulated deuteranopia, protanopia and tritanopia: tested).

Time: figures plot against the round index (so steps, bars and horizons share one
coordinate) and :func:`date_axis` labels that axis with calendar dates when the scenario
has a start date, the round index on a secondary axis; :func:`draw_steps` draws values
constant within a round as steps, :func:`draw_stacked` a round's mixed play as stacked
probabilities with each category named in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb

from sim.wording import rounds_label

#: How each counterpart's action reads, by the model's action names (labels may rename
#: them; the keys never change). Every counterpart's actions, mildest first.
ACTION_KIND: dict[str, dict[str, str]] = {
    "iran": {"support": "accommodate", "condition": "pressure", "withdraw": "punish"},
    "israel": {"restrain": "accommodate", "interdict": "pressure", "escalate": "punish"},
    "gulf": {"engage": "accommodate", "wait": "pressure", "isolate": "punish"},
}
#: The counterparts' kinds of action, mildest first.
KINDS: tuple[str, ...] = ("accommodate", "pressure", "punish")
KIND_COLOURS: dict[str, str] = {
    "accommodate": "#009E73",  # Okabe-Ito bluish green
    "pressure": "#E69F00",  # Okabe-Ito orange
    "punish": "#D55E00",  # Okabe-Ito vermillion
}
#: Syria's stances, in the order the figures stack them (the hedge at the bottom).
STANCES: tuple[str, ...] = ("hedge", "align", "realign")
STANCE_COLOURS: dict[str, str] = {
    "hedge": "#AA3377",  # Tol bright purple
    "align": "#4477AA",  # Tol bright blue
    "realign": "#CCBB44",  # Tol bright yellow
}
#: The focal player, whose actions are stances.
FOCAL = "syria"
COLLAPSE_COLOUR = "#333333"
COLLAPSE_LABEL = "regime collapse"
NEVER_COLOUR = "#BBBBBB"
NEVER_HATCH = "///"
NEVER_LABEL = "never within the run"
#: Colour of an outcome of the hedge: how it ends (a stance), collapse, or never.
OUTCOME_COLOURS: dict[str, str] = {**STANCE_COLOURS, "collapse": COLLAPSE_COLOUR,
                                   "never": NEVER_COLOUR}


def action_kind(player: str, action: str) -> str:
    """The kind of ``player``'s ``action``: a stance for the focal player, a kind of
    :data:`KINDS` for a counterpart.

    Raises
    ------
    KeyError
        For an action the table does not declare (a new action needs a row, not a guess).
    """
    if player == FOCAL:
        if action not in STANCE_COLOURS:
            raise KeyError(f"{action!r} is not one of Syria's stances {STANCES}")
        return action
    try:
        return ACTION_KIND[player][action]
    except KeyError:
        raise KeyError(f"no kind declared for {player}'s action {action!r} in "
                       "sim.figures.style.ACTION_KIND") from None


def action_colour(player: str, action: str) -> str:
    """The colour of ``player``'s ``action``: its stance's or its kind's."""
    kind = action_kind(player, action)
    return STANCE_COLOURS[kind] if player == FOCAL else KIND_COLOURS[kind]


# -- colour-vision safety ----------------------------------------------------------------
#: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of
#: color vision deficiency", IEEE TVCG 15(6): the severity-1.0 matrices on linear RGB.
CVD_MATRICES: dict[str, np.ndarray] = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of linear sRGB."""
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                  [0.0193, 0.1192, 0.9505]])
    xyz = (m @ np.clip(linear_rgb, 0, 1)) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen_as(colour: str, deficiency: str | None = None) -> np.ndarray:
    """CIE L*a*b* of ``colour`` as seen with ``deficiency`` (``None``: normal vision)."""
    lin = _linear(np.asarray(to_rgb(colour), dtype=np.float64))
    if deficiency is not None:
        lin = CVD_MATRICES[deficiency] @ lin
    return _lab(lin)


def min_distance(colours: Sequence[str]) -> float:
    """The smallest CIE76 distance between two of ``colours`` under normal vision and each
    simulated deficiency (above about 10: told apart at a glance)."""
    worst = np.inf
    for deficiency in (None, *CVD_MATRICES):
        seen = [seen_as(c, deficiency) for c in colours]
        for i in range(len(seen)):
            for j in range(i + 1, len(seen)):
                worst = min(worst, float(np.linalg.norm(seen[i] - seen[j])))
    return worst


# -- time --------------------------------------------------------------------------------
def format_date(day: dt.date, round_days: float | None = None) -> str:
    """``Nov 2024`` for rounds of a month or more, ``3 Nov 2024`` for shorter ones."""
    if round_days is not None and round_days < 28:
        return f"{day.day} {day:%b %Y}"
    return f"{day:%b %Y}"


def date_texts(dates: Sequence[dt.date], round_days: float | None = None) -> list[str]:
    """Labels of ``dates`` by :func:`format_date`, with the day wherever month labels
    would repeat (rounds of 30 days put two round starts in some months)."""
    texts = [format_date(d, round_days) for d in dates]
    if len(set(texts)) < len(texts):
        texts = [format_date(d, 1.0) for d in dates]
    return texts


def tick_rounds(n_rounds: int, most: int = 8) -> list[int]:
    """At most ``most`` evenly spaced round indices from 0, on a readable step (1, 2, 3, 6,
    12, ... rounds), that fit ``n_rounds``."""
    if n_rounds <= 0:
        return []
    for step in (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120):
        if (n_rounds - 1) // step + 1 <= most:
            return list(range(0, n_rounds, step))
    step = -(-n_rounds // most)
    return list(range(0, n_rounds, step))


#: The label of a calendar axis; the test of dated figures looks for it.
DATE_LABEL = "date"


def date_axis(ax: Axes, dates: Sequence[dt.date | None] | None, *,
              round_unit: str = "round", round_days: float | None = None,
              most: int = 8, rounds_on: Axes | None = None) -> None:
    """Label the x axis of ``ax`` (data: the round index) for a reader.

    With every round dated, the ticks are the rounds' calendar dates (with the day when a
    round is shorter than a month: ``round_days``, read off the dates if not given) and a
    secondary axis on top counts rounds; otherwise the axis counts rounds (in ``round_unit``s). The
    axis's limits are left as drawn (set them before or after). In panels stacked on one
    x axis, ``ax`` is the bottom panel (the dates) and ``rounds_on`` the top one, whose top
    edge counts the rounds (not the gap between the panels).
    """
    n = len(dates) if dates is not None else 0
    dated = n > 0 and all(d is not None for d in dates or ())
    if not dated:
        ax.set_xlabel(rounds_label(round_unit))
        return
    assert dates is not None
    if round_days is None and n > 1:
        round_days = float((dates[1] - dates[0]).days)  # type: ignore[operator]
    ticks = tick_rounds(n, most)
    ax.set_xticks(ticks, date_texts([dates[t] for t in ticks],  # type: ignore[misc]
                                    round_days))
    ax.set_xlabel(DATE_LABEL)
    top = (rounds_on or ax).secondary_xaxis("top")
    top.set_xticks(ticks, [str(t) for t in ticks])
    top.set_xlabel(rounds_label(round_unit), fontsize=8.5, color="#555555")
    top.tick_params(labelsize=8, colors="#555555")


#: Gap, in rounds, between the last round and the collapse and never bars.
OUTCOME_GAP = 1.5


def bar_positions(n: int) -> tuple[float, float]:
    """x of the collapse bar and of the never bar, right of round ``n - 1`` (further apart
    on a long run, where a round is narrower than the words under the bars)."""
    return n - 1 + OUTCOME_GAP, n - 1 + OUTCOME_GAP + max(1.0, n / 12)


def round_edges(n_rounds: int) -> np.ndarray:
    """Edges of ``n_rounds`` rounds centred on their indices: ``-0.5, 0.5, ...``."""
    return np.arange(n_rounds + 1, dtype=np.float64) - 0.5


def draw_steps(ax: Axes, values: Sequence[float] | np.ndarray, *, start: int = 0,
               **kwargs: Any) -> Any:
    """Values constant within a round as steps (a jump is vertical, never a slope): round
    ``start + i`` holds ``values[i]`` over ``[start + i - 0.5, start + i + 0.5]``."""
    v = np.asarray(values, dtype=np.float64)
    edges = round_edges(len(v)) + start
    return ax.stairs(v, edges, baseline=None, **kwargs)


def draw_stacked(ax: Axes, probabilities: np.ndarray, names: Sequence[str],
                 colours: Sequence[str], *, labels: Sequence[str] | None = None,
                 start: int = 0, bottom: float = 0.0, height: float = 1.0,
                 hatches: Mapping[str, str] | None = None, name_in_place: bool = True,
                 min_share: float = 0.25) -> None:
    """A round's play as stacked probabilities: ``probabilities[t, k]`` is category ``k``'s
    share of round ``start + t``, stacked from ``bottom`` to ``bottom + height``.

    With ``name_in_place`` each category is named inside its band where the band is
    widest, if it holds at least ``min_share`` there (the reader needs no legend).

    Each category is one :class:`~matplotlib.collections.PolyCollection` of its rounds'
    bars (a bar per round, white edges between them), drawn in one call rather than as a
    patch per bar: the same pixels at a fraction of the cost.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    shown = list(labels) if labels is not None else list(names)
    x = np.arange(p.shape[0]) + start
    base = np.full(p.shape[0], bottom, dtype=np.float64)
    left, right = x - 0.5, x + 0.5
    for k, name in enumerate(names):
        share = p[:, k] * height
        top = base + share
        bars = np.stack([np.column_stack(corner) for corner in
                         ((left, base), (right, base), (right, top), (left, top))], axis=1)
        ax.add_collection(PolyCollection(
            list(bars), facecolors=colours[k], edgecolors="white", linewidths=0.4,
            hatch=(hatches or {}).get(name), label=shown[k]))
        run = longest_run(p[:, k] >= min_share)
        if name_in_place and run is not None:
            t = (run[0] + run[1] - 1) // 2
            ax.text(x[t] + (0.5 if (run[1] - run[0]) % 2 == 0 else 0.0),
                    base[t] + share[t] / 2, shown[k], ha="center", va="center",
                    fontsize=8, color=text_colour(colours[k]), clip_on=True)
        base = base + share


def longest_run(mask: np.ndarray) -> tuple[int, int] | None:
    """``(start, stop)`` of the longest run of true values of ``mask`` (the first of equal
    runs), ``None`` if none is true."""
    best: tuple[int, int] | None = None
    start = None
    for i, flag in enumerate([*np.asarray(mask, dtype=bool), False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def text_colour(background: str) -> str:
    """Black or white, whichever reads on ``background``."""
    r, g, b = to_rgb(background)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
