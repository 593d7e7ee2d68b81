"""The report and every sentence: from the typed results, escaped, self-contained;
"never" said as never, ties as ties, robustness across rules said."""

from __future__ import annotations

import base64
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
from analysis_results import INCENTIVE, analyses, grid1, grid2, monte_carlo, sensitivity
from article_run import with_changes
from markupsafe import escape

from sim.figures import FIGURES, write_figures
from sim.figures.common import DPI
from sim.labels import Labels
from sim.report import analyses as analysis_text
from sim.report import build_analysis_report, build_report, sentences
from sim.results import ArticleResults
from sim.wording import percent, probability, share_of

LAB = Labels.default()
SOURCE = "name: fake\nquestion: <b>How long</b> can Syria hedge? & why\n"


# -- sentences ----------------------------------------------------------------------------
def _horizon(n: int, at: list[float], collapse: float, never: float,
             median: int | None) -> dict:
    return {"at": at + [0.0] * (n - len(at)), "collapse": collapse, "never": never,
            "median": median, "expected": None if sum(at) == 0 else 1.0}


def test_never_is_said_as_never_not_the_last_round(tiny: ArticleResults) -> None:
    n = len(tiny.rounds)
    never = with_changes(tiny, horizon=_horizon(n, [0.0, 0.1], 0.05, 0.85, None))
    # (the value of ambiguity's sentence names the round of its lowest value, not a horizon)
    said = " ".join(s for s in sentences.answer_sentences(never)
                    if s != sentences.ambiguity_sentence(never))
    assert "Syria hedges for sure through all 4 months in 85% of paths (its horizon is " \
        "never within the run); it stops earlier in 10% and the regime falls first in 5%" \
        in said
    assert f"month {n - 1}" not in said
    rows = dict((k, v) for k, v, _ in sentences.horizon_rows(never))
    assert rows["Forward-looking horizon (median)"] == "never (within the run)"


def test_a_median_round_is_dated(tiny: ArticleResults) -> None:
    n = len(tiny.rounds)
    ends = with_changes(tiny, horizon=_horizon(n, [0.0, 0.3, 0.3], 0.0, 0.4, 2))
    said = sentences.answer_sentences(ends)[1]
    assert said.startswith("Syria stops hedging for sure by month 2 (December 2024) with "
                           "probability one half; it never does within 4 months in 40%")


def test_small_probabilities_are_never_zero_percent() -> None:
    """One rule for every sentence, table and figure (``sim.wording.percent``): rounding
    never turns a chance into 0% or a doubt into 100%."""
    assert percent(0.004) == "under 1%" and percent(1e-9) == "under 1%" and percent(0.0) == "0%"
    assert percent(0.999) == "over 99%" and percent(1.0) == "100%" and percent(0.456) == "46%"
    assert probability(0.002) == "<0.01" and probability(0.0) == "0.00"
    assert probability(0.996) == ">0.99" and probability(1.0) == "1.00"
    assert probability(0.456) == "0.46"
    assert probability(4e-4, 3) == "<0.001" and probability(0.9996, 3) == ">0.999"
    assert probability(0.0015, 3) == "0.002" and probability(0.0, 3) == "0.000"


def test_a_rare_share_keeps_its_order_of_magnitude() -> None:
    """``sim.wording.share_of``: a share below 1% is said as one in a count of two
    significant figures (the analysis's acceptance rate, about 1e-4, printed as "0.0001"
    before), a larger one as a percentage."""
    assert share_of(0.0001035599, "draws") == "about 1 in 9,700 draws"
    assert share_of(0.0042, "draws") == "about 1 in 240 draws"
    assert share_of(0.013, "draws") == "1% of draws"
    assert share_of(0.5, "draws") == "50% of draws"
    assert share_of(0.0, "draws") == "0% of draws"


def test_a_tie_between_ends_is_said_as_a_tie(tiny: ArticleResults) -> None:
    n = len(tiny.rounds)
    exit_ = {"at": [{"align": 0.0, "realign": 0.0}] * (n - 1) + [{"align": 0.3,
                                                                  "realign": 0.3}],
             "collapse": 0.0, "never": 0.4,
             "totals": {"align": 0.3, "realign": 0.3, "collapse": 0.0, "never": 0.4},
             "mode": ["never"]}
    one = with_changes(tiny, exit=exit_)
    assert "Most likely: Syria hedges through the whole run (40%)." in \
        sentences.answer_sentences(one)[2]
    exit_ |= {"never": 0.3, "collapse": 0.1, "mode": ["align", "realign", "never"],
              "totals": {"align": 0.3, "realign": 0.3, "collapse": 0.1, "never": 0.3}}
    tied = with_changes(tiny, exit=exit_)
    assert "Most likely: a tie between openly aligns with Iran (30%), breaks with Iran " \
        "for the Gulf/West (30%) and Syria hedges through the whole run (30%)." in \
        sentences.answer_sentences(tied)[2]


def test_robustness_is_said_per_answer(tiny: ArticleResults) -> None:
    rob = tiny.robustness.model_dump() | {"horizon": True, "exit": True, "collapse": True}
    same = with_changes(tiny, robustness=rob)
    assert sentences.robustness_sentence(same) == (
        "These answers are the same under every selection rule solved (the logit-QRE limit "
        "and inertia).")
    rob |= {"exit": False}
    differ = with_changes(tiny, robustness=rob)
    said = sentences.robustness_sentence(differ)
    assert said.startswith("The end of the hedge depends on the selection rule (the "
                           "logit-QRE limit: never")
    assert said.endswith("(The horizon and the probability of collapse are the same.)")
    assert len(sentences.rule_rows(tiny)) == 2


def test_sustainability_is_said_per_counterpart(tiny: ArticleResults) -> None:
    horizons = tiny.horizons.model_dump(mode="json")
    horizons["sustainability"] = {"threshold": {"iran": 0.0, "israel": 0.62, "gulf": None},
                                  "scan": {"iran": [], "israel": [], "gulf": []}}
    said = sentences.sustainability_sentence(with_changes(tiny, horizons=horizons))
    assert said.endswith("Iran: none needed (hedging holds at discount 0); Israel: a discount "
                         "factor of at least 0.62; Gulf/West: no patience sustains it.")


def test_claim_rows_follow_the_decomposition(tiny: ArticleResults) -> None:
    rows = sentences.claim_rows(tiny)
    assert rows and all(cid in tiny.claims for cid, *_ in rows)
    named = {n for *_, names in rows for n in names.split(", ")}
    leading = {t.name.replace("_", " ") for alt in tiny.decomposition.alternatives
               for t in tiny.decomposition.main_terms(alt)}
    assert named <= leading


def test_grid_sentences() -> None:
    assert analysis_text.analysis_sentences(grid2(), "month", LAB) == [
        "Over the 6 combinations of visibility of hedging to Iran (0.25\u20132) and Gulf/West "
        "incentive (2\u20138) (3x3 grid, qre selection), the median horizon runs from 2 to 6 "
        "rounds (months), in 1 (17%) hedging never ends within the run and in 1 (17%) the "
        "regime collapses first.",
        "Raising visibility of hedging to Iran from 0.25 to 2 raises the probability that "
        "hedging ends within the run by 20 points on average.",
        "Raising Gulf/West incentive from 2 to 8 raises the probability that hedging ends "
        "within the run by 37 points on average.",
        "Raising visibility of hedging to Iran from 0.25 to 2 raises the probability of "
        "collapse by the end of the run by 31 points on average.",
        "Raising Gulf/West incentive from 2 to 8 lowers the probability of collapse by the "
        "end of the run by 23 points on average.",
        "The most likely end of the hedge is realign in 50%, no end within the run in 17%, "
        "align in 17% and collapse in 17% of the combinations.",
        "The value of ambiguity runs from -1.0 to 2.0 payoff units a month and turns negative "
        "where hedging is worse than the best alternative.",
    ]
    assert analysis_text.analysis_sentences(grid1(), "round", LAB)[0] == (
        "Over 4 values of visibility of hedging to Iran from 0.25 to 2 (3x3 grid, qre "
        "selection), the median horizon runs from 4 to 8 rounds and in 1 (25%) hedging never "
        "ends within the run.")


def test_monte_carlo_sentences_keep_never_and_collapse_apart() -> None:
    assert analysis_text.analysis_sentences(monte_carlo(), "month", LAB) == [
        "Over 10 draws of 2 uncertain inputs (seed 7; 3x3 grid, qre selection), hedging stops "
        "being certain within the run in 7 draws (70%), at a median of 4 months among them; "
        "in 20% it never does and in 10% the regime collapses first.",
        "P(hedging ends within the run): median 70%, 90% between 20% and 70%.",
        "P(collapse by the end of the run): median 10%, 90% between 10% and 48%.",
        "The value of ambiguity: median 2.0, 90% between 2.0 and 2.0 payoff units.",
        "The most likely end of the hedge is align in 50%, realign in 20%, no end within the "
        "run in 20% and collapse in 10% of the draws.",
    ]
    assert "median horizon 3 in 20%, 4 in 30%, 5 in 10%, 6 in 10%, collapse in 10%, never " \
        "in 20%" in analysis_text.analysis_summary("monte-carlo", monte_carlo(), LAB)


def test_sensitivity_sentences_and_table() -> None:
    assert analysis_text.analysis_sentences(sensitivity(), "month", LAB) == [
        "With each of 3 uncertain inputs at its 5th and 95th percentile in turn, the others "
        "at the scenario's values (where the median horizon is 6 rounds (months), P(hedging "
        "ends) 60% and P(collapse by the end of the run) 10%); a local view, the global one "
        "is hedgesim analyze's:",
        "Gulf/West incentive from 2.12 to 4.38 moves P(hedging ends) from 40% to 90% and "
        "P(collapse) from 10% to 10% (median horizon never within the run to 3 rounds "
        "(months)).",
        "Visibility of hedging to Iran from 0.55 to 1.45 moves P(hedging ends) from 60% to "
        "60% and P(collapse) from 10% to 30% (median horizon 6 rounds (months) to 5 rounds "
        "(months)).",
        "Iran's aid does not move them by half a point.",
    ]
    header, rows = analysis_text.analysis_table(sensitivity(), LAB)
    assert header[0] == "Input" and rows[0] == (
        INCENTIVE, "2.12", "3", "4.38", "never / 3", "40% / 90%", "10% / 10%",
        "no end within the run / realign")


# -- the pages ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory,
          tiny: ArticleResults) -> tuple[str, dict, dict]:
    out = tmp_path_factory.mktemp("run")
    scenario = tiny.scenario.model_dump(mode="json") | {
        "source": SOURCE, "overrides": ["game.rounds=4"]}
    results = with_changes(tiny, scenario=scenario)
    figures = write_figures(results, out)
    both = analyses()
    analysis_figures = write_figures(both, out)
    page = build_report(results, figures=figures, analyses=both,
                        analysis_figures=analysis_figures)
    (out / "report.html").write_text(page, encoding="utf-8")
    return page, figures, analysis_figures


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


def test_report_holds_the_answer_and_every_figure(built: tuple[str, dict, dict],
                                                  tiny: ArticleResults) -> None:
    page, figures, analysis_figures = built
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for sentence in sentences.answer_sentences(tiny):
        assert str(escape(sentence)) in page
    sources = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    names = [*figures, *analysis_figures]
    assert len(sources) == page.count("<img") == len(names)
    for name, data in zip(names, sources, strict=True):
        assert f'id="fig-{name}"' in page
        if name != "horizon_tornado":
            w, h = FIGURES[name].size  # type: ignore[misc]
            assert _png_size(base64.b64decode(data)) == (w * DPI, h * DPI)
    assert page.count('class="answer analysis"') == 3
    assert "With the overrides game.rounds=4." in page
    assert page.count("<tr>") >= len(tiny.rounds) + len(tiny.by_rule)


def test_report_is_self_contained_and_escaped(built: tuple[str, dict, dict]) -> None:
    page, _, _ = built
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "&lt;b&gt;How long&lt;/b&gt; can Syria hedge? &amp; why" in page
    assert "<b>How long</b>" not in page
    assert "@media print" in page


def test_analysis_report_has_every_sentence_and_figure(tmp_path: Path) -> None:
    both = analyses()
    page = build_analysis_report(both, figures=write_figures(both, tmp_path))
    assert "How long &lt;can&gt; Syria hedge?" in page
    for analysis in both.analyses.values():
        assert str(escape(analysis_text.analysis_heading(analysis, LAB))) in page
        for sentence in analysis_text.analysis_sentences(analysis, "month", LAB):
            assert str(escape(sentence)) in page
    assert page.count('<img src="data:image/png;base64,') == 3
    assert "http://" not in page and "https://" not in page


# -- a real browser -----------------------------------------------------------------------
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


PROBE = """
<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); },
                        true);
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  var m = document.createElement('pre');
  m.id = 'probe';
  m.textContent = 'images ' + ok.length + '/' + imgs.length + ' errors ' +
    window.__errors.length;
  document.body.appendChild(m);
});
</script>
"""


def test_report_renders_in_headless_chromium(built: tuple[str, dict, dict],
                                            tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium, chromium-browser or google-chrome binary on this machine")
    page, figures, analysis_figures = built
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
             "--virtual-time-budget=10000", "--dump-dom", probed.as_uri()],
            capture_output=True, text=True, timeout=60, check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">images (\d+)/(\d+) errors (\d+)</pre>', done.stdout)
    assert found, f"the probe did not run; stderr: {done.stderr[-1000:]}"
    loaded, total, errors = (int(x) for x in found.groups())
    assert total == len(figures) + len(analysis_figures) and loaded == total and errors == 0


def _ambiguity(results: ArticleResults, values: list[float | None]) -> ArticleResults:
    rounds = [r.model_dump(mode="json") | {"ambiguity": v} for r, v in
              zip(results.rounds, values, strict=True)]
    return with_changes(results, rounds=rounds)


def test_the_value_of_ambiguity_is_said_with_its_numbers(tiny: ArticleResults) -> None:
    start = tiny.rounds[0].ambiguity
    assert start is not None and start > 0
    said = sentences.ambiguity_sentence(tiny)
    assert said.startswith(f"What ambiguity is worth: in month 0 (November 2024) hedging pays "
                           f"Syria {start:.2f} more than its best open stance")
    low = min(r.ambiguity for r in tiny.rounds if r.ambiguity is not None)
    assert f"stays positive in every month the regime may stand, lowest {low:.2f}" in said
    assert said in sentences.answer_sentences(tiny)
    rows = {k: v for k, v, _ in sentences.horizon_rows(tiny)}
    assert rows["Value of ambiguity at the start"] == f"{start:.2f}"
    ends = _ambiguity(tiny, [2.5, 0.25, -1.0, None])
    assert sentences.ambiguity_sentence(ends).endswith(
        "an open stance pays more from month 2 (December 2024) (-1.00).")
    worse = _ambiguity(tiny, [-0.5, -0.25, 0.75, 1.0])
    assert sentences.ambiguity_sentence(worse) == (
        "What ambiguity is worth: in month 0 (November 2024) hedging pays Syria 0.50 less than "
        "its best open stance (its payoff from then on, discounted, against the others' "
        "selected play); hedging pays more again from month 2 (December 2024) (0.75).")
    header = sentences.round_header(ends)
    column = header.index("Value of ambiguity")
    assert [r[column] for r in sentences.round_rows(ends)] == ["2.50", "0.25", "-1.00", ""]


def _observation(event: str, day: str, what: str, history: str, p: float, model: str) -> dict:
    return {"round": 0, "date": day, "event": event, "what": what, "history": history,
            "probability": p, "model": model, "agrees": p >= 0.5}


def test_the_backtest_is_a_table_and_a_plain_finding(tiny: ArticleResults) -> None:
    assert tiny.backtest is None and sentences.backtest_sentences(tiny) == []
    assert 'id="backtest"' not in build_report(tiny)
    backtest = {"target": "2024-12-08", "target_round": 1, "collapse": 5.5e-6,
                "collapse_without_capacity_shocks": 4e-7, "known_until": "2024-11-19",
                "observations": [
                    _observation("visit", "2024-11-14", "syria", "hedge", 0.98, "hedge"),
                    _observation("damascus_falls", "2024-12-08", "collapse", "fallen", 5.5e-6,
                                 "standing")]}
    replay = with_changes(tiny, backtest=backtest)
    said = sentences.backtest_sentences(replay)
    assert said[0] == ("Of the 2 observations of what happened that this scenario's events "
                       "record, the model gives 1 at least an even chance; it disagrees with 1.")
    assert said[1] == ("Disagreement at damascus falls (8 December 2024): the regime has fallen "
                       "by the round's end, to which the model gives 5.5e-06 (its most likely: "
                       "the regime still stands at the round's end).")
    assert said[2] == ("The regime fell on 8 December 2024. The model does not produce the "
                       "collapse from what the article could see, calibrated on what was known "
                       "by 19 November 2024: it gives 5.5e-06 that the regime has fallen by the "
                       "end of month 1 (December 2024) (4.0e-07 without the shocks to its "
                       "patrons' capacity).")
    assert sentences.backtest_rows(replay) == [
        ("2024-11-14", "visit", "Syria: hedge", "98%", "Syria: hedge", "yes"),
        ("2024-12-08", "damascus falls", "the regime has fallen by the round's end", "5.5e-06",
         "the regime still stands at the round's end", "no")]
    page = build_report(replay)
    assert 'id="backtest"' in page and "5.5e-06" in page
    produced = with_changes(replay, backtest=backtest | {"collapse": 0.75})
    assert "The model produces the collapse" in sentences.backtest_sentences(produced)[-1]
    assert sentences.probability_text(0.0) == "0" and sentences.probability_text(0.004) == \
        "under 1%"
