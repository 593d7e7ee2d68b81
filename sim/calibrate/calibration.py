"""``hedgesim calibrate``: draw calibrations from the supported set of a scenario and write
them with every constraint's check.

:func:`calibrate` returns a :class:`Calibration` (the draws, their margins, the typed
summary); :func:`write_calibration` writes ``calibration.json`` and ``calibrations.csv``
(one row per calibration: every parameter per month, then each constraint's margin) into an
output folder, atomically. The same scenario, ledger, ``n`` and seed give the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.article.parameters import PARAMETER_NAMES, FloatArray, Parameters
from sim.calibrate.constraints import ConstraintLedger, load_constraints
from sim.calibrate.sampler import PILOT, Draws, Space, chain_mixing, draw
from sim.calibrate.setting import Setting
from sim.results.calibration import CalibrationResults, ConstraintCheck

CALIBRATION_FILE = "calibration.json"
CALIBRATIONS_CSV = "calibrations.csv"


@dataclass(frozen=True)
class Calibration:
    """Drawn calibrations (per month), their margins ``(n, K)`` and the summary."""

    setting: Setting
    ledger: ConstraintLedger
    draws: Draws
    margins: FloatArray
    results: CalibrationResults

    @property
    def params(self) -> Parameters:
        return self.draws.params


def calibrate(
    setting: Setting,
    n: int,
    seed: int,
    ledger: ConstraintLedger | None = None,
    *,
    allow_large: bool = False,
    **options: object,
) -> Calibration:
    """``n`` calibrations uniform on ``setting``'s supported set (:func:`sampler.draw`;
    ``options`` pass on to it; ``allow_large`` goes beyond the draws' budget,
    :func:`sim.budget.check_draws`)."""
    from sim.budget import check_draws

    pilot = int(options.get("pilot", PILOT))  # type: ignore[call-overload]
    check_draws(f"--n {n:,}", n, f"--pilot {pilot:,}", pilot, allow_large=allow_large)
    ledger = load_constraints() if ledger is None else ledger
    space = Space.of(ledger, setting.base, setting.fixed)
    draws = draw(ledger, space, n, seed, **options)  # type: ignore[arg-type]
    params = draws.params
    ok = ledger.satisfied(params)
    margins = ledger.margins(params)
    base_margin = ledger.margins(setting.base)[0] if ledger.constraints else np.zeros(0)
    checks = [
        ConstraintCheck(
            id=c.id,
            claims=list(c.claims),
            fact=c.fact,
            restatement=c.restatement,
            holds=c.holds,
            state=c.state.describe(),
            satisfied=int(ok[:, k].sum()),
            least_margin=float(margins[:, k].min()),
            at_base=float(base_margin[k]),
        )
        for k, c in enumerate(ledger.constraints)
    ]
    held = {name: float(getattr(setting.base, name)) for name in PARAMETER_NAMES
            if name not in space.names}  # fmt: skip
    results = CalibrationResults(
        scenario=setting.name,
        seed=seed,
        n=n,
        method=draws.method,  # type: ignore[arg-type]
        acceptance_rate=draws.acceptance,
        pilot_draws=draws.pilot,
        pilot_accepted=draws.accepted,
        drawn=list(space.names),
        held=held,
        base_supported=bool(ledger.satisfied(setting.base).all()),
        constraints=checks,
        burn_in=draws.burn_in,
        mixing=chain_mixing([draws]),
    )
    return Calibration(setting, ledger, draws, margins, results)


def calibrations_csv(cal: Calibration) -> str:
    """One row per calibration: index, every parameter (per month), each margin."""
    params = cal.params
    cols = [np.asarray(getattr(params, n), dtype=np.float64) for n in PARAMETER_NAMES]
    out = io.StringIO()
    out.write(",".join(["calibration", *PARAMETER_NAMES, *cal.ledger.ids()]) + "\n")
    for b in range(cal.margins.shape[0]):
        values = [repr(float(c[b])) for c in cols]
        margins = [repr(float(m)) for m in cal.margins[b]]
        out.write(",".join([str(b), *values, *margins]) + "\n")
    return out.getvalue()


def read_calibrations(path: str | Path) -> Parameters:
    """The calibrations of a ``calibrations.csv`` as a batch."""
    data: Any = np.atleast_1d(np.genfromtxt(path, delimiter=",", names=True, dtype=np.float64))
    return Parameters(**{n: np.asarray(data[n], dtype=np.float64) for n in PARAMETER_NAMES})


def write_calibration(cal: Calibration, folder: Path) -> list[Path]:
    """Write ``calibration.json`` and ``calibrations.csv`` into ``folder`` (atomically)."""
    from sim.atomic import write_text

    return [
        write_text(folder / CALIBRATION_FILE, cal.results.model_dump_json(indent=2) + "\n"),
        write_text(folder / CALIBRATIONS_CSV, calibrations_csv(cal)),
    ]
