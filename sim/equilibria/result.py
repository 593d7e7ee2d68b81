"""The one result type of every solver (the check that admits a profile into it is
:func:`sim.equilibria.verify.verify`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.game import FloatArray, MixedProfile


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """A verified Nash equilibrium.

    Attributes
    ----------
    profile
        One probability vector per player.
    payoffs
        Expected payoff of each player at ``profile``.
    method
        The solver that found it (``"pure"``, ``"small-support"``, ``"support"``,
        ``"vertex"``, ``"lemke-howson"``, ``"gnm"``, ``"simpdiv"``, ``"logit"``).
    regret
        The largest gain any player gets by a unilateral deviation from the equilibrium
        this profile represents: 0.0, since :func:`sim.equilibria.verify.verify` admits only
        profiles shown to be equilibria exactly (pure profiles, rational solutions) or by
        certified interval arithmetic (irrational ones, whose ``profile`` is the float
        rounding of the certified equilibrium).
    """

    profile: MixedProfile
    payoffs: FloatArray
    method: str
    regret: float

    def is_pure(self) -> bool:
        """Whether every player puts all its weight on one action (within 1e-9)."""
        return self.pure_profile() is not None

    def pure_profile(self) -> tuple[int, ...] | None:
        """The pure profile this equilibrium plays, or ``None`` if some player mixes."""
        actions = []
        for strategy in self.profile:
            k = int(np.argmax(strategy))
            if abs(float(strategy[k]) - 1.0) > 1e-9:
                return None
            actions.append(k)
        return tuple(actions)

    def to_json(self) -> dict[str, Any]:
        """Plain-python form: ``{"profile", "payoffs", "method", "regret"}``."""
        return {
            "profile": [[float(p) for p in s] for s in self.profile],
            "payoffs": [float(v) for v in self.payoffs],
            "method": self.method,
            "regret": float(self.regret),
        }


@dataclass(frozen=True)
class SolveResult:
    """What a call to :func:`sim.equilibria.solve` found.

    Attributes
    ----------
    equilibria
        Verified equilibria in a deterministic order (pure ones lexicographically by
        profile, first; then mixed ones as the method orders them, deduplicated).
    method
        The method asked for (``"auto"`` stays ``"auto"``; each equilibrium names the
        method that actually found it).
    degenerate
        Whether the solver detected that the game is degenerate (some strategy has more
        pure best responses than its support's size, or an equilibrium has a best response
        outside its support).
    notes
        Human-readable remarks: degeneracy, dropped unverified candidates, fallbacks.
    complete
        Whether ``equilibria`` is provably every equilibrium the method looks for: every
        pure equilibrium for ``"pure"``; every equilibrium for ``"support"`` and
        ``"vertex"`` on non-degenerate two-player games and for ``"all"`` (and ``"auto"``
        when it ran one of those) when no continuum or undecided box was met. False
        means the list may miss equilibria.
    """

    equilibria: tuple[Equilibrium, ...]
    method: str
    degenerate: bool = False
    notes: tuple[str, ...] = ()
    complete: bool = False

    def completeness(self) -> str:
        """One sentence saying whether the list is complete, for text output."""
        if not self.complete:
            return (
                "The list may be incomplete: this method does not guarantee every "
                "equilibrium here."
            )
        if self.method == "pure":
            return "These are all the pure-strategy equilibria (mixed ones were not searched)."
        return "These are all the equilibria of the game."

    def to_json(self) -> dict[str, Any]:
        """Plain-python form: ``{"method", "complete", "degenerate", "notes", "equilibria"}``."""
        return {
            "method": self.method,
            "complete": bool(self.complete),
            "degenerate": bool(self.degenerate),
            "notes": list(self.notes),
            "equilibria": [eq.to_json() for eq in self.equilibria],
        }


def same_profile(a: MixedProfile, b: MixedProfile, atol: float = 1e-6) -> bool:
    """Whether two mixed profiles are equal within ``atol`` in every probability."""
    return all(
        x.shape == y.shape and bool(np.allclose(x, y, rtol=0.0, atol=atol))
        for x, y in zip(a, b, strict=True)
    )


def deduplicate(equilibria: Sequence[Equilibrium], atol: float = 1e-6) -> list[Equilibrium]:
    """Drop equilibria whose profile repeats an earlier one (within ``atol``), keeping order."""
    kept: list[Equilibrium] = []
    for eq in equilibria:
        if not any(same_profile(eq.profile, k.profile, atol) for k in kept):
            kept.append(eq)
    return kept


def profile_key(profile: MixedProfile) -> tuple[float, ...]:
    """A sort key of a profile: its probabilities rounded to 9 decimals, in player order."""
    return tuple(round(float(p), 9) for s in profile for p in s)
