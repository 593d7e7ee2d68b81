"""Thresholds the article's argument turns on.

- :func:`realign_thresholds` (fact F4): the Gulf/Western offer above which realigning beats
  hedging, in the round's stage game at given beliefs (capacities at rest, no hazard): as a
  one-sided deviation (Syria's realign against the others' selected play) and as the offer
  at which an equilibrium with Syria realigning appears. Both come from the terms alone.
- :func:`sustainability` (the first model's third horizon, recast on the engine): for each
  counterpart, the least patience (its own discount factor, the others' held) with which the
  Markov-perfect equilibrium still has Syria hedging for sure in round 0.

Thresholds are found by a scan then bisection to :data:`SEARCH_TOL`; a threshold that sits
within it of a tie is reported with ``tie=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.article import terms
from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS, SYRIA
from sim.article.parameters import Parameters, stack
from sim.equilibria import pure_equilibrium_mask, select, solve
from sim.game import NormalFormGame

#: Bisection stops when the bracket is this narrow (relative to 1 + |threshold|).
SEARCH_TOL = 1e-9
SYRIA_I = PLAYERS.index(SYRIA)
REALIGN = ACTIONS[SYRIA].index("realign")
HEDGE = ACTIONS[SYRIA].index("hedge")


def stage_game(params: Parameters, beliefs: Mapping[str, float] | None = None) -> NormalFormGame:
    """The round's stage game (no continuation values) at ``beliefs`` (default: the
    priors), capacities at rest and no hazard."""
    beliefs = dict(beliefs or {cp: float(getattr(params, f"prior_{cp}")) for cp in COUNTERPARTS})
    payoffs = terms.reference_payoffs(params, terms.RoundData.at_rest(params), beliefs, 0.0)
    return NormalFormGame(payoffs, PLAYERS, tuple(ACTIONS[p] for p in PLAYERS), "stage game")


def selected_profile(game: NormalFormGame) -> tuple[np.ndarray, ...]:
    """The stage game's equilibrium the first model would select (Syria-optimal)."""
    found = solve(game, "auto").equilibria
    return select(found, "player-optimal", focal_player=SYRIA_I).profile


def _bisect(pred: Callable[[float], bool], lo: float, hi: float) -> float:
    """The boundary between ``pred(lo) = False`` and ``pred(hi) = True``."""
    while hi - lo > SEARCH_TOL * (1.0 + abs(hi)):
        mid = 0.5 * (lo + hi)
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _first_true(pred: Callable[[float], bool], grid: np.ndarray) -> float | None:
    ok = [pred(float(x)) for x in grid]
    if not any(ok):
        return None
    k = ok.index(True)
    if k == 0:
        return float(grid[0])
    return _bisect(pred, float(grid[k - 1]), float(grid[k]))


@dataclass(frozen=True)
class RealignThresholds:
    """F4's two thresholds on ``gulf_incentive`` (``None``: not within the search range).

    ``deviation``: above it Syria's realign beats its hedge against the others' play
    selected at the calibration's own offer. ``equilibrium``: from it on the stage game has
    a pure equilibrium in which Syria realigns.
    """

    deviation: float | None
    equilibrium: float | None


def realign_thresholds(
    params: Parameters,
    beliefs: Mapping[str, float] | None = None,
    upper: float = 100.0,
) -> RealignThresholds:
    """F4 in the stage game at ``beliefs`` (default the priors); see the module docstring."""
    reference = selected_profile(stage_game(params, beliefs))
    others = list(reference)

    def beats(g: float) -> bool:
        game = stage_game(params.replace(gulf_incentive=g), beliefs)
        values = game.action_values(SYRIA_I, tuple(others))
        return bool(values[REALIGN] > values[HEDGE] + 1e-12 * max(1.0, abs(values[HEDGE])))

    def appears(g: float) -> bool:
        game = stage_game(params.replace(gulf_incentive=g), beliefs)
        mask = pure_equilibrium_mask(game.payoffs, tol=1e-12, batched=False)
        return bool(mask[REALIGN].any())

    grid = np.linspace(0.0, upper, 101)
    return RealignThresholds(_first_true(beats, grid), _first_true(appears, grid))


@dataclass(frozen=True)
class Sustainability:
    """For each counterpart, the least discount factor of its own (the others held) with
    which the Markov-perfect equilibrium has Syria hedging for sure in round 0.

    ``threshold[j]``: 0.0 if hedging holds at every patience (it needs none of ``j``'s),
    ``None`` if at none in ``[0, upper]``; ``scan[j]``: the discount values tried and
    whether hedging held at each (the set need not be an interval: read the scan).
    """

    threshold: dict[str, float | None]
    scan: dict[str, list[tuple[float, bool]]]


def hedges_for_sure(strategy: np.ndarray, initial: np.ndarray) -> bool:
    """Whether round 0's strategies ``(S, n, M)`` have Syria hedge for sure in every state
    the initial distribution ``(S,)`` can start in."""
    start = initial > 0
    return bool(np.all(strategy[start, SYRIA_I, HEDGE] >= 1.0 - 1e-9))


def sustainability(
    params: Parameters,
    solve_batch: Callable[[Parameters, np.ndarray], Sequence[bool]],
    points: int = 8,
    upper: float = 0.99,
    refine: int = 2,
) -> Sustainability:
    """:class:`Sustainability` by a scan of ``points`` discount values per counterpart, each
    scan solved as one batch, then ``refine`` rounds of narrowing around the first change.

    ``solve_batch(calibrations, discounts)`` solves a batch (``discounts`` ``(B, 4)``, one
    row per game and player) and says for each game whether Syria hedges for sure in round 0
    (:func:`hedges_for_sure`); :mod:`sim.article.answers` supplies it.
    """
    base = float(params.discount)
    threshold: dict[str, float | None] = {}
    scans: dict[str, list[tuple[float, bool]]] = {}
    for cp in COUNTERPARTS:
        k = PLAYERS.index(cp)

        def run(values: np.ndarray, k: int = k) -> list[bool]:
            d = np.full((len(values), len(PLAYERS)), base)
            d[:, k] = values
            return list(solve_batch(stack([params] * len(values)), d))

        grid = np.linspace(0.0, upper, points)
        held = run(grid)
        scan = list(zip(grid.tolist(), held, strict=True))
        if all(held):
            threshold[cp] = 0.0
        elif not any(held):
            threshold[cp] = None
        else:
            last_bad = max(i for i, h in enumerate(held) if not h)
            if last_bad == len(held) - 1:
                threshold[cp] = None  # holds at low patience only: no least patience
            else:
                lo, hi = float(grid[last_bad]), float(grid[last_bad + 1])
                for _ in range(refine):
                    inner = np.linspace(lo, hi, points)
                    got = run(inner)
                    scan += list(zip(inner.tolist(), got, strict=True))
                    bad = [i for i, h in enumerate(got) if not h]
                    j = max(bad) if bad else 0
                    lo, hi = float(inner[j]), float(inner[min(j + 1, points - 1)])
                threshold[cp] = hi
        scans[cp] = sorted(scan)
    return Sustainability(threshold, scans)
