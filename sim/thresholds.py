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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim import model
from sim import tolerance as tol
from sim.game import MixedProfile
from sim.scenario import Scenario
from sim.ties import KnifeEdge, verification_tolerance

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


def _is_best(values: np.ndarray, action: int | np.ndarray) -> np.ndarray:
    """Whether ``action`` (one index, or one per row of a 2-d ``values``) is a best
    response within :data:`BR_TOL`."""
    top = values.max(axis=-1)
    scale = np.maximum(1.0, np.abs(top))
    if isinstance(action, np.ndarray):
        own = np.take_along_axis(values, action.reshape(-1, 1), axis=-1)[:, 0]
    else:
        own = values[..., action]
    return np.asarray(own >= top - BR_TOL * scale)


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


#: The scan of :func:`switch_point` before bisection.
SCAN = np.linspace(0.0, 1.0, 257)


def pure_actions(reference: MixedProfile) -> tuple[int, ...] | None:
    """The actions of a reference profile in which every player's strategy is exactly a
    unit vector, else ``None``."""
    out = []
    for s in reference:
        k = int(np.argmax(s))
        if not (s[k] == 1.0 and np.count_nonzero(s) == 1):
            return None
        out.append(k)
    return tuple(out)


def _cell_values(
    params: model.Parameters, levels: Mapping[str, Any], player: int, actions: np.ndarray
) -> np.ndarray:
    """``values[b, a]``: ``player``'s payoff of action ``a`` with the others on the pure
    ``actions[b]`` in game ``b`` of the batch (``params``/``levels`` entries are floats or
    ``(B,)`` arrays, ``actions`` is ``(B, n)``).

    The same numbers as :func:`model.stage_payoffs` followed by :func:`_batch_action_values`
    against the pure profile: each term's grid is read at the needed cells only and the
    terms are summed in the same order (and contracting with a unit vector is exact), so
    the comparisons made on them are the same, at a fraction of the cost.
    """
    n = len(model.PLAYERS)
    m = model.SHAPE[player]
    rows = np.arange(actions.shape[0])[:, None]
    index = [actions[:, j][:, None] for j in range(n)]
    index[player] = np.arange(m)[None, :]
    total: Any = 0.0
    for term in model.terms_of(model.PLAYERS[player]):
        grid = term.grid(params, levels)
        if grid.ndim == n:
            grid = np.broadcast_to(grid, (actions.shape[0], *grid.shape))
        total = total + grid[(rows, *index)]
    return np.asarray(total, dtype=np.float64)


def _pred_cells(
    params: model.Parameters,
    levels: Mapping[str, Any],
    counterpart: str,
    actions: np.ndarray,
    taus: np.ndarray,
) -> np.ndarray:
    """:func:`switch_point`'s predicate at tolerances ``taus`` ``(B,)`` of ``counterpart``,
    the others at the pure ``actions`` ``(B, n)``: is its reference action still best?"""
    k = model.PLAYERS.index(counterpart)
    lv: dict[str, Any] = dict(levels)
    lv[counterpart] = np.asarray(taus, dtype=np.float64)
    return _is_best(_cell_values(params, lv, k, actions), actions[:, k])


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

    Against a pure reference only ``j``'s payoffs at the reference's cells are computed
    (:func:`_cell_values`, the same numbers as the whole game); :func:`switch_points_batch`
    computes the same switch points for many variants at once.

    Returns
    -------
    float or None
        ``None`` if the response never flips in [0, 1] (or is not a best response even at
        full tolerance).
    """
    k = model.PLAYERS.index(counterpart)
    action = int(np.argmax(reference[k]))
    pure = pure_actions(reference)

    def pred(taus: np.ndarray) -> np.ndarray:
        if pure is not None:
            acts = np.broadcast_to(np.array(pure), (len(taus), len(pure)))
            return _pred_cells(params, levels, counterpart, acts, taus)
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
    ok = pred(SCAN)
    bad = np.flatnonzero(~ok)
    last_bad = int(bad[-1])
    return _boundary(pred, float(SCAN[last_bad]), float(SCAN[last_bad + 1]))


# -- many variants at once ----------------------------------------------------------------
#: Games per evaluation of the batched predicate (bounds memory).
_FLAT_CHUNK = 1 << 17


def _take(values: Mapping[str, Any], idx: np.ndarray) -> dict[str, Any]:
    return {k: (v[idx] if isinstance(v, np.ndarray) and v.ndim else v) for k, v in values.items()}


def _pred_flat(
    params: Mapping[str, Any],
    levels: Mapping[str, Any],
    counterpart: str,
    actions: np.ndarray,
    variant: np.ndarray,
    taus: np.ndarray,
) -> np.ndarray:
    """The predicate of variant ``variant[e]`` at tolerance ``taus[e]``, for every entry."""
    out = np.empty(variant.size, dtype=bool)
    for start in range(0, variant.size, _FLAT_CHUNK):
        v = variant[start : start + _FLAT_CHUNK]
        out[start : start + v.size] = _pred_cells(
            model.Parameters(**_take(params, v)),
            _take(levels, v),
            counterpart,
            actions[v],
            taus[start : start + v.size],
        )
    return out


def _linspace_rows(lo: np.ndarray, hi: np.ndarray, num: int) -> np.ndarray:
    """``np.linspace(lo[r], hi[r], num)`` for every row, with numpy's arithmetic."""
    delta = hi - lo
    step = delta / (num - 1)
    steps = np.arange(num, dtype=np.float64)[None, :]
    zero = step == 0
    y = np.where(zero[:, None], steps / (num - 1) * delta[:, None], steps * step[:, None])
    y = y + lo[:, None]
    y[:, -1] = hi
    return np.asarray(y)


def switch_points_batch(
    params: Mapping[str, Any],
    levels: Mapping[str, Any],
    counterpart: str,
    actions: np.ndarray,
) -> np.ndarray:
    """:func:`switch_point` of many variants against pure references, exactly.

    Parameters
    ----------
    params, levels
        Each variant's parameters (``model.Parameters`` field -> float or ``(V,)`` array)
        and ``{counterpart: float or (V,) array}``.
    actions
        ``(V, n)`` each variant's pure reference profile.

    Returns
    -------
    numpy.ndarray
        ``(V,)`` switch points, NaN where :func:`switch_point` gives ``None``. Each equals
        :func:`switch_point` of that variant bit for bit (the same grids, bisection steps
        and comparisons, on arrays).
    """
    actions = np.asarray(actions, dtype=np.intp)
    n_var = actions.shape[0]
    out = np.full(n_var, np.nan)
    every = np.arange(n_var)

    def pred(variant: np.ndarray, taus: np.ndarray) -> np.ndarray:
        """``ok[r, g]`` at ``taus[r, g]`` of variant ``variant[r]``."""
        rows, width = taus.shape
        flat = _pred_flat(params, levels, counterpart, actions, np.repeat(variant, width),
                          taus.reshape(-1))  # fmt: skip
        return flat.reshape(rows, width)

    ends = pred(every, np.broadcast_to(np.array([0.0, 1.0]), (n_var, 2)))
    live = every[ends[:, 1] & ~ends[:, 0]]
    if live.size == 0:
        return out
    ok = pred(live, np.broadcast_to(SCAN, (live.size, SCAN.size)))
    last_bad = SCAN.size - 1 - np.argmax(~ok[:, ::-1], axis=1)
    lo, hi = SCAN[last_bad], SCAN[last_bad + 1]
    while live.size:
        narrow = ~(hi - lo > SEARCH_TOL)
        out[live[narrow]] = hi[narrow]
        live, lo, hi = live[~narrow], lo[~narrow], hi[~narrow]
        if live.size == 0:
            break
        grid = _linspace_rows(lo, hi, 65)
        ok = pred(live, grid)
        k = np.argmax(ok, axis=1)
        first = k == 0
        out[live[first]] = grid[first, 0]
        rest = ~first
        live, grid, k = live[rest], grid[rest], k[rest]
        lo, hi = grid[np.arange(live.size), k - 1], grid[np.arange(live.size), k]
    return out


def stays_above_batch(
    params: Mapping[str, Any],
    levels: Mapping[str, Any],
    counterpart: str,
    actions: np.ndarray,
    floor: np.ndarray,
) -> np.ndarray:
    """Whether ``floor[v] >= switch_point(v)`` (or it is ``None``) is certain from the scan
    alone: the predicate holds on every point of :data:`SCAN` from the one at or below
    ``floor[v]`` up, so the last failing scan point, and the bisection bracket above it,
    lie below ``floor[v]``. Far cheaper than :func:`switch_points_batch` when the floor is
    high (few scan points to test); where it is false, compute the switch point."""
    actions = np.asarray(actions, dtype=np.intp)
    start = np.clip(np.searchsorted(SCAN, floor, side="right") - 1, 0, SCAN.size - 1)
    width = SCAN.size - start
    variant = np.repeat(np.arange(actions.shape[0]), width)
    offsets = np.arange(variant.size) - np.repeat(np.cumsum(width) - width, width)
    taus = SCAN[np.repeat(start, width) + offsets]
    ok = _pred_flat(params, levels, counterpart, actions, variant, taus)
    fails = np.bincount(variant[~ok], minlength=actions.shape[0])
    return np.asarray(fails == 0)


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
    ties
        ``{j: comparison}`` for the crossings that are ties (:mod:`sim.ties`): in the
        round before the crossing (or in it) ``j``'s response pays the same as its best
        alternative within the verification tolerance, so the crossing is that round or
        the next.
    """

    round: int | None
    binding: str | None
    crossing: Mapping[str, int | None]
    decisive: Mapping[str, bool]
    applies: bool
    ties: Mapping[str, KnifeEdge] = field(default_factory=dict)


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
    ties = {}
    for cp, r in crossing.items():
        edge = _crossing_tie(state, levels, cp, r, reference)
        if edge is not None:
            ties[cp] = edge
    candidates = [(r, cp) for cp, r in crossing.items() if r is not None and decisive[cp]]
    if not candidates:
        return ClosedFormHorizon(None, None, crossing, decisive, not scenario.timeline, ties)
    r, binding = min(candidates)
    others = [c for cp, c in crossing.items() if cp != binding and c is not None]
    applies = not scenario.timeline and all(c > r for c in others)
    return ClosedFormHorizon(r, binding, crossing, decisive, applies, ties)


def _crossing_tie(
    state: tol.ToleranceState,
    levels: Mapping[str, float],
    counterpart: str,
    crossing: int | None,
    reference: MixedProfile,
) -> KnifeEdge | None:
    """Whether ``counterpart``'s crossing round is a tie: at its tolerance in the round
    before the crossing (or in it), its reference action and its best alternative pay the
    same within the verification tolerance (others at ``reference``, tolerance falling by
    its effective decay per round)."""
    if crossing is None:
        return None
    k = model.PLAYERS.index(counterpart)
    own = int(np.argmax(reference[k]))
    kappa = state.setting(counterpart).effective_decay
    for r in (crossing - 1, crossing):
        if r < 0:
            continue
        at = dict(levels)
        at[counterpart] = min(1.0, max(0.0, levels[counterpart] - r * kappa))
        game = model.stage_game(state.parameters, at)
        values = game.action_values(k, reference)
        best = max((a for a in range(len(values)) if a != own), key=lambda a: values[a])
        difference = float(values[best] - values[own])
        bound = verification_tolerance(game)
        if abs(difference) <= bound:
            actions = model.ACTIONS[counterpart]
            return KnifeEdge(r, counterpart, actions[own], actions[best], difference, bound)
    return None
