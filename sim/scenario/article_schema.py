"""The scenario blocks of the article's game (Model 2): every parameter by a key path.

Every field of :class:`sim.article.parameters.Parameters` is settable by exactly one key
path of a scenario (:data:`PARAMETER_KEYS`, a test checks the bijection):

- ``payoffs.<name>``: the payoff terms, by the parameter's own name;
- ``beliefs.<counterpart>.{prior, catch, false_alarm, visibility, deniability}``;
- ``capacity.{initial, recovery, hollowing, funding_need, escalation_erosion,
  sanctions_erosion}``: the regime's capacity ``K``;
- ``threat.{rest, reversion}``: the armed opposition's threat ``s``;
- ``patrons.iran.{capacity, protection}``, ``patrons.russia.{capacity, protection,
  willingness}``;
- ``hazard.{rate, collapse_cost}``: the collapse hazard ``lambda`` and what collapse costs;
- ``game.discount``, beside the run's settings (rounds, round unit, start date, selection
  rule, state grid).

Values are in the units of :mod:`sim.article.parameters` (rates per month), whatever the
run's round; each is validated against its documented bounds there. ``events`` dates
changes: ``set``/``add``/``scale`` on a parameter's key path (from its round on) or on one of
:data:`STATE_KEYS` (the current belief, regime capacity, threat or a patron's capacity), or
a documented ``no_change`` (an event the model does not move, and why).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS
from sim.article.parameters import BASE_ROUND_DAYS, SPEC, Parameters, per_round
from sim.article.timeline import Shock
from sim.scenario.article_keys import (
    BELIEF_SETTINGS,
    CAPACITY_SETTINGS,
    ENGINE_RULES,
    EVENT_TARGETS,
    FIXED_KEYS,
    HAZARD_SETTINGS,
    KEY_OF,
    LINEAR,
    NONLINEAR,
    PARAMETER_KEYS,
    PATRONS,
    PAYOFF_NAMES,
    ROUND_UNITS,
    STATE_KEYS,
    THREAT_SETTINGS,
    value_range,
)
from sim.scenario.keys import Located, suggest

__all__ = [
    "BASE_ROUND_DAYS",
    "BELIEF_SETTINGS",
    "CAPACITY_SETTINGS",
    "COUNTERPARTS",
    "HAZARD_SETTINGS",
    "KEY_OF",
    "PARAMETER_KEYS",
    "PATRONS",
    "PAYOFF_NAMES",
    "SPEC",
    "THREAT_SETTINGS",
]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


def _bounded(name: str) -> Any:
    lo, hi = SPEC[name].bounds
    return Annotated[float, Field(ge=lo, le=hi, allow_inf_nan=False, strict=True)] | None


def _block(cls_name: str, doc: str, settings: dict[str, str]) -> type[_Strict]:
    """A strict block model: one optional field per setting, bounded as its parameter
    (``None``: not stated here, the default or the scenario extended applies)."""
    fields: dict[str, Any] = {s: (_bounded(p), None) for s, p in settings.items()}
    model: type[_Strict] = create_model(cls_name, __base__=_Strict, __doc__=doc, **fields)
    return model


Payoffs = _block(
    "Payoffs",
    "The payoff terms, by parameter name (docs/model.md).",
    {n: n for n in PAYOFF_NAMES},
)
Capacity = _block("Capacity", "The regime's capacity K and how it moves.", CAPACITY_SETTINGS)
Threat = _block(
    "Threat", "The armed opposition's threat s at rest, and its reversion.", THREAT_SETTINGS
)
Hazard = _block("Hazard", "The collapse hazard and what collapse costs Syria.", HAZARD_SETTINGS)
_BELIEF_BLOCKS = {
    cp: _block(
        f"Beliefs{cp.title()}",
        f"{cp}'s belief that Syria is an opportunist and the signals it receives.",
        {s: p.format(cp) for s, p in BELIEF_SETTINGS.items()},
    )
    for cp in COUNTERPARTS
}
_BELIEF_FIELDS: dict[str, Any] = {cp: (m | None, None) for cp, m in _BELIEF_BLOCKS.items()}
Beliefs: type[_Strict] = create_model(
    "Beliefs",
    __base__=_Strict,
    __doc__="Each counterpart's belief and signals.",
    **_BELIEF_FIELDS,
)
_PATRON_BLOCKS = {
    who: _block(f"Patron{who.title()}", f"{who}'s capacity and protection.", table)
    for who, table in PATRONS.items()
}
# Each generated class is a module attribute under its own name, so scenarios pickle (a
# process pool sends them to its workers).
globals().update({m.__name__: m for m in (*_BELIEF_BLOCKS.values(), *_PATRON_BLOCKS.values())})
_PATRON_FIELDS: dict[str, Any] = {who: (m | None, None) for who, m in _PATRON_BLOCKS.items()}
Patrons: type[_Strict] = create_model(
    "Patrons", __base__=_Strict, __doc__="The regime's patrons.", **_PATRON_FIELDS
)


class GridSettings(_Strict):
    """The state grid (:class:`sim.article.grid.Resolution`): numerics, not the model."""

    belief_points: Annotated[int, Field(ge=3, le=101, strict=True)] = 11
    capacity_points: Annotated[int, Field(ge=3, le=101, strict=True)] = 6
    belief_min: Annotated[float, Field(gt=0.0, lt=0.5, allow_inf_nan=False, strict=True)] = 0.02
    belief_max: Annotated[float, Field(gt=0.5, lt=1.0, allow_inf_nan=False, strict=True)] = 0.98


#: The most rounds a run may have (ten years of weeks; a calendar of 520 quarters still ends
#: within Python's dates).
MAX_ROUNDS = 520


class Game(_Strict):
    """The run of the article's game: horizon, round, calendar, discount, selection, grid."""

    rounds: Annotated[int, Field(ge=1, le=MAX_ROUNDS, strict=True)] = 24
    round_unit: Literal["day", "week", "fortnight", "month", "quarter"] = "month"
    start_date: dt.date | None = None
    discount: _bounded("discount") = None  # type: ignore[valid-type]
    selection: Literal[ENGINE_RULES] = "qre"  # type: ignore[valid-type]
    grid: GridSettings = Field(default_factory=GridSettings)
    known_until: dt.date | None = None

    @property
    def round_days(self) -> int:
        return ROUND_UNITS[self.round_unit]


Claim = Annotated[str, Field(pattern=r"^C[0-9]{2,}$")]
Finite = Annotated[float, Field(ge=-1e9, le=1e9, allow_inf_nan=False, strict=True)]
Factor = Annotated[float, Field(ge=0.0, le=1e3, allow_inf_nan=False, strict=True)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class Observed(_Strict):
    """What history shows at an event's date, for the backtest: a player's action in that
    round, and whether the regime had fallen by the end of it."""

    syria: Annotated[str, Field(strict=True)] | None = None
    iran: Annotated[str, Field(strict=True)] | None = None
    israel: Annotated[str, Field(strict=True)] | None = None
    gulf: Annotated[str, Field(strict=True)] | None = None
    collapsed: Annotated[bool, Field(strict=True)] | None = None

    @model_validator(mode="after")
    def _known_actions(self) -> Observed:
        for player in PLAYERS:
            action = getattr(self, player)
            if action is not None and action not in ACTIONS[player]:
                hint = suggest(action, ACTIONS[player]) or (
                    f"; expected one of {', '.join(ACTIONS[player])}"
                )
                raise Located((player,), f"unknown action {action!r} of {player}{hint}")
        return self

    def actions(self) -> dict[str, str]:
        return {p: getattr(self, p) for p in PLAYERS if getattr(self, p) is not None}


class ArticleEvent(_Strict):
    """A dated event of the article's game: from its round on, ``set`` values replace,
    ``add`` values add to, ``scale`` values multiply the addressed key paths
    (:data:`EVENT_TARGETS`), in that order; or it moves nothing and ``no_change`` says why.
    ``judgement`` gives the reason for a size that is a judgement call; ``observed`` what
    history shows (the backtest compares it with the model)."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    round: Annotated[int, Field(ge=0, strict=True)] | None = None
    date: dt.date | None = None
    description: str = ""
    source: str = ""
    claims: tuple[Claim, ...] = ()
    set: dict[str, Finite] = Field(default_factory=dict)
    add: dict[str, Finite] = Field(default_factory=dict)
    scale: dict[str, Factor] = Field(default_factory=dict)
    no_change: Text | None = None
    judgement: Text | None = None
    observed: Observed | None = None

    @model_validator(mode="after")
    def _complete(self) -> ArticleEvent:
        if (self.round is None) == (self.date is None):
            raise ValueError("an event needs exactly one of 'round' or 'date'")
        moves = bool(self.set or self.add or self.scale)
        if moves and self.no_change is not None:
            raise Located(
                ("no_change",),
                "an event that sets, adds or scales changes something; "
                "drop no_change or the changes",
            )
        if not moves and self.no_change is None and self.observed is None:
            raise ValueError(
                "an event needs at least one of 'set', 'add' or 'scale', or 'no_change' with "
                "the reason it moves nothing in the model"
            )
        for op in ("set", "add", "scale"):
            for key, value in getattr(self, op).items():
                if key in FIXED_KEYS:
                    raise Located(
                        (op, key),
                        f"{key} is a starting value or resting level; "
                        f"move {FIXED_KEYS[key]} instead",
                    )
                if key not in EVENT_TARGETS:
                    hint = suggest(key, EVENT_TARGETS) or (
                        "; expected a parameter's key path (payoffs.<name>, beliefs.<cp>.catch, "
                        "...) or one of " + ", ".join(STATE_KEYS)
                    )
                    raise Located((op, key), f"unknown key path {key!r}{hint}")
                lo, hi = value_range(key)
                if op == "set" and not lo <= value <= hi:
                    raise Located((op, key), f"expected a value in [{lo:g}, {hi:g}], got {value:g}")
        return self

    def shocks(self, round: int, days: float) -> tuple[Shock, ...]:
        """Its changes as :class:`Shock` s on ``round`` of a run with ``days``-day rounds
        (parameter values converted from per month as :func:`per_round` does).

        Raises
        ------
        ValueError
            ``add`` or ``scale`` of a per-round probability, rate or discount in a run whose
            round is not a month (the conversion is not linear there; use ``set``).
        """
        out = []
        for op in ("set", "add", "scale"):
            for key, value in getattr(self, op).items():
                target, converted = _target(key, op, float(value), days)
                out.append(Shock(round, target, op, converted, self.name))
        return tuple(out)


def _target(key: str, op: str, value: float, days: float) -> tuple[str, float]:
    """The shock target of an event's key path and its value in the run's rounds."""
    if key in STATE_KEYS:
        return STATE_KEYS[key], value
    name = PARAMETER_KEYS[key]
    unit = SPEC[name].unit
    if days == BASE_ROUND_DAYS or unit not in LINEAR | NONLINEAR:
        return f"parameters.{name}", value
    if op != "set" and unit in NONLINEAR:
        raise ValueError(
            f"{op} of {key} (a {unit}) converts to a {days:g}-day round only with 'set'"
        )
    if op == "scale":
        return f"parameters.{name}", value
    scaled = per_round(Parameters().replace(**{name: value}), days)
    return f"parameters.{name}", float(getattr(scaled, name))


def block_values(data: BaseModel | None, settings: dict[str, str]) -> dict[str, float]:
    """The parameter values a block states: ``{parameter name: value}``."""
    if data is None:
        return {}
    return {p: float(v) for s, p in settings.items() if (v := getattr(data, s)) is not None}


def key_table() -> str:
    """The Markdown table of every parameter's key path (docs/scenarios.md carries it
    verbatim between ``<!-- model2:begin -->`` and ``<!-- model2:end -->``; a test checks)."""
    rows = [
        "| key | range | default | unit | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, name in PARAMETER_KEYS.items():
        spec = SPEC[name]
        lo, hi = spec.bounds
        doc = spec.doc.replace("|", "\\|")
        claims = " ".join(spec.claims) if spec.claims else "assumption"
        rows.append(
            f"| `{key}` | [{lo:g}, {hi:g}] | {spec.default:g} | {spec.unit} | "
            f"{doc} ({claims}; parameter `{name}`) |"
        )
    return "\n".join(rows)
