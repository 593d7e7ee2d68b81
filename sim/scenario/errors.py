"""Validation problems as one line each: file, line, key path and what was expected.

pydantic reports every problem with a location; :func:`validate` keeps the earliest one
(by file, then line), looks up the line its key path came from and raises it as a
:class:`sim.errors.ScenarioError`.
"""

from __future__ import annotations

import datetime as dt
import math
import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sim.errors import ScenarioError
from sim.scenario.keys import Located, render_key_path, suggest
from sim.scenario.schema import RETIRED_BLOCKS, Scenario

KeyParts = tuple[str | int, ...]
#: Where each key path of a document came from: (file, 1-based line).
Origins = dict[KeyParts, tuple[str, int]]
#: Keys a scenario states for itself and never inherits through ``extends``.
NOT_INHERITED = ("name", "description", "question", "extends")


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) as one space."""
    return " ".join(str(text).split())


def show(value: Any) -> str:
    """A value as a user wrote it, short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_EXPECTED = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "tuple_type": "a list",
    "list_type": "a list",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD) without a time",
}
_BOUNDS = {
    "greater_than_equal": ">=",
    "greater_than": ">",
    "less_than_equal": "<=",
    "less_than": "<",
}


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The schema class describing the mapping at ``loc`` (None if not a class)."""
    tp: Any = Scenario
    for part in loc:
        tp = unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if not isinstance(part, str) or part not in tp.model_fields:
                return None
            tp = tp.model_fields[part].annotation
        elif get_origin(tp) in (tuple, list):
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
    tp = unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def unwrap(tp: Any) -> Any:
    """``X`` from ``Annotated[X, ...]`` and from ``X | None``."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or origin is types.UnionType:
            args = [a for a in get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp


def describe(err: Any) -> tuple[KeyParts, str]:
    """The key path and one-line message of one pydantic error."""
    loc: KeyParts = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, Located):
        return loc + error.loc, one_line(str(error))
    if kind in ("value_error", "assertion_error") and error is not None:
        return loc, one_line(str(error))
    if kind == "missing":
        return loc, "required key missing"
    if kind == "extra_forbidden" and len(loc) == 1 and loc[0] in RETIRED_BLOCKS:
        return loc, ("the first model's block, which is gone; the article's game reads "
                     f"{RETIRED_BLOCKS[str(loc[0])]} instead (docs/scenarios.md)")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        cls = _model_at(loc[:-1])
        known = list(cls.model_fields) if cls is not None else []
        hint = suggest(key, known) or (f"; expected one of: {', '.join(known)}" if known else "")
        return loc, f"unknown key {key!r}{hint}"
    if isinstance(value, float) and not math.isfinite(value):
        return loc, f"expected a finite number, got {show(value)}"
    if kind == "finite_number":
        return loc, f"expected a finite number, got {show(value)}"
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()))
        return loc, f"expected a number {_BOUNDS[kind]} {bound:g}, got {show(value)}"
    if kind == "literal_error":
        return loc, f"expected one of {ctx.get('expected')}, got {show(value)}"
    if kind == "string_too_short":
        return loc, "expected a non-empty text"
    if kind == "string_too_long":
        return loc, f"expected at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern", "").startswith("^C"):
            return loc, f"expected a claim id like C07, got {show(value)}"
        if loc and loc[-1] == "dir":
            return loc, (
                "expected a folder inside runs/: names of letters, digits, '_', '.' or '-', "
                f"each starting with a letter or digit, joined by '/', got {show(value)}"
            )
        return loc, (
            "expected letters, digits, '_', '.' or '-' only, starting with a letter or digit, "
            f"got {show(value)}"
        )
    if kind in _EXPECTED:
        hint = " (put it in quotes)" if kind == "string_type" and value is not None else ""
        return loc, f"expected {_EXPECTED[kind]}, got {show(value)}{hint}"
    msg = str(err.get("msg", kind))
    return loc, one_line(msg[:1].lower() + msg[1:])


def _origin(
    loc: KeyParts, origins: Origins, default: tuple[str, int | None]
) -> tuple[str, int | None]:
    """File and line of the longest prefix of ``loc`` that the document mentions."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in origins:
            return origins[loc[:n]]
    return default


def validate(data: dict[str, Any], origins: Origins, display: str) -> Scenario:
    """Validate a mapping; on failure raise the ScenarioError of the earliest problem."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for i, err in enumerate(exc.errors()):
            loc, message = describe(err)
            if err["type"] == "missing" and loc[0] in NOT_INHERITED and data.get("extends"):
                message += " (name, description and question are not inherited through extends)"
            file, line = _origin(loc, origins, (display, None))
            problems.append((file != display, line or 0, i, file, line, loc, message))
        _, _, _, file, line, loc, message = min(problems)
        raise ScenarioError(file, message, line, render_key_path(loc) or None) from None


