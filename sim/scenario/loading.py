"""Strict, safe loading: YAML text -> plain data with a line for every key path -> Scenario.

Numbers follow the YAML 1.2 core schema (``docs/scenarios.md``, *Numbers*): ``010`` is ten,
``0x1f`` and ``0o17`` are hexadecimal and octal, ``2.5e3`` and ``1e3`` are floats, and
YAML 1.1's surprises are plain text (``1:30`` is not 90, ``yes`` is not true,
``1_000`` is not a thousand). Tags that build objects, anchors, aliases and merge keys
are refused; sizes are capped; text values may not hold control characters.

``extends`` resolves inside the folder of the scenario being loaded (and below it), or in
a search path: the folders in ``HEDGESIM_SCENARIO_PATH`` and the shipped ``scenarios/``
folder. No message quotes the contents of a file outside those.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.errors import ScenarioError
from sim.scenario.errors import NOT_INHERITED, KeyParts, Origins, one_line, show, validate
from sim.scenario.keys import render_key_path
from sim.scenario.schema import Scenario

#: Largest scenario file read, in bytes. Real scenarios are a few kilobytes; the cap keeps
#: the pure-Python YAML parser well under a second on any input.
MAX_FILE_BYTES = 256 * 1024
#: Deepest nesting of mappings and lists accepted (a scenario needs five levels).
MAX_DEPTH = 20
#: Most YAML nodes (keys, values, list items) one file may hold.
MAX_NODES = 10_000
#: Longest ``extends`` chain.
MAX_EXTENDS = 16
#: File name endings of scenario files (``extends`` names only such files).
SCENARIO_SUFFIXES = (".yaml", ".yml")
#: Environment variable: extra folders (``os.pathsep``-separated) ``extends`` may reach.
SEARCH_PATH_ENV = "HEDGESIM_SCENARIO_PATH"
#: The shipped scenarios, a search path of every ``extends``.
SHIPPED_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
#: Control characters refused in text values (tab and newline are text).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class _Refused(Exception):
    """Raised inside the YAML composer; turned into a ScenarioError with the file name."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class _SafeLoader(yaml.SafeLoader):
    """The YAML safe loader with the YAML 1.2 core schema's scalars, refusing anchors and
    aliases and capping depth and size.

    Aliases are refused outright rather than expanded under a cap: scenarios have no need
    for them (``extends`` reuses a scenario), and refusing them makes an alias bomb fail
    on its first anchor.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                line,
                f"YAML alias *{event.anchor} refused: scenarios allow no anchors or aliases "
                "(write the value out, or reuse a scenario with 'extends')",
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(
                line,
                f"YAML anchor &{anchor} refused: scenarios allow no anchors or aliases "
                "(write the value out, or reuse a scenario with 'extends')",
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(line, f"more than {MAX_NODES} values: this is not a scenario file")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(line, f"nested deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """YAML 1.2 core integers: decimal (leading zeros allowed), ``0o`` octal, ``0x`` hex."""
        text = str(self.construct_scalar(node))
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        return sign * int(digits, 10)


# The YAML 1.2 core schema's implicit scalars (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
# replace YAML 1.1's; dates (YYYY-MM-DD) stay, as scenarios date their events.
_SafeLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("merge", r"^(?:<<)$", ["<"]),  # not YAML 1.2, but recognised so it can be refused by name
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    _SafeLoader.add_implicit_resolver(_CORE + _tag, re.compile(_pattern), _first)
_TIMESTAMP = next(
    regexp
    for tag, regexp in yaml.SafeLoader.yaml_implicit_resolvers["2"]
    if tag == _CORE + "timestamp"
)
_SafeLoader.add_implicit_resolver(_CORE + "timestamp", _TIMESTAMP, list("0123456789"))
_SafeLoader.add_constructor(_CORE + "int", _SafeLoader.construct_yaml_int)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _read_text(path: Path, display: str) -> str:
    """The text of a scenario file, or a ScenarioError saying why it is not one."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ScenarioError(display, "no such file") from None
    except OSError as exc:
        raise ScenarioError(
            display, f"cannot read: {one_line(exc.strerror or str(exc))}"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(display, "is a directory; expected a scenario file (.yaml)")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(display, "not a regular file; expected a scenario file (.yaml)")
    if info.st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            display,
            f"file is {info.st_size} bytes; a scenario file may have at most {MAX_FILE_BYTES}",
        )
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(
            display, f"cannot read: {one_line(exc.strerror or str(exc))}"
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(display, f"file has more than {MAX_FILE_BYTES} bytes")
    nul = raw.find(b"\0")
    if nul >= 0:
        raise ScenarioError(
            display,
            "binary file (contains NUL bytes); expected a YAML text file",
            raw[:nul].count(b"\n") + 1,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            display,
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "expected a YAML text file",
            raw[: exc.start].count(b"\n") + 1,
        ) from None
    return text.removeprefix("\ufeff")


def _reader_problem(exc: yaml.reader.ReaderError) -> str:
    if isinstance(exc.character, int):
        return (
            f"invalid character #x{exc.character:04x} in YAML text (control characters are "
            "not allowed)"
        )
    return one_line(str(exc))


def _compose(text: str, display: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` (``None`` for an empty document)."""
    try:
        loader = _SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # the reader checks every character up front
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(display, _reader_problem(exc), line) from None
    try:
        root: yaml.Node | None = loader.get_single_node()
        return root
    except _Refused as exc:
        raise ScenarioError(display, exc.problem, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        at = mark.line + 1 if mark is not None else None
        raise ScenarioError(display, one_line(f"invalid YAML: {problem}{context}"), at) from None
    except yaml.reader.ReaderError as exc:
        at = text[: exc.position].count("\n") + 1
        raise ScenarioError(display, _reader_problem(exc), at) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every pyyaml error is one of the above
        raise ScenarioError(display, one_line(f"invalid YAML: {exc}")) from None
    finally:
        loader.dispose()


def _to_data(
    node: yaml.Node, path: KeyParts, display: str, origins: Origins, loader: _SafeLoader
) -> Any:
    """Plain data (dict, list, str, int, float, bool, None, date) from a node tree, recording
    the line of every key path in ``origins``. Refuses tags, duplicate and non-text keys,
    and non-finite numbers."""
    line = node.start_mark.line + 1
    where = render_key_path(path) or None
    if node.tag not in _ALLOWED_TAGS:
        tag = _short_tag(node.tag)
        if node.tag == _CORE + "merge":
            problem = "merge keys (<<) are not allowed in scenarios"
        else:
            problem = (
                f"the tag {tag} is not allowed: scenario files are plain data "
                "(no YAML tags that build objects)"
            )
        raise ScenarioError(display, problem, line, where)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _CORE + "str":
                if key_node.tag == _CORE + "merge":
                    problem = "merge keys (<<) are not allowed in scenarios"
                else:
                    shown = (
                        key_node.value if isinstance(key_node, yaml.ScalarNode) else "a collection"
                    )
                    problem = f"key {shown!s} is not text; keys must be plain words (quote it)"
                raise ScenarioError(display, problem, key_line, where)
            key = key_node.value
            if key in out:
                first = origins[(*path, key)][1]
                raise ScenarioError(
                    display,
                    f"duplicate key {key!r} (first given on line {first})",
                    key_line,
                    render_key_path((*path, key)),
                )
            origins[(*path, key)] = (display, key_line)
            out[key] = _to_data(value_node, (*path, key), display, origins, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            origins[(*path, i)] = (display, item.start_mark.line + 1)
            items.append(_to_data(item, (*path, i), display, origins, loader))
        return items
    try:
        value = loader.construct_object(node, deep=True)
    except Exception as exc:  # a scalar pyyaml cannot convert: a bad date, a 5000-digit int
        problem = str(exc).split(";")[0]
        if node.tag == _CORE + "int":
            problem = f"an integer of {len(node.value)} characters is too long to read"
        raise ScenarioError(
            display, one_line(f"cannot read the value {show(node.value)}: {problem}"), line, where
        ) from None
    if isinstance(value, dt.datetime):
        raise ScenarioError(
            display, f"expected a date (YYYY-MM-DD) without a time, got {node.value}", line, where
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(display, f"expected a finite number, got {show(value)}", line, where)
    if isinstance(value, str):
        bad = _CONTROL.search(value)
        if bad is not None:
            raise ScenarioError(
                display,
                f"control character #x{ord(bad.group()):04x} in a text value (write plain "
                "text: no terminal escapes, NUL or other control characters)",
                line,
                where,
            )
    return value


def parse_yaml(text: str, display: str) -> tuple[Any, Origins]:
    """Parse YAML text into plain data and its origins (key path -> file, line)."""
    node = _compose(text, display)
    if node is None:
        return None, {(): (display, 1)}
    origins: Origins = {(): (display, node.start_mark.line + 1)}
    loader = _SafeLoader("")
    try:
        data = _to_data(node, (), display, origins, loader)
    finally:
        loader.dispose()
    return data, origins


@dataclass
class _Document:
    """A scenario mapping before validation, with where each of its values came from."""

    data: dict[str, Any]
    origins: Origins
    files: tuple[str, ...]


def search_roots(path: Path) -> tuple[Path, ...]:
    """The folders ``extends`` may reach from the scenario at ``path``: its own folder (and
    below), the folders of :data:`SEARCH_PATH_ENV`, and the shipped ``scenarios/``."""
    extra = [Path(p) for p in os.environ.get(SEARCH_PATH_ENV, "").split(os.pathsep) if p]
    roots = []
    for folder in (path.parent, *extra, SHIPPED_SCENARIOS):
        try:
            roots.append(folder.resolve(strict=False))
        except (OSError, RuntimeError):
            continue
    return tuple(dict.fromkeys(roots))


def _real(path: Path) -> Path | None:
    """``path`` with every symbolic link resolved, or ``None`` for a link loop."""
    try:
        return path.resolve(strict=False)
    except RuntimeError:  # Python < 3.13 reports a symbolic link loop so
        return None
    except OSError:
        return None


def _find_parent(
    path: Path, display: str, extends: str, roots: tuple[Path, ...], line: int
) -> tuple[Path, str]:
    """The file ``extends`` names (relative to ``path``'s folder, else in the search
    path), confined to ``roots``; its path and how messages show it."""

    def refuse(problem: str) -> ScenarioError:
        return ScenarioError(display, f"cannot extend {extends}: {problem}", line, "extends")

    if Path(extends).suffix.lower() not in SCENARIO_SUFFIXES:
        raise refuse("expected a scenario file ending in .yaml or .yml")
    candidates = [path.parent / extends]
    if not Path(extends).is_absolute() and not os.path.exists(candidates[0]):
        candidates += [root / extends for root in roots[1:]]
    for candidate in candidates:
        if not os.path.lexists(candidate):
            continue
        real = _real(candidate)
        if real is None or (real.is_symlink() and not real.exists()):
            raise refuse("a symbolic link loop or a dangling link")
        if not any(real.is_relative_to(root) for root in roots):
            raise refuse(
                "it lies outside the scenario's folder and the search path "
                f"({SEARCH_PATH_ENV}, the shipped scenarios/); see docs/scenarios.md"
            )
        if real.is_dir():
            raise refuse("is a directory")
        if not real.exists():
            raise refuse("a dangling symbolic link")
        shown = os.path.normpath(os.path.join(os.path.dirname(display), extends))
        if candidate != candidates[0]:
            shown = os.fspath(candidate)
        return candidate, shown
    raise refuse("no such file")


def _read_document(
    path: Path, display: str, chain: tuple[Path, ...] = (), roots: tuple[Path, ...] = ()
) -> _Document:
    """Read a scenario file and resolve its ``extends`` chain into one mapping."""
    text = _read_text(path, display)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise ScenarioError(
            display, "file is empty; expected a scenario (name, description, question, ...)"
        )
    data, origins = parse_yaml(text, display)
    if data is None:
        raise ScenarioError(
            display, "file holds no value; expected a scenario (name, description, question, ...)"
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            display,
            f"expected a mapping of keys (name: ..., description: ...) at the top level, "
            f"got {show(data)}",
            origins[()][1],
        )
    doc = _Document(data, origins, (display,))
    if "extends" not in data or data["extends"] is None:
        return doc
    extends = data["extends"]
    line = origins[("extends",)][1]
    if not isinstance(extends, str) or not extends.strip():
        raise ScenarioError(
            display, f"expected a scenario file name, got {show(extends)}", line, "extends"
        )
    roots = roots or search_roots(path)
    chain = (*chain, _real(path) or path)
    parent_path, parent_display = _find_parent(path, display, extends, roots, line)
    if _real(parent_path) in chain:
        names = [p.name for p in chain] + [parent_path.name]
        raise ScenarioError(display, f"extends cycle: {' -> '.join(names)}", line, "extends")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(
            display, f"extends chain longer than {MAX_EXTENDS} files", line, "extends"
        )
    parent = _read_document(parent_path, parent_display, chain, roots)
    return _merge(parent, doc)


def _merge(parent: _Document, child: _Document) -> _Document:
    """``child`` deep-merged over ``parent``: mappings merge key by key; lists (timeline,
    sweeps, figures), scalars and a distribution under ``uncertainty.parameters`` replace
    as a whole; :data:`NOT_INHERITED` keys come from the child alone."""
    replaced: list[KeyParts] = [(k,) for k in NOT_INHERITED]

    def merge(p: dict[str, Any], c: dict[str, Any], at: KeyParts) -> dict[str, Any]:
        out = dict(p)
        for key, value in c.items():
            whole = at == ("uncertainty", "parameters")
            if isinstance(value, dict) and isinstance(p.get(key), dict) and not whole:
                out[key] = merge(p[key], value, (*at, key))
            else:
                out[key] = value
                replaced.append((*at, key))
        return out

    inherited = {k: v for k, v in parent.data.items() if k not in NOT_INHERITED}
    data = merge(inherited, child.data, ())
    origins = {
        path: origin
        for path, origin in parent.origins.items()
        if not any(path[: len(r)] == r for r in replaced)
    }
    origins.update(child.origins)
    return _Document(data, origins, child.files + parent.files)



# -- public API ---------------------------------------------------------------------
def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load, resolve (``extends``) and validate one scenario file.

    Parameters
    ----------
    path
        The scenario's YAML file. ``extends`` paths inside it are relative to it.

    Returns
    -------
    Scenario
        The validated scenario; :attr:`Scenario.source` is ``path``.

    Raises
    ------
    ScenarioError
        On anything wrong with the file or a file it extends, naming that file, the line,
        the key path and what was expected, in one line.
    """
    display = os.fspath(path)
    doc = _read_document(Path(display), display)
    scenario = validate(doc.data, doc.origins, display)
    scenario._sources = doc.files
    return scenario


def validate_files(paths: Iterable[str | os.PathLike[str]]) -> list[Scenario]:
    """Load every file in ``paths``; raise the :class:`ScenarioError` of the first bad one.

    Parameters
    ----------
    paths
        Scenario files, in the order to check them.

    Returns
    -------
    list of Scenario
        One per file, in order, when all are valid.
    """
    return [load_scenario(p) for p in paths]


def scenario_from_mapping(data: dict[str, Any], source: str = "<mapping>") -> Scenario:
    """Validate an already-parsed mapping (no file, no line numbers).

    Raises
    ------
    ScenarioError
        Naming ``source`` and the key path of the first problem.
    """
    if not isinstance(data, dict):
        raise ScenarioError(source, f"expected a mapping of keys, got {show(data)}")
    return validate(data, {}, source)


