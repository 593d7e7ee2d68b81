"""The batch engine: many variants of one scenario stepped together, round by round.

It runs exactly the scalar simulator's rules (:func:`sim.repeated.simulate` and
:func:`sim.repeated.myopic_horizon`), on arrays:

1. the timeline's events of the round, applied to every variant's parameters, settings
   and levels with the operations and clipping of :func:`sim.tolerance.apply_change`;
2. the stage games of all running variants as one array ``(batch, n, *actions)`` by
   :func:`sim.model.stage_payoffs` with array parameters (the same floating-point
   operations as one game at a time, so the same bits);
3. pure equilibria by the batched enumerator :func:`sim.equilibria.pure_equilibrium_mask`
   (the rule ``solve(game, "auto")`` uses);
4. selection among pure equilibria vectorized: ``inertia`` keeps last round's profile if it
   is (within 1e-9) one of them, else the fallback; ``syria-optimal`` takes the highest
   Syria payoff, ``welfare`` the highest sum, ties within 1e-9 broken as
   :func:`sim.equilibria.select` breaks them (smallest rounded profile key, which among
   pure profiles is the lexicographically *largest* action tuple);
5. games with no pure equilibrium (or a scenario whose solver is a mixed method) go one by
   one through the scalar path (:func:`sim.repeated.solve_stage` and
   :func:`sim.repeated.select_profile`) with that variant's previous profile;
6. tolerance update ``level + (-p_hedge * decay * visibility * (1 - deniability) + p_wish
   * recovery)`` clipped to [0, 1], as :func:`sim.tolerance.update`.

A variant stops once its outcomes are fixed: after its myopic horizon's round (the exit
path looks no further), or at the end of the run. ``record=True`` runs every round of every
variant and keeps the selected profiles and levels (for the agreement tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from sim import model
from sim import tolerance as tol
from sim.equilibria.result import Equilibrium
from sim.equilibria.small_support import batch_two_mixer_equilibria
from sim.game import NormalFormGame
from sim.scenario import Event, Scenario, key_path
from sim.sweep.outcomes import NONE, Outcomes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

N_PLAYERS = len(model.PLAYERS)
SYRIA = model.PLAYERS.index(model.SYRIA)
HEDGE = model.ACTIONS[model.SYRIA].index(model.HEDGE)
SHAPE = model.SHAPE
CELLS = int(np.prod(SHAPE))
MAX_ACTIONS = max(SHAPE)
N_CP = len(model.COUNTERPARTS)
#: Counterpart k's position among the players and the Syrian action it wishes for.
CP_PLAYER = np.array([model.PLAYERS.index(cp) for cp in model.COUNTERPARTS])
CP_WISH = np.array(
    [model.ACTIONS[model.SYRIA].index(model.WISHES[cp]) for cp in model.COUNTERPARTS]
)
#: Same constants as :mod:`sim.repeated` and :mod:`sim.equilibria.selection`.
CERTAIN = 1e-9
CHANGE_ATOL = 1e-9
INERTIA_ATOL = 1e-9
PAYOFF_TIE = 1e-9
#: The one-hot profile of every cell: ``ONE_HOT[c, i, k]`` is 1 iff cell c has player i on k.
_CELL_ACTIONS = np.array(np.unravel_index(np.arange(CELLS), SHAPE)).T  # (CELLS, n)
ONE_HOT = np.zeros((CELLS, N_PLAYERS, MAX_ACTIONS))
for _i in range(N_PLAYERS):
    ONE_HOT[np.arange(CELLS), _i, _CELL_ACTIONS[:, _i]] = 1.0
SETTINGS = tol.SETTING_NAMES


@dataclass
class BatchState:
    """A batch's repeated-game state: the arrays behind :class:`sim.tolerance.ToleranceState`.

    ``parameters`` maps each parameter to a float (shared) or a ``(batch,)`` array;
    ``settings`` each setting name to ``(batch, n_counterparts)``; ``levels`` is
    ``(batch, n_counterparts)``.
    """

    parameters: dict[str, Any]
    settings: dict[str, FloatArray]
    levels: FloatArray

    def take(self, idx: IntArray) -> BatchState:
        return BatchState(
            {k: (v[idx] if isinstance(v, np.ndarray) else v) for k, v in self.parameters.items()},
            {k: v[idx] for k, v in self.settings.items()},
            self.levels[idx],
        )

    def model_parameters(self) -> model.Parameters:
        return model.Parameters(**self.parameters)

    def one(self, b: int) -> tuple[model.Parameters, dict[str, float]]:
        """Variant ``b``'s scalar parameters and ``{counterpart: level}``."""
        params = model.Parameters(
            **{
                k: (float(v[b]) if isinstance(v, np.ndarray) else v)
                for k, v in self.parameters.items()
            }
        )
        levels = {cp: float(self.levels[b, k]) for k, cp in enumerate(model.COUNTERPARTS)}
        return params, levels


def initial_state(scenario: Scenario, keys: Sequence[str], values: FloatArray) -> BatchState:
    """The state before round 0's events of every variant (``keys`` set to ``values``),
    as :func:`sim.tolerance.initial_state` builds it for each variant's scenario."""
    n = values.shape[0]
    base = scenario.model_parameters()
    params: dict[str, Any] = {f.name: getattr(base, f.name) for f in fields(base)}
    settings = {
        s: np.array(
            [[float(getattr(scenario.tolerance_of(cp), s)) for cp in model.COUNTERPARTS]] * n
        ).reshape(n, N_CP)
        for s in SETTINGS
    }
    for k, key in enumerate(keys):
        parts = key_path(key).names
        col = np.array(values[:, k], dtype=np.float64)
        if parts[0] == "parameters":
            params[parts[1]] = col
        elif parts[0] == "tolerance":
            settings[parts[2]][:, model.COUNTERPARTS.index(parts[1])] = col
        # repeated.discount does not enter the myopic path.
    levels = np.minimum(1.0, np.maximum(0.0, settings["initial"]))
    return BatchState(params, settings, levels.copy())


def _combine(op: str, old: Any, value: float) -> Any:
    if op == "set":
        return value
    if op == "add":
        return old + value
    return old * value


def _clip01(x: Any) -> Any:
    return np.minimum(1.0, np.maximum(0.0, x))


def apply_event(state: BatchState, event: Event) -> None:
    """Apply one event to every variant, in place (as :func:`sim.tolerance.apply_event`)."""
    for op, changes in (("set", event.set), ("add", event.add), ("scale", event.scale)):
        for path in sorted(changes):
            value = float(changes[path])
            parts = key_path(path).names
            if parts[0] == "parameters":
                name = parts[1]
                new = _combine(op, state.parameters[name], value)
                new = _clip01(new) if model.is_share(name) else np.maximum(0.0, new)
                state.parameters[name] = np.asarray(new, dtype=np.float64)
                if state.parameters[name].ndim == 0:
                    state.parameters[name] = float(state.parameters[name])
                continue
            k = model.COUNTERPARTS.index(parts[1])
            key = parts[2]
            if key == "level":
                state.levels[:, k] = _clip01(_combine(op, state.levels[:, k], value))
                continue
            new = np.maximum(0.0, _combine(op, state.settings[key][:, k], value))
            if key == "deniability":
                new = np.minimum(new, tol.MAX_DENIABILITY)
            elif key == "initial":
                new = _clip01(new)
            state.settings[key][:, k] = new


def update_levels(state: BatchState, syria: FloatArray) -> None:
    """Move the levels by Syria's strategies ``syria`` ``(batch, n_actions)``, in place."""
    s = state.settings
    effective = s["decay"] * s["visibility"] * (1.0 - s["deniability"])
    p_hedge = syria[:, HEDGE][:, None]
    p_wish = syria[:, CP_WISH]
    change = -p_hedge * effective + p_wish * s["recovery"]
    state.levels[:] = _clip01(state.levels + change)


def _selection(scenario: Scenario) -> tuple[str, str]:
    from sim.repeated import selection_rule

    return selection_rule(scenario)


def select_pure(
    payoffs: FloatArray,
    mask: npt.NDArray[np.bool_],
    previous: FloatArray | None,
    rule: str,
    fallback: str,
) -> IntArray:
    """The selected pure profile's cell (flat index) of each game that has a pure
    equilibrium, as :func:`sim.equilibria.select` picks it among ``solve``'s pure ones.

    ``payoffs`` ``(b, n, *SHAPE)``, ``mask`` ``(b, *SHAPE)`` (every row has a true cell),
    ``previous`` ``(b, n, MAX_ACTIONS)`` last round's profiles (``None`` in round 0).
    """
    b = payoffs.shape[0]
    flat = mask.reshape(b, CELLS)
    chosen = np.full(b, -1, dtype=np.int64)
    if rule == "inertia" and previous is not None:
        cand = np.argmax(previous, axis=2)  # (b, n)
        onehot = np.zeros_like(previous)
        np.put_along_axis(onehot, cand[..., None], 1.0, axis=2)
        close = np.all(np.abs(onehot - previous) <= INERTIA_ATOL, axis=(1, 2))
        cell = np.ravel_multi_index(tuple(cand.T), SHAPE)
        keep = close & flat[np.arange(b), cell]
        chosen[keep] = cell[keep]
        rule = fallback
    elif rule == "inertia":
        rule = fallback
    todo = chosen < 0
    if not np.any(todo):
        return chosen
    pay = payoffs[todo].reshape(int(todo.sum()), N_PLAYERS, CELLS)
    score = pay[:, SYRIA] if rule == "player-optimal" else pay.sum(axis=1)
    eq = flat[todo]
    score = np.where(eq, score, -np.inf)
    top = score.max(axis=1, keepdims=True)
    tied = eq & (score >= top - PAYOFF_TIE)
    # Smallest profile key among one-hot profiles = lexicographically largest action tuple
    # = largest flat cell index.
    chosen[todo] = CELLS - 1 - np.argmax(tied[:, ::-1], axis=1)
    return chosen


@dataclass(frozen=True, eq=False)
class BatchRun:
    """What :func:`simulate` returns: outcomes, and with ``record=True`` every round's
    selected profile ``(batch, rounds, n, MAX_ACTIONS)`` and levels ``(batch, rounds, n_cp)``."""

    outcomes: Outcomes
    profiles: FloatArray | None = None
    levels: FloatArray | None = None
    mixed_games: int = 0
    rounds_stepped: int = 0


def _select_mixed(
    equilibria: Sequence[Equilibrium], scenario: Scenario, previous: FloatArray | None
) -> FloatArray:
    """The scenario's selection among ``equilibria`` (as the scalar simulator makes it),
    as ``(n, MAX_ACTIONS)``."""
    from sim.repeated import select_profile

    prev = (
        None
        if previous is None
        else tuple(previous[i, : SHAPE[i]].copy() for i in range(N_PLAYERS))
    )
    chosen = select_profile(equilibria, scenario, prev)
    out = np.zeros((N_PLAYERS, MAX_ACTIONS))
    for i, s in enumerate(chosen.profile):
        out[i, : len(s)] = s
    return out


def _per_game(scenario: Scenario, payoffs: FloatArray, previous: FloatArray | None) -> FloatArray:
    """One game by the scalar path; its selected profile as ``(n, MAX_ACTIONS)``."""
    from sim.repeated import solve_stage

    game = NormalFormGame(
        payoffs, model.PLAYERS, tuple(model.ACTIONS[p] for p in model.PLAYERS),
        title="hedgesim stage game",
    )  # fmt: skip
    return _select_mixed(solve_stage(game, scenario.repeated.solver), scenario, previous)


def simulate(
    scenario: Scenario,
    keys: Sequence[str],
    values: FloatArray,
    *,
    record: bool = False,
) -> BatchRun:
    """Step every variant of ``scenario`` (``keys`` set to each row of ``values``).

    Parameters
    ----------
    scenario
        The base scenario (events, rounds, solver and selection are shared by all variants).
    keys, values
        Key paths and a ``(batch, len(keys))`` block of their values.
    record
        Run every round of every variant and keep the selected profiles and levels.

    Returns
    -------
    BatchRun
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1, len(keys))
    n = values.shape[0]
    rounds = scenario.repeated.rounds
    rule, fallback = _selection(scenario)
    vectorized = scenario.repeated.solver in ("auto", "pure")
    events = scenario.events_by_round()
    state = initial_state(scenario, keys, values)
    out = Outcomes.empty(n)
    previous = np.zeros((n, N_PLAYERS, MAX_ACTIONS))
    start = np.zeros((n, N_PLAYERS, MAX_ACTIONS))
    level_hist = np.zeros((n, rounds, N_CP))
    round0: BatchState | None = None
    profiles = np.zeros((n, rounds, N_PLAYERS, MAX_ACTIONS)) if record else None
    active = np.arange(n)
    mixed_games = 0
    stepped = 0
    for r in range(rounds):
        for event in events.get(r, ()):
            apply_event(state, event)
        if r == 0:
            round0 = state.take(np.arange(n))
        if active.size == 0:
            break
        level_hist[active, r] = state.levels[active]
        sub = state.take(active)
        levels = {cp: sub.levels[:, k] for k, cp in enumerate(model.COUNTERPARTS)}
        pay = np.asarray(model.stage_payoffs(sub.model_parameters(), levels))
        pay = np.broadcast_to(pay, (active.size, N_PLAYERS, *SHAPE))
        prev = None if r == 0 else previous[active]
        chosen = np.zeros((active.size, N_PLAYERS, MAX_ACTIONS))
        if vectorized:
            mask = pure_mask(pay)
            has = mask.reshape(active.size, -1).any(axis=1)
        else:
            has = np.zeros(active.size, dtype=bool)
        if np.any(has):
            cells = select_pure(
                pay[has], mask[has], None if prev is None else prev[has], rule, fallback
            )
            chosen[has] = ONE_HOT[cells]
        without = np.flatnonzero(~has)
        small: list[list[Equilibrium]] = (
            batch_two_mixer_equilibria(pay[without]) if vectorized and without.size else []
        )
        for n_j, j in enumerate(without):
            previous_j = None if prev is None else prev[j]
            if vectorized and small[n_j]:
                chosen[j] = _select_mixed(small[n_j], scenario, previous_j)
            else:
                chosen[j] = _per_game(scenario, np.ascontiguousarray(pay[j]), previous_j)
            mixed_games += 1
        stepped += active.size
        previous[active] = chosen
        if record:
            assert profiles is not None
            profiles[active, r] = chosen
        if r == 0:
            start[active] = chosen
        # -- outcomes, as sim.repeated.myopic_horizon reads them -------------------
        syria = chosen[:, SYRIA, : SHAPE[SYRIA]]
        fresh = out.first_broken[active] == NONE
        moved = ~np.all(
            np.abs(chosen[:, CP_PLAYER] - start[active][:, CP_PLAYER]) <= CHANGE_ATOL, axis=2
        )  # (b, n_cp)
        broke = fresh & (out.horizon[active] == NONE) & moved.any(axis=1)
        out.first_broken[active[broke]] = np.argmax(moved[broke], axis=1)
        out.first_broken_round[active[broke]] = r
        p_hedge = syria[:, HEDGE]
        ends = (p_hedge < 1.0 - CERTAIN) | (np.argmax(syria, axis=1) != HEDGE)
        ends &= out.horizon[active] == NONE
        out.horizon[active[ends]] = r
        others = [a for a in range(SHAPE[SYRIA]) if a != HEDGE]
        pick = np.array(others)[np.argmax(syria[:, others], axis=1)]
        out.exit[active[ends]] = pick[ends]
        tol_state = BatchState(sub.parameters, sub.settings, sub.levels.copy())
        update_levels(tol_state, syria)
        state.levels[active] = tol_state.levels
        if not record:
            active = active[~ends]
    assert round0 is not None
    _switch_point_fallback(scenario, out, round0, start, level_hist)
    return BatchRun(
        out,
        profiles,
        level_hist if record else None,
        mixed_games=mixed_games,
        rounds_stepped=stepped,
    )


def pure_mask(payoffs: FloatArray) -> npt.NDArray[np.bool_]:
    from sim.equilibria import pure_equilibrium_mask

    return pure_equilibrium_mask(payoffs, batched=True)


def _switch_point_fallback(
    scenario: Scenario, out: Outcomes, round0: BatchState, start: FloatArray, level_hist: FloatArray
) -> None:
    """``first_broken`` where no counterpart's response moved by the exit round: the first
    counterpart whose level fell below its switch point (:func:`sim.thresholds.switch_point`
    at round 0's parameters and levels, against round 0's profile).

    Against a pure round-0 profile (the usual case) this is vectorized and exact: a
    counterpart whose lowest level up to the exit round passes
    :func:`sim.thresholds.stays_above_batch` never falls below its switch point (no switch
    point needed); for the others :func:`sim.thresholds.switch_points_batch` gives the
    switch points bit for bit. Mixed round-0 profiles go one variant at a time."""
    from sim import thresholds

    rounds = scenario.repeated.rounds
    need = np.flatnonzero(out.first_broken == NONE)
    if need.size == 0:
        return
    ref = start[need]
    pure = np.all(
        (np.count_nonzero(ref, axis=2) == 1) & (np.count_nonzero(ref == 1.0, axis=2) == 1), axis=1
    )
    idx = need[pure]
    if idx.size:
        last = np.where(out.horizon[idx] != NONE, out.horizon[idx], rounds - 1)
        within = np.arange(rounds)[None, :] <= last[:, None]  # (V, rounds)
        hist = level_hist[idx]  # (V, rounds, n_cp)
        acts = np.argmax(ref[pure], axis=2)
        params = {
            k: (v[idx] if isinstance(v, np.ndarray) else v) for k, v in round0.parameters.items()
        }
        levels = {cp: round0.levels[idx, k] for k, cp in enumerate(model.COUNTERPARTS)}
        theta = np.full((idx.size, N_CP), np.nan)
        for k, cp in enumerate(model.COUNTERPARTS):
            floor = np.where(within, hist[:, :, k], np.inf).min(axis=1)
            todo = np.flatnonzero(~thresholds.stays_above_batch(params, levels, cp, acts, floor))
            if todo.size:
                theta[todo, k] = thresholds.switch_points_batch(
                    {n: (v[todo] if isinstance(v, np.ndarray) else v) for n, v in params.items()},
                    {c: v[todo] for c, v in levels.items()},
                    cp,
                    acts[todo],
                )
        with np.errstate(invalid="ignore"):
            below = np.asarray(within[:, :, None] & (hist < theta[:, None, :]))  # NaN: never
        any_below: npt.NDArray[np.bool_] = np.any(below, axis=2)
        hit = np.any(any_below, axis=1)
        r_first = np.argmax(any_below, axis=1)
        k_first = np.argmax(below[np.arange(idx.size), r_first], axis=1)
        out.first_broken[idx[hit]] = k_first[hit]
        out.first_broken_round[idx[hit]] = r_first[hit]
    # Same inputs give the same switch points: variants that differ only in what round 0
    # does not see (decay rates, later events) share them.
    cache: dict[bytes, list[float | None]] = {}
    for b in need[~pure]:
        params_b, levels_b = round0.one(int(b))
        reference = tuple(start[b, i, : SHAPE[i]].copy() for i in range(N_PLAYERS))
        key = (
            np.array(
                [float(v) for v in params_b.as_dict().values()] + list(levels_b.values())
            ).tobytes()
            + start[b].tobytes()
        )
        if key not in cache:
            cache[key] = [
                thresholds.switch_point(params_b, levels_b, cp, reference)
                for cp in model.COUNTERPARTS
            ]
        th = cache[key]
        last_b = int(out.horizon[b]) if out.horizon[b] != NONE else rounds - 1
        for r in range(last_b + 1):
            hits = [k for k, t in enumerate(th) if t is not None and level_hist[b, r, k] < t]
            if hits:
                out.first_broken[b] = hits[0]
                out.first_broken_round[b] = r
                break


def evaluate(scenario: Scenario, keys: Sequence[str], values: FloatArray) -> Outcomes:
    """The batch engine as a sweep evaluator (see :mod:`sim.sweep.evaluate`)."""
    return simulate(scenario, keys, values).outcomes
