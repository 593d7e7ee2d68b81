"""Small typed results for figure and report tests (:class:`sim.results.RunResults`).

The rounds are scripted (not simulated), but every number the model determines is computed
from the real stage game: each round's margin, Syria's payoff and the equilibrium payoffs
come from :func:`sim.model.stage_game` at that round's tolerance; the stage game of round 0
and the decomposition are the model's own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim import model
from sim.results import Horizon
from sim.results.run import Decomposition, RunResults, TermDifference

PROFILES: dict[str, dict[str, dict[str, float]]] = {
    "hedge": {"syria": {"hedge": 1.0}, "iran": {"support": 1.0},
              "israel": {"interdict": 1.0}, "gulf": {"engage": 1.0}},
    "mixed": {"syria": {"hedge": 0.7, "align": 0.3}, "iran": {"support": 0.6, "condition": 0.4},
              "israel": {"interdict": 1.0}, "gulf": {"wait": 1.0}},
    "align": {"syria": {"align": 1.0}, "iran": {"condition": 1.0},
              "israel": {"interdict": 1.0}, "gulf": {"wait": 1.0}},
}


def _vectors(choice: dict[str, dict[str, float]]) -> list[list[float]]:
    out = []
    for p in model.PLAYERS:
        v = [0.0] * len(model.ACTIONS[p])
        for action, prob in choice[p].items():
            v[model.ACTIONS[p].index(action)] = prob
        out.append(v)
    return out


def fake_data(n_rounds: int = 12, *, never_ends: bool = False) -> dict[str, Any]:
    """The data of :func:`fake_results`, as a plain mapping (to edit before validating)."""
    params = model.Parameters()
    decay = {"iran": 0.08, "israel": 0.05, "gulf": 0.04}
    if never_ends:  # patience wears slowly: no counterpart reaches its switch point
        decay = {p: d / 4 for p, d in decay.items()}
    rounds = []
    for t in range(n_rounds):
        tolerance = {p: max(0.0, 1.0 - decay[p] * t) for p in model.COUNTERPARTS}
        phase = "hedge" if never_ends or t < 7 else "mixed" if t < 9 else "align"
        profile = _vectors(PROFILES[phase])
        game = model.stage_game(params, tolerance)
        mixed = tuple(np.asarray(s) for s in profile)
        values = game.action_values("syria", mixed)
        named = dict(zip(model.ACTIONS["syria"], (float(v) for v in values), strict=True))
        payoffs = game.payoff(mixed)
        rounds.append({
            "round": t,
            "date": None,
            "tolerance": tolerance,
            "selected": {p: max(PROFILES[phase][p], key=PROFILES[phase][p].__getitem__)
                         for p in model.PLAYERS},
            "profile": dict(zip(model.PLAYERS, profile, strict=True)),
            "hedge_probability": profile[0][1],
            "margin": named["hedge"] - max(v for a, v in named.items() if a != "hedge"),
            "syria_payoff": float(payoffs[0]),
            "value_of_ambiguity": 0.0,
            "syria_action_values": named,
            "equilibria": [{"profile": profile, "payoffs": [float(x) for x in payoffs],
                            "method": "scripted", "regret": float(game.max_regret(mixed)),
                            "selected": True}],
            "events": ["unity_visit"] if t == 3 else [],
            "changed": [],
            "sustainability_discount": None,
        })
    for r in rounds:
        r["value_of_ambiguity"] = r["syria_payoff"] - rounds[0]["syria_payoff"]

    def h(x: int | None) -> dict[str, Any]:
        return Horizon.of(x).model_dump()

    if never_ends:
        horizons: dict[str, Any] = {
            "myopic": h(None), "myopic_half": h(None), "leaves_support": h(None),
            "forward_looking": h(None), "value_of_foresight": 0.0,
            "sustainability_discount": 0.41, "sustainability_exceeded": h(None),
        }
        exit_: dict[str, Any] = {"round": None, "syria_action": None, "first_broken": None,
                                 "first_broken_round": None}
    else:
        horizons = {
            "myopic": h(7), "myopic_half": h(9), "leaves_support": h(9),
            "forward_looking": h(5), "value_of_foresight": 0.4,
            "sustainability_discount": 0.62, "sustainability_exceeded": h(7),
        }
        exit_ = {"round": 7, "syria_action": "align", "first_broken": "iran",
                 "first_broken_round": 7}
    horizons["value_of_ambiguity_at_exit"] = None
    horizons["value_of_ambiguity_final"] = None
    horizons["closed_form_myopic"] = {
        "horizon": horizons["myopic"], "binding": None if never_ends else "iran",
        "crossing": {p: h(None) for p in model.COUNTERPARTS},
        "decisive": {p: p == "iran" for p in model.COUNTERPARTS}, "applies": True}
    first = rounds[0]
    game0 = model.stage_game(params, first["tolerance"])
    dec = decomposition(params, first["tolerance"],
                        tuple(np.asarray(s) for s in _vectors(PROFILES["hedge"])))
    return {
        "scenario": {"name": "fake", "hash": "0" * 64, "description": "A scripted run.",
                     "question": "How long can Syria keep hedging?", "round_unit": "month",
                     "rounds": n_rounds, "discount": 0.95, "selection": "inertia",
                     "fallback": "syria-optimal", "solver": "auto", "resolved": {"name": "fake"},
                     "source": None, "overrides": []},
        "players": list(model.PLAYERS),
        "actions": {p: list(a) for p, a in model.ACTIONS.items()},
        "focal": "syria",
        "focus": "hedge",
        "labels": {"players": dict(model.PLAYER_LABELS),
                   "actions": {p: {a: a for a in acts} for p, acts in model.ACTIONS.items()}},
        "horizons": horizons,
        "exit": exit_,
        "switch_points": {"iran": 0.45, "israel": 0.3, "gulf": None},
        "forward_looking": {"plan": ["hedge"] * n_rounds, "payoffs": [1.0] * n_rounds,
                            "value": 1.0, "myopic_plan": ["hedge"] * n_rounds,
                            "myopic_payoffs": [1.0] * n_rounds, "myopic_value": 1.0,
                            "myopic_horizon": None, "states": n_rounds},
        "sustainability": {"punishment": {p: model.ACTIONS[p][0] for p in model.PLAYERS},
                           "discount": [None] * n_rounds,
                           "thresholds": [{p: None for p in model.PLAYERS}] * n_rounds},
        "rounds": rounds,
        "stage_games": [{"round": 0, "parameters": params.as_dict(),
                         "tolerance": first["tolerance"],
                         "payoffs": [list(p.reshape(-1)) for p in game0.payoffs]}],
        "decomposition": dec.model_dump(),
        "claims": {"C05": {"paragraph": 5, "restatement": "Joining the axis means war."},
                   "C10": {"paragraph": 10, "restatement": "Iran pays."}},
    }


def fake_results(n_rounds: int = 12, *, never_ends: bool = False,
                 **changes: Any) -> RunResults:
    """Results of a scripted run: hedging for 7 rounds, two mixed rounds, then align.

    With ``never_ends``, Syria hedges in every round and no horizon is reached; ``changes``
    replace top-level entries of the data before validation.
    """
    data = fake_data(n_rounds, never_ends=never_ends)
    data.update(changes)
    return RunResults.model_validate(data)


def decomposition(params: model.Parameters, tolerance: dict[str, float],
                  profile: Any, round_: int = 0, player: str = model.SYRIA,
                  focus: str = model.HEDGE) -> Decomposition:
    """The first model's term-by-term difference of ``focus`` and each alternative (kept
    here for the first model's fake results until the first model goes)."""
    k = model.PLAYERS.index(player)
    names = model.ACTIONS[player]
    alternatives = [a for a in names if a != focus]

    def at(action: str) -> tuple[model.TermValue, ...]:
        swapped = list(profile)
        swapped[k] = np.eye(len(names))[names.index(action)]
        return model.decompose(params, tolerance, player, tuple(swapped))

    base = at(focus)
    others = {a: at(a) for a in alternatives}
    terms = [TermDifference(name=t.name, claims=list(t.claims), description=t.description,
                            differences={a: t.value - others[a][i].value
                                         for a in alternatives})
             for i, t in enumerate(base)]
    totals = {a: float(sum(t.value - o.value for t, o in zip(base, others[a], strict=True)))
              for a in alternatives}
    return Decomposition(round=round_, player=player, focus=focus, alternatives=alternatives,
                         terms=terms, totals=totals)
