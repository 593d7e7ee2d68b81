"""Display names: a scenario's ``players`` renames players and actions in figures, the
report and ``explain``; data keeps the model's names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import TINY_RUN

from sim.article import actors
from sim.article.actors import ACTIONS
from sim.cli import main
from sim.errors import ScenarioError
from sim.figures import FIGURES, build_figure, context_of
from sim.labels import Labels
from sim.report import sentences
from sim.results import ArticleResults, read_results
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
GULF_PUSH = ROOT / "scenarios" / "gulf_push.yaml"
NEW_GULF = "Gulf states and the West"
HEADER = "description: A test scenario.\nquestion: Does it load?\n"


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


# -- the Labels type ---------------------------------------------------------------------
def test_default_labels_are_the_models_names() -> None:
    lab = Labels.default()
    assert [lab.player(p) for p in actors.PLAYERS] == [actors.PLAYER_LABELS[p]
                                                        for p in actors.PLAYERS]
    assert lab.action(actors.SYRIA, "hedge") == "hedge"


def test_labels_fill_gaps_with_defaults() -> None:
    lab = Labels.of({"gulf": "The West"}, {"syria": {"hedge": "straddle"}})
    assert lab.player("gulf") == "The West" and lab.player("iran") == "Iran"
    assert lab.action("syria", "hedge") == "straddle" and lab.action("syria", "align") == "align"


# -- the schema ----------------------------------------------------------------------------
def test_players_merge_through_extends(tmp_path: Path) -> None:
    _write(tmp_path, "parent.yaml", "name: p\n" + HEADER
           + "players:\n  gulf:\n    label: The West\n    actions:\n      wait: hold\n")
    child = _write(tmp_path, "child.yaml", "extends: parent.yaml\nname: c\n" + HEADER
                   + "players:\n  gulf:\n    actions:\n      engage: pay\n")
    lab = load_scenario(child).labels()
    assert lab.player("gulf") == "The West"
    assert (lab.action("gulf", "engage"), lab.action("gulf", "wait")) == ("pay", "hold")


@pytest.mark.parametrize(
    ("body", "key", "fragment"),
    [
        ("players:\n  iran:\n    label: Israel\n", "players.iran.label",
         "already the name of israel"),
        ("players:\n  gulf:\n    actions:\n      wait: isolate\n", "players.gulf.actions.wait",
         "already gulf's name for 'isolate'"),
        ("players:\n  gulf:\n    label: ''\n", "players.gulf.label", "non-empty text"),
        ("players:\n  gulf:\n    label: '  '\n", "players.gulf.label", "non-empty text"),
        ("players:\n  gulf:\n    labl: X\n", "players.gulf.labl", "did you mean 'label'?"),
        ("players:\n  syria:\n    actions:\n      hedge: 3\n", "players.syria.actions.hedge",
         "expected text"),
    ],
)
def test_bad_names_are_refused_with_their_key(
    tmp_path: Path, body: str, key: str, fragment: str
) -> None:
    path = _write(tmp_path, "bad.yaml", "name: bad\n" + HEADER + body)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.key_path == key and fragment in str(info.value), str(info.value)


def test_stating_the_default_names_keeps_the_hash(tmp_path: Path) -> None:
    plain = _write(tmp_path, "plain.yaml", "name: x\n" + HEADER)
    explicit = _write(tmp_path, "explicit.yaml", "name: x\n" + HEADER
                      + "players:\n  gulf:\n    label: Gulf/West\n    actions:\n      wait: wait\n")
    renamed = _write(tmp_path, "renamed.yaml", "name: x\n" + HEADER
                     + "players:\n  gulf:\n    label: The West\n")
    assert load_scenario(plain).hash == load_scenario(explicit).hash
    assert load_scenario(renamed).hash != load_scenario(plain).hash


# -- figures and report read the results' labels -------------------------------------------
def _renamed_results(tiny: ArticleResults) -> ArticleResults:
    data = tiny.model_dump(mode="json")
    data["labels"]["players"].update({"syria": "Damascus", "iran": "Tehran", "gulf": "The West"})
    data["labels"]["actions"]["syria"]["align"] = "side with Tehran"
    return ArticleResults.model_validate(data)


def test_figures_show_the_results_labels(tiny: ArticleResults) -> None:
    results = _renamed_results(tiny)
    context = context_of(results)
    fig = build_figure(FIGURES["path"], results, context)
    ylabels = [ax.get_ylabel() for ax in fig.axes]
    assert "Damascus" in ylabels and "The West" in ylabels and "Syria" not in ylabels
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "side with Tehran" in legend
    assert "Damascus" in fig.get_suptitle()


def test_report_sentences_and_tables_show_the_results_labels(tiny: ArticleResults) -> None:
    results = _renamed_results(tiny)
    text = " ".join(sentences.answer_sentences(results))
    assert "Damascus" in text and "Syria " not in text and "The West" in text
    # every end of the hedge is said with the names in force, none with the model's own
    ends = [sentences.exit_phrase(results, k) for k in ("align", "realign", "collapse", "never")]
    assert "breaks with Tehran for the West" in ends and "openly aligns with Tehran" in ends
    assert not any(name in " ".join(ends) for name in ("Syria", "Iran", "Gulf/West")), ends
    header = sentences.round_header(results)
    assert "P(side with Tehran)" in header
    # data keys stay the model's names
    assert list(results.rounds[0].actions["syria"]) == ["align", "hedge", "realign"]


# -- the shipped scenario ---------------------------------------------------------------------
def test_gulf_push_names_the_gulf_anew_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["run", str(GULF_PUSH), "--out", str(out), "--svg", *TINY_RUN]) == 0
    capsys.readouterr()
    assert isinstance(read_results(out / "results.json"), ArticleResults)
    data = json.loads((out / "results.json").read_text())
    assert data["labels"]["players"]["gulf"] == NEW_GULF
    assert data["labels"]["players"]["iran"] == "Iran"
    assert data["labels"]["actions"]["gulf"] == {a: a for a in ACTIONS["gulf"]}
    assert "gulf" in data["players"] and NEW_GULF not in data["players"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert NEW_GULF in html
    answer = re.search(r'<section class="answer" id="answer">(.*?)</section>', html, re.S)
    assert answer is not None
    assert "Gulf/West" not in answer.group(1)
    assert NEW_GULF in answer.group(1)
    assert b"Gulf/West" not in (out / "path.svg").read_bytes()


def test_explain_uses_the_scenarios_labels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(GULF_PUSH), "--grid", "3x3"]) == 0
    printed = capsys.readouterr().out
    assert f"{NEW_GULF}: payoff" in printed and "Gulf/West" not in printed


def test_relabel_gives_a_name_with_its_own_article_no_second_one() -> None:
    """A fixed wording with the model's names, renamed: "the Gulf/West" named "The West"
    reads "the West" (not "the The West"); a name without an article keeps the wording's."""
    from sim.wording import relabel

    west = Labels.of({"gulf": "The West", "iran": "Tehran"})
    said = relabel("a break with Iran for the Gulf/West", west)
    assert said == "a break with Tehran for the West"
    said = relabel("The Gulf/West engages; Gulf/West waits", west)
    assert said == "The West engages; The West waits"
    gcc = Labels.of({"gulf": "GCC"})
    assert relabel("for the Gulf/West", gcc) == "for the GCC"
    assert relabel("for the Gulf/West", Labels.default()) == "for the Gulf/West"
