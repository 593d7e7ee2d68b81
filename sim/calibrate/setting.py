"""What a scenario fixes for calibration and analysis: the situation, not the calibration.

A scenario (``sim.scenario``) describes a situation: its dated shocks, its horizon and round
length, and the parameters it sets differently from the baseline (the lebanon_deal
scenario's shipment-limit signal, a strained Iran's lower capacity). Those are held at the
scenario's values; every other parameter is drawn within its bounds subject to the claims.

The ledger and the bounds are stated per month (:data:`BASE_ROUND_DAYS`); a weekly scenario's
calibration is converted back to months (:func:`per_month`, the inverse of
:func:`sim.article.parameters.per_round`) to find what it holds, and each drawn calibration is
converted to the scenario's rounds before it is solved.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.article.grid import Resolution
from sim.article.parameters import (
    BASE_ROUND_DAYS,
    CAPACITY_RATE,
    DISCOUNT,
    HAZARD,
    PAYOFF,
    PROBABILITY,
    RATE,
    SPECS,
    Parameters,
    per_round,
)
from sim.article.timeline import Shock
from sim.errors import HedgesimError

#: Two values closer than this (relative) are the same: a scenario holds a parameter only
#: when it moves it.
SAME = 1e-12
#: The analysis grid (see docs/calibration.md): coarse enough that thousands of calibrations
#: solve in minutes, anchored at each calibration's priors like every grid.
ANALYSIS_RESOLUTION = Resolution(belief_points=3, capacity_points=3)
#: Rounds of an analysis when the scenario does not say (a year of months).
ANALYSIS_ROUNDS = 12


def per_month(params: Parameters, days: float) -> Parameters:
    """The inverse of :func:`~sim.article.parameters.per_round`: a calibration stated for
    rounds of ``days`` days, restated per month."""
    f = float(days) / BASE_ROUND_DAYS
    if f == 1.0:
        return params
    changes: dict[str, Any] = {}
    for spec in SPECS:
        v = np.asarray(getattr(params, spec.name), dtype=np.float64)
        if spec.unit in (PAYOFF, CAPACITY_RATE, HAZARD):
            new = v / f
        elif spec.unit in (PROBABILITY, RATE):
            new = 1.0 - (1.0 - v) ** (1.0 / f)
        elif spec.unit == DISCOUNT:
            new = v ** (1.0 / f)
        else:
            continue
        changes[spec.name] = float(new) if new.ndim == 0 else new
    return params.replace(**changes)


@dataclass(frozen=True)
class Setting:
    """A scenario's situation (module docstring): ``base`` its calibration per month,
    ``fixed`` the parameters it moves away from the baseline."""

    name: str
    path: str
    base: Parameters
    fixed: tuple[str, ...]
    rounds: int
    round_days: float
    shocks: tuple[Shock, ...] = ()
    start: datetime.date | None = None
    resolution: Resolution = ANALYSIS_RESOLUTION
    expect: tuple[Any, ...] = field(default=())

    def date_of(self, round_: int) -> datetime.date | None:
        if self.start is None:
            return None
        return self.start + datetime.timedelta(days=self.round_days * round_)

    def round_of(self, date: datetime.date) -> int:
        """The round a date falls in (the first round starting after it, if between)."""
        if self.start is None:
            raise HedgesimError(f"{self.path}: the scenario has no calendar date, so a date "
                                "cannot name one of its rounds")  # fmt: skip
        return int(np.ceil((date - self.start).days / self.round_days - 1e-9))

    def for_rounds(self, params: Parameters) -> Parameters:
        """A batch of monthly calibrations in this scenario's rounds."""
        return per_round(params, self.round_days)


def _fixed(base: Parameters) -> tuple[str, ...]:
    ref = Parameters()
    out = []
    for spec in SPECS:
        a, b = float(getattr(base, spec.name)), float(getattr(ref, spec.name))
        if abs(a - b) > SAME * (1.0 + abs(b)):
            out.append(spec.name)
    return tuple(out)


def load_setting(path: str | Path, overrides: Sequence[str] = ()) -> Setting:
    """The setting of the scenario file ``path`` (one-line errors from the scenario loader).

    Until the scenarios read Model 2 (``sim.scenario.article``), a scenario contributes its
    name and horizon and the baseline calibration."""
    from sim.scenario import apply_overrides, load_scenario

    scenario = load_scenario(str(path))
    if overrides:
        scenario = apply_overrides(scenario, list(overrides))
    expect = tuple(getattr(scenario, "expect", None) or ())
    try:
        from sim.scenario.article import article_run
    except ImportError:
        rounds = int(scenario.repeated.rounds)
        return Setting(scenario.name, str(path), Parameters(), (), min(rounds, ANALYSIS_ROUNDS),
                       BASE_ROUND_DAYS, expect=expect)  # fmt: skip
    run = article_run(scenario)
    base = per_month(run.params, run.round_days)
    return Setting(
        name=run.name,
        path=str(path),
        base=base,
        fixed=_fixed(base),
        rounds=int(run.rounds),
        round_days=float(run.round_days),
        shocks=tuple(run.shocks),
        start=run.start,
        expect=expect,
    )
