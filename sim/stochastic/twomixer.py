"""The exact check of one common kind of stage equilibrium, in a few integer operations.

Most mixed equilibria the engine meets in the article's stage games have two players each
mixing over two actions and everyone else playing one action (the QRE limits the tracer
reaches, the candidates the selection rules pick among, the other equilibria the
robustness search finds). ``sim.equilibria.verify`` decides such a profile exactly, in
general code (rational linear algebra on the support, then an integer check); about 2 ms a
profile. :func:`exact_two_mixer` decides the same question for this one shape directly:

- the support: actions with probability above ``sim.equilibria.verify``'s
  ``SUPPORT_THRESHOLD`` (1e-6), as that check reads it; two players ``i``, ``j`` with two
  actions each (``a0, a1`` and ``b0, b1``), the others one;
- the exact profile on it: ``j`` makes ``i`` indifferent and ``i`` makes ``j``
  indifferent, ``y = d0 / (d0 - d1)`` with ``d_b = u_i(a0, b) - u_i(a1, b)`` and
  ``x = e0 / (e0 - e1)`` with ``e_a = u_j(a, b0) - u_j(a, b1)`` (the unique solution of
  the support's equations when ``d0 != d1`` and ``e0 != e1``), in integers: every float
  payoff is a dyadic rational, so each player's payoffs times a power of two are exact
  integers (as ``sim.equilibria.exact.check`` does; here by scaling each player's
  payoffs by one power of two in array operations, :func:`scaled_integers`, with the
  exact rationals as the fall-back where that would overflow);
- the check: for every player, the value of each action against the others' profile, all
  over one positive common denominator, and the support's actions must attain the best
  exactly.

When it holds the answer is the equilibrium ``sim.equilibria.verify.verify_many`` returns
for the candidate, bit for bit (each probability the nearest float to the exact rational,
as ``sim.equilibria.exact.to_floats``). In every other case (another support shape, a
degenerate support system, a probability outside (0, 1), a check that fails and would send
the general code on to wider supports) it returns ``None`` and the caller asks the general
check. It never decides "not an equilibrium" on its own, so it can only save time.

:func:`exact_two_mixers` gives the same answers for a whole batch of candidates in array
operations (most of them decided in floating point with a proven error bound, the rest
by :func:`exact_two_mixer`); the engine calls it once per round and list of candidates.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sim.game import profile_strides

FloatArray = npt.NDArray[np.float64]

#: Probabilities above this form the support (``sim.equilibria.verify.SUPPORT_THRESHOLD``).
THRESHOLD = 1e-6


def exact_integers(values: list[float]) -> list[int]:
    """Exact integers proportional to ``values`` (one positive power-of-two factor)."""
    ratios = [v.as_integer_ratio() for v in values]
    common = max(d for _, d in ratios)
    return [n * (common // d) for n, d in ratios]


def scaled_integers(values: list[float], sizes: Sequence[int]) -> list[int] | None:
    """:func:`exact_integers` of each consecutive block of ``values`` (block ``k`` has
    ``sizes[k]`` entries), without rationals: every float is ``mantissa x 2^e`` with a
    53-bit mantissa, so scaling a block by ``2^K``, ``K`` its largest ``53 - e``, makes
    each entry an exact integer (scaling by a power of two is exact in floating point). A
    different power of two than :func:`exact_integers`' smallest one, which changes
    nothing the check computes (a block's integers are only compared, or divided, with
    each other). ``None`` if the scaling would overflow (payoffs about 2^970 apart)."""
    out: list[int] = []
    start = 0
    for size in sizes:
        block = values[start : start + size]
        start += size
        exponents = [math.frexp(v)[1] for v in block if v != 0.0]
        if not exponents:
            out.extend([0] * size)
            continue
        shift = 53 - min(exponents)
        try:
            out.extend([int(math.ldexp(v, shift)) for v in block])
        except OverflowError:
            return None
    return out


@functools.cache
def _gather(shape: tuple[int, ...], i: int, j: int, supports: tuple[tuple[int, ...], ...]
            ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:  # fmt: skip
    """Where each player's payoffs of each own action against the four mixing cells sit
    in the flat game ``(n, prod m)``: player and profile indices, player by player, action
    by action, cells in the order (a0, b0), (a0, b1), (a1, b0), (a1, b1)."""
    n = len(shape)
    a0, a1 = supports[i]
    b0, b1 = supports[j]
    base = [sup[0] for sup in supports]
    strides = [int(x) for x in profile_strides(shape)]
    offset = sum(base[k] * strides[k] for k in range(n) if k not in (i, j))
    cells = [offset + a * strides[i] + b * strides[j] for a in (a0, a1) for b in (b0, b1)]
    players: list[int] = []
    index: list[int] = []
    for k in range(n):
        own = (a0, a0, a1, a1) if k == i else (b0, b1, b0, b1) if k == j else (base[k],) * 4
        for act in range(shape[k]):
            for c, o in zip(cells, own, strict=True):
                players.append(k)
                index.append(c + (act - o) * strides[k])
    return np.array(players, dtype=np.intp), np.array(index, dtype=np.intp)


def exact_two_mixer(game: FloatArray, profile: Sequence[FloatArray]) -> FloatArray | None:
    """The exact equilibrium on the two-mixer support of ``profile`` in ``game``
    ``(n, *m)``, padded ``(n, max m)``, or ``None`` if this check cannot decide (see the
    module docstring)."""
    n = game.shape[0]
    shape = tuple(int(m) for m in game.shape[1:])
    # Only profiles whose support no rounding of the general check's clean-up could read
    # differently: probabilities clearly above or below the threshold, sums of 1.
    supports: list[list[int]] = []
    low, high = THRESHOLD / 2, 2 * THRESHOLD
    for s in profile:
        probs = (s if isinstance(s, np.ndarray) and s.dtype == np.float64
                 else np.asarray(s, dtype=np.float64)).tolist()  # fmt: skip
        if abs(sum(probs) - 1.0) > 1e-9:
            return None
        support = []
        for a, v in enumerate(probs):
            if v < 0 or low < v < high:
                return None
            if v > THRESHOLD:
                support.append(a)
        supports.append(support)
    mixers = [k for k in range(n) if len(supports[k]) == 2]
    if len(mixers) != 2 or any(len(supports[k]) != 1 for k in range(n) if k not in mixers):
        return None
    i, j = mixers
    a0, a1 = supports[i]
    b0, b1 = supports[j]
    base = [sup[0] for sup in supports]
    # Player k's payoffs of each own action x against the four cells (own action replaced),
    # as exact integers with one positive factor per player; gathered in one index.
    players, index = _gather(shape, i, j, tuple(tuple(sup) for sup in supports))
    gathered = game.reshape(n, -1)[players, index]
    floats = gathered.tolist()
    ints = scaled_integers(floats, [4 * m for m in shape])
    table: list[list[list[int]]] = []
    start = 0
    for k in range(n):
        size = 4 * shape[k]
        part = (ints[start : start + size] if ints is not None
                else exact_integers(floats[start : start + size]))  # fmt: skip
        start += size
        table.append([part[4 * x : 4 * x + 4] for x in range(shape[k])])
    # cells in the order (a0, b0), (a0, b1), (a1, b0), (a1, b1)
    ui, uj = table[i], table[j]
    d0, d1 = ui[a0][0] - ui[a1][0], ui[a0][1] - ui[a1][1]
    e0, e1 = uj[b0][0] - uj[b1][0], uj[b0][2] - uj[b1][2]
    ny, my = d0, d0 - d1  # y = P(j plays b1) = ny / my
    nx, mx = e0, e0 - e1  # x = P(i plays a1) = nx / mx
    if my == 0 or mx == 0:
        return None
    if my < 0:
        ny, my = -ny, -my
    if mx < 0:
        nx, mx = -nx, -mx
    if not (0 < ny < my and 0 < nx < mx):
        return None
    wx = (mx - nx, nx)  # i's weights on a0, a1 (times mx)
    wy = (my - ny, ny)  # j's weights on b0, b1 (times my)
    # the four cells' weights (exact integers, so grouping the products changes nothing)
    w00, w01, w10, w11 = wx[0] * wy[0], wx[0] * wy[1], wx[1] * wy[0], wx[1] * wy[1]
    for k in range(n):
        rows = table[k]
        if k == i:
            # against j's mix only; i's own action varies (cells (x, b0), (x, b1)), the
            # row for x holds its cells with a = x in slots 0..1 or 2..3 (equal: a is x)
            values = [wy[0] * r[0] + wy[1] * r[1] for r in rows]
        elif k == j:
            values = [wx[0] * r[0] + wx[1] * r[2] for r in rows]
        else:
            values = [w00 * r[0] + w01 * r[1] + w10 * r[2] + w11 * r[3] for r in rows]
        best = max(values)
        if any(values[a] != best for a in supports[k]):
            return None
    out = np.zeros((n, max(shape)))
    for k in range(n):
        out[k, base[k]] = 1.0
    x, y = Fraction(nx, mx), Fraction(ny, my)
    out[i, a0], out[i, a1] = float(1 - x), float(x)
    out[j, b0], out[j, b1] = float(1 - y), float(y)
    return out


#: The float check's relative error bound: each value it compares with zero is a sum of at
#: most four products of a weight (a product of at most two payoff differences) and a
#: payoff difference, evaluated in double precision: about eight roundings, each of
#: relative size at most ``2^-53`` of the terms' absolute sum (Higham, *Accuracy and
#: Stability of Numerical Algorithms*, 2002, section 3.1, the ``gamma_n`` bounds), so
#: ``2^-45`` (256 roundings) is a wide margin.
_RELATIVE = 2.0**-45
#: Payoffs up to this size in absolute value only (larger ones go to the exact check): then
#: an underflow in a product (an absolute error below ``2^-1074``, times at most two more
#: factors below ``2^102``) stays below the absolute margin :data:`_ABSOLUTE`.
_LARGEST = 2.0**100
_ABSOLUTE = 2.0**-800


def _two_diff_exact(a: FloatArray, b: FloatArray) -> npt.NDArray[np.bool_]:
    """Whether ``a - b`` is exact in floating point (Knuth's TwoSum error term is zero;
    finite inputs that do not overflow)."""
    s = a - b
    bv = s - a
    av = s - bv
    return ((a - av) + (-b - bv)) == 0.0


def _shares(p0: float, p1: float, q0: float, q1: float) -> tuple[float, float]:
    """``|e0| / (|e0| + |e1|)`` and ``|e1| / (|e0| + |e1|)`` with ``e0 = p0 - q0``,
    ``e1 = p1 - q1`` (the floats' exact differences), each the nearest float: the four
    floats as integers over one power of two (:func:`exact_integers`), then Python's
    integer division, which rounds correctly (as ``Fraction.__float__``)."""
    a0, a1, b0, b1 = exact_integers([p0, p1, q0, q1])
    e0, e1 = abs(a0 - b0), abs(a1 - b1)
    return e0 / (e0 + e1), e1 / (e0 + e1)


def exact_two_mixers(games: FloatArray, owner: npt.NDArray[np.intp], profiles: FloatArray
                     ) -> tuple[npt.NDArray[np.bool_], FloatArray]:  # fmt: skip
    """:func:`exact_two_mixer` of many candidates at once: candidate ``c`` is the padded
    profile ``profiles[c]`` ``(n, >= max m)`` in game ``games[owner[c]]`` (``games``
    ``(G, n, *m)``). Returns ``(found, exact)``: ``found[c]`` whether
    ``exact_two_mixer`` returns an equilibrium, and ``exact[c]`` ``(n, max m)`` that
    equilibrium (zeros where not found), the same floats.

    The same decision in array operations. The support rules are the same comparisons
    (the sum of each player's probabilities added in the same order). With
    ``d_b = u_i(a0, b) - u_i(a1, b)`` and ``e_a = u_j(a, b0) - u_j(a, b1)`` (exact reals),
    ``y = d0 / (d0 - d1)`` lies in (0, 1) exactly when ``d0`` and ``d1`` are nonzero with
    opposite signs (likewise ``x``), read off the float differences (a float subtraction
    has the sign of the exact difference, and is zero only when it is). Then ``j``'s mix
    is proportional to the positive weights ``(|d1|, |d0|)`` and ``i``'s to
    ``(|e1|, |e0|)``, and player ``k``'s action ``c`` does better than its support action
    ``s`` exactly when ``S = sum over the cells of w_cell (u_k(c, cell) - u_k(s, cell)) > 0``
    (the mixers' own support actions tie identically). ``S`` is decided without rounding
    doubt when every difference it weighs has one sign (the weights are positive), or when
    its float value exceeds the error bound :data:`_RELATIVE` times the terms' absolute sum
    plus :data:`_ABSOLUTE`; any other candidate (an exact tie of mixed-sign terms, payoffs
    beyond :data:`_LARGEST` or not finite) goes to :func:`exact_two_mixer`. The
    probabilities of an equilibrium are ``|e0| / (|e0| + |e1|)`` etc., one correctly
    rounded division when the differences and the sum are exact floats (checked by
    TwoSum); otherwise :func:`exact_two_mixer` computes them too."""
    n = games.shape[1]
    shape = tuple(int(m) for m in games.shape[2:])
    width = max(shape)
    count = int(owner.shape[0])
    found = np.zeros(count, dtype=bool)
    exact = np.zeros((count, n, width))
    if count == 0:
        return found, exact
    probs = np.asarray(profiles, dtype=np.float64)[:, :, :width]
    low, high = THRESHOLD / 2, 2 * THRESHOLD
    clean = np.ones(count, dtype=bool)
    support = np.zeros((count, n, width), dtype=bool)
    for k, m in enumerate(shape):
        p = probs[:, k, :m]
        total = p[:, 0].copy()
        for a in range(1, m):
            total = total + p[:, a]
        clean &= ~(np.abs(total - 1.0) > 1e-9)
        clean &= ~np.any((p < 0) | ((low < p) & (p < high)), axis=1)
        support[:, k, :m] = p > THRESHOLD
    sizes = support.sum(axis=2)
    two = sizes == 2
    clean &= (two.sum(axis=1) == 2) & np.all(two | (sizes == 1), axis=1)
    rows = np.flatnonzero(clean)
    if rows.size == 0:
        return found, exact
    sup = support[rows]
    r = np.arange(rows.size)
    mixers = np.sort(np.argsort(~two[rows], axis=1, kind="stable")[:, :2], axis=1)
    i, j = mixers[:, 0], mixers[:, 1]
    first = np.argmax(sup, axis=2)  # (R, n): each player's first support action
    second = width - 1 - np.argmax(sup[:, :, ::-1], axis=2)  # the mixers' second one
    a0, a1, b0, b1 = first[r, i], second[r, i], first[r, j], second[r, j]
    strides = profile_strides(shape)
    # the four cells (a0, b0), (a0, b1), (a1, b0), (a1, b1), the others at their action
    offset = first @ strides - a0 * strides[i] - b0 * strides[j]
    ci = np.stack([a0, a0, a1, a1], axis=1)
    cj = np.stack([b0, b1, b0, b1], axis=1)
    cells = offset[:, None] + ci * strides[i][:, None] + cj * strides[j][:, None]  # (R, 4)
    own = np.repeat(first[:, :, None], 4, axis=2)  # (R, n, 4): each player's action there
    own[r, i] = ci
    own[r, j] = cj
    acts = np.arange(width)
    in_game = acts[None, :] < np.array(shape)[:, None]  # (n, width)
    act = np.minimum(acts[None, :], np.array(shape)[:, None] - 1)
    index = (cells[:, None, None, :]
             + (act[None, :, :, None] - own[:, :, None, :]) * strides[None, :, None, None])
    # u[c, k, x, cell]: player k's payoff at the cell with its own action replaced by x
    u = games.reshape(games.shape[0], n, -1)[owner[rows][:, None, None, None],
                                              np.arange(n)[None, :, None, None], index]
    sane = np.all(np.isfinite(u) & (np.abs(u) <= _LARGEST), axis=(1, 2, 3))
    ui, uj = u[r, i], u[r, j]  # (R, width, 4)
    d0 = ui[r, a0, 0] - ui[r, a1, 0]
    d1 = ui[r, a0, 1] - ui[r, a1, 1]
    e0 = uj[r, b0, 0] - uj[r, b1, 0]
    e1 = uj[r, b0, 2] - uj[r, b1, 2]
    inside = (np.sign(d0) * np.sign(d1) < 0) & (np.sign(e0) * np.sign(e1) < 0)
    wy0, wy1, wx0, wx1 = np.abs(d1), np.abs(d0), np.abs(e1), np.abs(e0)
    weight = np.stack([wx0 * wy0, wx0 * wy1, wx1 * wy0, wx1 * wy1], axis=1)
    weight = np.repeat(weight[:, None, :], n, axis=1)  # (R, n, 4)
    zero = np.zeros(rows.size)
    weight[r, i] = np.stack([wy0, wy1, zero, zero], axis=1)
    weight[r, j] = np.stack([wx0, zero, wx1, zero], axis=1)
    weighed = np.ones((rows.size, n, 4), dtype=bool)
    weighed[r, i] = [True, True, False, False]
    weighed[r, j] = [True, False, True, False]
    with np.errstate(all="ignore"):
        diff = u - np.take_along_axis(u, first[:, :, None, None], axis=2)
        terms = weight[:, :, None, :] * diff
        value = ((terms[..., 0] + terms[..., 1]) + terms[..., 2]) + terms[..., 3]
        size = ((np.abs(terms[..., 0]) + np.abs(terms[..., 1])) + np.abs(terms[..., 2])
                + np.abs(terms[..., 3]))  # fmt: skip
    margin = _RELATIVE * size + _ABSOLUTE
    w = weighed[:, :, None, :]
    never_better = np.all(~w | (diff <= 0), axis=3)
    better = np.all(~w | (diff >= 0), axis=3) & np.any(w & (diff > 0), axis=3)
    rival = in_game[None] & ~sup  # the actions compared with the support
    worse = rival & (better | (value > margin))
    fine = ~rival | never_better | (value < -margin)
    rejected = sane & (~inside | np.any(worse, axis=(1, 2)))
    accepted = sane & inside & np.all(fine, axis=(1, 2)) & ~np.any(worse, axis=(1, 2))
    # the probabilities: one correctly rounded division where every step is exact
    sx, sy = wx0 + wx1, wy0 + wy1
    ua, ub = ui[r, a0], ui[r, a1]
    va, vb = uj[r, b0], uj[r, b1]
    with np.errstate(all="ignore"):
        floats_exact = (_two_diff_exact(ua[:, 0], ub[:, 0]) & _two_diff_exact(ua[:, 1], ub[:, 1])
                        & _two_diff_exact(va[:, 0], vb[:, 0])
                        & _two_diff_exact(va[:, 2], vb[:, 2])
                        & _two_diff_exact(wx0, -wx1) & _two_diff_exact(wy0, -wy1))  # fmt: skip
        px = np.stack([wx0 / sx, wx1 / sx], axis=1)  # i's probabilities of a0, a1
        py = np.stack([wy0 / sy, wy1 / sy], axis=1)
    tiny = np.finfo(np.float64).tiny
    floats_exact &= np.all(np.minimum(px, py) >= tiny, axis=1)
    done = accepted & floats_exact
    at = rows[done]
    exact[at[:, None], np.arange(n)[None, :], first[done]] = 1.0
    exact[at, i[done], a0[done]], exact[at, i[done], a1[done]] = px[done, 0], px[done, 1]
    exact[at, j[done], b0[done]], exact[at, j[done], b1[done]] = py[done, 0], py[done, 1]
    found[at] = True
    for c in np.flatnonzero(accepted & ~floats_exact):
        row = rows[c]
        exact[row, :, :] = 0.0
        exact[row, np.arange(n), first[c]] = 1.0
        x0, x1 = _shares(*uj[c, b0[c], [0, 2]], *uj[c, b1[c], [0, 2]])
        y0, y1 = _shares(*ui[c, a0[c], [0, 1]], *ui[c, a1[c], [0, 1]])
        exact[row, i[c], a0[c]], exact[row, i[c], a1[c]] = x1, x0
        exact[row, j[c], b0[c]], exact[row, j[c], b1[c]] = y1, y0
        found[row] = True
    for c in np.flatnonzero(~(accepted | rejected)):
        row = int(rows[c])
        profile = [probs[row, k, :m] for k, m in enumerate(shape)]
        one = exact_two_mixer(games[owner[row]], profile)
        if one is not None:
            found[row] = True
            exact[row] = one
    return found, exact
