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
from fake_results import fake_data, fake_results

from sim.cli import main
from sim.compare import compare_to_folder
from sim.compare.figures import (
    date_labels,
    draw_time,
    horizon_length,
    title_ends,
    title_time,
)
from sim.compare.headlines import Headlines, headlines_of
from sim.compare.table import By, common_by, row
from sim.results import Horizon, RunResults, write_json


def _named(name: str, horizon: int | None, action: str = "align", *,
           dated: bool = False) -> RunResults:
    data = fake_data(12, never_ends=horizon is None)
    data["scenario"]["name"] = name
    if dated:
        for r in data["rounds"]:
            r["date"] = dt.date(2024 + (10 + r["round"]) // 12, (10 + r["round"]) % 12 + 1, 1)
    r = RunResults.model_validate(data)
    if horizon is None:
        return r
    return r.model_copy(update={
        "horizons": r.horizons.model_copy(update={"myopic": Horizon.of(horizon)}),
        "exit": r.exit.model_copy(update={"syria_action": action, "round": horizon})})


def _collapsing(h: Headlines, p_end: float) -> Headlines:
    """The same headlines with a regime that falls at a constant hazard (a Model 2 shape)."""
    n = h.rounds
    hazard = 1 - (1 - p_end) ** (1 / n)
    standing = (1 - hazard) ** np.arange(n + 1)
    return Headlines(**{**h.__dict__, "standing": standing})


def test_headlines_are_the_results_numbers() -> None:
    r = _named("a", 5, "realign")
    h = headlines_of(r)
    assert h.horizon_median() == 5 == r.horizons.myopic.round
    assert h.exit == {"align": 0.0, "realign": 1.0, "collapse": 0.0, "never": 0.0}
    assert list(h.value_of_ambiguity) == [x.value_of_ambiguity for x in r.rounds]
    assert list(h.hedge) == [x.hedge_probability for x in r.rounds]
    assert list(h.horizon_by) == [0.0] * 5 + [1.0] * 7
    assert h.path["syria"].tolist() == [x.profile["syria"] for x in r.rounds]
    never = headlines_of(_named("b", None))
    assert never.horizon_median() is None and never.exit_mode() == "never"
    assert never.horizon_never == 1.0


def test_table_rows_state_the_numbers() -> None:
    h = _collapsing(headlines_of(_named("a", 5, dated=True)), 0.3)
    by = By(dt.date(2025, 3, 15), None)
    cells = dict(zip(["scenario", "horizon", "never", "mode", "align", "realign", "collapse",
                      "by", "voa", "robust"], row(h, by), strict=True))
    assert cells["horizon"] == "5 months (Apr 2025)"
    assert h.dates[5] == dt.date(2025, 4, 1)
    # 15 March 2025 falls in round 4 (1 Mar 2025): the collapse probability by its end
    assert h.round_of(by.date) == 4  # type: ignore[arg-type]
    assert float(cells["by"]) == pytest.approx(h.fallen[4], abs=5e-3)
    assert h.fallen[4] == pytest.approx(1 - 0.7 ** (5 / 12))
    assert float(cells["voa"]) == pytest.approx(h.value_of_ambiguity[-1], abs=5e-3)
    assert common_by([h]).date == h.dates[-1]


def test_titles_state_the_numbers_they_are_computed_from() -> None:
    hs = [headlines_of(_named("short", 3)), headlines_of(_named("long", 8)),
          headlines_of(_named("mid", 6))]
    title = title_ends(hs)
    found = re.fullmatch(r"Hedging lasts longest in (\w+): median (\d+) months?; "
                         r"shortest in (\w+): median (\d+) months?", title)
    assert found, title
    by_name = {h.name: h for h in hs}
    assert by_name[found[1]].horizon_median() == int(found[2]) == max(
        h.horizon_median() or 0 for h in hs)
    assert by_name[found[3]].horizon_median() == int(found[4]) == min(
        h.horizon_median() or 0 for h in hs)
    # a weekly scenario's 19 rounds are shorter than a monthly one's 6: lengths compare in
    # days when the scenarios are dated; ties are named together
    dated = [headlines_of(_named(n, k, dated=True)) for n, k in [("a", 6), ("b", 6), ("c", 3)]]
    weekly = headlines_of(_named("weekly", 9, dated=True))
    weekly = Headlines(**{**weekly.__dict__, "round_unit": "week", "dates": tuple(
        dt.date(2024, 11, 1) + dt.timedelta(weeks=t) for t in range(weekly.rounds))})
    assert horizon_length(weekly) == 63 < horizon_length(dated[0])
    assert title_ends([*dated, weekly]) == (
        "Hedging lasts longest in a and b: median 6 months (May 2025); shortest in weekly: "
        "median 9 weeks (3 Jan 2025)")
    hs.append(headlines_of(_named("forever", None)))
    assert title_ends(hs).startswith("Hedging lasts longest in forever: median beyond 12")
    assert title_time(hs) == "In no scenario does the regime fall within the run"
    falling = [_collapsing(hs[0], 0.2), _collapsing(hs[1], 0.45)]
    found = re.fullmatch(r"The regime is likeliest to have fallen in (\w+): (\d+)% by the "
                         r"end of its run", title_time(falling))
    assert found and found[1] == "long"
    assert int(found[2]) == round(100 * falling[1].fallen[-1]) == 45


def test_the_time_figure_of_dated_scenarios_shows_dates() -> None:
    hs = [headlines_of(_named("a", 3, dated=True)), headlines_of(_named("b", 7, dated=True))]
    labels = date_labels(draw_time(hs))
    assert labels and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t) for t in labels), labels


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("compare")
    files = [write_json(_named(n, h, a), out / "in" / n / "results.json")
             for n, h, a in [("early", 3, "align"), ("late", 8, "realign"),
                             ("never", None, "align")]]
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


def test_the_same_scenario_twice_is_refused(tmp_path: Path) -> None:
    f = write_json(fake_results(), tmp_path / "r.json")
    with pytest.raises(Exception, match="same scenario"):
        compare_to_folder([f, f], tmp_path / "o")


def test_a_small_chance_is_never_written_as_zero() -> None:
    from sim.compare.figures import share

    assert share(0.0032) == "0.3%" and share(0.0) == "0%" and share(0.456) == "46%"
