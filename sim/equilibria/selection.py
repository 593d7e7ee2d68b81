"""Rules that pick one equilibrium when a game has several.

Ties are broken deterministically: among equally good equilibria the one whose profile is
lexicographically smallest (probabilities rounded to 9 decimals, player by player) wins, so
a run is reproducible bit for bit. Between pure equilibria that means the one playing
*later* actions of the first player where they differ (``(0, 1) < (1, 0)``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.equilibria.result import Equilibrium, profile_key, same_profile
from sim.errors import SolverError
from sim.game import MixedProfile

SELECTION_RULES = ("inertia", "player-optimal", "welfare")

#: Two payoffs closer than this are a tie.
_PAYOFF_TIE = 1e-9


def _best(equilibria: Sequence[Equilibrium], score: list[float]) -> Equilibrium:
    top = max(score)
    tied = [eq for eq, s in zip(equilibria, score, strict=True) if s >= top - _PAYOFF_TIE]
    return min(tied, key=lambda eq: profile_key(eq.profile))


def select(
    equilibria: Sequence[Equilibrium],
    rule: str,
    *,
    previous: MixedProfile | None = None,
    focal_player: int = 0,
    fallback: str = "player-optimal",
) -> Equilibrium:
    """Pick one equilibrium by ``rule``.

    Parameters
    ----------
    equilibria
        Candidates, e.g. ``solve(game).equilibria``; must not be empty.
    rule
        ``"inertia"``: keep ``previous`` if it is (within 1e-9 in every probability) one of
        the equilibria, else apply ``fallback``. ``"player-optimal"``: the highest expected
        payoff of ``focal_player``. ``"welfare"``: the highest sum of expected payoffs.
    previous
        The profile played last round (for ``"inertia"``).
    focal_player
        Index of the player whose payoff ``"player-optimal"`` maximises.
    fallback
        Rule used by ``"inertia"`` when ``previous`` is absent or not an equilibrium; must be
        ``"player-optimal"`` or ``"welfare"``.

    Raises
    ------
    SolverError
        On an empty list, an unknown rule or fallback, or a focal player out of range.
    """
    if rule not in SELECTION_RULES:
        raise SolverError("select", f"unknown rule {rule!r}; choose one of {SELECTION_RULES}")
    if not equilibria:
        raise SolverError("select", "no equilibrium to select from")
    if rule == "inertia":
        if fallback not in ("player-optimal", "welfare"):
            raise SolverError(
                "select", f"fallback must be player-optimal or welfare, got {fallback!r}"
            )
        if previous is not None:
            prev = tuple(np.asarray(s, dtype=np.float64) for s in previous)
            for eq in sorted(equilibria, key=lambda e: profile_key(e.profile)):
                if len(prev) == len(eq.profile) and same_profile(eq.profile, prev, atol=1e-9):
                    return eq
        rule = fallback
    if rule == "player-optimal":
        n = len(equilibria[0].payoffs)
        if not 0 <= focal_player < n:
            raise SolverError("select", f"focal player {focal_player} out of range 0..{n - 1}")
        return _best(equilibria, [float(eq.payoffs[focal_player]) for eq in equilibria])
    return _best(equilibria, [float(np.sum(eq.payoffs)) for eq in equilibria])
