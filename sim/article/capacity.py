"""Regime capacity, the threat, the patrons, and the collapse hazard.

Regime capacity ``K`` in [0, 1] is a state variable. In a round played at profile ``a`` it
moves by::

    K' = clip(K + recovery * f(a) - hollowing * (1 - f(a))
              - escalation_erosion * [Israel escalates] * (align factor if Syria aligned)
              - sanctions_erosion * [Gulf isolates], 0, 1)

where ``f(a) = min(1, money(a) / funding_need)`` is the share of its forces' needs the regime
can pay from the money it receives as delivered (Iranian aid and fuel, Gulf incentives):
the money keeps the regime in power (C10), and its absence hollows the army.

The threat ``s >= 0`` and the patrons' capacities ``c_iran``, ``c_russia`` in [0, 1] are
exogenous round data (:mod:`sim.article.timeline`). Delivered support is
``d_j = min(w_j, c_j)``; the round's collapse hazard is::

    h = 1 - exp(-lambda * max(0, s - K - gamma_iran d_iran - gamma_russia d_russia))

It reads the regime's capacity at the start of the round and the profile (through
``d_iran``); after the round's payoffs, the regime falls with probability ``h`` and the game
moves to the absorbing collapsed state.
"""

from __future__ import annotations

import numpy as np

from sim.article.actors import SHAPE
from sim.article.grid import split
from sim.article.parameters import FloatArray, Parameters
from sim.article.terms import (
    G,
    L,
    RoundData,
    S,
    coef,
    delivered_iran,
    delivered_russia,
    money_received,
)

#: The rules of this module a claim can be encoded in (``capacity:<rule>`` in the ledger):
#: money funding the regime, hollowing without it, erosion by strikes and sanctions,
#: patrons' protection against the threat.
RULES: frozenset[str] = frozenset({"funding", "hollowing", "erosion", "protection"})


def funding(params: Parameters, rnd: RoundData) -> FloatArray:
    """``f(a) = min(1, money(a) / funding_need)`` per profile, ``(*batch, *SHAPE)``."""
    return np.asarray(
        np.minimum(1.0, money_received(params, rnd) / coef(params.funding_need)),
        dtype=np.float64,
    )


def capacity_change(params: Parameters, rnd: RoundData) -> FloatArray:
    """The unclipped change of ``K`` per profile, ``(*batch, *SHAPE)``."""
    f = funding(params, rnd)
    factor = 1.0 + (coef(params.escalation_align_factor) - 1.0) * S["align"]
    return np.asarray(
        coef(params.capacity_recovery) * f
        - coef(params.capacity_hollowing) * (1.0 - f)
        - coef(params.escalation_erosion) * L["escalate"] * factor
        - coef(params.sanctions_erosion) * G["isolate"],
        dtype=np.float64,
    )


def capacity_kernel(params: Parameters, rnd: RoundData, grid: FloatArray) -> FloatArray:
    """``(*batch, K, *SHAPE, K')``: capacity at grid point ``k`` moves to ``k'`` under each
    profile (the new value clipped to [0, 1] and split on the grid; ``grid`` ``(K,)`` or one
    per calibration ``(*batch, K)``)."""
    change = capacity_change(params, rnd)  # (*batch, *SHAPE)
    k = np.asarray(grid, dtype=np.float64)[..., None, None, None, None]
    new = np.clip(k + change[..., None, :, :, :, :], 0.0, 1.0)
    return split(new, grid)


def protection(params: Parameters, rnd: RoundData) -> FloatArray:
    """``gamma_iran d_iran + gamma_russia d_russia`` per profile, ``(*batch, *SHAPE)`` (or
    fewer profile axes where it does not vary): the threat the patrons' delivered support
    covers."""
    return np.asarray(
        coef(params.protection_iran) * delivered_iran(params, rnd)
        + coef(params.protection_russia) * delivered_russia(params, rnd),
        dtype=np.float64,
    )


def uncovered_threat(params: Parameters, rnd: RoundData, capacity: FloatArray) -> FloatArray:
    """``max(0, s - K - gamma_iran d_iran - gamma_russia d_russia)`` for capacity values
    ``(K,)`` or ``(*batch, K)``: ``(*batch, K, *SHAPE)``."""
    cover = protection(params, rnd)
    threat = coef(rnd.threat)
    k = np.asarray(capacity, dtype=np.float64)[..., None, None, None, None]
    gap = threat[..., None, :, :, :, :] - k - cover[..., None, :, :, :, :]
    return np.asarray(np.broadcast_to(np.maximum(0.0, gap), gap.shape[:-4] + SHAPE))


def hazard(params: Parameters, rnd: RoundData, capacity: FloatArray) -> FloatArray:
    """The round's collapse probability per capacity value and profile,
    ``(*batch, len(capacity), *SHAPE)``."""
    rate = coef(params.hazard_rate)[..., None, :, :, :, :]
    return np.asarray(-np.expm1(-rate * uncovered_threat(params, rnd, capacity)))
