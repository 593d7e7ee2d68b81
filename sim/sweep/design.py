"""Designs: which variants of a scenario a sweep runs.

A :class:`Design` is a table of variants: ``keys`` (key paths of the article's game, such
as ``payoffs.gulf_incentive`` or ``beliefs.iran.visibility``) and ``values`` of shape
``(n_variants, n_keys)``; variant ``i`` is the base scenario with ``keys[k]`` set to
``values[i, k]``. Three designs:

- :func:`grid_design`: every combination of one or two evenly spaced axes
  (``key.path=start:stop:num`` on the command line, or a scenario's ``sweeps:`` entry);
- :func:`monte_carlo_design`: ``uncertainty.draws`` draws from the scenario's
  ``uncertainty:`` distributions, from a :class:`numpy.random.Generator` seeded with
  ``scenario.seed`` (the same scenario gives the same draws, bit for bit);
- :func:`sensitivity_design`: one uncertain key at a time at the low and at the high end of
  its distribution (by default its 5th and 95th percentiles, see :func:`quantile`), every
  other key at the base scenario's value.

Key paths are those of :data:`sim.scenario.article_keys.PARAMETER_KEYS` (every parameter of
the article's game, docs/scenarios.md); values are checked against the parameter's documented
bounds (:func:`sim.scenario.article_keys.value_range`), per month as a scenario states them.
Every range is an interval, so checking each column's minimum and maximum validates every
variant at once.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from sim.errors import ScenarioError
from sim.scenario import Axis, Distribution, Scenario
from sim.scenario.article_keys import PARAMETER_KEYS, value_range, variable_key_problem

FloatArray = npt.NDArray[np.float64]
DesignKind = Literal["grid", "montecarlo", "sensitivity"]

#: Most points on one axis of a grid (the schema's ``sweeps[].params.<key>.num`` bound).
MAX_AXIS_POINTS = 10_000
#: Default percentiles of the low and high ends in :func:`sensitivity_design`.
SENSITIVITY_QUANTILES = (0.05, 0.95)


@dataclass(frozen=True, eq=False)
class Design:
    """A table of variants of a base scenario.

    Attributes
    ----------
    kind
        ``"grid"``, ``"montecarlo"`` or ``"sensitivity"``.
    keys
        The key paths varied, in column order.
    values
        ``(n_variants, n_keys)`` float64: the value of each key in each variant.
    axes
        Grid only: the values along each key (the grid is ``itertools.product`` order:
        the last key varies fastest, so ``values`` reshapes to ``(*axis_lengths, n_keys)``).
    labels
        Sensitivity only: ``(key, "low" | "high")`` of each variant.
    """

    kind: DesignKind
    keys: tuple[str, ...]
    values: FloatArray
    axes: tuple[FloatArray, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape (axis lengths), or ``(n_variants,)`` for the other designs."""
        if self.kind == "grid":
            return tuple(len(a) for a in self.axes)
        return (len(self),)

    def overrides(self, i: int) -> dict[str, float]:
        """Variant ``i`` as ``{key path: value}``."""
        return {k: float(v) for k, v in zip(self.keys, self.values[i], strict=True)}

    @property
    def hash(self) -> str:
        """A sha256 of the design's kind, keys and the exact bytes of its values."""
        h = hashlib.sha256()
        h.update(json.dumps([self.kind, list(self.keys)]).encode())
        h.update(np.ascontiguousarray(self.values, dtype="<f8").tobytes())
        return h.hexdigest()


# -- key paths ---------------------------------------------------------------------
def check_key(key: str, where: str = "sweep") -> str:
    """Validate a key path a sweep or uncertainty may vary; return it.

    Raises
    ------
    ScenarioError
        If it is not a parameter's key path of the article's game (with the closest one).
    """
    problem = variable_key_problem(key)
    if problem is not None:
        raise ScenarioError(where, problem, key_path=key)
    return key


def check_values(keys: Sequence[str], values: FloatArray, where: str = "sweep") -> None:
    """Check every column of ``values`` lies in its key's range (finite, within bounds).

    Raises
    ------
    ScenarioError
        Naming the key, the range and the offending value.
    """
    for k, key in enumerate(keys):
        col = values[:, k]
        if col.size == 0:
            continue
        if not np.all(np.isfinite(col)):
            raise ScenarioError(where, "values must be finite numbers", key_path=key)
        lo, hi = value_range(key)
        for x in (float(col.min()), float(col.max())):
            if not lo <= x <= hi:
                raise ScenarioError(
                    where, f"{key} lies in [{lo:g}, {hi:g}], so {x:g} is outside it",
                    key_path=key,
                )


def base_value(scenario: Scenario, key: str) -> float:
    """The value (per month) the key path ``key`` has in ``scenario`` (defaults filled in)."""
    return float(getattr(scenario.article_parameters(), PARAMETER_KEYS[check_key(key)]))


# -- grids -------------------------------------------------------------------------
def parse_param(text: str) -> tuple[str, Axis]:
    """Parse ``key.path=start:stop:num`` (the CLI's ``--param``).

    Raises
    ------
    ScenarioError
        On a malformed item, an unknown key path or a bad axis.
    """
    label = f"--param {text}"
    key, sep, spec = text.partition("=")
    key = key.strip()
    parts = spec.split(":")
    if not sep or not key or len(parts) != 3:
        raise ScenarioError(
            label, "expected key.path=start:stop:num, e.g. payoffs.gulf_incentive=0:10:21"
        )
    check_key(key, label)
    try:
        start, stop = float(parts[0]), float(parts[1])
        num = int(parts[2])
    except ValueError:
        raise ScenarioError(
            label, "start and stop must be numbers and num an integer", key_path=key
        ) from None
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ScenarioError(label, "start and stop must be finite", key_path=key)
    if num < 2 or start == stop:
        raise ScenarioError(label, "an axis needs num >= 2 and start != stop", key_path=key)
    if num > MAX_AXIS_POINTS:
        raise ScenarioError(
            label, f"an axis has at most {MAX_AXIS_POINTS:,} points, got {num:,}", key_path=key
        )
    check_values([key], np.array([[start], [stop]]), label)
    return key, Axis(start=start, stop=stop, num=num)


def grid_design(axes: Mapping[str, Axis] | Sequence[tuple[str, Axis]]) -> Design:
    """Every combination of one or two axes (``numpy.linspace(start, stop, num)`` each).

    Raises
    ------
    ScenarioError
        On zero or more than two axes, a repeated or unknown key, or a value out of range.
    """
    items = list(axes.items()) if isinstance(axes, Mapping) else list(axes)
    keys = tuple(k for k, _ in items)
    if not 1 <= len(items) <= 2:
        raise ScenarioError("sweep", f"a sweep varies one or two key paths, got {len(items)}")
    if len(set(keys)) != len(keys):
        raise ScenarioError("sweep", "the same key path is swept twice", key_path=keys[0])
    for k in keys:
        check_key(k)
    grids = tuple(np.linspace(a.start, a.stop, a.num) for _, a in items)
    mesh = np.meshgrid(*grids, indexing="ij")
    values = np.stack([m.reshape(-1) for m in mesh], axis=1)
    check_values(keys, values)
    return Design("grid", keys, values, axes=grids)


def scenario_sweep(scenario: Scenario, name: str | None = None) -> Design:
    """The grid of the scenario's ``sweeps:`` entry ``name`` (default: the first).

    Raises
    ------
    ScenarioError
        If the scenario has no sweeps, or none of that name.
    """
    if not scenario.sweeps:
        raise ScenarioError(
            scenario.source or scenario.name, "the scenario has no sweeps: section; pass --param"
        )
    if name is None:
        sweep = scenario.sweeps[0]
    else:
        found = [s for s in scenario.sweeps if s.name == name]
        if not found:
            names = ", ".join(s.name for s in scenario.sweeps)
            raise ScenarioError(
                scenario.source or scenario.name, f"no sweep named {name!r}; sweeps: {names}"
            )
        sweep = found[0]
    design = grid_design(sweep.params)
    return Design("grid", design.keys, design.values, axes=design.axes, meta={"name": sweep.name})


# -- Monte Carlo -------------------------------------------------------------------
def _uncertain(scenario: Scenario) -> dict[str, Distribution]:
    if scenario.uncertainty is None or not scenario.uncertainty.parameters:
        raise ScenarioError(
            scenario.source or scenario.name,
            "the scenario has no uncertainty: distributions to draw from",
        )
    return dict(sorted(scenario.uncertainty.parameters.items()))


def frozen(d: Distribution) -> Any:
    """``d`` as a frozen :mod:`scipy.stats` distribution, or a float when it has no spread
    (``low == high``, ``sd == 0``), before any clipping to ``[low, high]``.

    uniform(low, high): ``scipy.stats.uniform(low, high - low)``; triangular(low, mode,
    high): ``scipy.stats.triang((mode - low) / (high - low), low, high - low)``;
    normal(mean, sd): ``scipy.stats.norm(mean, sd)``; lognormal(mean, sd) of the log:
    ``scipy.stats.lognorm(sd, scale=exp(mean))``.
    """
    from scipy import stats

    if d.dist in ("uniform", "triangular"):
        assert d.low is not None and d.high is not None
        width = d.high - d.low
        if width == 0:
            return float(d.low)
        if d.dist == "uniform":
            return stats.uniform(loc=d.low, scale=width)
        assert d.mode is not None
        return stats.triang((d.mode - d.low) / width, loc=d.low, scale=width)
    assert d.mean is not None and d.sd is not None
    if d.dist == "normal":
        return float(d.mean) if d.sd == 0 else stats.norm(loc=d.mean, scale=d.sd)
    if d.sd == 0:
        return math.exp(d.mean)
    return stats.lognorm(d.sd, scale=math.exp(d.mean))


def _clip(x: Any, d: Distribution) -> Any:
    lo = -np.inf if d.low is None else d.low
    hi = np.inf if d.high is None else d.high
    return np.clip(x, lo, hi)


def draw(d: Distribution, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` draws of one distribution from ``rng`` (normal and lognormal clipped to
    [low, high] if given), by the frozen distribution's ``rvs`` (:func:`frozen`)."""
    dist = frozen(d)
    if isinstance(dist, float):
        return np.asarray(_clip(np.full(n, dist), d), dtype=np.float64)
    return np.asarray(_clip(dist.rvs(size=n, random_state=rng), d), dtype=np.float64)


def monte_carlo_design(scenario: Scenario, draws: int | None = None) -> Design:
    """``draws`` (default ``uncertainty.draws``) joint draws of the uncertain keys.

    Keys are drawn in sorted order, each as one vector of ``draws`` values from
    ``numpy.random.default_rng(scenario.seed)``, so the design depends only on the
    scenario (and ``draws``).

    Raises
    ------
    ScenarioError
        If the scenario has no uncertainty, or a draw leaves a key's range (e.g. an
        unclipped normal on a share).
    """
    dists = _uncertain(scenario)
    assert scenario.uncertainty is not None
    n = scenario.uncertainty.draws if draws is None else int(draws)
    if n < 1:
        raise ScenarioError("montecarlo", f"draws must be at least 1, got {n}")
    rng = np.random.default_rng(scenario.seed)
    keys = tuple(dists)
    values = np.stack([draw(dists[k], n, rng) for k in keys], axis=1)
    check_values(keys, values, "uncertainty")
    return Design("montecarlo", keys, values, meta={"seed": scenario.seed, "draws": n})


# -- sensitivity --------------------------------------------------------------------
def quantile(d: Distribution, q: float) -> float:
    """The ``q``-quantile of a distribution (normal and lognormal: clipped to [low, high]):
    the frozen distribution's ``ppf`` (:func:`frozen`). Clipping a draw and taking a
    quantile commute, so these are the quantiles of what :func:`draw` samples."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must lie in [0, 1], got {q}")
    dist = frozen(d)
    x = dist if isinstance(dist, float) else float(dist.ppf(q))
    return float(_clip(x, d))


def sensitivity_design(
    scenario: Scenario, quantiles: tuple[float, float] = SENSITIVITY_QUANTILES
) -> Design:
    """One-at-a-time design: the base scenario, then each uncertain key at its low and
    high end (``quantiles`` of its distribution), the others at the base values.

    Variant 0 is the base scenario (labelled ``("", "base")``); variants ``1 + 2k`` and
    ``2 + 2k`` are key ``k`` (sorted) at its low and high end.

    Raises
    ------
    ScenarioError
        If the scenario has no uncertainty or an end lies outside a key's range.
    """
    dists = _uncertain(scenario)
    keys = tuple(dists)
    base = np.array([base_value(scenario, k) for k in keys])
    rows = [base.copy()]
    labels: list[tuple[str, str]] = [("", "base")]
    for k, key in enumerate(keys):
        for end, q in zip(("low", "high"), quantiles, strict=True):
            row = base.copy()
            row[k] = quantile(dists[key], q)
            rows.append(row)
            labels.append((key, end))
    values = np.stack(rows)
    check_values(keys, values, "uncertainty")
    return Design(
        "sensitivity", keys, values, labels=tuple(labels), meta={"quantiles": list(quantiles)}
    )


__all__ = [
    "SENSITIVITY_QUANTILES",
    "Design",
    "base_value",
    "check_key",
    "check_values",
    "draw",
    "grid_design",
    "monte_carlo_design",
    "parse_param",
    "quantile",
    "scenario_sweep",
    "sensitivity_design",
]
