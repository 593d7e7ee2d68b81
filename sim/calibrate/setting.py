"""What a scenario fixes for calibration and analysis: the situation, not the calibration.

A scenario (``sim.scenario``) describes a situation: its dated shocks, its horizon and round
length, and the parameters it sets differently from the baseline (the lebanon_deal
scenario's shipment-limit signal, a strained Iran's lower capacity). Those are held at the
scenario's values; every other parameter is drawn within its bounds subject to the claims.

The ledger and the bounds are stated per month (:data:`BASE_ROUND_DAYS`), as scenarios state
their values (``ArticleRun.monthly``); each drawn calibration is converted to the scenario's
rounds (:func:`sim.article.parameters.per_round`) before it is solved.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.article.grid import Resolution
from sim.article.parameters import SPECS, Parameters, per_round
from sim.article.timeline import Shock
from sim.errors import HedgesimError

#: Two values closer than this (relative) are the same: a scenario holds a parameter only
#: when it moves it.
SAME = 1e-12
#: The analysis grid (see docs/calibration.md): coarse enough that thousands of calibrations
#: solve in minutes, anchored at each calibration's priors like every grid.
ANALYSIS_RESOLUTION = Resolution(belief_points=3, capacity_points=3)


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
        """The round a date falls in (negative before the start), as
        :meth:`sim.scenario.article.ArticleRun.round_of`: the regime has fallen by ``date``
        when it has by the start of the next round."""
        if self.start is None:
            raise HedgesimError(f"{self.path}: the scenario has no calendar date, so a date "
                                "cannot name one of its rounds")  # fmt: skip
        return int(np.floor((date - self.start).days / self.round_days + 1e-9))

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


def setting_of(scenario: Any, path: str = "", resolution: Resolution | None = None) -> Setting:
    """The setting of a validated scenario (``resolution``: the state grid its calibrations
    are solved on, by default :data:`ANALYSIS_RESOLUTION`)."""
    from sim.scenario.article import article_run

    run = article_run(scenario)
    return Setting(
        name=run.name,
        path=path or (scenario.source or run.name),
        base=run.monthly,
        fixed=_fixed(run.monthly),
        rounds=int(run.rounds),
        round_days=float(run.round_days),
        shocks=tuple(run.shocks),
        start=run.start,
        resolution=resolution or ANALYSIS_RESOLUTION,
        expect=tuple(getattr(scenario, "expect", None) or ()),
    )


def load_setting(path: str | Path, overrides: Sequence[str] = ()) -> Setting:
    """The setting of the scenario file ``path`` (one-line errors from the scenario loader)."""
    from sim.scenario import apply_overrides, load_scenario

    scenario = load_scenario(str(path))
    if overrides:
        scenario = apply_overrides(scenario, list(overrides))
    return setting_of(scenario, str(path))
