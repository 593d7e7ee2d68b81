"""Ties: answers that turn on a payoff comparison within the solvers' verification tolerance.

The solvers accept a profile as an equilibrium when no player gains more than the
verification tolerance (``DEFAULT_TOLERANCE`` times the game's payoff scale) by deviating.
So when a counterpart's tolerance lands on its switch point, its response is a best
response only up to that tolerance, and whether hedging survives the round is decided by
rounding, not by the model. Such an answer is reported as a *tie*, never as one clean
number.

The test (:func:`knife_edge`): take the profile played in the last round of certain hedging
(``P``). In round ``r`` (the last hedging round, or the round hedging ends) some player's
alternative action pays the same as its action in ``P`` within the verification tolerance,
and one round later, hedging continued, the alternative is strictly better. Had the
comparison in round ``r`` gone the other way, hedging would end in round ``r`` instead of
``r + 1``: the horizon is "``r`` or ``r + 1``".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim import model
from sim import tolerance as tol
from sim.game import DEFAULT_TOLERANCE, MixedProfile, NormalFormGame
from sim.scenario import Scenario

#: Probabilities at or below this are outside a strategy's support.
SUPPORT = 1e-9


@dataclass(frozen=True)
class KnifeEdge:
    """A comparison within the verification tolerance that decides a round-valued answer.

    Attributes
    ----------
    round
        The round in which it is within tolerance: the answer is ``round`` or ``round + 1``.
    player, action, alternative
        Whose comparison: its action in the hedging profile and the alternative that pays
        the same within tolerance in ``round`` and strictly more in ``round + 1``.
    difference
        The alternative's payoff minus the action's in ``round``.
    tolerance
        The verification tolerance of that round's stage game.
    """

    round: int
    player: str
    action: str
    alternative: str
    difference: float
    tolerance: float


def verification_tolerance(game: NormalFormGame) -> float:
    """The regret the solvers accept in ``game`` (:func:`sim.equilibria.verify`)."""
    return DEFAULT_TOLERANCE * game.payoff_scale


def near_alternatives(
    game: NormalFormGame, profile: MixedProfile
) -> list[tuple[int, int, int, float]]:
    """``(player, action, alternative, difference)`` for every player and every action
    outside its support in ``profile`` whose payoff against the others' play is within
    the verification tolerance of its own (``difference`` = alternative minus own; ``action``
    is the player's most likely action)."""
    bound = verification_tolerance(game)
    out = []
    for i, (values, s) in enumerate(zip(game.all_action_values(game.as_mixed(profile)),
                                        profile, strict=True)):
        own = float(values @ s)
        for a in range(len(s)):
            if s[a] <= SUPPORT and abs(float(values[a]) - own) <= bound:
                out.append((i, int(np.argmax(s)), a, float(values[a]) - own))
    return out


def strictly_better(game: NormalFormGame, profile: MixedProfile, player: int,
                    alternative: int) -> bool:
    """Whether ``alternative`` beats ``player``'s play in ``profile`` by more than the
    verification tolerance."""
    values = game.action_values(player, game.as_mixed(profile))
    own = float(values @ np.asarray(profile[player], dtype=np.float64))
    return float(values[alternative]) - own > verification_tolerance(game)


def _continued_games(scenario: Scenario, strategies: Sequence[np.ndarray], hedging: np.ndarray,
                     last: int) -> list[NormalFormGame]:
    """The stage games of rounds ``0 .. last`` when Syria plays ``strategies[r]`` in the
    rounds it has and ``hedging`` after them (timeline events applied as in a run)."""
    events = scenario.events_by_round()
    state = tol.initial_state(scenario)
    games = []
    for r in range(last + 1):
        state, _ = tol.apply_events(state, events.get(r, ()))
        games.append(model.stage_game(state.parameters, state.levels_dict()))
        played = strategies[r] if r < len(strategies) else hedging
        state = tol.update(state, tol.syria_strategy_dict(played))
    return games


def knife_edge(scenario: Scenario, profiles: Sequence[MixedProfile],
               horizon: int | None) -> KnifeEdge | None:
    """The comparison the myopic ``horizon`` turns on, if it is a tie (module docstring).

    Parameters
    ----------
    scenario
        The scenario run.
    profiles
        The selected profile of each round of the run.
    horizon
        The myopic horizon (``None``: hedging never ends; ``0``: it never starts; neither
        can be a tie of this kind).
    """
    if horizon is None or horizon == 0:
        return None
    hedging = profiles[horizon - 1]
    syria = model.PLAYERS.index(model.SYRIA)
    strategies = [np.asarray(p[syria], dtype=np.float64) for p in profiles[:horizon]]
    games = _continued_games(scenario, strategies, np.asarray(hedging[syria]), horizon + 1)
    for r in (horizon - 1, horizon):
        for player, action, alternative, difference in near_alternatives(games[r], hedging):
            if strictly_better(games[r + 1], hedging, player, alternative):
                name = model.PLAYERS[player]
                return KnifeEdge(r, name, model.ACTIONS[name][action],
                                 model.ACTIONS[name][alternative], difference,
                                 verification_tolerance(games[r]))
    return None
