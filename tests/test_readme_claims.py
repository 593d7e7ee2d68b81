"""What the README shows a user is what they get: its error line, its Python example's output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_error_line_is_the_real_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README quotes an error for a typo (``catc``) on line 7 of scenarios/bad.yaml;
    making that file and validating it must print exactly that line."""
    shown = next(line for line in README.splitlines() if line.startswith("hedgesim: error: "))
    match = re.match(r"hedgesim: error: (\S+):(\d+): beliefs\.iran\.(\w+): ", shown)
    assert match is not None, shown
    file, line, typo = match.group(1), int(match.group(2)), match.group(3)
    lines = ["name: bad", "description: d", "question: q", "beliefs:", "  iran:"]
    filler = ["    prior: 0.2", "    false_alarm: 0.05", "    visibility: 1"]
    lines += filler[: line - 1 - len(lines)] + [f"    {typo}: 0.1"]
    (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / file).write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", file]) == 1
    assert capsys.readouterr().err == shown + "\n"


def test_the_python_example_prints_short_results() -> None:
    """The README's Python example shows ``answers.headline`` and the robustness flags: each
    prints as one short line, not a screenful of arrays."""
    from sim.article.answers import answer
    from sim.article.grid import COARSE

    answers = answer(rounds=3, resolution=COARSE, rules=("qre", "inertia"), robust=False)
    for shown in (answers.headline, answers.robustness.summary()):
        text = repr(shown)
        assert "\n" not in text and len(text) < 400, text


def test_the_readme_run_block_is_what_make_run_printed() -> None:
    """Every line of the README's ``make run`` block is a sentence the committed run
    (``figures/results.json``) says."""
    from sim.report.sentences import answer_sentences
    from sim.results import read_results

    block = README.split("It prints:\n\n```\n", 1)[1].split("```", 1)[0].splitlines()
    said = answer_sentences(read_results(ROOT / "figures" / "results.json"))  # type: ignore[arg-type]
    assert block and all(line in said for line in block), block


def test_the_readme_supported_block_is_what_the_committed_analysis_says() -> None:
    """Every line of the README's block on what the article supports is a sentence the
    report says from the committed analysis (``figures/analysis.json``, ``make analysis``),
    and the README names that analysis's size and seed."""
    from sim.report.sentences import supported_sentences
    from sim.results.io import read_supported

    analysis = read_supported(ROOT / "figures" / "analysis.json")
    section = README.split("## What the article supports", 1)[1].split("\n## ", 1)[0]
    block = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    said = supported_sentences(analysis)
    assert len(block) >= 5 and all(line in said for line in block), block
    assert f"{analysis.n:,} supported calibrations" in section
    assert f"seed {analysis.seed}" in section
