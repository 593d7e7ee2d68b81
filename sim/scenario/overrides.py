"""``--set key.path=value``: overrides applied to a validated scenario, validated again.

A key path is parsed once (:func:`sim.scenario.keys.key_path`) and resolved against the
scenario's data in time linear in its length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.errors import KeyParts, describe
from sim.scenario.keys import KeyPathError, key_path, render_key_path
from sim.scenario.loading import parse_yaml
from sim.scenario.schema import Scenario


def _label(item: str) -> str:
    """How messages name an override: ``--set key.path=value``, cut short if very long."""
    if len(item) <= 120:
        return f"--set {item}"
    return f"--set {item[:100]}... ({len(item)} characters)"


def _plain(value: Any) -> Any:
    """Tuples to lists and models' dumps to dicts, recursively (mutable copies)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _dotted_run(node: dict[str, Any], rest: Sequence[str | int]) -> int:
    """How many parts of ``rest`` name one key of ``node``: keys may contain dots
    (``events[0].set``'s ``payoffs.iran_aid``); the longest existing key wins. Only
    runs as long as ``node``'s most dotted key are tried, so this is linear in ``rest``."""
    longest = max((str(k).count(".") + 1 for k in node), default=1)
    for j in range(min(len(rest), longest), 1, -1):
        if all(isinstance(p, str) for p in rest[:j]) and ".".join(map(str, rest[:j])) in node:
            return j
    return 1


def _set_path(data: dict[str, Any], parts: Sequence[str | int], value: Any, label: str) -> KeyParts:
    """Set ``value`` at the key path ``parts`` in ``data``; return the path's parts as the
    document has them (dotted keys joined)."""
    node: Any = data
    at: list[str | int] = []
    i = 0
    while True:
        rest = parts[i:]
        if isinstance(node, list):
            index = rest[0]
            if not isinstance(index, int) or index >= len(node):
                raise ScenarioError(
                    label,
                    f"{render_key_path(at)} has {len(node)} entries; no entry {str(index)!r}",
                )
            key: str | int = index
            step = 1
        elif isinstance(node, dict):
            step = _dotted_run(node, rest)
            key = ".".join(map(str, rest[:step]))
        else:
            raise ScenarioError(label, f"{render_key_path(at)} is a single value, not a mapping")
        at.append(key)
        i += step
        if i == len(parts):
            node[key] = value
            return tuple(at)
        if isinstance(node, dict) and node.get(key) is None:
            node[key] = {}
        node = node[key]


def apply_overrides(scenario: Scenario, overrides: Sequence[str]) -> Scenario:
    """The scenario with ``key.path=value`` overrides applied (``hedgesim run --set``).

    Parameters
    ----------
    scenario
        A validated scenario.
    overrides
        Items ``key.path=value``. The key path addresses any value of the scenario
        (``game.rounds``, ``beliefs.iran.catch``, ``events[0].round`` or
        ``events.0.round``); a missing mapping on the way is created. The value is read as
        YAML (so ``3``, ``0.1``, ``true``, ``2024-11-01``, ``null``, ``[png]``) under the same
        safety rules as a file.

    Returns
    -------
    Scenario
        A new scenario, validated exactly like a file; ``source`` is kept.

    Raises
    ------
    ScenarioError
        Naming the override, e.g. ``--set game.rounds=abc: expected an integer, got 'abc'``.
    """
    data = _plain(scenario.model_dump(mode="python"))
    targets: list[tuple[KeyParts, str]] = []
    for item in overrides:
        label = _label(item)
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(label, "expected key.path=value, e.g. game.rounds=12")
        try:
            parts = key_path(key).parts
        except KeyPathError as exc:
            raise ScenarioError(
                label, f"{exc}; expected key.path=value, e.g. game.rounds=12"
            ) from None
        if parts[0] == "extends":
            raise ScenarioError(
                label, "extends is resolved when the file is loaded; override values instead"
            )
        try:
            value = None if not text.strip() else parse_yaml(text, label)[0]
        except ScenarioError as exc:
            raise ScenarioError(label, exc.problem) from None
        if isinstance(value, dt.datetime):
            raise ScenarioError(label, "expected a date (YYYY-MM-DD) without a time")
        targets.append((_set_path(data, parts, value, label), label))
    try:
        result = Scenario.model_validate(data)
    except ValidationError as exc:
        loc, message = min(
            (describe(e) for e in exc.errors()), key=lambda lm: render_key_path(lm[0])
        )
        for target, label in reversed(targets):
            if loc[: len(target)] == target or target[: len(loc)] == loc:
                where = render_key_path(loc) if loc != target else None
                raise ScenarioError(label, message, None, where) from None
        label = _label(" ".join(item for item in overrides))
        raise ScenarioError(label, message, None, render_key_path(loc) or None) from None
    result._sources = scenario.sources
    return result
