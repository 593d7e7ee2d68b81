"""``RunResults``: everything a run of the first model (the tolerance clock) answers, and
everything its figures and report draw.

The file format (``results.json`` is ``RunResults.model_dump_json``), the schema
(``RunResults.model_json_schema()``, published as ``docs/results.schema.json``), the
validation (:func:`sim.results.read_results`) and the only input of the figures and the
report: they read these attributes and never call the model.

Another model (Model 2's stochastic game) adds its own class beside this one, with its own
``model`` value, and its own figure modules; the figure registry, the report and the
``hedgesim figures`` command take any results class (see :mod:`sim.results`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.labels import Labels
from sim.results.common import (
    Horizon,
    LabelNames,
    Probability,
    Real,
    Record,
    Round,
)

#: Bumped on any incompatible change of ``results.json``.
SCHEMA_VERSION: Literal[2] = 2
#: The value of ``model`` in this class's files.
MODEL: Literal["tolerance"] = "tolerance"


class ScenarioInfo(Record):
    """The scenario as run."""

    name: str
    hash: str = Field(description="sim.scenario.scenario_hash of the resolved scenario")
    description: str
    question: str
    round_unit: str
    rounds: int = Field(ge=1)
    discount: Real
    selection: str
    fallback: str
    solver: str
    resolved: dict[str, Any] = Field(description="the fully resolved scenario "
                                     "(sim.scenario.resolved_dict)")
    source: str | None = Field(default=None, description="the scenario file's text, echoed by the "
                               "report (null: built in memory)")
    overrides: list[str] = Field(default_factory=list,
                                 description="--set overrides applied on top of the file")


class EquilibriumRecord(Record):
    """One verified equilibrium of a round's stage game."""

    profile: list[list[Probability]] = Field(description="one probability vector per player")
    payoffs: list[Real]
    method: str
    regret: Real = Field(ge=0.0)
    selected: bool


class RoundRecord(Record):
    """One round of the run."""

    round: Round
    date: dt.date | None
    tolerance: dict[str, Probability] = Field(description="{counterpart: level} the round "
                                              "is played at")
    selected: dict[str, str] = Field(description="{player: most likely action}")
    profile: dict[str, list[Probability]] = Field(description="{player: probabilities} of "
                                                  "the selected equilibrium")
    hedge_probability: Probability
    margin: Real = Field(description="hedge's expected payoff minus the best alternative's")
    syria_payoff: Real
    value_of_ambiguity: Real = Field(description="Syria's payoff minus its round-0 payoff")
    syria_action_values: dict[str, Real]
    equilibria: list[EquilibriumRecord] = Field(min_length=1)
    events: list[str]
    changed: list[str] = Field(description="counterparts whose selected strategy changed")
    sustainability_discount: Real | None


class ClosedForm(Record):
    """The closed form of the myopic horizon for linear decay."""

    horizon: Horizon = Field(description="min over decisive counterparts of crossing")
    binding: str | None
    crossing: dict[str, Horizon] = Field(description="first round each counterpart's "
                                         "tolerance is strictly below its switch point")
    decisive: dict[str, bool]
    applies: bool


class Horizons(Record):
    """The run's answers in rounds (from 0; ``round: null``: not within the run)."""

    myopic: Horizon
    myopic_half: Horizon
    leaves_support: Horizon
    forward_looking: Horizon
    value_of_foresight: Real
    sustainability_discount: Real | None = Field(description="at round 0; null: not "
                                                 "sustainable at any discount")
    sustainability_exceeded: Horizon
    value_of_ambiguity_at_exit: Real | None
    value_of_ambiguity_final: Real | None
    closed_form_myopic: ClosedForm


class ExitPath(Record):
    """Where Syria goes when hedging ends on the myopic path."""

    round: Round | None
    syria_action: str | None
    first_broken: str | None
    first_broken_round: Round | None


class ForwardLookingRecord(Record):
    """Syria's optimal pure plan when it anticipates the dynamics, and the greedy one."""

    plan: list[str]
    payoffs: list[Real]
    value: Real
    myopic_plan: list[str]
    myopic_payoffs: list[Real]
    myopic_value: Real
    myopic_horizon: Round | None
    states: int = Field(ge=1)


class SustainabilityRecord(Record):
    """Grim-trigger thresholds per round (``null``: not sustainable at any discount)."""

    punishment: dict[str, str]
    discount: list[Real | None]
    thresholds: list[dict[str, Real | None]]


class StageGameRecord(Record):
    """The stage game of a decisive round: round 0 and the round hedging ends."""

    round: Round
    parameters: dict[str, Real]
    tolerance: dict[str, Probability]
    payoffs: list[list[Real]] = Field(description="per player, the payoff of every joint "
                                      "action, flattened in C order (the first player's "
                                      "action varies slowest)")


class TermDifference(Record):
    """One payoff term's contribution to ``focus`` minus each alternative."""

    name: str
    claims: list[str]
    description: str
    differences: dict[str, Real]


class Decomposition(Record):
    """Why ``player`` plays ``focus`` in ``round`` rather than each alternative, term by
    term, the others at their selected play. ``totals`` are the terms' sums."""

    round: Round
    player: str
    focus: str
    alternatives: list[str]
    terms: list[TermDifference]
    totals: dict[str, Real]

    def nonzero_terms(self, atol: float = 1e-9) -> list[TermDifference]:
        """Terms that differ between ``focus`` and some alternative."""
        return [t for t in self.terms if any(abs(v) > atol for v in t.differences.values())]

    def main_terms(self, alternative: str, n: int = 3) -> list[TermDifference]:
        """The ``n`` terms with the largest absolute difference against ``alternative``."""
        ranked = sorted(self.nonzero_terms(), key=lambda t: -abs(t.differences[alternative]))
        return ranked[:n]


class ClaimRecord(Record):
    """A claim of the article, in the ledger's words (``seeds/claims.yaml``)."""

    paragraph: int
    restatement: str


class RunResults(Record):
    """Everything a run of the tolerance-clock model answers (``results.json``)."""

    schema_version: Literal[2] = Field(default=SCHEMA_VERSION, description="bumped on any "
                                       "incompatible change; other versions are refused")
    model: Literal["tolerance"] = Field(default=MODEL, description="which model's results "
                                        "these are (the first model, the tolerance clock)")
    scenario: ScenarioInfo
    players: list[str] = Field(description="the players in game order")
    actions: dict[str, list[str]] = Field(description="each player's actions, in order")
    focal: str = Field(description="the player whose hedging the run is about")
    focus: str = Field(description="the focal player's hedging action")
    labels: LabelNames
    horizons: Horizons
    exit: ExitPath
    switch_points: dict[str, Probability | None] = Field(
        description="each counterpart's tolerance below which its round-0 response stops "
        "being a best response (null: it never flips)")
    forward_looking: ForwardLookingRecord
    sustainability: SustainabilityRecord
    rounds: list[RoundRecord] = Field(min_length=1, description="one record per round")
    stage_games: list[StageGameRecord] = Field(
        min_length=1, description="the stage games of the decisive rounds (round 0 and the "
        "round hedging ends), every payoff, for the figures")
    decomposition: Decomposition
    claims: dict[str, ClaimRecord] = Field(description="the claims the decomposition's "
                                           "terms cite")

    @model_validator(mode="after")
    def _consistent(self) -> RunResults:
        if list(self.actions) != self.players:
            raise ValueError("actions must list every player, in player order")
        if self.focal not in self.players or self.focus not in self.actions[self.focal]:
            raise ValueError(f"focal {self.focal!r} / focus {self.focus!r} not in the game")
        size = math.prod(len(a) for a in self.actions.values())
        for g in self.stage_games:
            if len(g.payoffs) != len(self.players) or any(len(p) != size for p in g.payoffs):
                raise ValueError(f"stage game of round {g.round}: expected "
                                 f"{len(self.players)} x {size} payoffs")
        for r in self.rounds:
            for e in r.equilibria:
                if [len(s) for s in e.profile] != [len(a) for a in self.actions.values()]:
                    raise ValueError(f"round {r.round}: an equilibrium's profile does not "
                                     "match the players' actions")
        return self

    # -- readings the figures and the report share -------------------------------------
    @property
    def counterparts(self) -> list[str]:
        """The players other than the focal one, in game order."""
        return [p for p in self.players if p != self.focal]

    @property
    def round_unit(self) -> str:
        return self.scenario.round_unit

    @property
    def display(self) -> Labels:
        """The display names as :class:`sim.labels.Labels`."""
        return self.labels.labels()

    def profile(self, index: int) -> tuple[np.ndarray, ...]:
        """The selected profile of round ``index``, one probability vector per player."""
        entry = self.rounds[index].profile
        return tuple(np.asarray(entry[p], dtype=np.float64) for p in self.players)

    def equilibrium_profiles(self, index: int) -> list[tuple[np.ndarray, ...]]:
        """Every equilibrium found in round ``index``."""
        return [tuple(np.asarray(s, dtype=np.float64) for s in e.profile)
                for e in self.rounds[index].equilibria]

    def stage_game(self, round_: int = 0) -> Any:
        """The stage game of a decisive round as a :class:`sim.game.NormalFormGame`."""
        from sim.game import NormalFormGame

        record = next((g for g in self.stage_games if g.round == round_), None)
        if record is None:
            raise KeyError(f"no stage game of round {round_} in these results; "
                           f"rounds {[g.round for g in self.stage_games]}")
        shape = tuple(len(a) for a in self.actions.values())
        payoffs = np.asarray(record.payoffs, dtype=np.float64).reshape(len(self.players),
                                                                        *shape)
        return NormalFormGame(payoffs, tuple(self.players),
                              tuple(tuple(a) for a in self.actions.values()))
