"""The figures: plot data checked numerically against the game and the results, titles that
state the finding, every registered figure written at its size, drawing on a given axes."""

from __future__ import annotations

import ast
import itertools
import struct
from pathlib import Path

import numpy as np
import pytest
from analysis_results import DECAY, INCENTIVE, analyses, grid1, grid2, monte_carlo, sensitivity
from fake_results import fake_results
from matplotlib.figure import Figure

from sim import model, views
from sim.figures import (
    FIGURES,
    build_figure,
    context_of,
    figures_of,
    save_figure,
    write_figures,
)
from sim.figures.common import DPI
from sim.figures.decomposition import title_decomposition
from sim.figures.horizon_distribution import horizon_histogram, title_distribution
from sim.figures.horizon_grid import exit_boundaries, title_grid
from sim.figures.horizon_tornado import title_tornado
from sim.figures.margin import margin_series, title_margin
from sim.figures.path import title_path
from sim.figures.payoffs_counterparts import counterpart_views, pure_equilibria_2p
from sim.figures.payoffs_syria import draw_payoff_table, payoff_table, title_payoffs
from sim.figures.tolerance import draw_tolerance, title_tolerance
from sim.labels import Labels
from sim.wording import central_range, key_label, key_name, key_unit, value_text

ROOT = Path(__file__).resolve().parents[1]
LAB = Labels.default()
PARAMS = model.Parameters()
TOLERANCE = {"iran": 0.9, "israel": 0.7, "gulf": 0.8}
HEDGING = (np.array([0, 1.0, 0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]),
           np.array([1.0, 0, 0]))


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


# -- payoff maps ---------------------------------------------------------------------------
def test_payoff_table_is_the_game_payoffs_of_syria() -> None:
    game = model.stage_game(PARAMS, TOLERANCE)
    table = payoff_table(game, "syria", [HEDGING])
    assert table.values.shape == (3, 27) and table.others == ("iran", "israel", "gulf")
    combos = list(itertools.product(range(3), range(3), range(3)))
    for s in range(3):
        for col, (i, j, g) in enumerate(combos):
            assert table.values[s, col] == game.payoffs[0][s, i, j, g]
            assert table.columns[col] == (model.ACTIONS["iran"][i], model.ACTIONS["israel"][j],
                                          model.ACTIONS["gulf"][g])
    assert table.marked == ((1, 0 * 9 + 1 * 3 + 0),)
    mixed = (np.array([0.5, 0.5, 0.0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]),
             np.array([0, 0, 1.0]))
    assert payoff_table(game, "syria", [mixed]).marked == ((0, 5), (1, 5))
    israel = payoff_table(game, "israel")  # rows: Israel's actions; columns (syria, iran, gulf)
    assert israel.values[2, 1 * 9 + 2 * 3 + 0] == game.payoffs[2][1, 2, 2, 0]


def test_counterpart_views_hold_the_others_at_their_play() -> None:
    game = model.stage_game(PARAMS, TOLERANCE)
    eq = (1, 0, 1, 0)
    views_ = counterpart_views(game, HEDGING, "syria", model.COUNTERPARTS)
    assert [v.column for v in views_] == list(model.COUNTERPARTS)
    for k, view in enumerate(views_, start=1):
        for s, c in itertools.product(range(3), range(3)):
            cell = list(eq)
            cell[0], cell[k] = s, c
            assert view.row_payoffs[s, c] == pytest.approx(game.payoffs[0][tuple(cell)])
            assert view.column_payoffs[s, c] == pytest.approx(game.payoffs[k][tuple(cell)])
        assert view.played == ((eq[0], eq[k]),)


def test_pure_equilibria_2p_on_known_games() -> None:
    a = np.array([[3.0, 0.0], [5.0, 1.0]])
    assert pure_equilibria_2p(a, a.T) == ((1, 1),)  # the prisoner's dilemma
    assert pure_equilibria_2p(np.eye(2), np.eye(2)) == ((0, 0), (1, 1))  # coordination


def test_payoff_title_states_the_margin() -> None:
    assert title_payoffs({"align": 1.0, "hedge": 3.2, "realign": 2.0}, "hedge", "syria", LAB) \
        .startswith("Hedge pays most: +1.2 over the best alternative")
    assert title_payoffs({"align": 4.0, "hedge": 3.0, "realign": 2.0}, "hedge", "syria", LAB) \
        .startswith("Align pays most at round 0: hedge trails it by 1.0")


# -- tolerance, margin, path ---------------------------------------------------------------
def test_tolerance_series_and_crossings() -> None:
    results = fake_results()
    series = views.tolerance_series(results)
    assert list(series.rounds) == list(range(12))
    assert series.levels["iran"][7] == pytest.approx(1 - 0.08 * 7)
    assert series.crossings == {"iran": 7, "israel": None, "gulf": None}
    assert series.switch_points == {"iran": 0.45, "israel": 0.3, "gulf": None}
    assert views.first_broken(results) == "iran"
    assert title_tolerance(series, "iran", 7, "month", LAB) == (
        "Iran's patience breaks first: its tolerance reaches its switch point 0.45 at round 7")
    assert title_tolerance(series, None, None, "month", LAB).startswith("No counterpart's")


def test_first_broken_falls_back_to_the_first_crossing() -> None:
    results = fake_results(exit={"round": 7, "syria_action": "align", "first_broken": None,
                                 "first_broken_round": None},
                           switch_points={"iran": 0.2, "israel": 0.8, "gulf": None})
    assert views.first_broken(results) == "israel"


def test_margin_series_is_hedge_minus_the_best_alternative() -> None:
    results = fake_results()
    series = margin_series(results)
    for t, entry in enumerate(results.rounds):
        values = model.stage_game(PARAMS, entry.tolerance).action_values("syria",
                                                                        results.profile(t))
        assert series.margin[t] == pytest.approx(values[1] - max(values[0], values[2]))
        assert series.focus_probability[t] == pytest.approx(results.profile(t)[0][1])
    never = fake_results(never_ends=True)
    assert title_margin(margin_series(never), "month", "Syria",
                        never.horizons.myopic).endswith("for all 12 months")
    assert "from round 7" in title_margin(series, "month", "Syria", results.horizons.myopic)


def test_equilibrium_path_probabilities_and_phases() -> None:
    path = views.equilibrium_path(fake_results())
    assert path.players == model.PLAYERS
    for probs in path.probabilities:
        assert probs.shape[0] == 12 and np.allclose(probs.sum(axis=1), 1.0)
    mixed = [r for r, *probs in zip(path.rounds, *path.probabilities, strict=True)
             if any(p.max() < 1 - 1e-9 for p in probs)]
    assert mixed == [7.0, 8.0]
    assert path.probabilities[0][8].tolist() == [0.3, 0.7, 0.0]
    assert title_path(path, "syria", "hedge", LAB) == (
        "Syria hedges for sure in rounds 0\u20136; mixes hedge with align in rounds 7\u20138 "
        "(hedge probability 0.70); plays align from round 9")
    assert title_path(views.equilibrium_path(fake_results(never_ends=True)), "syria", "hedge",
                      LAB) == "Syria hedges for sure in every one of the 12 rounds"


def test_decomposition_title_names_the_leading_terms() -> None:
    dec = fake_results().decomposition
    title = title_decomposition(dec, LAB)
    assert title.startswith("Why hedge wins now: it beats align by")
    assert dec.main_terms("align", 1)[0].name.replace("_", " ") in title


# -- analyses ----------------------------------------------------------------------------------
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
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("figures")
    return {**write_figures(fake_results(), out), **write_figures(analyses(), out)}


def test_every_figure_is_written_at_its_size(written: dict[str, list[Path]]) -> None:
    expected = [spec.name for spec, _ in figures_of(fake_results())] + \
        [spec.name for spec, _ in figures_of(analyses())]
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


def test_figures_are_byte_for_byte_reproducible(tmp_path: Path) -> None:
    """PNG and SVG: the same result gives the same bytes (no dates, stable SVG ids)."""
    results = fake_results()
    spec = FIGURES["tolerance"]
    for fmt in ("png", "svg"):
        a, b = (save_figure(build_figure(spec, results, context_of(results)),
                            tmp_path / f"{k}.{fmt}") for k in "ab")
        assert a.read_bytes() == b.read_bytes(), fmt
    svg = a.read_text()
    assert "<svg" in svg and svg.rstrip().endswith("</svg>")


def test_figures_for_the_never_ends_case() -> None:
    results = fake_results(never_ends=True)
    context = context_of(results)
    built = {spec.name: spec.build(item, context) for spec, item in figures_of(results)}
    assert built["margin"].get_suptitle().endswith("months")
    assert "No counterpart's patience breaks" in built["tolerance"].get_suptitle()


def test_drawing_functions_accept_an_axes() -> None:
    ax = Figure().add_subplot()
    assert draw_tolerance(views.tolerance_series(fake_results()), ax) is ax
    table = payoff_table(model.stage_game(PARAMS, TOLERANCE), "syria")
    assert draw_payoff_table(table).figure is not ax.figure


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
