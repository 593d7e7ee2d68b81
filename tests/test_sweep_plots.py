"""Figures and report sections of the analyses: plot data checked numerically on small
hand-built results, files written at the expected size, the report's sentences and figures."""

from __future__ import annotations

import html
import struct
from pathlib import Path

import numpy as np
import pytest

from sim import report, sweep_plots
from sim.sweep import GridResult, MonteCarloResult, SensitivityResult, exit_shares

ROOT = Path(__file__).resolve().parents[1]
DECAY, INCENTIVE = "tolerance.iran.decay", "parameters.gulf_incentive"
ALIGN, REALIGN = 0, 2  # codes into EXIT_LABELS = ("align", "hedge", "realign")
IRAN, ISRAEL = 0, 1


def _i(values: object) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def grid2() -> GridResult:
    """3 decays x 2 incentives; hedging never ends at (0.02, 5); realign at incentive 5."""
    return GridResult(
        keys=(DECAY, INCENTIVE),
        axes=(np.array([0.02, 0.04, 0.08]), np.array([2.0, 5.0])),
        horizon=_i([[5, -1], [3, 4], [2, 2]]),
        exit=_i([[ALIGN, -1], [ALIGN, REALIGN], [ALIGN, REALIGN]]),
        first_broken=_i([[IRAN, -1], [IRAN, IRAN], [IRAN, ISRAEL]]),
        rounds=10,
    )


def grid1() -> GridResult:
    return GridResult(
        keys=(DECAY,),
        axes=(np.array([0.01, 0.05, 0.1, 0.2]),),
        horizon=_i([-1, 8, 4, 4]),
        exit=_i([-1, ALIGN, ALIGN, REALIGN]),
        first_broken=_i([-1, IRAN, IRAN, IRAN]),
        rounds=10,
    )


def monte_carlo() -> MonteCarloResult:
    horizon = _i([3, 3, 4, 4, 4, 5, 6, -1, -1, 2])
    exit = _i([ALIGN, ALIGN, ALIGN, REALIGN, ALIGN, ALIGN, REALIGN, -1, -1, ALIGN])
    cens = np.where(horizon < 0, 10, horizon).astype(float)
    return MonteCarloResult(
        keys=(DECAY, INCENTIVE),
        samples=np.zeros((10, 2)),
        horizon=horizon,
        exit=exit,
        first_broken=_i([IRAN] * 7 + [-1, -1, ISRAEL]),
        quantiles={q: float(np.quantile(cens, q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)},
        exit_shares=exit_shares(exit),
        never_share=0.2,
        rounds=10,
        seed=7,
    )


def sensitivity() -> SensitivityResult:
    # keys already sorted by swing, as sim.sweep.sensitivity returns them
    return SensitivityResult(
        keys=(INCENTIVE, DECAY, "parameters.iran_aid"),
        base_values=np.array([3.0, 0.08, 4.0]),
        low_values=np.array([2.125, 0.044, 3.35]),
        high_values=np.array([4.375, 0.116, 5.07]),
        base_horizon=6,
        base_exit=ALIGN,
        low_horizon=_i([6, 10, 6]),
        high_horizon=_i([-1, 4, 6]),
        low_exit=_i([ALIGN, ALIGN, ALIGN]),
        high_exit=_i([-1, REALIGN, ALIGN]),
        swing=_i([18, 6, 0]),
        quantiles=(0.05, 0.95),
        rounds=24,
    )


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# -- words ------------------------------------------------------------------------------
def test_key_paths_in_words_with_units() -> None:
    assert sweep_plots.key_name(DECAY) == "Iran's tolerance decay"
    assert sweep_plots.key_name(INCENTIVE) == "Gulf/West incentive"
    assert sweep_plots.key_name("tolerance.israel.deniability") == "deniability towards Israel"
    assert sweep_plots.key_name("repeated.discount") == "Syria's discount factor"
    assert sweep_plots.key_unit(DECAY, "month") == "tolerance per month"
    assert sweep_plots.key_unit(INCENTIVE, "month") == "payoff units per month"
    assert sweep_plots.key_unit("parameters.condition_share_hedge") == "share"
    assert sweep_plots.key_label(DECAY) == "Iran's tolerance decay (tolerance per round)\n" + DECAY
    assert sweep_plots.value_text(0.044) == "0.044"
    assert sweep_plots.value_text(2.125) == "2.12"
    assert sweep_plots.value_text(7.0) == "7"


# -- the grid -----------------------------------------------------------------------------
def test_grid_data_never_is_not_a_number() -> None:
    data = sweep_plots.grid_data(grid2())
    assert data.never.tolist() == [[False, True], [False, False], [False, False]]
    assert np.isnan(data.horizon[0, 1]) and data.horizon[1, 1] == 4
    assert data.span == (2, 5)
    assert data.exit_counts() == {"align": 3, "realign": 2, "none": 1}
    np.testing.assert_allclose(data.edges[0], [0.01, 0.03, 0.06, 0.1])
    np.testing.assert_allclose(data.edges[1], [0.5, 3.5, 6.5])


def test_cell_edges_of_one_value() -> None:
    np.testing.assert_allclose(sweep_plots.cell_edges(np.array([4.0])), [2.0, 6.0])
    np.testing.assert_allclose(sweep_plots.cell_edges(np.array([0.0])), [-0.5, 0.5])


def test_exit_boundaries_separate_exit_regions() -> None:
    data = sweep_plots.grid_data(grid2())
    segments = sweep_plots.exit_boundaries(data.exit, *data.edges)
    # along axis 0: never | realign at incentive 5; along axis 1: one per decay
    expected = [
        ((0.03, 3.5), (0.03, 6.5)),
        ((0.01, 3.5), (0.03, 3.5)),
        ((0.03, 3.5), (0.06, 3.5)),
        ((0.06, 3.5), (0.1, 3.5)),
    ]
    assert len(segments) == len(expected)
    np.testing.assert_allclose(sorted(segments), sorted(expected))
    assert sweep_plots.exit_boundaries(np.zeros((3, 3), dtype=np.int64), *data.edges) == []


def test_axis_effects_count_never_as_the_run() -> None:
    effects = sweep_plots.axis_effects(sweep_plots.grid_data(grid2()))
    # censored: [[5, 10], [3, 4], [2, 2]]
    assert effects == pytest.approx((2.0 - 7.5, (10 + 4 + 2) / 3 - (5 + 3 + 2) / 3))


def test_grid_title_states_the_finding() -> None:
    assert sweep_plots.title_grid(grid2(), "month") == (
        "Hedging lasts longest when Iran's tolerance decay is low and Gulf/West incentive is "
        "high: 2\u20135 months, never within 10 in 1 of 6 cells over the grid")
    assert sweep_plots.title_grid(grid1()) == (
        "Hedging lasts longest when Iran's tolerance decay is low: 4\u20138 rounds, never "
        "within 10 at 1 of 4 values over the sweep")
    flat = GridResult((DECAY,), (np.array([0.1, 0.2]),), _i([-1, -1]), _i([-1, -1]),
                      _i([-1, -1]), 10)
    assert "everywhere" in sweep_plots.title_grid(flat)


# -- the distribution ---------------------------------------------------------------------
def test_histogram_splits_horizons_by_exit() -> None:
    hist = sweep_plots.horizon_histogram(monte_carlo())
    assert hist.horizons.tolist() == list(range(10))
    assert hist.counts["align"].tolist() == [0, 0, 1, 2, 2, 1, 0, 0, 0, 0]
    assert hist.counts["realign"].tolist() == [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]
    assert "hedge" not in hist.counts
    assert hist.never == 2 and hist.draws == 10
    total = sum(c.sum() for c in hist.counts.values()) + hist.never
    assert total == hist.draws


def test_distribution_title() -> None:
    mc = monte_carlo()
    assert mc.quantiles[0.95] == 10  # the 95th is "never"
    assert sweep_plots.title_distribution(mc, "month") == (
        "Median horizon 4 months; at least 2.45 months in 95% of draws; 20% never leave "
        "hedging within 10 months (10 draws)")
    assert sweep_plots.central_range(4, 9, 24, "month") == "90% of draws between 4 and 9 months"
    assert sweep_plots.central_range(24, 24, 24) == ("over 95% of draws never leave hedging "
                                                     "within 24 rounds")


# -- the tornado ----------------------------------------------------------------------------
def test_tornado_rows_censor_never_and_keep_the_order() -> None:
    rows = sweep_plots.tornado_rows(sensitivity())
    assert [r.key for r in rows] == [INCENTIVE, DECAY, "parameters.iran_aid"]
    top = rows[0]
    assert (top.low_horizon, top.high_horizon, top.high_never, top.swing) == (6, 24, True, 18)
    assert top.high_exit is None and top.low_exit == "align"
    assert rows[1].high_exit == "realign" and rows[1].swing == 6
    assert rows[2].swing == 0


def test_tornado_title() -> None:
    assert sweep_plots.title_tornado(sensitivity(), "month") == (
        "Gulf/West incentive moves the horizon most: 6 months to never over its "
        "5th\u201395th percentile range (base 6 months)")
    sens = sensitivity()
    still = SensitivityResult(**{**sens.__dict__, "low_horizon": _i([6, 6, 6]),
                                 "high_horizon": _i([6, 6, 6]), "swing": _i([0, 0, 0])})
    assert sweep_plots.title_tornado(still) == (
        "No single uncertain input moves the horizon from its base 6 rounds")


# -- files --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("result", "name", "size"),
    [
        (grid2(), "horizon_grid", (1100, 700)),
        (grid1(), "horizon_sweep", (1000, 550)),
        (monte_carlo(), "horizon_distribution", (1000, 550)),
        (sensitivity(), "horizon_tornado", (1100, 385)),
    ],
    ids=["grid", "sweep", "distribution", "tornado"],
)
def test_figures_written_at_their_size(
    result: GridResult | MonteCarloResult | SensitivityResult,
    name: str,
    size: tuple[int, int],
    tmp_path: Path,
) -> None:
    written = sweep_plots.write_sweep_figures(result, tmp_path / "out", round_unit="month")
    assert list(written) == [name]
    png, svg = written[name]
    assert (png.name, svg.name) == (f"{name}.png", f"{name}.svg")
    assert png_size(png) == size
    assert svg.read_text().lstrip().startswith("<?xml") and svg.stat().st_size > 5000
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [png.name, svg.name]


def test_write_is_deterministic_and_refuses_other_results(tmp_path: Path) -> None:
    first = sweep_plots.write_sweep_figures(grid2(), tmp_path / "a", formats=("png",))
    second = sweep_plots.write_sweep_figures(grid2(), tmp_path / "b", formats=("png",))
    assert first["horizon_grid"][0].read_bytes() == second["horizon_grid"][0].read_bytes()
    with pytest.raises(TypeError):
        sweep_plots.write_sweep_figures("grid", tmp_path)  # type: ignore[arg-type]


# -- the report -----------------------------------------------------------------------------
def test_grid_sentences() -> None:
    assert report.analysis_sentences(grid2(), "month") == [
        "Over the 6 combinations of Iran's tolerance decay (0.02\u20130.08) and Gulf/West "
        "incentive (2\u20135), hedging lasts from 2 to 5 rounds (months); in 1 of them (17%) "
        "it never ends within 10 rounds (months).",
        "Raising Iran's tolerance decay from 0.02 to 0.08 shortens hedging by 5.5 rounds on "
        "average (never counted as the run's length).",
        "Raising Gulf/West incentive from 2 to 5 lengthens hedging by 2.0 rounds on average "
        "(never counted as the run's length).",
        "When hedging ends, Syria exits to align in 50% of combinations and to realign in 33%.",
        "The counterpart whose patience breaks first is Iran in 67% of combinations and "
        "Israel in 17%.",
    ]
    one = report.analysis_sentences(grid1())
    assert one[0] == ("Over 4 values of Iran's tolerance decay from 0.01 to 0.2, hedging "
                      "lasts from 4 to 8 rounds; in 1 of them (25%) it never ends within 10 "
                      "rounds.")


def test_monte_carlo_sentences() -> None:
    assert report.analysis_sentences(monte_carlo(), "month") == [
        "Over 10 draws of 2 uncertain inputs (seed 7), the median horizon is 4 rounds "
        "(months); at least 2.45 months in 95% of draws.",
        "20% of draws never leave hedging within 10 rounds (months).",
        "When hedging ends, Syria exits to align in 60% of draws and to realign in 20%.",
        "The counterpart whose patience breaks first is Iran in 70% of draws and Israel "
        "in 10%.",
    ]


def test_sensitivity_sentences() -> None:
    assert report.analysis_sentences(sensitivity(), "month") == [
        "With each of 3 uncertain inputs at its 5th and 95th percentile in turn, the others "
        "at base (where hedging lasts 6 rounds (months)):",
        "Gulf/West incentive from 2.12 to 4.38 moves the horizon from 6 to never within 24 "
        "rounds (months), a swing of 18.",
        "Iran's tolerance decay from 0.044 to 0.116 moves the horizon from 10 to 4, a swing "
        "of 6.",
        "Iran's aid does not move it.",
    ]
    header, rows = report.analysis_rows(sensitivity())
    assert header[0] == "Input" and rows[0] == (
        INCENTIVE, "2.12", "3", "4.38", "6", "never", "align / \u2014", "18")


def test_analysis_report_has_every_sentence_and_figure(tmp_path: Path) -> None:
    analyses = []
    for name, result in (("grid", grid2()), ("monte-carlo", monte_carlo()),
                         ("sensitivity", sensitivity())):
        figures = sweep_plots.write_sweep_figures(result, tmp_path, round_unit="month")
        analyses.append((name, result, figures))
    path = report.write_analysis_report(
        tmp_path / "analyses.html", title="fake: sweeps", question="How long <can> Syria hedge?",
        analyses=analyses, round_unit="month")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "How long &lt;can&gt; Syria hedge?" in text
    for _, result, figures in analyses:
        assert html.escape(report.analysis_heading(result)) in text
        for sentence in report.analysis_sentences(result, "month"):
            assert html.escape(sentence, quote=True) in text
        for name in figures:
            assert f'id="fig-{name}"' in text
    assert text.count('<img src="data:image/png;base64,') == 3
    assert "http://" not in text and "https://" not in text
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_real_one_parameter_sweep(tmp_path: Path) -> None:
    from sim.scenario import load_scenario
    from sim.sweep import sweep

    grid = sweep(load_scenario(ROOT / "scenarios" / "baseline.yaml"),
                 params=[f"{DECAY}=0.04:0.12:3"])
    data = sweep_plots.grid_data(grid)
    assert data.span is not None and not data.never.any()
    # faster decay of Iran's patience never lengthens hedging
    assert sweep_plots.axis_effects(data)[0] < 0
    assert sweep_plots.title_grid(grid, "month").startswith(
        "Hedging lasts longest when Iran's tolerance decay is low")
    written = sweep_plots.write_sweep_figures(grid, tmp_path, formats=("png",))
    assert png_size(written["horizon_sweep"][0]) == (1000, 550)
    assert report.analysis_sentences(grid)[0].startswith("Over 3 values of Iran's tolerance")
