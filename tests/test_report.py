"""The reports: the answer in sentences from the typed result, every figure embedded,
escaped, self-contained, and rendering in a browser."""

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
from fake_results import fake_data, fake_results
from markupsafe import escape

from sim.figures import FIGURES, write_figures
from sim.figures.common import DPI
from sim.labels import Labels
from sim.report import build_analysis_report, build_report, sentences
from sim.results import Horizon, RunResults

LAB = Labels.default()
SOURCE = "name: fake\nquestion: <b>How long</b> can Syria hedge? & why\n"


def _with(**horizons: object) -> RunResults:
    data = fake_data()
    data["horizons"].update(horizons)
    return RunResults.model_validate(data)


# -- sentences ----------------------------------------------------------------------------
def test_answer_on_a_run_where_hedging_ends() -> None:
    said = sentences.answer_sentences(fake_results())
    assert said[0] == ("Hedging stays optimal for 7 rounds (months); Iran's patience breaks "
                       "first; Syria then starts mixing in align, still hedging with "
                       "probability 0.70.")
    assert said[1] == ("After that, Syria mixes hedge with align in rounds 7\u20138 (hedge "
                       "probability 0.70) and plays align from round 9.")
    assert said[2].startswith("In round 7 Iran mixes support 0.60 / condition 0.40. Syria's "
                              "payoff is then")
    assert "Its probability of hedging falls below one half in round 9." in said
    assert ("A forward-looking Syria, anticipating how patience wears out, stops hedging "
            "after 5 rounds (months), 2 rounds earlier than the myopic path; foresight is "
            "worth 0.40 payoff units (discounted).") in said
    assert ("Against the counterparts' threat to lose patience, hedging is sustained only if "
            "Syria's discount factor is at least 0.62 (the scenario's is 0.95, so it is "
            "sustained).") in said
    assert said[-1].startswith("From round 7 on, the discount factor")


def test_answer_when_syria_leaves_hedging_outright() -> None:
    data = fake_data()
    for entry in data["rounds"][7:]:
        entry["hedge_probability"] = 0.0
    data["horizons"]["myopic_half"] = Horizon.of(7).model_dump()
    said = sentences.answer_sentences(RunResults.model_validate(data))
    assert said[0].endswith("Syria then re-aligns openly with Tehran.")
    assert not any("below one half" in s for s in said)  # it is the same round


def test_answer_when_hedging_never_ends() -> None:
    said = sentences.answer_sentences(fake_results(never_ends=True))
    assert said[0] == "Hedging stays optimal for all 12 rounds (months) of the run."
    assert ("A forward-looking Syria, anticipating how patience wears out, hedges throughout "
            "the run as well.") in said
    assert not any("After that" in s or "From round" in s for s in said)


def test_answer_when_hedging_is_not_chosen_even_at_the_start() -> None:
    assert sentences.answer_sentences(_with(myopic=Horizon.of(0)))[0].startswith(
        "Hedging is not Syria's certain choice")


def test_sustainability_sentences() -> None:
    data = fake_data()
    data["scenario"]["discount"] = 0.5
    assert any(s.endswith("(the scenario's is 0.50, so it is not).")
               for s in sentences.answer_sentences(RunResults.model_validate(data)))
    assert any(s.startswith("At round 0 hedging needs no patience") for s in
               sentences.answer_sentences(_with(sustainability_discount=0.0)))
    assert any(s.startswith("No discount factor below 1") for s in
               sentences.answer_sentences(_with(sustainability_discount=None)))


def test_a_tie_is_said_as_both_rounds_with_its_cause() -> None:
    cause = {"round": 6, "player": "iran", "action": "support", "alternative": "condition",
             "difference": 0.0, "tolerance": 1.87e-6}
    tie = {"round": 7, "tie": True, "between": [6, 7], "cause": cause}
    results = _with(myopic=tie, forward_looking=tie)
    said = sentences.answer_sentences(results)
    assert said[0].startswith("Hedging stays optimal for 6 or 7 rounds (months);")
    assert said[1] == ("That horizon is a tie: in round 6 Iran's payoffs from support and from "
                       "condition are equal within the solvers' tolerance (1.9e-06); whether "
                       "hedging ends in round 6 or in round 7 is decided by rounding, not by "
                       "the model (this run keeps support through round 6).")
    assert any("stops hedging after 6 or 7 rounds (months), the same round as on the myopic "
               "path and the same tie" in s for s in said)
    rows = dict((r[0], r[1]) for r in sentences.horizon_rows(results))
    assert rows["Myopic horizon"] == "round 6 or 7 (a tie)"
    assert dict(sentences.summary_rows(results))[
        "myopic horizon (hedge no longer certain)"] == "round 6 or 7 (months), a tie"


def test_horizon_rows_and_equilibrium_rows() -> None:
    rows = {r[0]: r[1] for r in sentences.horizon_rows(fake_results())}
    assert rows["Myopic horizon"] == "round 7"
    assert rows["Forward-looking horizon"] == "round 5"
    assert rows["Sustainability discount"] == "0.62"
    assert rows["First broken"] == "Iran"
    assert rows["Switch point θ Gulf/West"] == "never flips"
    never = {r[0]: r[1] for r in sentences.horizon_rows(fake_results(never_ends=True))}
    assert never["Myopic horizon"] == "never within 12 rounds (months)"
    eq = sentences.equilibrium_rows(fake_results())
    assert len(eq) == 12
    assert eq[0]["selected"] == ("Syria: hedge · Iran: support · Israel: interdict · "
                                 "Gulf/West: engage")
    assert eq[7]["selected"].startswith("Syria: hedge 0.70 / align 0.30")
    assert eq[7]["hedge"] == "0.70" and eq[3]["events"] == "unity_visit"


def test_claim_rows_follow_the_decomposition() -> None:
    rows = {r[0]: r for r in sentences.claim_rows(fake_results())}
    assert "war cost" in rows["C05"][3] and rows["C05"][2] == "Joining the axis means war."
    assert "iranian aid" in rows["C10"][3]
    assert all(r[2] == "(not in the ledger)" for cid, r in rows.items()
               if cid not in ("C05", "C10"))


def test_grid_sentences() -> None:
    assert sentences.analysis_sentences(grid2(), "month", LAB) == [
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
    assert sentences.analysis_sentences(grid1(), "round", LAB)[0] == (
        "Over 4 values of Iran's tolerance decay from 0.01 to 0.2, hedging lasts from 4 to 8 "
        "rounds; in 1 of them (25%) it never ends within 10 rounds.")


def test_monte_carlo_sentences() -> None:
    assert sentences.analysis_sentences(monte_carlo(), "month", LAB) == [
        "Over 10 draws of 2 uncertain inputs (seed 7), the median horizon is 4 rounds "
        "(months); at least 2.45 months in 95% of draws.",
        "20% of draws never leave hedging within 10 rounds (months).",
        "When hedging ends, Syria exits to align in 60% of draws and to realign in 20%.",
        "The counterpart whose patience breaks first is Iran in 70% of draws and Israel "
        "in 10%.",
    ]
    assert "(90% within 2.45 to never)" in sentences.analysis_summary("monte-carlo",
                                                                        monte_carlo(), LAB)


def test_sensitivity_sentences_and_table() -> None:
    assert sentences.analysis_sentences(sensitivity(), "month", LAB) == [
        "With each of 3 uncertain inputs at its 5th and 95th percentile in turn, the others "
        "at base (where hedging lasts 6 rounds (months)):",
        "Gulf/West incentive from 2.12 to 4.38 moves the horizon from 6 to never within 24 "
        "rounds (months), a swing of 18.",
        "Iran's tolerance decay from 0.044 to 0.116 moves the horizon from 10 to 4, a swing "
        "of 6.",
        "Iran's aid does not move it.",
    ]
    header, rows = sentences.analysis_table(sensitivity(), LAB)
    assert header[0] == "Input" and rows[0] == (
        INCENTIVE, "2.12", "3", "4.38", "6", "never", "align / \u2014", "18")


# -- the pages ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict, dict]:
    out = tmp_path_factory.mktemp("run")
    data = fake_data()
    data["scenario"]["source"] = SOURCE
    data["scenario"]["overrides"] = ["tolerance.iran.decay=0.1"]
    results = RunResults.model_validate(data)
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


def test_report_holds_the_answer_and_every_figure(built: tuple[str, dict, dict]) -> None:
    page, figures, analysis_figures = built
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for sentence in sentences.answer_sentences(fake_results()):
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
    assert "With the overrides tolerance.iran.decay=0.1." in page


def test_report_is_self_contained_and_escaped(built: tuple[str, dict, dict]) -> None:
    page, _, _ = built
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "&lt;b&gt;How long&lt;/b&gt; can Syria hedge? &amp; why" in page
    assert "<b>How long</b>" not in page
    assert "@media print" in page
    assert "Joining the axis means war." in page


def test_analysis_report_has_every_sentence_and_figure(tmp_path: Path) -> None:
    both = analyses()
    page = build_analysis_report(both, figures=write_figures(both, tmp_path))
    assert "How long &lt;can&gt; Syria hedge?" in page
    for analysis in both.analyses.values():
        assert str(escape(sentences.analysis_heading(analysis, LAB))) in page
        for sentence in sentences.analysis_sentences(analysis, "month", LAB):
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
