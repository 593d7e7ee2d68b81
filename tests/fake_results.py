"""A small results mapping shaped like results.json (sim/results.py), for plot and report tests.

The rounds are scripted (not simulated) but every number that the model determines is
computed from the real stage game: each round's margin, Syria's payoff and the
equilibrium payoffs come from :func:`sim.model.stage_game` at that round's tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim import model

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


def fake_results(n_rounds: int = 12, *, never_ends: bool = False) -> dict[str, Any]:
    """Results of a scripted run: hedging for 7 rounds, two mixed rounds, then align.

    With ``never_ends``, Syria hedges in every round and no horizon is reached.
    """
    params = model.Parameters()
    decay = {"iran": 0.08, "israel": 0.05, "gulf": 0.04}
    if never_ends:  # patience wears slowly: no counterpart reaches its switch point
        decay = {p: d / 4 for p, d in decay.items()}
    rounds = []
    for t in range(n_rounds):
        tolerance = {p: max(0.0, 1.0 - decay[p] * t) for p in model.COUNTERPARTS}
        if never_ends or t < 7:
            phase = "hedge"
        elif t < 9:
            phase = "mixed"
        else:
            phase = "align"
        profile = _vectors(PROFILES[phase])
        game = model.stage_game(params, tolerance)
        mixed = tuple(np.asarray(s) for s in profile)
        values = game.action_values("syria", mixed)
        named = dict(zip(model.ACTIONS["syria"], (float(v) for v in values), strict=True))
        margin = named["hedge"] - max(v for a, v in named.items() if a != "hedge")
        payoffs = game.payoff(mixed)
        rounds.append({
            "round": t,
            "tolerance": tolerance,
            "selected": {p: max(PROFILES[phase][p], key=PROFILES[phase][p].__getitem__)
                         for p in model.PLAYERS},
            "profile": dict(zip(model.PLAYERS, profile, strict=True)),
            "margin": margin,
            "hedge_probability": profile[0][1],
            "syria_payoff": float(payoffs[0]),
            "syria_action_values": named,
            "equilibria": [{"profile": profile, "payoffs": [float(x) for x in payoffs],
                            "method": "scripted", "regret": float(game.max_regret(mixed)),
                            "selected": True}],
            "events": ["unity_visit"] if t == 3 else [],
        })
    if never_ends:
        horizons: dict[str, Any] = {
            "myopic": None, "myopic_half": None, "leaves_support": None,
            "forward_looking": None, "value_of_foresight": 0.0,
            "sustainability_discount": 0.41, "sustainability_exceeded": None,
        }
        exit_: dict[str, Any] = {"round": None, "syria_action": None, "first_broken": None,
                                 "first_broken_round": None}
    else:
        horizons = {
            "myopic": 7, "myopic_half": 9, "leaves_support": 9,
            "forward_looking": 5, "value_of_foresight": 0.4,
            "sustainability_discount": 0.62, "sustainability_exceeded": 7,
        }
        exit_ = {"round": 7, "syria_action": "align", "first_broken": "iran",
                 "first_broken_round": 7}
    return {
        "schema_version": 1,
        "scenario": {"name": "fake", "hash": "0" * 16, "round_unit": "month", "discount": 0.95,
                     "question": "How long can Syria keep hedging?"},
        "players": list(model.PLAYERS),
        "actions": {p: list(a) for p, a in model.ACTIONS.items()},
        "horizons": horizons,
        "exit": exit_,
        "switch_points": {"iran": 0.45, "israel": 0.3, "gulf": None},
        "rounds": rounds,
    }
