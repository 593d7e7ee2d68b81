"""Sobol sensitivity indices with confidence intervals, by SALib.

:func:`sobol_design` is Saltelli's design (SALib's Sobol-sequence sampler: ``N (G + 2)``
points for ``G`` factors or groups, no second-order terms) in the unit cube;
:func:`sobol_indices` gives each factor's first-order and total index with bootstrap
confidence intervals (SALib's ``sobol.analyze``: Saltelli et al. 2010's first-order and
Jansen's total estimator). Factors can be groups of parameters (SALib's ``groups``).

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
