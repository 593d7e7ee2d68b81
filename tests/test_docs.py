"""The documentation cannot drift from the model and the results it describes."""

from __future__ import annotations

from pathlib import Path

from sim.results.schema import SCHEMAS, results_doc, schema_text

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_model_doc_describes_every_term_of_model_2_with_its_claims() -> None:
    from sim.article.terms import TERMS

    text = (DOCS / "model.md").read_text(encoding="utf-8")
    for term in TERMS:
        row = next((line for line in text.splitlines() if f"| `{term.name}` |" in line), None)
        assert row is not None, term.name
        assert row.rstrip(" |").endswith(" ".join(term.claims)), term.name


def test_model_doc_names_every_action_of_model_2() -> None:
    from sim.article.actors import ACTIONS

    text = (DOCS / "model.md").read_text(encoding="utf-8")
    missing = [a for actions in ACTIONS.values() for a in actions if f"`{a}`" not in text]
    assert missing == []


def test_model_doc_carries_the_parameter_table_verbatim() -> None:
    """The table is generated from the one declaration (sim.article.parameters.SPECS); the
    doc must carry the current one, so a changed default or bound cannot drift."""
    from sim.article.parameters import parameter_table

    text = (DOCS / "model.md").read_text(encoding="utf-8")
    assert parameter_table() in text


def test_model_doc_lists_every_assumption() -> None:
    from sim.article.parameters import SPECS

    text = (DOCS / "model.md").read_text(encoding="utf-8")
    section = text.split("## Assumptions", 1)[1].split("\n## ", 1)[0]
    missing = [s.name for s in SPECS if s.assumption and f"`{s.name}`" not in section]
    assert missing == []


def test_the_published_schemas_are_the_models() -> None:
    """docs/*.schema.json are ``model_json_schema()`` of the typed results; regenerate with
    ``python -m sim.results.schema``."""
    for name, cls in SCHEMAS.items():
        assert (DOCS / name).read_text(encoding="utf-8") == schema_text(cls), (
            f"docs/{name} is stale: run python -m sim.results.schema")


def test_the_results_doc_tables_are_the_models() -> None:
    text = (DOCS / "results.md").read_text(encoding="utf-8")
    assert text == results_doc(text), "docs/results.md is stale: run python -m sim.results.schema"
    assert "schema_version` of `results.json` is 3" in text


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
    hedge = namespace["hedge"]
    assert len(hedge) == 6  # type: ignore[arg-type]
    assert all(-1e-9 <= float(x) <= 1.0 + 1e-9 for x in hedge)  # type: ignore[attr-defined]


def test_the_engine_doc_examples_run() -> None:
    """Every ```python block of docs/engine.md runs, in order, in one namespace."""
    text = (DOCS / "engine.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert blocks
    namespace: dict[str, object] = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"docs/engine.md block {k + 1}", "exec"), namespace)  # noqa: S102


def test_the_model_doc_example_runs() -> None:
    """Every ```python block of docs/model.md runs, in order, in one namespace."""
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert blocks
    namespace: dict[str, object] = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"docs/model.md block {k + 1}", "exec"), namespace)  # noqa: S102


def test_the_readme_module_table_names_every_module() -> None:
    """Every package and top-level module of ``sim`` has a row in the README's module table
    (a new one without a row fails here), and every row names something that exists."""
    import re

    root = DOCS.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("| module | job |", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`(sim/[\w/.]+?)/?`", table))
    sim = root / "sim"
    present = {f"sim/{p.name}" for p in sim.iterdir()
               if (p.is_dir() and (p / "__init__.py").exists())
               or (p.suffix == ".py" and p.name not in ("__init__.py", "__main__.py"))}
    assert present - named == set(), "modules without a row in the README's table"
    assert named - present == set(), "rows naming no module"
