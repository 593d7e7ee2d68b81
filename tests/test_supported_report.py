"""The answers over the supported set in what a user sees: the report's section (sentences
and tables checked against the numbers of the analysis), its two figures (titles against
the numbers), ``hedgesim run --analysis`` and ``hedgesim figures`` reading both files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from supported_results import BASE, supported

from sim.cli import main
from sim.figures import FIGURES, build_figure, context_of, figures_of
from sim.figures.supported import (
    horizon_bars,
    panel_sobol,
    ranked,
    title_sobol,
    title_supported_horizon,
)
from sim.report import build_report, sentences
from sim.results import ArticleResults

ROOT = Path(__file__).resolve().parents[1]


def test_the_sentences_state_each_answer_with_never_and_collapse_apart() -> None:
    said = sentences.supported_sentences(supported())
    assert said[0].startswith("The run above is one calibration; the article fixes orderings, "
                              "not numbers. Over 200 calibrations")
    assert "about 1 in 5,900 uniform draws" in said[0] and "over 12 months on the 3x3" in said[0]
    assert said[1] == ("Hedging stays certain through all 12 months in 45% of them (never, an "
                       "outcome of its own), and the regime falls first in 5%; in the other 50% "
                       "it stops being certain by a month from 0 to 5, most often by month 5 "
                       "(25%).")
    assert said[2] == "In 10% of them hedging is not certain even in month 0."
    assert said[3] == ("Where the hedge most likely ends: no end within the run in 40%, a break "
                       "for the Gulf/West in 35%, an alignment with Iran in 20% and a tie "
                       "between an alignment with Iran and a break for the Gulf/West in 5%.")
    assert said[4] == ("The probability that the regime has fallen by 2025-10-27: median 0.12, "
                       "90% of calibrations between 0.01 and 0.88.")
    assert said[5].endswith("median 4.25, 90% of calibrations between -0.50 and 12.50; it is "
                            "negative in some supported calibrations.")
    assert said[6] == ("What carries each answer (Sobol indices over 16 base samples; 75% of the "
                       "design is supported), the largest total index: hedging ends: the Gulf's "
                       "offer (total index 0.50 \u00b1 0.12); value of ambiguity: Iran's money "
                       "to Syria (total index 0.75 \u00b1 0.06).")
    assert said[7].startswith("In 1 of the 3 factor-answer pairs the 95% interval")
    assert said[8] == ("The claims that narrow each answer most (the share of its spread the "
                       "constraint removes, from 8 draws per relaxed set): hedging ends: K01 "
                       "(C04), 0.25; value of ambiguity: K02 (C13, C18), 0.38.")
    assert said[-1] == ("On a knife edge (a nudge of one part in a million moves it, so it is a "
                        "tie, not a clean number): horizon (5; moved by iran_aid and war_cost).")
    clean = supported(knife_edges=[BASE["knife_edges"][1]])
    assert sentences.supported_sentences(clean)[-1].startswith("None of the scenario's own "
                                                               "answers is on a knife edge")
    # never is never said as the last round
    assert not any("month 11" in s for s in said)


def test_the_tables_are_the_numbers() -> None:
    tables = {caption.split(":")[0].split(" ")[0]: (header, rows)
              for caption, header, rows in sentences.supported_tables(supported())}
    header, rows = tables["When"]
    assert rows == [("month 0", "10%"), ("month 2", "15%"), ("month 5", "25%"),
                    ("collapse", "5%"), ("never", "45%")]
    header, rows = tables["Each"]
    assert header == ("Answer", "Mean", "5%", "25%", "Median", "75%", "95%")
    assert rows[-1] == ("value of ambiguity at the start", "5.00", "-0.50", "1.88", "4.25",
                        "8.38", "12.50")
    header, rows = tables["Sobol"]
    assert rows[0] == ("hedging ends", "the Gulf's offer", "0.25 \u00b1 0.12", "0.50 \u00b1 0.12")
    assert [r[1] for r in rows] == ["the Gulf's offer", "patience", "Iran's money to Syria"]
    header, rows = tables["Claim"]
    assert header == ("Constraint", "Claims", "hedging ends", "value of ambiguity")
    assert rows[1] == ("K02", "C13, C18", "0.12", "0.38")
    header, rows = tables["The"]
    assert rows[0] == ("horizon", "5", "tie", "iran_aid and war_cost")


def test_the_figures_titles_state_their_numbers() -> None:
    a = supported()
    names, shares = horizon_bars(a)
    assert names[-2:] == ["collapse", "never"] and len(names) == 14
    assert shares.sum() == pytest.approx(1.0) and shares[-1] == 0.45 and shares[-2] == 0.05
    assert title_supported_horizon(a) == ("When hedging stops being certain, over 200 "
                                          "supported calibrations: never within 12 months in "
                                          "45%; the regime falls first in 5%; when it stops, most "
                                          "often by month 5 (25%)")
    assert title_sobol(a) == ("What carries each answer over the supported set (16 base "
                              "samples); 1 of 3 total indices have an interval wider than "
                              "the index")
    lead = ranked(a.sobol["hedging ends"])[0]
    assert panel_sobol("hedging ends", a.sobol["hedging ends"]) == (
        f"hedging ends: led by the Gulf's offer (total index {lead.ST:.2f} \u00b1 "
        f"{lead.ST_conf:.2f})")
    assert [spec.name for spec, _ in figures_of(a)] == ["supported_horizon", "sobol"]
    fig = build_figure(FIGURES["sobol"], a, context_of(a))
    assert len(fig.axes) == 2  # collapse by has no indices: no panel
    for ax, name in zip(fig.axes, ["hedging ends", "value of ambiguity"], strict=True):
        # each index's 95% interval is drawn from index - half-width to index + half-width
        (segments,) = [c.get_segments() for c in ax.collections
                       if isinstance(c, LineCollection)]
        drawn = sorted((round(g[0][0], 9), round(g[1][0], 9)) for g in segments)
        want = sorted((round(v - h, 9), round(v + h, 9)) for r in a.sobol[name]
                      for v, h in ((r.ST, r.ST_conf), (r.S1, r.S1_conf)))
        assert drawn == want
    assert not [s for s, _ in figures_of(supported(sobol={}))
                if s.name == "sobol"]
    never = np.array([b.get_height() for b in build_figure(
        FIGURES["supported_horizon"], a, context_of(a)).axes[0].patches])
    assert never[-1] == pytest.approx(0.45)


@pytest.mark.parametrize("rounds", [12, 24, 48])
def test_the_horizon_figures_outcome_labels_do_not_overlap(rounds: int) -> None:
    """Under the supported horizon's bars, no two tick labels overlap, "collapse first" and
    "never" included (they collided on the 24-month run)."""
    a = supported(rounds=rounds)
    fig = build_figure(FIGURES["supported_horizon"], a, context_of(a))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = sorted((t.get_window_extent(renderer) for t in fig.axes[0].get_xticklabels()
                    if t.get_text()), key=lambda b: b.x0)
    assert len(boxes) >= 3
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left.x1 <= right.x0, (left, right)


def test_the_report_has_the_section_only_with_an_analysis(tiny: ArticleResults) -> None:
    assert 'id="supported"' not in build_report(tiny)
    page = build_report(tiny, supported=supported())
    assert 'id="supported"' in page
    assert "Hedging stays certain through all 12 months in 45% of them" in page
    assert "K02" in page and "iran_aid and war_cost" in page


def test_figures_reads_the_run_and_the_analysis(tiny_run: Path, tmp_path: Path) -> None:
    """``hedgesim figures results.json analysis.json``: the report gains the section, the
    analysis is kept beside the results, and a redraw from that folder alone is the same."""
    analysis = tmp_path / "analysis.json"
    analysis.write_text(supported().model_dump_json(indent=2) + "\n")
    out = tmp_path / "out"
    assert main(["figures", str(tiny_run / "results.json"), str(analysis), "--out",
                 str(out)]) == 0
    assert (out / "analysis.json").read_bytes() == analysis.read_bytes()
    for name in ("sobol.png", "supported_horizon.png", "report.html"):
        assert (out / name).is_file(), name
    assert 'id="supported"' in (out / "report.html").read_text()
    shutil.copy(tiny_run / "results.json", out / "results.json")
    again = tmp_path / "again"
    assert main(["figures", str(out / "results.json"), "--out", str(again)]) == 0
    for name in ("sobol.png", "supported_horizon.png", "report.html", "analysis.json"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_an_analysis_of_another_scenario_is_refused_in_one_line(
        tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "analysis.json"
    other.write_text(supported(scenario="gulf_push").model_dump_json())
    out = tmp_path / "run"
    assert main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--out", str(out),
                 "--analysis", str(other)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'gulf_push', not of 'baseline'" in err[0] and str(other) in err[0]
    assert not out.exists()
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"schema_version": 2, "kind": "supported-analysis"}))
    assert main(["figures", str(tiny_run / "results.json"), str(broken), "--out",
                 str(tmp_path / "f")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(broken) in err[0]
    assert main(["figures", str(broken), "--out", str(tmp_path / "g")]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_an_analysis_given_wins_over_the_one_beside_the_results(tiny_run: Path,
                                                                tmp_path: Path) -> None:
    """``make analysis`` redraws the committed run with a new analysis.json while the old one
    lies beside its results.json: the one named on the command line is drawn and kept."""
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    (run / "analysis.json").write_text(supported(n=100).model_dump_json(indent=2) + "\n")
    new = tmp_path / "new.json"
    new.write_text(supported(n=300).model_dump_json(indent=2) + "\n")
    assert main(["figures", str(run / "results.json"), str(new), "--out", str(run)]) == 0
    assert (run / "analysis.json").read_bytes() == new.read_bytes()
    assert "Over 300 calibrations" in (run / "report.html").read_text()


def test_factors_seen_only_at_the_screening_are_marked() -> None:
    """In a two-stage design a factor whose indices rest on the screening's base rows only
    is marked ``*`` on the Sobol figure (the caption says why); a refined factor, and every
    factor of a one-stage design (no base recorded), is not."""
    from sim.figures.supported import screened_label

    row = {"parameters": ["x"], "S1": 0.1, "S1_conf": 0.1, "ST": 0.2, "ST_conf": 0.1}
    a = supported(sobol_base=160, sobol={"hedging ends": [
        {**row, "factor": "patience", "base": 160},
        {**row, "factor": "priors", "base": 32}]})
    labels = [screened_label(r, a) for r in a.sobol["hedging ends"]]
    assert labels == ["patience", "priors *"]
    fig = build_figure(FIGURES["sobol"], a, context_of(a))
    assert {t.get_text() for t in fig.axes[0].get_yticklabels()} == {"patience", "priors *"}
    one_stage = supported()
    assert all(not screened_label(r, one_stage).endswith("*")
               for rows in one_stage.sobol.values() for r in rows)
    assert "marked *" in FIGURES["sobol"].caption


def _with_precision(base_needed: int = 25) -> object:
    """BASE with the two varying answers' precision rows (their leading rows' numbers) and
    a projection: 0.125 on 16 rows needs 16 x 1.25^2 = 25 rows; 900 solves this run, 1,000
    at the projected base (none more when every need is met)."""
    rows = [{"answer": "hedging ends", "factor": "the Gulf's offer", "base": 16, "ST": 0.5,
             "half_width": 0.125, "full_width": 0.25, "base_needed": base_needed},
            {"answer": "value of ambiguity", "factor": "Iran's money to Syria", "base": 16,
             "ST": 0.75, "half_width": 0.0625, "full_width": 0.125, "base_needed": 7}]
    projection = {"target_half_width": 0.1, "answers": ["hedging ends"],
                  "base": max(16, base_needed), "run_solves": 900,
                  "solves": 1000 if base_needed > 16 else 900}
    return supported(sobol_precision=rows, sobol_projection=projection)


def test_the_precision_sentences_give_both_widths_and_the_base_needed() -> None:
    a = _with_precision()
    said = sentences.precision_sentences(a)  # type: ignore[arg-type]
    assert said == [
        "How narrow the leading factors' 95% intervals are (the half-width, then the full "
        "width): hedging ends: \u00b1 0.12, 0.25 wide, on 16 base samples; value of "
        "ambiguity: \u00b1 0.06, 0.12 wide, on 16 base samples.",
        "A half-width of 0.1 on all of them but value of ambiguity (its bounded companion "
        "stands for it) needs, as the half-widths fall with the square root of the base, up "
        "to about 25 base samples (this analysis: 16): 1,000 solves in all instead of 900; a "
        "full width of 0.1 needs four times the base."]
    assert all(s in sentences.supported_sentences(a) for s in said)  # type: ignore[arg-type]
    met = sentences.precision_sentences(_with_precision(base_needed=9))  # type: ignore[arg-type]
    assert met[1] == ("Every answer's leading factor but value of ambiguity's (its bounded "
                      "companion stands for it) has a half-width of 0.1 or less.")
    # an analysis written before these were recorded says nothing about them
    assert sentences.precision_sentences(supported()) == []
    tables = {caption.split(" ")[0]: (header, rows)
              for caption, header, rows in sentences.supported_tables(a)}  # type: ignore[arg-type]
    header, rows = tables["Precision"]
    assert header[-1] == "Base for \u00b1 0.1"
    assert rows[0] == ("hedging ends", "the Gulf's offer", "16", "0.50", "0.12", "0.25", "25")
    assert "Precision" not in {c.split(" ")[0] for c, _, _ in
                               sentences.supported_tables(supported())}


def test_analyze_prints_both_widths_and_the_projection() -> None:
    from sim.calibrate.commands import analysis_text

    text = analysis_text(_with_precision(), None)
    assert ("  hedging ends: the Gulf's offer 0.50 +- 0.12 (full width 0.25) on base 16: base "
            "25 needed") in text.splitlines()
    assert ("half-width 0.1 on every leading factor but value of ambiguity's: --sobol-max-base "
            "25 (this run's base rows: 16), 1,000 solves (this run: 900)") in text.splitlines()
    assert "half-width" not in analysis_text(supported(), None)


def test_a_leader_still_above_the_target_is_said_with_why() -> None:
    """A covered answer's leader short of the target after the third stage is said plainly,
    in the report's sentences and the printed text, with why: the cap (--sobol-max-base)
    or the passes ran out; one at the target is not."""
    from sim.calibrate.commands import analysis_text

    base = _with_precision()
    rows = [p.model_copy(update={"short_of_target": "max base"}) if p.answer == "hedging ends"
            else p for p in base.sobol_precision]  # type: ignore[attr-defined]
    capped = base.model_copy(update={"sobol_precision": rows, "sobol_max_base": 16,  # type: ignore[attr-defined]
                                     "sobol_max_passes": 3})
    words = ("hedging ends (the Gulf's offer, half-width 0.125 on 16 base samples): the cap of "
             "16 base samples (--sobol-max-base) held it")
    assert f"Still above 0.1 after the third stage: {words}." in sentences.precision_sentences(
        capped)  # type: ignore[arg-type]
    assert f"  still above 0.1 after the third stage: {words}" in analysis_text(
        capped, None).splitlines()
    rows[0] = rows[0].model_copy(update={"short_of_target": "passes"})
    ran_out = capped.model_copy(update={"sobol_precision": rows})
    assert ("the third stage's 3 passes ran out before it reached the target"
            in " ".join(sentences.precision_sentences(ran_out)))  # type: ignore[arg-type]
    assert not any("Still above" in s for s in sentences.precision_sentences(base))  # type: ignore[arg-type]


MIXED = {"check": "ks", "points": [213, 107], "parameters": 63, "differ": 0, "differ_loose": 5,
         "least_p": 0.0021, "least_p_parameter": "war_cost", "mixed": True}


def test_the_sentences_and_the_text_say_whether_the_chains_mixed() -> None:
    """Beside the sampling method, one sentence: the burn-in and the mixing check's numbers
    (:class:`sim.results.calibration.ChainMixing`), a warning when chains started apart
    still differ, and nothing for a file written before the check."""
    from sim.calibrate.commands import analysis_text

    mixed = supported(burn_in=3150, mixing=MIXED)
    said = sentences.supported_sentences(mixed)
    told = ("Each hit-and-run chain burnt in for 3,150 steps; the chains mixed: 0 of 63 "
            "parameters differ between chains started at different points (two-sample KS "
            "p < 0.001, 213 against 107 chains; 5 at p < 0.05, where chance gives 3.2; "
            "smallest p 0.0021, war_cost).")
    assert said[6] == told  # after the distributions, before what carries them
    assert said[7].startswith("What carries each answer")
    unmixed = supported(burn_in=20, mixing={**MIXED, "differ": 41, "differ_loose": 52,
                                            "least_p": 0.0, "mixed": False})  # fmt: skip
    (warned,) = [s for s in sentences.supported_sentences(unmixed) if "burnt in" in s]
    assert warned.startswith("Each hit-and-run chain burnt in for 20 steps; warning: the chains "
                             "may not have forgotten their starts: ")
    assert "41 of 63 parameters differ" in warned and "smallest p below 1e-10" in warned
    assert warned.endswith("a longer --burn-in mixes them.")
    rejection = supported(method="rejection", mixing={"check": "rejection"})
    assert ("Chain mixing check: not needed (rejection draws are independent)."
            in sentences.supported_sentences(rejection))
    assert not [s for s in sentences.supported_sentences(supported()) if "chain" in s.lower()]
    text = analysis_text(mixed, None).splitlines()
    assert text[1:3] == ["hit-and-run burn-in: 3,150 steps a chain", told.split("; ", 1)[1][:-1]]
