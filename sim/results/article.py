"""``ArticleResults``: everything a run of Model 2 (the article's stochastic game) answers,
and everything its figures and report draw (``results.json``).

The file format (``ArticleResults.model_dump_json``), the schema (published as
``docs/results.schema.json``), the validation (:func:`sim.results.read_results`) and the
only input of the figures and the report: they read these attributes and never call the
model. :func:`sim.results.build.article_results` is the one place that makes it.

Every distribution here is exact (forward propagation of the selected Markov-perfect
strategies through the game's transition law, :mod:`sim.article.outcomes`), and each one's
probabilities sum to one, with "never within the run" and "the regime collapsed first" as
outcomes of their own, never folded into the last round.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, model_validator

from sim.labels import Labels
from sim.results.common import LabelNames, Probability, Real, Record, Round

#: Bumped on any incompatible change of ``results.json``. Version 2 was the first model's
#: (the tolerance clock, removed); version 1 predates typed results.
SCHEMA_VERSION: Literal[3] = 3
#: The value of ``model`` in this class's files.
MODEL: Literal["article"] = "article"
#: Probabilities summing to one are checked to this tolerance (after the rounding to
#: :data:`sim.results.common.DECIMALS` places of every entry).
SUMS = 1e-6


class GridRecord(Record):
    """The state grid the run was solved on (numerics, not a model parameter)."""

    belief_points: int = Field(ge=3, description="points of each counterpart's belief grid")
    capacity_points: int = Field(ge=3, description="points of the regime-capacity grid")
    belief_min: Probability
    belief_max: Probability
    states: int = Field(ge=1, description="states of the game, the collapsed one included")


class ArticleScenario(Record):
    """The scenario as run."""

    name: str
    hash: str = Field(description="sim.scenario.scenario_hash of the resolved scenario")
    description: str
    question: str
    round_unit: str
    round_days: Real = Field(gt=0.0, description="days in a round")
    rounds: int = Field(ge=1)
    start: dt.date | None = Field(description="the calendar date of round 0 (null: undated)")
    grid: GridRecord
    rules: list[str] = Field(min_length=1, description="the selection rules solved; the "
                             "first is the one every distribution reports")
    parameters: dict[str, Real] = Field(description="the calibration in the run's per-round "
                                        "units (sim.article.parameters)")
    resolved: dict[str, Any] = Field(description="the fully resolved scenario "
                                     "(sim.scenario.resolved_dict)")
    source: str | None = Field(default=None, description="the scenario file's text, echoed by the "
                               "report (null: built in memory)")
    overrides: list[str] = Field(default_factory=list,
                                 description="--set overrides applied on top of the file")


class EventRecord(Record):
    """A dated event of the run and what it moves."""

    name: str
    round: Round
    date: dt.date | None
    description: str
    claims: list[str]
    moves: list[str] = Field(description="what it moves in the model, in words (empty: "
                             "nothing; see no_change)")
    no_change: str = Field(default="", description="why it moves nothing in the model")


class BeliefSummary(Record):
    """A counterpart's belief that Syria is an opportunist against it, over the states the
    regime still stands in: mean and quantiles."""

    mean: Probability
    quantiles: dict[str, Probability] = Field(description="{q: the smallest grid belief "
                                              "whose cumulative probability reaches q}")


class ArticleRound(Record):
    """One round of the selected equilibrium's play, as exact probabilities."""

    round: Round
    date: dt.date | None
    actions: dict[str, dict[str, Probability]] = Field(
        description="{player: {action: unconditional probability it is played}}: with "
        "`collapsed` they sum to one")
    collapsed: Probability = Field(description="probability the regime has fallen by the "
                                   "start of the round")
    beliefs: dict[str, BeliefSummary] = Field(description="{counterpart: its belief, given "
                                              "the regime stands}")
    capacity: Probability = Field(description="mean regime capacity, given it stands")
    threat: Real = Field(ge=0.0, description="the threat to the regime this round (capacity "
                         "scale)")
    patrons: dict[str, Probability] = Field(description="{patron: its capacity this round}")
    ambiguity: Real | None = Field(description="the value of ambiguity (sim.article.ambiguity): "
                                   "Syria's payoff from hedging, continuation values included, "
                                   "against the others' selected play, minus the best of "
                                   "aligning and realigning; expected over the states the "
                                   "regime stands in (null: it has fallen for sure)")
    hedging_pays: Probability | None = Field(description="probability, given the regime "
                                             "stands, that the value of ambiguity is positive "
                                             "(hedging is Syria's strict best reply; null: "
                                             "fallen for sure)")
    fragile: Probability | None = Field(description="probability of being in a state whose "
                                        "stage game (with continuation values) has more than "
                                        "one equilibrium found (null: not searched)")
    events: list[str] = Field(description="the events dated in this round")


class SampledPaths(Record):
    """Plays of the selected equilibrium drawn at random, for the fan chart: each path's
    focal player's stance and continuation value per round (the engine's
    ``Solution.sample``, identical on every machine for the same seed)."""

    seed: int = Field(ge=0, description="the `numpy.random.default_rng` seed (the scenario's "
                      "`seed`)")
    stances: list[list[str]] = Field(min_length=1, description="per path, per round: the "
                                     "focal player's action, or `collapsed` once the regime "
                                     "has fallen")
    value: list[list[Real | None]] = Field(min_length=1, description="per path, per "
                                           "round: the focal player's expected discounted "
                                           "payoff from that round's state on (its "
                                           "continuation value; null once the regime has "
                                           "fallen)")

    @model_validator(mode="after")
    def _rectangular(self) -> SampledPaths:
        if len(self.value) != len(self.stances):
            raise ValueError("stances and value must hold the same paths")
        lengths = {len(p) for p in self.stances} | {len(p) for p in self.value}
        if len(lengths) != 1:
            raise ValueError("every path must have the same number of rounds")
        return self


class HorizonDistribution(Record):
    """When Syria first stops hedging for sure: a distribution over rounds, the regime's
    collapse first, and never within the run. ``at`` + ``collapse`` + ``never`` sum to one."""

    at: list[Probability] = Field(description="probability it is each round")
    collapse: Probability = Field(description="probability the regime falls while Syria "
                                  "still hedges for sure")
    never: Probability = Field(description="probability Syria hedges for sure through the "
                               "last round")
    median: Round | None = Field(description="the round by which it has come with "
                                 "probability 1/2 (null: not within the run)")
    expected: Real | None = Field(description="the mean round given it comes within the run "
                                  "(null: it never does)")

    @model_validator(mode="after")
    def _sums(self) -> HorizonDistribution:
        total = sum(self.at) + self.collapse + self.never
        if abs(total - 1.0) > SUMS:
            raise ValueError(f"horizon probabilities sum to {total}, not 1")
        return self


class ExitDistribution(Record):
    """Syria's first realised action other than hedging, and when. ``at`` + ``collapse`` +
    ``never`` sum to one."""

    at: list[dict[str, Probability]] = Field(description="per round, {exit action: "
                                             "probability it is the first in that round}")
    collapse: Probability = Field(description="probability the regime falls while Syria has "
                                  "only hedged")
    never: Probability = Field(description="probability Syria hedges in every round")
    totals: dict[str, Probability] = Field(description="{align, realign, collapse, never}: "
                                           "where the hedge ends, over the whole run")
    mode: list[str] = Field(description="the most likely ends (more than one: a tie)")

    @model_validator(mode="after")
    def _sums(self) -> ExitDistribution:
        total = sum(sum(r.values()) for r in self.at) + self.collapse + self.never
        if abs(total - 1.0) > SUMS:
            raise ValueError(f"exit probabilities sum to {total}, not 1")
        return self


class RuleAnswer(Record):
    """The headline answers under one selection rule."""

    rule: str
    horizon: HorizonDistribution
    exit: ExitDistribution
    collapse: Probability = Field(description="probability the regime has fallen by the end "
                                  "of the run")
    hedge: list[Probability] = Field(description="per round, the probability Syria hedges")


class Robustness(Record):
    """Whether each headline answer is the same under every rule solved (probabilities
    within ``tolerance``)."""

    horizon: bool = Field(description="same median horizon and probability of never")
    exit: bool = Field(description="same most likely end of the hedge")
    collapse: bool = Field(description="same probability of collapse by the end")
    tolerance: Real


class Sustainability(Record):
    """The discount threshold of each counterpart: its least discount factor (the others'
    held at the calibration's) with which Syria still hedges for sure in round 0."""

    threshold: dict[str, Probability | None] = Field(
        description="{counterpart: threshold}: 0 when hedging needs none of its patience, "
        "null when no patience up to the scan's top sustains it")
    scan: dict[str, list[tuple[Probability, bool]]] = Field(
        description="{counterpart: [(discount, hedges for sure)]} the values tried")


class ThreeHorizons(Record):
    """The first model's three horizons recast on Model 2."""

    myopic: HorizonDistribution | None = Field(description="stage-optimal play (the game "
                                               "solved with discount 0; beliefs and capacity "
                                               "still move; null: not solved)")
    forward_looking: HorizonDistribution = Field(description="the Markov-perfect path under "
                                                 "the first rule")
    sustainability: Sustainability | None = Field(description="null: not computed")


class StageGameRecord(Record):
    """The stage game of round 0 in the state the run starts in, continuation values
    included (the game the equilibrium is selected in), and Syria's terms."""

    round: Round
    beliefs: dict[str, Probability]
    capacity: Probability
    payoffs: list[list[Real]] = Field(description="per player, the payoff of every joint "
                                      "action, flattened in C order (the first player's "
                                      "action varies slowest)")
    profile: dict[str, list[Probability]] = Field(description="{player: the selected "
                                                  "strategy there}")


class TermDifference(Record):
    """One payoff term's contribution to ``focus`` minus each alternative."""

    name: str
    claims: list[str]
    description: str
    differences: dict[str, Real]


class Decomposition(Record):
    """Why ``player`` plays ``focus`` in round 0 rather than each alternative, stage
    payoffs term by term (continuation values apart), the others at their selected play.
    ``totals`` are the terms' sums."""

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


class ObservationRecord(Record):
    """One observation of history (a dated event's ``observed:``) against the model."""

    round: Round
    date: dt.date | None
    event: str
    what: str = Field(description="a player, or `collapse`")
    history: str = Field(description="what happened: the player's action, or `fallen` / "
                         "`standing` by the round's end")
    probability: Probability = Field(description="the model's probability of what happened "
                                     "(an action given the regime stands; collapse by the "
                                     "round's end)")
    model: str = Field(description="the model's most likely outcome there")
    agrees: bool = Field(description="the model gives what happened at least an even chance")


class BacktestRecord(Record):
    """The run against what happened (sim.article.backtest): each observation its events
    carry, and the probability that the regime has fallen by the day it fell."""

    target: dt.date = Field(description="the day the regime fell (8 December 2024)")
    target_round: Round | None = Field(description="the round holding it (null: outside "
                                       "the run)")
    collapse: Probability | None = Field(description="P(the regime has fallen by the end of "
                                         "that round), the run's shocks (null: outside the run)")
    collapse_without_capacity_shocks: Probability | None = Field(
        description="the same with no shock to the patrons' capacities (null: not solved)")
    known_until: dt.date | None = Field(description="the calibration's vantage: events after "
                                        "it were not used to calibrate")
    observations: list[ObservationRecord]

    @property
    def agreements(self) -> int:
        return sum(o.agrees for o in self.observations)


class ArticleResults(Record):
    """Everything a run of Model 2 answers (``results.json``)."""

    schema_version: Literal[3] = Field(default=SCHEMA_VERSION, description="bumped on any "
                                       "incompatible change; other versions are refused")
    model: Literal["article"] = Field(default=MODEL, description="which model's results these "
                                      "are (Model 2, the article's stochastic game)")
    scenario: ArticleScenario
    players: list[str] = Field(description="the players in game order")
    actions: dict[str, list[str]] = Field(description="each player's actions, in order")
    focal: str = Field(description="the player whose hedging the run is about")
    focus: str = Field(description="the focal player's hedging action")
    labels: LabelNames
    events: list[EventRecord]
    rounds: list[ArticleRound] = Field(min_length=1, description="one record per round")
    survival: list[Probability] = Field(description="probability the regime stands at the "
                                        "start of each round, and after the last (rounds + 1)")
    horizon: HorizonDistribution
    exit: ExitDistribution
    by_rule: list[RuleAnswer] = Field(min_length=1, description="the headline answers under "
                                      "each rule solved, the first rule's first")
    robustness: Robustness
    horizons: ThreeHorizons
    stage_game: StageGameRecord
    decomposition: Decomposition
    claims: dict[str, ClaimRecord] = Field(description="the claims the decomposition's "
                                           "terms cite")
    path_counts: dict[str, int] = Field(description="how the engine answered the stage games "
                                        "of the first rule's solve")
    continuum: Probability | None = Field(default=None, description="the probability the "
        "first rule's play reaches a stage game whose selected equilibrium lies on a "
        "continuum of equilibria (there the numbers are ties up to the logit tracer's "
        "stopping point; null in files written before it was measured)")
    backtest: BacktestRecord | None = Field(description="the run against what happened (null: "
                                            "its events record no observations)")
    paths: SampledPaths | None = Field(default=None, description="sampled plays for the fan "
                                       "chart (null: not drawn)")

    @model_validator(mode="after")
    def _consistent(self) -> ArticleResults:
        if list(self.actions) != self.players:
            raise ValueError("actions must list every player, in player order")
        if self.focal not in self.players or self.focus not in self.actions[self.focal]:
            raise ValueError(f"focal {self.focal!r} / focus {self.focus!r} not in the game")
        n = len(self.rounds)
        if len(self.survival) != n + 1 or len(self.horizon.at) != n or len(self.exit.at) != n:
            raise ValueError(f"survival needs {n + 1} entries, horizon and exit {n}")
        if self.paths is not None and len(self.paths.stances[0]) != n:
            raise ValueError(f"sampled paths have {len(self.paths.stances[0])} rounds, the run {n}")
        for r in self.rounds:
            for p, probs in r.actions.items():
                total = sum(probs.values()) + r.collapsed
                if abs(total - 1.0) > SUMS:
                    raise ValueError(f"round {r.round}: {p}'s probabilities and collapse sum "
                                     f"to {total}, not 1")
        if [a.rule for a in self.by_rule] != self.scenario.rules:
            raise ValueError("by_rule must hold one answer per rule, in the rules' order")
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

    @property
    def dates(self) -> list[dt.date] | None:
        """The start date of every round and of the round after the last (``None``:
        undated)."""
        start = self.scenario.start
        if start is None:
            return None
        days = self.scenario.round_days
        return [start + dt.timedelta(days=k * days) for k in range(len(self.rounds) + 1)]

    def ambiguity(self) -> list[float | None]:
        """Per round, the value of ambiguity (``None`` where the regime has fallen for
        sure)."""
        return [r.ambiguity for r in self.rounds]

    def series(self, player: str, action: str) -> list[float]:
        """Per round, the probability ``player`` plays ``action``."""
        return [r.actions[player][action] for r in self.rounds]
