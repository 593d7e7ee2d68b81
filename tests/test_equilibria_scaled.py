"""Games at extreme payoff scales, for every method: no false equilibrium, ever.

Issue 9's three games, each with its unique equilibrium known in closed form:

- matching pennies times 1e-9: the only equilibrium is (1/2, 1/2) for both (von Neumann's
  minimax theorem; any positive rescaling keeps it);
- a prisoner's dilemma with T = 1e9 and R = 3e-9, P = 1e-9, S = 0: defecting strictly
  dominates (T > R and P > S), so (D, D) is the only equilibrium;
- matching pennies with a third row for the row player worth -1e9 to it (strictly
  dominated) and +-1e9 to the column player: a strictly dominated action is never played,
  so the equilibrium is the pennies' one with the third row at 0.

Exact methods must return exactly that set and say it is complete; every other method may
return it or fail with a SolverError, but never a profile outside it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sim.equilibria import METHODS, solve
from sim.errors import SolverError
from sim.game import NormalFormGame

H = [0.5, 0.5]


def scaled_pennies() -> NormalFormGame:
    a = np.array([[1.0, -1.0], [-1.0, 1.0]]) * 1e-9
    return NormalFormGame(np.stack([a, -a]))


def huge_temptation_dilemma() -> NormalFormGame:
    r, p, s, t = 3e-9, 1e-9, 0.0, 1e9
    row = np.array([[r, s], [t, p]])
    return NormalFormGame(np.stack([row, row.T]))


def pennies_with_dominated_row() -> NormalFormGame:
    a = np.array([[1.0, -1.0], [-1.0, 1.0], [-1e9, -1e9]])
    b = np.array([[-1.0, 1.0], [1.0, -1.0], [1e9, -1e9]])
    return NormalFormGame(np.stack([a, b]))


def scaled_jordan() -> NormalFormGame:
    """Jordan's (1993) three-player matching pennies times 1e-9: unique (1/2, 1/2, 1/2)."""
    p = np.zeros((3, 2, 2, 2))
    for a in np.ndindex(2, 2, 2):
        p[(0, *a)] = float(a[0] == a[1])
        p[(1, *a)] = float(a[1] == a[2])
        p[(2, *a)] = float(a[2] != a[0])
    return NormalFormGame(p * 1e-9)


GAMES: dict[str, tuple[Callable[[], NormalFormGame], list[list[list[float]]]]] = {
    "pennies-1e-9": (scaled_pennies, [[H, H]]),
    "dilemma-T-1e9": (huge_temptation_dilemma, [[[0, 1], [0, 1]]]),
    "pennies-dominated-1e9": (pennies_with_dominated_row, [[[0.5, 0.5, 0.0], H]]),
    "jordan-1e-9": (scaled_jordan, [[H, H, H]]),
}

EXACT = {"support", "vertex", "auto"}
TWO_PLAYER_ONLY = {"support", "vertex", "lemke-howson"}


def _key(profile: object) -> tuple[float, ...]:
    return tuple(round(float(p), 9) + 0.0 for s in profile for p in s)  # type: ignore[attr-defined]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", GAMES)
def test_no_false_equilibrium_at_any_scale(name: str, method: str) -> None:
    make, truth = GAMES[name]
    game = make()
    if method in TWO_PLAYER_ONLY and game.n_players != 2:
        pytest.skip("a two-player method")
    true_set = {_key(p) for p in truth}
    pure_truth = {k for k in true_set if all(v in (0.0, 1.0) for v in k)}
    try:
        result = solve(game, method, timeout=20)
    except SolverError as exc:
        assert method not in EXACT | {"pure", "all"}, str(exc)
        return
    found = {_key(eq.profile) for eq in result.equilibria}
    assert found <= true_set, f"{method} returned false equilibria {found - true_set}"
    for eq in result.equilibria:
        assert eq.regret == 0.0
    if method == "pure":
        assert found == pure_truth and result.complete
    if method in EXACT and (game.n_players == 2 or method != "auto"):
        assert found == true_set and result.complete


def test_scaled_pennies_note_does_not_claim_degeneracy() -> None:
    """The old 'degenerate game' note came from the tolerance, not from the game."""
    for method in ("pure", "auto", "support"):
        result = solve(scaled_pennies(), method)
        assert not result.degenerate
        assert not any("degenerate" in n for n in result.notes)


@pytest.mark.parametrize("scale", [1e-300, 1e-232, 1e-9, 1.0, 1e9, 1e300])
def test_lemke_howson_reaches_the_equilibrium_at_any_scale(scale: float) -> None:
    """Lemke and Howson (1964): on a nondegenerate bimatrix game every path ends at an
    equilibrium (von Stengel 2002, Handbook of Game Theory vol. 3, thm. 3.5), and a
    positive rescaling of the payoffs moves no equilibrium. So matching pennies (unique
    equilibrium (1/2, 1/2) each) and the prisoner's dilemma (unique (D, D)) times any
    positive ``scale`` give exactly their equilibrium. Before the tableaux scaled each
    matrix first, the shift to positive payoffs (``+ 1``) rounded payoffs of 1e-232 away
    and the paths ended at profiles that are not equilibria, all dropped: nothing found
    (hypothesis's example, the last case)."""
    pennies = np.array([[1.0, -1.0], [-1.0, 1.0]])
    dilemma = np.array([[3.0, 0.0], [5.0, 1.0]])
    t = 2.65111012e-232 / 1e-232 * scale
    weak = np.array([[[0, 0], [0, 0], [t, t]], [[0, t], [0, t], [0, t]]], dtype=float)
    cases = [(np.stack([pennies, -pennies]) * scale, {_key([H, H])}),
             (np.stack([dilemma, dilemma.T]) * scale, {_key([[0, 1], [0, 1]])}),
             (weak, {_key([[0, 0, 1], [0, 1]])})]  # fmt: skip
    for payoffs, truth in cases:
        result = solve(NormalFormGame(payoffs), "lemke-howson")
        assert {_key(eq.profile) for eq in result.equilibria} == truth, (scale, result.notes)
