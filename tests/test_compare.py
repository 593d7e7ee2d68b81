"""hedgesim compare: the headlines are the results files' numbers, the table and titles
state them, compare.html holds every image inline and loads with no request outside."""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest
from browser import browser_or_skip, page_of
from reader_results import variant

from sim.cli import main
from sim.compare import compare_to_folder
from sim.compare.figures import (
    censored,
    date_labels,
    draw_time,
    horizon_length,
    title_ends,
    title_time,
)
from sim.compare.headlines import Headlines, headlines_of
from sim.compare.table import By, common_by, row
from sim.results import ArticleResults, write_json

START = dt.date(2024, 11, 1)


def _collapsing(h: Headlines, p_end: float) -> Headlines:
    """The same headlines with a regime that falls at a constant hazard."""
    n = h.rounds
    hazard = 1 - (1 - p_end) ** (1 / n)
    standing = (1 - hazard) ** np.arange(n + 1)
    return Headlines(**{**h.__dict__, "standing": standing})


def test_headlines_are_the_results_numbers(tiny: ArticleResults) -> None:
    h = headlines_of(tiny)
    assert h.median == tiny.horizon.median and h.horizon_never == tiny.horizon.never
    assert list(h.horizon_at) == tiny.horizon.at
    assert h.exit == {e: tiny.exit.totals[e] for e in ("align", "realign", "collapse",
                                                       "never")}
    assert h.exit_mode() == "=".join(tiny.exit.mode)
    assert list(h.standing) == tiny.survival
    assert list(h.hedge) == [r.actions["syria"]["hedge"] for r in tiny.rounds]
    assert h.path["iran"].tolist() == [[r.actions["iran"][a] for a in tiny.actions["iran"]]
                                       for r in tiny.rounds]
    assert h.robust == {"horizon": tiny.robustness.horizon, "exit": tiny.robustness.exit,
                        "collapse": tiny.robustness.collapse}
    assert list(h.value_of_ambiguity) == [r.ambiguity for r in tiny.rounds]
    assert h.value_of_ambiguity_start() == tiny.rounds[0].ambiguity
    assert h.dates == tuple(r.date for r in tiny.rounds) and h.dated
    # the tiny run is solved on --grid 3x3: 3 points a belief, 3 of capacity, 3^3 x 3 + 1
    # states (the collapsed one), whatever the scenario's own grid
    assert h.numerics.startswith("state grid 3 x 3 (82 states)"), h.numerics


def test_table_rows_state_the_numbers(tiny: ArticleResults) -> None:
    h = _collapsing(headlines_of(variant(tiny, 1, start=START)), 0.3)
    by = By(dt.date(2024, 12, 15), None)
    cells = dict(zip(["scenario", "horizon", "never", "mode", "align", "realign", "collapse",
                      "by", "voa", "robust"], row(h, by), strict=True))
    assert h.median == 1 and cells["horizon"] == f"1 month ({h.dates[1]:%b %Y})"
    # 15 December 2024 falls in round 1 (1 Dec 2024): the collapse probability by its end
    assert h.round_of(by.date) == 1  # type: ignore[arg-type]
    n = h.rounds
    assert float(cells["by"]) == pytest.approx(1 - 0.7 ** (2 / n), abs=5e-3)
    assert float(cells["align"]) == h.exit["align"] == 0.15
    assert cells["voa"] == f"{h.value_of_ambiguity[0]:+.2f}"
    assert float(cells["voa"]) == pytest.approx(h.value_of_ambiguity_start(), abs=5e-3)
    assert common_by([h]).date == h.dates[-1]


def test_titles_state_the_numbers_they_are_computed_from(tiny: ArticleResults) -> None:
    hs = [headlines_of(variant(tiny, k, name, start=START))
          for k, name in [(1, "early"), (3, "late"), (2, "mid")]]
    title = title_ends(hs)
    found = re.fullmatch(r"Hedging lasts longest in (\w+): median (\d+) months? .*; "
                         r"shortest in (\w+): median (\d+) months? .*", title)
    assert found, title
    by_name = {h.name: h for h in hs}
    assert by_name[found[1]].horizon_median() == int(found[2]) == 3
    assert by_name[found[3]].horizon_median() == int(found[4]) == 1
    hs.append(headlines_of(variant(tiny, 0, "forever", never=True, start=START)))
    assert title_ends(hs).startswith("Hedging lasts longest in forever: median beyond ")
    found = re.fullmatch(r"The regime is likeliest to have fallen in (\w+): (\d+)% by the "
                         r"end of its run", title_time(hs))
    assert found and found[1] == "late"  # the highest hazard, 0.2 a round
    assert int(found[2]) == round(100 * by_name["late"].fallen[-1])
    # a weekly scenario's rounds are shorter than months: lengths compare in days, ties
    # are named together
    dated = [headlines_of(variant(tiny, k, n, start=START)) for n, k in [("a", 3), ("b", 3),
                                                                        ("c", 2)]]
    weekly = headlines_of(variant(tiny, 3, "weekly", start=START))
    weekly = Headlines(**{**weekly.__dict__, "round_unit": "week", "dates": tuple(
        START + dt.timedelta(weeks=t) for t in range(weekly.rounds))})
    assert horizon_length(weekly) == 21 < horizon_length(dated[2])
    # a median beyond a short run is a lower bound: it is not "longest" against a longer
    # known median, nor ever "shortest"
    short_never = headlines_of(variant(tiny, 0, "short_never", never=True, start=START))
    short_never = Headlines(**{**short_never.__dict__, "round_unit": "week", "dates": tuple(
        START + dt.timedelta(weeks=t) for t in range(short_never.rounds))})
    assert horizon_length(short_never) == 7 * short_never.rounds < horizon_length(dated[0])
    title = title_ends([*dated, short_never])
    assert "short_never" not in title and title.startswith("Hedging lasts longest in a and b")
    assert title_ends([*dated, weekly]) == (
        f"Hedging lasts longest in a and b: median 3 months ({dated[0].dates[3]:%b %Y}); "
        "shortest in weekly: median 3 weeks (22 Nov 2024)")


def test_the_time_figure_of_dated_scenarios_shows_dates(tiny: ArticleResults) -> None:
    hs = [headlines_of(variant(tiny, 1, "a")), headlines_of(variant(tiny, 2, "b"))]
    labels = date_labels(draw_time(hs))
    assert labels and all(re.fullmatch(r"(\d{1,2} )?[A-Z][a-z]{2} \d{4}", t) for t in labels)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, tiny: ArticleResults) -> Path:
    out = tmp_path_factory.mktemp("compare")
    files = [write_json(variant(tiny, k, n), out / "in" / n / "results.json")
             for n, k in [("early", 1), ("late", 3), ("never", 0)]]
    assert main(["compare", *map(str, files), "--out", str(out / "cmp")]) == 0
    return out / "cmp"


def test_compare_writes_the_table_and_a_self_contained_page(written: Path,
                                                            capsys: pytest.CaptureFixture
                                                            ) -> None:
    assert {p.name for p in written.iterdir()} >= {"compare.csv", "compare.html",
                                                   "compare_ends.png", "compare_time.png"}
    csv = (written / "compare.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in csv[1:]] == ["early", "late", "never"]
    html = (written / "compare.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == 2
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert not re.search(r'(src|href)="(?!data:|#)', html)
    assert "http://" not in html and "https://" not in html


def test_compare_html_loads_every_image_and_nothing_else_in_chromium(written: Path) -> None:
    with browser_or_skip() as browser, page_of(browser, written / "compare.html") as (pg,
                                                                                      outside):
        sizes = pg.locator("img").evaluate_all(
            "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert len(sizes) == 2 and all(ok and w > 100 and h > 100 for ok, w, h in sizes)
        rows = pg.locator("#compare-table tbody tr").count()
        assert rows == 3
        assert outside == []


def test_a_missing_input_is_one_line_and_nothing_written(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    assert main(["compare", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "nope.json" in err
    assert not (tmp_path / "o" / "compare.html").exists()


def test_the_same_scenario_twice_is_refused(tmp_path: Path, tiny: ArticleResults) -> None:
    f = write_json(tiny, tmp_path / "r.json")
    with pytest.raises(Exception, match="same scenario"):
        compare_to_folder([f, f], tmp_path / "o")


def test_a_collapse_first_is_not_a_longer_hedge(tiny: ArticleResults) -> None:
    """A scenario whose median horizon is not reached because the regime falls first (not
    because Syria keeps hedging) is neither "beyond the run" nor the longest hedge."""
    from sim.compare.table import horizon_text

    dated = [headlines_of(variant(tiny, k, n, start=START)) for n, k in [("a", 3), ("c", 2)]]
    fell = headlines_of(variant(tiny, 0, "fell", never=True, start=START))
    fell = Headlines(**{**fell.__dict__, "horizon_never": 0.3, "horizon_collapse": 0.7})
    assert horizon_text(fell) == "not reached: collapse first"
    assert not censored(fell)
    title = title_ends([*dated, fell])
    assert "fell" not in title and title.startswith("Hedging lasts longest in a:"), title
    kept = Headlines(**{**fell.__dict__, "name": "kept", "horizon_never": 0.7,
                        "horizon_collapse": 0.3})
    assert horizon_text(kept).startswith("beyond ") and censored(kept)
    assert title_ends([*dated, kept]).startswith("Hedging lasts longest in kept: median beyond")
