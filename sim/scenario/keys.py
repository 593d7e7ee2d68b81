"""Key paths: the address of one value in a scenario, parsed once into one type.

A key path is written ``repeated.rounds``, ``tolerance.iran.decay`` or
``timeline[0].set`` (``timeline.0.set`` is the same path). :class:`KeyPath` holds its parts
(text keys and integer list indices); :func:`key_path` parses text into it, once per
distinct text (cached), and every module that reads a key path goes through it.

Two sets of key paths are special: those a timeline event may change
(:data:`EVENT_KEYS`) and those sweeps and uncertainty may vary (:data:`VARIABLE_KEYS`);
:func:`key_range` gives the values each admits.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sim import model
from sim.scenario.article_keys import PARAMETER_KEYS as ARTICLE_KEYS
from sim.scenario.article_keys import value_range

#: Largest magnitude of any number in a scenario. Payoffs are a few units a round; a value
#: beyond a billion is a typo, and sums and products of such values stay far from float
#: overflow in every later step (``gulf_incentive: 1e308`` validated, then broke a figure).
MAX_MAGNITUDE = 1e9
#: A counterpart's tolerance settings, addressable as ``tolerance.<counterpart>.<setting>``.
TOLERANCE_SETTINGS = ("initial", "decay", "recovery", "visibility", "deniability")
#: Most parts a key path may have (the deepest value of a scenario is six levels down).
MAX_KEY_PARTS = 32
#: Longest key path text accepted.
MAX_KEY_CHARS = 1000

_PART = re.compile(r"([^.\[\]]*)((?:\[\d+\])*)")


@dataclass(frozen=True)
class KeyPath:
    """The address of one value: text keys and integer list indices, in order.

    ``str(KeyPath(("timeline", 0, "set")))`` is ``timeline[0].set``, the form messages
    show; :func:`key_path` parses that form and the dotted one (``timeline.0.set``).
    """

    parts: tuple[str | int, ...]

    def __str__(self) -> str:
        return render_key_path(self.parts)

    def __len__(self) -> int:
        return len(self.parts)

    @property
    def names(self) -> tuple[str, ...]:
        """The parts as text (the form of the key paths events, sweeps and uncertainty
        address, which have no list index): ``("tolerance", "iran", "decay")``."""
        return tuple(str(p) for p in self.parts)

    @property
    def head(self) -> str | int:
        """The first part: the section (``parameters``, ``tolerance``, ``repeated``, ...)."""
        return self.parts[0]

    def startswith(self, other: KeyPath | Sequence[str | int]) -> bool:
        """Whether ``other``'s parts begin this path."""
        prefix = other.parts if isinstance(other, KeyPath) else tuple(other)
        return self.parts[: len(prefix)] == prefix


class KeyPathError(ValueError):
    """Text that is not a key path (the message says why)."""


@functools.lru_cache(maxsize=4096)
def key_path(text: str) -> KeyPath:
    """Parse ``text`` into a :class:`KeyPath` (cached: each distinct text is parsed once).

    Dots separate keys; ``[n]`` or an all-digit part is a list index.

    Raises
    ------
    KeyPathError
        On an empty part, a malformed index, or a path longer than :data:`MAX_KEY_PARTS`
        parts or :data:`MAX_KEY_CHARS` characters.
    """
    text = text.strip()
    if not text:
        raise KeyPathError("empty key path")
    if len(text) > MAX_KEY_CHARS:
        raise KeyPathError(
            f"key path of {len(text)} characters; a scenario's have at most {MAX_KEY_CHARS}"
        )
    segments = text.split(".")
    if len(segments) > MAX_KEY_PARTS:
        raise KeyPathError(
            f"key path of {len(segments)} parts; a scenario's have at most {MAX_KEY_PARTS}"
        )
    parts: list[str | int] = []
    for segment in segments:
        match = _PART.fullmatch(segment)
        if match is None or not (match.group(1) or match.group(2)):
            raise KeyPathError(f"malformed key path {text!r} (an empty part or a stray bracket)")
        name, indices = match.groups()
        if name:
            parts.append(int(name) if name.isdigit() else name)
        parts += [int(i) for i in re.findall(r"\[(\d+)\]", indices)]
    if len(parts) > MAX_KEY_PARTS:
        raise KeyPathError(
            f"key path of {len(parts)} parts; a scenario's have at most {MAX_KEY_PARTS}"
        )
    return KeyPath(tuple(parts))


def render_key_path(loc: Sequence[str | int]) -> str:
    """A key path as messages show it: ``timeline[0].set.parameters.iran_aid``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


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
#: Key paths sweeps and uncertainty may vary in the first model.
VARIABLE_KEYS: tuple[str, ...] = _key_paths(with_level=False, with_discount=True)
#: Key paths sweeps and uncertainty may vary in the article's game (Model 2): every
#: parameter's (:data:`sim.scenario.article_keys.PARAMETER_KEYS`).
ARTICLE_VARIABLE_KEYS: tuple[str, ...] = tuple(ARTICLE_KEYS)
#: Every key path a sweep or uncertainty may name.
ALL_VARIABLE_KEYS: tuple[str, ...] = VARIABLE_KEYS + ARTICLE_VARIABLE_KEYS


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
        A parameter of the article's game lies in its documented bounds
        (:data:`sim.article.parameters.SPECS`); shares, tolerance levels and ``initial``
        lie in [0, 1]; deniability in [0, 1);
        the discount factor in (0, 1); every other value in [0, :data:`MAX_MAGNITUDE`].
    """
    if path in ARTICLE_KEYS:
        lo, hi = value_range(path)
        return KeyRange(lo, hi)
    parts = key_path(path).names
    if parts[0] == "parameters" and model.is_share(parts[1]):
        return KeyRange(0.0, 1.0)
    if parts[0] == "tolerance" and parts[-1] in ("initial", "level"):
        return KeyRange(0.0, 1.0)
    if parts[0] == "tolerance" and parts[-1] == "deniability":
        return KeyRange(0.0, 1.0, high_open=True)
    if path == "repeated.discount":
        return KeyRange(0.0, 1.0, low_open=True, high_open=True)
    return KeyRange(0.0, MAX_MAGNITUDE)


class Located(ValueError):
    """A validation problem at ``loc`` below the validated value (joined by the loader)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def suggest(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_key(key: str, allowed: Sequence[str], what: str) -> None:
    """Raise :class:`Located` at ``key`` unless it is one of ``allowed``."""
    if key not in allowed and key.endswith(".level") and f"{key[:-6]}.initial" in allowed:
        raise Located(
            (key,),
            f"{key} is the tolerance a run reaches, not a setting; vary {key[:-6]}.initial instead",
        )
    if key not in allowed:
        hint = suggest(key, allowed) or (
            "; expected parameters.<name>, tolerance.<counterpart>.<setting>"
            + (" or repeated.discount" if "repeated.discount" in allowed else "")
            + (", or a key path of the article's game (payoffs.<name>, "
               "beliefs.<counterpart>.<setting>, capacity.<setting>, ...)"
               if ARTICLE_VARIABLE_KEYS[0] in allowed else "")
        )
        raise Located((key,), f"unknown {what} {key!r}{hint}")
