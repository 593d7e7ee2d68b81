"""Plot data checked against the model and the game; every figure written, of the right size."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import numpy as np
import pytest
from fake_results import fake_results

from sim import model, plots
from sim.equilibria.pure import pure_equilibria

PARAMS = model.Parameters()
TOLERANCE = {"iran": 0.9, "israel": 0.7, "gulf": 0.8}


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def round0_equilibrium() -> tuple[int, ...]:
    game = model.stage_game(PARAMS, TOLERANCE)
    found = pure_equilibria(game)
    assert found, "the baseline stage game has a pure equilibrium"
    return found[0]


# -- (1) payoff maps -------------------------------------------------------------
def test_payoff_table_is_the_game_payoffs_of_syria() -> None:
    game = model.stage_game(PARAMS, TOLERANCE)
    table = plots.syria_payoff_table(PARAMS, TOLERANCE)
    assert table.values.shape == (3, 27)
    assert table.others == ("iran", "israel", "gulf")
    combos = list(itertools.product(range(3), range(3), range(3)))
    for s in range(3):
        for col, (i, j, g) in enumerate(combos):
            assert table.values[s, col] == game.payoffs[0][s, i, j, g]
            assert table.columns[col] == (
                model.ACTIONS["iran"][i], model.ACTIONS["israel"][j], model.ACTIONS["gulf"][g]
            )


def test_payoff_table_of_a_middle_player_keeps_its_rows() -> None:
    game = model.stage_game(PARAMS, TOLERANCE)
    table = plots.payoff_table(game, "israel")
    # Row = Israel's action, columns = (syria, iran, gulf) joint actions.
    assert table.values[2, 1 * 9 + 2 * 3 + 0] == game.payoffs[2][1, 2, 2, 0]


def test_equilibrium_cells_are_marked() -> None:
    eq = round0_equilibrium()
    table = plots.syria_payoff_table(PARAMS, TOLERANCE, [eq])
    assert table.marked == ((eq[0], eq[1] * 9 + eq[2] * 3 + eq[3]),)
    mixed = (np.array([0.5, 0.5, 0.0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]),
             np.array([0, 0, 1.0]))
    assert plots.syria_payoff_table(PARAMS, TOLERANCE, [mixed]).marked == ((0, 5), (1, 5))


def test_counterpart_views_hold_the_others_at_their_play() -> None:
    eq = round0_equilibrium()
    game = model.stage_game(PARAMS, TOLERANCE)
    views = plots.counterpart_views(PARAMS, TOLERANCE, eq)
    assert [v.column for v in views] == list(model.COUNTERPARTS)
    for k, view in enumerate(views, start=1):
        for s, c in itertools.product(range(3), range(3)):
            cell = list(eq)
            cell[0], cell[k] = s, c
            assert view.row_payoffs[s, c] == pytest.approx(game.payoffs[0][tuple(cell)])
            assert view.column_payoffs[s, c] == pytest.approx(game.payoffs[k][tuple(cell)])
        assert view.played == ((eq[0], eq[k]),)
        # An equilibrium of the whole game is one of every two-player view.
        assert (eq[0], eq[k]) in view.equilibria


def test_pure_equilibria_2p_on_the_prisoners_dilemma() -> None:
    a = np.array([[3.0, 0.0], [5.0, 1.0]])
    assert plots.pure_equilibria_2p(a, a.T) == ((1, 1),)
    coordination = np.eye(2)
    assert plots.pure_equilibria_2p(coordination, coordination) == ((0, 0), (1, 1))


def test_payoff_title_states_the_margin() -> None:
    assert plots.title_payoffs(np.array([1.0, 3.2, 2.0]), ("align", "hedge", "realign")) \
        .startswith("Hedge pays most: +1.2 over the best alternative")
    assert plots.title_payoffs(np.array([4.0, 3.0, 2.0]), ("align", "hedge", "realign")) \
        .startswith("Align pays most at round 0: hedge trails it by 1.0")


# -- (2)-(4) from results ----------------------------------------------------------
def test_tolerance_series_and_crossings() -> None:
    results = fake_results()
    series = plots.tolerance_series(results)
    assert list(series.rounds) == list(range(12))
    assert series.levels["iran"][7] == pytest.approx(1 - 0.08 * 7)
    assert series.crossings == {"iran": 7, "israel": None, "gulf": None}
    assert series.switch_points == {"iran": 0.45, "israel": 0.3, "gulf": None}
    assert series.horizons == {"myopic": 7, "forward_looking": 5}
    assert plots.first_broken(results) == "iran"
    assert plots.title_tolerance(series, "iran", "month").startswith("Iran's patience breaks first")


def test_first_broken_falls_back_to_the_first_crossing() -> None:
    results = fake_results()
    results["exit"] = {"round": 7, "syria_action": "align", "first_broken": None}
    results["switch_points"] = {"iran": 0.2, "israel": 0.8, "gulf": None}
    assert plots.first_broken(results) == "israel"


def test_margin_series_is_hedge_minus_the_best_alternative() -> None:
    results = fake_results()
    series = plots.margin_series(results)
    for t, entry in enumerate(results["rounds"]):
        game = model.stage_game(PARAMS, entry["tolerance"])
        profile = plots.selected_profile(results, t)
        values = game.action_values("syria", profile)
        assert series.margin[t] == pytest.approx(values[1] - max(values[0], values[2]))
        assert series.hedge_probability[t] == pytest.approx(profile[0][1])
    # Without a recorded margin, the same number comes from Syria's action values.
    for entry in results["rounds"]:
        del entry["margin"]
    assert np.allclose(plots.margin_series(results).margin, series.margin)


def test_margin_title_covers_the_never_ends_case() -> None:
    series = plots.margin_series(fake_results(never_ends=True))
    assert plots.title_margin(series, "month").endswith("for all 12 months")
    ending = plots.margin_series(fake_results())
    assert "from round 7" in plots.title_margin(ending)


def test_equilibrium_path_probabilities() -> None:
    path = plots.equilibrium_path(fake_results())
    assert path.players == model.PLAYERS
    for probs in path.probabilities:
        assert probs.shape[0] == 12
        assert np.allclose(probs.sum(axis=1), 1.0)
    assert list(path.mixed_rounds()) == [7.0, 8.0]
    assert path.probabilities[0][8].tolist() == [0.3, 0.7, 0.0]
    assert plots.title_path(path) == (
        "Syria hedges for sure in rounds 0\u20136; mixes hedge with align in rounds 7\u20138 "
        "(hedge probability 0.70); plays align from round 9"
    )
    assert plots.title_path(plots.equilibrium_path(fake_results(never_ends=True))) \
        == "Syria hedges for sure in every one of the 12 rounds"


def test_selected_profile_reads_names_and_probabilities() -> None:
    results = fake_results()
    results["rounds"][0].pop("profile")
    assert [s.tolist() for s in plots.selected_profile(results, 0)] == [
        [0, 1, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0]
    ]
    results["rounds"][0]["selected"]["syria"] = {"hedge": 0.25, "realign": 0.75}
    assert plots.selected_profile(results, 0)[0].tolist() == [0, 0.25, 0.75]


# -- (5) decomposition ---------------------------------------------------------------
@pytest.mark.parametrize("tolerance", [TOLERANCE, {"iran": 0.2, "israel": 0.1, "gulf": 0.0}])
def test_decomposition_differences_sum_to_the_payoff_difference(tolerance: dict) -> None:
    game = model.stage_game(PARAMS, tolerance)
    others = (np.array([0.6, 0.4, 0.0]), np.array([0.0, 1.0, 0.0]), np.array([0.5, 0.5, 0.0]))
    profile = (np.array([0.0, 1.0, 0.0]), *others)
    dec = plots.decomposition_differences(PARAMS, tolerance, profile)
    assert dec.alternatives == ("align", "realign")
    values = game.action_values("syria", profile)
    for k, alt in ((0, "align"), (2, "realign")):
        expected = values[1] - values[k]
        assert dec.totals[alt] == pytest.approx(expected, abs=1e-12)
        assert sum(t.differences[alt] for t in dec.terms) == pytest.approx(expected, abs=1e-12)
    assert {t.name for t in dec.terms} == {t.name for t in model.terms_of("syria")}
    # The war cost separates hedge from align only, by exactly its parameter.
    war = next(t for t in dec.terms if t.name == "war_cost")
    assert war.differences == {"align": PARAMS.war_cost, "realign": 0.0}


def test_decomposition_title_names_the_leading_terms() -> None:
    dec = plots.decomposition_differences(PARAMS, TOLERANCE, round0_equilibrium())
    title = plots.title_decomposition(dec)
    assert title.startswith("Why hedge wins now: it beats align by")
    assert dec.main_terms("align", 1)[0].name.replace("_", " ") in title
    assert all(abs(v) > 0 for t in dec.nonzero_terms() for v in [max(
        abs(x) for x in t.differences.values())])


# -- files -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("figures")
    return plots.write_figures(fake_results(), out, params=PARAMS)


def test_every_figure_is_written_in_both_formats(written: dict[str, list[Path]]) -> None:
    assert list(written) == list(plots.FIGURE_NAMES)
    for name, paths in written.items():
        assert [p.suffix for p in paths] == [".png", ".svg"]
        for p in paths:
            assert p.is_file() and p.stat().st_size > 5000, p
        w, h = plots.FIGURE_SIZES[name]
        assert png_size(paths[0]) == (round(w * plots.DPI), round(h * plots.DPI))
        svg = paths[1].read_text()
        assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    leftovers = [p for p in written["path"][0].parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], "temporary files left behind"


def test_figures_are_byte_for_byte_reproducible(tmp_path: Path) -> None:
    fig = plots.figure_tolerance(fake_results())
    a = plots.save_figure(fig, tmp_path / "a.svg")
    b = plots.save_figure(plots.figure_tolerance(fake_results()), tmp_path / "b.svg")
    assert a.read_bytes() == b.read_bytes()


def test_figures_for_the_never_ends_case(tmp_path: Path) -> None:
    figs = plots.build_figures(fake_results(never_ends=True), PARAMS)
    assert figs["margin"].get_suptitle().endswith("months")
    assert "No counterpart's patience breaks" in figs["tolerance"].get_suptitle()


def test_drawing_functions_accept_an_axes() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert plots.draw_tolerance(plots.tolerance_series(fake_results()), ax) is ax
    assert plots.draw_payoff_table(plots.syria_payoff_table(PARAMS, TOLERANCE)).figure is not fig
