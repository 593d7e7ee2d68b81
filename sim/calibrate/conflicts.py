"""Whether the constraints admit any calibration, and if not, which few of them conflict.

:func:`find_supported` maximises the smallest constraint margin (each margin divided by its
spread over the box, so constraints weigh alike) over the box of bounds: the best of a
random start set, polished by SLSQP on the epigraph form ``max t s.t. m_k(x) >= t``, with
the gradients by forward differences evaluated as one batch. A positive optimum is a
supported calibration; a negative one means no calibration was found (the search is local:
the conflict reported is what it could find, not a proof).

:func:`minimal_conflict` shrinks an unsatisfiable set to an irreducible one by the deletion
filter (Chinneck and Dravnieks 1991, "Locating minimal infeasible constraint sets in linear
programs", ORSA J. Computing 3(2)): drop each constraint in turn and keep it dropped when
the rest still admit nothing. It starts from the constraints that bind at the maximin
optimum, so it usually tests only a few.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from sim.article.parameters import FloatArray
from sim.calibrate.constraints import ConstraintLedger
from sim.calibrate.sampler import Space
from sim.errors import HedgesimError

#: Random starts of the maximin search; the best few are polished.
STARTS = 2048
POLISH = 3
STEP = 1e-6


class InfeasibleLedgerError(HedgesimError):
    """The constraints admit no calibration within the bounds."""

    def __init__(self, path: str, conflict: tuple[str, ...], detail: str) -> None:
        self.conflict = conflict
        super().__init__(
            f"{path}: the constraints admit no calibration within the bounds; the smallest "
            f"conflicting set found is {', '.join(conflict)} ({detail})"
        )


def _scales(ledger: ConstraintLedger, space: Space, rng: np.random.Generator) -> FloatArray:
    m = ledger.margins(space.params(rng.random((256, space.dim))))
    spread = m.std(axis=0)
    return np.where(spread > 0, spread, 1.0)


def maximin(ledger: ConstraintLedger, space: Space, seed: int = 0) -> tuple[float, FloatArray]:
    """The largest smallest normalised margin found, and where (unit coordinates)."""
    if not ledger.constraints:
        return float("inf"), space.unit(space.base)[0]
    rng = np.random.default_rng(seed)
    scale = _scales(ledger, space, rng)

    def margins(u: FloatArray) -> FloatArray:
        return ledger.margins(space.params(np.atleast_2d(u))) / scale

    starts = np.concatenate([space.unit(space.base), rng.random((STARTS, space.dim))])
    start_min = margins(starts).min(axis=1)
    best_t, best_u = float(start_min.max()), starts[int(np.argmax(start_min))]
    dim = space.dim
    cache: dict[bytes, tuple[FloatArray, FloatArray]] = {}

    def value_and_jac(z: FloatArray) -> tuple[FloatArray, FloatArray]:
        key = z.tobytes()
        if key not in cache:
            u = np.clip(z[:dim], 0.0, 1.0)
            pts = np.vstack([u, u + STEP * np.eye(dim)])
            m = margins(pts)
            jac = (m[1:] - m[0]).T / STEP  # (K, D)
            cache.clear()
            cache[key] = (m[0] - z[dim], np.hstack([jac, -np.ones((len(m[0]), 1))]))
        return cache[key]

    for k in np.argsort(-start_min)[:POLISH]:
        z0 = np.append(starts[k], start_min[k])
        res = minimize(
            lambda z: -z[dim], z0, jac=lambda z: np.eye(dim + 1)[dim] * -1.0, method="SLSQP",
            bounds=[(0.0, 1.0 - STEP)] * dim + [(None, None)],
            constraints=[{"type": "ineq", "fun": lambda z: value_and_jac(z)[0],
                          "jac": lambda z: value_and_jac(z)[1]}],
            options={"maxiter": 100},
        )  # fmt: skip
        u = np.clip(res.x[:dim], 0.0, 1.0)
        t = float(margins(u).min())
        if t > best_t:
            best_t, best_u = t, u
    return best_t, best_u


def find_supported(ledger: ConstraintLedger, space: Space) -> FloatArray | None:
    """A supported calibration's unit coordinates, or ``None`` if the search finds none."""
    t, u = maximin(ledger, space)
    if t > 0 and ledger.satisfied(space.params(u[None, :])).all():
        return u
    return None


def minimal_conflict(ledger: ConstraintLedger, space: Space) -> tuple[str, ...]:
    """An irreducible set of constraint ids that admits nothing (module docstring)."""
    t, u = maximin(ledger, space)
    margins = ledger.margins(space.params(u[None, :]))[0]
    order = np.argsort(margins)
    ids = list(ledger.ids())
    # start from the constraints that bind at the optimum, growing until they conflict
    candidate: list[str] = []
    for k in order:
        candidate.append(ids[k])
        if len(candidate) >= 2 and find_supported(ledger.subset(candidate), space) is None:
            break
    else:
        candidate = ids
    keep = list(candidate)
    for cid in list(candidate):
        trial = [c for c in keep if c != cid]
        if trial and find_supported(ledger.subset(trial), space) is None:
            keep = trial
    return tuple(c for c in ids if c in keep)


def infeasible_error(ledger: ConstraintLedger, space: Space) -> InfeasibleLedgerError:
    conflict = minimal_conflict(ledger, space)
    by_id = {c.id: c for c in ledger.constraints}
    detail = "; ".join(f"{cid}: {by_id[cid].holds}" for cid in conflict)
    return InfeasibleLedgerError(ledger.path, conflict, detail)
