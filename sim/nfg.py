"""Gambit's ``.nfg`` strategic-form files: a small reader and writer of our own.

The format (Gambit's documentation, "The strategic game (.nfg) file format"): a header
``NFG 1 R "title" { "player" ... } ["comment"]``, then either

- the **payoff** form: ``{ m_1 m_2 ... }`` (each player's number of strategies), then
  ``n * prod(m)`` payoffs, profile by profile with the first player's strategy changing
  fastest, each profile listing every player's payoff; or
- the **outcome** form: ``{ { "s" ... } ... }`` (each player's strategy names), an optional
  comment, ``{ { "name" u_1, u_2, ... } ... }`` (the outcomes), then one outcome number per
  profile in the same order, ``0`` meaning the null outcome (every payoff 0).

Numbers may be integers, decimals (``1.5``, ``2e3``) or rationals (``3/2``).

Why our own and not pygambit's ``read_nfg``: pygambit compiles from source (no wheel for this
Python), and only the test extra installs it; its reader allocates whatever a file declares
(a 57-byte file declaring 1e9 x 1e9 strategies, or 30 players, was read before any size check,
and a 1000-player file crashed the process with SIGFPE), and a payoff of ``1e400`` or a null
outcome gave no clear message. This reader checks the declared dimensions against
:data:`MAX_PLAYERS` and :data:`MAX_PAYOFFS` before anything is allocated, refuses files over
:data:`MAX_FILE_BYTES` before reading them, and turns every malformed file into one
:class:`~sim.errors.GameFileError` naming the file, the line and what was expected. The tests
cross-check it against pygambit's reader on the games in ``tests/games`` and generated ones,
in both forms.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.atomic import write_text
from sim.errors import GameError, GameFileError

if TYPE_CHECKING:
    from sim.game import NormalFormGame

#: Most players a file may declare.
MAX_PLAYERS = 12
#: Most payoffs (players x profiles) a file may declare: 8 MB of float64 at 1,000,000.
MAX_PAYOFFS = 1_000_000
#: Largest file read, in bytes (checked before reading).
MAX_FILE_BYTES = 64 * 1024 * 1024

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<brace>[{}])|(?P<comma>,)'
    r"|(?P<word>[^\s{}\",]+))",
    re.S,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int


class _Tokens:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.items: list[_Token] = []
        pos, line = 0, 1
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                rest = text[pos:].lstrip()
                if not rest:
                    break
                line += text.count("\n", pos, len(text) - len(rest))
                if rest.startswith('"'):
                    raise GameFileError(path, f"line {line}: expected a closing quote")
                raise GameFileError(path, f"line {line}: cannot read {rest[:20]!r}")
            kind = m.lastgroup or ""
            start = m.start(kind)
            line += text.count("\n", pos, start)
            token = m.group(kind)
            self.items.append(_Token(kind, token, line))
            line += token.count("\n")
            pos = m.end()
        self.at = 0

    def peek(self) -> _Token | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def line(self) -> int:
        t = self.peek()
        return t.line if t else (self.items[-1].line if self.items else 1)

    def fail(self, expected: str) -> GameFileError:
        t = self.peek()
        found = "the end of the file" if t is None else repr(t.text[:30])
        return GameFileError(self.path, f"line {self.line()}: expected {expected}, found {found}")

    def take(self, kind: str, expected: str, text: str | None = None) -> _Token:
        t = self.peek()
        if t is None or t.kind != kind or (text is not None and t.text != text):
            raise self.fail(expected)
        self.at += 1
        return t

    def maybe(self, kind: str, text: str | None = None) -> _Token | None:
        t = self.peek()
        if t is not None and t.kind == kind and (text is None or t.text == text):
            self.at += 1
            return t
        return None


def _unquote(token: _Token) -> str:
    return re.sub(r"\\(.)", r"\1", token.text[1:-1])


def _number(tokens: _Tokens, what: str) -> float:
    t = tokens.take("word", what)
    try:
        value = float(Fraction(t.text)) if "/" in t.text else float(t.text)
    except (ValueError, ZeroDivisionError, OverflowError):
        raise GameFileError(
            tokens.path, f"line {t.line}: expected {what}, found {t.text[:30]!r}"
        ) from None
    if not math.isfinite(value):
        raise GameFileError(
            tokens.path,
            f"line {t.line}: payoff {t.text[:30]} is not a finite number within the range of "
            "a double (about 1.8e308)",
        )
    return value


def _count(tokens: _Tokens) -> int:
    t = tokens.take("word", "a number of strategies")
    if not t.text.isdigit() or int(t.text) < 1:
        raise GameFileError(
            tokens.path, f"line {t.line}: expected a positive number of strategies, found "
            f"{t.text[:30]!r}"
        )  # fmt: skip
    return int(t.text)


def _check_size(path: str, players: int, counts: list[int]) -> None:
    profiles = math.prod(counts)
    if profiles * players > MAX_PAYOFFS:
        shape = "x".join(str(c) for c in counts)
        raise GameFileError(
            path,
            f"declares a {shape} game of {players} players: {profiles * players:,} payoffs "
            f"(about {profiles * players * 8 / 1e6:,.0f} MB), beyond the limit of "
            f"{MAX_PAYOFFS:,}",
        )


def parse_nfg(text: str, path: str = "<string>") -> NormalFormGame:
    """The game in ``text`` (either form); ``path`` names it in errors."""
    from sim.game import NormalFormGame

    tokens = _Tokens(text, path)
    if tokens.maybe("word", "NFG") is None:
        raise tokens.fail('"NFG" (the start of a .nfg file)')
    tokens.take("word", "version 1", "1")
    kind = tokens.take("word", "R or D (the number type)")
    if kind.text not in ("R", "D"):
        raise GameFileError(path, f"line {kind.line}: expected R or D, found {kind.text[:30]!r}")
    title = _unquote(tokens.take("string", "the game's title in quotes"))
    tokens.take("brace", "{ and the player names", "{")
    players: list[str] = []
    while tokens.maybe("brace", "}") is None:
        players.append(_unquote(tokens.take("string", "a player name in quotes or }")))
        if len(players) > MAX_PLAYERS:
            raise GameFileError(
                path, f"declares more than {MAX_PLAYERS} players (the limit of this reader)"
            )
    if not players:
        raise GameFileError(path, "declares no players")
    tokens.maybe("string")  # an optional comment
    tokens.take("brace", "{ and the strategies", "{")
    outcome_form = tokens.peek() is not None and tokens.peek().kind == "brace"  # type: ignore[union-attr]
    counts: list[int] = []
    names: list[tuple[str, ...]] = []
    if outcome_form:
        for _ in players:
            tokens.take("brace", "{ and a player's strategy names", "{")
            labels: list[str] = []
            while tokens.maybe("brace", "}") is None:
                labels.append(_unquote(tokens.take("string", "a strategy name in quotes or }")))
                _check_size(path, len(players), [*counts, len(labels)])
            if not labels:
                raise GameFileError(path, f"line {tokens.line()}: a player has no strategies")
            counts.append(len(labels))
            names.append(tuple(labels))
        tokens.take("brace", "} after the strategy names", "}")
    else:
        for _ in players:
            counts.append(_count(tokens))
            _check_size(path, len(players), counts)
        tokens.take("brace", "} after the numbers of strategies", "}")
        # Gambit names the strategies of a payoff-form file by their numbers.
        names = [tuple(str(k + 1) for k in range(m)) for m in counts]
    _check_size(path, len(players), counts)
    n = len(players)
    profiles = math.prod(counts)
    payoffs = np.zeros((n, profiles))
    tokens.maybe("string")  # an optional comment
    if outcome_form:
        outcomes: list[list[float]] = []
        tokens.take("brace", "{ and the outcomes", "{")
        while tokens.maybe("brace", "}") is None:
            tokens.take("brace", "{ and an outcome, or }", "{")
            tokens.take("string", "the outcome's name in quotes")
            values = []
            for k in range(n):
                values.append(_number(tokens, f"payoff {k + 1} of {n} of outcome "
                                              f"{len(outcomes) + 1}"))  # fmt: skip
                tokens.maybe("comma")
            tokens.take("brace", f"}} after the {n} payoffs of an outcome", "}")
            outcomes.append(values)
            if len(outcomes) > profiles:
                raise GameFileError(path, f"more outcomes than the {profiles} profiles")
        for p in range(profiles):
            t = tokens.take("word", f"the outcome number of profile {p + 1} of {profiles}")
            if not t.text.isdigit() or int(t.text) > len(outcomes):
                raise GameFileError(
                    path, f"line {t.line}: expected an outcome number 0..{len(outcomes)}, "
                    f"found {t.text[:30]!r}"
                )  # fmt: skip
            k = int(t.text)
            if k:
                payoffs[:, p] = outcomes[k - 1]
    else:
        for p in range(profiles):
            for i in range(n):
                payoffs[i, p] = _number(
                    tokens, f"payoff {p * n + i + 1} of {profiles * n} (player {i + 1}, "
                    f"profile {p + 1})"
                )  # fmt: skip
    extra = tokens.peek()
    if extra is not None:
        raise GameFileError(
            path, f"line {extra.line}: unexpected {extra.text[:30]!r} after the game"
        )
    # Profiles list the first player's strategy fastest (Fortran order).
    array = payoffs.reshape((n, *counts), order="F")
    try:
        return NormalFormGame(array, tuple(players) if all(players) and len(set(players)) == n
                              else (), tuple(names) if names and _distinct(names) else (), title)
    except GameError as exc:
        raise GameFileError(path, str(exc)) from None


def _distinct(names: list[tuple[str, ...]]) -> bool:
    return all(all(s) and len(set(s)) == len(s) for s in names)


def read_nfg(path: str | Path) -> NormalFormGame:
    """Read a Gambit ``.nfg`` file (either form) into a game, with its labels."""
    p = Path(path)
    if not p.is_file():
        raise GameFileError(str(path), "no such file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise GameFileError(
            str(path), f"is {size / 1e6:,.0f} MB, beyond the limit of {MAX_FILE_BYTES / 1e6:.0f} MB"
        )
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GameFileError(str(path), "not a text file (expected a .nfg game in UTF-8)") from None
    except OSError as exc:
        raise GameFileError(str(path), f"cannot be read ({exc.strerror})") from None
    return parse_nfg(text, str(path))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_nfg(game: NormalFormGame) -> str:
    """The game in the outcome form, with its player and strategy names; every payoff is
    written as the shortest decimal that reads back as the same float."""
    n = game.n_players
    lines = [f"NFG 1 R {_quote(game.title or 'hedgesim game')} {{ "
             + " ".join(_quote(p) for p in game.players) + " }", "", "{"]  # fmt: skip
    for labels in game.actions:
        lines.append("{ " + " ".join(_quote(a) for a in labels) + " }")
    lines += ["}", '""', "", "{"]
    flat = game.payoffs.reshape(n, -1, order="F")
    for p in range(flat.shape[1]):
        lines.append('{ "" ' + ", ".join(repr(float(v)) for v in flat[:, p]) + " }")
    lines.append("}")
    lines.append(" ".join(str(p + 1) for p in range(flat.shape[1])))
    return "\n".join(lines) + "\n"


def write_nfg(game: NormalFormGame, path: str | Path) -> None:
    """Write ``game`` as a ``.nfg`` file (outcome form), atomically."""
    write_text(path, to_nfg(game))
