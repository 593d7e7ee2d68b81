"""The one result type of every solver, and the regret check that admits a profile into it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import GameError, SolverError
from sim.game import DEFAULT_TOLERANCE, FloatArray, MixedProfile, NormalFormGame


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """A verified (approximate) Nash equilibrium.

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
        The largest gain any player gets by a unilateral deviation, checked to be at most
        ``tol * game.payoff_scale`` by :func:`verify`.
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
        Whether the solver detected that the (two-player) game is degenerate.
    notes
        Human-readable remarks: degeneracy, dropped unverified candidates, fallbacks.
    """

    equilibria: tuple[Equilibrium, ...]
    method: str
    degenerate: bool = False
    notes: tuple[str, ...] = ()


def verify(
    game: NormalFormGame,
    profile: Sequence[Any],
    method: str,
    tol: float = DEFAULT_TOLERANCE,
) -> Equilibrium:
    """Admit ``profile`` as an equilibrium of ``game`` if its regret is small enough.

    The check is the N-player one: for every player, the best unilateral deviation gains at
    most ``tol * game.payoff_scale``. Tiny negative probabilities from floating-point solvers
    are clipped and each strategy renormalised before the check, so the returned profile is
    a true probability vector.

    Raises
    ------
    SolverError
        Naming ``method`` and the regret, if the profile is not an equilibrium (or not a
        probability profile at all).
    """
    try:
        raw = [np.asarray(s, dtype=np.float64).reshape(-1) for s in profile]
    except (TypeError, ValueError) as exc:
        raise SolverError(method, f"returned a profile that is not numeric ({exc})") from None
    cleaned = []
    for s in raw:
        if not np.all(np.isfinite(s)) or s.size == 0 or np.any(s < -1e-7):
            raise SolverError(method, f"returned a strategy that is not a probability vector: {s}")
        c = np.clip(s, 0.0, None)
        total = c.sum()
        if not abs(total - 1.0) <= 1e-6:
            raise SolverError(method, f"returned a strategy that does not sum to 1: {s}")
        cleaned.append(c / total)
    try:
        mixed = game.as_mixed(cleaned)
    except GameError as exc:
        raise SolverError(method, f"returned a malformed profile ({exc})") from None
    # One pass of action values gives both the regrets and the payoffs, with the same
    # arithmetic as game.max_regret and game.payoff.
    values = game.all_action_values(mixed, validated=True)
    regret = max(max(0.0, float(v.max() - v @ s)) for v, s in zip(values, mixed, strict=True))
    bound = tol * game.payoff_scale
    if not regret <= bound:
        raise SolverError(
            method, f"returned a profile that is not an equilibrium within {bound:.3g}", regret
        )
    for s in mixed:
        s.setflags(write=False)
    payoffs = np.array([float(v @ s) for v, s in zip(values, mixed, strict=True)])
    payoffs.setflags(write=False)
    return Equilibrium(profile=mixed, payoffs=payoffs, method=method, regret=regret)


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
