"""``hedgesim analyze``: the answers as distributions over the supported set, what carries
them, and where they sit on a knife edge.

For a scenario (:class:`~sim.calibrate.setting.Setting`) and a seed:

1. **Distributions.** ``n`` calibrations drawn uniformly from the supported set
   (:mod:`sim.calibrate.sampler`: by rejection where the pilot's share kept says it costs
   less than the chains, else one hit-and-run chain each; independent either way; at least
   twice the Sobol base, whose two base matrices are among them) are solved
   (:mod:`sim.calibrate.solving`).
   Each answer is reported over them: the horizon (each calibration's median round, or
   ``collapse`` / ``never`` when hedging does not end within the run with probability 1/2:
   outcomes of their own, never folded into the last round), where the hedge ends, the
   probability of collapse by a date, and the value of ambiguity.
2. **Sobol indices** (first-order and total, 95% bootstrap intervals; SALib) of each scalar
   answer (:class:`Targets`) to groups of parameters (:data:`GROUPS`). The estimators need
   independent inputs and the supported set is not a product of intervals: the two base
   matrices ``A`` and ``B`` of Saltelli's design are independent draws from the supported
   set (the first ``2 * sobol_base`` supported calibrations), and each mixed row (a base row
   of ``A`` with one group's values taken from ``B``) is solved whether or not it satisfies
   every constraint; the share that does is reported beside the indices. In three stages:
   a **screening** solves every group's mixed rows on the first ``screen_base`` base rows
   and estimates every group's indices there; the group with the largest total index of
   each answer (its *leading factor*) then has its mixed rows solved on the rest of the
   base too, and its indices are estimated on all ``sobol_base`` rows (each row says which
   base it rests on); the **third stage**, in passes (at most ``passes``,
   :data:`MAX_PASSES`), extends each covered answer's leading factor whose half-width is
   above the target towards the base the target needs (at most ``top_base()``, and at most
   :data:`EXTENSION_GROWTH` times its rows in one pass; the base matrices grow with further
   supported draws, one draw call for a pass's rows and the next pass's (:func:`take_rows`),
   of which only ``A``'s are solved: the total index needs ``f(A)`` and
   ``f(AB_i)`` only), re-estimates, and makes another pass while a leader (another factor,
   when the extended one was overtaken) is still short of the target on fewer rows than
   the cap (:func:`extension`, :func:`short_of_target`). Each factor's indices rest on
   its own prefix of the base rows (:func:`sobol_table`,
   :func:`sim.calibrate.sensitivity.prefix_indices`: SALib's estimators, an estimator reads
   ``A``, ``B`` and its factor's mixed rows only; the first-order index on the rows where
   ``f(B)`` was solved, the variance on every supported draw of the design).
3. **Claim importance.** For each constraint ``k``, how much each answer's spread
   (standard deviation) shrinks when ``k`` is added to the others,
   ``1 - sd(S) / sd(S_-k)``. The relaxed set ``S_-k`` contains the supported set ``S``, so
   its spread is that of a mixture (:mod:`sim.calibrate.importance`): ``importance_n``
   independent draws of ``S_-k`` (rejection, or one chain each) give the mixture weight
   (the share that satisfies ``k``: a constraint check, no solve), the supported
   calibrations already solved stand for ``S``, and only the draws that violate ``k`` are
   solved. A constraint that rarely binds costs few solves. Every cell has a 95% bootstrap
   interval, its bias and a verdict.
4. **Knife edges.** The scenario's own calibration is solved with each drawn parameter
   moved up and down by one part in a million (:data:`NUDGE`): a round-valued or categorical
   answer that changes, or a probability that jumps by more than :data:`JUMP` (a thousand
   times the nudge), is a tie, and the parameters that move it are named.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.article.parameters import SPEC, FloatArray, Parameters, stack
from sim.calibrate.constraints import ConstraintLedger
from sim.calibrate.importance import importance_bootstrap, importance_table
from sim.calibrate.sampler import PILOT, Draws, Run, Space, chain_mixing, draw, draw_each
from sim.calibrate.sensitivity import prefix_indices
from sim.calibrate.setting import Setting
from sim.calibrate.solving import EXITS, Answer, SolveCost, solve_calibrations
from sim.errors import HedgesimError
from sim.results.supported import (
    CONTINUUM_MASS,
    AnswerDistributions,
    ContinuumTies,
    KnifeEdge,
    Quantiles,
    SobolPass,
    SobolPrecision,
    SobolProjection,
    SobolRow,
    SupportedAnalysis,
)

#: Relative move of an input that must not change a clean answer.
NUDGE = 1e-6
#: A probability that moves by more than this under a nudge has jumped (a tie).
JUMP = 1e-3
QUANTILE_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
#: The 95% half-width issue 12 asks of the leading factors' total indices.
TARGET_HALF_WIDTH = 0.1
#: The most base rows the third stage extends a leading factor to, as a multiple of
#: ``--sobol-base`` when ``--sobol-max-base`` is not given: 1,600 for the default 160. Four
#: times (640) left wave 9's alignment leader (Iran's money to Syria) at about 0.103, five
#: (800) wave 10's (Israel's strikes on Syria, needing 861 rows) at 0.104, six (960) the
#: same leader at seed 1 of wave 12 (needing 1,021 rows) at 0.103 and, with the rejection
#: draws of wave 13, at seed 0 (needing 1,225) at 0.113, eight (1,280) the same leader at
#: seed 0 of wave 13 (needing 1,413, 1,566 at :data:`EXTENSION_AIM`) at 0.105: the report
#: said so each time. Ten admits that need; it bounds the solves (:func:`solves_bound`),
#: and a pass extends a factor only as far as its projection asks, so the cap costs nothing
#: where the target is reached below it (seed 0 of wave 12 stopped at 628 rows).
MAX_BASE_FACTOR = 10
#: The third stage extends a leader that is above the target to the base that would bring
#: its half-width to this share of the target, not to the target itself: the projection's
#: own noise (1,000 bootstrap resamples vary a half-width by about 2.4%, one standard
#: deviation, so ``base_needed`` by about 5%; the ``c`` of ``half-width x sqrt(base)``
#: estimated on fewer rows varies more) left half of the extended leaders just above the
#: target (wave 10: 0.104 on the 800 rows the cap allowed, where 861 were projected). Five
#: per cent below costs about 11% more rows on the extended factors only.
EXTENSION_AIM = 0.95
#: A pass extends a factor to at most this many times the rows it rests on (or to
#: ``--sobol-base``, if more): the base a target needs is projected from the rows there are,
#: so a projection from few rows, or from a factor that leads an answer by less than its
#: interval, is checked on twice the rows before the rest is solved. Replayed on the solved
#: outputs of the default analysis of 2026-12-02 (``benchmarks/replay_sobol.py``): without
#: it, the second pass extended Iran's money to Syria from 160 to 738 rows and a break's
#: risk and rents from 32 to 377 (923 solves, and 108 supported draws) for two factors that
#: led nothing once they had them; with it, 160 to 320 first, after which a factor already
#: extended led again.
EXTENSION_GROWTH = 2
#: The third stage's passes at most (:func:`analyze`): a pass extends each covered answer's
#: leading factor whose half-width is above the target, then re-estimates the indices; a
#: further pass runs when a leader (possibly another factor, overtaking the extended one
#: once more rows came in) is still above the target on fewer rows than the cap. Eight: a
#: pass doubles a factor's rows at most (:data:`EXTENSION_GROWTH`), so 160 rows reach the
#: cap of 1,600 in four, and a leader overtaken on the way needs passes of its own (the
#: replay of the default analysis used four; seed 1 of wave 13 spent six before its
#: alignment leader, at 640 rows and 0.115, got the rows it needed); the limit bounds the
#: solves before any work (:func:`solves_bound`: already every factor on the cap's rows).
MAX_PASSES = 8
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


#: The value of ambiguity's name among the answers.
AMBIGUITY = "value of ambiguity"


@dataclass(frozen=True)
class Targets:
    """The scalar answers Sobol indices and claim importance are computed for."""

    collapse_round: int
    collapse_date: datetime.date | None

    def names(self) -> tuple[str, ...]:
        return ("hedging ends", "exit to realign", "exit to align", "collapse by", AMBIGUITY)

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


#: The Sobol analysis's bounded companion of the value of ambiguity (:func:`quantile_of`).
AMBIGUITY_QUANTILE = "value of ambiguity (quantile)"


#: Values of ambiguity closer than this share of the supported values' largest magnitude
#: are one value to :func:`quantile_of` (the engine's answers move in the last bits when
#: its floating-point operations change; a rank must not).
QUANTILE_TIE = 1e-9


def quantile_of(supported: FloatArray) -> Callable[[FloatArray], FloatArray]:
    """The empirical distribution function of the value of ambiguity over the supported
    calibrations: ``F(y)``, the share of them whose value is at most ``y`` (in [0, 1]). Its
    Sobol indices say what orders the calibrations by the value, and unlike the value's own
    they are not driven by a few extreme values (docs/calibration.md).

    Values within :data:`QUANTILE_TIE` of the supported values' largest magnitude count as
    equal (a tie), so a mixed row whose value is its base row's up to the last bits (a
    factor that does not move it) gets the base row's rank, not one less. Measured on the
    default analysis's solved chunks: a random relative change of 1e-13 in the mixed rows'
    values moved the quantile's indices by up to 0.004 (first order) and 0.003 (total)
    without this rule, by nothing with it."""
    ranked = np.sort(np.asarray(supported, dtype=np.float64))
    tol = QUANTILE_TIE * float(np.abs(ranked).max(initial=0.0))

    def f(y: FloatArray) -> FloatArray:
        return np.searchsorted(ranked, np.asarray(y, dtype=np.float64) + tol,
                               side="right") / len(ranked)  # fmt: skip

    return f


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
    """The analysis's sizes (docs/calibration.md says why these defaults): ``n`` supported
    calibrations (at least ``2 * sobol_base`` are drawn: the Sobol design's base rows are
    among them), the Sobol design's base (``sobol_base``; each answer's leading factors are
    estimated on all its rows) and screening base (``screen_base``: every factor on its
    first rows), ``importance_n`` draws per relaxed set; the third stage extends leading
    factors up to ``max_base`` rows in at most ``passes`` passes (0: no third stage)."""

    n: int = 320
    seed: int = 0
    sobol_base: int = 160
    screen_base: int = 32
    max_base: int | None = None
    target_half_width: float = TARGET_HALF_WIDTH
    passes: int = MAX_PASSES
    importance_n: int = 32
    by: datetime.date | None = None
    executor: str = "inprocess"
    workers: int | None = None
    scheduler: str | None = None
    chunk_size: int = 32
    knife_edges: bool = True
    sampler: dict[str, int] = dataclasses.field(default_factory=dict)
    allow_large: bool = False

    def supported_draws(self) -> int:
        """How many supported calibrations are drawn and solved first: ``n``, or the
        design's two base matrices if they are more."""
        return max(self.n, 2 * self.sobol_base)

    def top_base(self) -> int:
        """The most base rows the design can reach: ``max_base`` (by default
        :data:`MAX_BASE_FACTOR` times ``sobol_base``) when the third stage may extend a
        factor beyond ``sobol_base``."""
        cap = MAX_BASE_FACTOR * self.sobol_base if self.max_base is None else self.max_base
        return max(self.sobol_base, cap) if self.sobol_base > 0 else 0


def draw_relaxed(ledger: ConstraintLedger, space: Space, cid: str, n: int, seed: int,
                 sampler: dict[str, int]) -> FloatArray:  # fmt: skip
    """``(n, D)`` unit coordinates of uniform draws from the set every constraint but ``cid``
    supports (module level: runs in any worker; the chains start from supported points,
    which every relaxed set contains, so a short pilot suffices and its rate is not
    reported; one chain a draw, as :func:`draw_relaxed_sets`)."""
    options = relaxed_options(n, sampler)
    return draw(ledger.without(cid), space, n, seed, **options).unit  # type: ignore[arg-type]


def relaxed_options(n: int, sampler: dict[str, int]) -> dict[str, int]:
    """The sampler's options for ``n`` draws of a relaxed set: one chain a draw where the
    sampler's rejection past the pilot would cost more than chains (unless ``sampler`` sets
    ``chains``), and a pilot of at most :data:`RELAXED_PILOT`."""
    return {"chains": n, **sampler,
            "pilot": min(sampler.get("pilot", RELAXED_PILOT), RELAXED_PILOT)}


def draw_relaxed_sets(ledger: ConstraintLedger, space: Space, n: int, seed: int,
                      sampler: dict[str, int], run: Run | None = None,
                      tasks: int = 1) -> list[FloatArray]:  # fmt: skip
    """``n`` draws from each relaxed set of the ledger (every constraint but the ``k``-th,
    drawn with ``seed + k``), one hit-and-run chain a draw (``chains`` = ``n``, unless
    ``sampler`` says otherwise: the draws are independent, which the claim-importance
    bootstrap needs, :mod:`sim.calibrate.importance`; up to the sampler's default 256 chains
    this is what it drew before), in lockstep (:func:`sim.calibrate.sampler.draw_each`: one
    check of the ledger a round for all the sets instead of one per set); with ``run``, the
    sets cut into ``tasks`` calls of consecutive sets, each in lockstep on a worker
    (:func:`draw_runner`): each set's draws are :func:`draw`'s on its own, the same bytes."""
    options = relaxed_options(n, sampler)
    ids = ledger.ids()
    keep = [[c for c in ids if c != cid] for cid in ids]
    seeds = [seed + k for k in range(len(ids))]
    if run is None:
        return _draw_each_units(ledger, space, keep, n, seeds, options)
    cut = np.array_split(np.arange(len(ids)), max(1, min(tasks, len(ids))))
    done = run([(_draw_each_units, ledger, space, [keep[k] for k in part], n,
                 [seeds[k] for k in part], options) for part in cut])  # fmt: skip
    return [unit for part in done for unit in part]


def _draw_each_units(ledger: ConstraintLedger, space: Space, keep: list[list[str]], n: int,
                     seeds: list[int], options: dict[str, int]) -> list[FloatArray]:  # fmt: skip
    """The unit points of :func:`sim.calibrate.sampler.draw_each` (module level: a task)."""
    return [d.unit for d in draw_each(ledger, space, keep, n, seeds, **options)]


@contextmanager
def draw_runner(options: AnalysisOptions) -> Iterator[tuple[Run | None, int]]:
    """Where the analysis's draws run: ``(run, tasks)`` for :func:`sim.calibrate.sampler.draw`
    and :func:`draw_relaxed_sets`. In process: ``(None, 1)``, every chain block (or relaxed
    set) in lockstep here. On another executor: its workers, the blocks cut into one task a
    worker, so the workers draw while the parent waits instead of the other way round. The
    tasks change where the blocks run, never what they draw: the same bytes on every
    executor and number of workers (each block has its own seed)."""
    if options.executor == "inprocess":
        yield None, 1
        return
    from sim.sweep.executors import call_all, open_executor

    with open_executor(options.executor, options.workers, options.scheduler) as (pool, live):
        yield (lambda calls: call_all(pool, calls, live)), max(1, live())


def factor_columns(names: tuple[str, ...]) -> dict[str, list[int]]:
    """Each factor (group, :data:`GROUPS` order) with the columns of its drawn parameters
    (a group none of whose parameters is drawn is left out)."""
    out: dict[str, list[int]] = {}
    for k, name in enumerate(names):
        out.setdefault(GROUP_OF[name], []).append(k)
    return {g: out[g] for g in GROUPS if g in out}


def mixed_rows(a_rows: FloatArray, b_rows: FloatArray, columns: list[int]) -> FloatArray:
    """``A`` with one factor's ``columns`` taken from ``B`` (row by row)."""
    mixed = np.array(a_rows, dtype=np.float64, copy=True)
    mixed[:, columns] = b_rows[:, columns]
    return mixed


def take_rows(pools: list[Draws], taken: list[int], count: int) -> list[Draws]:
    """The next ``count`` rows of ``pools`` in order (``taken[i]`` of pool ``i`` are taken
    already, and are advanced here), as the pieces of the pools they come from
    (:meth:`sim.calibrate.sampler.Draws.rows`). The third stage's pools are drawn with one
    chain a row, so the rows are independent given their starts: any run of them, and so
    each pass's share, is a uniform sample of the supported set as good as a draw of its
    own, and rows never taken cost only their drawing."""
    pieces = []
    for i, pool in enumerate(pools):
        k = min(count, len(pool.unit) - taken[i])
        if k > 0:
            pieces.append(pool.rows(taken[i], taken[i] + k))
            taken[i] += k
            count -= k
    if count:
        raise ValueError(f"{count} rows more than the pools hold")
    return pieces


def leading_factors(screened: dict[str, list[SobolRow]]) -> list[str]:
    """The factor with the largest total index of each answer at the screening stage (each
    named once, in the order first met)."""
    return list(dict.fromkeys(max(rows, key=lambda r: r.ST).factor
                              for rows in screened.values() if rows))  # fmt: skip


def base_needed(base: int, half_width: float, target: float = TARGET_HALF_WIDTH) -> int:
    """The base at which a 95% half-width of ``half_width`` measured on ``base`` rows would
    be ``target``: the estimators' variance falls as ``1/base`` (their sample means over the
    base rows; docs/calibration.md measured the half-widths falling as ``1/sqrt(base)``), so
    ``base (half_width / target)^2``, rounded up (the product rounded to 9 digits first, so
    floating-point noise in an exact product does not add a row)."""
    return max(1, math.ceil(round(base * (half_width / target) ** 2, 9)))


def projected_solves(solves: int, top: int, rows: dict[str, int], need: dict[str, int]) -> int:
    """The analysis's solves with each factor of ``need`` refined on ``need[f]`` base rows
    instead of the ``rows[f]`` it rests on (never fewer): this run's ``solves``, plus one
    supported draw solved for each row the larger base matrices add (``new_top - top``,
    ``new_top`` the largest of ``top``, this run's base rows, and the needs: ``A``'s new row;
    ``B``'s is drawn, not solved; fewer if ``--n`` drew spare ones) and each factor's mixed
    rows on its added base rows; the screening, claim importance and knife edges do not
    change."""
    new_top = max([top, *need.values()])
    added = sum(max(0, b - rows[f]) for f, b in need.items())
    return solves + new_top - top + added


def sobol_precision(sobol: dict[str, list[SobolRow]], base: int,
                    target: float = TARGET_HALF_WIDTH) -> list[SobolPrecision]:  # fmt: skip
    """Each varying answer's leading factor (its largest total index), the half-width and
    full width of that index's 95% interval, and the base the half-width ``target`` needs
    (rows without a base rest on the whole ``base``)."""
    out = []
    for name, rows in sobol.items():
        if not rows:
            continue
        top = max(rows, key=lambda r: r.ST)
        rests = top.base or base
        out.append(SobolPrecision(answer=name, factor=top.factor, base=rests, ST=top.ST,
                                  half_width=top.ST_conf, full_width=2 * top.ST_conf,
                                  base_needed=base_needed(rests, top.ST_conf, target)))  # fmt: skip
    return out


def sobol_projection(precision: list[SobolPrecision], *, rows: dict[str, int], top: int,
                     solves: int,
                     target: float = TARGET_HALF_WIDTH) -> SobolProjection | None:  # fmt: skip
    """The base every covered answer's leading factor (:func:`covered`) needs for the
    half-width ``target``, the largest of them (what ``--sobol-max-base`` would have to
    be) and the analysis's solves with each factor refined on the base its answers need
    (:func:`projected_solves`; ``rows``: the base rows each factor rests on now, ``top``:
    the base matrices' rows). The CPU time
    is not part of it (it differs from run to run): :func:`projected_cpu`."""
    cover = covered(precision)
    if not cover:
        return None
    need: dict[str, int] = {}
    for p in cover:
        need[p.factor] = max(need.get(p.factor, 0), p.base_needed)
    total = projected_solves(solves, top, rows, need)
    return SobolProjection(target_half_width=target, answers=[p.answer for p in cover],
                           base=max([top, *need.values()]), solves=total, run_solves=solves)


def projected_cpu(projection: SobolProjection | None, cost: SolveCost) -> str | None:
    """The projected analysis's solving CPU time at this run's measured CPU per solve, in
    words (None when nothing was solved here or nothing is projected): printed by
    ``hedgesim analyze``, never written, since it is measured."""
    per = cost.per_solve()
    if projection is None or per is None:
        return None
    return (f"measured here: {per:.3f} CPU s a solve over the {cost.solved:,} solved in this run "
            f"(chunks resumed not counted), so the {projection.solves:,} solves of the projected "
            f"analysis are about {per * projection.solves / 60:,.1f} CPU minutes")


Table = dict[str, list[SobolRow]]


def sobol_table(y_a: FloatArray, y_b: FloatArray, y_mixed: dict[str, FloatArray],
                names: tuple[str, ...], rows: dict[str, int], seed: int) -> Table:  # fmt: skip
    """Each answer's Sobol rows (the order of ``y_mixed``), each factor ``f`` estimated on
    its first ``rows[f]`` base rows (:func:`sim.calibrate.sensitivity.prefix_indices`: its
    total index on them, its first-order index on those of them ``f(B)`` was solved on,
    the output's variance on every supported draw of the design). ``y_a`` ``(top, A)``: the
    outputs at ``A``'s rows; ``y_b`` ``(b, A)``: at ``B``'s first ``b`` rows (``b <= top``:
    ``f(B)`` is solved on the ``sobol_base`` rows only, the third stage's rows of ``B``
    are inputs of the mixed rows, not solved); ``y_mixed``: per factor, ``(top, A)``
    outputs of its mixed rows (NaN where not solved). An answer that does not vary over
    the design's solved rows has no rows."""
    out: Table = {}
    factors = list(y_mixed)
    b = len(y_b)
    for k, name in enumerate(names):
        solved = np.concatenate([y_a[:, k], y_b[:, k],
                                 *(y_mixed[f][:rows[f], k] for f in factors)])  # fmt: skip
        if np.ptp(solved) <= 1e-12:  # the answer does not vary: no indices
            out[name] = []
            continue
        found = prefix_indices(factors, y_a[:, k], y_b[:, k],
                               [y_mixed[f][:, k] for f in factors],
                               [rows[f] for f in factors], b, seed)  # fmt: skip
        out[name] = [SobolRow(factor=f, parameters=list(GROUPS.get(f, (f,))),
                              S1=float(found.S1[i]), S1_conf=float(found.S1_conf[i]),
                              ST=float(found.ST[i]), ST_conf=float(found.ST_conf[i]),
                              base=rows[f])
                     for i, f in enumerate(found.factors)]  # fmt: skip
    return out


def covered(precision: list[SobolPrecision]) -> list[SobolPrecision]:
    """The answers the target half-width is aimed at: every varying one but the raw value
    of ambiguity when its bounded companion is there (its indices are driven by a few
    extreme values; docs/calibration.md): its own row still says what it would need."""
    names = {p.answer for p in precision}
    return [p for p in precision if not (p.answer == AMBIGUITY and AMBIGUITY_QUANTILE in names)]


def extension(precision: list[SobolPrecision], rows: dict[str, int], max_base: int,
              target: float = TARGET_HALF_WIDTH, floor: int = 0) -> dict[str, int]:  # fmt: skip
    """The refinement's third stage: each factor that leads a covered answer whose
    half-width is above the target (its ``base_needed`` beyond the rows it rests on), with
    the base it is extended to: the largest, over the answers it leads, of the base that
    would bring the half-width to :data:`EXTENSION_AIM` times ``target``, at most
    ``max_base`` and at most :data:`EXTENSION_GROWTH` times the rows it rests on (or
    ``floor``, ``--sobol-base``, if more: a factor only screened may go straight to the
    refinement's rows). ``rows``: the base rows each factor's mixed rows are solved on now.
    Only factors extended beyond those rows are returned."""
    out: dict[str, int] = {}
    for p in covered(precision):
        if p.base_needed <= p.base:
            continue
        step = max(EXTENSION_GROWTH * rows[p.factor], floor)
        want = min(base_needed(p.base, p.half_width, EXTENSION_AIM * target), max_base, step)
        if want > rows[p.factor]:
            out[p.factor] = max(out.get(p.factor, 0), want)
    return out


def short_of_target(precision: list[SobolPrecision], max_base: int) -> list[SobolPrecision]:
    """``precision`` with each covered answer (:func:`covered`) whose leading factor is
    still short of the target after the third stage (it needs more base rows than it rests
    on, the rule :func:`extension` extends by) saying why: ``max base`` when its rows reached
    ``max_base`` (the cap), ``passes`` when not (the passes ran out first: a leader
    overtaken after the last one, or one the last pass extended to a need its bootstrap
    half-width underestimated)."""
    cover = {id(p) for p in covered(precision)}
    out = []
    for p in precision:
        if id(p) in cover and p.base_needed > p.base:
            p = p.model_copy(update={"short_of_target": "max base" if p.base >= max_base
                                     else "passes"})  # fmt: skip
        out.append(p)
    return out


def design_outputs(targets: Targets, supported: Answer, a_at: np.ndarray, b_at: np.ndarray,
                   segments: dict[str, list[tuple[int, Answer]]],
                   ) -> tuple[FloatArray, FloatArray, dict[str, FloatArray]]:  # fmt: skip
    """``(y_a, y_b, y_mixed)`` of :func:`sobol_table` on ``len(a_at)`` base rows: each
    answer of :class:`Targets` and the value of ambiguity's quantile among every
    ``supported`` calibration solved (:func:`quantile_of`). ``a_at``, ``b_at``: the positions
    among ``supported`` of ``A``'s and ``B``'s rows (the first ``sobol_base`` calibrations
    for ``A``, the next as many for ``B``; each pass of the third stage continues them with
    the next supported calibrations, its first half ``A``'s, its second ``B``'s).
    ``segments``: per factor, its solved mixed rows as (first base row, their answers); rows
    not solved are NaN."""
    quantile = quantile_of(supported.ambiguity)

    def outputs(a: Answer) -> FloatArray:
        return np.column_stack([targets.of(a), quantile(a.ambiguity)])

    everything = outputs(supported)
    top = len(a_at)
    y_a, y_b = everything[a_at], everything[b_at]
    y_mixed = {}
    for f, parts in segments.items():
        y = np.full((top, everything.shape[1]), np.nan)
        for start, a in parts:
            y[start:start + len(a)] = outputs(a)
        y_mixed[f] = y
    return y_a, y_b, y_mixed


def analyze(
    setting: Setting,
    ledger: ConstraintLedger,
    options: AnalysisOptions,
    folder: Path | None = None,
    progress: Callable[[str], None] | None = None,
    cost: SolveCost | None = None,
) -> tuple[SupportedAnalysis, Answer]:
    """The analysis of the module docstring (``folder``: where solved chunks are kept;
    ``cost``, if given, counts the calibrations solved here and their CPU time, which the
    result does not carry).

    Everything is drawn first, then solved in batches on the executor: the supported
    draws (the distributions and the Sobol design's base matrices), the screening design's
    mixed rows, the relaxed draws outside the supported set and the knife-edge nudges;
    then, once the screening says which factor leads each answer, those factors' mixed rows
    on the rest of the base; then one batch for each pass of the third stage (its supported
    draws, if the base matrices grow, and its factors' mixed rows from where each factor's
    rows ended: a prefix of the base, the rows solved before reused).
    """
    from sim.sweep.executors import check_executor

    say = progress or (lambda _: None)
    check_executor(options.executor, options.workers, options.scheduler)
    base = options.sobol_base
    screen = min(options.screen_base, base)
    if base > 0 and screen < 1:
        raise HedgesimError(f"the screening base must be at least 1, got {options.screen_base}")
    space = Space.of(ledger, setting.base, setting.fixed)
    targets = collapse_target(setting, options.by)
    # streams: 0 the supported draws, 1 the claim-importance bootstrap, 2 the Sobol
    # bootstrap, 3 the relaxed sets, 3 + p the draws
    # of the third stage's pass p (generate_state's words do not depend on how many are
    # asked for, so pass 1 keeps the fifth stream it always had)
    seeds = np.random.SeedSequence(options.seed).generate_state(4 + max(options.passes, 1))

    m = options.supported_draws()
    importing = options.importance_n > 0 and len(ledger.constraints) > 1
    ids = ledger.ids()
    columns = factor_columns(space.names)
    nudged = knife_edge_calibrations(setting, space)[0] if options.knife_edges else None
    relaxed_sets = len(ids) if importing else 0
    _check_draws(options, max(m, 2 * options.top_base()), relaxed_sets)
    _check_solves(setting, options, solves_bound(
        options, factors=len(columns), answers=len(targets.names()) + 1,
        relaxed_sets=relaxed_sets, nudges=0 if nudged is None else math.prod(nudged.batch_shape)))
    say(f"drawing {m} supported calibrations"
        + (f" and {options.importance_n} from each of the {len(ids)} relaxed sets"
           if importing else ""))
    # independent draws (rejection, or one hit-and-run chain a draw): the design's base rows
    # A_j and B_j are independent
    with draw_runner(options) as (run, tasks):
        drawn = draw(ledger, space, m, int(seeds[0]), run=run, tasks=tasks,
                     **{"chains": m, **options.sampler})  # type: ignore[arg-type]
        relaxed = (draw_relaxed_sets(ledger, space, options.importance_n, int(seeds[3]),
                                     dict(options.sampler), run, tasks)
                   if importing else [])  # fmt: skip
    batches: dict[str, FloatArray] = {"supported": drawn.unit}

    a_rows, b_rows = drawn.unit[:base], drawn.unit[base:2 * base]
    # the design's base matrices (unit rows; the third stage's passes continue them) and the
    # unit rows of every supported calibration solved, in the order of the answers
    a_units, b_units, answer_units = a_rows, b_rows, drawn.unit
    for f, cols in columns.items():
        if base > 0:
            batches[f"screen {f}"] = mixed_rows(a_rows[:screen], b_rows[:screen], cols)

    # the third stage's supported draws (one chain a row), taken in order by the pass that
    # drew each and the later ones (:func:`take_rows`), and the rows taken from each
    pools: list[Draws] = []
    taken: list[int] = []
    holds: list[np.ndarray] = []  # which relaxed draws satisfy the constraint left out
    if importing:
        for k in range(len(ids)):
            holds.append(ledger.satisfied(space.params(relaxed[k]))[:, k])
            batches[f"outside {k}"] = relaxed[k][~holds[k]]

    cost = SolveCost() if cost is None else cost
    parts = _solve_batches(setting, space, batches, options, folder, say, nudged, cost)

    answers = parts["supported"]
    sobol: dict[str, list[SobolRow]] = {}
    supported_share = None
    leaders: list[str] = []
    rows: dict[str, int] = {}
    passes: list[SobolPass] = []
    solved_draws: list[Draws] = []  # the part of each pass's draw that was solved (A's rows)
    top = base
    if base > 0:
        names = (*targets.names(), AMBIGUITY_QUANTILE)
        seed = int(seeds[2]) % 2**31
        # each factor's solved mixed rows: (first base row, answers of the rows from there)
        segments: dict[str, list[tuple[int, Answer]]] = {
            f: [(0, parts[f"screen {f}"])] for f in columns}
        rows = {f: screen for f in columns}
        # A's and B's solved rows: their positions among the supported calibrations solved
        # (B's only on the first sobol_base rows or the spare draws: f(B) serves the
        # first-order indices, which the third stage does not chase)
        a_at, b_at = np.arange(base), np.arange(base, 2 * base)
        screened = sobol_table(*design_outputs(targets, answers, a_at, b_at, segments),
                               names, rows, seed)  # fmt: skip
        # the factors that lead an answer at the screening: refined on the rest of the base
        if base > screen:
            leaders = leading_factors(screened)
            more = {f"refine {f}": mixed_rows(a_rows[screen:], b_rows[screen:], columns[f])
                    for f in leaders}  # fmt: skip
            say(f"refining the leading factors ({', '.join(leaders)}) on {base} base rows")
            refined = _solve_batches(setting, space, more, options, folder, say, None, cost)
            for f in leaders:
                segments[f].append((screen, refined[f"refine {f}"]))
                rows[f] = base
            batches.update(more)
        sobol = sobol_table(*design_outputs(targets, answers, a_at, b_at, segments),
                            names, rows, seed)  # fmt: skip
        # the third stage, in passes: each covered answer's leading factor whose half-width
        # is above the target, extended towards the base the target needs (at most
        # top_base(), at most EXTENSION_GROWTH times its rows a pass), then the indices
        # again; a leader overtaken by then is extended by a later pass
        spare = list(range(2 * base, len(answers)))  # solved supported draws not in A or B
        for step in range(1, options.passes + 1):
            needs = extension(sobol_precision(sobol, base, options.target_half_width), rows,
                              options.top_base(), options.target_half_width, base)  # fmt: skip
            grow = {f: needs[f] for f in columns if f in needs}  # GROUPS order, as reported
            if not grow:
                break
            new_top = max(top, *grow.values())
            k = new_top - top
            # A's new rows: the spare solved draws first, then new ones (solved); B's: the
            # spare ones left while B's solved rows are still all of its rows, then new ones
            # (drawn, not solved: their values only enter the mixed rows)
            from_spare_a, spare = spare[:k], spare[k:]
            from_spare_b: list[int] = []
            if len(b_at) == top:
                from_spare_b, spare = spare[:k], spare[k:]
            new_a, new_b = k - len(from_spare_a), k - len(from_spare_b)
            wanted = new_a + new_b
            more = {}
            fresh = np.zeros((0, space.dim))
            if wanted > 0:
                left = sum(len(p.unit) - t for p, t in zip(pools, taken, strict=True))
                if left < wanted:
                    # one draw for this pass and the most the next can take (a pass at most
                    # doubles a factor's rows, so the base after it is at most twice this
                    # one's): a draw call costs a pilot and a pool's start-up besides its
                    # chains (measured 2026-12-02, docs/calibration.md)
                    reach = min(options.top_base(), EXTENSION_GROWTH * new_top)
                    size = wanted - left + 2 * (reach - new_top)
                    say(f"drawing {size} more supported calibrations for base rows up to "
                        f"{reach} (pass {step} takes {wanted}, {new_a} of them solved)")
                    # fresh chains, each burnt in: continuing the chains already drawn would
                    # save nothing, since a row independent of the chain's earlier rows needs
                    # as many steps again
                    with draw_runner(options) as (run, tasks):
                        pools.append(draw(ledger, space, size, int(seeds[3 + step]), run=run,
                                          tasks=tasks, **{"chains": size, **options.sampler}))  # type: ignore[arg-type]
                    taken.append(0)
                # the pools' next rows: A's new rows first (solved), then B's
                pieces = take_rows(pools, taken, wanted)
                fresh = np.concatenate([p.unit for p in pieces])
                if new_a:
                    more[f"supported pass {step}"] = fresh[:new_a]
                    solved_draws.extend(take_rows(pieces, [0] * len(pieces), new_a))
            a_new = np.concatenate([answer_units[from_spare_a], fresh[:new_a]])
            b_new = np.concatenate([answer_units[from_spare_b], fresh[new_a:]])
            a_units = np.concatenate([a_units, a_new])
            b_units = np.concatenate([b_units, b_new])
            for f, rows_f in grow.items():
                more[f"extend {step} {f}"] = mixed_rows(a_units[rows[f]:rows_f],
                                                        b_units[rows[f]:rows_f], columns[f])
            say(f"pass {step}: extending "
                + ", ".join(f"{f} to {b:,}" for f, b in grow.items()) + " base rows")
            extended = _solve_batches(setting, space, more, options, folder, say, None, cost)
            solved_here = np.arange(len(answers), len(answers) + new_a)
            if new_a:
                answers = Answer.concat([answers, extended[f"supported pass {step}"]])
                answer_units = np.concatenate([answer_units, fresh[:new_a]])
            a_at = np.concatenate([a_at, from_spare_a, solved_here]).astype(int)
            b_at = np.concatenate([b_at, from_spare_b]).astype(int)
            top = new_top
            for f, rows_f in grow.items():
                segments[f].append((rows[f], extended[f"extend {step} {f}"]))
                rows[f] = rows_f
            batches.update(more)
            passes.append(SobolPass(extended=grow, base=top, drawn=max(wanted, 0)))
            sobol = sobol_table(*design_outputs(targets, answers, a_at, b_at, segments),
                                names, rows, seed)  # fmt: skip
        mixed = np.concatenate([u for name, u in batches.items()
                                if name.startswith(("screen ", "refine ", "extend "))])  # fmt: skip
        held = ledger.satisfied(space.params(mixed)).all(axis=1)
        design = top + len(b_at)  # A's rows and B's solved rows: supported draws
        supported_share = float((held.sum() + design) / (len(mixed) + design))

    # the rows the analysis read: a pool's rows never taken are in no estimate
    mixing = chain_mixing([drawn, *(p.rows(0, t) for p, t in zip(pools, taken, strict=True))])
    values = targets.of(answers)
    dist = distributions(answers, targets, setting.rounds)
    importance = (importance_table(ledger, targets.names(), values, holds,
                                   [targets.of(parts[f"outside {k}"]) for k in range(len(ids))],
                                   int(seeds[1]))
                  if importing else [])  # fmt: skip

    edges = (knife_edges(setting, space, targets, lambda _: parts["knife edges"])
             if options.knife_edges else [])  # fmt: skip
    solves = sum(len(u) for u in batches.values())
    solves += 0 if nudged is None else len(parts["knife edges"])
    precision = short_of_target(sobol_precision(sobol, base, options.target_half_width),
                                options.top_base())  # fmt: skip
    projection = (sobol_projection(precision, rows=rows, top=top,
                                   solves=solves, target=options.target_half_width)
                  if base > 0 else None)  # fmt: skip
    from sim.calibrate.replication import answer_checks

    precise, replicated = answer_checks(answers, targets, dist, setting.rounds,
                                        [drawn, *solved_draws])  # fmt: skip
    result = SupportedAnalysis(
        scenario=setting.name,
        seed=options.seed,
        n=len(answers),
        rounds=setting.rounds,
        round_days=setting.round_days,
        resolution=[setting.resolution.belief_points, setting.resolution.capacity_points],
        method=drawn.method,  # type: ignore[arg-type]
        acceptance_rate=drawn.acceptance,
        burn_in=drawn.burn_in,
        mixing=mixing,
        distributions=dist,
        sobol_base=base,
        sobol_screen_base=screen if base > 0 else None,
        sobol_leaders=leaders,
        sobol_max_base=options.top_base(),
        sobol_extended={f: rows[f] for f in rows if any(f in p.extended for p in passes)},
        sobol_max_passes=options.passes if base > 0 else 0,
        sobol_passes=passes,
        sobol_supported_share=supported_share,
        sobol=sobol,
        sobol_precision=precision,
        sobol_projection=projection,
        importance_n=options.importance_n,
        importance=importance,
        importance_bootstrap=importance_bootstrap(importance),
        knife_edges=edges,
        answer_precision=precise,
        answer_replication=replicated,
        continuum=continuum_ties(answers),
    )
    return result, answers


def solves_bound(options: AnalysisOptions, *, factors: int, answers: int, relaxed_sets: int,
                 nudges: int) -> int:
    """The most solves an analysis can make, known before any work: the supported draws
    (``supported_draws()``, or ``A``'s ``top_base()`` rows and ``B``'s ``sobol_base`` if the
    third stage goes that far: beyond ``sobol_base`` only ``A``'s rows are solved), every
    factor's screening rows, the leading factors' mixed rows beyond the screening, every
    relaxed draw (only those outside their set are solved) and the ``nudges`` of the knife
    edges.

    The leading factors: the refinement extends the screening's leader of each of the
    ``answers`` to ``sobol_base`` rows, and each of the third stage's ``passes`` extends the
    leader of each answer it covers (at most ``answers``, possibly a factor no earlier stage
    extended: a leader overtaken) up to ``top_base()`` rows. So at most
    ``L = min(factors, answers (1 + passes))`` factors have mixed rows beyond the screening,
    and each on at most ``top_base()`` base rows (a factor's rows are a prefix of the base
    matrices', however many passes extended it): ``factors x screen + L (top - screen)``.
    Without a third stage (``passes`` 0, or ``top_base()`` at ``sobol_base``) at most
    ``min(factors, answers)`` leaders on ``sobol_base`` rows."""
    base = options.sobol_base
    screen = min(options.screen_base, base)
    third = options.passes > 0 and options.top_base() > base
    top = options.top_base() if third else base
    lead = min(factors, answers * (1 + options.passes) if third else answers)
    design = factors * screen + lead * (top - screen) if base > 0 else 0
    return (max(options.supported_draws(), top + base) + design
            + relaxed_sets * options.importance_n + nudges)  # fmt: skip


def _check_draws(options: AnalysisOptions, supported: int, relaxed_sets: int) -> None:
    """The draws' budget (:func:`sim.budget.check_draws`): ``supported`` calibrations and
    ``importance_n`` from each of ``relaxed_sets`` sets, with their pilots."""
    from sim.budget import check_draws

    pilot = options.sampler.get("pilot", PILOT)
    relaxed_pilot = min(pilot, RELAXED_PILOT)
    draws = supported + relaxed_sets * options.importance_n
    # the third stage draws at most every other pass (with a pilot of its own): a draw holds
    # the rows of the pass after it (:func:`analyze`)
    pilots = 1 + (-(-options.passes // 2) if options.top_base() > options.sobol_base else 0)
    check_draws(f"--n {options.n:,}, --sobol-base {options.sobol_base:,}, --sobol-max-base "
                f"{options.top_base():,} and --importance-n {options.importance_n:,} (for "
                f"{relaxed_sets} relaxed sets)",
                draws, f"--pilot {pilot:,}{f' {pilots} times' if pilots > 1 else ''} (and "
                f"{relaxed_pilot:,} for each of {relaxed_sets} relaxed sets)",
                pilots * pilot + relaxed_sets * relaxed_pilot,
                allow_large=options.allow_large)  # fmt: skip


def _check_solves(setting: Setting, options: AnalysisOptions, solves: int) -> None:
    """The solves' budget (:func:`sim.budget.check_article_run` with the analysis's limit,
    :data:`sim.budget.MAX_ANALYZE_STATE_ROUND_SOLVES`: ``solves`` is an upper bound; each
    calibration one solve of ``setting``'s rounds on its grid, ``chunk_size`` of them held at
    once)."""
    from sim.budget import MAX_ANALYZE_STATE_ROUND_SOLVES, check_article_run
    from sim.sweep.analyses import BYTES_PER_CALIBRATION

    res = setting.resolution
    check_article_run(
        f"--n {options.n:,}, --sobol-base {options.sobol_base:,}, --screen-base "
        f"{options.screen_base:,}, --sobol-max-base {options.top_base():,} and --importance-n "
        f"{options.importance_n:,}: up to "
        f"{solves:,} calibrations solved x {setting.rounds} rounds on the "
        f"{res.belief_points}x{res.capacity_points} grid ({res.states:,} states)",
        res.states, setting.rounds, float(solves), batch=min(solves, options.chunk_size),
        extra_bytes=solves * BYTES_PER_CALIBRATION, allow_large=options.allow_large,
        limit=MAX_ANALYZE_STATE_ROUND_SOLVES)


def _solve_batches(setting: Setting, space: Space, batches: dict[str, FloatArray],
                   options: AnalysisOptions, folder: Path | None, say: Callable[[str], None],
                   nudged: Parameters | None, cost: SolveCost) -> dict[str, Answer]:  # fmt: skip
    """Every batch of unit rows (and the knife-edge calibrations ``nudged``, as the part
    ``knife edges``) solved in one call on the executor, split back by name."""
    units = [u for u in batches.values() if len(u)]
    params = space.params(np.concatenate(units)) if units else None
    if nudged is not None:
        rows = [] if params is None else [params.calibration(b)
                                          for b in range(params.batch_shape[0])]  # fmt: skip
        params = stack(rows + [nudged.calibration(b) for b in range(nudged.batch_shape[0])])
    if params is None:
        return {}
    say(f"solving {params.batch_shape[0]} calibrations")
    everything = solve_calibrations(setting, params, executor=options.executor,
                                    workers=options.workers, scheduler=options.scheduler,
                                    folder=folder, chunk_size=options.chunk_size,
                                    cost=cost)  # fmt: skip
    parts: dict[str, Answer] = {}
    at = 0
    for name, u in batches.items():
        parts[name] = everything.take(np.arange(at, at + len(u)))
        at += len(u)
    if nudged is not None:
        parts["knife edges"] = everything.take(np.arange(at, len(everything)))
    return parts


def continuum_ties(answers: Answer) -> ContinuumTies:
    """How many of ``answers`` (their ``continuum``: the probability play reaches a stage
    game whose selected equilibrium lies on a continuum) exceed :data:`CONTINUUM_MASS`,
    and the largest such probability; calibrations not measured (NaN) are left out."""
    mass = np.asarray(answers.continuum, dtype=np.float64)
    known = mass[np.isfinite(mass)]
    return ContinuumTies(threshold=CONTINUUM_MASS, measured=int(known.size),
                         calibrations=int((known > CONTINUUM_MASS).sum()),
                         largest=float(np.clip(known.max(initial=0.0), 0.0, 1.0)))


def knife_edge_calibrations(setting: Setting, space: Space) -> tuple[Parameters, list[str]]:
    """The scenario's own calibration, then each drawn parameter moved down and up by
    :data:`NUDGE` (relative, at least absolute; within its bounds), and the parameter each
    nudge moves. A parameter at a bound is not moved past it: that nudge would be the
    scenario's own calibration again, a solve of nothing new, and is left out (three of the
    baseline's 126)."""
    base = setting.base
    cals = [base]
    names: list[str] = []
    for name in space.names:
        v = float(getattr(base, name))
        lo, hi = SPEC[name].bounds
        step = NUDGE * max(abs(v), 1.0)
        for moved in (v - step, v + step):
            kept = min(max(moved, lo), hi)
            if kept != v:
                cals.append(base.replace(**{name: kept}))
                names.append(name)
    return stack(cals), names


def knife_edges(setting: Setting, space: Space, targets: Targets,
                solve: Callable[[Parameters], Answer]) -> list[KnifeEdge]:  # fmt: skip
    """The scenario's own answers, each flagged a tie if a nudge of an input moves it
    (``solve``: the answers of :func:`knife_edge_calibrations`)."""
    cals, moved = knife_edge_calibrations(setting, space)
    a = solve(cals)
    horizon = horizon_outcomes(a)
    modes = exit_modes(a)
    vals = targets.of(a)
    out = []

    def movers(changed: np.ndarray) -> list[str]:
        idx = np.flatnonzero(changed[1:])
        return sorted({moved[i] for i in idx})

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
