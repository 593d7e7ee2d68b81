"""The published schemas and field tables of the results files, generated from the typed
results so the documentation cannot drift from them.

``python -m sim.results.schema`` rewrites ``docs/results.schema.json``,
``docs/analyses.schema.json`` and the generated tables of ``docs/results.md``; the test
suite fails when any of them differs from what it would write.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sim.results.analyses import AnalysisResults
from sim.results.article import ArticleResults
from sim.results.calibration import CalibrationResults
from sim.results.supported import SupportedAnalysis

DOCS = Path(__file__).resolve().parents[2] / "docs"
#: Schema file -> the class it publishes.
SCHEMAS: dict[str, type[BaseModel]] = {
    "results.schema.json": ArticleResults,
    "analyses.schema.json": AnalysisResults,
    "calibration.schema.json": CalibrationResults,
    "analysis.schema.json": SupportedAnalysis,
}


def schema_text(cls: type[BaseModel]) -> str:
    """``cls``'s JSON Schema (of the files it writes) as stable, indented text."""
    schema = cls.model_json_schema(mode="serialization")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _type_name(schema: dict[str, Any]) -> str:
    """A JSON Schema fragment in words: ``list of RoundRecord``, ``map of number or null``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "const" in schema:
        return json.dumps(schema["const"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(_type_name(s) for s in schema[key])
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("prefixItems")
        if items:
            return "[" + ", ".join(_type_name(s) for s in items) + "]"
        return "list of " + _type_name(schema.get("items", {}))
    if kind == "object":
        extra = schema.get("additionalProperties")
        return "map of " + _type_name(extra) if isinstance(extra, dict) else "object"
    return str(kind or "any")


def field_table(cls: type[BaseModel]) -> str:
    """A Markdown table of ``cls``'s top-level fields: name, type, meaning."""
    schema = cls.model_json_schema(mode="serialization")
    rows = ["| field | type | meaning |", "| --- | --- | --- |"]
    for name, prop in schema["properties"].items():
        meaning = prop.get("description", "")
        if not meaning and "$ref" in prop:
            target = schema["$defs"][prop["$ref"].rsplit("/", 1)[-1]]
            meaning = target.get("description", "")
        meaning = " ".join(meaning.replace("``", "`").split())
        rows.append(f"| `{name}` | {_type_name(prop)} | {meaning} |")
    return "\n".join(rows) + "\n"


TABLE = re.compile(r"(<!-- fields: (\w+) -->\n)(.*?)(<!-- /fields -->)", re.S)
CLASSES: dict[str, type[BaseModel]] = {"ArticleResults": ArticleResults,
                                       "AnalysisResults": AnalysisResults}


def results_doc(text: str) -> str:
    """``docs/results.md`` with every generated table rewritten."""
    return TABLE.sub(lambda m: m.group(1) + field_table(CLASSES[m.group(2)]) + m.group(4), text)


def write_docs(docs: Path = DOCS) -> list[Path]:
    """Rewrite the schema files and the tables of ``results.md``; return the files changed."""
    changed = []
    for name, cls in SCHEMAS.items():
        path, text = docs / name, schema_text(cls)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    doc = docs / "results.md"
    old = doc.read_text(encoding="utf-8")
    new = results_doc(old)
    if new != old:
        doc.write_text(new, encoding="utf-8")
        changed.append(doc)
    return changed


if __name__ == "__main__":  # pragma: no cover
    for path in write_docs():
        print(f"rewrote {path}")
