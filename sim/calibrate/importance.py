"""Claim importance with its precision: how much each answer's spread shrinks when one
constraint is added to the others, and a 95% bootstrap interval for every cell.

**The estimate.** For constraint ``k`` and a scalar answer ``Y``, ``1 - sd_S(Y) /
sd_{S_-k}(Y)``, with ``S`` the supported set and ``S_-k`` the set every other constraint
supports. ``S`` is contained in ``S_-k``, so the uniform distribution on ``S_-k`` is the
mixture ``p U(S) + (1 - p) U(R)`` with ``R = S_-k \\ S`` and ``p = |S| / |S_-k|``, and by the
law of total variance (e.g. Ross, *A First Course in Probability*, 8th ed., 2010, sec. 7.5.4)

    Var_{S_-k}(Y) = p v_S + (1 - p) v_R + p (1 - p) (m_S - m_R)^2

with ``m``, ``v`` each part's mean and variance (:func:`relaxed_sd`). Its inputs are two
independent samples: the analysis's ``n`` supported answers (uniform draws of ``S``, solved
for the distributions), and ``N`` (``--importance-n``) uniform draws of ``S_-k``, each
checked against ``k``: the share that satisfies it estimates ``p``, and the answers of those
that violate it (uniform draws of ``R``, the only new solves) estimate ``m_R`` and ``v_R``.
The draws that satisfy ``k`` are not solved: ``S``'s sample stands for them.

**Why resampling the draws is valid.** The bootstrap (Efron and Tibshirani, *An
Introduction to the Bootstrap*, 1993, ch. 6 and, for two independent samples, sec. 8.3)
needs each sample to be independent draws of its distribution. Both are: on the shipped
ledger both are rejection draws (since wave 13 the analysis carries the rejection on past its
pilot where that costs less than chains, :func:`sim.calibrate.sampler.rejection_budget`),
independent outright; otherwise the supported draws are one hit-and-run chain each
(``chains`` = the draws asked for, in :func:`sim.calibrate.analysis.analyze` and each of
its third stage's draws; point ``i`` is chain ``i``'s first point after the burn-in), and
so are the relaxed draws
(:func:`sim.calibrate.analysis.draw_relaxed_sets` asks for one chain per draw, and
:func:`sim.calibrate.sampler.draw_each` draws each set as :func:`~sim.calibrate.sampler.draw`
does, from its own seed: chains share only their starting points, from the rejection
pilot, and are independent given them; a set the pilot fills is rejection draws, independent
outright). The two samples come from separate seeds, so they are independent of each other.
Each bootstrap resample therefore draws ``n`` of the supported answers and, independently,
``N`` of the relaxed draws with replacement, keeping each relaxed draw whole (whether it
satisfies ``k``, and its answers if it does not): ``p``, ``m_R`` and ``v_R`` are re-estimated
from the same resampled draws, as the estimate itself reads them. (A draw whose chains held
several points each, possible only through the Python API's ``sampler`` options, would need
a resample of whole chains instead; the analysis never makes one.)

**The interval.** :func:`scipy.stats.bootstrap` with ``paired=False`` resamples the two
samples independently, which is the design above; the estimate is written as a statistic of
two arrays (:func:`mixture_shrink`: the relaxed draws that satisfy ``k`` carry NaN answers,
so one array holds both the share and the outside answers, and every answer's column is
resampled with the same rows). The interval is the bias-corrected and accelerated (BCa)
percentile interval (Efron and Tibshirani 1993, ch. 14; Efron 1987, JASA 82(397)): the
bootstrap distribution of this estimate is skewed (its resamples' mean lies below the
estimate in every cell of the default analysis), and BCa corrects the percentile interval
for both the median bias and the skew, with the acceleration from the jackknife of both
samples. Where BCa cannot be computed (every resample gives one value, or the jackknife is
degenerate) the percentile interval stands in; where no relaxed draw violates ``k`` the
interval has no ends (``None``): ``N`` draws with none outside say only that ``1 - p`` is
probably below about ``3 / N`` (the rule of three), not that the constraint never binds.

**The bias.** The bootstrap's estimate of the estimate's bias is the resamples' mean minus
the estimate (Efron and Tibshirani 1993, ch. 10, eq. 10.2); the bias-corrected estimate is the
estimate minus it. Two sources push the estimate down: ``1 - c / sqrt(v)`` is concave in the
mixture's variance ``v``, so noise in ``v`` lowers its mean (Jensen), and ``p (1 - p)`` and a
few draws' ``v_R`` are low on average; one pushes it up: ``(m_S - m_R)^2`` of a few draws is
high on average by ``v_R / m``. On the default analysis the bootstrap bias lies between -0.15
and 0.00 (113 of 115 cells negative, the other two within 0.0002 of 0), and the test suite
checks its sign against a synthetic mixture whose true bias is known by simulation
(tests/test_importance.py).

**The verdict** of a cell: ``removes spread`` when its interval lies above 0 (the constraint
narrows the answer), ``adds spread`` when below 0 (the constraint cuts away calibrations near
the answer's middle, so the supported answers spread wider than the relaxed ones), ``not
distinguishable from 0`` when it covers 0 or has no ends. A table of ``C`` constraints and
``A`` answers makes ``C x A`` intervals: at 95%, about one in twenty of the cells whose
constraint has outside draws excludes 0 by chance, and the text says how many that is.

**Where the intervals can be trusted.** In a synthetic check (a uniform answer on [0, 1] cut
at ``a``, whose spread shrinks by exactly ``1 - a``; 1,476 supported draws, 32 relaxed, 300
replications, ``a`` from 0.5 to 0.9) the BCa intervals covered the truth in 90% to 97% of
samples (percentile: 92% to 94%), and on a bounded U-shaped answer (Beta(0.3, 0.3)) in 90%
to 96%; with a heavy-tailed answer (log-normal) only in 52% to 60% (67% to 74% with 128
relaxed draws): a variance's bootstrap needs the few outside draws to show the tail, and
they seldom do. The four
probabilities are bounded; the value of ambiguity is not, and its intervals are too narrow.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np

from sim.article.parameters import FloatArray
from sim.calibrate.constraints import ConstraintLedger
from sim.results.supported import ImportanceBootstrap, ImportanceRow, ShrinkInterval

#: The intervals' level.
CONFIDENCE = 0.95
#: Bootstrap resamples per relaxed set (Efron and Tibshirani 1993, sec. 19.3: 1,000 to 2,000
#: for a BCa interval's end points); the default analysis's 28 sets take about 20 CPU
#: seconds at 2,000 (scipy 1.17, 1,476 supported answers).
RESAMPLES = 2_000
#: Resamples evaluated at once (memory: ``answers x batch x n`` floats).
BATCH = 200
#: Below this standard deviation an answer does not vary: its share is 0.
FLAT = 1e-12

Verdict = Literal["removes spread", "adds spread", "not distinguishable from 0"]


def mixture_variance(p: FloatArray | float, mean_s: FloatArray, var_s: FloatArray,
                     mean_r: FloatArray, var_r: FloatArray) -> FloatArray:  # fmt: skip
    """The variance of the mixture ``p U(S) + (1 - p) U(R)`` from its parts' means and
    variances (the law of total variance; module docstring)."""
    q = 1.0 - p
    return np.asarray(p * var_s + q * var_r + p * q * (mean_s - mean_r) ** 2)


def relaxed_sd(share: float, supported: FloatArray, outside: FloatArray) -> FloatArray:
    """Each answer's standard deviation over the relaxed set ``S_-k`` (every constraint but
    ``k``) from its two parts: the supported set ``S`` and ``R_k = S_-k \\ S``.

    ``supported`` ``(n, A)``: the answers of uniform draws of ``S`` (the analysis's own
    calibrations, solved already); ``outside`` ``(m, A)``: those of uniform draws of ``R_k``
    (the relaxed draws that violate ``k``: the only ones that need new solves); ``share``:
    the estimate of ``p = |S| / |S_-k|`` (the share of relaxed draws that satisfy ``k``, a
    constraint check per draw). Population moments, as for the supported set's own spread
    (:func:`mixture_variance`).
    """
    s = np.asarray(supported, dtype=np.float64)
    if outside.shape[0] == 0 or share >= 1.0:
        return np.asarray(s.std(axis=0))
    r = np.asarray(outside, dtype=np.float64)
    var = mixture_variance(float(share), s.mean(axis=0), s.var(axis=0), r.mean(axis=0),
                           r.var(axis=0))  # fmt: skip
    return np.asarray(np.sqrt(var))


def shrink_of(sd_all: FloatArray, sd_without: FloatArray) -> FloatArray:
    """``1 - sd(S) / sd(S_-k)`` per answer, 0 where the answer does not vary on ``S_-k``."""
    safe = np.where(sd_without > FLAT, sd_without, 1.0)
    return np.where(sd_without > FLAT, 1.0 - sd_all / safe, 0.0)


def mixture_shrink(supported: FloatArray, relaxed: FloatArray, axis: int = -1) -> FloatArray:
    """The estimate as a statistic of the two samples, along ``axis`` (the form
    :func:`scipy.stats.bootstrap` resamples): ``supported`` the supported answers,
    ``relaxed`` the relaxed draws' answers with NaN for a draw that satisfies ``k`` (not
    solved: ``S``'s sample stands for it). Any leading axes are answers and resamples; the
    same numbers as ``shrink_of(sd(supported), relaxed_sd(...))`` up to rounding."""
    s = np.moveaxis(np.asarray(supported, dtype=np.float64), axis, -1)
    d = np.moveaxis(np.asarray(relaxed, dtype=np.float64), axis, -1)
    out = ~np.isnan(d)
    m = out.sum(axis=-1)
    p = 1.0 - m / d.shape[-1]
    mean_s, var_s = s.mean(axis=-1), s.var(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_r = np.where(out, d, 0.0).sum(axis=-1) / m
        var_r = np.where(out, (d - mean_r[..., None]) ** 2, 0.0).sum(axis=-1) / m
        var = np.where(m > 0, mixture_variance(p, mean_s, var_s, mean_r, var_r), var_s)
    return shrink_of(np.sqrt(var_s), np.sqrt(var))


def verdict_of(low: float | None, high: float | None) -> Verdict:
    """A cell's verdict from its interval (module docstring)."""
    if low is not None and low > 0.0:
        return "removes spread"
    if high is not None and high < 0.0:
        return "adds spread"
    return "not distinguishable from 0"


def shrink_intervals(supported: FloatArray, holds: np.ndarray, outside: FloatArray,
                     names: Sequence[str], rng: np.random.Generator,
                     resamples: int = RESAMPLES) -> dict[str, ShrinkInterval]:  # fmt: skip
    """Each answer's interval, bootstrap bias and verdict for one relaxed set (module
    docstring): ``supported`` ``(n, A)`` the supported answers, ``holds`` ``(N,)`` which
    relaxed draws satisfy the constraint, ``outside`` ``(N - holds.sum(), A)`` the answers
    of those that do not, in order."""
    from scipy import stats

    s = np.asarray(supported, dtype=np.float64)
    holds = np.asarray(holds, dtype=bool)
    d = np.full((len(holds), s.shape[1]), np.nan)
    d[~holds] = np.asarray(outside, dtype=np.float64)
    estimate = mixture_shrink(s.T, d.T)
    if holds.all():
        return {name: ShrinkInterval(low=None, high=None, bias=0.0, corrected=float(e),
                                     verdict="not distinguishable from 0")
                for name, e in zip(names, estimate, strict=True)}  # fmt: skip
    with warnings.catch_warnings():  # a degenerate BCa cell is NaN: the percentile stands in
        warnings.simplefilter("ignore")
        found = stats.bootstrap((s.T, d.T), mixture_shrink, paired=False, vectorized=True,
                                axis=-1, n_resamples=resamples, batch=BATCH,
                                confidence_level=CONFIDENCE, method="BCa", rng=rng)
    dist = np.asarray(found.bootstrap_distribution)  # (A, resamples)
    tail = (1.0 - CONFIDENCE) / 2.0
    ends = found.confidence_interval
    out = {}
    for i, name in enumerate(names):
        low, high = float(ends.low[i]), float(ends.high[i])
        if not (np.isfinite(low) and np.isfinite(high)):
            low, high = (float(x) for x in np.quantile(dist[i], [tail, 1.0 - tail]))
        bias = float(dist[i].mean() - estimate[i])
        out[name] = ShrinkInterval(low=low, high=high, bias=bias,
                                   corrected=float(estimate[i] - bias),
                                   verdict=verdict_of(low, high))  # fmt: skip
    return out


def importance_table(ledger: ConstraintLedger, names: Sequence[str], supported: FloatArray,
                     holds: Sequence[np.ndarray], outside: Sequence[FloatArray], seed: int,
                     resamples: int = RESAMPLES) -> list[ImportanceRow]:  # fmt: skip
    """The claim-importance table: for each constraint of ``ledger`` (``k``-th: the relaxed
    draws' ``holds[k]``, the answers ``outside[k]`` of those that violate it), each answer's
    share of spread removed, with its interval (:func:`shrink_intervals`). ``supported``
    ``(n, A)``: the supported answers (columns ``names``). Each set's bootstrap draws from
    its own stream spawned from ``seed``, so the table is the same bytes for the same seed
    wherever the analysis ran (it runs in the analysis's own process, after the solves)."""
    values = np.asarray(supported, dtype=np.float64)
    sd_all = values.std(axis=0)
    streams = np.random.SeedSequence(seed).spawn(len(ledger.constraints))
    rows = []
    for k, c in enumerate(ledger.constraints):
        share = float(np.mean(holds[k]))
        shrink = shrink_of(sd_all, relaxed_sd(share, values, outside[k]))
        rows.append(ImportanceRow(
            constraint=c.id, claims=list(c.claims), restatement=c.restatement,
            shrink={name: float(shrink[i]) for i, name in enumerate(names)},
            relaxed_supported=share, solved=int(outside[k].shape[0]),
            intervals=shrink_intervals(values, holds[k], outside[k], names,
                                       np.random.default_rng(streams[k]), resamples)))  # fmt: skip
    return rows


def importance_bootstrap(rows: Sequence[ImportanceRow],
                         resamples: int = RESAMPLES) -> ImportanceBootstrap | None:  # fmt: skip
    """How the table's intervals were made, and how many cells chance alone would put
    outside 0 (``None`` for an empty table)."""
    if not rows:
        return None
    tested = sum(len(r.shrink) for r in rows if (r.solved or 0) > 0)
    return ImportanceBootstrap(confidence=CONFIDENCE, resamples=resamples, method="BCa",
                               tested=tested, by_chance=(1.0 - CONFIDENCE) * tested)
