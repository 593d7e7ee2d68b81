"""Thresholds of the stage model: switch points, the realignment threshold, and the
closed-form myopic horizon.

- :func:`switch_point`: counterpart ``j``'s switch point ``theta_j``, the tolerance below
  which ``j``'s response in the round-0 (hedging) profile stops being a best response,
  everyone else held at that profile (``MODEL.md``, *What a feasibility sketch showed*).
- :func:`realign_threshold`: the Gulf/Western incentive above which realign beats hedge
  for Syria (fact F4).
- :func:`closed_form_myopic_horizon`: the brief's closed form of horizon 1 for linear decay.

All searches are numeric (grid then bisection) and never assume the payoffs are linear in
the searched value, so they stay valid if the stage model changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import model
from sim import tolerance as tol
from sim.game import MixedProfile
from sim.scenario import Scenario

#: Relative tolerance of a best-response comparison (the solvers' regret tolerance).
BR_TOL = 1e-12
#: Bisection stops when the bracket is narrower than this.
SEARCH_TOL = 1e-12


def _batch_action_values(payoffs: np.ndarray, player: int, profile: MixedProfile) -> np.ndarray:
    """``values[b, a]``: player's expected payoff of action ``a`` in game ``b`` of a batch
    ``(B, n, *shape)`` against the others' strategies in ``profile``."""
    values = payoffs[:, player]
    n = payoffs.shape[1]
    for j in reversed(range(n)):
        if j != player:
            values = np.tensordot(values, profile[j], axes=([1 + j], [0]))
    return np.asarray(values)


def _is_best(values: np.ndarray, action: int) -> np.ndarray:
    top = values.max(axis=-1)
    scale = np.maximum(1.0, np.abs(top))
    return np.asarray(values[..., action] >= top - BR_TOL * scale)


def _boundary(pred: Any, lo: float, hi: float) -> float:
    """Bisection for the point where ``pred`` (false at ``lo``, true at ``hi``) turns true,
    evaluated on batches: a 65-point grid per step until the bracket < :data:`SEARCH_TOL`."""
    while hi - lo > SEARCH_TOL:
        grid = np.linspace(lo, hi, 65)
        ok = pred(grid)
        k = int(np.argmax(ok))  # first true point; ok[-1] is true
        if k == 0:
            return float(grid[0])
        lo, hi = float(grid[k - 1]), float(grid[k])
    return hi


def switch_point(
    params: model.Parameters,
    levels: Mapping[str, float],
    counterpart: str,
    reference: MixedProfile,
) -> float | None:
    """Counterpart ``j``'s switch point ``theta_j`` in [0, 1].

    ``j``'s action in ``reference`` (its most likely one) stays a best response, the
    others held at ``reference`` and at ``levels``, for tolerances in ``[theta_j, 1]``
    (ties count as still best) and not just below ``theta_j``.

    Returns
    -------
    float or None
        ``None`` if the response never flips in [0, 1] (or is not a best response even at
        full tolerance).
    """
    k = model.PLAYERS.index(counterpart)
    action = int(np.argmax(reference[k]))

    def pred(taus: np.ndarray) -> np.ndarray:
        lv: dict[str, Any] = dict(levels)
        lv[counterpart] = np.asarray(taus, dtype=np.float64)
        pay = np.asarray(model.stage_payoffs(params, lv))
        if pay.ndim == len(model.PLAYERS) + 1:
            pay = pay[np.newaxis]
        return _is_best(_batch_action_values(pay, k, reference), action)

    ends = pred(np.array([0.0, 1.0]))
    if not ends[1] or ends[0]:
        return None
    # The set where it is best need not be an interval in general; take the largest
    # tolerance below 1 at which it fails, scanning a fine grid first.
    grid = np.linspace(0.0, 1.0, 257)
    ok = pred(grid)
    bad = np.flatnonzero(~ok)
    last_bad = int(bad[-1])
    return _boundary(pred, float(grid[last_bad]), float(grid[last_bad + 1]))


def switch_points(scenario: Scenario, reference: MixedProfile) -> dict[str, float | None]:
    """:func:`switch_point` of every counterpart at round 0 (after round 0's events)."""
    state, _ = tol.apply_events(tol.initial_state(scenario), scenario.events_by_round().get(0, ()))
    levels = state.levels_dict()
    return {cp: switch_point(state.parameters, levels, cp, reference) for cp in model.COUNTERPARTS}


# -- F4 ----------------------------------------------------------------------------------
def realign_threshold(
    params: model.Parameters,
    tolerance: Mapping[str, float] | None = None,
    *,
    reference: MixedProfile | None = None,
    upper: float = 1000.0,
) -> float | None:
    """The ``gulf_incentive`` above which realign beats hedge for Syria (fact F4).

    Against ``reference`` (the others' play held fixed, e.g. the round-0 selected
    profile; default: the selected equilibrium of the stage game at ``params``, Syria-
    optimal selection), Syria's expected payoffs of hedge and realign are compared as
    ``gulf_incentive`` varies; the threshold is where realign's payoff first exceeds
    hedge's: just below it hedge is at least as good, just above realign is strictly better.
    A grid over ``[0, upper]`` brackets it and bisection refines it.

    Holding the others' play fixed is the reading of F4 ("realign beats hedge only above a
    threshold of external support, given the others' play"): in the full stage game a
    larger incentive also changes the Gulf's own willingness to pay, which is a different
    question.

    Returns
    -------
    float or None
        ``None`` if realign never beats hedge for an incentive in ``[0, upper]``.
    """
    levels = dict(tolerance or {})
    if reference is None:
        from sim.equilibria import select, solve

        game = model.stage_game(params, levels)
        chosen = select(
            solve(game, "auto").equilibria,
            "player-optimal",
            focal_player=model.PLAYERS.index(model.SYRIA),
        )
        reference = chosen.profile
    s = model.PLAYERS.index(model.SYRIA)
    hedge = model.ACTIONS[model.SYRIA].index(model.HEDGE)
    realign = model.ACTIONS[model.SYRIA].index("realign")

    def pred(gs: np.ndarray) -> np.ndarray:
        p = params.replace(gulf_incentive=np.asarray(gs, dtype=np.float64))
        batch_levels = {k: np.full(len(gs), v) for k, v in levels.items()}
        pay = np.asarray(model.stage_payoffs(p, batch_levels))
        v = _batch_action_values(pay, s, reference)
        return np.asarray(
            v[:, realign] > v[:, hedge] + BR_TOL * np.maximum(1.0, np.abs(v[:, hedge]))
        )

    grid = np.linspace(0.0, upper, 1025)
    ok = pred(grid)
    if not ok.any():
        return None
    k = int(np.argmax(ok))
    if k == 0:
        return 0.0
    return _boundary(pred, float(grid[k - 1]), float(grid[k]))


# -- closed-form horizon 1 -----------------------------------------------------------------
@dataclass(frozen=True)
class ClosedFormHorizon:
    """The brief's closed form of the myopic horizon for linear decay.

    Attributes
    ----------
    round
        ``min`` over decisive counterparts of ``crossing[j]`` (``None``: none crosses).
    binding
        The counterpart attaining it.
    crossing
        ``{j: floor((tau_j0 - theta_j) / kappa_j) + 1}``: the first round whose tolerance
        ``tau_j0 - r * kappa_j`` is strictly below ``theta_j`` (0 if already below; ``None``
        if ``theta_j`` is ``None`` or ``kappa_j = 0``). ``kappa_j`` is the effective decay
        ``decay * visibility * (1 - deniability)``.
    decisive
        ``{j: bool}``: whether ``j``'s flip alone (others at the reference profile) makes
        hedge no longer a best response for Syria. Only decisive flips end hedging.
    applies
        Whether the closed form is exact up to rounding: no timeline events, and the
        binding counterpart crosses strictly before every other counterpart (so the others
        still play their round-0 responses when it flips).
    """

    round: int | None
    binding: str | None
    crossing: Mapping[str, int | None]
    decisive: Mapping[str, bool]
    applies: bool


def crossing_round(initial: float, theta: float | None, kappa: float) -> int | None:
    """First round ``r`` with ``initial - r * kappa < theta`` (see :class:`ClosedFormHorizon`).

    The brief writes ``ceil((tau_0 - theta) / kappa)``; the two agree except when the ratio
    is a whole number, where the level lands exactly on the switch point: there the old
    response is still (weakly) a best response, inertia keeps it, and the flip comes one
    round later. In floating point that case is decided by rounding, so the simulator may
    land on either side: the agreement is within one round.
    """
    if theta is None:
        return None
    if initial < theta:
        return 0
    if kappa <= 0:
        return None
    ratio = (initial - theta) / kappa
    if not math.isfinite(ratio) or ratio >= 2**53:
        return None  # never within any run
    return int(math.floor(ratio)) + 1


def closed_form_myopic_horizon(
    scenario: Scenario,
    reference: MixedProfile,
    switch: Mapping[str, float | None] | None = None,
) -> ClosedFormHorizon:
    """The closed-form horizon 1 for the scenario (see :class:`ClosedFormHorizon`);
    ``switch`` are the switch points if already computed (:func:`switch_points`)."""
    state, _ = tol.apply_events(tol.initial_state(scenario), scenario.events_by_round().get(0, ()))
    levels = state.levels_dict()
    s = model.PLAYERS.index(model.SYRIA)
    hedge = model.ACTIONS[model.SYRIA].index(model.HEDGE)
    crossing: dict[str, int | None] = {}
    decisive: dict[str, bool] = {}
    for cp in model.COUNTERPARTS:
        theta = (
            switch[cp]
            if switch is not None
            else switch_point(state.parameters, levels, cp, reference)
        )
        crossing[cp] = crossing_round(levels[cp], theta, state.setting(cp).effective_decay)
        decisive[cp] = False
        if theta is None:
            continue
        # j's response just below its switch point, everyone else at the reference.
        k = model.PLAYERS.index(cp)
        below = dict(levels)
        below[cp] = max(0.0, theta - 1e-6)
        game = model.stage_game(state.parameters, below)
        flipped = list(reference)
        flipped[k] = np.eye(len(model.ACTIONS[cp]))[
            int(np.argmax(game.action_values(k, reference)))
        ]
        values = game.action_values(s, tuple(flipped))
        decisive[cp] = not bool(_is_best(values, hedge))
    candidates = [(r, cp) for cp, r in crossing.items() if r is not None and decisive[cp]]
    if not candidates:
        return ClosedFormHorizon(None, None, crossing, decisive, not scenario.timeline)
    r, binding = min(candidates)
    others = [c for cp, c in crossing.items() if cp != binding and c is not None]
    applies = not scenario.timeline and all(c > r for c in others)
    return ClosedFormHorizon(r, binding, crossing, decisive, applies)


def effective_decays(scenario: Scenario) -> dict[str, float]:
    """``{j: decay * visibility * (1 - deniability)}`` at round 0."""
    state = tol.initial_state(scenario)
    return {cp: state.setting(cp).effective_decay for cp in model.COUNTERPARTS}
