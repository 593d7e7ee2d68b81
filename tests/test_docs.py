"""The documentation cannot drift from the model it describes."""

from __future__ import annotations

from pathlib import Path

from sim import model

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_model_doc_describes_every_payoff_term() -> None:
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    missing = [t.name for t in model.TERMS if f"`{t.name}`" not in text]
    assert missing == []


def test_model_doc_names_every_action() -> None:
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    missing = [a for actions in model.ACTIONS.values() for a in actions if f"`{a}`" not in text]
    assert missing == []


def test_results_doc_describes_every_top_level_key() -> None:
    from sim.results import RESULTS_SCHEMA, SCHEMA_VERSION

    text = (DOCS / "results.md").read_text(encoding="utf-8")
    assert f"schema version {SCHEMA_VERSION}" in text
    missing = [k for k in RESULTS_SCHEMA["properties"] if f"`{k}`" not in text]
    assert missing == []


def test_the_readme_python_example_runs() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    import os

    cwd = os.getcwd()
    os.chdir(DOCS.parent)
    try:
        namespace: dict[str, object] = {}
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
    rows = namespace["rows"]
    assert isinstance(rows, list) and rows and "hedge_probability" in rows[0]


def test_the_engine_doc_examples_run() -> None:
    """Every ```python block of docs/engine.md runs, in order, in one namespace."""
    text = (DOCS / "engine.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert blocks
    namespace: dict[str, object] = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"docs/engine.md block {k + 1}", "exec"), namespace)  # noqa: S102
