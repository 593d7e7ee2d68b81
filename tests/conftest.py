"""Hypothesis profiles: "ci" (bounded, no deadline) and "dev"; pick with HYPOTHESIS_PROFILE.
A tiny real Model 2 run, made once per session, for the output tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from sim.results import ArticleResults

ROOT = Path(__file__).resolve().parents[1]

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: Options of ``hedgesim run`` that keep a Model 2 run to a few seconds: a 3x3 state grid,
#: two selection rules, a two-point sustainability scan (tests never solve the run's grid).
TINY_RUN = ["--grid", "3x3", "--rules", "qre,inertia", "--sustainability", "2",
            "--set", "game.rounds=4"]


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of ``hedgesim run scenarios/baseline.yaml`` at :data:`TINY_RUN`."""
    from sim.cli import main

    out = tmp_path_factory.mktemp("tiny") / "run"
    assert main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--out", str(out),
                 *TINY_RUN]) == 0
    return out


@pytest.fixture(scope="session")
def tiny(tiny_run: Path) -> ArticleResults:
    """The typed results of :func:`tiny_run`, read back from its file."""
    from sim.results import read_results

    result = read_results(tiny_run / "results.json")
    assert isinstance(result, ArticleResults)
    return result
