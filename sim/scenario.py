"""Scenario files: the schema (this module's types) and strict, safe loading.

A scenario is a YAML file (documented key by key in ``docs/scenarios.md``).
:func:`load_scenario` turns it into an immutable, validated :class:`Scenario`;
every error names the file, the line, the key path and what was expected.

Key paths: ``parameters.iran_aid``, ``tolerance.iran.decay``, ``repeated.rounds``
... address any value; timeline events, sweeps, uncertainty and ``--set`` use them.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim import model

Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]

SELECTION_RULES = ("inertia", "syria-optimal", "welfare")
SOLVER_METHODS = ("auto", "pure", "support", "vertex", "lemke-howson", "gnm", "simpdiv", "logit")
#: Days in a round, by the name of the round's unit.
ROUND_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Tolerance(_Strict):
    """How one counterpart's tolerance of a hedging Syria starts and moves.

    Per round in which Syria hedges (with probability ``p``), the tolerance falls by
    ``p * decay * visibility * (1 - deniability)``; per round in which Syria does what
    the counterpart wishes (probability ``q``), it rises by ``q * recovery``; it is
    clipped to [0, 1].
    """

    initial: Probability = 1.0
    decay: NonNegative = 0.05
    recovery: NonNegative = 0.05
    visibility: NonNegative = 1.0
    deniability: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] = 0.0


class Repeated(_Strict):
    """Settings of the repeated game."""

    rounds: Annotated[int, Field(ge=1, le=10_000)] = 24
    round_unit: Literal["day", "week", "fortnight", "month", "quarter"] = "month"
    start_date: dt.date | None = None
    discount: Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False)] = 0.95
    selection: Literal["inertia", "syria-optimal", "welfare"] = "inertia"
    fallback: Literal["syria-optimal", "welfare"] = "syria-optimal"
    solver: Literal[
        "auto", "pure", "support", "vertex", "lemke-howson", "gnm", "simpdiv", "logit"
    ] = "auto"


class Event(_Strict):
    """A dated change: from its round on, ``set`` values replace, ``add`` values add to,
    ``scale`` values multiply the addressed keys. Keys are key paths: a parameter
    (``parameters.iran_aid``), a tolerance setting (``tolerance.israel.visibility``), or
    a counterpart's current tolerance level (``tolerance.iran.level``, clipped to [0, 1])."""

    name: str
    round: Annotated[int, Field(ge=0)] | None = None
    date: dt.date | None = None
    description: str = ""
    claims: tuple[str, ...] = ()
    set: dict[str, Finite] = Field(default_factory=dict)
    add: dict[str, Finite] = Field(default_factory=dict)
    scale: dict[str, NonNegative] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _when(self) -> Event:
        if (self.round is None) == (self.date is None):
            raise ValueError("an event needs exactly one of 'round' or 'date'")
        if not (self.set or self.add or self.scale):
            raise ValueError("an event needs at least one of 'set', 'add' or 'scale'")
        return self


class Distribution(_Strict):
    """An uncertain value for Monte Carlo: uniform(low, high), normal(mean, sd) clipped to
    [low, high] when given, triangular(low, mode, high), or lognormal(mean, sd) of the log."""

    dist: Literal["uniform", "normal", "triangular", "lognormal"]
    low: Finite | None = None
    high: Finite | None = None
    mean: Finite | None = None
    sd: NonNegative | None = None
    mode: Finite | None = None

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        needs = {
            "uniform": ("low", "high"),
            "normal": ("mean", "sd"),
            "triangular": ("low", "mode", "high"),
            "lognormal": ("mean", "sd"),
        }[self.dist]
        missing = [k for k in needs if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.dist} distribution needs {', '.join(missing)}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


class Uncertainty(_Strict):
    draws: Annotated[int, Field(ge=1, le=10_000_000)] = 1000
    parameters: dict[str, Distribution] = Field(default_factory=dict)


class Axis(_Strict):
    """One swept key: ``num`` evenly spaced values from ``start`` to ``stop``."""

    start: Finite
    stop: Finite
    num: Annotated[int, Field(ge=2, le=10_000)] = 20


class Sweep(_Strict):
    name: str
    params: dict[str, Axis]

    @field_validator("params")
    @classmethod
    def _one_or_two(cls, v: dict[str, Axis]) -> dict[str, Axis]:
        if not 1 <= len(v) <= 2:
            raise ValueError("a sweep varies one or two key paths")
        return v


class Outputs(_Strict):
    dir: str | None = None
    figures: tuple[Literal["png", "svg"], ...] = ("png", "svg")
    report: bool = True


class Scenario(_Strict):
    """A validated scenario. Immutable; ``source`` and ``hash`` are filled by the loader."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    description: str
    question: str
    extends: str | None = None
    parameters: dict[str, NonNegative] = Field(default_factory=dict)
    tolerance: dict[str, Tolerance] = Field(default_factory=dict)
    repeated: Repeated = Field(default_factory=Repeated)
    timeline: tuple[Event, ...] = ()
    uncertainty: Uncertainty | None = None
    sweeps: tuple[Sweep, ...] = ()
    outputs: Outputs = Field(default_factory=Outputs)
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, v: dict[str, float]) -> dict[str, float]:
        for key, value in v.items():
            if key not in model.PARAMETER_NAMES:
                raise ValueError(f"unknown parameter {key!r}")
            if model.is_share(key) and value > 1.0:
                raise ValueError(f"{key} is a share and must lie in [0, 1], got {value}")
        return v

    @field_validator("tolerance")
    @classmethod
    def _known_counterparts(cls, v: dict[str, Tolerance]) -> dict[str, Tolerance]:
        for key in v:
            if key not in model.COUNTERPARTS:
                raise ValueError(f"unknown counterpart {key!r}")
        return v

    # -- derived views, used by the simulator ----------------------------------
    def model_parameters(self) -> model.Parameters:
        """The stage model's parameters: the model's defaults, overridden by the file."""
        return model.Parameters(**self.parameters)

    def tolerance_of(self, counterpart: str) -> Tolerance:
        return self.tolerance.get(counterpart, Tolerance())

    def event_round(self, event: Event) -> int:
        """The round in which ``event`` takes effect (its date mapped through
        ``repeated.start_date`` and ``repeated.round_unit``)."""
        if event.round is not None:
            return event.round
        assert event.date is not None
        if self.repeated.start_date is None:
            raise ValueError("a dated event needs repeated.start_date")
        days = (event.date - self.repeated.start_date).days
        return max(0, math.floor(days / ROUND_DAYS[self.repeated.round_unit]))

    def events_by_round(self) -> dict[int, tuple[Event, ...]]:
        out: dict[int, list[Event]] = {}
        for event in self.timeline:
            out.setdefault(self.event_round(event), []).append(event)
        return {k: tuple(v) for k, v in sorted(out.items())}


def scenario_from_mapping(data: dict[str, Any]) -> Scenario:
    """Validate an already-parsed mapping (no file, no line numbers)."""
    return Scenario.model_validate(data)
