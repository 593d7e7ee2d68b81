"""docs/scenarios.md documents every schema key and every model parameter.

The parameters table is generated from :mod:`sim.model`; run this file
(``python tests/test_scenario_docs.py``) to rewrite it after the model changes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import model  # noqa: E402
from sim.scenario import Scenario  # noqa: E402
from sim.scenario.article_schema import key_table  # noqa: E402
from sim.scenario.errors import unwrap as _unwrap  # noqa: E402

DOC = ROOT / "docs" / "scenarios.md"
BEGIN, END = "<!-- parameters:begin -->", "<!-- parameters:end -->"
BEGIN2, END2 = "<!-- model2:begin -->", "<!-- model2:end -->"


def parameter_table() -> str:
    """The markdown table of every stage-model parameter, from the model itself."""
    defaults = model.Parameters()
    rows = ["| key | range | default | meaning |", "| --- | --- | --- | --- |"]
    for name in model.PARAMETER_NAMES:
        kind = "share [0, 1]" if model.is_share(name) else ">= 0"
        doc = model.parameter_doc(name).replace("|", "\\|")
        rows.append(f"| `parameters.{name}` | {kind} | {getattr(defaults, name)} | {doc} |")
    return "\n".join(rows)


def schema_keys(cls: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every key the schema accepts, as the docs write it (``timeline[].set``,
    ``tolerance.<counterpart>.decay``, ``sweeps[].params.<key>.num``)."""
    out = []
    for name, info in cls.model_fields.items():
        key = prefix + name
        out.append(key)
        tp: Any = _unwrap(info.annotation)
        if get_origin(tp) in (tuple, list):
            inner, suffix = _unwrap(get_args(tp)[0]), "[]."
        elif get_origin(tp) is dict:
            placeholder = {"tolerance": "<counterpart>", "players": "<player>"}.get(key, "<key>")
            inner, suffix = _unwrap(get_args(tp)[1]), f".{placeholder}."
        else:
            inner, suffix = tp, "."
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out += schema_keys(inner, key + suffix)
    return out


def _block(text: str, begin: str = BEGIN, end: str = END) -> str:
    return text.split(begin, 1)[1].split(end, 1)[0].strip()


def _rewrite(text: str, begin: str, end: str, table: str) -> str:
    head, rest = text.split(begin, 1)
    return f"{head}{begin}\n{table}\n{end}{rest.split(end, 1)[1]}"


def test_parameter_table_matches_the_model() -> None:
    assert _block(DOC.read_text()) == parameter_table(), (
        "docs/scenarios.md is out of date: run python tests/test_scenario_docs.py"
    )


def test_the_article_key_table_matches_the_parameters() -> None:
    assert _block(DOC.read_text(), BEGIN2, END2) == key_table(), (
        "docs/scenarios.md is out of date: run python tests/test_scenario_docs.py"
    )


def test_every_schema_key_is_documented() -> None:
    text = DOC.read_text()
    keys = schema_keys()
    assert "tolerance.<counterpart>.deniability" in keys and "timeline[].scale" in keys
    missing = [k for k in keys if f"`{k}`" not in text]
    assert not missing, f"undocumented keys in docs/scenarios.md: {missing}"


def test_documented_keys_exist() -> None:
    """No stale rows: every backticked key in the first column of a key table (one whose
    header starts with ``| key |`` or ``| parameter |``) is a real key."""
    keys = set(schema_keys()) | {f"parameters.{n}" for n in model.PARAMETER_NAMES}
    tables = re.split(r"^(?=\| (?:key|parameter) \|)|^(?=\| (?!key|parameter)\w+ \| .*\n\| ---)",
                      DOC.read_text(), flags=re.M)
    text = "".join(t for t in tables if t.startswith(("| key |", "| parameter |")))
    rows = re.findall(r"^\| `([a-z_.<>\[\]]+)` \|", text, flags=re.M)
    assert rows
    assert sorted(set(rows) - keys) == []


if __name__ == "__main__":
    text = _rewrite(DOC.read_text(), BEGIN, END, parameter_table())
    DOC.write_text(_rewrite(text, BEGIN2, END2, key_table()))
