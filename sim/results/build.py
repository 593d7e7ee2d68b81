"""Typed results from what the model computed: the one place that turns a run of Model 2
(:class:`sim.scenario.article.ArticleRun` and its :class:`sim.article.answers.Answers`)
into :class:`~sim.results.ArticleResults` (the analyses build their own records:
:mod:`sim.sweep.analyses`).

This is where everything the figures and the report draw is computed, once: the exact
outcome distributions, the robustness across rules, the stage game of round 0 with its
continuation values and Syria's claim-tagged terms. Below this module nothing calls the
model.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.results.article import (
    ArticleResults,
    ArticleRound,
    ArticleScenario,
    BacktestRecord,
    BeliefSummary,
    ClaimRecord,
    Decomposition,
    EventRecord,
    ExitDistribution,
    GridRecord,
    HorizonDistribution,
    ObservationRecord,
    Robustness,
    RuleAnswer,
    SampledPaths,
    StageGameRecord,
    Sustainability,
    TermDifference,
    ThreeHorizons,
)
from sim.results.common import LabelNames, fixed

if TYPE_CHECKING:
    from sim.article.answers import Answers
    from sim.article.outcomes import Exit, Horizon, Outcomes
    from sim.article.thresholds import Sustainability as EngineSustainability
    from sim.scenario import Scenario
    from sim.scenario.article import ArticleRun

def horizon_record(h: Horizon) -> HorizonDistribution:
    return HorizonDistribution(at=[float(x) for x in h.at], collapse=h.collapse, never=h.never,
                               median=h.median(), expected=h.expected())


def exit_record(e: Exit) -> ExitDistribution:
    from sim.article.answers import SAME
    from sim.article.outcomes import EXITS

    totals = e.action()
    top = max(totals.values())
    return ExitDistribution(
        at=[{a: float(row[k]) for k, a in enumerate(EXITS)} for row in e.at],
        collapse=e.collapse, never=e.never, totals=totals,
        mode=[k for k, v in totals.items() if v >= top - SAME],
    )


def rule_answer(rule: str, o: Outcomes) -> RuleAnswer:
    from sim.article.actors import ACTIONS, SYRIA

    hedge = ACTIONS[SYRIA].index("hedge")
    return RuleAnswer(rule=rule, horizon=horizon_record(o.horizon), exit=exit_record(o.exit),
                      collapse=float(o.collapsed[-1]),
                      hedge=[float(x) for x in o.actions[SYRIA][:, hedge]])


def _finite(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _rounds(run: ArticleRun, ans: Answers) -> list[ArticleRound]:
    from sim.article.actors import ACTIONS, PLAYERS
    from sim.article.ambiguity import ambiguity
    from sim.article.outcomes import QUANTILES

    o, timeline = ans.forward, ans.game.timeline
    value = ambiguity(ans)
    events: dict[int, list[str]] = {}
    for ev in run.events:
        events.setdefault(ev.round, []).append(ev.name)
    out = []
    for t in range(o.rounds):
        data = timeline.data[t]
        fragile = float(ans.fragile[t])
        out.append(ArticleRound(
            round=t,
            date=run.date_of(t),
            actions={p: {a: float(o.actions[p][t, k]) for k, a in enumerate(ACTIONS[p])}
                     for p in PLAYERS},
            collapsed=float(o.collapsed[t]),
            beliefs={cp: BeliefSummary(mean=float(b.mean[t]),
                                       quantiles={f"{q:g}": float(b.quantiles[t, j])
                                                  for j, q in enumerate(QUANTILES)})
                     for cp, b in o.beliefs.items()},
            capacity=float(o.capacity[t]),
            threat=float(data.threat),
            patrons={"iran": float(data.capacity_iran), "russia": float(data.capacity_russia)},
            ambiguity=_finite(value.expected[t]),
            hedging_pays=_finite(value.positive[t]),
            fragile=None if np.isnan(fragile) else fragile,
            events=events.get(t, []),
        ))
    return out


def _start_state(ans: Answers) -> int:
    """The state the run starts in (the most likely one: the grid is anchored at the
    priors, so there is one unless round 0 has a state shock)."""
    return int(np.argmax(ans.game.initial()))


def _stage_game(ans: Answers) -> tuple[StageGameRecord, tuple[np.ndarray, ...]]:
    from sim.article.actors import COUNTERPARTS, PLAYERS

    s = _start_state(ans)
    payoffs = ans.stage_payoffs(0)[s]  # (n, *SHAPE), continuation values included
    sigma = ans.strategy()[0, s]  # (n, 3)
    beliefs = ans.game.state_beliefs()[s]
    record = StageGameRecord(
        round=0,
        beliefs={cp: float(beliefs[c]) for c, cp in enumerate(COUNTERPARTS)},
        capacity=float(ans.game.state_capacity()[s]),
        payoffs=[[float(x) for x in p.reshape(-1)] for p in payoffs],
        profile={p: [float(x) for x in sigma[k]] for k, p in enumerate(PLAYERS)},
    )
    return record, tuple(np.asarray(sigma[k]) for k in range(len(PLAYERS)))


def decomposition(ans: Answers, profile: tuple[np.ndarray, ...], player: str = "syria",
                  focus: str = "hedge") -> Decomposition:
    """Term-by-term difference between ``player`` playing ``focus`` and each alternative in
    round 0's start state, the others at ``profile`` (stage payoffs; the terms sum to the
    stage payoff, :func:`sim.article.terms.decompose`)."""
    from sim.article import capacity, terms
    from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS

    game = ans.game
    s = _start_state(ans)
    params, data = game.timeline.parameters[0], game.timeline.data[0]
    k_of = game.component_indices()[s, 3]
    hazard = capacity.hazard(params, data, game.capacities)[k_of]
    beliefs = dict(zip(COUNTERPARTS, (float(b) for b in game.state_beliefs()[s]), strict=True))
    k = PLAYERS.index(player)
    names = ACTIONS[player]
    alternatives = [a for a in names if a != focus]

    def at(action: str) -> tuple[Any, ...]:
        swapped = list(profile)
        swapped[k] = np.eye(len(names))[names.index(action)]
        return terms.decompose(params, data, beliefs, hazard, player, tuple(swapped))

    base = at(focus)
    others = {a: at(a) for a in alternatives}
    rows = [TermDifference(name=t.name, claims=list(t.claims), description=t.description,
                           differences={a: t.value - others[a][i].value for a in alternatives})
            for i, t in enumerate(base)]
    totals = {a: float(sum(t.value - o.value for t, o in zip(base, others[a], strict=True)))
              for a in alternatives}
    return Decomposition(round=0, player=player, focus=focus, alternatives=alternatives,
                         terms=rows, totals=totals)


def _sustainability(s: EngineSustainability | None) -> Sustainability | None:
    if s is None:
        return None
    return Sustainability(threshold=dict(s.threshold),
                          scan={cp: [(float(d), bool(h)) for d, h in v]
                                for cp, v in s.scan.items()})


def _moves(shocks: Sequence[Any]) -> list[str]:
    ops = {"set": "set to", "add": "changed by", "scale": "multiplied by"}
    return [f"{s.target} {ops.get(s.op, s.op)} {s.value:g}" for s in shocks]


def article_results(
    scenario: Scenario,
    run: ArticleRun,
    answers: Answers,
    *,
    rules: Sequence[str],
    sustainability: EngineSustainability | None = None,
    source: str | None = None,
    overrides: Sequence[str] = (),
    without_capacity_shocks: float | None = None,
) -> ArticleResults:
    """The :class:`~sim.results.ArticleResults` of one solved run.

    Parameters
    ----------
    scenario
        The scenario as run (its name, prose, hash and labels).
    run
        What :func:`sim.scenario.article.article_run` made of it.
    answers
        What :func:`sim.article.answers.answer` returned for it.
    rules
        The selection rules it was solved under, the reported one first.
    sustainability
        :func:`sim.article.answers.sustainability` of the run, when computed.
    source, overrides
        The scenario file's text and the ``--set`` overrides applied on top of it.
    without_capacity_shocks
        For a run whose events record observations: P(the regime has fallen by the end of
        the round of 8 December 2024) solved without the patrons' capacity shocks
        (:func:`sim.article.backtest.backtest`).
    """
    from sim.article.actors import ACTIONS, PLAYERS, SYRIA
    from sim.article.answers import SAME
    from sim.claims import load_ledger
    from sim.scenario import resolved_dict, scenario_hash

    res = answers.game.resolution  # the grid solved on (run's options may refine it)
    by_rule = [rule_answer(rule, answers.by_rule[rule]) for rule in rules]
    first = by_rule[0]
    stage, profile = _stage_game(answers)
    dec = decomposition(answers, profile)
    ledger = load_ledger().by_id()
    cited = sorted({c for t in dec.terms for c in t.claims})
    labels = scenario.labels()
    return ArticleResults(
        scenario=ArticleScenario(
            name=scenario.name, hash=scenario_hash(scenario), description=scenario.description,
            question=scenario.question, round_unit=scenario.game.round_unit,
            round_days=run.round_days, rounds=run.rounds, start=run.start,
            grid=GridRecord(belief_points=res.belief_points, capacity_points=res.capacity_points,
                            belief_min=res.belief_min, belief_max=res.belief_max,
                            states=answers.game.n_states),
            rules=list(rules),
            parameters={k: float(v) for k, v in run.params.as_dict().items()},
            resolved=resolved_dict(scenario), source=source, overrides=list(overrides),
        ),
        players=list(PLAYERS),
        actions={p: list(a) for p, a in ACTIONS.items()},
        focal=SYRIA,
        focus="hedge",
        labels=LabelNames.of(labels, ACTIONS),
        events=[EventRecord(name=e.name, round=e.round, date=e.date, description=e.description,
                            claims=list(e.claims), moves=_moves(e.shocks),
                            no_change=e.no_change)
                for e in run.events],
        rounds=_rounds(run, answers),
        survival=[float(x) for x in answers.forward.survival],
        horizon=first.horizon,
        exit=first.exit,
        by_rule=by_rule,
        robustness=Robustness(**answers.robustness.summary(), tolerance=SAME),
        horizons=ThreeHorizons(
            myopic=None if answers.myopic is None else horizon_record(answers.myopic.horizon),
            forward_looking=first.horizon,
            sustainability=_sustainability(sustainability),
        ),
        stage_game=stage,
        decomposition=dec,
        claims={c: ClaimRecord(paragraph=ledger[c].paragraph, restatement=ledger[c].restatement)
                for c in cited if c in ledger},
        path_counts={k: int(v) for k, v in answers.path_counts.items()},
        continuum=min(max(answers.continuum, 0.0), 1.0),
        backtest=backtest_record(run, answers, without_capacity_shocks),
        paths=sampled_paths(answers, scenario.seed),
    )


#: Paths drawn for the fan chart: enough for its 10% and 90% quantiles to rest on 20 paths.
PATHS = 200


def sampled_paths(ans: Answers, seed: int, paths: int = PATHS) -> SampledPaths:
    """:data:`PATHS` plays of the selected equilibrium (``Solution.sample`` from the
    run's start, with ``seed``): Syria's stance and continuation value per round."""
    from sim.article.actors import ACTIONS, PLAYERS, SYRIA

    game = ans.game
    drawn = ans.solution.sample(game.initial(), game.rounds, paths=paths, seed=seed)
    states = np.asarray(drawn.states)
    acts = np.asarray(drawn.actions)
    if states.ndim == 3:  # the batch the run was solved in
        states, acts = states[ans.index], acts[ans.index]
    values = np.asarray(ans.solution.values)
    if values.ndim == 4:  # (B, T, S, n)
        values = values[ans.index]
    stance = ACTIONS[SYRIA]
    syria = PLAYERS.index(SYRIA)
    fallen = game.collapsed
    return SampledPaths(
        seed=seed,
        stances=[["collapsed" if states[k, t] == fallen else stance[acts[k, t, syria]]
                  for t in range(game.rounds)] for k in range(paths)],
        value=[[None if states[k, t] == fallen else float(values[t, states[k, t], syria])
                for t in range(game.rounds)] for k in range(paths)],
    )


def backtest_record(run: ArticleRun, answers: Answers,
                    without_capacity_shocks: float | None = None) -> BacktestRecord | None:
    """The run against what happened: every observation its events carry, read off the
    solved outcomes (:func:`sim.article.backtest.observations`; ``None`` without any)."""
    from sim.article.backtest import FALL, observations

    if not any(e.observed or e.observed_collapse is not None for e in run.events):
        return None
    out = answers.forward
    t = run.round_of(FALL)
    inside = t is not None and 0 <= t < out.rounds
    return BacktestRecord(
        target=FALL,
        target_round=t if inside else None,
        collapse=float(out.collapsed[t + 1]) if inside and t is not None else None,
        collapse_without_capacity_shocks=without_capacity_shocks if inside else None,
        known_until=run.known_until,
        observations=[ObservationRecord(round=o.round, date=o.date, event=o.event, what=o.what,
                                        history=o.history, probability=o.probability,
                                        model=o.model, agrees=o.agrees)
                      for o in observations(run, out)],
    )


# -- trajectory.csv -------------------------------------------------------------------------
def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(fixed(value))
    return str(value)


def trajectory_csv(results: ArticleResults) -> str:
    """``trajectory.csv``: one row per round of the typed results (the first rule's play):
    its date, each player's action probabilities, the probability the regime has fallen,
    each counterpart's mean belief, the mean regime capacity, the threat, the patrons'
    capacities, the value of ambiguity and the probability that hedging pays, the probability
    of a fragile state and the events."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    cps = results.counterparts
    header = ["round", "date",
              *(f"p_{p}_{a}" for p in results.players for a in results.actions[p]),
              "p_collapsed", *(f"belief_{cp}_mean" for cp in cps), "capacity_mean", "threat",
              *(f"capacity_{k}" for k in results.rounds[0].patrons), "value_of_ambiguity",
              "p_hedging_pays", "p_fragile", "events"]
    writer.writerow(header)
    for r in results.rounds:
        row: list[Any] = [r.round, r.date]
        row += [r.actions[p][a] for p in results.players for a in results.actions[p]]
        row += [r.collapsed, *(r.beliefs[cp].mean for cp in cps), r.capacity, r.threat,
                *r.patrons.values(), r.ambiguity, r.hedging_pays, r.fragile,
                "; ".join(r.events)]
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue()
