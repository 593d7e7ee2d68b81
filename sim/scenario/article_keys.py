"""Key paths of the article's game (Model 2): every parameter by exactly one key path.

The tables here are the one declaration of how scenario keys name the parameters of
:mod:`sim.article.parameters` and the state an event may move; the schema
(:mod:`sim.scenario.article_schema`), key ranges (:mod:`sim.scenario.keys`) and the docs
read them.
"""

from __future__ import annotations

from sim.article.actors import COUNTERPARTS
from sim.article.parameters import (
    CAPACITY_RATE,
    DISCOUNT,
    HAZARD,
    PAYOFF,
    PROBABILITY,
    RATE,
    SPEC,
)

#: Patrons and the parameters of each, by setting.
PATRONS: dict[str, dict[str, str]] = {
    "iran": {"capacity": "capacity_iran", "protection": "protection_iran"},
    "russia": {
        "capacity": "capacity_russia",
        "protection": "protection_russia",
        "willingness": "russia_willingness",
    },
}
#: A counterpart's belief settings and the parameter each names (``{}`` is the counterpart).
BELIEF_SETTINGS: dict[str, str] = {
    "prior": "prior_{}",
    "catch": "catch_{}",
    "false_alarm": "false_alarm_{}",
    "visibility": "visibility_{}",
    "deniability": "deniability_{}",
}
CAPACITY_SETTINGS: dict[str, str] = {
    "initial": "initial_capacity",
    "recovery": "capacity_recovery",
    "hollowing": "capacity_hollowing",
    "funding_need": "funding_need",
    "escalation_erosion": "escalation_erosion",
    "sanctions_erosion": "sanctions_erosion",
}
THREAT_SETTINGS: dict[str, str] = {"rest": "threat", "reversion": "threat_reversion"}
HAZARD_SETTINGS: dict[str, str] = {"rate": "hazard_rate", "collapse_cost": "collapse_cost"}


def _structured() -> dict[str, str]:
    keys = {f"beliefs.{cp}.{s}": p.format(cp) for cp in COUNTERPARTS
            for s, p in BELIEF_SETTINGS.items()}  # fmt: skip
    keys |= {f"capacity.{s}": p for s, p in CAPACITY_SETTINGS.items()}
    keys |= {f"threat.{s}": p for s, p in THREAT_SETTINGS.items()}
    keys |= {f"patrons.{who}.{s}": p for who, table in PATRONS.items() for s, p in table.items()}
    keys |= {f"hazard.{s}": p for s, p in HAZARD_SETTINGS.items()}
    keys["game.discount"] = "discount"
    return keys


_STRUCTURED = _structured()
#: The payoff parameters: every parameter no other block names.
PAYOFF_NAMES: tuple[str, ...] = tuple(n for n in SPEC if n not in set(_STRUCTURED.values()))
#: Key path -> parameter name, for every parameter of the article's game.
PARAMETER_KEYS: dict[str, str] = {f"payoffs.{n}": n for n in PAYOFF_NAMES} | _STRUCTURED
#: Parameter name -> its key path.
KEY_OF: dict[str, str] = {v: k for k, v in PARAMETER_KEYS.items()}
#: What an event may move besides parameters: key path -> the model's state or process.
STATE_KEYS: dict[str, str] = {
    **{f"beliefs.{cp}.level": f"belief_{cp}" for cp in COUNTERPARTS},
    "capacity.level": "regime_capacity",
    "threat.level": "threat",
    "patrons.iran.capacity": "capacity_iran",
    "patrons.russia.capacity": "capacity_russia",
}
#: Parameter key paths an event may not move (starting values, resting levels), and what
#: to move instead.
FIXED_KEYS: dict[str, str] = {
    **{f"beliefs.{cp}.prior": f"beliefs.{cp}.level" for cp in COUNTERPARTS},
    "capacity.initial": "capacity.level",
    "threat.rest": "threat.level",
}
#: Every key path an event may change.
EVENT_TARGETS: tuple[str, ...] = tuple(
    dict.fromkeys([*STATE_KEYS, *(k for k in PARAMETER_KEYS if k not in FIXED_KEYS)])
)
#: The engine's selection rules as a scenario names them (the first is the default): the
#: engine's :data:`sim.stochastic.SELECTIONS`, written out so that reading a scenario does not
#: import the engine (tests/test_registries.py keeps the two equal).
ENGINE_RULES: tuple[str, ...] = ("qre", "inertia", "player-optimal", "welfare")
#: Days in a round, by the name of the round's unit.
ROUND_UNITS: dict[str, int] = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91}
#: Units whose values scale linearly with a round's length (``add`` converts by the factor).
LINEAR = frozenset({PAYOFF, CAPACITY_RATE, HAZARD})
NONLINEAR = frozenset({PROBABILITY, RATE, DISCOUNT})


#: A parameter's key path as sweeps and uncertainty expect it, in words (their error hint).
VARIABLE_FORMS = ("payoffs.<name>, beliefs.<counterpart>.<setting>, capacity.<setting>, "
                  "threat.<setting>, patrons.<patron>.<setting>, hazard.<setting> or "
                  "game.discount")


def variable_key_problem(key: str) -> str | None:
    """What is wrong with ``key`` as a key path a sweep or an uncertainty varies (``None``:
    nothing; it names a parameter of the article's game)."""
    from sim.scenario.keys import suggest

    if key in PARAMETER_KEYS:
        return None
    starting = {state: parameter for parameter, state in FIXED_KEYS.items()}
    if key in starting:
        return (f"{key} is the state a run reaches, not a parameter; vary {starting[key]} "
                "instead")
    hint = suggest(key, PARAMETER_KEYS) or (
        f"; expected a parameter's key path: {VARIABLE_FORMS} (docs/scenarios.md)")
    return f"cannot vary {key!r}{hint}"


def value_range(key: str) -> tuple[float, float]:
    """The admissible values of a parameter's key path or a state key path."""
    if key in PARAMETER_KEYS:
        return SPEC[PARAMETER_KEYS[key]].bounds
    if key == "threat.level":
        return SPEC["threat"].bounds
    return (0.0, 1.0)
