"""Scenario files: the schema (this module's types) and strict, safe loading.

A scenario is a YAML file (documented key by key in ``docs/scenarios.md``).
:func:`load_scenario` turns it into an immutable, validated :class:`Scenario`;
every error names the file, the line, the key path and what was expected, on one
line (:class:`sim.errors.ScenarioError`).

Key paths: ``parameters.iran_aid``, ``tolerance.iran.decay``, ``repeated.rounds``
... address any value; timeline events, sweeps, uncertainty and ``--set`` use them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import math
import os
import re
import stat
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sim import model
from sim.errors import ScenarioError
from sim.labels import Labels

# Numbers are strict: a quoted "0.1" or a boolean is refused, not coerced.
Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False, strict=True)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False, strict=True)]
Finite = Annotated[float, Field(allow_inf_nan=False, strict=True)]

SELECTION_RULES = ("inertia", "syria-optimal", "welfare")
SOLVER_METHODS = ("auto", "pure", "support", "vertex", "lemke-howson", "gnm", "simpdiv", "logit")
#: Days in a round, by the name of the round's unit.
ROUND_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91}
#: A counterpart's tolerance settings, addressable as ``tolerance.<counterpart>.<setting>``.
TOLERANCE_SETTINGS = ("initial", "decay", "recovery", "visibility", "deniability")


# -- key paths that events, sweeps and uncertainty may address -----------------------
def _key_paths(with_level: bool, with_discount: bool) -> tuple[str, ...]:
    paths = [f"parameters.{name}" for name in model.PARAMETER_NAMES]
    settings = TOLERANCE_SETTINGS + (("level",) if with_level else ())
    paths += [f"tolerance.{cp}.{s}" for cp in model.COUNTERPARTS for s in settings]
    if with_discount:
        paths.append("repeated.discount")
    return tuple(paths)


#: Key paths a timeline event may set, add to or scale.
EVENT_KEYS: tuple[str, ...] = _key_paths(with_level=True, with_discount=False)
#: Key paths sweeps and uncertainty may vary.
VARIABLE_KEYS: tuple[str, ...] = _key_paths(with_level=False, with_discount=True)


@dataclass(frozen=True)
class KeyRange:
    """The admissible values of a key path: ``low <= x <= high`` (strict where open)."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def contains(self, x: float) -> bool:
        above = x > self.low if self.low_open else x >= self.low
        below = x < self.high if self.high_open else x <= self.high
        return above and below

    def __str__(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open or math.isinf(self.high) else "]"
        high = "inf" if math.isinf(self.high) else f"{self.high:g}"
        return f"{left}{self.low:g}, {high}{right}"


def key_range(path: str) -> KeyRange:
    """The range of values the key path ``path`` (one of :data:`EVENT_KEYS` or
    :data:`VARIABLE_KEYS`) admits.

    Parameters
    ----------
    path
        A key path such as ``parameters.iran_aid`` or ``tolerance.iran.decay``.

    Returns
    -------
    KeyRange
        Shares, tolerance levels and ``initial`` lie in [0, 1]; deniability in [0, 1);
        the discount factor in (0, 1); every other value in [0, inf).
    """
    parts = path.split(".")
    if parts[0] == "parameters" and model.is_share(parts[1]):
        return KeyRange(0.0, 1.0)
    if parts[0] == "tolerance" and parts[-1] in ("initial", "level"):
        return KeyRange(0.0, 1.0)
    if parts[0] == "tolerance" and parts[-1] == "deniability":
        return KeyRange(0.0, 1.0, high_open=True)
    if path == "repeated.discount":
        return KeyRange(0.0, 1.0, low_open=True, high_open=True)
    return KeyRange(0.0, math.inf)


class _Located(ValueError):
    """A validation problem at ``loc`` below the validated value (joined by the loader)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def _suggest(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_key(key: str, allowed: Sequence[str], what: str) -> None:
    if key not in allowed and key.endswith(".level") and f"{key[:-6]}.initial" in allowed:
        raise _Located(
            (key,),
            f"{key} is the tolerance a run reaches, not a setting; vary {key[:-6]}.initial instead",
        )
    if key not in allowed:
        hint = _suggest(key, allowed) or (
            "; expected parameters.<name>, tolerance.<counterpart>.<setting>"
            + (" or repeated.discount" if "repeated.discount" in allowed else "")
        )
        raise _Located((key,), f"unknown {what} {key!r}{hint}")


# -- the schema -------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Tolerance(_Strict):
    """How one counterpart's tolerance of a hedging Syria starts and moves.

    Per round in which Syria hedges (with probability ``p``), the tolerance falls by
    ``p * decay * visibility * (1 - deniability)``; per round in which Syria does what
    the counterpart wishes (probability ``q``), it rises by ``q * recovery``; it is
    clipped to [0, 1].
    """

    initial: Probability = 1.0
    decay: NonNegative = 0.05
    recovery: NonNegative = 0.05
    visibility: NonNegative = 1.0
    deniability: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False, strict=True)] = 0.0


class Repeated(_Strict):
    """Settings of the repeated game."""

    rounds: Annotated[int, Field(ge=1, le=10_000, strict=True)] = 24
    round_unit: Literal["day", "week", "fortnight", "month", "quarter"] = "month"
    start_date: dt.date | None = None
    discount: Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False, strict=True)] = 0.95
    selection: Literal["inertia", "syria-optimal", "welfare"] = "inertia"
    fallback: Literal["syria-optimal", "welfare"] = "syria-optimal"
    solver: Literal[
        "auto", "pure", "small-support", "support", "vertex", "lemke-howson", "gnm", "simpdiv",
        "logit",
    ] = "auto"


class Event(_Strict):
    """A dated change: from its round on, ``set`` values replace, ``add`` values add to,
    ``scale`` values multiply the addressed keys. Keys are key paths: a parameter
    (``parameters.iran_aid``), a tolerance setting (``tolerance.israel.visibility``), or
    a counterpart's current tolerance level (``tolerance.iran.level``, clipped to [0, 1])."""

    name: Annotated[str, Field(min_length=1)]
    round: Annotated[int, Field(ge=0, strict=True)] | None = None
    date: dt.date | None = None
    description: str = ""
    claims: tuple[Annotated[str, Field(pattern=r"^C[0-9]{2,}$")], ...] = ()
    set: dict[str, Finite] = Field(default_factory=dict)
    add: dict[str, Finite] = Field(default_factory=dict)
    scale: dict[str, NonNegative] = Field(default_factory=dict)

    @field_validator("set")
    @classmethod
    def _set_keys(cls, v: dict[str, float]) -> dict[str, float]:
        for key, value in v.items():
            _check_key(key, EVENT_KEYS, "key path")
            allowed = key_range(key)
            if not allowed.contains(value):
                raise _Located((key,), f"expected a value in {allowed}, got {value:g}")
        return v

    @field_validator("add", "scale")
    @classmethod
    def _change_keys(cls, v: dict[str, float]) -> dict[str, float]:
        for key in v:
            _check_key(key, EVENT_KEYS, "key path")
        return v

    @model_validator(mode="after")
    def _when(self) -> Event:
        if (self.round is None) == (self.date is None):
            raise ValueError("an event needs exactly one of 'round' or 'date'")
        if not (self.set or self.add or self.scale):
            raise ValueError("an event needs at least one of 'set', 'add' or 'scale'")
        return self


class Distribution(_Strict):
    """An uncertain value for Monte Carlo: uniform(low, high), normal(mean, sd) clipped to
    [low, high] when given, triangular(low, mode, high), or lognormal(mean, sd) of the log."""

    dist: Literal["uniform", "normal", "triangular", "lognormal"]
    low: Finite | None = None
    high: Finite | None = None
    mean: Finite | None = None
    sd: NonNegative | None = None
    mode: Finite | None = None

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        needs = {
            "uniform": ("low", "high"),
            "normal": ("mean", "sd"),
            "triangular": ("low", "mode", "high"),
            "lognormal": ("mean", "sd"),
        }[self.dist]
        missing = [k for k in needs if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.dist} distribution needs {', '.join(missing)}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise _Located(("low",), "low must not exceed high")
        if self.mode is not None and not (
            (self.low is None or self.low <= self.mode)
            and (self.high is None or self.mode <= self.high)
        ):
            raise _Located(("mode",), "mode must lie between low and high")
        return self


class Uncertainty(_Strict):
    """Distributions of uncertain values, keyed by key path, for Monte Carlo."""

    draws: Annotated[int, Field(ge=1, le=10_000_000, strict=True)] = 1000
    parameters: dict[str, Distribution] = Field(default_factory=dict)

    @field_validator("parameters")
    @classmethod
    def _known_keys(cls, v: dict[str, Distribution]) -> dict[str, Distribution]:
        for key, d in v.items():
            _check_key(key, VARIABLE_KEYS, "key path")
            allowed = key_range(key)
            for bound in ("low", "high"):
                value = getattr(d, bound)
                if value is not None and not allowed.contains(value):
                    raise _Located(
                        (key, bound), f"{key} lies in {allowed}, so {bound} {value:g} is outside it"
                    )
        return v


class Axis(_Strict):
    """One swept key: ``num`` evenly spaced values from ``start`` to ``stop``."""

    start: Finite
    stop: Finite
    num: Annotated[int, Field(ge=2, le=10_000, strict=True)] = 20

    @model_validator(mode="after")
    def _distinct(self) -> Axis:
        if self.start == self.stop:
            raise _Located(("stop",), "start and stop must differ")
        return self


class Sweep(_Strict):
    """A grid over one or two key paths."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    params: dict[str, Axis]

    @field_validator("params")
    @classmethod
    def _one_or_two(cls, v: dict[str, Axis]) -> dict[str, Axis]:
        if not 1 <= len(v) <= 2:
            raise ValueError("a sweep varies one or two key paths")
        for key, axis in v.items():
            _check_key(key, VARIABLE_KEYS, "key path")
            allowed = key_range(key)
            for end in ("start", "stop"):
                value = getattr(axis, end)
                if not allowed.contains(value):
                    raise _Located(
                        (key, end), f"{key} lies in {allowed}, so {end} {value:g} is outside it"
                    )
        return v


class Outputs(_Strict):
    """What a run writes."""

    dir: str | None = None
    figures: tuple[Literal["png", "svg"], ...] = ("png", "svg")
    report: Annotated[bool, Field(strict=True)] = True


Label = Annotated[str, Field(min_length=1, strict=True)]


class PlayerLabels(_Strict):
    """How a scenario names one of the model's players and its actions, for display only
    (figures, reports, ``explain``); data keeps the model's names."""

    label: Label | None = None
    actions: dict[str, Label] = Field(default_factory=dict)


class Scenario(_Strict):
    """A validated scenario. Immutable; :attr:`source` (the file it was loaded from) is
    filled by the loader, :attr:`hash` is computed from the resolved content."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    description: Annotated[str, Field(min_length=1)]
    question: Annotated[str, Field(min_length=1)]
    extends: str | None = None
    players: dict[str, PlayerLabels] = Field(default_factory=dict)
    parameters: dict[str, NonNegative] = Field(default_factory=dict)
    tolerance: dict[str, Tolerance] = Field(default_factory=dict)
    repeated: Repeated = Field(default_factory=Repeated)
    timeline: tuple[Event, ...] = ()
    uncertainty: Uncertainty | None = None
    sweeps: tuple[Sweep, ...] = ()
    outputs: Outputs = Field(default_factory=Outputs)
    seed: Annotated[int, Field(ge=0, lt=2**63, strict=True)] = 0

    _sources: tuple[str, ...] = PrivateAttr(default=())

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, v: dict[str, float]) -> dict[str, float]:
        for key, value in v.items():
            if key not in model.PARAMETER_NAMES:
                raise _Located(
                    (key,), f"unknown parameter {key!r}{_suggest(key, model.PARAMETER_NAMES)}"
                )
            if model.is_share(key) and value > 1.0:
                raise _Located((key,), f"{key} is a share and must lie in [0, 1], got {value:g}")
        return v

    @field_validator("tolerance")
    @classmethod
    def _known_counterparts(cls, v: dict[str, Tolerance]) -> dict[str, Tolerance]:
        for key in v:
            if key not in model.COUNTERPARTS:
                hint = (
                    _suggest(key, model.COUNTERPARTS)
                    or f"; expected one of {', '.join(model.COUNTERPARTS)}"
                )
                raise _Located((key,), f"unknown counterpart {key!r}{hint}")
        return v

    @field_validator("players")
    @classmethod
    def _known_players(cls, v: dict[str, PlayerLabels]) -> dict[str, PlayerLabels]:
        for role, spec in v.items():
            if role not in model.PLAYERS:
                hint = _suggest(role, model.PLAYERS) or (
                    f"; expected one of {', '.join(model.PLAYERS)}"
                )
                raise _Located((role,), f"unknown player {role!r}{hint}")
            if spec.label is not None and not spec.label.strip():
                raise _Located((role, "label"), "expected a non-empty text")
            actions = model.ACTIONS[role]
            for action, label in spec.actions.items():
                if action not in actions:
                    hint = _suggest(action, actions) or f"; expected one of {', '.join(actions)}"
                    raise _Located(
                        (role, "actions", action), f"unknown action {action!r} of {role}{hint}"
                    )
                if not label.strip():
                    raise _Located((role, "actions", action), "expected a non-empty text")
            shown = {a: spec.actions.get(a, a) for a in actions}
            for action, label in spec.actions.items():
                clash = next((b for b in actions if b != action and shown[b] == label), None)
                if clash is not None:
                    raise _Located(
                        (role, "actions", action),
                        f"label {label!r} is already {role}'s name for {clash!r}; "
                        "a player's actions need distinct labels",
                    )
        names = {
            r: v[r].label if r in v and v[r].label is not None else model.PLAYER_LABELS[r]
            for r in model.PLAYERS
        }
        for role, spec in v.items():
            other = next(
                (r for r in model.PLAYERS if r != role and names[r] == spec.label), None
            )
            if other is not None:
                raise _Located(
                    (role, "label"),
                    f"label {spec.label!r} is already the name of {other}; "
                    "players need distinct labels",
                )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        start = self.repeated.start_date
        for i, event in enumerate(self.timeline):
            if event.date is None:
                continue
            if start is None:
                raise _Located(("timeline", i, "date"), "a dated event needs repeated.start_date")
            if event.date < start:
                raise _Located(
                    ("timeline", i, "date"),
                    f"{event.date} is before repeated.start_date {start}",
                )
        seen: set[str] = set()
        for i, sweep in enumerate(self.sweeps):
            if sweep.name in seen:
                raise _Located(
                    ("sweeps", i, "name"), f"another sweep is already named {sweep.name!r}"
                )
            seen.add(sweep.name)
        return self

    # -- provenance -------------------------------------------------------------
    @property
    def source(self) -> str | None:
        """The file this scenario was loaded from (``None`` if built from a mapping)."""
        return self._sources[0] if self._sources else None

    @property
    def sources(self) -> tuple[str, ...]:
        """Every file read to build it: the file itself, then its ``extends`` chain."""
        return self._sources

    @property
    def hash(self) -> str:
        """:func:`scenario_hash` of this scenario."""
        return scenario_hash(self)

    # -- derived views, used by the simulator ----------------------------------
    def model_parameters(self) -> model.Parameters:
        """The stage model's parameters: the model's defaults, overridden by the file."""
        return model.Parameters(**self.parameters)

    def labels(self) -> Labels:
        """The display names of players and actions: the file's ``players`` over the
        model's defaults."""
        return Labels.of(
            {p: s.label for p, s in self.players.items() if s.label is not None},
            {p: dict(s.actions) for p, s in self.players.items()},
        )

    def tolerance_of(self, counterpart: str) -> Tolerance:
        return self.tolerance.get(counterpart, Tolerance())

    def event_round(self, event: Event) -> int:
        """The round in which ``event`` takes effect (its date mapped through
        ``repeated.start_date`` and ``repeated.round_unit``)."""
        if event.round is not None:
            return event.round
        assert event.date is not None
        if self.repeated.start_date is None:
            raise ValueError("a dated event needs repeated.start_date")
        days = (event.date - self.repeated.start_date).days
        return max(0, math.floor(days / ROUND_DAYS[self.repeated.round_unit]))

    def events_by_round(self) -> dict[int, tuple[Event, ...]]:
        out: dict[int, list[Event]] = {}
        for event in self.timeline:
            out.setdefault(self.event_round(event), []).append(event)
        return {k: tuple(v) for k, v in sorted(out.items())}


# =====================================================================================
# Loading: safe YAML -> plain data with a line for every key path -> Scenario
# =====================================================================================

#: Largest scenario file read, in bytes. Real scenarios are a few kilobytes; the cap keeps
#: the pure-Python YAML parser well under a second on any input.
MAX_FILE_BYTES = 256 * 1024
#: Deepest nesting of mappings and lists accepted (a scenario needs five levels).
MAX_DEPTH = 20
#: Most YAML nodes (keys, values, list items) one file may hold.
MAX_NODES = 10_000
#: Longest ``extends`` chain.
MAX_EXTENDS = 16

#: Keys a scenario states for itself and never inherits through ``extends``.
NOT_INHERITED = ("name", "description", "question", "extends")

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)

KeyPath = tuple[str | int, ...]
#: Where each key path of a document came from: (file, 1-based line).
Origins = dict[KeyPath, tuple[str, int]]


class _Refused(Exception):
    """Raised inside the YAML composer; turned into a ScenarioError with the file name."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class _SafeLoader(yaml.SafeLoader):
    """The YAML safe loader, refusing anchors and aliases and capping depth and size.

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


# YAML 1.1 reads 1e3 as a string; read it as the number a user means.
_SafeLoader.add_implicit_resolver(
    _CORE + "float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"), list("-+0123456789")
)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _show(value: Any) -> str:
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


def render_key_path(loc: Sequence[str | int]) -> str:
    """A key path as messages show it: ``timeline[0].set.parameters.iran_aid``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _read_text(path: Path, display: str) -> str:
    """The text of a scenario file, or a ScenarioError saying why it is not one."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ScenarioError(display, "no such file") from None
    except OSError as exc:
        raise ScenarioError(
            display, f"cannot read: {_one_line(exc.strerror or str(exc))}"
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
            display, f"cannot read: {_one_line(exc.strerror or str(exc))}"
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


def _compose(text: str, display: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` (``None`` for an empty document)."""
    loader = _SafeLoader(text)
    try:
        root: yaml.Node | None = loader.get_single_node()
        return root
    except _Refused as exc:
        raise ScenarioError(display, exc.problem, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(display, _one_line(f"invalid YAML: {problem}{context}"), line) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(
            display,
            f"invalid character #x{exc.character:04x} in YAML text (control characters are not "
            "allowed)"
            if isinstance(exc.character, int)
            else _one_line(str(exc)),
            line,
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every pyyaml error is one of the above
        raise ScenarioError(display, _one_line(f"invalid YAML: {exc}")) from None
    finally:
        loader.dispose()


def _to_data(
    node: yaml.Node, path: KeyPath, display: str, origins: Origins, loader: _SafeLoader
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
            display, _one_line(f"cannot read the value {_show(node.value)}: {problem}"), line, where
        ) from None
    if isinstance(value, dt.datetime):
        raise ScenarioError(
            display, f"expected a date (YYYY-MM-DD) without a time, got {node.value}", line, where
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(display, f"expected a finite number, got {_show(value)}", line, where)
    return value


def _parse(text: str, display: str) -> tuple[Any, Origins]:
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


def _read_document(path: Path, display: str, chain: tuple[Path, ...] = ()) -> _Document:
    """Read a scenario file and resolve its ``extends`` chain into one mapping."""
    text = _read_text(path, display)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise ScenarioError(
            display, "file is empty; expected a scenario (name, description, question, ...)"
        )
    data, origins = _parse(text, display)
    if data is None:
        raise ScenarioError(
            display, "file holds no value; expected a scenario (name, description, question, ...)"
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            display,
            f"expected a mapping of keys (name: ..., description: ...) at the top level, "
            f"got {_show(data)}",
            origins[()][1],
        )
    doc = _Document(data, origins, (display,))
    if "extends" not in data or data["extends"] is None:
        return doc
    extends = data["extends"]
    line = origins[("extends",)][1]
    if not isinstance(extends, str) or not extends.strip():
        raise ScenarioError(
            display, f"expected a scenario file name, got {_show(extends)}", line, "extends"
        )
    real = path.resolve()
    chain = (*chain, real)
    parent_path = path.parent / extends
    parent_display = os.path.normpath(os.path.join(os.path.dirname(display), extends))
    if parent_path.resolve() in chain:
        names = [p.name for p in chain] + [parent_path.name]
        raise ScenarioError(display, f"extends cycle: {' -> '.join(names)}", line, "extends")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(
            display, f"extends chain longer than {MAX_EXTENDS} files", line, "extends"
        )
    if not parent_path.is_file():
        what = "is a directory" if parent_path.is_dir() else "no such file"
        raise ScenarioError(display, f"cannot extend {parent_display}: {what}", line, "extends")
    parent = _read_document(parent_path, parent_display, chain)
    return _merge(parent, doc)


def _merge(parent: _Document, child: _Document) -> _Document:
    """``child`` deep-merged over ``parent``: mappings merge key by key; lists (timeline,
    sweeps, figures), scalars and a distribution under ``uncertainty.parameters`` replace
    as a whole; :data:`NOT_INHERITED` keys come from the child alone."""
    replaced: list[KeyPath] = [(k,) for k in NOT_INHERITED]

    def merge(p: dict[str, Any], c: dict[str, Any], at: KeyPath) -> dict[str, Any]:
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


# -- pydantic errors -> one line each -------------------------------------------------
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
        tp = _unwrap(tp)
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
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _unwrap(tp: Any) -> Any:
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


def _describe(err: Any) -> tuple[KeyPath, str]:
    """The key path and one-line message of one pydantic error."""
    loc: KeyPath = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, _Located):
        return loc + error.loc, _one_line(str(error))
    if kind in ("value_error", "assertion_error") and error is not None:
        return loc, _one_line(str(error))
    if kind == "missing":
        return loc, "required key missing"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        cls = _model_at(loc[:-1])
        known = list(cls.model_fields) if cls is not None else []
        hint = _suggest(key, known) or (f"; expected one of: {', '.join(known)}" if known else "")
        return loc, f"unknown key {key!r}{hint}"
    if isinstance(value, float) and not math.isfinite(value):
        return loc, f"expected a finite number, got {_show(value)}"
    if kind == "finite_number":
        return loc, f"expected a finite number, got {_show(value)}"
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()))
        return loc, f"expected a number {_BOUNDS[kind]} {bound:g}, got {_show(value)}"
    if kind == "literal_error":
        return loc, f"expected one of {ctx.get('expected')}, got {_show(value)}"
    if kind == "string_too_short":
        return loc, "expected a non-empty text"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern", "").startswith("^C"):
            return loc, f"expected a claim id like C07, got {_show(value)}"
        return loc, f"expected letters, digits, '_', '.' or '-' only, got {_show(value)}"
    if kind in _EXPECTED:
        hint = " (put it in quotes)" if kind == "string_type" and value is not None else ""
        return loc, f"expected {_EXPECTED[kind]}, got {_show(value)}{hint}"
    msg = str(err.get("msg", kind))
    return loc, _one_line(msg[:1].lower() + msg[1:])


def _origin(
    loc: KeyPath, origins: Origins, default: tuple[str, int | None]
) -> tuple[str, int | None]:
    """File and line of the longest prefix of ``loc`` that the document mentions."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in origins:
            return origins[loc[:n]]
    return default


def _validate(data: dict[str, Any], origins: Origins, display: str) -> Scenario:
    """Validate a mapping; on failure raise the ScenarioError of the earliest problem."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for i, err in enumerate(exc.errors()):
            loc, message = _describe(err)
            if err["type"] == "missing" and loc[0] in NOT_INHERITED and data.get("extends"):
                message += " (name, description and question are not inherited through extends)"
            file, line = _origin(loc, origins, (display, None))
            problems.append((file != display, line or 0, i, file, line, loc, message))
        _, _, _, file, line, loc, message = min(problems)
        raise ScenarioError(file, message, line, render_key_path(loc) or None) from None


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
    scenario = _validate(doc.data, doc.origins, display)
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
        raise ScenarioError(source, f"expected a mapping of keys, got {_show(data)}")
    return _validate(data, {}, source)


def resolved_dict(scenario: Scenario) -> dict[str, Any]:
    """The fully resolved scenario as plain JSON-able data.

    Every stage-model parameter (the model's default where the scenario gives none) and
    every counterpart's tolerance settings are spelled out, so the result says exactly
    what a run used; ``players`` keeps only names that differ from the model's (and is
    left out when none do). ``Scenario.model_validate(resolved_dict(s))`` gives back a scenario
    with the same :func:`scenario_hash`.
    """
    data: dict[str, Any] = scenario.model_dump(mode="json")
    # Display names: only those differing from the model's, and the key only when some
    # do, so stating a default name (or none at all) leaves the hash as it was.
    labels = scenario.labels()
    players = {}
    for role, spec in scenario.players.items():
        label = labels.player(role)
        actions = {a: n for a, n in spec.actions.items() if n != a}
        if label != model.PLAYER_LABELS[role] or actions:
            players[role] = {
                "label": label if label != model.PLAYER_LABELS[role] else None,
                "actions": actions,
            }
    data.pop("players", None)
    if players:
        data["players"] = players
    defaults = model.Parameters().as_dict()
    data["parameters"] = {
        name: float(scenario.parameters.get(name, defaults[name])) for name in model.PARAMETER_NAMES
    }
    data["tolerance"] = {
        cp: scenario.tolerance_of(cp).model_dump(mode="json") for cp in model.COUNTERPARTS
    }
    return data


def scenario_hash(scenario: Scenario) -> str:
    """A sha256 hex digest of the resolved scenario, stable across runs and machines.

    It covers :func:`resolved_dict` (prose included) except ``extends``: a variant and its
    flattened copy hash alike, and stating a default explicitly does not change the hash.
    The canonical form is JSON with sorted keys, no whitespace, ASCII only; floats are
    written by Python's shortest round-trip ``repr``.
    """
    data = resolved_dict(scenario)
    data.pop("extends", None)
    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()


_OVERRIDE_PART = re.compile(r"\[(\d+)\]")


def _override_path(key: str) -> list[str]:
    return [p for p in _OVERRIDE_PART.sub(r".\1", key.strip()).split(".")]


def _plain(value: Any) -> Any:
    """Tuples to lists and models' dumps to dicts, recursively (mutable copies)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _set_path(data: dict[str, Any], parts: list[str], value: Any, label: str) -> KeyPath:
    """Set ``value`` at the key path ``parts`` in ``data``; return the path as a key path.

    A mapping's key may itself contain dots (``timeline.0.set.parameters.iran_aid``): the
    longest run of parts naming an existing key wins.
    """
    node: Any = data
    at: list[str | int] = []
    i = 0
    while True:
        rest = parts[i:]
        if isinstance(node, list):
            if not rest[0].isdigit() or int(rest[0]) >= len(node):
                raise ScenarioError(
                    label,
                    f"{render_key_path(at)} has {len(node)} entries; no entry {rest[0]!r}",
                )
            key: str | int = int(rest[0])
            step = 1
        elif isinstance(node, dict):
            step = next((j for j in range(len(rest), 1, -1) if ".".join(rest[:j]) in node), 1)
            key = ".".join(rest[:step])
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
        (``repeated.rounds``, ``tolerance.iran.decay``, ``timeline[0].round`` or
        ``timeline.0.round``); a missing mapping on the way is created. The value is read as
        YAML (so ``3``, ``0.1``, ``true``, ``2024-11-01``, ``null``, ``[png]``) under the same
        safety rules as a file.

    Returns
    -------
    Scenario
        A new scenario, validated exactly like a file; ``source`` is kept.

    Raises
    ------
    ScenarioError
        Naming the override, e.g. ``--set repeated.rounds=abc: expected an integer, got 'abc'``.
    """
    data = _plain(scenario.model_dump(mode="python"))
    targets: list[tuple[KeyPath, str]] = []
    for item in overrides:
        label = f"--set {item}"
        key, sep, text = item.partition("=")
        parts = _override_path(key)
        if not sep or not key.strip() or any(not p for p in parts):
            raise ScenarioError(label, "expected key.path=value, e.g. repeated.rounds=12")
        if parts[0] == "extends":
            raise ScenarioError(
                label, "extends is resolved when the file is loaded; override values instead"
            )
        try:
            value = None if not text.strip() else _parse(text, label)[0]
        except ScenarioError as exc:
            raise ScenarioError(label, exc.problem) from None
        if isinstance(value, dt.datetime):
            raise ScenarioError(label, "expected a date (YYYY-MM-DD) without a time")
        targets.append((_set_path(data, parts, value, label), label))
    try:
        result = Scenario.model_validate(data)
    except ValidationError as exc:
        loc, message = min(
            (_describe(e) for e in exc.errors()), key=lambda lm: render_key_path(lm[0])
        )
        for target, label in reversed(targets):
            if loc[: len(target)] == target or target[: len(loc)] == loc:
                where = render_key_path(loc) if loc != target else None
                raise ScenarioError(label, message, None, where) from None
        label = "--set " + " ".join(item for item in overrides)
        raise ScenarioError(label, message, None, render_key_path(loc) or None) from None
    result._sources = scenario.sources
    return result
