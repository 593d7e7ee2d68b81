"""Key paths: the address of one value in a scenario, parsed once into one type.

A key path is written ``game.rounds``, ``beliefs.iran.catch`` or ``events[0].set``
(``events.0.set`` is the same path). :class:`KeyPath` holds its parts (text keys and
integer list indices); :func:`key_path` parses text into it, once per distinct text
(cached), and every module that reads a key path goes through it.

Sweeps and uncertainty vary the article game's parameters, by the key paths of
:data:`sim.scenario.article_keys.PARAMETER_KEYS`; :func:`key_range` gives the values each
admits.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sim.scenario.article_keys import value_range

#: Largest magnitude of any number in a scenario. Payoffs are a few units a round; a value
#: beyond a billion is a typo, and sums and products of such values stay far from float
#: overflow in every later step (``gulf_incentive: 1e308`` validated, then broke a figure).
MAX_MAGNITUDE = 1e9
#: Most parts a key path may have (the deepest value of a scenario is six levels down).
MAX_KEY_PARTS = 32
#: Longest key path text accepted.
MAX_KEY_CHARS = 1000

_PART = re.compile(r"([^.\[\]]*)((?:\[\d+\])*)")


@dataclass(frozen=True)
class KeyPath:
    """The address of one value: text keys and integer list indices, in order.

    ``str(KeyPath(("events", 0, "set")))`` is ``events[0].set``, the form messages
    show; :func:`key_path` parses that form and the dotted one (``events.0.set``).
    """

    parts: tuple[str | int, ...]

    def __str__(self) -> str:
        return render_key_path(self.parts)

    def __len__(self) -> int:
        return len(self.parts)

    @property
    def names(self) -> tuple[str, ...]:
        """The parts as text (the form of the key paths events, sweeps and uncertainty
        address, which have no list index): ``("beliefs", "iran", "catch")``."""
        return tuple(str(p) for p in self.parts)

    @property
    def head(self) -> str | int:
        """The first part: the section (``payoffs``, ``beliefs``, ``game``, ...)."""
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
    """A key path as messages show it: ``events[0].set.payoffs.iran_aid``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


# -- the values a key path admits --------------------------------------------------------
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
    """The range of values the key path ``path`` (a parameter's, or a state an event may
    move) admits: the documented bounds of the parameter it names
    (:data:`sim.article.parameters.SPECS`), [0, 1] for a belief or a capacity level, and
    the largest threat for ``threat.level``."""
    lo, hi = value_range(path)
    return KeyRange(lo, hi)


class Located(ValueError):
    """A validation problem at ``loc`` below the validated value (joined by the loader)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def suggest(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
