"""The .nfg reader and writer: cross-checked against pygambit's, and hostile files refused
with one line before anything large is allocated."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import strategies as gs
from hypothesis import given, settings

from sim import nfg
from sim.errors import GameFileError
from sim.game import NormalFormGame, read_nfg, write_nfg

GAMES = Path(__file__).parent / "games"


def _gambit() -> object:
    return pytest.importorskip("pygambit", reason="pygambit (test extra) is not installed")


@pytest.mark.parametrize("path", sorted(GAMES.glob("*.nfg")), ids=lambda p: p.name)
def test_reader_equals_pygambit_on_the_shipped_games(path: Path) -> None:
    gbt = _gambit()
    ours = read_nfg(path)
    theirs = NormalFormGame.from_gambit(gbt.read_nfg(str(path)))  # type: ignore[attr-defined]
    assert np.array_equal(ours.payoffs, theirs.payoffs)
    assert (ours.players, ours.actions, ours.title) == (
        theirs.players, theirs.actions, theirs.title)  # fmt: skip


@settings(max_examples=25)
@given(gs.games(max_profiles=64, integer=False))
def test_both_readers_read_both_writers_bit_for_bit(game: NormalFormGame) -> None:
    gbt = _gambit()
    scaled = game.with_payoffs(game.payoffs * 1e-9 + 3.0e7 * (game.payoffs > 4))
    ours = nfg.to_nfg(scaled)
    theirs = scaled.to_gambit().to_nfg()
    assert np.array_equal(nfg.parse_nfg(ours).payoffs, scaled.payoffs)
    assert np.array_equal(nfg.parse_nfg(theirs).payoffs, scaled.payoffs)
    read_by_gambit = NormalFormGame.from_gambit(_read_via_file(gbt, ours))
    assert np.array_equal(read_by_gambit.payoffs, scaled.payoffs)


def _read_via_file(gbt: object, text: str) -> object:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.nfg"
        path.write_text(text)
        return gbt.read_nfg(str(path))  # type: ignore[attr-defined]


def test_write_then_read_keeps_labels_and_payoffs(tmp_path: Path) -> None:
    game = NormalFormGame(
        np.arange(12, dtype=float).reshape(2, 2, 3) - 5.5,
        players=('Row "R"', "Column"),
        actions=(("up", "down"), ("left", "mid", "right")),
        title="a \\ test",
    )
    write_nfg(game, tmp_path / "g.nfg")
    back = read_nfg(tmp_path / "g.nfg")
    assert np.array_equal(back.payoffs, game.payoffs)
    assert (back.players, back.actions, back.title) == (game.players, game.actions, game.title)


def test_payoff_form_with_rationals_and_exponents() -> None:
    text = 'NFG 1 R "r" { "A" "B" } { 2 1 }\n3/2 -1e-9 0.25 2E3\n'
    game = nfg.parse_nfg(text)
    assert game.payoffs[:, 0, 0].tolist() == [1.5, -1e-9]
    assert game.payoffs[:, 1, 0].tolist() == [0.25, 2000.0]
    assert game.actions == (("1", "2"), ("1",))


def test_a_null_outcome_pays_zero() -> None:
    """Outcome 0 is Gambit's null outcome: every player gets 0."""
    text = (
        'NFG 1 R "null" { "A" "B" }\n{ { "x" "y" } { "z" } }\n""\n'
        '{ { "o1" 1, 2 } }\n1 0\n'
    )
    game = nfg.parse_nfg(text)
    assert game.payoffs[:, 0, 0].tolist() == [1.0, 2.0]
    assert game.payoffs[:, 1, 0].tolist() == [0.0, 0.0]


HOSTILE = {
    "billion-squared": ('NFG 1 R "x" { "a" "b" } { 1000000000 1000000000 }\n', "beyond the limit"),
    "thirty-players": (
        'NFG 1 R "x" { ' + " ".join(f'"p{k}"' for k in range(30)) + " } { "
        + " ".join("2" for _ in range(30)) + " }\n",
        "more than 12 players",
    ),
    "thousand-players": (
        'NFG 1 R "x" { ' + " ".join(f'"p{k}"' for k in range(1000)) + " } { "
        + " ".join("1" for _ in range(1000)) + " }\n",
        "more than 12 players",
    ),
    "payoff-1e400": ('NFG 1 R "x" { "a" "b" } { 1 1 }\n1e400 0\n', "not a finite number"),
    "missing-payoffs": ('NFG 1 R "x" { "a" "b" } { 2 1 }\n1 2 3\n', "expected payoff 4 of 4"),
    "extra-payoffs": ('NFG 1 R "x" { "a" "b" } { 1 1 }\n1 2 3\n', "unexpected '3'"),
    "word-payoff": ('NFG 1 R "x" { "a" "b" } { 1 1 }\n1 two\n', "expected payoff 2 of 2"),
    "zero-strategies": ('NFG 1 R "x" { "a" "b" } { 0 1 }\n', "positive number of strategies"),
    "no-players": ('NFG 1 R "x" { } { }\n', "no players"),
    "version": ('NFG 2 R "x" { "a" } { 1 }\n0\n', "expected version 1"),
    "unterminated": ('NFG 1 R "x { "a" } { 1 }\n0\n', "expected a closing quote"),
    "bad-outcome-number": (
        'NFG 1 R "x" { "A" } { { "s" } }\n""\n{ { "o" 1 } }\n7\n', "outcome number 0..1"
    ),
    "outcome-too-short": (
        'NFG 1 R "x" { "A" "B" } { { "s" } { "t" } }\n""\n{ { "o" 1 } }\n1\n', "payoff 2 of 2"
    ),
    "binary": ("\udcff", "not a text file"),
    "empty": ("", 'expected "NFG"'),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_one_line(tmp_path: Path, name: str) -> None:
    text, fragment = HOSTILE[name]
    path = tmp_path / "bad.nfg"
    if name == "binary":
        path.write_bytes(b"NFG 1 R \xff\xfe")
    else:
        path.write_text(text)
    with pytest.raises(GameFileError) as info:
        read_nfg(path)
    message = str(info.value)
    assert str(path) in message and fragment in message and "\n" not in message


def test_a_declared_giant_allocates_nothing(tmp_path: Path) -> None:
    """The 57-byte file declaring 1e9 x 1e9 strategies is refused in a process whose address
    space is capped at 1 GB: nothing large was allocated before the check."""
    path = tmp_path / "giant.nfg"
    path.write_text(HOSTILE["billion-squared"][0])
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
        "from sim.cli import main\n"
        f"sys.exit(main(['solve', {str(path)!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and "beyond the limit" in done.stderr
    assert resource.RLIM_INFINITY != 0  # the cap above is a real limit on this platform


def test_a_huge_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nfg, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.nfg"
    path.write_text('NFG 1 R "x" { "a" } { 1 }\n' + "0 " * 100)
    with pytest.raises(GameFileError, match="beyond the limit"):
        read_nfg(path)
