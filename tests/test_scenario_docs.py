"""docs/scenarios.md documents every schema key and every parameter of the article's game.

The key table of the article's game is generated from :mod:`sim.article.parameters`; run
this file (``python tests/test_scenario_docs.py``) to rewrite it after the parameters change.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.scenario import Scenario  # noqa: E402
from sim.scenario.article_schema import key_table  # noqa: E402
from sim.scenario.errors import unwrap as _unwrap  # noqa: E402

DOC = ROOT / "docs" / "scenarios.md"
BEGIN, END = "<!-- model2:begin -->", "<!-- model2:end -->"


def schema_keys(cls: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every key the schema accepts, as the docs write it (``events[].set``,
    ``beliefs.iran.catch``, ``sweeps[].params.<key>.num``)."""
    out = []
    for name, info in cls.model_fields.items():
        key = prefix + name
        out.append(key)
        tp: Any = _unwrap(info.annotation)
        if get_origin(tp) in (tuple, list):
            inner, suffix = _unwrap(get_args(tp)[0]), "[]."
        elif get_origin(tp) is dict:
            placeholder = {"players": "<player>"}.get(key, "<key>")
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


def test_the_article_key_table_matches_the_parameters() -> None:
    assert _block(DOC.read_text()) == key_table(), (
        "docs/scenarios.md is out of date: run python tests/test_scenario_docs.py"
    )


def test_every_schema_key_is_documented() -> None:
    text = DOC.read_text()
    keys = schema_keys()
    assert "beliefs.iran.deniability" in keys and "events[].scale" in keys
    missing = [k for k in keys if f"`{k}`" not in text]
    assert not missing, f"undocumented keys in docs/scenarios.md: {missing}"


def test_documented_keys_exist() -> None:
    """No stale rows: every backticked key in the first column of a key table (one whose
    header starts with ``| key |`` or ``| parameter |``) is a real key."""
    keys = set(schema_keys())
    tables = re.split(r"^(?=\| (?:key|parameter) \|)|^(?=\| (?!key|parameter)\w+ \| .*\n\| ---)",
                      DOC.read_text(), flags=re.M)
    text = "".join(t for t in tables if t.startswith(("| key |", "| parameter |")))
    rows = re.findall(r"^\| `([a-z_.<>\[\]]+)` \|", text, flags=re.M)
    assert rows
    assert sorted(set(rows) - keys) == []


if __name__ == "__main__":
    DOC.write_text(_rewrite(DOC.read_text(), BEGIN, END, key_table()))
