"""The HTML report: the answer in sentences, every figure embedded, renders in a browser."""

from __future__ import annotations

import base64
import html
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fake_results import fake_results

from sim import model, plots, report

LEDGER = Path(__file__).resolve().parent.parent / "seeds" / "claims.yaml"
PARAMS = model.Parameters()
SCENARIO_TEXT = "name: fake\nquestion: <b>How long</b> can Syria hedge? & why\n"


# -- sentences --------------------------------------------------------------------------
def test_answer_on_a_run_where_hedging_ends() -> None:
    sentences = report.answer_sentences(fake_results())
    assert sentences[0] == ("Hedging stays optimal for 7 rounds (months); Iran's patience "
                            "breaks first; Syria then starts mixing in align, still hedging "
                            "with probability 0.70.")
    assert sentences[1] == ("After that, Syria mixes hedge with align in rounds 7\u20138 "
                            "(hedge probability 0.70) and plays align from round 9.")
    assert "Its probability of hedging falls below one half in round 9." in sentences
    assert ("A forward-looking Syria, anticipating how patience wears out, stops hedging "
            "after 5 rounds (months), 2 rounds earlier than the myopic path; foresight is "
            "worth 0.40 payoff units (discounted).") in sentences
    assert ("Against the counterparts' threat to lose patience, hedging is sustained only if "
            "Syria's discount factor is at least 0.62 (the scenario's is 0.95, so it is "
            "sustained).") in sentences
    assert sentences[-1].startswith("From round 7 on, the discount factor")


def test_answer_when_syria_leaves_hedging_outright() -> None:
    results = fake_results()
    for entry in results["rounds"][7:]:
        entry["hedge_probability"] = 0.0
    results["horizons"]["myopic_half"] = 7
    sentences = report.answer_sentences(results)
    assert sentences[0].endswith("Syria then re-aligns openly with Tehran.")
    assert not any("below one half" in s for s in sentences)  # it is the same round


def test_answer_when_hedging_never_ends() -> None:
    sentences = report.answer_sentences(fake_results(never_ends=True))
    assert sentences[0] == "Hedging stays optimal for all 12 rounds (months) of the run."
    assert ("A forward-looking Syria, anticipating how patience wears out, hedges throughout "
            "the run as well.") in sentences
    assert not any("After that" in s or "From round" in s for s in sentences)


def test_answer_with_nested_horizons_and_plain_rounds() -> None:
    results: dict[str, Any] = fake_results()
    results["scenario"] = {"name": "x"}
    results["horizons"] = {
        "myopic": {"horizon": 1, "half": 3, "leaves_support": None},
        "forward_looking": {"horizon": None, "value_of_foresight": 0.0},
        "sustainability_discount": None,
    }
    results["exit"] = {"round": 1, "syria_action": "realign", "first_broken": "gulf"}
    for entry in results["rounds"]:
        entry["hedge_probability"] = 0.0 if entry["round"] >= 1 else 1.0
    sentences = report.answer_sentences(results)
    assert sentences[0] == ("Hedging stays optimal for 1 round; Gulf/West's patience breaks "
                            "first; Syria then breaks with Tehran and turns to the Gulf/West.")
    assert "Its probability of hedging falls below one half in round 3." in sentences
    assert ("Hedging never leaves its strategy altogether within the run: it goes on hedging "
            "with some probability.") in sentences
    assert ("A forward-looking Syria, anticipating how patience wears out, hedges throughout "
            "the run, longer than the myopic path.") in sentences
    assert sentences[-1] == ("No discount factor below 1 sustains hedging against the "
                             "counterparts' threat to lose patience.")


def test_answer_when_hedging_is_not_chosen_even_at_the_start() -> None:
    results = fake_results()
    results["horizons"]["myopic"] = 0
    assert report.answer_sentences(results)[0].startswith("Hedging is not Syria's certain choice")


def test_sustainability_sentences() -> None:
    results = fake_results()
    results["scenario"]["discount"] = 0.5
    assert any(s.endswith("(the scenario's is 0.50, so it is not).")
               for s in report.answer_sentences(results))
    results["horizons"]["sustainability_discount"] = 0.0
    assert any(s.startswith("At round 0 hedging needs no patience")
               for s in report.answer_sentences(results))


def test_horizon_rows_and_equilibrium_rows() -> None:
    results = fake_results()
    rows = {r[0]: r[1] for r in report.horizon_rows(results)}
    assert rows["Myopic horizon"] == "round 7"
    assert rows["Forward-looking horizon"] == "round 5"
    assert rows["Sustainability discount"] == "0.62"
    assert rows["First broken"] == "Iran"
    assert rows["Switch point θ Gulf/West"] == "never flips"
    never = {r[0]: r[1] for r in report.horizon_rows(fake_results(never_ends=True))}
    assert never["Myopic horizon"] == "never within 12 rounds (months)"
    eq = report.equilibrium_rows(results)
    assert len(eq) == 12
    assert eq[0]["selected"] == (
        "Syria: hedge · Iran: support · Israel: interdict · Gulf/West: engage"
    )
    assert eq[7]["selected"].startswith("Syria: hedge 0.70 / align 0.30")
    assert eq[7]["hedge"] == "0.70"
    assert eq[3]["events"] == "unity_visit"


def test_main_claims_follow_the_decomposition() -> None:
    dec = plots.decomposition_differences(PARAMS, None, plots.selected_profile(fake_results()))
    claims = dict(report.main_claims(dec))
    assert "war_cost" in claims["C05"]
    assert "iranian_aid" in claims["C10"]


# -- the page ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[Path]]]:
    out = tmp_path_factory.mktemp("run")
    results = fake_results()
    figures = plots.write_figures(results, out, params=PARAMS)
    path = report.write_report(results, out / "report.html", figures=figures,
                               claims_path=LEDGER, scenario_text=SCENARIO_TEXT, params=PARAMS)
    return path, figures


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


def test_report_holds_the_answer_and_every_figure(built: tuple[Path, dict]) -> None:
    path, figures = built
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert html.escape(report.answer_sentences(fake_results())[0]) in page
    assert html.escape("How long can Syria keep hedging?") in page
    sources = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(sources) == page.count("<img") == len(figures) == len(plots.FIGURE_NAMES)
    for name, data in zip(plots.FIGURE_NAMES, sources, strict=True):
        w, h = plots.FIGURE_SIZES[name]
        assert _png_size(base64.b64decode(data)) == (w * plots.DPI, h * plots.DPI)
        assert f'id="fig-{name}"' in page


def test_report_is_self_contained_and_escaped(built: tuple[Path, dict]) -> None:
    path, _ = built
    page = path.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "&lt;b&gt;How long&lt;/b&gt; can Syria hedge? &amp; why" in page
    assert "<b>How long</b>" not in page
    assert "@media print" in page
    ledger = report.load_claims(LEDGER)
    assert html.escape(" ".join(ledger["C05"]["restatement"].split())) in page
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_report_without_figures_or_claims_still_reads() -> None:
    page = report.build_report(fake_results(never_ends=True))
    assert "Hedging stays optimal for all 12 rounds (months) of the run." in page
    assert "<img" not in page and 'id="claims"' not in page
    assert "&quot;name&quot;: &quot;fake&quot;" in page  # the scenario echoed as JSON


# -- a real browser -----------------------------------------------------------------------
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if Path(path).exists():
            return path
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
    window.__errors.length + ' widths ' + imgs.map(function (i) {
      return i.naturalWidth; }).join(',');
  document.body.appendChild(m);
});
</script>
"""


def test_report_renders_in_headless_chromium(built: tuple[Path, dict]) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium, chromium-browser or google-chrome binary on this machine")
    path, figures = built
    # The report has no script of its own; a copy gets a probe that counts loaded images.
    probed = path.with_name("probed.html")
    probed.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
             "--virtual-time-budget=10000", "--dump-dom", probed.as_uri()],
            capture_output=True, text=True, timeout=60, check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">images (\d+)/(\d+) errors (\d+) widths ([\d,]*)</pre>',
                      done.stdout)
    assert found, f"the probe did not run; stderr: {done.stderr[-1000:]}"
    loaded, total, errors, widths = found.groups()
    assert int(total) == len(figures)
    assert int(loaded) == int(total), f"only {loaded} of {total} images loaded"
    assert int(errors) == 0
    expected = [int(plots.FIGURE_SIZES[n][0] * plots.DPI) for n in plots.FIGURE_NAMES]
    assert [int(w) for w in widths.split(",")] == expected
