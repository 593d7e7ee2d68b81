"""The scenario schema: immutable, validated pydantic models of a scenario file.

``docs/scenarios.md`` documents every key. Validators raise :class:`~sim.scenario.keys.Located`
for problems below the validated value, so :mod:`sim.scenario.errors` can name the exact
key path and line.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from sim.article.actors import ACTIONS, PLAYER_LABELS, PLAYERS
from sim.article.parameters import Parameters as ArticleParameters
from sim.article.parameters import check_bounds, per_round
from sim.article.timeline import Shock
from sim.article.timeline import resolve as resolve_timeline
from sim.labels import Labels
from sim.scenario import article_schema as m2
from sim.scenario.article_keys import variable_key_problem
from sim.scenario.expect import Expectation
from sim.scenario.keys import (
    MAX_MAGNITUDE,
    Located,
    key_range,
    suggest,
)

#: A name that is safe as one file or folder name on every system: starts with a letter or
#: digit (so never ``.``, ``..`` or hidden), then letters, digits, ``_``, ``.``, ``-``.
SAFE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
SafeName = Annotated[str, Field(min_length=1, max_length=100, pattern=SAFE_NAME)]
#: ``outputs.dir``: one or more safe names separated by ``/``, a folder inside ``runs/``.
SAFE_RELATIVE_DIR = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}){0,7}$"

# Numbers are strict: a quoted "0.1" or a boolean is refused, not coerced.
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_MAGNITUDE, allow_inf_nan=False, strict=True)]
Finite = Annotated[
    float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False, strict=True)
]

#: A lognormal without ``high`` must keep ``exp(mean + LOGNORMAL_SDS * sd)`` (its
#: 1 - 1e-9 quantile) within :data:`MAX_MAGNITUDE`.
LOGNORMAL_SDS = 6.0
#: The first model's blocks, removed with it, and what takes their place in the article's
#: game: a scenario that still has one is refused with this hint (sim.scenario.errors).
RETIRED_BLOCKS: dict[str, str] = {
    "parameters": "payoffs: (and beliefs:, capacity:, threat:, patrons:, hazard:)",
    "tolerance": "beliefs: (each counterpart's prior, catch, false_alarm, visibility and "
                 "deniability)",
    "repeated": "game: (rounds, round_unit, start_date, discount, selection)",
    "timeline": "events: (dated shocks that set, add to or scale the game's key paths)",
}


# -- the schema -------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


def _check_variable(key: str) -> None:
    """Raise :class:`Located` at ``key`` unless a sweep or an uncertainty may vary it (a
    parameter of the article's game)."""
    problem = variable_key_problem(key)
    if problem is not None:
        raise Located((key,), problem)


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
            raise Located(("low",), "low must not exceed high")
        if self.dist == "lognormal" and self.high is None:
            assert self.mean is not None and self.sd is not None
            top = self.mean + LOGNORMAL_SDS * self.sd
            if top > math.log(MAX_MAGNITUDE):
                raise Located(
                    ("mean",),
                    f"a lognormal's draws reach exp(mean + {LOGNORMAL_SDS:g} sd) = "
                    f"exp({top:.4g}), beyond {MAX_MAGNITUDE:g}; lower mean or sd, or give high "
                    "to clip the draws",
                )
        if self.mode is not None and not (
            (self.low is None or self.low <= self.mode)
            and (self.high is None or self.mode <= self.high)
        ):
            raise Located(("mode",), "mode must lie between low and high")
        return self


class Uncertainty(_Strict):
    """Distributions of uncertain values, keyed by key path, for Monte Carlo."""

    draws: Annotated[int, Field(ge=1, le=10_000_000, strict=True)] = 1000
    parameters: dict[str, Distribution] = Field(default_factory=dict)

    @field_validator("parameters")
    @classmethod
    def _known_keys(cls, v: dict[str, Distribution]) -> dict[str, Distribution]:
        for key, d in v.items():
            _check_variable(key)
            allowed = key_range(key)
            for bound in ("low", "high"):
                value = getattr(d, bound)
                if value is not None and not allowed.contains(value):
                    raise Located(
                        (key, bound), f"{key} lies in {allowed}, so {bound} {value:g} is outside it"
                    )
        return v


class Axis(_Strict):
    """One swept key: ``num`` evenly spaced values from ``start`` to ``stop``."""

    start: Finite
    stop: Finite
    num: Annotated[int, Field(ge=2, le=10_000, strict=True)] = 20

    @model_validator(mode="after")
    def _distinct(self) -> Axis:
        if self.start == self.stop:
            raise Located(("stop",), "start and stop must differ")
        return self


class Sweep(_Strict):
    """A grid over one or two key paths."""

    name: SafeName
    params: dict[str, Axis]

    @field_validator("params")
    @classmethod
    def _one_or_two(cls, v: dict[str, Axis]) -> dict[str, Axis]:
        if not 1 <= len(v) <= 2:
            raise ValueError("a sweep varies one or two key paths")
        for key, axis in v.items():
            _check_variable(key)
            allowed = key_range(key)
            for end in ("start", "stop"):
                value = getattr(axis, end)
                if not allowed.contains(value):
                    raise Located(
                        (key, end), f"{key} lies in {allowed}, so {end} {value:g} is outside it"
                    )
        return v


class Outputs(_Strict):
    """What a run writes. ``dir`` is a folder inside ``runs/`` (safe names joined by ``/``),
    used when the command line gives no ``--out``: a scenario never decides where outside
    ``runs/`` files go."""

    dir: Annotated[str, Field(pattern=SAFE_RELATIVE_DIR)] | None = None
    figures: tuple[Literal["png", "svg"], ...] = ("png",)
    report: Annotated[bool, Field(strict=True)] = True


Label = Annotated[str, Field(min_length=1, strict=True)]


class PlayerLabels(_Strict):
    """How a scenario names one of the model's players and its actions, for display only
    (figures, reports, ``explain``); data keeps the model's names."""

    label: Label | None = None
    actions: dict[str, Label] = Field(default_factory=dict)


class Scenario(_Strict):
    """A validated scenario. Immutable; :attr:`source` (the file it was loaded from) is
    filled by the loader, :attr:`hash` is computed from the resolved content."""

    name: SafeName
    description: Annotated[str, Field(min_length=1)]
    question: Annotated[str, Field(min_length=1)]
    extends: str | None = None
    players: dict[str, PlayerLabels] = Field(default_factory=dict)
    uncertainty: Uncertainty | None = None
    sweeps: tuple[Sweep, ...] = ()
    outputs: Outputs = Field(default_factory=Outputs)
    seed: Annotated[int, Field(ge=0, lt=2**63, strict=True)] = 0
    expect: tuple[Expectation, ...] = ()  # owned by the claims work (sim/scenario/expect.py)
    # -- the article's game (Model 2): sim/scenario/article_schema.py -------------------
    payoffs: m2.Payoffs = Field(default_factory=m2.Payoffs)  # type: ignore[valid-type]
    beliefs: m2.Beliefs = Field(default_factory=m2.Beliefs)  # type: ignore[valid-type]
    capacity: m2.Capacity = Field(default_factory=m2.Capacity)  # type: ignore[valid-type]
    threat: m2.Threat = Field(default_factory=m2.Threat)  # type: ignore[valid-type]
    patrons: m2.Patrons = Field(default_factory=m2.Patrons)  # type: ignore[valid-type]
    hazard: m2.Hazard = Field(default_factory=m2.Hazard)  # type: ignore[valid-type]
    game: m2.Game = Field(default_factory=m2.Game)
    events: tuple[m2.ArticleEvent, ...] = ()

    _sources: tuple[str, ...] = PrivateAttr(default=())

    @field_validator("players")
    @classmethod
    def _known_players(cls, v: dict[str, PlayerLabels]) -> dict[str, PlayerLabels]:
        for role, spec in v.items():
            if role not in PLAYERS:
                hint = suggest(role, PLAYERS) or (
                    f"; expected one of {', '.join(PLAYERS)}"
                )
                raise Located((role,), f"unknown player {role!r}{hint}")
            if spec.label is not None and not spec.label.strip():
                raise Located((role, "label"), "expected a non-empty text")
            actions = ACTIONS[role]
            for action, label in spec.actions.items():
                if action not in actions:
                    hint = suggest(action, actions) or f"; expected one of {', '.join(actions)}"
                    raise Located(
                        (role, "actions", action), f"unknown action {action!r} of {role}{hint}"
                    )
                if not label.strip():
                    raise Located((role, "actions", action), "expected a non-empty text")
            shown = {a: spec.actions.get(a, a) for a in actions}
            for action, label in spec.actions.items():
                clash = next((b for b in actions if b != action and shown[b] == label), None)
                if clash is not None:
                    raise Located(
                        (role, "actions", action),
                        f"label {label!r} is already {role}'s name for {clash!r}; "
                        "a player's actions need distinct labels",
                    )
        names = {
            r: v[r].label if r in v and v[r].label is not None else PLAYER_LABELS[r]
            for r in PLAYERS
        }
        for role, spec in v.items():
            other = next(
                (r for r in PLAYERS if r != role and names[r] == spec.label), None
            )
            if other is not None:
                raise Located(
                    (role, "label"),
                    f"label {spec.label!r} is already the name of {other}; "
                    "players need distinct labels",
                )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        seen: set[str] = set()
        for i, sweep in enumerate(self.sweeps):
            if sweep.name in seen:
                raise Located(
                    ("sweeps", i, "name"), f"another sweep is already named {sweep.name!r}"
                )
            seen.add(sweep.name)
        self._article_events_fit()
        return self

    # -- the article's game ------------------------------------------------------
    def article_parameters(self) -> ArticleParameters:
        """The article game's calibration as the scenario states it (per month): the
        defaults of :mod:`sim.article.parameters`, overridden by the Model 2 blocks."""
        values: dict[str, float] = {}
        values |= m2.block_values(self.payoffs, {n: n for n in m2.PAYOFF_NAMES})
        values |= m2.block_values(self.capacity, m2.CAPACITY_SETTINGS)
        values |= m2.block_values(self.threat, m2.THREAT_SETTINGS)
        values |= m2.block_values(self.hazard, m2.HAZARD_SETTINGS)
        for cp in m2.COUNTERPARTS:
            settings = {s: p.format(cp) for s, p in m2.BELIEF_SETTINGS.items()}
            values |= m2.block_values(getattr(self.beliefs, cp), settings)
        for who, table in m2.PATRONS.items():
            values |= m2.block_values(getattr(self.patrons, who), table)
        if self.game.discount is not None:
            values["discount"] = float(self.game.discount)
        return ArticleParameters().replace(**values)

    def article_event_round(self, event: m2.ArticleEvent) -> int:
        """The round of the article's game in which ``event`` applies (its date mapped
        through ``game.start_date`` and ``game.round_unit``)."""
        if event.round is not None:
            return event.round
        assert event.date is not None and self.game.start_date is not None
        return (event.date - self.game.start_date).days // self.game.round_days

    def article_shocks(self) -> tuple[tuple[m2.ArticleEvent, int, tuple[Shock, ...]], ...]:
        """Each event with its round and its shocks in the run's rounds, in the order they
        apply (by round; events of one round in file order)."""
        days = self.game.round_days
        out = [(e, self.article_event_round(e)) for e in self.events]
        order = sorted(range(len(out)), key=lambda i: out[i][1])
        return tuple((out[i][0], out[i][1], out[i][0].shocks(out[i][1], days)) for i in order)

    def _article_events_fit(self) -> None:
        """Events dated inside the run, convertible to its rounds, and keeping every
        parameter and the threat within their documented bounds."""
        start, rounds = self.game.start_date, self.game.rounds
        for i, event in enumerate(self.events):
            at = "round" if event.round is not None else "date"
            if event.date is not None:
                if start is None:
                    raise Located(("events", i, "date"), "a dated event needs game.start_date")
                if event.date < start:
                    raise Located(("events", i, "date"),
                                  f"{event.date} is before game.start_date {start}")  # fmt: skip
            r = self.article_event_round(event)
            if r >= rounds:
                raise Located(
                    ("events", i, at),
                    f"falls in round {r}, past the last round {rounds - 1} "
                    f"(game.rounds is {rounds})",
                )
            try:
                event.shocks(r, self.game.round_days)
            except ValueError as exc:
                raise Located(("events", i), str(exc)) from None
        if not self.events:
            return
        monthly = self.article_parameters()
        index = {id(e): i for i, e in enumerate(self.events)}
        placed = self.article_shocks()
        month = [s for e, r, _ in placed for s in e.shocks(r, m2.BASE_ROUND_DAYS)]
        timeline = resolve_timeline(monthly, month, rounds)
        for t, params in enumerate(timeline.parameters):
            for problem in check_bounds(params):
                name = problem.split("=")[0].split(" ")[0]
                key = m2.KEY_OF[name]
                event = next(e for e, r, _ in reversed(placed) if r <= t and (
                    key in e.set or key in e.add or key in e.scale))  # fmt: skip
                lo, hi = m2.SPEC[name].bounds
                raise Located(
                    ("events", index[id(event)]),
                    f"the events up to this one take {key} to {float(getattr(params, name)):.6g}"
                    f", outside its bounds [{lo:g}, {hi:g}]",
                )
        in_rounds = [s for _, _, shocks in placed for s in shocks]
        weekly = resolve_timeline(per_round(monthly, self.game.round_days), in_rounds, rounds)
        hi = m2.SPEC["threat"].bounds[1]
        for t, data in enumerate(weekly.data):
            if float(data.threat) > hi + 1e-12:
                event = next(e for e, r, _ in reversed(placed) if r <= t and (
                    "threat.level" in e.set or "threat.level" in e.add
                    or "threat.level" in e.scale))  # fmt: skip
                raise Located(
                    ("events", index[id(event)]),
                    f"the events up to this one take threat.level to {float(data.threat):.6g} "
                    f"in round {t}, beyond the largest threat {hi:g}",
                )

    # -- provenance -------------------------------------------------------------
    @property
    def source(self) -> str | None:
        """The file this scenario was loaded from (``None`` if built from a mapping)."""
        return self._sources[0] if self._sources else None

    @property
    def sources(self) -> tuple[str, ...]:
        """Every file read to build it: the file itself, then its ``extends`` chain."""
        return self._sources

    @property
    def hash(self) -> str:
        """:func:`scenario_hash` of this scenario."""
        return scenario_hash(self)

    # -- derived views ----------------------------------------------------------
    def labels(self) -> Labels:
        """The display names of players and actions: the file's ``players`` over the
        model's defaults."""
        return Labels.of(
            {p: s.label for p, s in self.players.items() if s.label is not None},
            {p: dict(s.actions) for p, s in self.players.items()},
        )

def resolved_dict(scenario: Scenario) -> dict[str, Any]:
    """The fully resolved scenario as plain JSON-able data.

    Every parameter of the article's game (the default where the scenario gives none, in
    its block: ``payoffs``, ``beliefs``, ...) is spelled out, so the result says exactly
    what a run used; ``players`` keeps only names that differ from the model's (and is
    left out when none do). ``Scenario.model_validate(resolved_dict(s))`` gives back a scenario
    with the same :func:`scenario_hash`.
    """
    data: dict[str, Any] = scenario.model_dump(mode="json")
    # Display names: only those differing from the model's, and the key only when some
    # do, so stating a default name (or none at all) leaves the hash as it was.
    labels = scenario.labels()
    players = {}
    for role, spec in scenario.players.items():
        label = labels.player(role)
        actions = {a: n for a, n in spec.actions.items() if n != a}
        if label != PLAYER_LABELS[role] or actions:
            players[role] = {
                "label": label if label != PLAYER_LABELS[role] else None,
                "actions": actions,
            }
    data.pop("players", None)
    if players:
        data["players"] = players
    if not data.get("expect"):  # no expectations: the hash stays what it was before expect:
        data.pop("expect", None)
    # every parameter spelled out in its block
    calibration = scenario.article_parameters()
    for key, name in m2.PARAMETER_KEYS.items():
        parts = key.split(".")
        node = data
        for part in parts[:-1]:
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
        node[parts[-1]] = float(getattr(calibration, name))
    return data


def scenario_hash(scenario: Scenario) -> str:
    """A sha256 hex digest of the resolved scenario, stable across runs and machines.

    It covers :func:`resolved_dict` (prose included) except ``extends``: a variant and its
    flattened copy hash alike, and stating a default explicitly does not change the hash.
    The canonical form is JSON with sorted keys, no whitespace, ASCII only; floats are
    written by Python's shortest round-trip ``repr``.
    """
    data = resolved_dict(scenario)
    data.pop("extends", None)
    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()

