"""Solvers on games with known answers, their refusals, time bounds and selection rules."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from sim.equilibria import (
    METHODS,
    SELECTION_RULES,
    Equilibrium,
    pure_equilibria,
    pure_equilibrium_mask,
    select,
    solve,
    twoplayer,
    verify,
)
from sim.errors import GameError, GameTooLargeError, SolverError, SolverTimeoutError
from sim.game import NormalFormGame, read_nfg

GAMES = Path(__file__).parent / "games"


def matching_pennies() -> NormalFormGame:
    a = np.array([[1.0, -1.0], [-1.0, 1.0]])
    return NormalFormGame(np.stack([a, -a]))


def battle_of_the_sexes() -> NormalFormGame:
    return NormalFormGame(np.array([[[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 2.0]]]))


def prisoners_dilemma() -> NormalFormGame:
    return read_nfg(GAMES / "prisoners_dilemma.nfg")


def rock_paper_scissors() -> NormalFormGame:
    a = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    return NormalFormGame(np.stack([a, -a]))


def jordan_three_player() -> NormalFormGame:
    """Jordan (1993), "Three problems in learning mixed-strategy Nash equilibria", GEB 5:
    P1 matches P2, P2 matches P3, P3 mismatches P1; unique equilibrium (1/2, 1/2, 1/2)."""
    return read_nfg(GAMES / "three_player_matching_pennies.nfg")


H = [0.5, 0.5]
T3 = [1 / 3, 1 / 3, 1 / 3]


@dataclass(frozen=True)
class Case:
    game: Callable[[], NormalFormGame]
    method: str
    expected: Sequence[Sequence[Sequence[float]]]


CASES = [
    pytest.param(Case(matching_pennies, "auto", [[H, H]]), id="pennies-auto"),
    pytest.param(Case(matching_pennies, "support", [[H, H]]), id="pennies-support"),
    pytest.param(Case(matching_pennies, "vertex", [[H, H]]), id="pennies-vertex"),
    pytest.param(Case(matching_pennies, "lemke-howson", [[H, H]]), id="pennies-lh"),
    pytest.param(Case(matching_pennies, "pure", []), id="pennies-pure"),
    pytest.param(
        Case(
            battle_of_the_sexes,
            "support",
            [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[2 / 3, 1 / 3], [1 / 3, 2 / 3]]],
        ),
        id="bos-support",
    ),
    pytest.param(
        Case(
            battle_of_the_sexes,
            "vertex",
            [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[2 / 3, 1 / 3], [1 / 3, 2 / 3]]],
        ),
        id="bos-vertex",
    ),
    pytest.param(
        Case(
            battle_of_the_sexes,
            "auto",
            [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[2 / 3, 1 / 3], [1 / 3, 2 / 3]]],
        ),
        id="bos-auto",
    ),
    pytest.param(
        Case(
            battle_of_the_sexes,
            "gnm",
            [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[2 / 3, 1 / 3], [1 / 3, 2 / 3]]],
        ),
        id="bos-gnm",
    ),
    pytest.param(Case(prisoners_dilemma, "pure", [[[0, 1], [0, 1]]]), id="pd-pure"),
    pytest.param(Case(prisoners_dilemma, "support", [[[0, 1], [0, 1]]]), id="pd-support"),
    pytest.param(Case(prisoners_dilemma, "lemke-howson", [[[0, 1], [0, 1]]]), id="pd-lh"),
    pytest.param(Case(prisoners_dilemma, "logit", [[[0, 1], [0, 1]]]), id="pd-logit"),
    pytest.param(Case(rock_paper_scissors, "auto", [[T3, T3]]), id="rps-auto"),
    pytest.param(Case(rock_paper_scissors, "vertex", [[T3, T3]]), id="rps-vertex"),
    pytest.param(Case(rock_paper_scissors, "lemke-howson", [[T3, T3]]), id="rps-lh"),
    pytest.param(Case(jordan_three_player, "auto", [[H, H, H]]), id="jordan-auto"),
    pytest.param(Case(jordan_three_player, "logit", [[H, H, H]]), id="jordan-logit"),
    pytest.param(Case(jordan_three_player, "gnm", [[H, H, H]]), id="jordan-gnm"),
    pytest.param(Case(jordan_three_player, "simpdiv", [[H, H, H]]), id="jordan-simpdiv"),
    pytest.param(Case(jordan_three_player, "pure", []), id="jordan-pure"),
]


def _as_set(profiles: Sequence[Sequence[Sequence[float]]]) -> set[tuple[float, ...]]:
    return {tuple(round(float(p), 5) for s in prof for p in s) for prof in profiles}


@pytest.mark.parametrize("case", CASES)
def test_known_games(case: Case) -> None:
    game = case.game()
    result = solve(game, case.method)
    found = [[list(s) for s in eq.profile] for eq in result.equilibria]
    assert _as_set(found) == _as_set(case.expected)
    for eq in result.equilibria:
        assert eq.regret <= 1e-7 * game.payoff_scale
        np.testing.assert_allclose(eq.payoffs, game.payoff(eq.profile))


def test_bos_mixed_payoffs_and_json() -> None:
    result = solve(battle_of_the_sexes(), "support")
    mixed = [eq for eq in result.equilibria if not eq.is_pure()]
    assert len(mixed) == 1 and mixed[0].pure_profile() is None
    np.testing.assert_allclose(mixed[0].payoffs, [2 / 3, 2 / 3])
    data = mixed[0].to_json()
    assert set(data) == {"profile", "payoffs", "method", "regret"}
    assert data["method"] == "support"
    assert json.loads(json.dumps(data)) == data
    assert all(type(p) is float for s in data["profile"] for p in s)


def test_pure_equilibria_of_known_games_are_sorted() -> None:
    assert pure_equilibria(battle_of_the_sexes()) == [(0, 0), (1, 1)]
    assert pure_equilibria(prisoners_dilemma()) == [(1, 1)]
    coordination = NormalFormGame(np.ones((3, 2, 2, 2)))  # every profile is an equilibrium
    assert pure_equilibria(coordination) == sorted(np.ndindex(2, 2, 2))


def test_nfg_file_labels_survive() -> None:
    game = prisoners_dilemma()
    assert game.players == ("Row", "Column")
    assert game.actions[0] == ("Cooperate", "Defect")


# -- degenerate games: verified output, the word "degenerate", no hang -----------------------


def degenerate_game() -> NormalFormGame:
    """von Stengel (2002, Handbook of Game Theory 3, fig. 2.4's degenerate variant): the
    column player's first strategy has two best responses, so there is a continuum."""
    a = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]])
    b = np.array([[3.0, 3.0], [2.0, 6.0], [3.0, 1.0]])
    return NormalFormGame(np.stack([a, b]))


@pytest.mark.parametrize("method", ["support", "vertex", "lemke-howson", "auto", "pure"])
def test_degenerate_game_is_reported(method: str) -> None:
    game = degenerate_game()
    start = time.monotonic()
    result = solve(game, method, timeout=20)
    assert time.monotonic() - start < 20
    assert result.degenerate
    assert any("degenerate" in note for note in result.notes)
    for eq in result.equilibria:
        assert game.max_regret(eq.profile) <= 1e-7 * game.payoff_scale


def test_nondegenerate_game_is_not_flagged() -> None:
    result = solve(battle_of_the_sexes(), "support")
    assert not result.degenerate


# -- refusals, errors and time bounds -----------------------------------------------------


def test_3x27_is_solved_quickly_and_larger_games_refused() -> None:
    rng = np.random.default_rng(0)
    game = NormalFormGame(rng.random((2, 3, 27)))  # Syria against the others' joint actions
    start = time.monotonic()
    result = solve(game, "support")
    assert time.monotonic() - start < 10.0
    assert len(result.equilibria) % 2 == 1 and not result.degenerate and result.complete
    # Exact vertex enumeration finds the same (complete) set.
    vertex = solve(game, "vertex")
    assert vertex.complete
    assert _as_set([[list(s) for s in e.profile] for e in vertex.equilibria]) == _as_set(
        [[list(s) for s in e.profile] for e in result.equilibria]
    )
    big = NormalFormGame(rng.random((2, 5, 30)))
    start = time.monotonic()
    for method in ("support", "vertex", "all"):
        with pytest.raises(GameTooLargeError, match="lemke-howson"):
            solve(big, method)
    assert time.monotonic() - start < 1.0
    # auto falls back to pure equilibria or Lemke-Howson there, and says the list may be
    # incomplete.
    auto = solve(big, "auto")
    assert auto.equilibria and not auto.complete
    assert any("too large" in note for note in auto.notes)


def test_support_pairs_limit_is_what_the_docs_say() -> None:
    assert twoplayer.support_pairs((3, 27)) == 4059
    assert twoplayer.support_pairs((8, 8)) <= twoplayer.MAX_SUPPORT_PAIRS
    assert twoplayer.support_pairs((9, 9)) > twoplayer.MAX_SUPPORT_PAIRS


@pytest.mark.parametrize("method", ["support", "vertex", "lemke-howson"])
def test_two_player_methods_refuse_three_players(method: str) -> None:
    with pytest.raises(SolverError, match="two-player"):
        solve(jordan_three_player(), method)


def test_unknown_method_and_bad_parameters() -> None:
    with pytest.raises(SolverError, match="unknown method"):
        solve(matching_pennies(), "magic")
    with pytest.raises(SolverError, match="tolerance"):
        solve(matching_pennies(), "pure", tol=float("nan"))
    assert set(METHODS) >= {
        "auto",
        "pure",
        "support",
        "vertex",
        "lemke-howson",
        "gnm",
        "simpdiv",
        "logit",
    }


def _slow_simpdiv_game() -> NormalFormGame:
    rng = np.random.default_rng(11)
    return NormalFormGame(rng.integers(-5, 6, size=(4, 3, 3, 3, 3)).astype(float))


def test_timeout_stops_a_pygambit_solver() -> None:
    game = _slow_simpdiv_game()
    start = time.monotonic()
    with pytest.raises(SolverTimeoutError, match="time bound"):
        solve(game, "simpdiv", timeout=0.05)
    assert time.monotonic() - start < 2.0


def test_timeout_stops_auto_on_n_players() -> None:
    game = jordan_three_player()
    with pytest.raises(SolverTimeoutError):
        solve(game, "auto", timeout=1e-4)


def test_verify_names_method_and_regret() -> None:
    game = matching_pennies()
    with pytest.raises(SolverError) as info:
        verify(game, ([1.0, 0.0], [1.0, 0.0]), "lemke-howson", 1e-7)
    assert info.value.method == "lemke-howson"
    assert info.value.regret == pytest.approx(2.0)
    assert "lemke-howson" in str(info.value) and "regret" in str(info.value)
    with pytest.raises(SolverError, match="sum to 1"):
        verify(game, ([0.5, 0.6], [0.5, 0.5]), "gnm", 1e-7)


def test_auto_is_deterministic_on_n_players() -> None:
    game = NormalFormGame(
        np.random.default_rng(1).integers(-5, 6, size=(4, 3, 3, 3, 3)).astype(float)
    )
    first = solve(game, "auto")
    second = solve(game, "auto")
    assert json.dumps([e.to_json() for e in first.equilibria]) == json.dumps(
        [e.to_json() for e in second.equilibria]
    )


def test_pure_mask_shape_rules() -> None:
    batch = np.zeros((5, 4, 3, 3, 3, 3))  # five 4-player games or one 5-player game
    with pytest.raises(GameError, match="batched"):
        pure_equilibrium_mask(batch)
    assert pure_equilibrium_mask(batch, batched=True).shape == (5, 3, 3, 3, 3)
    assert pure_equilibrium_mask(batch, batched=False).shape == (4, 3, 3, 3, 3)
    with pytest.raises(GameError, match="shape"):
        pure_equilibrium_mask(np.zeros((2, 3)))
    bad = np.zeros((3, 2, 2, 2))
    bad[2, 1, 0, 0] = np.nan
    with pytest.raises(GameError, match="game 2"):
        pure_equilibrium_mask(bad, batched=True)
    bad[2, 1, 0, 0] = -np.inf
    with pytest.raises(GameError, match="finite"):
        pure_equilibrium_mask(bad, batched=True)


# -- selection -------------------------------------------------------------------------


def _bos_equilibria() -> list[Equilibrium]:
    return list(solve(battle_of_the_sexes(), "support").equilibria)


def test_select_player_optimal_and_welfare() -> None:
    eqs = _bos_equilibria()
    assert select(eqs, "player-optimal", focal_player=0).pure_profile() == (0, 0)
    assert select(eqs, "player-optimal", focal_player=1).pure_profile() == (1, 1)
    # Both pure equilibria have welfare 3: the lexicographically smaller profile wins,
    # which is (1, 1) because its vectors start with 0.
    assert select(eqs, "welfare").pure_profile() == (1, 1)
    assert select(list(reversed(eqs)), "welfare").pure_profile() == (1, 1)


def test_select_inertia_keeps_previous_or_falls_back() -> None:
    eqs = _bos_equilibria()
    previous = (np.array([2 / 3, 1 / 3]), np.array([1 / 3, 2 / 3]))
    kept = select(eqs, "inertia", previous=previous)
    assert kept.pure_profile() is None
    moved = select(
        eqs,
        "inertia",
        previous=(np.array([0.5, 0.5]), np.array([0.5, 0.5])),
        fallback="player-optimal",
        focal_player=1,
    )
    assert moved.pure_profile() == (1, 1)
    assert select(eqs, "inertia", fallback="welfare").pure_profile() == (1, 1)


def test_select_errors() -> None:
    eqs = _bos_equilibria()
    assert SELECTION_RULES == ("inertia", "player-optimal", "welfare")
    with pytest.raises(SolverError):
        select([], "welfare")
    with pytest.raises(SolverError):
        select(eqs, "random")
    with pytest.raises(SolverError):
        select(eqs, "player-optimal", focal_player=5)
    with pytest.raises(SolverError):
        select(eqs, "inertia", fallback="inertia")


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = next((line.split()[1] for line in status.splitlines()
                     if line.startswith("PPid:")), None)  # fmt: skip
        if ppid == str(pid):
            out.append(int(entry.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_killed_solve_leaves_no_solver_process(tmp_path: Path) -> None:
    """SIGKILL the command while pygambit's simplicial subdivision runs in its worker: the
    worker dies with it (PR_SET_PDEATHSIG), nothing is left running."""
    import os
    import signal
    import subprocess
    import sys

    pytest.importorskip("pygambit")
    path = tmp_path / "slow.nfg"
    from sim.game import write_nfg

    write_nfg(_slow_simpdiv_game(), path)
    command = subprocess.Popen(
        [sys.executable, "-m", "sim", "solve", str(path), "--method", "simpdiv",
         "--timeout", "120"],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while not workers and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = _children(command.pid)
        assert workers, "the solver worker never started"
        os.kill(command.pid, signal.SIGKILL)
        command.wait(10)
        end = time.monotonic() + 10
        while time.monotonic() < end and any(Path(f"/proc/{w}").exists() for w in workers):
            time.sleep(0.1)
        alive = [w for w in workers if Path(f"/proc/{w}/status").exists()
                 and "State:\tZ" not in Path(f"/proc/{w}/status").read_text()]  # fmt: skip
        assert not alive, f"solver worker(s) {alive} outlived the killed command"
    finally:
        if command.poll() is None:
            command.kill()


def test_small_support_and_auto_are_bounded_on_a_large_three_player_game() -> None:
    """A 16x16x16 game (691,200 two-mixer candidates) used to take minutes and gigabytes:
    now blocks of bounded memory, and the time bound is honoured."""
    seed = next(s for s in range(100) if not pure_equilibria(
        NormalFormGame(np.random.default_rng(s).random((3, 16, 16, 16)))))  # fmt: skip
    game = NormalFormGame(np.random.default_rng(seed).random((3, 16, 16, 16)))
    for method in ("small-support", "auto"):
        start = time.monotonic()
        with pytest.raises(SolverTimeoutError):
            solve(game, method, timeout=0.2)
        assert time.monotonic() - start < 2.0


def test_a_refused_profile_keeps_no_frame_alive() -> None:
    """``verify`` raises ``SolverError`` for a profile that is not an equilibrium (matching
    pennies' pure (H, H): the column player gains by switching). With the cyclic collector
    off, the caller's locals must be freed as soon as it has handled the error: an
    exception still held by ``verify``'s frame forms a cycle with its traceback (which
    keeps that frame and, through it, every caller's), freed only by a full collection."""
    import gc
    import weakref

    pennies = NormalFormGame(np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]]))

    def caller() -> tuple[weakref.ref[np.ndarray], bool]:
        local = np.zeros(1000)
        try:
            verify(pennies, [[1.0, 0.0], [1.0, 0.0]], "test")
        except SolverError:
            return weakref.ref(local), True
        return weakref.ref(local), False

    enabled = gc.isenabled()
    gc.disable()
    try:
        ref, refused = caller()
        assert refused
        assert ref() is None
    finally:
        if enabled:
            gc.enable()
