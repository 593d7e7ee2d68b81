"""The explorer page: its data is read off the results files, and in headless Chromium the
values it shows after moving the sliders are those files' numbers, exactly."""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path

import pytest
from browser import browser_or_skip, page_of
from reader_results import variant

from sim.compare.headlines import headlines_of
from sim.errors import HedgesimError
from sim.explorer import explorer_data, explorer_html, points_from_files
from sim.results import ArticleResults, read_results, write_json
from sim.wording import count_text

KEYS = ["parameters.iran_aid", "parameters.gulf_incentive"]
AXES = [[0.04, 0.08, 0.12], [2.0, 5.0]]


def _variant(tiny: ArticleResults, i: int, j: int) -> ArticleResults:
    """A run per grid position, each with its own horizon, end, collapse and path."""
    return variant(tiny, 2 * i + j, never=(i, j) == (0, 1))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, tiny: ArticleResults
         ) -> tuple[Path, dict[tuple[int, ...], Path]]:
    out = tmp_path_factory.mktemp("explorer")
    files = {}
    for index in itertools.product(range(3), range(2)):
        files[index] = write_json(_variant(tiny, *index),
                                  out / "points" / f"{index[0]}{index[1]}" / "results.json")
    points = points_from_files(KEYS, AXES, files, out)
    html = out / "explorer.html"
    html.write_text(explorer_html(explorer_data("test", KEYS, AXES, points)), encoding="utf-8")
    return html, files


def _embedded(html: Path) -> dict:
    text = html.read_text(encoding="utf-8")
    found = re.search(r'<script id="explorer-data" type="application/json">(.*?)</script>',
                      text, re.S)
    assert found
    return json.loads(found.group(1))


def test_the_page_data_is_read_off_the_results_files(page: tuple[Path, dict]) -> None:
    html, files = page
    data = _embedded(html)
    assert data["axes"] == AXES and data["keys"] == KEYS
    assert data["dates"][0] is not None  # the baseline is dated
    for point in data["points"]:
        results = read_results(html.parent / point["file"])
        assert isinstance(results, ArticleResults)
        assert point["horizon"] == results.horizon.median
        assert point["exit"] == results.exit.totals
        assert point["standing"] == results.survival
        assert point["hedge"] == [r.actions["syria"]["hedge"] for r in results.rounds]
        assert point["path"]["israel"] == [[r.actions["israel"][a]
                                            for a in results.actions["israel"]]
                                           for r in results.rounds]


def test_the_page_is_self_contained(page: tuple[Path, dict]) -> None:
    text = page[0].read_text(encoding="utf-8")
    assert not re.search(r'<script[^>]+src=', text)
    assert not re.search(r'<link[^>]+href=', text)
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text


def test_a_hole_in_the_grid_is_refused(page: tuple[Path, dict]) -> None:
    html, files = page
    points = points_from_files(KEYS, AXES, {k: v for k, v in files.items() if k != (1, 1)},
                               html.parent)
    with pytest.raises(HedgesimError, match="every position"):
        explorer_data("t", KEYS, AXES, points)


def _shown(pg, selector: str) -> tuple[str, str]:
    el = pg.locator(selector)
    return el.inner_text(), el.get_attribute("data-value")


def test_sliders_show_the_results_files_numbers_in_chromium(page: tuple[Path, dict]) -> None:
    """Drive both sliders to four positions and read every displayed answer: each equals
    the number in that position's results file (data-value exactly, the text to 3 places)."""
    html, files = page
    started = time.perf_counter()
    with browser_or_skip() as browser, page_of(browser, html) as (pg, outside):
        for index in [(0, 0), (2, 1), (0, 1), (1, 0)]:
            for k, i in enumerate(index):
                pg.locator(f"#slider-{k}").fill(str(i))
            pg.wait_for_function(f"document.body.dataset.position === '{index[0]},{index[1]}'")
            results = read_results(files[index])
            h = headlines_of(results)
            assert isinstance(results, ArticleResults)
            for k, i in enumerate(index):
                assert float(_shown(pg, f"#value-{k}")[1]) == AXES[k][i]
            text, value = _shown(pg, "#horizon")
            horizon = results.horizon.median
            n = len(results.rounds)
            if horizon is None:
                assert value == "never"
                assert text == f"beyond {count_text(n, results.round_unit)}"
            else:
                assert int(value) == horizon
                assert text.startswith(count_text(horizon, results.round_unit) + " (")
            text, value = _shown(pg, "#never")
            assert float(value) == results.horizon.never
            assert _shown(pg, "#exit-mode")[0] == "=".join(results.exit.mode)
            for end, p in h.exit.items():
                text, value = _shown(pg, f"#exit-{end}")
                assert float(value) == p and text == f"{p:.3f}"
            for series, expected in [("hedge", h.hedge), ("horizon_by", h.horizon_by),
                                     ("standing", h.standing[:-1])]:
                cells = pg.locator(f"#survival-table tr[data-series={series}] td[data-round]")
                shown = [float(v) for v in cells.evaluate_all(
                    "cs => cs.map(c => c.dataset.value)")]
                assert shown == list(expected), series
            text, value = _shown(pg, "#collapse-end")
            assert float(value) == h.fallen[-1] and text == f"{h.fallen[-1]:.3f}"
            assert float(_shown(pg, "#collapse-end")[1]) == 1 - results.survival[-1]
            rects = pg.locator('#path rect[data-player="syria"]:not([data-action=collapsed])'
                               ).evaluate_all(
                "rs => rs.map(r => [+r.dataset.round, +r.dataset.action, +r.dataset.value])")
            expected = [[t, a, r.actions["syria"][name]] for t, r in enumerate(results.rounds)
                        for a, name in enumerate(results.actions["syria"])
                        if r.actions["syria"][name] > 1e-9]
            assert rects == expected
            fallen = pg.locator('#path rect[data-player="syria"][data-action=collapsed]')
            assert fallen.count() == sum(r.collapsed > 1e-9 for r in results.rounds)
            assert pg.locator("#file").get_attribute("href") == \
                files[index].relative_to(html.parent).as_posix()
        assert outside == []
    print(f"explorer browser test: {time.perf_counter() - started:.1f} s")


def test_the_baseline_sweep_moves_what_model_2_reads(tmp_path: Path) -> None:
    """The explorer's sliders are the baseline's sweeps: keys; they must change the answers
    (a sweep over keys Model 2 does not read would show one run four times)."""
    from sim.article.grid import Resolution
    from sim.explorer import explore_to_folder
    from sim.pipeline import RunOptions

    root = Path(__file__).resolve().parents[1]
    options = RunOptions(resolution=Resolution(belief_points=3, capacity_points=3),
                         rules=("qre",), robust=False, myopic=False, sustainability=0)
    written = explore_to_folder(root / "scenarios" / "baseline.yaml", tmp_path, num=2,
                                overrides=["game.rounds=4"], options=options)
    data = _embedded(written.page)
    assert data["keys"] == ["beliefs.iran.visibility", "payoffs.gulf_incentive"]
    points = {tuple(p["index"]): p for p in data["points"]}
    assert len(points) == 4
    # more of the Gulf/West's offer: a realignment becomes likelier, at either visibility
    for i in range(2):
        assert points[(i, 1)]["exit"]["realign"] > points[(i, 0)]["exit"]["realign"]
    # more visibility to Iran: its patience breaks sooner, so hedging ends likelier
    for j in range(2):
        assert sum(points[(1, j)]["horizon_at"]) > sum(points[(0, j)]["horizon_at"])
