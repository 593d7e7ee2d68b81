"""``hedgesim validate --expect``: a scenario's expectations checked across the supported set.

For each expectation (:class:`sim.scenario.expect.Expectation`) of a scenario, ``n``
calibrations are drawn from the scenario's supported set and solved under the scenario; an
expectation against another scenario solves the same drawn values under that scenario too
(its own held values, shocks and horizon: a paired comparison). The report gives the share of
calibrations in which the expectation holds and the verdict: ``agrees`` from
:data:`AGREE`, ``disagrees`` up to ``1 - AGREE``, ``mixed`` between.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.article.parameters import FloatArray, Parameters
from sim.calibrate.analysis import Targets, collapse_target
from sim.calibrate.constraints import ConstraintLedger
from sim.calibrate.sampler import PILOT, Space, chain_mixing, draw
from sim.calibrate.setting import Setting, load_setting
from sim.calibrate.solving import DEFAULT_CHUNK, Answer, solve_calibrations
from sim.results.calibration import ChainMixing
from sim.scenario.expect import ANSWERS, Expectation

AGREE = 2 / 3
DEFAULT_THAN = "baseline.yaml"


@dataclass(frozen=True)
class Verdict:
    """One expectation checked: the share of calibrations where it holds, the answer's mean
    here and in the reference (a scenario's mean, or the number), and the verdict."""

    expectation: Expectation
    share: float
    mean: float
    reference: float
    n: int
    mixing: ChainMixing | None = None

    @property
    def verdict(self) -> str:
        if self.share >= AGREE:
            return "agrees"
        if self.share <= 1 - AGREE:
            return "disagrees"
        return "mixed"

    def text(self) -> str:
        """The verdict in one line; when the draws' chains had not mixed
        (:func:`sim.calibrate.sampler.chain_mixing`), the line says so."""
        e = self.expectation
        said = (f"expects {e.describe()}: the model {self.verdict} in {self.share:.0%} of "
                f"{self.n} supported calibrations (mean {self.mean:.3g} against "
                f"{self.reference:.3g})")  # fmt: skip
        if self.mixing is not None and self.mixing.mixed is False:
            said += f"; {self.mixing.words()}"
        return said


def _values(setting: Setting, params: Parameters, e: Expectation,
            options: dict[str, object]) -> FloatArray:  # fmt: skip
    targets: Targets = collapse_target(setting, e.by)
    answer: Answer = solve_calibrations(setting, params, **options)  # type: ignore[arg-type]
    return np.asarray(targets.of(answer)[:, ANSWERS.index(e.answer)])


def _check_sizes(setting: Setting, n: int, pilot: int, allow_large: bool) -> None:
    """The budgets (docs/budgets.md) of ``n`` draws and of the solves: ``n`` calibrations of
    ``setting`` for each expectation, and as many of the scenario it is compared with."""
    from sim.budget import check_article_run, check_draws
    from sim.sweep.analyses import BYTES_PER_CALIBRATION

    check_draws(f"--expect-n {n:,}", n, f"--pilot {pilot:,}", pilot, allow_large=allow_large)
    solves = n * sum(1 if e.value is not None else 2 for e in setting.expect)
    res = setting.resolution
    check_article_run(
        f"--expect-n {n:,}: {solves:,} calibrations solved for {len(setting.expect)} "
        f"expectations x {setting.rounds} rounds on the {res.belief_points}x"
        f"{res.capacity_points} grid ({res.states:,} states)",
        res.states, setting.rounds, float(solves), batch=min(solves, DEFAULT_CHUNK),
        extra_bytes=solves * BYTES_PER_CALIBRATION, allow_large=allow_large)


def check_expectations(
    setting: Setting,
    ledger: ConstraintLedger,
    n: int,
    seed: int,
    *,
    allow_large: bool = False,
    **options: object,
) -> list[Verdict]:
    """Every expectation of ``setting`` checked (module docstring); ``options`` pass on to
    :func:`sim.calibrate.solving.solve_calibrations`, ``pilot`` and ``burn_in`` (None: the
    sampler's default) to the sampler; ``allow_large`` goes beyond the budgets of the draws
    and the solves. Each verdict carries the draws' chain mixing check."""
    pilot = int(options.pop("pilot", PILOT))  # type: ignore[call-overload]
    burn_in = options.pop("burn_in", None)
    _check_sizes(setting, n, pilot, allow_large)
    space = Space.of(ledger, setting.base, setting.fixed)
    draws = draw(ledger, space, n, seed, pilot=pilot, burn_in=burn_in)  # type: ignore[arg-type]
    mixing = chain_mixing([draws])
    drawn = draws.params
    out = []
    for e in setting.expect:
        here = _values(setting, drawn, e, options)
        if e.value is not None:
            there = np.full_like(here, e.value)
        else:
            other = load_setting(Path(setting.path).parent / (e.than or DEFAULT_THAN))
            if other.round_days == setting.round_days:  # the same horizon: a fair comparison
                other = dataclasses.replace(other, rounds=setting.rounds)
            moved = {name: np.full(n, float(getattr(other.base, name)))
                     for name in set(other.fixed) | set(setting.fixed)}  # fmt: skip
            there = _values(other, drawn.replace(**moved), e, options)
        holds = here > there if e.compare == "more" else here < there
        out.append(Verdict(e, float(holds.mean()), float(here.mean()), float(there.mean()), n,
                           mixing))
    return out
