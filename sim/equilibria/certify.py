"""Certified solutions of the indifference system of one support (interval analysis).

When three or more players mix, the indifference conditions of a support are polynomial
(each player's conditions are multi-affine in the other players' probabilities), and their
solutions are in general irrational. They are found and certified here by interval
analysis, in floating point with rigorous error bounds, so no tolerance enters:

- **Range of a multi-affine function over a box**: a function affine in each variable
  separately takes its extreme values over a box at the box's vertices (it is affine along
  every edge), so the hull of the ``2^K`` vertex values is its exact range. Each value is
  computed with an a-priori bound on its rounding error (Higham, *Accuracy and Stability
  of Numerical Algorithms*, 2nd ed., 2002, ch. 3: a sum of ``T`` products of ``d`` factors
  is off by at most ``gamma_{T+d}`` times the sum of the absolute terms), taken eight
  times larger than the first-order bound.
- **Existence and uniqueness** (Krawczyk 1969; Moore, "A test for existence of solutions
  to nonlinear systems", *SIAM J. Numer. Anal.* 14, 1977; Neumaier, *Interval Methods for
  Systems of Equations*, 1990, thm. 5.1.7): with ``c`` the centre of a box ``X``, ``C``
  any matrix and ``J(X)`` an interval matrix enclosing the Jacobian over ``X``, if
  ``K(X) = c - C F(c) + (I - C J(X)) (X - c)`` lies in the interior of ``X``, then ``F``
  has exactly one zero in ``X``, and it lies in ``K(X)``.
- **Search** (:func:`subdivide`): boxes of the unit cube are discarded when some equation's
  range over the box cut to the simplices excludes zero (a function affine in each player's
  probabilities takes its extremes at products of the vertices of the players' polytopes),
  some off-support action is strictly better over the whole box, or the box misses the
  simplex; a box whose (slightly inflated) Krawczyk test succeeds holds exactly one
  solution; the others shrink to their intersection with ``K(X)`` (every solution in ``X``
  lies in ``K(X)``: the interval Newton step), or go if it is empty, and are split. A box
  narrower than :data:`MIN_WIDTH` is left *undecided*, and the caller reports the search as
  incomplete (this happens at singular solutions and continua, that is in degenerate games).

A certified solution is an equilibrium of the support when every probability is strictly
positive and every action outside the support is strictly worse, both decided on the
enclosure (:func:`decide`); a solution on which one of these holds with equality cannot be
decided numerically and is left to exact rational checks by the caller.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

from sim.game import FloatArray

U = 2.0**-53
#: Boxes narrower than this (in every coordinate) are not split further: left undecided.
#: Regular solutions are certified in boxes far wider; only singular solutions and
#: continua (degenerate games) reach it.
MIN_WIDTH = 2.0**-24
#: Most boxes alive at once in one support's search (memory: about ``2^K * K`` floats each).
MAX_BOXES = 4_000
#: Most boxes one support's search examines in all, before it gives up (undecided).
MAX_EXAMINED = 60_000
#: Split point of a box, as a share of its width: off-centre, so that rational solutions
#: with small denominators (1/2, 1/3) do not fall on the boundary between two boxes.
SPLIT = 2047.0 / 4096.0

Support = tuple[tuple[int, ...], ...]


class Decision(Enum):
    EQUILIBRIUM = "equilibrium"
    NOT = "not"
    UNDECIDED = "undecided"


def _up(x: npt.ArrayLike) -> FloatArray:
    return np.nextafter(np.asarray(x, dtype=np.float64), np.inf)


def _down(x: npt.ArrayLike) -> FloatArray:
    return np.nextafter(np.asarray(x, dtype=np.float64), -np.inf)


@dataclass(frozen=True)
class _Rows:
    """One player's rows: equation (indifference) and inequality (off-support) tensors over
    the other players' supports, in player order."""

    player: int
    others: tuple[int, ...]
    equations: FloatArray  # (k_i, *sizes of others)
    inequalities: FloatArray  # (m_i - |S_i|, *sizes of others)
    gamma: float


class SupportSystem:
    """The indifference equations and best-response inequalities of one support.

    Unknowns: for each player ``j`` the probabilities of ``support[j][1:]`` (the first
    action of the support takes the rest), ``K`` in all, in player order. Player ``i``'s
    equations say its support's actions earn as much as ``support[i][0]``; its inequalities
    that no other action earns more.
    """

    def __init__(self, payoffs: FloatArray, support: Support) -> None:
        self.support = support
        self.n = len(support)
        self.shape = tuple(int(m) for m in payoffs.shape[1:])
        self.k = [len(s) - 1 for s in support]
        self.offsets = [int(v) for v in np.cumsum([0, *self.k])]
        self.K = self.offsets[-1]
        rows = []
        for i in range(self.n):
            u = np.asarray(payoffs[i], dtype=np.float64)
            peak = float(np.max(np.abs(u))) if u.size else 0.0
            if peak > 2.0**1000:
                # An exact power-of-two scaling (it changes no condition) keeps the
                # differences below from overflowing.
                u = u * 2.0 ** -(np.frexp(peak)[1])
            block = u[np.ix_(*[np.arange(self.shape[j]) if j == i else np.asarray(support[j])
                               for j in range(self.n)])]  # fmt: skip
            block = np.moveaxis(block, i, 0)  # (m_i, *others)
            base = block[support[i][0]]
            eqs = block[list(support[i][1:])] - base if self.k[i] else block[:0] - base
            off = [a for a in range(self.shape[i]) if a not in support[i]]
            ineqs = block[off] - base if off else block[:0] - base
            terms = int(np.prod(base.shape)) if base.ndim else 1
            gamma = 8.0 * (terms + self.n + max(self.k) + 4) * U
            rows.append(
                _Rows(i, tuple(j for j in range(self.n) if j != i), eqs, ineqs, gamma)
            )
        self.rows = rows
        self.slopes = {
            which: np.concatenate(
                [2.0 * np.abs(t).reshape(t.shape[0], -1).sum(axis=1)
                 for r in rows
                 for t in [r.equations if which == "equations" else r.inequalities]
                 if t.shape[0]] or [np.zeros(0)]
            )
            for which in ("equations", "inequalities")
        }  # fmt: skip
        # Unknown index -> (player, position in its free actions).
        self.owner = [j for j in range(self.n) for _ in range(self.k[j])]

    # -- evaluation with error bounds --------------------------------------------------------
    def _probabilities(self, x: FloatArray) -> tuple[list[FloatArray], list[FloatArray]]:
        """Each player's probabilities on its support at points ``x`` ``(B, K)``, and bounds
        on their magnitudes including rounding (``|p| + error``)."""
        b = x.shape[0]
        ps, mags = [], []
        for j in range(self.n):
            k = self.k[j]
            if k == 0:
                one = np.ones((b, 1))
                ps.append(one)
                mags.append(one)
                continue
            xj = x[:, self.offsets[j] : self.offsets[j + 1]]
            base = 1.0 - xj.sum(axis=1)
            err = (k + 2) * U * (1.0 + np.abs(xj).sum(axis=1))
            ps.append(np.concatenate([base[:, None], xj], axis=1))
            mags.append(np.concatenate([(np.abs(base) + err)[:, None], np.abs(xj)], axis=1))
        return ps, mags

    @staticmethod
    def _contract(tensor: FloatArray, vectors: list[FloatArray]) -> FloatArray:
        """``tensor`` ``(R, d_1, ..., d_q)`` contracted with one ``(B, d_l)`` batch of
        vectors per axis, in order: ``(B, R)``."""
        if not vectors:
            return np.broadcast_to(tensor, (1, *tensor.shape)).copy()
        out = np.einsum("ra...,ba->br...", tensor, vectors[0])
        for v in vectors[1:]:
            out = np.einsum("bra...,ba->br...", out, v)
        return out

    def evaluate(self, x: FloatArray, which: str = "equations") -> tuple[FloatArray, FloatArray]:
        """Values ``(B, R)`` of every equation (``K`` rows) or inequality at points ``x``
        ``(B, K)``, and a rigorous bound on each value's rounding error."""
        ps, mags = self._probabilities(x)
        values, errors = [], []
        for r in self.rows:
            t = r.equations if which == "equations" else r.inequalities
            if t.shape[0] == 0:
                continue
            v = self._contract(t, [ps[j] for j in r.others])
            a = self._contract(np.abs(t), [mags[j] for j in r.others])
            if v.shape[0] != x.shape[0]:
                v = np.broadcast_to(v, (x.shape[0], v.shape[1]))
                a = np.broadcast_to(a, (x.shape[0], a.shape[1]))
            values.append(v)
            errors.append(r.gamma * a)
        if not values:
            empty = np.zeros((x.shape[0], 0))
            return empty, empty
        return np.concatenate(values, axis=1), np.concatenate(errors, axis=1)

    def jacobian(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The Jacobian ``(B, K, K)`` of the equations at points ``x`` and error bounds."""
        b = x.shape[0]
        ps, mags = self._probabilities(x)
        jac = np.zeros((b, self.K, self.K))
        err = np.zeros((b, self.K, self.K))
        for r in self.rows:
            if self.k[r.player] == 0:
                continue
            rows = slice(self.offsets[r.player], self.offsets[r.player + 1])
            for pos, j in enumerate(r.others):
                if self.k[j] == 0:
                    continue
                t = np.moveaxis(r.equations, 1 + pos, -1)  # (R, others but j..., d_j)
                rest = [ps[q] for q in r.others if q != j]
                rest_mag = [mags[q] for q in r.others if q != j]
                v = self._contract_keep_last(t, rest)  # (B, R, d_j)
                a = self._contract_keep_last(np.abs(t), rest_mag)
                cols = slice(self.offsets[j], self.offsets[j + 1])
                # d p_j(base) / d x_jt = -1, d p_j(t) / d x_jt = +1.
                jac[:, rows, cols] = v[:, :, 1:] - v[:, :, :1]
                err[:, rows, cols] = r.gamma * (a[:, :, 1:] + a[:, :, :1])
        return jac, err

    @staticmethod
    def _contract_keep_last(tensor: FloatArray, vectors: list[FloatArray]) -> FloatArray:
        if not vectors:
            return np.broadcast_to(tensor, (1, *tensor.shape)).copy()
        out = np.einsum("ra...,ba->br...", tensor, vectors[0])
        for v in vectors[1:]:
            out = np.einsum("bra...,ba->br...", out, v)
        return out

    # -- ranges over boxes -------------------------------------------------------------------
    def _vertices(self, lo: FloatArray, hi: FloatArray) -> FloatArray:
        corners = np.array(list(itertools.product((False, True), repeat=self.K)), dtype=bool)
        return np.where(corners[None], hi[:, None, :], lo[:, None, :])  # (B, 2^K, K)

    def _feasible_vertices(self, lo: FloatArray, hi: FloatArray) -> FloatArray:
        """Points ``(B, V, K)`` whose hull holds every vertex of each box cut to the
        simplices (``box_j`` and ``sum x_j <= 1`` for every player ``j``).

        A function affine in each player's block of probabilities takes its extremes over a
        product of polytopes at products of their vertices; a player's polytope has as
        vertices the box corners inside the simplex and the points where the box's edges
        cross ``sum x_j = 1``. Candidates outside are replaced by the box's lowest corner
        (inside, for every box :func:`subdivide` keeps).
        """
        b = lo.shape[0]
        per_player = []
        for j in range(self.n):
            k = self.k[j]
            if k == 0:
                continue
            sl = slice(self.offsets[j], self.offsets[j + 1])
            low, high = lo[:, sl], hi[:, sl]
            corners = np.array(list(itertools.product((False, True), repeat=k)), dtype=bool)
            pts = [np.where(corners[None], high[:, None, :], low[:, None, :])]  # (B, 2^k, k)
            for c in range(k):
                rest = [q for q in range(k) if q != c]
                sub = np.array(list(itertools.product((False, True), repeat=k - 1)),
                               dtype=bool).reshape(2 ** (k - 1), k - 1)  # fmt: skip
                edge = np.empty((b, sub.shape[0], k))
                edge[:, :, rest] = np.where(sub[None], high[:, None, rest], low[:, None, rest])
                edge[:, :, c] = 1.0 - edge[:, :, rest].sum(axis=2)
                inside = (edge[:, :, c] >= low[:, None, c]) & (edge[:, :, c] <= high[:, None, c])
                edge = np.where(inside[..., None], edge, low[:, None, :])
                pts.append(edge)
            cand = np.concatenate(pts, axis=1)
            ok = cand.sum(axis=2) <= 1.0
            per_player.append(np.where(ok[..., None], cand, low[:, None, :]))
        # Product over players of their candidate points.
        grids = np.meshgrid(*[np.arange(p.shape[1]) for p in per_player], indexing="ij")
        index = [g.reshape(-1) for g in grids]
        return np.concatenate([p[:, i] for p, i in zip(per_player, index, strict=True)], axis=2)

    def ranges(
        self, lo: FloatArray, hi: FloatArray, which: str
    ) -> tuple[FloatArray, FloatArray]:
        """Rigorous lower and upper bounds ``(B, R)`` of each equation or inequality over
        each box cut to the simplices (exact ranges of functions affine in each player's
        probabilities, widened by the rounding bound and, for the computed crossing points
        of the simplex, by a Lipschitz bound times their rounding)."""
        b = lo.shape[0]
        if b == 0:
            rows = self.evaluate(np.zeros((1, self.K)), which)[0].shape[1]
            return np.zeros((0, rows)), np.zeros((0, rows))
        pts = self._feasible_vertices(lo, hi)
        count = pts.shape[1]
        v, e = self.evaluate(pts.reshape(-1, self.K), which)
        v = v.reshape(b, count, v.shape[1])
        e = e.reshape(b, count, e.shape[1])
        # A crossing point is off by at most (k + 2) units of rounding per coordinate; the
        # function moves by at most 2 * sum|D| per unit of any coordinate.
        drift = self.slopes[which] * (self.K * (max(self.k) + 2) * U)
        return (
            _down((v - e).min(axis=1) - drift),
            _up((v + e).max(axis=1) + drift),
        )

    def jacobian_ranges(self, lo: FloatArray, hi: FloatArray) -> tuple[FloatArray, FloatArray]:
        b = lo.shape[0]
        pts = self._vertices(lo, hi).reshape(-1, self.K)
        j, e = self.jacobian(pts)
        j = j.reshape(b, -1, self.K, self.K)
        e = e.reshape(b, -1, self.K, self.K)
        return _down((j - e).min(axis=1)), _up((j + e).max(axis=1))

    # -- Krawczyk ------------------------------------------------------------------------------
    def krawczyk(
        self, lo: FloatArray, hi: FloatArray
    ) -> tuple[npt.NDArray[np.bool_], FloatArray, FloatArray]:
        """For boxes ``[lo, hi]`` ``(B, K)``: whether ``K(X)`` lies in the interior of
        ``X`` (then ``X`` holds exactly one solution), and ``K(X)`` intersected with ``X``."""
        b, k = lo.shape
        c = 0.5 * (lo + hi)
        r = _up(np.maximum(hi - c, c - lo))
        f, fe = self.evaluate(c, "equations")
        jlo, jhi = self.jacobian_ranges(lo, hi)
        jc = 0.5 * (jlo + jhi)
        jr = _up(np.maximum(jhi - jc, jc - jlo))
        ok = np.all(np.isfinite(jc), axis=(1, 2)) & np.all(np.isfinite(f), axis=1)
        inv = np.zeros_like(jc)
        for q in np.flatnonzero(ok):
            try:
                inv[q] = np.linalg.inv(jc[q])
            except np.linalg.LinAlgError:
                ok[q] = False
        ok &= np.all(np.isfinite(inv), axis=(1, 2))
        g = 8.0 * (k + 4) * U
        ac = np.abs(inv)
        cj = inv @ jc
        m_mag = np.abs(np.eye(k)[None] - cj) + ac @ jr + g * (ac @ np.abs(jc)) + 2 * U
        reach = (m_mag @ r[..., None])[..., 0] * (1 + g)
        cf = (inv @ f[..., None])[..., 0]
        cf_err = (ac @ fe[..., None])[..., 0] + g * (ac @ np.abs(f)[..., None])[..., 0]
        centre = c - cf
        rad = (reach + cf_err + g * (np.abs(c) + np.abs(cf))) * (1 + 2.0**-40)
        klo = _down(centre - rad)
        khi = _up(centre + rad)
        inside = ok & np.all((klo > lo) & (khi < hi), axis=1)
        return inside, np.maximum(klo, lo), np.minimum(khi, hi)

    def refine(
        self, lo: FloatArray, hi: FloatArray, steps: int = 12
    ) -> tuple[FloatArray, FloatArray]:
        """Shrink certified enclosures ``(B, K)`` by Krawczyk iterations ``X <- K(X) & X``
        (each still holds its solution)."""
        for _ in range(steps):
            _, nlo, nhi = self.krawczyk(lo, hi)
            if np.all((nhi - nlo) >= (hi - lo) * 0.999):
                lo, hi = nlo, nhi
                break
            lo, hi = nlo, nhi
        return lo, hi

    # -- deciding an enclosure -----------------------------------------------------------------
    def decide(self, lo: FloatArray, hi: FloatArray) -> list[Decision]:
        """For enclosures ``(B, K)`` of single solutions: is the solution an equilibrium
        with this support (probabilities > 0, off-support actions strictly worse), not one,
        or undecidable at this precision (a probability or a payoff gap is zero to
        rounding)?"""
        b = lo.shape[0]
        status = np.full(b, 0)  # 0 equilibrium so far, 1 not, 2 undecided
        for j in range(self.n):
            if self.k[j] == 0:
                continue
            sl = slice(self.offsets[j], self.offsets[j + 1])
            xl, xh = lo[:, sl], hi[:, sl]
            neg = np.any(xh < 0, axis=1)
            unsure = np.any(xl <= 0, axis=1)
            k = self.k[j]
            top = _up(xh.sum(axis=1) + k * U * np.abs(xh).sum(axis=1))
            bottom = _down(xl.sum(axis=1) - k * U * np.abs(xl).sum(axis=1))
            neg |= bottom > 1.0
            unsure |= top >= 1.0
            status = np.where(neg, 1, np.where(unsure & (status == 0), 2, status))
        if any(r.inequalities.shape[0] for r in self.rows):
            glo, ghi = self.ranges(lo, hi, "inequalities")
            worse = np.all(ghi < 0, axis=1)
            better = np.any(glo > 0, axis=1)
            status = np.where(better, 1, np.where(~worse & (status == 0), 2, status))
        names = {0: Decision.EQUILIBRIUM, 1: Decision.NOT, 2: Decision.UNDECIDED}
        return [names[int(s)] for s in status]

    def profile(self, x: FloatArray) -> tuple[FloatArray, ...]:
        """The full mixed profile at the free probabilities ``x`` ``(K,)``."""
        out = []
        for j, s in enumerate(self.support):
            v = np.zeros(self.shape[j])
            xj = x[self.offsets[j] : self.offsets[j + 1]]
            v[s[0]] = 1.0 - float(xj.sum())
            v[list(s[1:])] = xj
            out.append(v)
        return tuple(out)

    def free_coordinates(self, profile: tuple[FloatArray, ...]) -> FloatArray:
        return np.concatenate(
            [np.asarray(profile[j], dtype=np.float64)[list(s[1:])]
             for j, s in enumerate(self.support)]
        ) if self.K else np.zeros(0)  # fmt: skip


# -- the two uses: near a candidate, and over the whole simplex ----------------------------------


def certify_near(system: SupportSystem, x0: FloatArray) -> tuple[FloatArray, FloatArray] | None:
    """A certified enclosure of the unique solution near ``x0`` ``(K,)``, or ``None``.

    A few Newton steps polish ``x0`` first; then boxes of growing radius around it are
    tried with the Krawczyk test.
    """
    x = np.asarray(x0, dtype=np.float64).copy()
    for _ in range(8):
        f, _ = system.evaluate(x[None], "equations")
        j, _ = system.jacobian(x[None])
        try:
            step = np.linalg.solve(j[0], f[0])
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(step)):
            return None
        x = x - step
        if np.max(np.abs(step)) <= 1e-15 * max(1.0, float(np.max(np.abs(x)))):
            break
    for radius in (1e-13, 1e-10, 1e-7, 1e-4):
        lo, hi = _down(x - radius)[None], _up(x + radius)[None]
        inside, klo, khi = system.krawczyk(lo, hi)
        if inside[0]:
            rlo, rhi = system.refine(klo, khi)
            return rlo[0], rhi[0]
    return None


@dataclass(frozen=True)
class Search:
    """What :func:`subdivide` found: certified enclosures (one solution each, distinct),
    the inflated boxes in which each is the unique solution, and how many boxes were left
    undecided (zero means the search is complete)."""

    enclosures: list[tuple[FloatArray, FloatArray]]
    undecided: int


def subdivide(
    system: SupportSystem,
    check_time: Callable[[], None],
    max_boxes: int = MAX_BOXES,
) -> Search:
    """Every solution of ``system`` in the product of simplices, each certified unique in
    its box (see the module docstring); ``check_time`` is called once per round."""
    k = system.K
    lo = np.zeros((1, k))
    hi = np.ones((1, k))
    found_lo: list[FloatArray] = []
    found_hi: list[FloatArray] = []
    owners_lo: list[FloatArray] = []
    owners_hi: list[FloatArray] = []
    undecided = 0
    examined = 0
    while lo.shape[0]:
        check_time()
        examined += lo.shape[0]
        if lo.shape[0] > max_boxes or examined > MAX_EXAMINED:
            undecided += lo.shape[0]
            break
        keep = np.ones(lo.shape[0], dtype=bool)
        for j in range(system.n):
            if system.k[j]:
                sl = slice(system.offsets[j], system.offsets[j + 1])
                keep &= _down(lo[:, sl].sum(axis=1)) <= 1.0
        lo, hi = lo[keep], hi[keep]
        if not lo.shape[0]:
            break
        elo, ehi = system.ranges(lo, hi, "equations")
        keep = np.all((elo <= 0) & (ehi >= 0), axis=1)
        if any(r.inequalities.shape[0] for r in system.rows):
            glo, _ = system.ranges(lo[keep], hi[keep], "inequalities")
            sub = np.flatnonzero(keep)
            keep[sub[np.any(glo > 0, axis=1)]] = False
        lo, hi = lo[keep], hi[keep]
        if not lo.shape[0]:
            break
        width = hi - lo
        grow = 0.05 * width
        ilo, ihi = _down(lo - grow), _up(hi + grow)
        small = np.max(width, axis=1) <= 0.25
        certified = np.zeros(lo.shape[0], dtype=bool)
        if np.any(small):
            idx = np.flatnonzero(small)
            inside, klo, khi = system.krawczyk(ilo[idx], ihi[idx])
            certified[idx[inside]] = True
            if np.any(inside):
                rlo, rhi = system.refine(klo[inside], khi[inside])
                found_lo += list(rlo)
                found_hi += list(rhi)
                owners_lo += list(ilo[idx[inside]])
                owners_hi += list(ihi[idx[inside]])
            # Every solution in a box lies in K(X) of any box X around it (the interval
            # Newton property), so the others shrink to X & K(X'), or go if that is empty.
            rest_idx = idx[~inside]
            nlo = np.maximum(lo[rest_idx], klo[~inside])
            nhi = np.minimum(hi[rest_idx], khi[~inside])
            empty = np.any(nlo > nhi, axis=1)
            certified[rest_idx[empty]] = True  # nothing left to search there
            keep_idx = rest_idx[~empty]
            lo[keep_idx], hi[keep_idx] = nlo[~empty], nhi[~empty]
            width = hi - lo
        rest = ~certified
        lo, hi, width = lo[rest], hi[rest], width[rest]
        tiny = np.max(width, axis=1) < MIN_WIDTH
        undecided += int(tiny.sum())
        lo, hi, width = lo[~tiny], hi[~tiny], width[~tiny]
        if not lo.shape[0]:
            break
        axis = np.argmax(width, axis=1)
        rows = np.arange(lo.shape[0])
        cut = lo[rows, axis] + SPLIT * width[rows, axis]
        left_hi = hi.copy()
        left_hi[rows, axis] = cut
        right_lo = lo.copy()
        right_lo[rows, axis] = cut
        lo = np.concatenate([lo, right_lo])
        hi = np.concatenate([left_hi, hi])
    # One solution can be certified from two neighbouring (inflated) boxes: it is the same
    # solution when its enclosure lies inside the other box, where the solution is unique.
    kept: list[int] = []
    for a in range(len(found_lo)):
        duplicate = False
        for b in kept:
            if np.all(found_lo[a] >= owners_lo[b]) and np.all(found_hi[a] <= owners_hi[b]):
                duplicate = True
                break
            overlap = np.all(found_lo[a] <= found_hi[b]) and np.all(found_lo[b] <= found_hi[a])
            if overlap:
                # Overlapping but not nested: cannot tell one solution from two.
                undecided += 1
                duplicate = True
                break
        if not duplicate:
            kept.append(a)
    return Search([(found_lo[a], found_hi[a]) for a in kept], undecided)
