"""Typed results from what the model computed: the one place that turns a run
(:class:`sim.repeated.RunResult`) and the analyses (:mod:`sim.sweep`) into
:class:`~sim.results.RunResults` and :class:`~sim.results.AnalysisResults`.

This is where everything the figures and the report draw is computed, once: the stage
games of the decisive rounds, the term-by-term decomposition and the claims its terms
cite. Below this module nothing calls the model.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim import model
from sim.results.analyses import (
    AnalysisResults,
    AnalysisScenario,
    GridAnalysis,
    MonteCarloAnalysis,
    SensitivityAnalysis,
    SensitivityRow,
)
from sim.results.common import Horizon, LabelNames, TieCause, fixed
from sim.results.run import (
    ClaimRecord,
    ClosedForm,
    Decomposition,
    EquilibriumRecord,
    ExitPath,
    ForwardLookingRecord,
    Horizons,
    RoundRecord,
    RunResults,
    ScenarioInfo,
    StageGameRecord,
    SustainabilityRecord,
    TermDifference,
)


def _finite(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


def _cause(edge: Any) -> TieCause:
    return TieCause(round=edge.round, player=edge.player, action=edge.action,
                    alternative=edge.alternative, difference=edge.difference,
                    tolerance=edge.tolerance)


def _tied(round_: int | None, edge: Any, rounds: int) -> Horizon:
    """``round_``, a tie when it is the round after ``edge`` or the round of it."""
    if edge is None or round_ is None or round_ not in (edge.round, edge.round + 1):
        return Horizon.of(round_)
    later = edge.round + 1 if edge.round + 1 < rounds else None
    return Horizon(round=round_, tie=True, between=(edge.round, later), cause=_cause(edge))


def decomposition(params: model.Parameters, tolerance: Mapping[str, float],
                  profile: Sequence[np.ndarray], round_: int = 0,
                  player: str = model.SYRIA, focus: str = model.HEDGE) -> Decomposition:
    """Term-by-term difference between ``player`` playing ``focus`` and each alternative,
    the others at ``profile`` (the terms sum to the payoff, :func:`sim.model.decompose`)."""
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


def _stage_game(record: Any) -> StageGameRecord:
    game = model.stage_game(record.parameters, record.tolerance)
    return StageGameRecord(
        round=record.round,
        parameters={k: float(v) for k, v in record.parameters.as_dict().items()},
        tolerance=dict(record.tolerance),
        payoffs=[list(p.reshape(-1)) for p in game.payoffs],
    )


def run_results(run: Any, *, source: str | None = None,
                overrides: Sequence[str] = ()) -> RunResults:
    """The :class:`~sim.results.RunResults` of a :class:`sim.repeated.RunResult`.

    Parameters
    ----------
    run
        What :func:`sim.repeated.run` returned.
    source
        The scenario file's text (echoed by the report).
    overrides
        The ``--set`` overrides applied on top of it.
    """
    from sim.claims import load_ledger
    from sim.scenario import resolved_dict, scenario_hash

    sc = run.scenario
    traj = run.trajectory
    my, fw, su, cf = run.myopic, run.forward, run.sustainability, run.closed_form
    edge = run.knife_edge
    n_rounds = sc.repeated.rounds
    amb = my.value_of_ambiguity
    rounds = []
    for k, r in enumerate(traj.rounds):
        rounds.append(RoundRecord(
            round=r.round,
            date=r.date,
            tolerance=dict(r.tolerance),
            selected=r.actions,
            profile={p: list(s) for p, s in r.strategies.items()},
            hedge_probability=r.hedge_probability,
            margin=r.margin,
            syria_payoff=r.syria_payoff,
            value_of_ambiguity=amb[k],
            syria_action_values=dict(r.syria_action_values),
            equilibria=[EquilibriumRecord(profile=[list(s) for s in eq.profile],
                                          payoffs=list(eq.payoffs), method=eq.method,
                                          regret=eq.regret, selected=j == r.selected)
                        for j, eq in enumerate(r.equilibria)],
            events=list(r.events),
            changed=list(r.changed),
            sustainability_discount=_finite(su.discount[k]) if su.discount else None,
        ))
    exit_round = my.exit.round
    decisive = [traj.rounds[0]]
    if exit_round is not None and exit_round > 0:
        decisive.append(traj.rounds[exit_round])
    first = traj.rounds[0]
    dec = decomposition(first.parameters, first.tolerance, first.profile)
    ledger = load_ledger().by_id()
    cited = sorted({c for t in dec.terms for c in t.claims})
    crossing = {cp: Horizon.of(c) for cp, c in cf.crossing.items()}
    for cp, tie in cf.ties.items():
        c = cf.crossing[cp]
        crossing[cp] = Horizon(round=c, tie=True, between=(tie.round, tie.round + 1),
                               cause=_cause(tie))
    cf_horizon = crossing[cf.binding] if cf.binding is not None else Horizon.of(None)
    return RunResults(
        scenario=ScenarioInfo(
            name=sc.name, hash=scenario_hash(sc), description=sc.description,
            question=sc.question, round_unit=sc.repeated.round_unit, rounds=n_rounds,
            discount=sc.repeated.discount, selection=sc.repeated.selection,
            fallback=sc.repeated.fallback, solver=sc.repeated.solver,
            resolved=resolved_dict(sc), source=source, overrides=list(overrides),
        ),
        players=list(model.PLAYERS),
        actions={p: list(a) for p, a in model.ACTIONS.items()},
        focal=model.SYRIA,
        focus=model.HEDGE,
        labels=LabelNames.of(sc.labels(), model.ACTIONS),
        horizons=Horizons(
            myopic=_tied(my.horizon, edge, n_rounds),
            myopic_half=Horizon.of(my.half),
            leaves_support=Horizon.of(my.leaves_support),
            forward_looking=_tied(fw.horizon, edge, n_rounds),
            value_of_foresight=fw.value_of_foresight,
            sustainability_discount=_finite(su.discount[0]) if su.discount else None,
            sustainability_exceeded=_tied(su.first_exceeds, edge, n_rounds),
            value_of_ambiguity_at_exit=amb[exit_round] if exit_round is not None else None,
            value_of_ambiguity_final=amb[-1] if amb else None,
            closed_form_myopic=ClosedForm(horizon=cf_horizon, binding=cf.binding,
                                          crossing=crossing, decisive=dict(cf.decisive),
                                          applies=cf.applies),
        ),
        exit=ExitPath(round=my.exit.round, syria_action=my.exit.syria_action,
                      first_broken=my.exit.first_broken,
                      first_broken_round=my.exit.first_broken_round),
        switch_points=dict(run.switch_points),
        forward_looking=ForwardLookingRecord(
            plan=list(fw.plan), payoffs=list(fw.payoffs), value=fw.value,
            myopic_plan=list(fw.myopic_plan), myopic_payoffs=list(fw.myopic_payoffs),
            myopic_value=fw.myopic_value, myopic_horizon=fw.myopic_horizon, states=fw.states,
        ),
        sustainability=SustainabilityRecord(
            punishment=dict(su.punishment),
            discount=[_finite(d) for d in su.discount],
            thresholds=[{p: _finite(v) for p, v in t.items()} for t in su.thresholds],
        ),
        rounds=rounds,
        stage_games=[_stage_game(r) for r in decisive],
        decomposition=dec,
        claims={c: ClaimRecord(paragraph=ledger[c].paragraph,
                               restatement=ledger[c].restatement)
                for c in cited if c in ledger},
    )


# -- trajectory.csv -------------------------------------------------------------------------
def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(fixed(value)) if np.isfinite(value) else ""
    return str(value)


def trajectory_csv(run: Any) -> str:
    """``trajectory.csv``: :meth:`sim.repeated.Trajectory.table`, one row per round, floats
    at the results' precision."""
    rows = run.trajectory.table()
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = list(rows[0])
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(row[k]) for k in header])
    return buf.getvalue()


# -- analyses.json --------------------------------------------------------------------------
NEVER = -1


def _horizons(values: Any) -> Any:
    arr = np.asarray(values)
    if arr.ndim == 0:
        v = int(arr)
        return None if v == NEVER else v
    return [_horizons(v) for v in arr]


def _names(codes: Any, labels: Sequence[str]) -> Any:
    arr = np.asarray(codes)
    if arr.ndim == 0:
        v = int(arr)
        return None if v == NEVER else labels[v]
    return [_names(v, labels) for v in arr]


def analysis_record(result: Any) -> GridAnalysis | MonteCarloAnalysis | SensitivityAnalysis:
    """The typed record of a :mod:`sim.sweep` analysis result."""
    from sim.sweep import GridResult, MonteCarloResult

    if isinstance(result, GridResult):
        return GridAnalysis(
            keys=list(result.keys), axes=[list(a) for a in result.axes], rounds=result.rounds,
            horizon=_horizons(result.horizon), exit=_names(result.exit, result.exit_labels),
            first_broken=_names(result.first_broken, result.counterpart_labels),
        )
    if isinstance(result, MonteCarloResult):
        return MonteCarloAnalysis(
            keys=list(result.keys), draws=int(len(result.horizon)), seed=int(result.seed),
            rounds=result.rounds,
            quantiles={f"{q:g}": v for q, v in result.quantiles.items()},
            exit_shares=dict(result.exit_shares), never_share=result.never_share,
            horizon=_horizons(result.horizon), exit=_names(result.exit, result.exit_labels),
            first_broken=_names(result.first_broken, result.counterpart_labels),
            samples={k: list(result.samples[:, j]) for j, k in enumerate(result.keys)},
        )
    return SensitivityAnalysis(
        keys=list(result.keys), quantiles=tuple(result.quantiles),
        base_horizon=_horizons(result.base_horizon),
        base_exit=_names(result.base_exit, result.exit_labels), rounds=result.rounds,
        parameters=[
            SensitivityRow(
                key=key, base=result.base_values[j], low=result.low_values[j],
                high=result.high_values[j], low_horizon=_horizons(result.low_horizon[j]),
                high_horizon=_horizons(result.high_horizon[j]),
                low_exit=_names(result.low_exit[j], result.exit_labels),
                high_exit=_names(result.high_exit[j], result.exit_labels),
                swing=int(result.swing[j]),
            )
            for j, key in enumerate(result.keys)
        ],
    )


def analysis_results(scenario: Any, computed: Mapping[str, Any]) -> AnalysisResults:
    """The :class:`~sim.results.AnalysisResults` of analyses run on ``scenario``
    (``{analysis name: result}`` as :mod:`sim.sweep` returns them)."""
    from sim.scenario import scenario_hash

    return AnalysisResults(
        scenario=AnalysisScenario(name=scenario.name, hash=scenario_hash(scenario),
                                  question=scenario.question,
                                  round_unit=scenario.repeated.round_unit),
        focal=model.SYRIA,
        labels=LabelNames.of(scenario.labels(), model.ACTIONS),
        analyses={name: analysis_record(r) for name, r in computed.items()},
    )
