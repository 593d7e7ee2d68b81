"""``hedgesim analyze``: the answers as distributions over the supported set, what carries
them, and where they sit on a knife edge.

For a scenario (:class:`~sim.calibrate.setting.Setting`) and a seed:

1. **Distributions.** ``n`` calibrations drawn uniformly from the supported set
   (:mod:`sim.calibrate.sampler`) are solved (:mod:`sim.calibrate.solving`). Each answer is
   reported over them: the horizon (each calibration's median round, or ``collapse`` /
   ``never`` when hedging does not end within the run with probability 1/2: outcomes of
   their own, never folded into the last round), where the hedge ends, the probability of
   collapse by a date, and the value of ambiguity.
2. **Sobol indices** (first-order and total, 95% bootstrap intervals; SALib) of each scalar
   answer (:data:`TARGETS`) to groups of parameters (:data:`GROUPS`). The estimators need
   independent inputs and the supported set is not a product of intervals: the two base
   matrices of Saltelli's design are independent draws from the supported set, and each
   mixed row (a base row with one group's values taken from the other) is solved whether or
   not it satisfies every constraint; the share that does is reported beside the indices.
3. **Claim importance.** For each constraint, ``importance_n`` calibrations drawn from the
   set every *other* constraint supports: how much each answer's spread (standard
   deviation) shrinks when the constraint is added, ``1 - sd(all) / sd(without it)``.
4. **Knife edges.** The scenario's own calibration is solved with each drawn parameter
   moved up and down by one part in a million (:data:`NUDGE`): a round-valued or categorical
   answer that changes, or a probability that jumps by more than :data:`JUMP` (a thousand
   times the nudge), is a tie, and the parameters that move it are named.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.article.parameters import SPEC, FloatArray, Parameters, stack
from sim.calibrate.constraints import ConstraintLedger
from sim.calibrate.sampler import Space, draw
from sim.calibrate.sensitivity import sobol_indices
from sim.calibrate.setting import Setting
from sim.calibrate.solving import EXITS, Answer, solve_calibrations
from sim.errors import HedgesimError
from sim.results.supported import (
    AnswerDistributions,
    ImportanceRow,
    KnifeEdge,
    Quantiles,
    SobolRow,
    SupportedAnalysis,
)

#: Relative move of an input that must not change a clean answer.
NUDGE = 1e-6
#: A probability that moves by more than this under a nudge has jumped (a tie).
JUMP = 1e-3
QUANTILE_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Rejection-pilot draws for each relaxed set of the claim-importance table.
RELAXED_PILOT = 5_000

#: Factors of the Sobol analysis: each parameter's group, by what it describes.
GROUPS: dict[str, tuple[str, ...]] = {
    "Iran's money to Syria": ("iran_aid", "fuel_supply", "condition_share_align",
                              "condition_share_hedge", "axis_bonus"),
    "the Gulf's offer": ("gulf_incentive", "hedge_incentive_share", "sanctions",
                         "signal_incentive_share", "signal_exposure_cost"),
    "Israel's strikes on Syria": ("strike_damage", "escalation_damage", "escalation_align_factor",
                                  "war_cost"),
    "a break's risk, rents": ("abandonment_risk", "engagement_protection", "illicit_rents"),
    "Iran's stakes": ("corridor_value", "hedge_corridor_share", "opportunist_corridor_share",
                      "condition_corridor_share", "aid_cost", "axis_bonus_cost",
                      "axis_credibility"),
    "Israel's stakes": ("supply_line_threat", "loyal_flow_share", "interdiction_effect",
                        "escalation_effect", "strike_cost", "escalation_cost",
                        "deterrence_value"),
    "the Gulf's stakes": ("pull_value", "hedge_pull_share", "trafficking_curb_value",
                          "incentive_cost_share", "isolation_value", "isolation_cost"),
    "priors": ("prior_iran", "prior_israel", "prior_gulf"),
    "catching the double game": ("catch_iran", "catch_israel", "catch_gulf", "false_alarm_iran",
                                 "false_alarm_israel", "false_alarm_gulf", "deniability_iran",
                                 "deniability_israel", "deniability_gulf"),
    "capacity and collapse": ("initial_capacity", "capacity_recovery", "capacity_hollowing",
                              "funding_need", "escalation_erosion", "sanctions_erosion",
                              "threat", "threat_reversion", "russia_willingness",
                              "protection_iran", "protection_russia", "hazard_rate",
                              "collapse_cost"),
    "patience": ("discount",),
}  # fmt: skip
GROUP_OF: dict[str, str] = {p: g for g, ps in GROUPS.items() for p in ps}


@dataclass(frozen=True)
class Targets:
    """The scalar answers Sobol indices and claim importance are computed for."""

    collapse_round: int
    collapse_date: datetime.date | None

    def names(self) -> tuple[str, ...]:
        return ("hedging ends", "exit to realign", "exit to align", "collapse by",
                "value of ambiguity")

    def of(self, a: Answer) -> FloatArray:
        """``(B, 5)``: P(hedging stops being certain within the run), P(the hedge ends in
        a realignment), ... in an alignment, P(collapse by the date), the value of
        ambiguity."""
        return np.stack([
            a.horizon_at.sum(axis=1),
            a.exit[:, EXITS.index("realign")],
            a.exit[:, EXITS.index("align")],
            a.collapsed[:, self.collapse_round],
            a.ambiguity,
        ], axis=1)  # fmt: skip


def horizon_outcomes(a: Answer) -> list[str]:
    """Each calibration's horizon: the median round (``"0"``, ``"1"``, ...), or ``collapse``
    or ``never`` when it does not come within the run with probability 1/2."""
    out = []
    for b in range(len(a)):
        cum = np.cumsum(a.horizon_at[b])
        hit = np.flatnonzero(cum >= 0.5 - 1e-12)
        if hit.size:
            out.append(str(int(hit[0])))
        else:
            out.append("collapse" if a.horizon_collapse[b] > a.horizon_never[b] else "never")
    return out


def exit_modes(a: Answer) -> list[str]:
    """Each calibration's most likely end of the hedge (ties joined with ``=``)."""
    out = []
    for row in a.exit:
        top = row.max()
        out.append("=".join(k for k, v in zip(EXITS, row, strict=True) if v >= top - 1e-6))
    return out


def _shares(labels: list[str], order: list[str]) -> dict[str, float]:
    n = len(labels)
    return {k: labels.count(k) / n for k in order if labels.count(k)}


def _quantiles(x: FloatArray) -> Quantiles:
    q = np.quantile(x, QUANTILE_LEVELS)
    return Quantiles(mean=float(np.mean(x)), sd=float(np.std(x)), q05=q[0], q25=q[1], q50=q[2],
                     q75=q[3], q95=q[4])  # fmt: skip


def distributions(a: Answer, targets: Targets, rounds: int) -> AnswerDistributions:
    horizon = horizon_outcomes(a)
    order = [str(t) for t in range(rounds)] + ["collapse", "never"]
    modes = exit_modes(a)
    return AnswerDistributions(
        horizon=_shares(horizon, order),
        hedging_ends=_quantiles(a.horizon_at.sum(axis=1)),
        exit_mode=_shares(modes, sorted(set(modes), key=lambda m: (m not in EXITS, m))),
        exit={k: _quantiles(a.exit[:, i]) for i, k in enumerate(EXITS)},
        collapse_by=_quantiles(a.collapsed[:, targets.collapse_round]),
        collapse_round=targets.collapse_round,
        collapse_date=None if targets.collapse_date is None else targets.collapse_date.isoformat(),
        ambiguity=_quantiles(a.ambiguity),
    )


def collapse_target(setting: Setting, by: datetime.date | None) -> Targets:
    """The round whose start the collapse probability is read at: the first round starting
    after ``by`` (the regime fell on or before that date), or the end of the run."""
    if by is None:
        return Targets(setting.rounds, setting.date_of(setting.rounds))
    r = setting.round_of(by) + 1
    if not 1 <= r <= setting.rounds:
        raise HedgesimError(f"--by {by.isoformat()}: outside the run ({setting.date_of(0)} to "
                            f"{setting.date_of(setting.rounds)})")  # fmt: skip
    return Targets(r, by)


@dataclass(frozen=True)
class AnalysisOptions:
    n: int = 64
    seed: int = 0
    sobol_base: int = 16
    importance_n: int = 8
    by: datetime.date | None = None
    executor: str = "inprocess"
    workers: int | None = None
    scheduler: str | None = None
    chunk_size: int = 32
    knife_edges: bool = True
    sampler: dict[str, int] = dataclasses.field(default_factory=dict)


def analyze(
    setting: Setting,
    ledger: ConstraintLedger,
    options: AnalysisOptions,
    folder: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[SupportedAnalysis, Answer]:
    """The analysis of the module docstring (``folder``: where solved chunks are kept)."""
    say = progress or (lambda _: None)
    space = Space.of(ledger, setting.base, setting.fixed)
    targets = collapse_target(setting, options.by)
    seeds = np.random.SeedSequence(options.seed).generate_state(4)

    def solve(params: Parameters) -> Answer:
        return solve_calibrations(setting, params, executor=options.executor,
                                  workers=options.workers, scheduler=options.scheduler,
                                  folder=folder, chunk_size=options.chunk_size)  # fmt: skip

    say(f"drawing {options.n} supported calibrations")
    drawn = draw(ledger, space, options.n, int(seeds[0]), **options.sampler)  # type: ignore[arg-type]
    say(f"solving {options.n} calibrations")
    answers = solve(drawn.params)
    values = targets.of(answers)
    dist = distributions(answers, targets, setting.rounds)

    sobol: dict[str, list[SobolRow]] = {}
    supported_share = None
    if options.sobol_base > 0:
        groups = [GROUP_OF[n] for n in space.names]
        g_count = len(set(groups))
        base = options.sobol_base
        a_b = draw(ledger, space, 2 * base, int(seeds[1]), **options.sampler)  # type: ignore[arg-type]
        a_rows, b_rows = a_b.unit[:base], a_b.unit[base:]
        factors = list(dict.fromkeys(groups))
        design = []
        for j in range(base):
            design.append(a_rows[j])
            for g in factors:
                mixed = a_rows[j].copy()
                cols = [k for k, x in enumerate(groups) if x == g]
                mixed[cols] = b_rows[j][cols]
                design.append(mixed)
            design.append(b_rows[j])
        unit = np.array(design)
        assert len(unit) == base * (g_count + 2)
        params = space.params(unit)
        supported_share = float(ledger.satisfied(params).all(axis=1).mean())
        say(f"solving the Sobol design ({len(unit)} calibrations)")
        out = targets.of(solve(params))
        for k, name in enumerate(targets.names()):
            y = out[:, k]
            if np.ptp(y) <= 1e-12:
                sobol[name] = []
                continue
            found = sobol_indices(space.names, y, seed=int(seeds[2]) % 2**31, groups=groups)
            sobol[name] = [
                SobolRow(factor=f, parameters=list(GROUPS[f]), S1=float(found.S1[i]),
                         S1_conf=float(found.S1_conf[i]), ST=float(found.ST[i]),
                         ST_conf=float(found.ST_conf[i]))  # fmt: skip
                for i, f in enumerate(found.factors)
            ]

    importance: list[ImportanceRow] = []
    if options.importance_n > 0 and len(ledger.constraints) > 1:
        sd_all = values.std(axis=0)
        relaxed_params = []
        for k, c in enumerate(ledger.constraints):
            relaxed = ledger.without(c.id)
            # the chains start from supported points, which every relaxed set contains: a
            # short pilot suffices (its acceptance rate is not reported)
            sampler = {**options.sampler, "pilot": min(options.sampler.get("pilot", RELAXED_PILOT),
                                                       RELAXED_PILOT)}
            d = draw(relaxed, space, options.importance_n, int(seeds[3]) + k,
                     **sampler)  # type: ignore[arg-type]
            relaxed_params.append(d.params)
        say(f"solving the claim-importance draws ({len(relaxed_params) * options.importance_n})")
        everything = solve(stack([p.calibration(b) for p in relaxed_params
                                  for b in range(options.importance_n)]))  # fmt: skip
        out = targets.of(everything)
        for k, c in enumerate(ledger.constraints):
            rows = out[k * options.importance_n:(k + 1) * options.importance_n]
            sd_without = rows.std(axis=0)
            shrink = {
                name: (float(1.0 - sd_all[i] / sd_without[i]) if sd_without[i] > 1e-12 else 0.0)
                for i, name in enumerate(targets.names())
            }
            importance.append(ImportanceRow(constraint=c.id, claims=list(c.claims),
                                            restatement=c.restatement, shrink=shrink))  # fmt: skip

    edges = knife_edges(setting, space, targets, solve) if options.knife_edges else []
    result = SupportedAnalysis(
        scenario=setting.name,
        seed=options.seed,
        n=options.n,
        rounds=setting.rounds,
        round_days=setting.round_days,
        resolution=[setting.resolution.belief_points, setting.resolution.capacity_points],
        method=drawn.method,  # type: ignore[arg-type]
        acceptance_rate=drawn.acceptance,
        distributions=dist,
        sobol_base=options.sobol_base,
        sobol_supported_share=supported_share,
        sobol=sobol,
        importance_n=options.importance_n,
        importance=importance,
        knife_edges=edges,
    )
    return result, answers


def knife_edges(setting: Setting, space: Space, targets: Targets,
                solve: Callable[[Parameters], Answer]) -> list[KnifeEdge]:  # fmt: skip
    """The scenario's own answers, each flagged a tie if a nudge of an input moves it."""
    base = setting.base
    cals = [base]
    for name in space.names:
        v = float(getattr(base, name))
        lo, hi = SPEC[name].bounds
        step = NUDGE * max(abs(v), 1.0)
        for moved in (v - step, v + step):
            cals.append(base.replace(**{name: min(max(moved, lo), hi)}))
    a = solve(stack(cals))
    horizon = horizon_outcomes(a)
    modes = exit_modes(a)
    vals = targets.of(a)
    out = []

    def movers(changed: np.ndarray) -> list[str]:
        idx = np.flatnonzero(changed[1:])
        return sorted({space.names[i // 2] for i in idx})

    cat = {"horizon": horizon, "exit": modes}
    for name, labels in cat.items():
        changed = np.array([x != labels[0] for x in labels])
        out.append(KnifeEdge(answer=name, value=labels[0], tie=bool(changed.any()),
                             moved_by=movers(changed),
                             alternatives=sorted(set(labels) - {labels[0]})))  # fmt: skip
    for k, name in enumerate(targets.names()):
        changed = np.abs(vals[:, k] - vals[0, k]) > JUMP
        out.append(KnifeEdge(answer=name, value=f"{vals[0, k]:.6g}", tie=bool(changed.any()),
                             moved_by=movers(changed),
                             alternatives=sorted({f"{x:.6g}" for x in vals[1:, k][changed[1:]]})))
    return out
