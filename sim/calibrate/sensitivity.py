"""Sobol sensitivity indices with confidence intervals, by SALib.

:func:`sobol_design` is Saltelli's design (SALib's Sobol-sequence sampler: ``N (G + 2)``
points for ``G`` factors or groups, no second-order terms) in the unit cube;
:func:`sobol_indices` gives each factor's first-order and total index with bootstrap
confidence intervals (SALib's ``sobol.analyze``: Saltelli et al. 2010's first-order and
Jansen's total estimator). Factors can be groups of parameters (SALib's ``groups``).
:func:`prefix_indices` is the same two estimators when factors rest on different numbers of
base rows and ``f(B)`` is solved on fewer rows than ``f(A)`` (the analysis's design,
docs/calibration.md); on a whole design it gives SALib's numbers (tested).

Sobol's decomposition needs independent inputs; see docs/calibration.md for the domain the
analysis uses them on.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.article.parameters import FloatArray

#: Bootstrap resamples of the base rows behind each interval. The half-width is the standard
#: deviation over them times z(0.975), so it is itself an estimate: on Ishigami's function at
#: base 160 it varies by 4.5% (one standard deviation over bootstrap seeds) with 200
#: resamples, SALib's default, and 2.4% with 1,000, for about 60 ms an estimate
#: (docs/calibration.md). The base a target half-width needs goes with its square.
RESAMPLES = 1000


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total indices per factor (``S1``, ``ST``) with the half-widths of
    their 95% bootstrap confidence intervals (``S1_conf``, ``ST_conf``)."""

    factors: tuple[str, ...]
    S1: FloatArray
    S1_conf: FloatArray
    ST: FloatArray
    ST_conf: FloatArray


def _problem(names: Sequence[str], groups: Sequence[str] | None) -> dict[str, object]:
    problem: dict[str, object] = {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [[0.0, 1.0]] * len(names),
    }
    if groups is not None:
        problem["groups"] = list(groups)
    return problem


def sobol_design(
    names: Sequence[str], base: int, seed: int, groups: Sequence[str] | None = None
) -> FloatArray:
    """``(base * (G + 2), D)`` points of Saltelli's design in the unit cube (``base`` a power
    of two; ``G`` the number of factors, the groups if given)."""
    from SALib.sample import sobol as sobol_sample

    return np.asarray(
        sobol_sample.sample(_problem(names, groups), base, calc_second_order=False, seed=seed),
        dtype=np.float64,
    )


def sobol_indices(
    names: Sequence[str],
    outputs: FloatArray,
    seed: int,
    groups: Sequence[str] | None = None,
    resamples: int = RESAMPLES,
) -> SobolIndices:
    """The indices of ``outputs`` (one value per point of :func:`sobol_design`)."""
    from SALib.analyze import sobol as sobol_analyze

    with warnings.catch_warnings():  # SALib warns on constant outputs; the caller checks
        warnings.simplefilter("ignore", UserWarning)
        found = sobol_analyze.analyze(
            _problem(names, groups),
            np.asarray(outputs, dtype=np.float64),
            calc_second_order=False,
            num_resamples=resamples,
            seed=seed,
        )
    factors = tuple(dict.fromkeys(groups)) if groups is not None else tuple(names)
    return SobolIndices(
        factors,
        np.asarray(found["S1"]),
        np.asarray(found["S1_conf"]),
        np.asarray(found["ST"]),
        np.asarray(found["ST_conf"]),
    )


#: z(0.975): a 95% interval's half-width in standard deviations (SALib's ``conf_level``).
Z95 = 1.959963984540054


def _strata(bounds: Sequence[int], top: int, resamples: int,
            rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """``(top, resamples)`` bootstrap row indices, each row resampled within its stratum (the
    rows between consecutive ``bounds``), so every prefix ending at a bound is a bootstrap
    resample of itself."""
    cuts = sorted({0, top, *(b for b in bounds if 0 < b < top)})
    return np.concatenate([lo + rng.integers(0, hi - lo, size=(hi - lo, resamples))
                           for lo, hi in zip(cuts, cuts[1:], strict=False)])  # fmt: skip


def prefix_indices(factors: Sequence[str], y_a: FloatArray, y_b: FloatArray,
                   y_mixed: Sequence[FloatArray], rows: Sequence[int], b_rows: int,
                   seed: int, resamples: int = RESAMPLES) -> SobolIndices:  # fmt: skip
    """Each factor's first-order and total index when the factors rest on different prefixes
    of the base and ``f(B)`` is solved on fewer rows than ``f(A)``.

    ``y_a`` ``(top,)``: ``f(A)`` on every base row; ``y_b``: ``f(B)`` on its first
    ``b_rows``; ``y_mixed[i]``: ``f(AB_i)`` on factor ``i``'s first ``rows[i]``. Jansen's
    total estimator, ``ST_i = mean_j (f(A_j) - f(AB_ij))^2 / (2 V)`` over ``j < rows[i]``,
    needs ``f(A)`` and ``f(AB_i)`` only; Saltelli et al. 2010's first-order estimator,
    ``S1_i = mean_j f(B_j) (f(AB_ij) - f(A_j)) / V``, needs ``f(B)`` too and rests on the first
    ``min(rows[i], b_rows)`` (both SALib's, the outputs centred on the draws' mean). ``V``,
    the output's variance, is estimated on every draw there is, ``f(A)`` on all ``top`` rows
    and ``f(B)`` on its ``b_rows``: they are independent draws of the same distribution, so
    it is consistent (and the ratio with it, by Slutsky's theorem), and its error is smaller
    than on the factor's rows alone (Janon et al. 2014, ESAIM: P&S 18, use every output for
    the mean and variance for the same reason). With ``rows[i] = b_rows = top`` it is SALib's
    estimator on a design of ``top`` base rows.

    The 95% half-widths are bootstrap ones as SALib's (``resamples`` resamples of the base
    rows, ``Z95`` times their standard deviation), resampling each base row with all its
    outputs within the stretch of rows it shares with the same outputs (a stratified
    bootstrap: the strata the prefixes ``rows[i]`` and ``b_rows`` cut), so the covariance of
    numerator and ``V`` is kept. Each factor draws its own resamples from ``seed``, so its
    indices do not depend on which other factors are in the call."""
    y_a = np.asarray(y_a, dtype=np.float64)
    top = len(y_a)
    b_rows = min(b_rows, top)
    draws = np.concatenate([y_a, np.asarray(y_b, dtype=np.float64)[:b_rows]])
    mean, sd = float(draws.mean()), float(draws.std())
    scale = sd if sd > 0 else 1.0
    a = (y_a - mean) / scale
    b = (np.asarray(y_b, dtype=np.float64)[:b_rows] - mean) / scale
    n = len(factors)
    out = {k: np.zeros(n) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    v = float(np.var(np.concatenate([a, b])))
    for i in range(n if v > 0 else 0):  # a constant output: every index 0
        r = min(int(rows[i]), top)
        s = min(r, b_rows)
        ab = (np.asarray(y_mixed[i], dtype=np.float64)[:r] - mean) / scale
        idx = _strata((r, b_rows), top, resamples, np.random.default_rng(seed))
        a_r = a[idx]
        var = np.var(np.concatenate([a_r, b[idx[:b_rows]]]), axis=0)
        safe = np.where(var > 0, var, 1.0)
        total = 0.5 * np.mean((a_r[:r] - ab[idx[:r]]) ** 2, axis=0) / safe
        first = np.mean(b[idx[:s]] * (ab[idx[:s]] - a_r[:s]), axis=0) / safe
        out["ST"][i] = 0.5 * np.mean((a[:r] - ab) ** 2) / v
        out["S1"][i] = np.mean(b[:s] * (ab[:s] - a[:s])) / v if s else 0.0
        out["ST_conf"][i] = Z95 * float(np.std(total, ddof=1))
        out["S1_conf"][i] = Z95 * float(np.std(first, ddof=1)) if s else 0.0
    return SobolIndices(tuple(factors), out["S1"], out["S1_conf"], out["ST"], out["ST_conf"])
