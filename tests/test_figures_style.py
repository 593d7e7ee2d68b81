"""The house palette and time axes (sim.figures.style): colours that keep their meaning and
stay apart under colour-vision deficiencies, calendar dates on every time axis of a dated
run, steps that jump, stacked probabilities that add up."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from sim.article import actors
from sim.figures import build_figure, context_of, figures_of
from sim.figures.style import (
    ACTION_KIND,
    KIND_COLOURS,
    KINDS,
    OUTCOME_COLOURS,
    STANCE_COLOURS,
    STANCES,
    action_colour,
    action_kind,
    date_axis,
    date_texts,
    draw_stacked,
    draw_steps,
    format_date,
    longest_run,
    min_distance,
    tick_rounds,
)
from sim.results import ArticleResults

#: A date label as date_axis writes it: "Nov 2024" or "3 Nov 2024".
DATE = re.compile(r"^(\d{1,2} )?[A-Z][a-z]{2} \d{4}$")


def test_every_counterpart_action_has_a_kind_in_harshness_order() -> None:
    """The declared table covers the game's actions, mildest to harshest as the model
    orders them (sim.article.actors.HARSHNESS)."""
    for player in actors.COUNTERPARTS:
        assert tuple(ACTION_KIND[player]) == actors.HARSHNESS[player]
        assert tuple(action_kind(player, a) for a in actors.HARSHNESS[player]) == KINDS
    assert set(actors.ACTIONS[actors.SYRIA]) == set(STANCES)
    # the same kind, the same colour, whoever plays it
    assert action_colour("iran", "withdraw") == action_colour("gulf", "isolate")
    assert action_colour("syria", "hedge") not in KIND_COLOURS.values()
    with pytest.raises(KeyError, match="ACTION_KIND"):
        action_kind("iran", "invade")


def test_palettes_stay_apart_under_colour_vision_deficiencies() -> None:
    """CIE76 distances under the Machado et al. (2009) simulations: every pair of a palette
    at least 15 apart (about 2.3 is a just-noticeable difference). A red/green pair, the
    classic failure, does not pass the same check."""
    assert min_distance(list(KIND_COLOURS.values())) > 15
    assert min_distance(list(STANCE_COLOURS.values())) > 15
    assert min_distance(list(OUTCOME_COLOURS.values())) > 15
    assert min_distance(["#D62728", "#2CA02C", "#1F77B4"]) < 15


def test_ticks_are_at_most_eight_from_round_zero() -> None:
    for n in (1, 5, 8, 9, 24, 25, 100, 1000):
        ticks = tick_rounds(n)
        assert ticks[0] == 0 and len(ticks) <= 8 and ticks[-1] < n
        assert len(set(np.diff(ticks))) <= 1
    assert tick_rounds(24) == [0, 3, 6, 9, 12, 15, 18, 21]
    assert format_date(dt.date(2024, 11, 1)) == "Nov 2024"
    assert format_date(dt.date(2024, 11, 8), round_days=7) == "8 Nov 2024"


def _time_axes(fig: Figure) -> list[tuple[object, list[str], str]]:
    """(axes, its x tick labels, its x label) of every axes whose x axis counts rounds or
    dates (secondary axes excluded: they are the round index by design)."""
    found = []
    fig.canvas.draw()
    for ax in fig.axes:
        if type(ax).__name__ == "SecondaryAxis":
            continue
        label = ax.get_xlabel()
        if label.startswith("round") or label == "date":
            found.append((ax, [t.get_text() for t in ax.get_xticklabels()], label))
    return found


def test_every_time_axis_of_a_dated_run_shows_dates(tiny: ArticleResults) -> None:
    """Every registered figure of a run whose rounds are dated (the baseline): each time
    axis is labelled with calendar dates (and they are the rounds' dates, or the end of the
    last), the round index above."""
    results = tiny
    context = context_of(results)
    days = list(results.dates or [])  # every round's start and the end of the last
    dates = set(date_texts(days)) | {format_date(d) for d in days}
    seen = 0
    for spec, item in figures_of(results):
        fig = build_figure(spec, item, context)
        for ax, ticks, label in _time_axes(fig):
            if not ax.xaxis.get_ticklabels()[0].get_visible():  # a shared axis' upper panel
                continue
            seen += 1
            # outcome bins beside the rounds (a horizon's "collapse" and "never") are not times
            shown = [t for t in ticks if t and t not in ("collapse", "never")]
            assert label == "date", f"{spec.name}: time axis labelled {label!r}"
            assert shown and all(DATE.match(t) for t in shown), f"{spec.name}: {shown}"
            assert set(shown) <= dates, f"{spec.name}: dates not of the rounds: {shown}"
    assert seen >= 2


def test_an_undated_run_counts_rounds() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    date_axis(ax, [None, None], round_unit="month")
    assert ax.get_xlabel() == "round (months)"
    date_axis(ax := fig.add_subplot(), [dt.date(2024, 1, 1), dt.date(2024, 2, 1)],
              round_unit="month")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Jan 2024", "Feb 2024"]
    date_axis(ax := fig.add_subplot(), [dt.date(2024, 1, 1), dt.date(2024, 1, 8)],
              round_unit="week")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1 Jan 2024", "8 Jan 2024"]
    # rounds of 30 days put two starts in December: the labels then carry the day
    assert date_texts([dt.date(2024, 12, 1), dt.date(2024, 12, 31)]) == ["1 Dec 2024",
                                                                         "31 Dec 2024"]


def test_steps_jump_at_round_edges() -> None:
    """A value held for a round is flat over it: the drawn path has only horizontal and
    vertical segments, and the jumps sit halfway between rounds."""
    fig = Figure()
    ax = fig.add_subplot()
    artist = draw_steps(ax, [1.0, 1.0, 3.0, 2.0])
    vertices = artist.get_path().vertices  # type: ignore[attr-defined]
    dx, dy = np.diff(vertices[:, 0]), np.diff(vertices[:, 1])
    assert np.all((np.abs(dx) < 1e-12) | (np.abs(dy) < 1e-12))
    jumps = vertices[1:][np.abs(dy) > 0][:, 0]
    assert set(np.round(jumps, 9)) == {1.5, 2.5}


def test_stacked_probabilities_fill_each_round_and_name_in_place() -> None:
    probs = np.array([[1.0, 0, 0], [0.7, 0.3, 0], [0.2, 0.3, 0.5], [0, 0, 1.0]])
    fig = Figure()
    ax = fig.add_subplot()
    draw_stacked(ax, probs, STANCES, [STANCE_COLOURS[s] for s in STANCES])
    tops: dict[float, float] = {}
    assert len(ax.collections) == len(STANCES)  # one collection of bars per category
    for bars in ax.collections:
        for path in bars.get_paths():
            (x0, _), (x1, y1) = path.vertices.min(axis=0), path.vertices.max(axis=0)
            assert x1 - x0 == pytest.approx(1.0)  # a bar fills its round
            x = round((x0 + x1) / 2, 9)
            tops[x] = max(tops.get(x, 0.0), y1)
    assert tops == pytest.approx({0.0: 1.0, 1.0: 1.0, 2.0: 1.0, 3.0: 1.0})
    named = {t.get_text(): t.get_position() for t in ax.texts}
    # hedge's longest run of at least 1/4 is rounds 0-1 (named between them), realign's
    # rounds 2-3; align never reaches 1/4... it does (0.3) in rounds 1-2
    assert named["hedge"][0] == pytest.approx(0.5)
    assert named["realign"][0] == pytest.approx(2.5)
    assert named["align"][0] == pytest.approx(1.5)
    assert longest_run(np.array([0, 1, 1, 0, 1, 1, 1], dtype=bool)) == (4, 7)
    assert longest_run(np.zeros(3, dtype=bool)) is None
