"""The repeated game: the round-by-round simulator and the three horizons.

Each round ``r = 0 .. rounds - 1`` (``MODEL.md``, *Tolerance* and *Three horizons*):

1. apply the timeline's events of round ``r`` (:func:`sim.tolerance.apply_events`);
2. build the stage game at the current parameters and tolerance levels;
3. solve it (the scenario's ``repeated.solver``; ``auto`` = every pure equilibrium,
   a mixed one only when there is no pure one);
4. select one equilibrium by ``repeated.selection`` (``inertia`` keeps last round's
   profile while it is still an equilibrium, else ``repeated.fallback``;
   ``syria-optimal`` maximises Syria's expected payoff; ``welfare`` the sum);
5. record the round (:class:`Round`) and move the tolerances by Syria's selected mixed
   strategy (:func:`sim.tolerance.update`).

So the tolerance recorded for round ``r`` is the level the round is played at: with
certain hedging, no events and no clipping, ``tau_j(r) = tau_j(0) - r * kappa_j``.

The three horizons (:func:`horizons`):

- *myopic*: the first round whose selected stage equilibrium does not have Syria hedge
  for sure, plus the first round its hedge probability is below 1/2 and the first round
  hedge leaves the support;
- *forward-looking* (:func:`forward_looking`): Syria chooses a pure action each round,
  knowing the tolerance dynamics and that the counterparts answer each action with the
  selected equilibrium of the three-player game it induces; dynamic programming by
  backward induction (Bellman; e.g. Puterman, *Markov Decision Processes*, 1994, ch. 4)
  over the reachable, deterministic tolerance states;
- *sustainability* (:func:`sustainability`): grim-trigger (Nash-reversion) thresholds from
  the one-shot deviation principle (Fudenberg & Tirole, *Game Theory*, 1991, sec. 4.2 and
  5.1; Friedman 1971).

Everything is deterministic: no randomness is used.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import model
from sim import tolerance as tol
from sim.equilibria import Equilibrium, pure_equilibrium_mask, select, solve
from sim.errors import BudgetError
from sim.game import MixedProfile, NormalFormGame
from sim.scenario import ROUND_DAYS, RULE_NAMES, Scenario

SYRIA_INDEX = model.PLAYERS.index(model.SYRIA)
HEDGE_INDEX = model.ACTIONS[model.SYRIA].index(model.HEDGE)
#: Probabilities within this of 1 count as certain (horizon 1), within it of 0 as absent.
CERTAIN = 1e-9
#: Two strategies differing by more than this in some probability are a changed response.
CHANGE_ATOL = 1e-9
#: Tolerance levels are rounded to this many decimals to key the dynamic programme's states.
STATE_DECIMALS = 12
#: Forward-looking states :func:`run` evaluates by default (``sim.budget.MAX_STATES``).
MAX_FORWARD_STATES = 1_000_000
#: States whose stage games the forward-looking programme builds at once.
STATE_SLICE = 8192


# -- selection ------------------------------------------------------------------------
def selection_rule(scenario: Scenario) -> tuple[str, str]:
    """The scenario's selection rule and fallback in :func:`sim.equilibria.select`'s terms
    (``syria-optimal`` is ``player-optimal`` with Syria as the focal player)."""

    solver_names = {shown: rule for rule, shown in RULE_NAMES.items()}

    def name(rule: str) -> str:
        return solver_names.get(rule, rule)

    return name(scenario.repeated.selection), name(scenario.repeated.fallback)


def solve_stage(game: NormalFormGame, method: str) -> tuple[Equilibrium, ...]:
    """Every equilibrium ``method`` finds; a pure-only method that finds none falls back to
    ``auto`` (a mixed equilibrium), so a round always has one."""
    found = solve(game, method).equilibria
    if not found and method != "auto":
        found = solve(game, "auto").equilibria
    return found


def select_profile(
    equilibria: Sequence[Equilibrium],
    scenario: Scenario,
    previous: MixedProfile | None,
) -> Equilibrium:
    """The scenario's selection applied to ``equilibria``."""
    rule, fallback = selection_rule(scenario)
    return select(equilibria, rule, previous=previous, focal_player=SYRIA_INDEX, fallback=fallback)


# -- records ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class Round:
    """What happened in one round (see the module docstring for the order of steps).

    Attributes
    ----------
    round
        Round index, from 0.
    date
        ``start_date + round * days_per_round`` when the scenario has a start date (the
        same mapping :meth:`sim.scenario.Scenario.event_round` inverts).
    tolerance
        ``{counterpart: level}`` the round was played at (after its events).
    events
        Names of the events applied at the start of the round.
    parameters
        The stage model's parameters in the round.
    equilibria
        Every equilibrium found, in the solver's order.
    selected
        Index into ``equilibria`` of the selected one.
    syria_action_values
        ``{action: expected payoff}`` of each Syrian action against the others' selected play.
    changed
        Counterparts whose selected strategy differs from the previous round's.
    """

    round: int
    date: dt.date | None
    tolerance: Mapping[str, float]
    events: tuple[str, ...]
    parameters: model.Parameters
    equilibria: tuple[Equilibrium, ...]
    selected: int
    syria_action_values: Mapping[str, float]
    changed: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Round({self.round}, actions={self.actions})"

    @property
    def equilibrium(self) -> Equilibrium:
        return self.equilibria[self.selected]

    @property
    def profile(self) -> MixedProfile:
        return self.equilibrium.profile

    @property
    def strategies(self) -> dict[str, tuple[float, ...]]:
        """``{player: probabilities}`` of the selected profile."""
        return {
            p: tuple(float(x) for x in s) for p, s in zip(model.PLAYERS, self.profile, strict=True)
        }

    @property
    def actions(self) -> dict[str, str]:
        """The most likely action of each player in the selected profile (ties: first)."""
        return {
            p: model.ACTIONS[p][int(np.argmax(s))]
            for p, s in zip(model.PLAYERS, self.profile, strict=True)
        }

    @property
    def hedge_probability(self) -> float:
        return float(self.profile[SYRIA_INDEX][HEDGE_INDEX])

    @property
    def margin(self) -> float:
        """Hedge's expected payoff minus the best alternative's (against the others' play)."""
        v = self.syria_action_values
        return float(v[model.HEDGE] - max(x for a, x in v.items() if a != model.HEDGE))

    @property
    def syria_payoff(self) -> float:
        return float(self.equilibrium.payoffs[SYRIA_INDEX])

    @property
    def hedges_for_sure(self) -> bool:
        return self.hedge_probability >= 1.0 - CERTAIN


@dataclass(frozen=True, eq=False, repr=False)
class Trajectory:
    """An immutable run of a scenario: one :class:`Round` per round."""

    scenario: Scenario
    rounds: tuple[Round, ...]

    def __repr__(self) -> str:
        return f"Trajectory({self.scenario.name!r}, {len(self.rounds)} rounds)"

    def table(self) -> list[dict[str, Any]]:
        """A tidy table, one flat dict per round (for pandas or a CSV writer).

        Columns: ``round``, ``date``, ``tol_<cp>``, ``action_<player>``, ``p_<player>_<action>``,
        ``value_<action>`` (Syria's action values), ``hedge_probability``, ``margin``,
        ``syria_payoff``, ``value_of_ambiguity`` (Syria's payoff minus round 0's),
        ``n_equilibria``, ``events`` and ``changed`` (``;``-joined).
        """
        base = self.rounds[0].syria_payoff if self.rounds else 0.0
        rows = []
        for r in self.rounds:
            row: dict[str, Any] = {
                "round": r.round,
                "date": r.date.isoformat() if r.date else "",
            }
            for cp, v in r.tolerance.items():
                row[f"tol_{cp}"] = v
            for p, a in r.actions.items():
                row[f"action_{p}"] = a
            for p, s in r.strategies.items():
                for a, x in zip(model.ACTIONS[p], s, strict=True):
                    row[f"p_{p}_{a}"] = x
            for a, v in r.syria_action_values.items():
                row[f"value_{a}"] = v
            row["hedge_probability"] = r.hedge_probability
            row["margin"] = r.margin
            row["syria_payoff"] = r.syria_payoff
            row["value_of_ambiguity"] = r.syria_payoff - base
            row["n_equilibria"] = len(r.equilibria)
            row["events"] = ";".join(r.events)
            row["changed"] = ";".join(r.changed)
            rows.append(row)
        return rows


def round_date(scenario: Scenario, r: int) -> dt.date | None:
    start = scenario.repeated.start_date
    if start is None:
        return None
    return start + dt.timedelta(days=r * ROUND_DAYS[scenario.repeated.round_unit])


def _changed(previous: MixedProfile | None, current: MixedProfile) -> tuple[str, ...]:
    if previous is None:
        return ()
    out = []
    for k, p in enumerate(model.PLAYERS):
        if p == model.SYRIA:
            continue
        if not np.allclose(previous[k], current[k], rtol=0.0, atol=CHANGE_ATOL):
            out.append(p)
    return tuple(out)


def simulate(scenario: Scenario, *, until_exit: bool = False) -> Trajectory:
    """Run the scenario's repeated game round by round (the module docstring's five steps).

    Parameters
    ----------
    scenario
        The scenario.
    until_exit
        Stop after the first round in which Syria does not hedge for sure (the myopic
        horizon): enough for horizon 1, and it skips the costlier mixed rounds after it.

    Returns
    -------
    Trajectory
        One :class:`Round` per round of ``scenario.repeated.rounds`` (fewer with
        ``until_exit``).
    """
    events = scenario.events_by_round()
    state = tol.initial_state(scenario)
    previous: MixedProfile | None = None
    rounds: list[Round] = []
    syria_actions = model.ACTIONS[model.SYRIA]
    for r in range(scenario.repeated.rounds):
        state, applied = tol.apply_events(state, events.get(r, ()))
        levels = state.levels_dict()
        game = model.stage_game(state.parameters, levels)
        equilibria = solve_stage(game, scenario.repeated.solver)
        chosen = select_profile(equilibria, scenario, previous)
        index = next(k for k, eq in enumerate(equilibria) if eq is chosen)
        values = game.action_values(SYRIA_INDEX, chosen.profile)
        rounds.append(
            Round(
                round=r,
                date=round_date(scenario, r),
                tolerance=levels,
                events=applied,
                parameters=state.parameters,
                equilibria=equilibria,
                selected=index,
                syria_action_values={
                    a: float(v) for a, v in zip(syria_actions, values, strict=True)
                },
                changed=_changed(previous, chosen.profile),
            )
        )
        if until_exit and (
            not rounds[-1].hedges_for_sure or rounds[-1].actions[model.SYRIA] != model.HEDGE
        ):
            break
        previous = chosen.profile
        state = tol.update(state, tol.syria_strategy_dict(chosen.profile[SYRIA_INDEX]))
    return Trajectory(scenario, tuple(rounds))


# -- horizon 1: myopic -----------------------------------------------------------------
@dataclass(frozen=True)
class ExitPath:
    """Where Syria goes when hedging ends on the myopic path.

    Attributes
    ----------
    round
        The myopic horizon (``None`` if hedging never ends within the run).
    syria_action
        Syria's most likely non-hedge action in that round.
    first_broken
        The counterpart whose patience broke first: the first whose selected response
        differed from its round-0 response, at or before the exit round; if none did, the
        first whose tolerance fell below its switch point (``None`` if neither happened).
    first_broken_round
        The round that happened in.
    """

    round: int | None
    syria_action: str | None
    first_broken: str | None
    first_broken_round: int | None


@dataclass(frozen=True, repr=False)
class MyopicHorizon:
    """Horizon 1 (``MODEL.md``): rounds counted from 0, ``None`` if it never comes."""

    horizon: int | None
    half: int | None
    leaves_support: int | None
    value_of_ambiguity: tuple[float, ...]
    exit: ExitPath

    def __repr__(self) -> str:
        return (
            f"MyopicHorizon(horizon={self.horizon}, half={self.half}, "
            f"leaves_support={self.leaves_support}, exit={self.exit})"
        )


def myopic_horizon(
    trajectory: Trajectory, switch_points: Mapping[str, float | None] | None = None
) -> MyopicHorizon:
    """Horizon 1 and the exit path from a simulated trajectory.

    Parameters
    ----------
    trajectory
        From :func:`simulate`.
    switch_points
        ``{counterpart: theta}`` (from :func:`sim.thresholds.switch_points`), used for
        ``first_broken`` when no counterpart's response changed before the exit.
    """
    rounds = trajectory.rounds
    horizon = next(
        (r.round for r in rounds if not r.hedges_for_sure or r.actions[model.SYRIA] != model.HEDGE),
        None,
    )
    half = next((r.round for r in rounds if r.hedge_probability < 0.5), None)
    gone = next((r.round for r in rounds if r.hedge_probability <= CERTAIN), None)
    base = rounds[0].syria_payoff if rounds else 0.0
    ambiguity = tuple(r.syria_payoff - base for r in rounds)

    syria_action = None
    if horizon is not None:
        s = rounds[horizon].strategies[model.SYRIA]
        others = [
            (p, a) for a, p in zip(model.ACTIONS[model.SYRIA], s, strict=True) if a != model.HEDGE
        ]
        syria_action = max(others, key=lambda x: x[0])[1]
    last = horizon if horizon is not None else len(rounds) - 1
    first, first_round = None, None
    if rounds:
        start = rounds[0].strategies
        for r in rounds[: last + 1]:
            moved = [
                cp
                for cp in model.COUNTERPARTS
                if not np.allclose(r.strategies[cp], start[cp], rtol=0.0, atol=CHANGE_ATOL)
            ]
            if moved:
                first, first_round = moved[0], r.round
                break
        if first is None and switch_points:
            for r in rounds[: last + 1]:
                below = [
                    cp
                    for cp in model.COUNTERPARTS
                    if switch_points.get(cp) is not None
                    and r.tolerance[cp] < float(switch_points[cp])  # type: ignore[arg-type]
                ]
                if below:
                    first, first_round = below[0], r.round
                    break
    return MyopicHorizon(
        horizon, half, gone, ambiguity, ExitPath(horizon, syria_action, first, first_round)
    )


# -- horizon 2: forward-looking --------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ForwardLooking:
    """Horizon 2: Syria's optimal pure plan when it anticipates the dynamics.

    Attributes
    ----------
    horizon
        First round of the optimal plan in which Syria does not hedge (``None``: it hedges
        throughout the run).
    plan
        Syria's action in each round on the optimal path.
    value
        Discounted payoff of the optimal plan, ``sum_r discount**r * u_r``.
    myopic_plan, myopic_value, myopic_horizon
        The same for the greedy policy (each round the action with the best payoff this
        round) in the same model, the consistent benchmark for ``value_of_foresight``.
    value_of_foresight
        ``value - myopic_value`` (>= 0 by construction).
    states
        Number of distinct (round, tolerance) states the programme evaluated.
    """

    horizon: int | None
    plan: tuple[str, ...]
    payoffs: tuple[float, ...]
    value: float
    myopic_plan: tuple[str, ...]
    myopic_payoffs: tuple[float, ...]
    myopic_value: float
    myopic_horizon: int | None
    value_of_foresight: float
    states: int

    def __repr__(self) -> str:
        return (
            f"ForwardLooking(horizon={self.horizon}, value={self.value:.4g}, "
            f"value_of_foresight={self.value_of_foresight:.4g}, states={self.states})"
        )


def _transition(
    levels: np.ndarray, state: tol.ToleranceState, syria: Mapping[str, float]
) -> np.ndarray:
    """Vectorised :func:`sim.tolerance.update` of many level vectors ``(n, n_cp)`` sharing
    ``state``'s settings."""
    p_hedge = float(syria.get(model.HEDGE, 0.0))
    delta = np.array(
        [
            tol.level_change(s, p_hedge, float(syria.get(model.WISHES[cp], 0.0)))
            for cp, s in zip(state.counterparts, state.settings, strict=True)
        ]
    )
    return np.asarray(np.clip(levels + delta, 0.0, 1.0))


def _induced_payoffs(
    batch: np.ndarray,
    action: int,
    scenario: Scenario,
    reference: MixedProfile | None,
) -> np.ndarray:
    """Syria's payoff in each game of ``batch`` ``(B, n, *shape)`` when it plays ``action``
    for sure and the counterparts play the selected equilibrium of the induced game."""
    sub = np.ascontiguousarray(batch[:, :, action : action + 1])
    n = sub.shape[0]
    mask = pure_equilibrium_mask(sub, batched=True)
    flat = mask.reshape(n, -1)
    counts = flat.sum(axis=1)
    syria = sub[:, SYRIA_INDEX].reshape(n, -1)
    out = syria[np.arange(n), np.argmax(flat, axis=1)].astype(np.float64)
    ref = None if reference is None else (np.array([1.0]), *reference[1:])
    # The reference's pure cell, if it is pure: inertia keeps it whenever it is an
    # equilibrium, which is what select() would do, without building the candidates.
    ref_cell = None
    inertia = ref is not None and scenario.repeated.selection == "inertia"
    if ref is not None and inertia and all(float(np.max(s)) >= 1.0 - CERTAIN for s in ref):
        ref_cell = tuple(int(np.argmax(s)) for s in ref)
    for b in np.flatnonzero(counts != 1):
        cells = [tuple(int(x) for x in row) for row in np.argwhere(mask[b])]
        if ref_cell is not None and ref_cell in cells:
            out[b] = float(sub[(b, SYRIA_INDEX, *ref_cell)])
            continue
        game = NormalFormGame(sub[b])
        if cells:
            # Already verified by the exact enumerator: wrap them without re-checking.
            eqs: tuple[Equilibrium, ...] = tuple(
                Equilibrium(
                    game.pure_to_mixed(c), np.asarray(sub[b][(slice(None), *c)]), "pure", 0.0
                )
                for c in cells
            )
        else:
            eqs = solve(game, "auto").equilibria
        out[b] = float(select_profile(eqs, scenario, ref).payoffs[SYRIA_INDEX])
    return out


def _choose(q: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """Per row, the first action in ``order`` whose value ties the row's best (1e-12)."""
    best = q.max(axis=1, keepdims=True)
    ok = q >= best - 1e-12 * np.maximum(1.0, np.abs(best))
    ranked = ok[:, list(order)]
    return np.asarray(np.array(order)[np.argmax(ranked, axis=1)])


@dataclass(frozen=True, repr=False)
class StateGraph:
    """The reachable (round, tolerance levels) states of the forward-looking programme.

    ``levels[r]`` holds round ``r``'s distinct level vectors ``(n_r, n_counterparts)``;
    ``successors[r][b, a]`` is the row of ``levels[r + 1]`` reached from row ``b`` when Syria
    plays action ``a``; ``states[r]`` carries round ``r``'s parameters and settings.
    """

    levels: tuple[np.ndarray, ...]
    successors: tuple[np.ndarray, ...]
    states: tuple[tol.ToleranceState, ...]

    @property
    def size(self) -> int:
        """The number of states (the programme's work and memory scale with it)."""
        return sum(int(r.shape[0]) for r in self.levels)

    def __repr__(self) -> str:
        return f"StateGraph({len(self.levels)} rounds, {self.size} states)"


def state_graph(
    scenario: Scenario, max_states: int | None = None, *, counts: list[int] | None = None
) -> StateGraph:
    """The reachable states of :func:`forward_looking`: transitions only, no stage game.

    Each round's states move by :func:`sim.tolerance.update` with each pure action of Syria,
    then the next round's events; levels rounded to :data:`STATE_DECIMALS` decimals merge.
    Cheap next to the programme itself (no game is built), so budgets can count states
    before any work.

    ``counts``, if given, receives each round's number of states as they are reached (so a
    caller can extrapolate after a refusal).

    Raises
    ------
    BudgetError
        As soon as more than ``max_states`` states are reached (``None``: no limit).
    """
    counts = [] if counts is None else counts
    rounds = scenario.repeated.rounds
    events = scenario.events_by_round()
    n_a = len(model.ACTIONS[model.SYRIA])
    state, _ = tol.apply_events(tol.initial_state(scenario), events.get(0, ()))
    pure_plays = [tol.syria_strategy_dict(np.eye(n_a)[a]) for a in range(n_a)]
    level_rows = np.round(np.array([state.levels]), STATE_DECIMALS)
    levels, successors, states = [level_rows], [], [state]
    total = 1
    counts.append(1)
    for r in range(rounds - 1):
        n = level_rows.shape[0]
        moved = [_transition(level_rows, state, pure_plays[a]) for a in range(n_a)]
        nxt_events = events.get(r + 1, ())
        after, _ = tol.apply_events(state, nxt_events)
        if nxt_events:
            moved = [
                np.array(
                    [tol.apply_events(state.with_levels(row), nxt_events)[0].levels for row in m]
                )
                for m in moved
            ]
        stacked = np.round(np.concatenate(moved), STATE_DECIMALS)
        level_rows, inverse = np.unique(stacked, axis=0, return_inverse=True)
        successors.append(np.asarray(inverse).reshape(n_a, n).T)
        state = after
        levels.append(level_rows)
        states.append(state)
        total += level_rows.shape[0]
        counts.append(int(level_rows.shape[0]))
        if max_states is not None and total > max_states:
            raise BudgetError(
                f"the forward-looking programme has more than {max_states:,} states by round "
                f"{r + 1} of {rounds} (docs/budgets.md; max_states=None lifts the bound)"
            )
    return StateGraph(tuple(levels), tuple(successors), tuple(states))


def forward_looking(
    scenario: Scenario,
    reference: MixedProfile | None = None,
    *,
    max_states: int | None = None,
) -> ForwardLooking:
    """Horizon 2 by backward induction over the reachable tolerance states.

    The model: in round ``r`` at state ``s``, Syria picks a pure action ``a``; the
    counterparts play the selected equilibrium (scenario's rule; ``inertia`` keeps
    ``reference`` restricted to the counterparts, by default their round-0 responses, while
    it is an equilibrium) of the three-player game induced by ``a`` at ``s``'s tolerances;
    Syria gets its stage payoff; the state moves by :func:`sim.tolerance.update` with the
    pure ``a`` and then round ``r + 1``'s events. Values are
    ``V_r(s) = max_a u_r(s, a) + discount * V_{r+1}(s')`` with ``V_rounds = 0`` (the run
    ends: no continuation value beyond it). Transitions are deterministic, so the states
    are exactly the reachable ones; levels are rounded to :data:`STATE_DECIMALS` decimals
    so that paths reaching the same state merge. Parameters and settings depend on the
    round only (events are dated), so one batch of stage games is built per round.
    Ties between actions are broken in favour of hedging, then by action order.

    Parameters
    ----------
    scenario
        The scenario.
    reference
        The 4-player profile whose counterpart part ``inertia`` keeps; by default the
        selected profile of round 0 of :func:`simulate`.
    max_states
        Refuse (:class:`~sim.errors.BudgetError`) before building any stage game if the
        programme has more states (see :func:`state_graph`); ``None``: no limit.
    """
    rounds = scenario.repeated.rounds
    delta = scenario.repeated.discount
    actions = model.ACTIONS[model.SYRIA]
    n_a = len(actions)
    graph = state_graph(scenario, max_states)
    if reference is None:
        g0 = model.stage_game(graph.states[0].parameters, graph.states[0].levels_dict())
        reference = select_profile(
            solve_stage(g0, scenario.repeated.solver), scenario, None
        ).profile
    payoffs: list[np.ndarray] = []
    for r, level_rows in enumerate(graph.levels):
        state = graph.states[r]
        parts = []
        # Stage games are built a slice of states at a time: memory stays bounded by the
        # slice, not by the round's number of states.
        for lo in range(0, level_rows.shape[0], STATE_SLICE):
            rows = level_rows[lo : lo + STATE_SLICE]
            batch_levels = {cp: rows[:, k] for k, cp in enumerate(state.counterparts)}
            batch = np.asarray(model.stage_payoffs(state.parameters, batch_levels))
            parts.append(
                np.stack([_induced_payoffs(batch, a, scenario, reference) for a in range(n_a)], 1)
            )
        payoffs.append(np.concatenate(parts))
    successors = graph.successors

    order = [HEDGE_INDEX] + [a for a in range(n_a) if a != HEDGE_INDEX]
    choice: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * rounds
    cont: np.ndarray | None = None
    for r in reversed(range(rounds)):
        q = payoffs[r].copy()
        if cont is not None:
            q = q + delta * cont[successors[r]]
        pick = _choose(q, order)
        choice[r] = pick
        cont = q[np.arange(q.shape[0]), pick]
    greedy = [_choose(p, order) for p in payoffs]

    def follow(policy: list[np.ndarray]) -> tuple[tuple[str, ...], tuple[float, ...]]:
        plan, pay, b = [], [], 0
        for r in range(rounds):
            a = int(policy[r][b])
            plan.append(actions[a])
            pay.append(float(payoffs[r][b, a]))
            if r < len(successors):
                b = int(successors[r][b, a])
        return tuple(plan), tuple(pay)

    plan, pay = follow(choice)
    gplan, gpay = follow(greedy)

    def disc(xs: Sequence[float]) -> float:
        return float(sum(x * delta**r for r, x in enumerate(xs)))

    def stop(p: Sequence[str]) -> int | None:
        return next((r for r, a in enumerate(p) if a != model.HEDGE), None)

    value, gvalue = disc(pay), disc(gpay)
    return ForwardLooking(
        horizon=stop(plan),
        plan=plan,
        payoffs=pay,
        value=value,
        myopic_plan=gplan,
        myopic_payoffs=gpay,
        myopic_value=gvalue,
        myopic_horizon=stop(gplan),
        value_of_foresight=value - gvalue,
        states=sum(p.shape[0] for p in payoffs),
    )


# -- horizon 3: sustainability ---------------------------------------------------------
def grim_trigger_threshold(temptation: float, reward: float, punishment: float) -> float:
    """Smallest discount factor at which grim trigger (Nash reversion) sustains a profile.

    One-shot deviation principle (Fudenberg & Tirole, *Game Theory*, 1991, sec. 4.2; the
    folk theorem of Friedman 1971): conforming forever pays ``R / (1 - d)``, deviating once
    and being punished forever after pays ``T + d P / (1 - d)``. Conforming is optimal iff
    ``d >= (T - R) / (T - P)``.

    Returns
    -------
    float
        ``0.0`` if ``T <= R`` (no temptation: sustained at any discount);
        ``(T - R) / (T - P)`` if ``T > R`` and ``P < T`` (a value >= 1 means never, since
        that happens exactly when ``P >= R``);
        ``math.inf`` if ``T > R`` and ``P >= T`` (the punishment is no threat).
    """
    if temptation <= reward:
        return 0.0
    if punishment >= temptation:
        return math.inf
    return (temptation - reward) / (temptation - punishment)


def grim_trigger_thresholds(
    game: NormalFormGame,
    cooperative: Sequence[Any],
    punishment: Sequence[Any],
    punishment_game: NormalFormGame | None = None,
    *,
    atol: float = 1e-12,
) -> tuple[float, ...]:
    """Each player's grim-trigger threshold for sustaining ``cooperative`` in ``game``.

    ``T_i`` is player ``i``'s best unilateral deviation payoff against ``cooperative``,
    ``R_i`` its payoff at ``cooperative``, ``P_i`` its payoff at ``punishment`` in
    ``punishment_game`` (default: ``game``). ``T_i`` within ``atol`` of ``R_i`` counts as
    no temptation. See :func:`grim_trigger_threshold`.
    """
    coop = game.as_mixed(cooperative)
    pun_game = punishment_game or game
    p_pay = pun_game.payoff(pun_game.as_mixed(punishment))
    r_pay = game.payoff(coop)
    out = []
    for i in range(game.n_players):
        t = float(game.action_values(i, coop).max())
        r = float(r_pay[i])
        if t <= r + atol * max(1.0, abs(r)):
            t = r
        out.append(grim_trigger_threshold(t, r, float(p_pay[i])))
    return tuple(out)


@dataclass(frozen=True, repr=False)
class Sustainability:
    """Horizon 3 per round.

    Attributes
    ----------
    thresholds
        Per round, ``{player: delta_i}`` (``math.inf``: not sustainable at any discount).
    discount
        Per round, ``max_i delta_i``: the smallest discount factor sustaining the
        cooperative profile in that round's stage game.
    first_exceeds
        First round whose ``discount`` exceeds the scenario's discount factor (``None``: never).
    punishment
        The punishment profile's most likely actions (at round 0's parameters).
    """

    thresholds: tuple[Mapping[str, float], ...]
    discount: tuple[float, ...]
    first_exceeds: int | None
    punishment: Mapping[str, str]

    def __repr__(self) -> str:
        first = f"{self.discount[0]:.3g}" if self.discount else "-"
        return (
            f"Sustainability(first_exceeds={self.first_exceeds}, discount[0]={first}, "
            f"{len(self.discount)} rounds, punishment={dict(self.punishment)})"
        )


def sustainability(scenario: Scenario, trajectory: Trajectory) -> Sustainability:
    """Grim-trigger thresholds for the round-0 hedging profile, round by round.

    The cooperative profile is round 0's selected profile. In round ``r`` its temptations
    ``T_i`` and rewards ``R_i`` come from round ``r``'s stage game: the standard stationary
    reading (the threshold a player would need if that stage game were repeated for ever).
    The punishment is the tolerance collapse the counterparts threaten: the selected
    equilibrium (scenario's rule, no history) of the stage game at round ``r``'s parameters
    with every tolerance at 0, and ``P_i`` is its payoff there.
    """
    if not trajectory.rounds:
        return Sustainability((), (), None, {})
    coop = trajectory.rounds[0].profile
    cache: dict[model.Parameters, tuple[NormalFormGame, MixedProfile]] = {}
    thresholds, maxima = [], []
    punish_actions: dict[str, str] = {}
    for r in trajectory.rounds:
        if r.parameters not in cache:
            zero = model.stage_game(r.parameters, {cp: 0.0 for cp in model.COUNTERPARTS})
            eq = select_profile(solve_stage(zero, scenario.repeated.solver), scenario, None)
            cache[r.parameters] = (zero, eq.profile)
        zero, pun = cache[r.parameters]
        if not punish_actions:
            punish_actions = {
                p: model.ACTIONS[p][int(np.argmax(s))]
                for p, s in zip(model.PLAYERS, pun, strict=True)
            }
        game = model.stage_game(r.parameters, r.tolerance)
        th = grim_trigger_thresholds(game, coop, pun, zero)
        thresholds.append(dict(zip(model.PLAYERS, th, strict=True)))
        maxima.append(max(th))
    first = next((k for k, d in enumerate(maxima) if d > scenario.repeated.discount), None)
    return Sustainability(tuple(thresholds), tuple(maxima), first, punish_actions)


# -- everything --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class RunResult:
    """A scenario's run: the trajectory and its three horizons."""

    scenario: Scenario
    trajectory: Trajectory
    myopic: MyopicHorizon
    forward: ForwardLooking
    sustainability: Sustainability
    switch_points: Mapping[str, float | None]
    closed_form: Any  # sim.thresholds.ClosedFormHorizon
    knife_edge: Any = None  # sim.ties.KnifeEdge: the comparison a tied myopic horizon turns on

    def __repr__(self) -> str:
        return (
            f"RunResult({self.scenario.name!r}, {len(self.trajectory.rounds)} rounds, "
            f"myopic horizon {self.myopic.horizon}, forward-looking {self.forward.horizon}, "
            f"sustainable until {self.sustainability.first_exceeds})"
        )


def run(scenario: Scenario, *, max_states: int | None = MAX_FORWARD_STATES) -> RunResult:
    """Simulate ``scenario`` and compute its three horizons, switch points, the
    closed-form myopic horizon (:mod:`sim.thresholds`) and whether the myopic horizon is
    a tie (:mod:`sim.ties`).

    ``max_states`` bounds the forward-looking programme (:func:`forward_looking`; the
    budget of ``docs/budgets.md`` by default, ``None``: no bound): a long run refuses with
    :class:`~sim.errors.BudgetError` instead of taking memory without bound. The command
    line checks the budget before any work (:mod:`sim.budget`) and passes ``None``.
    """
    from sim import thresholds, ties

    trajectory = simulate(scenario)
    switch = thresholds.switch_points(scenario, trajectory.rounds[0].profile)
    myopic = myopic_horizon(trajectory, switch)
    return RunResult(
        scenario=scenario,
        trajectory=trajectory,
        myopic=myopic,
        forward=forward_looking(scenario, trajectory.rounds[0].profile, max_states=max_states),
        sustainability=sustainability(scenario, trajectory),
        switch_points=switch,
        closed_form=thresholds.closed_form_myopic_horizon(
            scenario, trajectory.rounds[0].profile, switch
        ),
        knife_edge=ties.knife_edge(
            scenario, [r.profile for r in trajectory.rounds], myopic.horizon
        ),
    )
