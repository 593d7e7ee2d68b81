"""The ``hedgesim`` command end to end, through ``sim.cli.main`` and ``python -m sim``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.game import NormalFormGame, write_nfg


@pytest.fixture
def battle_of_the_sexes(tmp_path: Path) -> Path:
    game = NormalFormGame(
        np.array([[[3, 0], [0, 2]], [[2, 0], [0, 3]]]),
        ("wife", "husband"),
        (("opera", "football"), ("opera", "football")),
        title="battle of the sexes",
    )
    path = tmp_path / "bos.nfg"
    write_nfg(game, path)
    return path


def test_solve_prints_every_equilibrium_as_a_table(
    battle_of_the_sexes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", str(battle_of_the_sexes), "--method", "support"]) == 0
    out = capsys.readouterr().out
    assert "3 equilibria" in out
    assert "opera 0.6, football 0.4" in out  # the wife's mixed strategy
    assert "wife" in out and "husband" in out
    assert "These are all the equilibria of the game." in out


def test_solve_says_when_the_list_may_be_incomplete(
    battle_of_the_sexes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", str(battle_of_the_sexes), "--method", "lemke-howson"]) == 0
    assert "may be incomplete" in capsys.readouterr().out
    assert main(["solve", str(battle_of_the_sexes), "--method", "pure", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["complete"] is True and len(doc["equilibria"]) == 2
    assert main(["solve", str(battle_of_the_sexes), "--method", "pure"]) == 0
    assert "all the pure-strategy equilibria" in capsys.readouterr().out


def test_solve_timeout_option(
    battle_of_the_sexes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", str(battle_of_the_sexes), "--timeout", "5"]) == 0
    assert main(["solve", str(battle_of_the_sexes), "--timeout", "0"]) == 1
    assert "--timeout" in capsys.readouterr().err


def test_solve_json_has_the_documented_shape(
    battle_of_the_sexes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", str(battle_of_the_sexes), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["players"] == ["wife", "husband"]
    assert doc["actions"] == [["opera", "football"], ["opera", "football"]]
    # auto enumerates every equilibrium of a game this small, and says so.
    assert doc["method"] == "auto" and doc["complete"] is True
    assert len(doc["equilibria"]) == 3
    assert sum(all(max(s) == 1.0 for s in e["profile"]) for e in doc["equilibria"]) == 2
    for eq in doc["equilibria"]:
        assert set(eq) >= {"profile", "payoffs", "method", "regret"}
        assert eq["regret"] == 0.0


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such file"),
        ("this is not a game", 'line 1: expected "NFG"'),
        ('NFG 1 R "x" { "a" "b" } { 2 2 }\n1 2 3\n', "line 2: expected payoff 4 of 8"),
        ('NFG 1 R "x" { "a" "b" } { 1000000000 1000000000 }\n', "beyond the limit"),
    ],
    ids=["missing", "garbage", "truncated", "huge"],
)
def test_solve_refuses_a_bad_file_with_one_line(
    tmp_path: Path, content: str | None, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.nfg"
    if content is not None:
        path.write_text(content)
    assert main(["solve", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and fragment in lines[0]


def test_python_dash_m_sim_is_the_same_command(battle_of_the_sexes: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "solve",
            str(battle_of_the_sexes),
            "--json",
            "--method",
            "vertex",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["equilibria"]) == 3
