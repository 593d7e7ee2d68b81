"""Figures of a run: plot data from pure functions, drawing on explicit axes.

Every figure is built in two steps, as in Axelrod's plotting layer:

1. a pure *data* function turns a results mapping (the ``results.json`` of
   :mod:`sim.results`, read as plain Python) or the stage model into plain numbers
   (:func:`syria_payoff_table`, :func:`counterpart_views`, :func:`tolerance_series`,
   :func:`margin_series`, :func:`equilibrium_path`, :func:`decomposition_differences`);
   these are what the tests check numerically;
2. a *drawing* function takes that data and an optional ``ax`` (``draw_*``), or builds
   a whole :class:`matplotlib.figure.Figure` (``figure_*``).

No pyplot: figures are :class:`~matplotlib.figure.Figure` objects rendered by the Agg
backend, so nothing leaks into global state and nothing opens a window. Style is one
``rc_context`` (:data:`STYLE`), colours the Okabe-Ito palette (safe for the common
colour-vision deficiencies), payoff maps the diverging ``PuOr`` map centred on zero.
Titles state the finding, computed from the data (``title_*`` functions).

:func:`write_figures` writes every figure as PNG and SVG, atomically, and is what the
CLI calls. Plots take results, not scenarios; where a figure needs the stage game
(the payoff maps and the decomposition) the caller passes the model
:class:`~sim.model.Parameters` and the tolerance levels explicitly.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.colors import CenteredNorm, Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim import model
from sim.atomic import atomic_open
from sim.game import MixedProfile, NormalFormGame
from sim.labels import Labels

FloatArray = npt.NDArray[np.float64]
Results = Mapping[str, Any]

# -- style ---------------------------------------------------------------------
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
    model.SYRIA: OKABE_ITO["black"],
    model.IRAN: OKABE_ITO["vermillion"],
    model.ISRAEL: OKABE_ITO["blue"],
    model.GULF: OKABE_ITO["bluish_green"],
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
PAYOFF_UNIT = "payoff units per round"

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
#: Size of each figure in inches (width, height); a PNG is ``size * DPI`` pixels.
FIGURE_SIZES: dict[str, tuple[float, float]] = {
    "payoffs_syria": (14.0, 5.6),
    "payoffs_counterparts": (13.0, 5.0),
    "tolerance": (10.0, 5.5),
    "margin": (10.0, 6.0),
    "path": (12.0, 4.8),
    "decomposition": (12.0, 5.5),
}
#: Figure names in reading order (the report shows them in this order).
FIGURE_NAMES: tuple[str, ...] = tuple(FIGURE_SIZES)


@contextmanager
def style() -> Iterator[None]:
    """The house style, as a ``matplotlib.rc_context``."""
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def _new_figure(name: str, **kwargs: Any) -> Figure:
    return Figure(figsize=FIGURE_SIZES[name], dpi=DPI, layout="constrained", **kwargs)


def _axes(ax: Axes | None, name: str) -> Axes:
    if ax is not None:
        return ax
    return _new_figure(name).add_subplot()


def _sign(x: float, digits: int = 1) -> str:
    """``+2.2`` / ``-0.4`` / ``0.0`` (never ``-0.0``)."""
    r = round(x, digits)
    if r == 0:
        return f"{0:.{digits}f}"
    return f"{r:+.{digits}f}".replace("-", "\u2212")


def _num(x: float, digits: int = 1) -> str:
    """``x`` to ``digits`` decimals, with a true minus sign and never ``-0.0``."""
    r = round(float(x), digits)
    return f"{0.0 if r == 0 else r:.{digits}f}".replace("-", "\u2212")


def _suptitle(fig: Figure, title: str) -> None:
    """A figure title, wrapped to the figure's width (constrained layout does not wrap)."""
    width = int(fig.get_figwidth() * 8.5)
    fig.suptitle(textwrap.fill(title, width))


def _labels(labels: Labels | None) -> Labels:
    """``labels``, or the model's own names."""
    return labels if labels is not None else Labels.default()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- reading results ---------------------------------------------------------------
def _players(results: Results) -> tuple[str, ...]:
    players = results.get("players")
    return tuple(players) if players else model.PLAYERS


def _actions(results: Results) -> dict[str, tuple[str, ...]]:
    actions = results.get("actions")
    if actions:
        return {p: tuple(a) for p, a in actions.items()}
    return dict(model.ACTIONS)


def _counterparts(results: Results) -> tuple[str, ...]:
    rounds = results.get("rounds") or []
    if rounds and rounds[0].get("tolerance"):
        found = tuple(rounds[0]["tolerance"])
        known = [p for p in model.COUNTERPARTS if p in found]
        return tuple(known + [p for p in found if p not in known])
    return model.COUNTERPARTS


def round_unit(results: Results) -> str:
    """The unit of a round (``"month"``, ...), ``"round"`` when the results do not say."""
    for where in (results, results.get("scenario") or {}):
        unit = where.get("round_unit")
        if unit:
            return str(unit)
        repeated = where.get("repeated")
        if isinstance(repeated, Mapping) and repeated.get("round_unit"):
            return str(repeated["round_unit"])
    return "round"


def rounds_label(results: Results) -> str:
    """The axis label of rounds, with their unit: ``"round (months)"``."""
    unit = round_unit(results)
    return "round" if unit == "round" else f"round ({unit}s)"


def horizon_round(value: Any) -> int | None:
    """A horizon's round from a results entry: an int, ``None``, or a mapping with ``round``."""
    if isinstance(value, Mapping):
        value = next((value[k] for k in ("round", "horizon", "rounds") if k in value), None)
    if value is None or isinstance(value, bool):
        return None
    return int(value)


def horizon_rounds(results: Results) -> dict[str, int | None]:
    """The horizons that are rounds (``myopic``, ``forward_looking``), by name."""
    horizons = results.get("horizons") or {}
    return {
        name: horizon_round(horizons.get(name))
        for name in ("myopic", "forward_looking")
        if name in horizons
    }


def switch_points(results: Results) -> dict[str, float | None]:
    """Each counterpart's switch point theta_j (the tolerance at which its response flips).

    Read from ``results["switch_points"]`` (or ``results["horizons"]["switch_points"]``);
    an entry may be a number, ``None`` (never flips) or a mapping with ``theta``.
    """
    raw = results.get("switch_points")
    if raw is None:
        raw = (results.get("horizons") or {}).get("switch_points") or {}
    out: dict[str, float | None] = {}
    for player, value in raw.items():
        if isinstance(value, Mapping):
            value = value.get("theta", value.get("tolerance"))
        out[player] = None if value is None else float(value)
    return out


def selected_profile(results: Results, index: int = 0) -> MixedProfile:
    """The selected profile of round ``index`` as one probability vector per player.

    Reads, in this order: ``selected`` as an index into the round's ``equilibria``;
    ``profile`` (results.json), ``selected_profile`` or ``strategies`` (a list of
    probability vectors, or a mapping player -> probabilities or {action: probability});
    ``selected`` as player -> action (or -> {action: probability}).
    """
    players, actions = _players(results), _actions(results)
    entry = results["rounds"][index]
    if isinstance(entry.get("selected"), int) and not isinstance(entry["selected"], bool):
        # An index into the round's equilibria.
        chosen = entry["equilibria"][entry["selected"]]["profile"]
        return tuple(np.asarray(s, dtype=np.float64) for s in chosen)
    raw = next((entry[k] for k in ("profile", "selected_profile", "strategies")
                if entry.get(k) is not None), None)
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        return tuple(np.asarray(s, dtype=np.float64) for s in raw)
    raw = raw if isinstance(raw, Mapping) else entry["selected"]
    out = []
    for player in players:
        names = actions[player]
        v = np.zeros(len(names))
        choice = raw[player]
        if isinstance(choice, Mapping):
            for action, p in choice.items():
                v[names.index(action)] = float(p)
        elif isinstance(choice, str):
            v[names.index(choice)] = 1.0
        else:
            v[:] = np.asarray(choice, dtype=np.float64)
        out.append(v)
    return tuple(out)


def _equilibrium_profiles(results: Results, index: int) -> list[MixedProfile]:
    entries = results["rounds"][index].get("equilibria") or []
    return [tuple(np.asarray(s, dtype=np.float64) for s in e["profile"]) for e in entries]


# -- (1) payoff maps -----------------------------------------------------------------
@dataclass(frozen=True)
class PayoffTable:
    """One player's payoff for each of its actions against every joint action of the others.

    Attributes
    ----------
    player
        The focal player (rows).
    values
        Shape ``(m_player, prod(m_others))``; column ``k`` is the ``k``-th joint action
        of the others in :attr:`columns` (the first other player varying slowest).
    row_labels
        The focal player's actions.
    others
        The other players, in game order.
    columns
        The joint actions of the others, one tuple of action names per column.
    marked
        Cells ``(row, column)`` played with positive probability in an equilibrium.
    """

    player: str
    values: FloatArray
    row_labels: tuple[str, ...]
    others: tuple[str, ...]
    columns: tuple[tuple[str, ...], ...]
    marked: tuple[tuple[int, int], ...]


def payoff_table(
    game: NormalFormGame,
    player: str = model.SYRIA,
    equilibria: Sequence[Sequence[Any]] = (),
    *,
    threshold: float = 1e-9,
) -> PayoffTable:
    """The :class:`PayoffTable` of ``player`` in ``game``, marking the equilibria's cells.

    Parameters
    ----------
    game
        Any normal-form game.
    player
        The focal player, by name.
    equilibria
        Profiles (pure or mixed) whose cells of positive probability are marked.
    threshold
        Probability above which a cell counts as played.
    """
    i = game.player_index(player)
    others = tuple(j for j in range(game.n_players) if j != i)
    values = np.moveaxis(game.payoffs[i], i, 0).reshape(game.shape[i], -1)
    columns = tuple(
        tuple(game.actions[j][a] for j, a in zip(others, combo, strict=True))
        for combo in itertools.product(*(range(game.shape[j]) for j in others))
    )
    marked: set[tuple[int, int]] = set()
    for profile in equilibria:
        mixed = game.as_mixed(profile)
        weight = np.moveaxis(_joint(mixed), i, 0).reshape(game.shape[i], -1)
        for r, c in np.argwhere(weight > threshold):
            marked.add((int(r), int(c)))
    return PayoffTable(
        player=game.players[i],
        values=np.asarray(values, dtype=np.float64),
        row_labels=game.actions[i],
        others=tuple(game.players[j] for j in others),
        columns=columns,
        marked=tuple(sorted(marked)),
    )


def _joint(mixed: MixedProfile) -> FloatArray:
    out = np.asarray(mixed[0], dtype=np.float64)
    for s in mixed[1:]:
        out = np.multiply.outer(out, s)
    return out


def syria_payoff_table(
    params: model.Parameters,
    tolerance: Mapping[str, float] | None,
    equilibria: Sequence[Sequence[Any]] = (),
) -> PayoffTable:
    """Syria's stage payoffs (3 actions x 27 joint actions of the others) at ``tolerance``."""
    return payoff_table(model.stage_game(params, tolerance), model.SYRIA, equilibria)


@dataclass(frozen=True)
class BimatrixView:
    """The two-player game between a row player and a counterpart, others held fixed.

    Attributes
    ----------
    row, column
        Player names.
    row_actions, column_actions
        Action names.
    row_payoffs, column_payoffs
        Payoff matrices (rows = the row player's actions).
    equilibria
        Pure Nash equilibria ``(r, c)`` of this two-player game.
    played
        Cells played with positive probability in the profile the view was taken at.
    """

    row: str
    column: str
    row_actions: tuple[str, ...]
    column_actions: tuple[str, ...]
    row_payoffs: FloatArray
    column_payoffs: FloatArray
    equilibria: tuple[tuple[int, int], ...]
    played: tuple[tuple[int, int], ...]


def pure_equilibria_2p(
    a: FloatArray, b: FloatArray, tol: float = 1e-9
) -> tuple[tuple[int, int], ...]:
    """Pure Nash equilibria of the bimatrix game ``(a, b)``: mutual best responses."""
    scale = max(float(max(a.max(), b.max()) - min(a.min(), b.min())), 1.0) * tol
    row_best = a >= a.max(axis=0, keepdims=True) - scale
    col_best = b >= b.max(axis=1, keepdims=True) - scale
    return tuple((int(r), int(c)) for r, c in np.argwhere(row_best & col_best))


def counterpart_views(
    params: model.Parameters,
    tolerance: Mapping[str, float] | None,
    profile: Sequence[Any],
    row: str = model.SYRIA,
    columns: Sequence[str] = model.COUNTERPARTS,
) -> tuple[BimatrixView, ...]:
    """Each counterpart's two-player game against ``row``, the others held at ``profile``.

    Parameters
    ----------
    params, tolerance
        The stage game.
    profile
        One strategy per player (pure index or probability vector), usually the selected
        equilibrium; the players outside each view keep their strategy in it.
    """
    game = model.stage_game(params, tolerance)
    mixed = game.as_mixed(profile)
    r = game.player_index(row)
    out = []
    for column in columns:
        c = game.player_index(column)
        view = game.two_player_view(r, c, mixed)
        a, b = (np.asarray(m, dtype=np.float64) for m in view.payoff_matrices)
        weight = np.multiply.outer(mixed[r], mixed[c])
        out.append(
            BimatrixView(
                row=game.players[r],
                column=game.players[c],
                row_actions=game.actions[r],
                column_actions=game.actions[c],
                row_payoffs=a,
                column_payoffs=b,
                equilibria=pure_equilibria_2p(a, b),
                played=tuple((int(i), int(j)) for i, j in np.argwhere(weight > 1e-9)),
            )
        )
    return tuple(out)


def title_payoffs(values: FloatArray, actions: Sequence[str], focus: str = "hedge", *,
                  labels: Labels | None = None, player: str = model.SYRIA) -> str:
    """Finding of the payoff map: how much ``focus`` pays over the best alternative.

    ``values`` are the focal player's (``player``'s) expected payoffs of each action against
    the others' equilibrium play; actions are shown by their ``labels``.
    """
    lab = _labels(labels)
    k = list(actions).index(focus)
    others = [float(v) for j, v in enumerate(values) if j != k]
    margin = float(values[k]) - max(others)
    best = lab.action(player, str(actions[int(np.argmax(values))]))
    shown = lab.action(player, focus)
    if margin > 0:
        return (
            f"{_capital(shown)} pays most: {_sign(margin)} over the best alternative "
            "against the others' equilibrium play at round 0"
        )
    return (
        f"{_capital(best)} pays most at round 0: {shown} trails it by "
        f"{abs(margin):.1f} against the others' equilibrium play"
    )


def _cell_colour(image: Any, value: float) -> str:
    """Black or white text, whichever reads on the cell's colour."""
    r, g, b = (float(x) for x in image.cmap(image.norm(value))[:3])
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def _payoff_norm(*arrays: FloatArray) -> Normalize:
    top = max(float(np.abs(a).max()) for a in arrays)
    return CenteredNorm(vcenter=0.0, halfrange=max(top, 1e-9))


def draw_payoff_table(
    table: PayoffTable,
    ax: Axes | None = None,
    *,
    norm: Normalize | None = None,
    cmap: str | Colormap = PAYOFF_CMAP,
    annotate: bool = True,
    labels: Labels | None = None,
) -> Axes:
    """Draw a :class:`PayoffTable` as a labelled heatmap; equilibrium cells get a frame.

    The columns are labelled by the last two other players' actions (rotated), and the
    first other player's actions are written above the map, over their groups of columns.
    """
    ax = _axes(ax, "payoffs_syria")
    lab = _labels(labels)
    columns = [tuple(lab.action(p, a) for p, a in zip(table.others, col, strict=True))
               for col in table.columns]
    norm = norm or _payoff_norm(table.values)
    image = ax.imshow(table.values, cmap=cmap, norm=norm, aspect="auto")
    n_rows, n_cols = table.values.shape
    if annotate:
        for (r, c), v in np.ndenumerate(table.values):
            ax.text(c, r, _num(v), ha="center", va="center", fontsize=7.5,
                    color=_cell_colour(image, float(v)))
    for r, c in table.marked:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="black",
                               linewidth=2.5, zorder=3))
    ax.set_yticks(range(n_rows), [lab.action(table.player, a) for a in table.row_labels])
    ax.set_ylabel(f"{lab.player(table.player)}'s action")
    fine = [" / ".join(col[1:]) if len(col) > 1 else col[0] for col in columns]
    ax.set_xticks(range(n_cols), fine, rotation=90)
    ax.tick_params(axis="both", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    names = [lab.player(p) for p in table.others]
    if len(table.others) > 1:
        group = n_cols // len({col[0] for col in table.columns})
        sub = group // len({col[1] for col in table.columns}) if len(table.others) > 2 else 0
        for x in range(group, n_cols, group):
            ax.axvline(x - 0.5, color="white", linewidth=4)
        if sub:
            for x in range(sub, n_cols, sub):
                if x % group:
                    ax.axvline(x - 0.5, color="white", linewidth=1.2)
        top = ax.secondary_xaxis("top")
        centres = [g + (group - 1) / 2 for g in range(0, n_cols, group)]
        top.set_xticks(centres, [f"{names[0]}: {columns[g][0]}"
                                 for g in range(0, n_cols, group)])
        top.tick_params(length=0, labelsize=10)
        top.spines["top"].set_visible(False)
        ax.set_xlabel("joint action of the others: " + " / ".join(names[1:])
                      + f"  (grouped by {names[0]}'s action, above)")
    else:
        ax.set_xlabel(f"{names[0]}'s action")
    if table.marked:
        ax.legend(handles=[Patch(facecolor="none", edgecolor="black", linewidth=2.5,
                                 label="equilibrium play")],
                  loc="lower right", bbox_to_anchor=(1.0, 1.06), borderaxespad=0)
    return ax


def figure_payoffs_syria(
    params: model.Parameters,
    tolerance: Mapping[str, float] | None,
    profile: Sequence[Any],
    equilibria: Sequence[Sequence[Any]] = (),
    *,
    labels: Labels | None = None,
) -> Figure:
    """Figure 1a: Syria's payoff map at ``tolerance``, equilibrium cells framed.

    ``profile`` is the selected equilibrium (it sets the title's comparison);
    ``equilibria`` every equilibrium whose cells are marked (default: ``profile``);
    ``labels`` the names players and actions are shown by.
    """
    lab = _labels(labels)
    with style():
        fig = _new_figure("payoffs_syria")
        table = syria_payoff_table(params, tolerance, equilibria or [profile])
        ax = fig.add_subplot()
        draw_payoff_table(table, ax, labels=lab)
        image = ax.images[0]
        fig.colorbar(image, ax=ax, label=f"{lab.player(table.player)}'s payoff\n({PAYOFF_UNIT})",
                     fraction=0.03, pad=0.01)
        values = model.stage_game(params, tolerance).action_values(model.SYRIA, profile)
        _suptitle(fig, title_payoffs(values, table.row_labels, labels=lab, player=table.player))
    return fig


def draw_bimatrix(view: BimatrixView, ax: Axes | None = None, *,
                  norm: Normalize | None = None, cmap: str | Colormap = PAYOFF_CMAP,
                  labels: Labels | None = None) -> Axes:
    """Draw a :class:`BimatrixView`: colour = the row player's payoff, both payoffs written,
    the played cell framed and pure equilibria starred."""
    ax = _axes(ax, "payoffs_counterparts")
    norm = norm or _payoff_norm(view.row_payoffs)
    image = ax.imshow(view.row_payoffs, cmap=cmap, norm=norm)
    lab = _labels(labels)
    row_name, col_name = lab.player(view.row), lab.player(view.column)
    for (r, c), v in np.ndenumerate(view.row_payoffs):
        star = " *" if (r, c) in view.equilibria else ""
        other = _num(float(view.column_payoffs[r, c]))
        ax.text(c, r, f"{row_name} {_num(v)}\n{col_name} {other}{star}",
                ha="center", va="center", fontsize=8.5,
                color=_cell_colour(image, float(v)))
    for r, c in view.played:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="black",
                               linewidth=2.5, zorder=3))
    ax.set_xticks(range(len(view.column_actions)),
                  [lab.action(view.column, a) for a in view.column_actions])
    ax.set_yticks(range(len(view.row_actions)),
                  [lab.action(view.row, a) for a in view.row_actions])
    ax.set_xlabel(f"{col_name}'s action")
    ax.set_ylabel(f"{row_name}'s action")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(f"{row_name} vs {col_name}", fontsize=11)
    return ax


def title_views(views: Sequence[BimatrixView], labels: Labels | None = None) -> str:
    """Finding of the two-player views: what each counterpart plays against Syria."""
    if not views:
        return "No counterparts"
    lab = _labels(labels)
    parts = []
    for v in views:
        cols = sorted({c for _, c in v.played})
        acts = " or ".join(lab.action(v.column, v.column_actions[c]) for c in cols)
        parts.append(f"{lab.player(v.column)} plays {acts}")
    first = views[0]
    rows = sorted({r for r, _ in first.played})
    syria = " or ".join(lab.action(first.row, first.row_actions[r]) for r in rows)
    return f"In equilibrium {lab.player(first.row)} plays {syria}; " + ", ".join(parts)


def figure_payoffs_counterparts(
    params: model.Parameters,
    tolerance: Mapping[str, float] | None,
    profile: Sequence[Any],
    *,
    labels: Labels | None = None,
) -> Figure:
    """Figure 1b: each counterpart's two-player game against Syria, others at ``profile``."""
    lab = _labels(labels)
    with style():
        fig = _new_figure("payoffs_counterparts")
        views = counterpart_views(params, tolerance, profile)
        # The colour scale of figure 1a, so the same colour means the same payoff.
        norm = _payoff_norm(syria_payoff_table(params, tolerance).values)
        axes = fig.subplots(1, len(views), squeeze=False)[0]
        for view, ax in zip(views, axes, strict=True):
            draw_bimatrix(view, ax, norm=norm, labels=lab)
        fig.colorbar(axes[0].images[0], ax=list(axes),
                     label=f"{lab.player(model.SYRIA)}'s payoff\n({PAYOFF_UNIT})",
                     fraction=0.02, pad=0.01, shrink=0.8)
        _suptitle(fig, title_views(views, lab))
        fig.supxlabel("Each panel holds the other two counterparts at their equilibrium play. "
                      "Framed: equilibrium play; *: pure equilibrium of the two-player game.",
                      fontsize=9, fontweight="normal")
    return fig


# -- (2) tolerance ------------------------------------------------------------------
@dataclass(frozen=True)
class ToleranceSeries:
    """Tolerance of each counterpart per round, with switch points and horizons.

    Attributes
    ----------
    rounds
        Round numbers.
    levels
        Counterpart -> tolerance per round.
    switch_points
        Counterpart -> theta_j (``None``: its response never flips).
    horizons
        Horizon name -> round (``None``: never within the run).
    crossings
        Counterpart -> first round its tolerance is at or below theta_j (or ``None``).
    """

    rounds: FloatArray
    levels: dict[str, FloatArray]
    switch_points: dict[str, float | None]
    horizons: dict[str, int | None]
    crossings: dict[str, int | None]


def tolerance_series(results: Results) -> ToleranceSeries:
    """The data of the tolerance figure, from a results mapping."""
    rounds = results["rounds"]
    xs = np.array([float(r["round"]) for r in rounds])
    levels = {
        p: np.array([float(r["tolerance"][p]) for r in rounds]) for p in _counterparts(results)
    }
    thetas = switch_points(results)
    crossings: dict[str, int | None] = {}
    for p, ys in levels.items():
        theta = thetas.get(p)
        hit = np.flatnonzero(ys <= theta + 1e-12) if theta is not None else np.array([])
        crossings[p] = int(xs[hit[0]]) if hit.size else None
    return ToleranceSeries(xs, levels, {p: thetas.get(p) for p in levels},
                           horizon_rounds(results), crossings)


def first_broken(results: Results) -> str | None:
    """The counterpart whose patience broke first: the results' exit path says so; else the
    first whose tolerance reached its switch point."""
    exit_ = results.get("exit") or {}
    if exit_.get("first_broken"):
        return str(exit_["first_broken"])
    crossed = {p: r for p, r in tolerance_series(results).crossings.items() if r is not None}
    return min(crossed, key=lambda p: (crossed[p], p)) if crossed else None


def title_tolerance(series: ToleranceSeries, broken: str | None, unit: str = "round",
                    labels: Labels | None = None) -> str:
    """Finding of the tolerance figure: whose patience breaks first, and when."""
    lab = _labels(labels)
    n = len(series.rounds)
    if broken is None:
        return f"No counterpart's patience breaks within {n} {unit}s"
    when = series.crossings.get(broken)
    theta = series.switch_points.get(broken)
    if when is not None and theta is not None:
        return (f"{lab.player(broken)}'s patience breaks first: its tolerance reaches its "
                f"switch point {theta:.2f} at round {when}")
    return f"{lab.player(broken)}'s patience breaks first"


_HORIZON_NAMES = {"myopic": "myopic horizon", "forward_looking": "forward-looking horizon"}


def _draw_horizons(ax: Axes, horizons: Mapping[str, int | None], *, labels: bool = True) -> None:
    """Vertical lines at the horizons; labels above the axes (staggered, never over data)."""
    styles = {"myopic": "-", "forward_looking": ":"}
    at: dict[int, list[str]] = {}
    for name, x in horizons.items():
        if x is not None:
            at.setdefault(int(x), []).append(name)
    for level, (x, names) in enumerate(sorted(at.items())):
        style_ = styles.get(names[0], "--") if len(names) == 1 else "-"
        ax.axvline(x, color=HORIZON_COLOUR, linestyle=style_, linewidth=1.3, zorder=1)
        if labels:
            if len(names) == 1:
                text = f"{_HORIZON_NAMES.get(names[0], names[0])}: round {x}"
            else:
                short = [_HORIZON_NAMES.get(n, n).removesuffix(" horizon") for n in names]
                text = f"{' and '.join(short)} horizons: round {x}"
            ax.annotate(text, xy=(x, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(0, 2 + 12 * level),
                        textcoords="offset points", va="bottom", ha="center",
                        fontsize=8.5, color=HORIZON_COLOUR, annotation_clip=False)


def draw_tolerance(series: ToleranceSeries, ax: Axes | None = None, *,
                   xlabel: str = "round", labels: Labels | None = None) -> Axes:
    """Draw tolerance lines, dashed switch points in each counterpart's colour, and the
    horizons as labelled vertical lines."""
    ax = _axes(ax, "tolerance")
    lab = _labels(labels)
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
    _draw_horizons(ax, series.horizons)
    ax.set_ylim(-0.03, 1.05)
    if len(series.rounds):
        ax.set_xlim(series.rounds[0] - 0.5, series.rounds[-1] + 0.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"tolerance of a hedging {lab.player(model.SYRIA)}\n(1 = full, 0 = exhausted)")
    ax.legend(loc="lower left", title="tolerance (solid), switch point θ (dashed)",
              title_fontsize=8.5, ncols=len(series.levels))
    return ax


def figure_tolerance(results: Results) -> Figure:
    """Figure 2: tolerance over rounds, switch points and horizons."""
    with style():
        fig = _new_figure("tolerance")
        lab = Labels.from_results(results)
        series = tolerance_series(results)
        draw_tolerance(series, fig.add_subplot(), xlabel=rounds_label(results), labels=lab)
        broken = first_broken(results)
        exit_ = results.get("exit") or {}
        if broken and exit_.get("first_broken") == broken and \
                exit_.get("first_broken_round") is not None:
            crossings = dict(series.crossings)
            crossings[broken] = int(exit_["first_broken_round"])
            series = replace(series, crossings=crossings)
        _suptitle(fig, title_tolerance(series, broken, round_unit(results), lab))
    return fig


# -- (3) margin ---------------------------------------------------------------------
@dataclass(frozen=True)
class MarginSeries:
    """The hedging margin and the hedge probability per round.

    Attributes
    ----------
    rounds
        Round numbers.
    margin
        Syria's expected payoff of hedging minus that of its best other action, against
        the others' selected play.
    hedge_probability
        Syria's probability of hedging in the selected equilibrium.
    syria_payoff
        Syria's expected payoff in the selected equilibrium (NaN where not recorded).
    """

    rounds: FloatArray
    margin: FloatArray
    hedge_probability: FloatArray
    syria_payoff: FloatArray


def _action_values(entry: Mapping[str, Any]) -> Mapping[str, float] | None:
    for key in ("syria_action_values", "syria_values", "action_values"):
        v = entry.get(key)
        if isinstance(v, Mapping) and v:
            return v
    v = entry.get("syria_payoff")
    return v if isinstance(v, Mapping) else None


def margin_from_values(values: Mapping[str, float], focus: str = model.HEDGE) -> float:
    """``values[focus]`` minus the best of the other actions' values."""
    return float(values[focus]) - max(float(v) for a, v in values.items() if a != focus)


def margin_series(results: Results) -> MarginSeries:
    """The data of the margin figure. Uses each round's ``margin``, or computes it from
    Syria's action values where the round records those instead."""
    rounds = results["rounds"]
    players, actions = _players(results), _actions(results)
    k_syria = players.index(model.SYRIA)
    xs, margins, probs, pays = [], [], [], []
    for i, r in enumerate(rounds):
        xs.append(float(r["round"]))
        values = _action_values(r)
        if r.get("margin") is not None:
            margins.append(float(r["margin"]))
        elif values is not None:
            margins.append(margin_from_values(values))
        else:
            margins.append(math.nan)
        if r.get("hedge_probability") is not None:
            probs.append(float(r["hedge_probability"]))
        else:
            probs.append(float(selected_profile(results, i)[k_syria][
                actions[model.SYRIA].index(model.HEDGE)]))
        pay = r.get("syria_payoff")
        pays.append(float(pay) if isinstance(pay, int | float) else math.nan)
    return MarginSeries(np.array(xs), np.array(margins), np.array(probs), np.array(pays))


def title_margin(series: MarginSeries, unit: str = "round",
                 labels: Labels | None = None) -> str:
    """Finding of the margin figure: how long hedging stays ahead."""
    if not len(series.rounds):
        return "No rounds"
    syria = _labels(labels).player(model.SYRIA)
    start = f"Hedging pays {_sign(float(series.margin[0]))} over the best alternative at round 0"
    below = np.flatnonzero((series.hedge_probability < 1 - 1e-9) | (series.margin < -1e-9))
    if below.size == 0:
        return f"{start} and stays {syria}'s choice for all {len(series.rounds)} {unit}s"
    first = int(series.rounds[below[0]])
    if first == int(series.rounds[0]):
        return f"Hedging is not {syria}'s certain choice even at round {first}"
    return f"{start}; from round {first} it is no longer {syria}'s certain choice"


def draw_margin(series: MarginSeries, ax: Axes | None = None, *,
                horizons: Mapping[str, int | None] | None = None) -> Axes:
    """Draw the hedging margin with zero marked, shaded above (hedge ahead) and below."""
    ax = _axes(ax, "margin")
    x, y = series.rounds, series.margin
    ax.axhline(0.0, color="black", linewidth=1)
    ax.fill_between(x, y, 0, where=y >= 0, interpolate=True, color=POSITIVE, alpha=0.15,
                    linewidth=0)
    ax.fill_between(x, y, 0, where=y < 0, interpolate=True, color=NEGATIVE, alpha=0.15,
                    linewidth=0)
    ax.plot(x, y, color=OKABE_ITO["black"], marker="o", markersize=3.5, linewidth=2,
            label="hedge − best alternative")
    _draw_horizons(ax, horizons or {})
    ax.set_ylabel(f"hedge − best alternative\n({PAYOFF_UNIT}; > 0: hedge ahead)")
    top = float(np.nanmax(np.abs(y))) if np.isfinite(y).any() else 1.0
    ax.set_ylim(-1.15 * max(top, 0.1), 1.15 * max(top, 0.1))
    return ax


def draw_hedge_probability(series: MarginSeries, ax: Axes | None = None, *,
                           horizons: Mapping[str, int | None] | None = None,
                           xlabel: str = "round", labels: Labels | None = None) -> Axes:
    """Draw Syria's probability of hedging per round (step line), with one half marked."""
    ax = _axes(ax, "margin")
    ax.step(series.rounds, series.hedge_probability, where="mid", color=PLAYER_COLOURS["syria"],
            linewidth=2)
    ax.plot(series.rounds, series.hedge_probability, "o", color=PLAYER_COLOURS["syria"],
            markersize=3.5)
    ax.axhline(0.5, color=HORIZON_COLOUR, linestyle="--", linewidth=1)
    _draw_horizons(ax, horizons or {}, labels=False)
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([0, 0.5, 1])
    ax.set_ylabel(f"P({_labels(labels).player(model.SYRIA)} hedges)")
    ax.set_xlabel(xlabel)
    return ax


def figure_margin(results: Results) -> Figure:
    """Figure 3: hedging margin over rounds (top) and the hedge probability (bottom)."""
    with style():
        fig = _new_figure("margin")
        lab = Labels.from_results(results)
        series = margin_series(results)
        horizons = horizon_rounds(results)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(2.2, 1))
        draw_margin(series, top, horizons=horizons)
        draw_hedge_probability(series, bottom, horizons=horizons, xlabel=rounds_label(results),
                               labels=lab)
        if len(series.rounds):
            top.set_xlim(series.rounds[0] - 0.5, series.rounds[-1] + 0.5)
        _suptitle(fig, title_margin(series, round_unit(results), lab))
    return fig


# -- (4) equilibrium path ----------------------------------------------------------
@dataclass(frozen=True)
class EquilibriumPath:
    """Each player's selected strategy per round.

    Attributes
    ----------
    rounds
        Round numbers.
    players
        Player names, in game order (the timeline's rows, top to bottom).
    actions
        Each player's action names.
    probabilities
        One array per player of shape ``(n_rounds, n_actions)``: the probability of each
        action in the selected equilibrium of each round.
    """

    rounds: FloatArray
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    probabilities: tuple[FloatArray, ...]

    def mixed_rounds(self) -> FloatArray:
        """Rounds in which some player mixes."""
        mixed = np.zeros(len(self.rounds), dtype=bool)
        for p in self.probabilities:
            mixed |= p.max(axis=1) < 1 - 1e-9
        return self.rounds[mixed]


def equilibrium_path(results: Results) -> EquilibriumPath:
    """The data of the timeline figure, from a results mapping."""
    players, actions = _players(results), _actions(results)
    n = len(results["rounds"])
    profiles = [selected_profile(results, i) for i in range(n)]
    probs = tuple(
        np.array([profiles[t][k] for t in range(n)]).reshape(n, len(actions[p]))
        for k, p in enumerate(players)
    )
    return EquilibriumPath(
        rounds=np.array([float(r["round"]) for r in results["rounds"]]),
        players=players,
        actions=tuple(actions[p] for p in players),
        probabilities=probs,
    )


def _runs(choice: Sequence[int]) -> list[tuple[int, int, int]]:
    """Runs ``(start, stop, value)`` of equal consecutive values."""
    out: list[tuple[int, int, int]] = []
    for t, v in enumerate(choice):
        if out and out[-1][2] == v:
            out[-1] = (out[-1][0], t + 1, v)
        else:
            out.append((t, t + 1, v))
    return out


@dataclass(frozen=True)
class Phase:
    """A run of consecutive rounds in which a player's strategy has the same support.

    Attributes
    ----------
    first, last
        First and last round of the run.
    support
        The actions played with positive probability.
    focus_low, focus_high
        Lowest and highest probability of the focus action (hedge) in the run.
    """

    first: int
    last: int
    support: tuple[str, ...]
    focus_low: float
    focus_high: float


def phases(path: EquilibriumPath, player: str = model.SYRIA,
           focus: str = model.HEDGE) -> tuple[Phase, ...]:
    """``player``'s strategy over the run, cut into phases of constant support."""
    k = path.players.index(player)
    probs, names = path.probabilities[k], path.actions[k]
    h = names.index(focus) if focus in names else None
    out: list[Phase] = []
    for t, row in enumerate(probs):
        support = tuple(a for a, p in zip(names, row, strict=True) if p > 1e-9)
        p = float(row[h]) if h is not None else 0.0
        r = int(path.rounds[t])
        if out and out[-1].support == support:
            last = out[-1]
            out[-1] = Phase(last.first, r, support, min(last.focus_low, p),
                            max(last.focus_high, p))
        else:
            out.append(Phase(r, r, support, p, p))
    return tuple(out)


def describe_phase(phase: Phase, final: bool, focus: str = model.HEDGE, *,
                   labels: Labels | None = None, player: str = model.SYRIA) -> str:
    """``"hedges for sure in rounds 0-5"``, ``"mixes hedge with align in rounds 6-15
    (hedge probability 0.80-0.97)"``, ``"plays align from round 16"``; ``player``'s
    actions shown by their ``labels``."""
    lab = _labels(labels)

    def name(action: str) -> str:
        return lab.action(player, action)

    if final and phase.first != phase.last:
        when = f"from round {phase.first}"
    elif phase.first == phase.last:
        when = f"in round {phase.first}"
    else:
        when = f"in rounds {phase.first}\u2013{phase.last}"
    shown = name(focus)
    if phase.support == (focus,):
        if focus == model.HEDGE and shown == focus:
            return f"{focus}s for sure {when}"
        return f"plays {shown} {when}" + (" for sure" if focus == model.HEDGE else "")
    if len(phase.support) == 1:
        return f"plays {name(phase.support[0])} {when}"
    others = " and ".join(name(a) for a in phase.support if a != focus)
    if focus not in phase.support:
        return f"mixes {others} {when}"
    lo, hi = phase.focus_low, phase.focus_high
    prob = f"{lo:.2f}" if abs(hi - lo) < 5e-3 else f"{lo:.2f}\u2013{hi:.2f}"
    return f"mixes {shown} with {others} {when} ({shown} probability {prob})"


def title_path(path: EquilibriumPath, limit: int = 3, labels: Labels | None = None) -> str:
    """Finding of the timeline: Syria's phases (at most ``limit``, then an ellipsis)."""
    lab = _labels(labels)
    syria = lab.player(model.SYRIA)
    found = phases(path)
    if len(found) == 1 and found[0].support == (model.HEDGE,):
        n = len(path.rounds)
        hedge = lab.action(model.SYRIA, model.HEDGE)
        if hedge == model.HEDGE:
            return f"{syria} hedges for sure in every one of the {n} rounds"
        return f"{syria} plays {hedge} in every one of the {n} rounds"
    told = [describe_phase(p, i == len(found) - 1, labels=lab)
            for i, p in enumerate(found[:limit])]
    return f"{syria} " + "; ".join(told) + ("; \u2026" if len(found) > limit else "")


def draw_path(path: EquilibriumPath, ax: Axes | None = None, *, xlabel: str = "round",
              horizons: Mapping[str, int | None] | None = None,
              labels: Labels | None = None) -> Axes:
    """Draw the timeline: one row per player, each round's cell stacked by the probability
    of each action (colour = the action's position); mixed cells hatched; runs of one pure
    action labelled with its name."""
    ax = _axes(ax, "path")
    lab = _labels(labels)
    n_players = len(path.players)
    height = 0.8
    width = float(np.median(np.diff(path.rounds))) if len(path.rounds) > 1 else 1.0
    for row, (probs, names) in enumerate(zip(path.probabilities, path.actions, strict=True)):
        y0 = n_players - 1 - row - height / 2
        for t, x in enumerate(path.rounds):
            bottom = y0
            mixed = probs[t].max() < 1 - 1e-9
            for a, p in enumerate(probs[t]):
                if p <= 1e-9:
                    continue
                ax.add_patch(Rectangle((x - width / 2, bottom), width, p * height,
                                       facecolor=ACTION_COLOURS[a % len(ACTION_COLOURS)],
                                       edgecolor="white", linewidth=0.6,
                                       hatch="///" if mixed else None))
                bottom += p * height
        pure = [int(np.argmax(p)) if p.max() >= 1 - 1e-9 else -1 for p in probs]
        for start, stop, a in _runs(pure):
            if a < 0 or stop - start < 2:
                continue
            centre = (path.rounds[start] + path.rounds[stop - 1]) / 2
            ax.text(centre, n_players - 1 - row, lab.action(path.players[row], names[a]),
                    ha="center", va="center",
                    fontsize=9, color="black")
    _draw_horizons(ax, horizons or {}, labels=False)
    ax.set_yticks(range(n_players), [lab.player(p) for p in reversed(path.players)])
    ax.set_ylim(-0.6, n_players - 0.4)
    if len(path.rounds):
        ax.set_xlim(path.rounds[0] - width / 2, path.rounds[-1] + width / 2)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    n_actions = max(len(a) for a in path.actions)
    handles: list[Any] = []
    for a in range(n_actions):
        same_place = " / ".join(lab.action(p, acts[a])
                                for p, acts in zip(path.players, path.actions, strict=True)
                                if a < len(acts))
        handles.append(Patch(facecolor=ACTION_COLOURS[a % len(ACTION_COLOURS)],
                             label=same_place))
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="///",
                         label="mixed round (band height = probability)"))
    if horizons and any(v is not None for v in horizons.values()):
        handles.append(Line2D([], [], color=HORIZON_COLOUR, label="horizons (solid: myopic, "
                              "dotted: forward-looking)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2,
              title="colour = action (" + " / ".join(lab.player(p) for p in path.players) + ")",
              title_fontsize=8.5)
    return ax


def figure_path(results: Results) -> Figure:
    """Figure 4: the selected equilibrium's actions per round, as a timeline."""
    with style():
        fig = _new_figure("path")
        lab = Labels.from_results(results)
        path = equilibrium_path(results)
        draw_path(path, fig.add_subplot(), xlabel=rounds_label(results),
                  horizons=horizon_rounds(results), labels=lab)
        _suptitle(fig, title_path(path, labels=lab))
    return fig


# -- (5) decomposition -------------------------------------------------------------
@dataclass(frozen=True)
class TermDifference:
    """One payoff term's contribution to ``focus`` minus each alternative.

    Attributes
    ----------
    name, claims, description
        The term (see :class:`sim.model.Term`).
    differences
        Alternative action -> (term at ``focus``) minus (term at that action).
    """

    name: str
    claims: tuple[str, ...]
    description: str
    differences: dict[str, float]


@dataclass(frozen=True)
class Decomposition:
    """Why ``focus`` beats (or trails) each alternative, term by term.

    Attributes
    ----------
    focus
        The action explained (``"hedge"``).
    alternatives
        The actions it is compared with.
    terms
        Every term of the player's payoff, in model order.
    totals
        Alternative -> payoff of ``focus`` minus payoff of the alternative (the sum of the
        terms' differences).
    player
        Whose actions ``focus`` and the alternatives are.
    """

    focus: str
    alternatives: tuple[str, ...]
    terms: tuple[TermDifference, ...]
    totals: dict[str, float]
    player: str = model.SYRIA

    def nonzero_terms(self, atol: float = 1e-9) -> tuple[TermDifference, ...]:
        """Terms that differ between ``focus`` and some alternative."""
        return tuple(t for t in self.terms
                     if any(abs(v) > atol for v in t.differences.values()))

    def main_terms(self, alternative: str, n: int = 3) -> tuple[TermDifference, ...]:
        """The ``n`` terms with the largest absolute difference against ``alternative``."""
        ranked = sorted(self.nonzero_terms(), key=lambda t: -abs(t.differences[alternative]))
        return tuple(ranked[:n])


def decomposition_differences(
    params: model.Parameters,
    tolerance: Mapping[str, float] | None,
    profile: Sequence[Any],
    focus: str = model.HEDGE,
    alternatives: Sequence[str] | None = None,
    player: str = model.SYRIA,
) -> Decomposition:
    """Term-by-term difference between ``player`` playing ``focus`` and each alternative,
    the others playing their strategies in ``profile``.

    Returns
    -------
    Decomposition
        Its ``totals`` equal the stage-game payoff differences exactly (the terms sum to
        the payoff, :func:`sim.model.decompose`).
    """
    game = model.stage_game(params, tolerance)
    mixed = game.as_mixed(profile)
    k = game.player_index(player)
    names = game.actions[k]
    alternatives = tuple(alternatives or [a for a in names if a != focus])

    def at(action: str) -> tuple[model.TermValue, ...]:
        swapped = list(mixed)
        swapped[k] = game.pure_to_mixed([0] * k + [names.index(action)]
                                        + [0] * (game.n_players - k - 1))[k]
        return model.decompose(params, tolerance, player, tuple(swapped))

    base = at(focus)
    others = {a: at(a) for a in alternatives}
    terms = tuple(
        TermDifference(t.name, t.claims, t.description,
                       {a: t.value - others[a][i].value for a in alternatives})
        for i, t in enumerate(base)
    )
    totals = {a: float(sum(t.differences[a] for t in terms)) for a in alternatives}
    return Decomposition(focus, alternatives, terms, totals, player)


def _term_label(term: TermDifference) -> str:
    return f"{term.name.replace('_', ' ')}  [{', '.join(term.claims)}]"


def title_decomposition(dec: Decomposition, labels: Labels | None = None) -> str:
    """Finding of the decomposition: the margin over each alternative and its main term."""
    lab = _labels(labels)
    parts = []
    for a in dec.alternatives:
        total = dec.totals[a]
        verb = "beats" if total > 0 else "trails"
        main = dec.main_terms(a, 1)
        lead = f" ({main[0].name.replace('_', ' ')} {_sign(main[0].differences[a])})" if main \
            else ""
        parts.append(f"{verb} {lab.action(dec.player, a)} by {abs(total):.1f}{lead}")
    return f"Why {lab.action(dec.player, dec.focus)} wins now: it " + " and ".join(parts)


def draw_decomposition(dec: Decomposition, alternative: str, ax: Axes | None = None, *,
                       terms: Sequence[TermDifference] | None = None,
                       show_labels: bool = True, labels: Labels | None = None) -> Axes:
    """Horizontal bars: each term's contribution to ``focus`` minus ``alternative``."""
    ax = _axes(ax, "decomposition")
    terms = list(terms if terms is not None else dec.nonzero_terms())
    ys = np.arange(len(terms))[::-1]
    values = np.array([t.differences[alternative] for t in terms])
    colours = [POSITIVE if v > 0 else NEGATIVE for v in values]
    ax.barh(ys, values, color=colours, height=0.65)
    ax.axvline(0, color="black", linewidth=1)
    span = float(np.abs(values).max()) if len(values) else 1.0
    for y, v in zip(ys, values, strict=True):
        if abs(v) > 1e-9:
            ax.text(v + (0.02 * span if v >= 0 else -0.02 * span), y, _sign(v),
                    va="center", ha="left" if v >= 0 else "right", fontsize=8.5)
    ax.set_xlim(-1.3 * span, 1.3 * span)
    if show_labels:
        ax.set_yticks(ys, [_term_label(t) for t in terms])
    else:
        ax.tick_params(axis="y", labelleft=False)
    ax.tick_params(axis="y", length=0)
    total = dec.totals[alternative]
    lab = _labels(labels)
    ax.set_title(f"{lab.action(dec.player, dec.focus)} − {lab.action(dec.player, alternative)} "
                 f"= {_sign(total)}", loc="center")
    ax.set_xlabel(f"payoff difference ({PAYOFF_UNIT})")
    ax.spines["left"].set_visible(False)
    return ax


def figure_decomposition(
    params: model.Parameters,
    tolerance: Mapping[str, float] | None,
    profile: Sequence[Any],
    *,
    labels: Labels | None = None,
) -> Figure:
    """Figure 5: Syria's payoff decomposition, hedge against each alternative, term by term,
    at the others' play in ``profile``."""
    lab = _labels(labels)
    with style():
        fig = _new_figure("decomposition")
        dec = decomposition_differences(params, tolerance, profile)
        terms = dec.nonzero_terms()
        axes = fig.subplots(1, len(dec.alternatives), sharey=True, squeeze=False)[0]
        for i, (a, ax) in enumerate(zip(dec.alternatives, axes, strict=True)):
            draw_decomposition(dec, a, ax, terms=terms, show_labels=i == 0, labels=lab)
        _suptitle(fig, title_decomposition(dec, lab))
        fig.supxlabel("Blue: the term favours hedging; vermillion: it favours the alternative. "
                      "Brackets: the claims (seeds/claims.yaml) each term encodes.",
                      fontsize=9, fontweight="normal")
    return fig


# -- writing ------------------------------------------------------------------------
def save_figure(fig: Figure, path: str | Path, fmt: str | None = None) -> Path:
    """Save ``fig`` to ``path`` atomically (a temporary file in the same folder, renamed).

    Metadata that changes between runs (creation date) is left out, so the same figure
    gives the same bytes.
    """
    p = Path(path)
    fmt = fmt or p.suffix.lstrip(".")
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
    if fmt == "png":
        metadata = {"Software": None}
    with atomic_open(p, "wb") as fh, style():
        fig.savefig(fh, format=fmt, dpi=DPI, metadata=metadata)
    return p


def build_figures(
    results: Results,
    params: model.Parameters,
    tolerance: Mapping[str, float] | None = None,
) -> dict[str, Figure]:
    """Every figure of a run, by name (see :data:`FIGURE_NAMES`), not yet written.

    Parameters
    ----------
    results
        The run's results mapping (``results.json`` as plain Python).
    params
        The stage model's parameters in force at round 0 (payoff maps, decomposition).
    tolerance
        The counterparts' tolerance levels at round 0; default: round 0's in ``results``.
    """
    if tolerance is None:
        tolerance = dict(results["rounds"][0]["tolerance"])
    profile = selected_profile(results, 0)
    equilibria = _equilibrium_profiles(results, 0) or [profile]
    lab = Labels.from_results(results)
    return {
        "payoffs_syria": figure_payoffs_syria(params, tolerance, profile, equilibria,
                                              labels=lab),
        "payoffs_counterparts": figure_payoffs_counterparts(params, tolerance, profile,
                                                            labels=lab),
        "tolerance": figure_tolerance(results),
        "margin": figure_margin(results),
        "path": figure_path(results),
        "decomposition": figure_decomposition(params, tolerance, profile, labels=lab),
    }


def write_figures(
    results: Results,
    out_dir: str | Path,
    *,
    params: model.Parameters,
    tolerance: Mapping[str, float] | None = None,
    formats: Sequence[str] = ("png", "svg"),
) -> dict[str, list[Path]]:
    """Write every figure of a run into ``out_dir``, one file per format, atomically.

    Parameters
    ----------
    results
        The run's results mapping (``results.json`` as plain Python).
    out_dir
        Output folder (created if missing). Files are ``<name>.<format>``.
    params
        The model parameters in force at round 0 (for the payoff maps and decomposition).
    tolerance
        Tolerance levels at round 0; default: round 0's in ``results``.
    formats
        Any of ``"png"``, ``"svg"``.

    Returns
    -------
    dict
        Figure name -> the paths written, in :data:`FIGURE_NAMES` order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {}
    for name, fig in build_figures(results, params, tolerance).items():
        written[name] = [save_figure(fig, out / f"{name}.{fmt}", fmt) for fmt in formats]
    return written
