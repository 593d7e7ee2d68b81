"""The three analyses, as plain dataclasses of numpy arrays (ready for plots and reports).

- :func:`sweep`: horizon and exit path over a grid of one or two key paths
  (:class:`GridResult`: a heatmap's data);
- :func:`monte_carlo`: the horizon's distribution under the scenario's uncertainty, its
  quantiles and the share of draws ending in each exit (:class:`MonteCarloResult`);
- :func:`sensitivity`: the horizon at the low and high end of each uncertain key, one at a
  time (:class:`SensitivityResult`: a tornado chart's data).

"Never" (hedging lasts the whole run) is coded ``-1`` in the integer arrays. Quantiles
treat it as ``rounds`` (the run's length): a censored value, the horizon is at least that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from typing_extensions import Unpack

from sim.scenario import Scenario
from sim.sweep.design import (
    SENSITIVITY_QUANTILES,
    grid_design,
    monte_carlo_design,
    parse_param,
    scenario_sweep,
    sensitivity_design,
)
from sim.sweep.executors import RunOptions, run_design
from sim.sweep.outcomes import COUNTERPART_LABELS, EXIT_LABELS, NONE

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Quantiles reported by :func:`monte_carlo`.
QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Label of "hedging lasts the whole run" in exit shares.
NO_EXIT = "none"


@dataclass(frozen=True, eq=False)
class GridResult:
    """A sweep over one or two key paths.

    Attributes
    ----------
    keys
        The swept key paths (axis 0, then axis 1).
    axes
        The values along each key.
    horizon, exit, first_broken
        Arrays of shape ``tuple(len(a) for a in axes)``; codes as in
        :mod:`sim.sweep.outcomes` (``-1``: none/never).
    rounds
        The run's length (a horizon of ``-1`` means ``>= rounds``).
    exit_labels, counterpart_labels
        Names of the exit and first-broken codes.
    """

    keys: tuple[str, ...]
    axes: tuple[FloatArray, ...]
    horizon: IntArray
    exit: IntArray
    first_broken: IntArray
    rounds: int
    exit_labels: tuple[str, ...] = EXIT_LABELS
    counterpart_labels: tuple[str, ...] = COUNTERPART_LABELS


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """The horizon's distribution under the scenario's uncertainty.

    Attributes
    ----------
    keys
        The uncertain key paths (columns of ``samples``).
    samples
        ``(draws, len(keys))``: the drawn values.
    horizon, exit, first_broken
        ``(draws,)`` codes (``-1``: none/never).
    quantiles
        ``{q: horizon quantile}`` for :data:`QUANTILES` (never counted as ``rounds``;
        ``numpy.quantile``'s default linear interpolation).
    exit_shares
        ``{exit label or "none": share of draws}``, summing to 1.
    never_share
        Share of draws in which hedging lasts the whole run.
    rounds, seed
        The run's length and the seed the draws came from.
    """

    keys: tuple[str, ...]
    samples: FloatArray
    horizon: IntArray
    exit: IntArray
    first_broken: IntArray
    quantiles: dict[float, float]
    exit_shares: dict[str, float]
    never_share: float
    rounds: int
    seed: int
    exit_labels: tuple[str, ...] = EXIT_LABELS
    counterpart_labels: tuple[str, ...] = COUNTERPART_LABELS


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """One-at-a-time sensitivity of the horizon (a tornado chart's data).

    Attributes
    ----------
    keys
        The uncertain key paths, sorted by ``swing`` (largest first).
    base_values, low_values, high_values
        Each key's base value and its low and high end (``quantiles`` of its distribution).
    base_horizon
        The base scenario's horizon (``-1``: never).
    low_horizon, high_horizon
        The horizon with the key at its low / high end, the others at base.
    low_exit, high_exit
        The exit codes there.
    swing
        ``|high - low|`` of the horizons, never counted as ``rounds``.
    quantiles
        The percentiles used for the low and high ends.
    """

    keys: tuple[str, ...]
    base_values: FloatArray
    low_values: FloatArray
    high_values: FloatArray
    base_horizon: int
    base_exit: int
    low_horizon: IntArray
    high_horizon: IntArray
    low_exit: IntArray
    high_exit: IntArray
    swing: IntArray
    quantiles: tuple[float, float]
    rounds: int
    exit_labels: tuple[str, ...] = EXIT_LABELS


def censored(horizon: IntArray, rounds: int) -> IntArray:
    """Horizons with "never" (``-1``) replaced by ``rounds``."""
    return np.where(horizon == NONE, rounds, horizon)


def sweep(
    scenario: Scenario,
    params: Sequence[str] = (),
    *,
    name: str | None = None,
    **options: Unpack[RunOptions],
) -> GridResult:
    """Horizon and exit over a grid: ``params`` (``key.path=start:stop:num``, one or two),
    or the scenario's ``sweeps:`` entry ``name`` (default: the first) when ``params`` is empty.

    Executor options as in :func:`sim.sweep.executors.run_design`.

    Raises
    ------
    ScenarioError
        On a malformed ``--param``, an unknown key path, or no sweep to run.
    HedgesimError
        On executor problems (see :func:`~sim.sweep.executors.run_design`).
    """
    design = (
        grid_design([parse_param(p) for p in params]) if params else scenario_sweep(scenario, name)
    )
    out = run_design(scenario, design, **options)
    shape = design.shape
    return GridResult(
        keys=design.keys,
        axes=design.axes,
        horizon=out.horizon.reshape(shape),
        exit=out.exit.reshape(shape),
        first_broken=out.first_broken.reshape(shape),
        rounds=scenario.repeated.rounds,
    )


def exit_shares(exit: IntArray) -> dict[str, float]:
    """``{exit label or "none": share}`` of an array of exit codes."""
    n = max(len(exit), 1)
    shares = {label: float(np.sum(exit == k)) / n for k, label in enumerate(EXIT_LABELS)}
    shares[NO_EXIT] = float(np.sum(exit == NONE)) / n
    return shares


def monte_carlo(
    scenario: Scenario,
    *,
    draws: int | None = None,
    **options: Unpack[RunOptions],
) -> MonteCarloResult:
    """The horizon's distribution over ``draws`` (default ``uncertainty.draws``) draws of the
    scenario's uncertainty, seeded by ``scenario.seed``.

    Executor options (:class:`~sim.sweep.executors.RunOptions`) as in
    :func:`sim.sweep.executors.run_design`.

    Raises
    ------
    ScenarioError
        If the scenario has no ``uncertainty:`` distributions.
    """
    design = monte_carlo_design(scenario, draws)
    out = run_design(scenario, design, **options)
    rounds = scenario.repeated.rounds
    h = censored(out.horizon, rounds).astype(np.float64)
    return MonteCarloResult(
        keys=design.keys,
        samples=design.values,
        horizon=out.horizon,
        exit=out.exit,
        first_broken=out.first_broken,
        quantiles={q: float(np.quantile(h, q)) for q in QUANTILES},
        exit_shares=exit_shares(out.exit),
        never_share=float(np.mean(out.horizon == NONE)),
        rounds=rounds,
        seed=scenario.seed,
    )


def sensitivity(
    scenario: Scenario,
    *,
    quantiles: tuple[float, float] = SENSITIVITY_QUANTILES,
    **options: Unpack[RunOptions],
) -> SensitivityResult:
    """The horizon with each uncertain key at the low and the high end of its distribution
    (by default its 5th and 95th percentiles), one at a time, the others at base.

    Executor options (:class:`~sim.sweep.executors.RunOptions`) as in
    :func:`sim.sweep.executors.run_design`.

    Raises
    ------
    ScenarioError
        If the scenario has no ``uncertainty:`` distributions.
    """
    design = sensitivity_design(scenario, quantiles)
    out = run_design(scenario, design, **options)
    rounds = scenario.repeated.rounds
    k = len(design.keys)
    idx = np.arange(k)
    low, high = 1 + 2 * idx, 2 + 2 * idx
    base_values = design.values[0]
    low_values = design.values[low, idx]
    high_values = design.values[high, idx]
    cens = censored(out.horizon, rounds)
    swing = np.abs(cens[high] - cens[low])
    order = np.argsort(-swing, kind="stable")
    return SensitivityResult(
        keys=tuple(design.keys[i] for i in order),
        base_values=base_values[order],
        low_values=low_values[order],
        high_values=high_values[order],
        base_horizon=int(out.horizon[0]),
        base_exit=int(out.exit[0]),
        low_horizon=out.horizon[low][order],
        high_horizon=out.horizon[high][order],
        low_exit=out.exit[low][order],
        high_exit=out.exit[high][order],
        swing=swing[order],
        quantiles=quantiles,
        rounds=rounds,
    )


# -- the registry ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnalysisRequest:
    """What the command line asks of the analyses beyond the scenario: the swept key paths
    (``--param``), which of the scenario's ``sweeps:`` (``--name``), how many draws
    (``--draws``)."""

    params: tuple[str, ...] = ()
    sweep_name: str | None = None
    draws: int | None = None


@dataclass(frozen=True)
class AnalysisKind:
    """A registered analysis.

    Attributes
    ----------
    name
        Its name on the command line and in ``analyses.json``.
    summary
        What it computes, in one line (the CLI's help and the docs' table).
    needs
        The scenario section it draws on: ``"sweeps"`` or ``"uncertainty"``.
    run
        ``run(scenario, request, **executor options) -> result``.
    """

    name: str
    summary: str
    needs: str
    run: Callable[..., GridResult | MonteCarloResult | SensitivityResult]


def _grid(scenario: Scenario, request: AnalysisRequest,
          **options: Unpack[RunOptions]) -> GridResult:
    return sweep(scenario, request.params, name=request.sweep_name, **options)


def _monte_carlo(scenario: Scenario, request: AnalysisRequest,
                 **options: Unpack[RunOptions]) -> MonteCarloResult:
    return monte_carlo(scenario, draws=request.draws, **options)


def _sensitivity(scenario: Scenario, request: AnalysisRequest,
                 **options: Unpack[RunOptions]) -> SensitivityResult:
    return sensitivity(scenario, **options)


#: Every analysis, by name: the CLI's choices, ``run --analyses`` and the docs derive from it.
ANALYSES: dict[str, AnalysisKind] = {
    kind.name: kind
    for kind in (
        AnalysisKind("grid", "the horizon and exit path over a grid of one or two key paths "
                     "(--param, or the scenario's sweeps:)", "sweeps", _grid),
        AnalysisKind("monte-carlo", "the horizon's distribution over draws of the scenario's "
                     "uncertainty: (quantiles, exit shares)", "uncertainty", _monte_carlo),
        AnalysisKind("sensitivity", "the horizon with each uncertain input at its 5th and 95th "
                     "percentile, one at a time (a tornado chart)", "uncertainty",
                     _sensitivity),
    )
}
