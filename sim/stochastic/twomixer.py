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
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

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
def _strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Each player's stride in a flat profile index (C order)."""
    out, acc = [], 1
    for m in reversed(shape):
        out.append(acc)
        acc *= m
    return tuple(reversed(out))


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
    strides = _strides(shape)
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
