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
from fake_results import fake_results

from sim.compare.headlines import headlines_of
from sim.errors import HedgesimError
from sim.explorer import explorer_data, explorer_html, points_from_files
from sim.results import Horizon, RunResults, read_results, write_json
from sim.wording import count_text

KEYS = ["tolerance.iran.decay", "parameters.gulf_incentive"]
AXES = [[0.04, 0.08, 0.12], [2.0, 5.0]]


def _variant(i: int, j: int) -> RunResults:
    """A run per grid position, each with its own horizon, end and path."""
    if (i, j) == (0, 1):
        return fake_results(never_ends=True)
    r = fake_results()
    horizon = 4 + 2 * i + j
    exit_ = r.exit.model_copy(update={"syria_action": "realign" if j else "align",
                                      "round": horizon})
    rounds = list(r.rounds)
    for t in range(horizon, len(rounds)):
        p = dict(rounds[t].profile)
        p["syria"] = [0.25, 0.75 - 0.05 * i, 0.05 * i] if t == horizon else [1.0, 0.0, 0.0]
        rounds[t] = rounds[t].model_copy(update={"profile": p})
    horizons = r.horizons.model_copy(update={"myopic": Horizon.of(horizon)})
    return r.model_copy(update={"horizons": horizons, "exit": exit_, "rounds": rounds})


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[tuple[int, ...], Path]]:
    out = tmp_path_factory.mktemp("explorer")
    files = {}
    for index in itertools.product(range(3), range(2)):
        files[index] = write_json(_variant(*index), out / "points" / f"{index[0]}{index[1]}"
                                  / "results.json")
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
    assert data["dates"][0] is None  # the fake runs are undated
    for point in data["points"]:
        results = read_results(html.parent / point["file"])
        assert isinstance(results, RunResults)
        assert point["horizon"] == results.horizons.myopic.round
        assert point["exit_mode"] == (results.exit.syria_action or "never")
        assert point["path"]["syria"] == [r.profile["syria"] for r in results.rounds]
        assert point["hedge"] == [r.hedge_probability for r in results.rounds]
        assert point["standing"] == [1.0] * (len(results.rounds) + 1)  # no collapse here


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
            assert isinstance(results, RunResults)
            for k, i in enumerate(index):
                assert float(_shown(pg, f"#value-{k}")[1]) == AXES[k][i]
            text, value = _shown(pg, "#horizon")
            horizon = results.horizons.myopic.round
            if horizon is None:
                assert value == "never"
                assert text == f"beyond {count_text(len(results.rounds), results.round_unit)}"
            else:
                assert int(value) == horizon and text == count_text(horizon, results.round_unit)
            assert _shown(pg, "#exit-mode")[0] == (results.exit.syria_action or "never")
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
            rects = pg.locator('#path rect[data-player="syria"]:not([data-action=collapsed])'
                               ).evaluate_all(
                "rs => rs.map(r => [+r.dataset.round, +r.dataset.action, +r.dataset.value])")
            expected = [[t, a, q] for t, r in enumerate(results.rounds)
                        for a, q in enumerate(r.profile["syria"]) if q > 1e-9]
            assert rects == expected
            assert pg.locator("#file").get_attribute("href") == \
                files[index].relative_to(html.parent).as_posix()
        assert outside == []
    print(f"explorer browser test: {time.perf_counter() - started:.1f} s")
