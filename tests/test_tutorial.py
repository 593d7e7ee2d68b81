"""docs/tutorial.md runs as written: its blocks, in order, in a fresh folder (the shipped
scenarios beside it): YAML blocks whose first line is ``# <file>`` are written to that file,
``$ hedgesim ...`` lines run the command (it must succeed), Python blocks are executed."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def blocks() -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in BLOCK.finditer(TUTORIAL.read_text(encoding="utf-8"))]


def test_the_tutorial_has_every_kind_of_block() -> None:
    kinds = [k for k, _ in blocks()]
    assert {"yaml", "console", "python"} <= set(kinds)
    commands = [line for k, b in blocks() if k == "console" for line in b.splitlines()]
    assert all(line.startswith("$ hedgesim ") for line in commands), commands
    for sub in ("validate", "run", "compare", "explore"):
        assert any(line.split()[2] == sub for line in commands), sub


@pytest.mark.slow
def test_the_tutorial_runs_as_written(tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for n, (kind, body) in enumerate(blocks()):
        if kind == "yaml":
            first = body.splitlines()[0]
            assert first.startswith("# "), f"block {n}: a YAML block names its file"
            Path(first[2:].strip()).write_text(body, encoding="utf-8")
        elif kind == "console":
            for line in body.splitlines():
                args = shlex.split(line.removeprefix("$ hedgesim "))
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    status = main(args)
                assert status == 0, f"block {n}: {line}: {err.getvalue()}"
        elif kind == "python":
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(body, f"tutorial block {n}", "exec"), namespace)  # noqa: S102
    assert (tmp_path / "runs" / "compare" / "compare.html").exists()
    assert (tmp_path / "runs" / "gulf_offer" / "explorer" / "explorer.html").exists()
    assert os.path.exists("gulf_offer.yaml")
