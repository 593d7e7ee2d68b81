"""Figures: the plot data of each figure, numerically; the registry; every figure written
at its size, byte for byte reproducible, from typed results alone."""

from __future__ import annotations

import ast
import struct
from pathlib import Path

import numpy as np
import pytest
from analysis_results import (
    INCENTIVE,
    VISIBILITY,
    analyses,
    grid1,
    grid2,
    monte_carlo,
    sensitivity,
)
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
from sim.figures.horizon_distribution import title_distribution
from sim.figures.horizon_grid import title_grid
from sim.figures.horizon_tornado import title_tornado
from sim.figures.outcomes import outcome_shares
from sim.figures.play import play_shares
from sim.figures.terms import term_bars
from sim.labels import Labels
from sim.results import ArticleResults
from sim.wording import key_label, key_name, key_unit, value_text

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
    assert title_exit(tied).startswith("Equally likely: openly aligns with Iran (40%) and "
                                       "breaks with Iran")


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
    assert key_name(VISIBILITY) == "visibility of hedging to Iran"
    assert key_name(INCENTIVE) == "Gulf/West incentive"
    assert key_name("beliefs.israel.deniability") == "deniability towards Israel"
    assert key_name("patrons.iran.capacity") == "Iran's capacity"
    assert key_name("patrons.russia.protection") == "Russia's protection"
    assert key_unit(VISIBILITY, "month") == "multiplier"
    assert key_unit(INCENTIVE, "week") == "payoff units per month"  # scenarios state months
    assert key_label(VISIBILITY) == "visibility of hedging to Iran (multiplier)\n" + VISIBILITY
    assert (value_text(0.044), value_text(2.125), value_text(7.0)) == ("0.044", "2.12", "7")


def test_grid_data_keeps_never_and_collapse_out_of_the_horizon() -> None:
    data = views.grid_data(grid2())
    assert data.never.tolist() == [[True, False], [False, False], [False, False]]
    assert data.collapse.tolist() == [[False, False], [False, False], [True, False]]
    assert np.isnan(data.horizon[0, 0]) and np.isnan(data.horizon[2, 0])
    assert data.horizon[1, 1] == 3 and data.span == (2, 6)
    assert data.end_labels == ("align", "realign", "collapse", "never")
    assert data.end.tolist() == [[3, 1], [0, 1], [2, 1]]
    np.testing.assert_allclose(data.edges[0], [-0.125, 0.625, 1.5, 2.5])
    np.testing.assert_allclose(data.edges[1], [-1.0, 5.0, 11.0])
    np.testing.assert_allclose(views.cell_edges(np.array([4.0])), [2.0, 6.0])
    np.testing.assert_allclose(views.cell_edges(np.array([0.0])), [-0.5, 0.5])


def test_axis_effects_of_an_answer() -> None:
    # P(hedging ends): [[0.2, 0.6], [0.7, 0.8], [0.3, 0.9]]
    data = views.grid_data(grid2())
    assert views.axis_effects(data.hedging_ends) == pytest.approx(
        ((0.3 + 0.9) / 2 - (0.2 + 0.6) / 2, (0.6 + 0.8 + 0.9) / 3 - (0.2 + 0.7 + 0.3) / 3))


def test_grid_title_states_the_finding() -> None:
    assert title_grid(views.grid_data(grid2()), "month", LAB) == (
        "Hedging lasts longest when Gulf/West incentive is low and visibility of hedging to "
        "Iran is low: median horizon 2\u20136 months, 1 of 6 cells never leave hedging within "
        "10, 1 of 6 cells collapse first")
    assert title_grid(views.grid_data(grid1()), "round", LAB) == (
        "Hedging lasts longest when visibility of hedging to Iran is low: median horizon "
        "4\u20138 rounds, 1 of 4 values never leave hedging within 10")


def test_horizon_counts_keep_never_and_collapse_apart() -> None:
    counts = views.horizon_counts(monte_carlo())
    assert counts.horizons.tolist() == list(range(10))
    assert counts.counts["align"].tolist() == [0, 0, 0, 2, 2, 1, 0, 0, 0, 0]
    assert counts.counts["realign"].tolist() == [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]
    assert (counts.never, counts.collapse, counts.draws) == (2, 1, 10)
    assert sum(int(c.sum()) for c in counts.counts.values()) + 3 == counts.draws
    assert counts.median_of_ends() == 4.0  # of 3, 3, 4, 4, 4, 5, 6: never is not a round
    assert title_distribution(counts, "month") == (
        "median horizon 4 months among draws whose hedging ends; 20% never within 10 months; "
        "10% collapse first (10 draws)")


def test_tornado_title_names_the_largest_move() -> None:
    assert title_tornado(sensitivity(), LAB) == (
        "Gulf/West incentive moves the answers most: P(hedging stops being certain within the "
        "run) from 40% to 90% over its 5th\u201395th percentile range (scenario: 60%)")
    still = sensitivity().model_copy(update={"parameters": [
        p.model_copy(update={"at_low": sensitivity().base, "at_high": sensitivity().base,
                             "swing": 0.0}) for p in sensitivity().parameters]})
    assert title_tornado(still, LAB) == (
        "No single uncertain input moves the answers from the scenario's")


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
    sizes = {"horizon_tornado": (14.0, 4.05)}
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


@pytest.mark.parametrize("name", ["outcomes", "paths", "ambiguity"])
def test_stacked_panels_count_rounds_above_the_top_panel(tiny: ArticleResults, name: str) -> None:
    """Panels stacked on one x axis carry the dates under the bottom panel and the round
    count on the top edge of the top panel, never in the gap between them (where a reader
    takes it for the lower panel's title)."""
    from matplotlib.axes._secondary_axes import SecondaryAxis

    assert tiny.dates is not None  # the baseline is dated: the round count is drawn
    fig = build_figure(FIGURES[name], tiny, context_of(tiny))
    panels = [ax for ax in fig.axes if not isinstance(ax, SecondaryAxis)]
    top = max(panels, key=lambda ax: ax.get_position().y0)
    counted = [ax for ax in panels
               if any(isinstance(c, SecondaryAxis) for c in ax.child_axes)]
    assert counted == [top]


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    """``collector_paused`` turns the cyclic collector off for its block and back on after
    (also when the block raises); a nested block leaves it to the outer one, and a
    collector that was off stays off."""
    import gc

    from sim.collector import collector_paused

    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
