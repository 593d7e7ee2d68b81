"""The article's stage games in bulk: built from the round's coefficients, and their pure
equilibria found without keeping their payoffs.

:func:`payoffs` is how :mod:`sim.article.build` fills a round's payoffs: the affine map of
:mod:`sim.article.terms` (``u = A + sum_j B_j p_j + H h``) over many states, run by the
compiled loop of :mod:`sim.article.stage_kernel` from :data:`COMPILED_FROM` states on (below
that, numpy's :func:`sim.article.terms.stage_payoffs`, so that small games never compile or
import numba); both perform the same floating-point operations in the same order, so they
agree bit for bit. :meth:`RoundStageGames.pure_equilibria` builds each state's game from its
beliefs and regime capacity (the hazard too) and marks its pure equilibria in one compiled
pass, with the comparisons of :func:`sim.equilibria.pure_equilibrium_mask`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.article import capacity as article_capacity
from sim.article import terms
from sim.article.actors import PLAYERS, SHAPE
from sim.article.parameters import FloatArray, Parameters
from sim.errors import GameError

#: States from which :func:`payoffs` runs compiled: about where the compiled loop starts
#: to pay for its call (and a run of a few hundred states never imports numba for it).
COMPILED_FROM = 2048

_PROFILES = int(np.prod(SHAPE))


def _flat(coefs: terms.PayoffCoefficients) -> tuple[FloatArray, FloatArray, FloatArray, Any]:
    n = len(PLAYERS)
    constant = np.ascontiguousarray(coefs.constant, dtype=np.float64).reshape(n, _PROFILES)
    belief = np.ascontiguousarray(coefs.belief, dtype=np.float64).reshape(3, n, _PROFILES)
    hazard = np.ascontiguousarray(coefs.hazard, dtype=np.float64).reshape(n, _PROFILES)
    return constant, belief, hazard, np.array([bool(np.any(row)) for row in hazard])


def payoffs(
    coefs: terms.PayoffCoefficients,
    beliefs: FloatArray,
    hazard: FloatArray,
    row_of: npt.NDArray[np.intp] | None = None,
    *,
    compiled: bool | None = None,
) -> FloatArray:
    """Stage payoffs of many states, ``(N, n_players, *SHAPE)``.

    Parameters
    ----------
    coefs
        The round's :func:`sim.article.terms.coefficients` (one calibration).
    beliefs
        ``(N, 3)`` each state's beliefs in :data:`sim.article.actors.COUNTERPARTS` order.
    hazard
        ``(R, *SHAPE)`` the collapse hazard per profile at ``R`` capacity values.
    row_of
        ``(N,)`` each state's row of ``hazard`` (default: row ``s`` for state ``s``).
    compiled
        Force the compiled loop (``True``) or numpy (``False``); default: compiled from
        :data:`COMPILED_FROM` states on. The two give the same bits.
    """
    count = beliefs.shape[0]
    rows = np.arange(count) if row_of is None else np.asarray(row_of, dtype=np.intp)
    if compiled is None:
        compiled = count >= COMPILED_FROM
    if not compiled:
        return terms.stage_payoffs(coefs, beliefs, hazard[rows])
    from sim.article import stage_kernel

    constant, belief, hazard_coef, hazard_rows = _flat(coefs)
    out = np.empty((count, len(PLAYERS), _PROFILES))
    stage_kernel.build(constant, belief, hazard_coef, hazard_rows,
                       np.ascontiguousarray(beliefs, dtype=np.float64),
                       np.ascontiguousarray(hazard, dtype=np.float64).reshape(-1, _PROFILES),
                       rows, out)  # fmt: skip
    return out.reshape((count, len(PLAYERS)) + SHAPE)


@dataclass(frozen=True, eq=False)
class RoundStageGames:
    """One round's stage games of one calibration as data: the affine map's coefficient
    arrays and the collapse hazard's inputs (read off the terms once: :meth:`of`). A state
    (beliefs, regime capacity) then gives its stage game (:meth:`payoffs`) or the game's
    pure equilibria (:meth:`pure_equilibria`)."""

    params: Parameters
    rnd: terms.RoundData
    coefficients: terms.PayoffCoefficients
    covers: FloatArray  # (U,) the distinct protections by the patrons' delivered support
    cover_of: npt.NDArray[np.intp]  # (P,) each profile's

    @classmethod
    def of(cls, params: Parameters, rnd: terms.RoundData | None = None) -> RoundStageGames:
        """The round with data ``rnd`` (default: the parameters' resting values)."""
        if params.batch_shape:
            raise GameError("RoundStageGames takes one calibration, not a batch")
        rnd = terms.RoundData.at_rest(params) if rnd is None else rnd
        cover = np.broadcast_to(article_capacity.protection(params, rnd), SHAPE).reshape(-1)
        covers, cover_of = np.unique(cover, return_inverse=True)
        return cls(params, rnd, terms.coefficients(params, rnd), covers,
                   cover_of.astype(np.intp).reshape(-1))  # fmt: skip

    def payoffs(self, beliefs: FloatArray, capacity: FloatArray) -> FloatArray:
        """``(N, n_players, *SHAPE)``: the stage games of states with ``beliefs`` ``(N, 3)``
        and regime ``capacity`` ``(N,)`` (the hazard by :func:`sim.article.capacity.hazard`,
        then :func:`payoffs`)."""
        hazard = article_capacity.hazard(self.params, self.rnd, np.asarray(capacity).reshape(-1))
        return payoffs(self.coefficients, beliefs, hazard)

    def pure_equilibria(
        self, beliefs: FloatArray, capacity: FloatArray, tol: float = 0.0
    ) -> npt.NDArray[np.bool_]:
        """``(N, *SHAPE)``: the pure equilibria of the stage games of states with
        ``beliefs`` ``(N, 3)`` and regime ``capacity`` ``(N,)``, each game built and
        enumerated in one compiled pass and never stored.

        The mask of :func:`sim.equilibria.pure_equilibrium_mask` (``tol`` as there) on
        :meth:`payoffs`, except where the hazard's ``expm1`` (the C library's here, numpy's
        there) differs in the last bit and a comparison sits exactly on that bit.
        """
        if not (np.isfinite(tol) and tol >= 0):
            raise GameError(f"tolerance must be a finite number >= 0, got {tol}")
        constant, belief, hazard_coef, hazard_rows = _flat(self.coefficients)
        belief_rows = np.array([[bool(np.any(belief[j, i])) for i in range(len(PLAYERS))]
                                for j in range(3)])  # fmt: skip
        beliefs = np.ascontiguousarray(beliefs, dtype=np.float64)
        capacity = np.ascontiguousarray(capacity, dtype=np.float64).reshape(-1)
        count = beliefs.shape[0]
        threat = float(np.asarray(self.rnd.threat))
        rate = float(np.asarray(self.params.hazard_rate))
        # Every payoff is finite when this bound is (the kernel does not check them one by
        # one; the hazard is monotone in the uncovered threat, so its extremes bound it);
        # otherwise the games are built and enumerated the long way, which names the first
        # game with a payoff that is not finite.
        with np.errstate(all="ignore"):
            gaps = np.array([threat - capacity.max(initial=0.0) - self.covers.max(),
                             threat - capacity.min(initial=0.0) - self.covers.min()])  # fmt: skip
            hz = np.abs(-np.expm1(-rate * np.maximum(0.0, gaps))).max()
            bound = np.abs(constant).max() + np.abs(hazard_coef).max() * hz
            for j in range(3):
                bound += np.abs(belief[j]).max() * np.abs(beliefs[:, j]).max(initial=0.0)
        if not (np.isfinite(bound) and bound < 1e300):
            from sim.equilibria import pure_equilibrium_mask

            return pure_equilibrium_mask(self.payoffs(beliefs, capacity), tol, batched=True)
        from sim.article import stage_kernel

        mask = np.zeros((count, _PROFILES), dtype=np.bool_)
        stage_kernel.pure_equilibria(
            constant, belief, belief_rows, hazard_coef, hazard_rows, threat, rate,
            self.covers, self.cover_of, beliefs, capacity, np.array(SHAPE, dtype=np.int64),
            float(tol), mask,
        )  # fmt: skip
        return mask.reshape((count,) + SHAPE)
