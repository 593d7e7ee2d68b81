"""Figures: the plot data of each figure, numerically; the registry; every figure written
at its size, byte for byte reproducible, from typed results alone."""

from __future__ import annotations

import ast
import struct
from pathlib import Path

import numpy as np
import pytest
from analysis_results import DECAY, INCENTIVE, analyses, grid1, grid2, monte_carlo, sensitivity
from article_run import with_changes
from matplotlib.figure import Figure

from sim import views
from sim.figures import (
    FIGURES,
    build_figure,
    context_of,
    figures_of,
    save_figure,
    write_figures,
)
from sim.figures.ambiguity import ambiguity_series, title_ambiguity
from sim.figures.beliefs import belief_series
from sim.figures.common import DPI
from sim.figures.exit import exit_shares, title_exit
from sim.figures.horizon import bar_positions, title_horizon
from sim.figures.horizon_distribution import horizon_histogram, title_distribution
from sim.figures.horizon_grid import exit_boundaries, title_grid
from sim.figures.horizon_tornado import title_tornado
from sim.figures.outcomes import outcome_shares
from sim.figures.play import play_shares
from sim.figures.terms import term_bars
from sim.labels import Labels
from sim.results import ArticleResults
from sim.wording import central_range, key_label, key_name, key_unit, value_text

ROOT = Path(__file__).resolve().parents[1]
LAB = Labels.default()


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


# -- Model 2's figures -------------------------------------------------------------------------
def test_stacked_play_and_outcomes_sum_to_one_with_collapse(tiny: ArticleResults) -> None:
    for player in tiny.players:
        shares = play_shares(tiny, player)
        assert shares.shape == (len(tiny.rounds), 4)
        np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-8)
        np.testing.assert_allclose(shares[:, -1], [r.collapsed for r in tiny.rounds])
    out = outcome_shares(tiny)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-8)
    np.testing.assert_allclose(out[:, 0], tiny.series("syria", "hedge"))


def test_horizon_and_exit_draw_never_and_collapse_beside_the_rounds(
        tiny: ArticleResults) -> None:
    n = len(tiny.rounds)
    x_c, x_n = bar_positions(n)
    assert n - 1 < x_c < x_n  # their own bars, right of the last round
    names, shares = exit_shares(tiny)
    assert names == ["align", "realign"] and shares.shape == (n, 2)
    assert np.isclose(shares.sum() + tiny.exit.collapse + tiny.exit.never, 1.0)
    fig = build_figure(FIGURES["horizon"], tiny, context_of(tiny))
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[-2:] == ["collapse", "never"]


def test_titles_state_never_as_never_and_a_tie_as_a_tie(tiny: ArticleResults) -> None:
    n = len(tiny.rounds)
    never = with_changes(tiny, horizon={"at": [0.0] * n, "collapse": 0.1, "never": 0.9,
                                        "median": None, "expected": None})
    assert "through all 4 months in 90% of paths" in title_horizon(never)
    exit_ = tiny.exit.model_dump(mode="json")
    exit_.update(at=[{"align": 0.0, "realign": 0.0}] * (n - 1) + [{"align": 0.4,
                                                                   "realign": 0.4}],
                 collapse=0.0, never=0.2, totals={"align": 0.4, "realign": 0.4,
                                                  "collapse": 0.0, "never": 0.2},
                 mode=["align", "realign"])
    tied = with_changes(tiny, exit=exit_)
    assert title_exit(tied).startswith("Equally likely: openly aligns with Tehran (40%) and "
                                       "breaks with Tehran")


def _with_ambiguity(results: ArticleResults, values: list[float | None]) -> ArticleResults:
    rounds = [r.model_dump(mode="json") | {"ambiguity": v,
                                           "hedging_pays": None if v is None else float(v > 0)}
              for r, v in zip(results.rounds, values, strict=True)]
    return with_changes(results, rounds=rounds)


def test_the_ambiguity_title_states_the_numbers_it_draws(tiny: ArticleResults) -> None:
    data = ambiguity_series(tiny)
    np.testing.assert_array_equal(data.value, [r.ambiguity for r in tiny.rounds])
    np.testing.assert_array_equal(data.pays, [r.hedging_pays for r in tiny.rounds])
    # the tiny baseline hedges for sure throughout: hedging pays in every month
    assert all(v > 0 for v in data.value)
    title = title_ambiguity(tiny)
    assert title == (f"Hedging pays more than Syria's best open stance in every month: by "
                     f"{data.value[0]:.2f} at the start, {data.value[-1]:.2f} in "
                     "month 3 (Jan 2025)")
    ends = _with_ambiguity(tiny, [3.25, 1.5, -0.75, None])
    assert title_ambiguity(ends) == ("Hedging is worth 3.25 over Syria's best open "
                                     "stance at the start and stops paying in month 2 "
                                     "(Dec 2024) (-0.75)")
    assert np.isnan(ambiguity_series(ends).value[3])
    never = _with_ambiguity(tiny, [-0.5, 1.0, 1.0, 1.0])
    assert title_ambiguity(never).startswith("Hedging pays less than Syria's best open stance "
                                             "from the start: by 0.50 in month 0")
    fig = build_figure(FIGURES["ambiguity"], ends, context_of(ends))
    assert fig.axes[-1].get_xlabel() == "date"


def test_beliefs_and_terms_are_the_results_numbers(tiny: ArticleResults) -> None:
    for cp in tiny.counterparts:
        series = belief_series(tiny, cp)
        assert list(series) == ["mean", "0.1", "0.5", "0.9"]
        assert np.all(series["0.1"] <= series["0.9"])
    names, values = term_bars(tiny, "realign")
    dec = tiny.decomposition
    assert np.isclose(values.sum(), dec.totals["realign"])
    assert list(np.abs(values)) == sorted(np.abs(values), reverse=True)
    assert all("(" in n for n in names)  # every term shows its claims


def test_key_paths_in_words_with_units() -> None:
    assert key_name(DECAY) == "Iran's tolerance decay"
    assert key_name(INCENTIVE) == "Gulf/West incentive"
    assert key_name("tolerance.israel.deniability") == "deniability towards Israel"
    assert key_name("repeated.discount") == "Syria's discount factor"
    assert key_unit(DECAY, "month") == "tolerance per month"
    assert key_unit(INCENTIVE, "month") == "payoff units per month"
    assert key_unit("parameters.condition_share_hedge") == "share"
    assert key_label(DECAY) == "Iran's tolerance decay (tolerance per round)\n" + DECAY
    assert (value_text(0.044), value_text(2.125), value_text(7.0)) == ("0.044", "2.12", "7")


def test_grid_data_never_is_not_a_number() -> None:
    data = views.grid_data(grid2())
    assert data.never.tolist() == [[False, True], [False, False], [False, False]]
    assert np.isnan(data.horizon[0, 1]) and data.horizon[1, 1] == 4
    assert data.span == (2, 5)
    assert data.exit_labels == ("align", "realign")
    assert [int((data.exit == k).sum()) for k in (0, 1, -1)] == [3, 2, 1]
    np.testing.assert_allclose(data.edges[0], [0.01, 0.03, 0.06, 0.1])
    np.testing.assert_allclose(data.edges[1], [0.5, 3.5, 6.5])
    np.testing.assert_allclose(views.cell_edges(np.array([4.0])), [2.0, 6.0])
    np.testing.assert_allclose(views.cell_edges(np.array([0.0])), [-0.5, 0.5])


def test_exit_boundaries_separate_exit_regions() -> None:
    data = views.grid_data(grid2())
    segments = exit_boundaries(data.exit, *data.edges)
    # along axis 0: never | realign at incentive 5; along axis 1: one per decay
    expected = [((0.03, 3.5), (0.03, 6.5)), ((0.01, 3.5), (0.03, 3.5)),
                ((0.03, 3.5), (0.06, 3.5)), ((0.06, 3.5), (0.1, 3.5))]
    np.testing.assert_allclose(sorted(segments), sorted(expected))
    assert exit_boundaries(np.zeros((3, 3), dtype=np.int64), *data.edges) == []


def test_axis_effects_count_never_as_the_run() -> None:
    # censored: [[5, 10], [3, 4], [2, 2]]
    assert views.axis_effects(views.grid_data(grid2())) == pytest.approx(
        (2.0 - 7.5, (10 + 4 + 2) / 3 - (5 + 3 + 2) / 3))


def test_grid_title_states_the_finding() -> None:
    assert title_grid(views.grid_data(grid2()), "month", LAB) == (
        "Hedging lasts longest when Iran's tolerance decay is low and Gulf/West incentive is "
        "high: 2\u20135 months, never within 10 in 1 of 6 cells over the grid")
    assert title_grid(views.grid_data(grid1()), "round", LAB) == (
        "Hedging lasts longest when Iran's tolerance decay is low: 4\u20138 rounds, never "
        "within 10 at 1 of 4 values over the sweep")
    flat = grid1().model_copy(update={"horizon": [None] * 4, "exit": [None] * 4})
    assert "everywhere" in title_grid(views.grid_data(flat), "round", LAB)


def test_histogram_splits_horizons_by_exit() -> None:
    hist = horizon_histogram(monte_carlo())
    assert hist.horizons.tolist() == list(range(10))
    assert hist.counts["align"].tolist() == [0, 0, 1, 2, 2, 1, 0, 0, 0, 0]
    assert hist.counts["realign"].tolist() == [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]
    assert "hedge" not in hist.counts
    assert hist.never == 2 and hist.draws == 10
    assert sum(c.sum() for c in hist.counts.values()) + hist.never == hist.draws
    assert hist.quantiles[0.95] == 10  # the 95th is "never"
    assert title_distribution(hist, "month") == (
        "Median horizon 4 months; at least 2.45 months in 95% of draws; 20% never leave "
        "hedging within 10 months (10 draws)")
    assert central_range(4, 9, 24, "month") == "90% of draws between 4 and 9 months"
    assert central_range(24, 24, 24) == "over 95% of draws never leave hedging within 24 rounds"


def test_tornado_rows_and_title() -> None:
    rows = views.tornado_rows(sensitivity())
    assert [r.key for r in rows] == [INCENTIVE, DECAY, "parameters.iran_aid"]
    top = rows[0]
    assert (top.low_horizon, top.high_horizon, top.high_never, top.swing) == (6, 24, True, 18)
    assert top.high_exit is None and top.low_exit == "align"
    assert rows[1].high_exit == "realign" and rows[1].swing == 6 and rows[2].swing == 0
    assert title_tornado(sensitivity(), "month", LAB) == (
        "Gulf/West incentive moves the horizon most: 6 months to never over its "
        "5th\u201395th percentile range (base 6 months)")
    still = sensitivity().model_copy(update={"parameters": [
        p.model_copy(update={"low_horizon": 6, "high_horizon": 6, "swing": 0})
        for p in sensitivity().parameters]})
    assert title_tornado(still, "round", LAB) == (
        "No single uncertain input moves the horizon from its base 6 rounds")


# -- the registry and the files --------------------------------------------------------------
def test_every_figure_is_registered_once_with_its_module() -> None:
    modules = sorted(p.stem for p in (ROOT / "sim" / "figures").glob("*.py")
                     if p.stem not in ("__init__", "common", "registry", "style"))
    owners = sorted({spec.build.__module__.rsplit(".", 1)[1] for spec in FIGURES.values()})
    assert owners == modules
    assert all(spec.caption.endswith(".") for spec in FIGURES.values())


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory,
            tiny: ArticleResults) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("figures")
    return {**write_figures(tiny, out), **write_figures(analyses(), out)}


def test_every_figure_is_written_at_its_size(written: dict[str, list[Path]],
                                             tiny: ArticleResults) -> None:
    expected = [spec.name for spec, _ in figures_of(tiny)] + \
        [spec.name for spec, _ in figures_of(analyses())]
    assert expected[:9] == ["path", "outcomes", "ambiguity", "horizon", "exit", "paths",
                            "beliefs", "robustness", "terms"]
    assert list(written) == expected and "horizon_sweep" not in written
    sizes = {"horizon_tornado": (11.0, 3.85)}
    for name, paths in written.items():
        assert [p.suffix for p in paths] == [".png"]
        w, h = sizes.get(name) or FIGURES[name].size_of(None)
        assert png_size(paths[0]) == (round(w * DPI), round(h * DPI)), name
    leftovers = [p for p in written["path"][0].parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], "temporary files left behind"


def test_a_one_key_sweep_draws_a_line(tmp_path: Path) -> None:
    drawn = write_figures(analyses(grid=grid1()), tmp_path)
    assert list(drawn) == ["horizon_sweep"] and png_size(drawn["horizon_sweep"][0]) == (1000, 550)


def test_figures_are_byte_for_byte_reproducible(tmp_path: Path, tiny: ArticleResults) -> None:
    """PNG and SVG: the same result gives the same bytes (no dates, stable SVG ids)."""
    spec = FIGURES["outcomes"]
    for fmt in ("png", "svg"):
        a, b = (save_figure(build_figure(spec, tiny, context_of(tiny)),
                            tmp_path / f"{k}.{fmt}") for k in "ab")
        assert a.read_bytes() == b.read_bytes(), fmt
    svg = a.read_text()
    assert "<svg" in svg and svg.rstrip().endswith("</svg>")


def test_an_undated_run_counts_rounds(tiny: ArticleResults) -> None:
    scenario = tiny.scenario.model_dump(mode="json") | {"start": None}
    undated = with_changes(tiny, scenario=scenario)
    assert undated.dates is None
    fig = build_figure(FIGURES["path"], undated, context_of(undated))
    assert fig.axes[-1].get_xlabel() == "round (months)"
    assert isinstance(fig, Figure)


def test_no_module_reaches_into_another_modules_private_names() -> None:
    """``from sim.x import _name`` or ``module._name`` across sim's modules: none."""
    found = []
    for path in (ROOT / "sim").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.asname or alias.name for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim")
                    for alias in node.names} | {
            alias.asname or alias.name.split(".")[-1] for node in ast.walk(tree)
            if isinstance(node, ast.Import) for alias in node.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim"):
                found += [f"{path.name}: from {node.module} import {a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                    and node.value.id in imported and node.value.id not in ("np", "self")):
                found.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert found == []
