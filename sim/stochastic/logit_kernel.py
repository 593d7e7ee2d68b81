"""The compiled hot loop of the logit tracer (numba): one game at a time, every step in
machine code. The algorithm, its parameters and its sources are documented in
:mod:`sim.stochastic.qre`, which is the only caller.

Why compiled: a traced 4-player, 3-action stage game takes about 60 continuation steps of
two or three corrections each, two of them with a 13 x 14 Jacobian over 81 profiles. In numpy,
even batched over thousands of games, that cost about 8 ms a game (tiny per-game tensors
keep numpy's loops short); here it is a fraction of a millisecond (measured in
``benchmarks/bench_engine.py``). The layout follows QuantEcon's game theory code: hot loops
in separate jitted functions, the readable API apart.

A game is ``g[i, a]`` (player ``i``'s normalised payoff at flat profile ``a``) with
``decode[a, p]`` the action of player ``p`` in profile ``a`` and ``offsets[p]`` where
player ``p``'s actions start in the flat vector of all ``M`` actions.

**Compile-time sizes** (wave 15, 2026-12-02). Every function of a step takes a last
argument ``dims``: None in the kernels for any shape (the sizes read from the arrays at run
time), a tuple of literal ints in the kernels :func:`kernels` builds for one shape (a
closure over the shape tuple, which numba types as literal ints; :func:`_layout`, inlined
into each function, turns it into constant arrays and ints). One source, so one sequence
of floating-point operations: LLVM sees constant loop bounds and indices (it unrolls the
loops of 3 actions and of the 13 x 13 elimination and drops the index checks) and, without
fast-math flags, reorders no arithmetic; ``tests/test_logit_kernel_dims.py`` compares
every traced array with ``np.array_equal``. The entry points are closures over the shape
alone (one over another compiled function would put that function's per-process id into
numba's cache key), so the on-disk cache keys them by the shape and a second process loads
them (the import and first solve of 300 games of 4 players x 3 actions 0.93-0.98 s, main
0.98-1.04: nothing compiled). :class:`sim.stochastic.qre.LogitTracer` uses a shape's
kernels for a batch of at least ``qre.SPECIALISE`` = 256 games (about 6 s to compile, once
per machine). Measured (2-core machine shared, load 2.7-4.0): the cold trace of 400 random
4 x 3^4 games 0.197 against 0.222 s (one process, alternating, medians of 3: 1.13x);
``bench_solve_split.py --engine 8``, main and this tree alternating in fresh processes,
four pairs: the kernel 700.2 against 797.5 CPU ms a round (medians; 1.14x), the round 929.8
against 1025.6 (1.10x); the analysis chunk's and the engine game's strategies and values
the same bytes. Not kept: a view of the elimination's matrix with a constant shape
(``reshape``, so its row stride is constant too) gained nothing (1.06 against 1.05 us a
13 x 13 solve, min of 15); ``numba.literally`` on a shape from Python retypes the function
at every call (4 ms a call on a toy), so the shape enters through the closures instead.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
from numba import njit, types
from numba.extending import overload

# Status codes of a trace.
RUNNING, STOPPED, AT_MAX, FAILED = 0, 1, 2, 3
#: A step whose corrector stopped on Newton's estimate re-evaluates the payoffs at its
#: point when the regret before its last correction is at most this times the stopping
#: regret (see :func:`trace`).
RECHECK = 100.0


def _layout(dims, shape, offsets, size):
    """``(shape, offsets, n, size)``: the actions per player, where each player's start in
    the flat vector, the players and the unknowns ``M`` (without lambda). When ``dims`` is a
    tuple of literal ints (a kernel of :func:`kernels` built for one shape) these are
    compile-time constants (constant arrays, literal ints), which lets LLVM unroll and
    fold the loops over players, actions and unknowns; otherwise (``dims`` None) the
    arguments themselves, with ``n = len(shape)`` (0 where ``shape`` is None). Compiled
    only (:func:`_layout_impl`)."""
    raise NotImplementedError("compiled only")


@overload(_layout, inline="always", prefer_literal=True)
def _layout_impl(dims, shape, offsets, size):
    elements = dims.types if isinstance(dims, (types.UniTuple, types.Tuple)) else ()
    if elements and all(isinstance(t, types.IntegerLiteral) for t in elements):
        sizes = [t.literal_value for t in elements]
        const_shape = np.array(sizes, dtype=np.int64)
        const_offsets = np.array([sum(sizes[:p]) for p in range(len(sizes))], dtype=np.int64)
        players, unknowns = len(sizes), sum(sizes)

        def constant(dims, shape, offsets, size):
            return const_shape, const_offsets, players, unknowns

        return constant
    if isinstance(shape, (types.NoneType, types.Omitted)):

        def runtime_size(dims, shape, offsets, size):
            return shape, offsets, 0, size

        return runtime_size

    def runtime(dims, shape, offsets, size):
        return shape, offsets, shape.shape[0], size

    return runtime


@njit(cache=True)
def _values(g, decode, offsets, sigma, u, d, derivatives=True):
    """``u[off_i + j]``: player i's payoff of action j against the others' ``sigma``;
    ``d[i, k, j, l]``: the same with player k fixed at l (without ``derivatives``, ``u``
    alone and ``d`` untouched).

    Per profile, the products of the other players' probabilities are built from prefix
    and suffix products (no division, so a probability that underflows to 0 is exact):
    ``prod_{p != i} = pre[i] suf[i]`` and, for ``i < k``,
    ``prod_{p != i, k} = pre[i] (prod_{i < q < k} s_q) suf[k]``."""
    n, profiles = g.shape[0], g.shape[1]
    u[:] = 0.0
    if derivatives:
        d[:] = 0.0
    s = np.empty(n)
    act = np.empty(n, dtype=np.int64)
    pre = np.empty(n)
    suf = np.empty(n)
    for a in range(profiles):
        for p in range(n):
            act[p] = decode[a, p]
            s[p] = sigma[offsets[p] + act[p]]
        acc = 1.0
        for p in range(n):
            pre[p] = acc
            acc *= s[p]
        acc = 1.0
        for p in range(n - 1, -1, -1):
            suf[p] = acc
            acc *= s[p]
        for i in range(n):
            u[offsets[i] + act[i]] += g[i, a] * pre[i] * suf[i]
        if not derivatives:
            continue
        for i in range(n):
            mid = 1.0
            for k in range(i + 1, n):
                w = pre[i] * mid * suf[k]
                d[i, k, act[i], act[k]] += g[i, a] * w
                d[k, i, act[k], act[i]] += g[k, a] * w
                mid *= s[k]


@njit(cache=True)
def _values4(g, offsets, shape, sigma, u, d, derivatives=True, dims=None):
    """:func:`_values` for four players, with the profile loop unrolled into four nested
    loops and each product of two players' probabilities formed once: about six times
    faster, and bit for bit the same (the same products, associated the same way, and the
    same order of accumulation over the profiles). Without ``derivatives``, ``u`` alone
    (``d`` untouched; about a third of the cost)."""
    shape, offsets, _, _ = _layout(dims, shape, offsets, 0)
    m0, m1, m2, m3 = shape[0], shape[1], shape[2], shape[3]
    o0, o1, o2, o3 = offsets[0], offsets[1], offsets[2], offsets[3]
    u[:] = 0.0
    if derivatives:
        d[:] = 0.0
    a = 0
    for a0 in range(m0):
        s0 = sigma[o0 + a0]
        for a1 in range(m1):
            s1 = sigma[o1 + a1]
            s01 = s0 * s1
            for a2 in range(m2):
                s2 = sigma[o2 + a2]
                s02 = s0 * s2
                s12 = s1 * s2
                s012 = s01 * s2
                for a3 in range(m3):
                    s3 = sigma[o3 + a3]
                    g0 = g[0, a]
                    g1 = g[1, a]
                    g2 = g[2, a]
                    g3 = g[3, a]
                    a += 1
                    s23 = s3 * s2
                    u[o0 + a0] += g0 * (s23 * s1)
                    u[o1 + a1] += g1 * s0 * s23
                    u[o2 + a2] += g2 * s01 * s3
                    u[o3 + a3] += g3 * s012
                    if not derivatives:
                        continue
                    s13 = s1 * s3
                    s03 = s0 * s3
                    d[0, 1, a0, a1] += g0 * s23
                    d[1, 0, a1, a0] += g1 * s23
                    d[0, 2, a0, a2] += g0 * s13
                    d[2, 0, a2, a0] += g2 * s13
                    d[0, 3, a0, a3] += g0 * s12
                    d[3, 0, a3, a0] += g3 * s12
                    d[1, 2, a1, a2] += g1 * s03
                    d[2, 1, a2, a1] += g2 * s03
                    d[1, 3, a1, a3] += g1 * s02
                    d[3, 1, a3, a1] += g3 * s02
                    d[2, 3, a2, a3] += g2 * s01
                    d[3, 2, a3, a2] += g3 * s01


@njit(cache=True)
def _residual(g, decode, offsets, shape, z, res, u, d, sigma, derivatives, dims=None):
    """The residual ``res`` of the logit system at ``z`` (and with ``derivatives`` the
    pair values ``d`` :func:`_system` builds the Jacobian from; without, the payoffs alone:
    a chord correction's only evaluation)."""
    shape, offsets, n, size = _layout(dims, shape, offsets, z.shape[0] - 1)
    lam = z[size]
    for k in range(size):
        sigma[k] = np.exp(z[k])
    if n == 4:
        _values4(g, offsets, shape, sigma, u, d, derivatives, dims)
    else:
        _values(g, decode, offsets, sigma, u, d, derivatives)
    for i in range(n):
        o = offsets[i]
        total = 0.0
        for j in range(shape[i]):
            total += sigma[o + j]
        res[o] = total - 1.0
        for j in range(1, shape[i]):
            res[o + j] = (z[o + j] - z[o]) - lam * (u[o + j] - u[o])


@njit(cache=True)
def _system(g, decode, offsets, shape, z, res, jac, u, d, sigma, dims=None):
    """Residual ``res`` (M,) and Jacobian ``jac`` (M, M + 1) of the logit system at ``z``."""
    shape, offsets, n, size = _layout(dims, shape, offsets, z.shape[0] - 1)
    lam = z[size]
    _residual(g, decode, offsets, shape, z, res, u, d, sigma, True, dims)
    jac[:, :] = 0.0
    for i in range(n):
        o = offsets[i]
        m = shape[i]
        for j in range(m):
            jac[o, o + j] = sigma[o + j]
        for j in range(1, m):
            row = o + j
            du = u[o + j] - u[o]
            jac[row, row] = 1.0
            jac[row, o] = -1.0
            jac[row, size] = -du
            for k in range(n):
                if k == i:
                    continue
                ok = offsets[k]
                for q in range(shape[k]):
                    jac[row, ok + q] = -lam * (d[i, k, j, q] - d[i, k, 0, q]) * sigma[ok + q]


@njit(cache=True)
def _solve(a, b, x, pivots, dims=None):
    """Solve ``a x = b`` (a square, overwritten by its factors) by Gaussian elimination
    with partial pivoting; returns False if ``a`` is singular. The multipliers stay in
    ``a`` below the diagonal and the pivot rows in ``pivots``, so :func:`_resolve` solves
    for another right-hand side with the same floating-point operations."""
    size = _layout(dims, None, None, a.shape[0] - 1)[3] + 1
    for c in range(size):
        piv = c
        best = abs(a[c, c])
        for r in range(c + 1, size):
            if abs(a[r, c]) > best:
                best = abs(a[r, c])
                piv = r
        pivots[c] = piv
        if best == 0.0 or not np.isfinite(best):
            return False
        if piv != c:
            for k in range(c, size):
                tmp = a[c, k]
                a[c, k] = a[piv, k]
                a[piv, k] = tmp
            tmp = b[c]
            b[c] = b[piv]
            b[piv] = tmp
        inv = 1.0 / a[c, c]
        for r in range(c + 1, size):
            f = a[r, c] * inv
            a[r, c] = f
            if f != 0.0:
                for k in range(c + 1, size):
                    a[r, k] -= f * a[c, k]
                b[r] -= f * b[c]
    return _back(a, b, x, dims)


@njit(cache=True)
def _back(a, b, x, dims=None):
    size = _layout(dims, None, None, a.shape[0] - 1)[3] + 1
    for r in range(size - 1, -1, -1):
        acc = b[r]
        for k in range(r + 1, size):
            acc -= a[r, k] * x[k]
        x[r] = acc / a[r, r]
        if not np.isfinite(x[r]):
            return False
    return True


@njit(cache=True)
def _resolve(a, pivots, b, x, dims=None):
    """Solve with the factors :func:`_solve` left in ``a`` and ``pivots`` for a new
    right-hand side ``b`` (overwritten): bit for bit what :func:`_solve` would give."""
    size = _layout(dims, None, None, a.shape[0] - 1)[3] + 1
    for c in range(size):
        piv = pivots[c]
        if piv != c:
            tmp = b[c]
            b[c] = b[piv]
            b[piv] = tmp
        for r in range(c + 1, size):
            f = a[r, c]
            if f != 0.0:
                b[r] -= f * b[c]
    return _back(a, b, x, dims)


@njit(cache=True)
def _augmented(jac, row, rhs_top, last, x, work, rhs, pivots, dims=None):
    """Solve ``[jac; row] x = [rhs_top; last]`` (the factors stay in ``work`` and
    ``pivots``)."""
    size = _layout(dims, None, None, jac.shape[0])[3]
    for r in range(size):
        for c in range(size + 1):
            work[r, c] = jac[r, c]
        rhs[r] = rhs_top[r]
    for c in range(size + 1):
        work[size, c] = row[c]
    rhs[size] = last
    return _solve(work, rhs, x, pivots, dims)


@njit(cache=True)
def _orientation(work, pivots):
    """The sign (+1 or -1) of the determinant of the matrix :func:`_solve` factored into
    ``work`` and ``pivots``: its row swaps' parity times its pivots' signs.

    Factored as ``[J; row]`` (the Jacobian ``J`` of the logit system, ``M x (M + 1)``, and
    a row), it is the branch's orientation at that point: for the tangent ``t`` (``J t =
    0``, oriented by ``row . t > 0``, as :func:`_turn` orients it), ``det [J; v] = (v . t)
    / (t . t) det [J; t]`` for every ``v`` (the determinant is linear in ``v`` and zero
    on ``J``'s row space, which is orthogonal to ``t``), so ``det [J; row]`` has the sign
    of ``det [J; t]``. Along a smooth branch that sign is constant (Allgower and Georg,
    *Introduction to Numerical Continuation Methods*, 2003, sec. 2.1-2.2), and it
    changes across a simple bifurcation point (sec. 8.1): a step that lands on another
    branch piece where two pieces pass close to each other shows it reversed."""
    sign = 1
    for c in range(work.shape[0]):
        if pivots[c] != c:
            sign = -sign
        if work[c, c] < 0.0:
            sign = -sign
    return sign


@njit(cache=True)
def _regret(u, sigma, offsets, shape, dims=None):
    shape, offsets, n, _ = _layout(dims, shape, offsets, 0)
    out = 0.0
    for i in range(n):
        o = offsets[i]
        top = -np.inf
        mean = 0.0
        for j in range(shape[i]):
            top = max(top, u[o + j])
            mean += u[o + j] * sigma[o + j]
        out = max(out, top - mean)
    return out


@njit(cache=True)
def _workspace(n, size, shape):
    """Scratch arrays of one game's evaluations and solves."""
    mmax = 0
    for i in range(n):
        mmax = max(mmax, shape[i])
    return (np.empty(size), np.empty((size, size + 1)), np.empty(size),
            np.empty((n, n, mmax, mmax)), np.empty(size), np.empty((size + 1, size + 1)),
            np.empty(size + 1), np.empty(size + 1), np.empty(size + 1, dtype=np.int64))  # fmt: skip


@njit(cache=True)
def _correct(g, decode, offsets, shape, z, row, scale, counts, newton_steps, max_newton,
             newton_tol, chord_rate, estimate, res, jac, u, d, sigma, work, rhs, x,
             pivots, dims=None):  # fmt: skip
    """Correct ``z`` in place onto the branch within the hyperplane orthogonal to ``row``
    through it: ``newton_steps`` Newton corrections (the Jacobian at z, factored with
    ``row`` into ``work`` and ``pivots``), then chord ones (the residual at z, the last
    factors), a fresh Jacobian after a chord correction contracting less than
    ``chord_rate``; with ``estimate`` a chord correction, and a Newton correction right
    after another, stop on the error they leave (linear and quadratic contraction).
    Sizes in the weighted norm ``scale``; ``counts[1]``, ``counts[2]`` count the
    corrections and Jacobians. Returns (solved, first size, second size, last error,
    whether it stopped on Newton's estimate: then ``u`` and ``sigma`` are those of the
    point before the last correction, not of ``z``)."""
    size = _layout(dims, None, None, z.shape[0] - 1)[3]
    first = np.inf
    second = 0.0
    last = np.inf
    fresh = 0
    refresh = True
    newton = False  # the last correction was a Newton one
    quadratic = False  # stopped on Newton's estimate (``u`` is not at the last point)
    for it in range(max_newton):
        counts[1] += 1
        if refresh:
            # A Newton correction: the Jacobian at z, factored with row.
            counts[2] += 1
            fresh += 1
            _system(g, decode, offsets, shape, z, res, jac, u, d, sigma, dims)
            for k in range(size):
                res[k] = -res[k]
            if not _augmented(jac, row, res, 0.0, x, work, rhs, pivots, dims):
                return False, first, second, last, quadratic
        else:
            # A chord correction: the residual at z, the last factors.
            _residual(g, decode, offsets, shape, z, res, u, d, sigma, False, dims)
            for k in range(size):
                rhs[k] = -res[k]
            rhs[size] = 0.0
            if not _resolve(work, pivots, rhs, x, dims):
                return False, first, second, last, quadratic
        norm = 0.0
        for k in range(size + 1):
            norm = max(norm, abs(x[k]) * scale[k])
            z[k] += x[k]
        if it == 0:
            first = norm
        elif it == 1:
            second = norm
        if norm <= newton_tol:
            last = norm
            break
        if estimate and norm < last:
            rate = norm / last
            if not refresh:
                # A chord correction contracts linearly: what is left after it is about
                # rate / (1 - rate) times it (Kelley 1995, sec. 5.2).
                if rate * norm <= (1.0 - rate) * newton_tol:
                    last = newton_tol
                    break
            elif newton and rate * rate * norm <= (1.0 - rate) * newton_tol:
                # Two Newton corrections in a row contract quadratically: the next one
                # would be about rate^2 times this one (Deuflhard, *Newton Methods for
                # Nonlinear Problems*, 2004, sec. 2.1), and what is left after it about
                # that over (1 - rate).
                last = newton_tol
                quadratic = True
                break
        # Refresh the Jacobian for the first ``newton_steps`` corrections, and
        # after a chord correction that contracted less than ``chord_rate``.
        newton = refresh
        refresh = fresh < newton_steps or (not refresh and norm > chord_rate * last)
        last = norm
    return True, first, second, last, quadratic


@njit(cache=True)
def _turn(prev, scale, work, pivots, rhs, tan, dims=None):
    """The unit tangent ``tan`` at the corrected point (the same matrix as the last Newton
    correction's: its factors in ``work``, ``pivots``; oriented along that solve's row) and
    its angle from ``prev`` in the weighted norm ``scale`` (``inf`` if the solve fails)."""
    size = _layout(dims, None, None, tan.shape[0] - 1)[3]
    for k in range(size):
        rhs[k] = 0.0
    rhs[size] = 1.0
    if not _resolve(work, pivots, rhs, tan, dims):
        return np.inf
    nrm = 0.0
    for k in range(size + 1):
        nrm += tan[k] * tan[k]
    nrm = np.sqrt(nrm)
    dot = 0.0
    n0 = 0.0
    n1 = 0.0
    for k in range(size + 1):
        tan[k] /= nrm
        a0 = prev[k] * scale[k]
        a1 = tan[k] * scale[k]
        dot += a0 * a1
        n0 += a0 * a0
        n1 += a1 * a1
    cosine = dot / max(np.sqrt(n0 * n1), 1e-300)
    cosine = min(1.0, max(-1.0, cosine))
    return np.arccos(cosine)


@njit(cache=True)
def _trace(
    games, decode, offsets, shape, which, z_all, t_all, h_all, steps_all, status_all, regret_all,
    work_all, orient_all, stop_regret, lambda_max, targets, points, params, rec, rec_n,
    dims=None,
):  # fmt: skip
    """Advance the traces of games ``which`` (resumable state in ``z_all`` (N, M + 1),
    ``t_all``, ``h_all``, ``steps_all``, ``status_all``, ``regret_all``; ``work_all``
    (N, 3) counts the steps tried, the corrections and the Jacobians evaluated, read by
    nothing but the benchmark; ``orient_all`` the branch's orientation each keeps, see
    :func:`_orientation`) until each one's
    regret is at most ``stop_regret`` or lambda reaches ``lambda_max``, or, if ``targets``
    is not empty, until every target lambda is crossed (the branch's probabilities at
    target ``r`` go to ``points[game, r]``). ``params``: nominal distance, contraction,
    angle, max growth, Newton tolerance, max corrections, min step, max steps, Newton
    corrections before the chord ones, chord rate, stop on the error estimate (> 0), and at
    index 14 the step below which a reversed orientation is crossed (``qre.FLIP_STEP``).
    Every accepted point is appended to ``rec[game]`` (``rec_n[game]`` counts them; past
    ``rec.shape[1]`` only counted): the next round's warm source (:func:`warm`)."""
    nominal_distance, nominal_contraction, nominal_angle = params[0], params[1], params[2]
    max_growth, newton_tol = params[3], params[4]
    max_newton, min_step, max_steps = int(params[5]), params[6], int(params[7])
    newton_steps, chord_rate, estimate = int(params[8]), params[9], params[10] > 0
    flip_step = params[14]
    size = _layout(dims, None, None, z_all.shape[1] - 1)[3]
    n = games.shape[1]
    res, jac, u, d, sigma, work, rhs, x, pivots = _workspace(n, size, shape)
    z = np.empty(size + 1)
    z0 = np.empty(size + 1)
    t0 = np.empty(size + 1)
    tan = np.empty(size + 1)
    scale = np.empty(size + 1)
    n_targets = targets.shape[0]
    for w in range(which.shape[0]):
        b = which[w]
        g = games[b]
        crossed = 0
        cross = False  # cross the bifurcation point the last steps reversed at
        first_flip = 0.0  # the step that first reversed the orientation (0: none)
        while True:
            if status_all[b] == FAILED:
                break
            lam_now = z_all[b, size]
            if n_targets > 0:
                if crossed >= n_targets or lam_now >= lambda_max:
                    break
            elif regret_all[b] <= stop_regret or lam_now >= lambda_max:
                break
            for k in range(size + 1):
                z0[k] = z_all[b, k]
                t0[k] = t_all[b, k]
                z[k] = z0[k] + h_all[b] * t0[k]
            for k in range(size):
                scale[k] = np.exp(z0[k])
            scale[size] = 1.0 / (1.0 + abs(z0[size]))
            work_all[b, 0] += 1
            ok, first, second, last, quadratic = _correct(
                g, decode, offsets, shape, z, t0, scale, work_all[b], newton_steps, max_newton,
                newton_tol, chord_rate, estimate, res, jac, u, d, sigma, work, rhs, x, pivots,
                dims)
            accept = ok and last <= newton_tol and z[size] >= 0.0
            if accept:
                for k in range(size + 1):
                    if not np.isfinite(z[k]):
                        accept = False
            decel = np.inf
            flipped = False
            if accept:
                # The tangent at the new point, oriented along the old one.
                angle = _turn(t0, scale, work, pivots, rhs, tan, dims)
                if not angle < np.inf:
                    accept = False
                else:
                    contraction = second / first if first > 0 else 0.0
                    decel = max(np.sqrt(first / nominal_distance),
                                np.sqrt(contraction / nominal_contraction),
                                angle / nominal_angle)  # fmt: skip
                    if not decel < 2.0:
                        accept = False
                    elif orient_all[b] != 0 and _orientation(work, pivots) != orient_all[b]:
                        # The orientation reversed: the step crossed a bifurcation point,
                        # or jumped to another branch piece where two pass close to each
                        # other. Shorter steps follow the branch around a near one; a
                        # reversal that persists down to ``flip_step`` is a bifurcation
                        # point on the branch itself (a symmetric game's), crossed straight
                        # on with the step that first reversed it.
                        if cross:
                            flipped = True
                        else:
                            accept = False
                            if first_flip == 0.0:
                                first_flip = h_all[b]
                            if h_all[b] <= flip_step * (1.0 + abs(z0[size])):
                                cross = True
                                h_all[b] = 2.0 * first_flip  # halved below, as a rejection
            if accept:
                if n_targets > 0:
                    while crossed < n_targets and targets[crossed] <= z[size]:
                        if targets[crossed] >= z0[size]:
                            _at_lambda(g, decode, offsets, shape, z0, z, targets[crossed],
                                       points[b, crossed], res, jac, u, d, sigma, work, rhs,
                                       x, pivots, dims)  # fmt: skip
                        crossed += 1
                for k in range(size + 1):
                    z_all[b, k] = z[k]
                    t_all[b, k] = tan[k]
                if flipped:
                    orient_all[b] = -orient_all[b]
                cross = False
                first_flip = 0.0
                steps_all[b] += 1
                _record(rec, rec_n, b, z)
                h_all[b] = h_all[b] / max(decel, 1.0 / max_growth)
                regret_all[b] = _regret(u, sigma, offsets, shape, dims)
                if quadratic and regret_all[b] <= RECHECK * stop_regret:
                    # ``u`` is at the point before the last Newton correction, whose
                    # regret can be far below the accepted point's: the stopping rule
                    # reads the accepted point's (what a chord correction would have
                    # evaluated).
                    _residual(g, decode, offsets, shape, z, res, u, d, sigma, False, dims)
                    regret_all[b] = _regret(u, sigma, offsets, shape, dims)
                if steps_all[b] >= max_steps:
                    status_all[b] = FAILED
            else:
                h_all[b] *= 0.5
                if h_all[b] < min_step * (1.0 + abs(z_all[b, size])):
                    status_all[b] = FAILED
        if status_all[b] != FAILED:
            status_all[b] = AT_MAX if z_all[b, size] >= lambda_max else STOPPED


@njit(cache=True)
def _record(rec, rec_n, b, z):
    """Append accepted point ``z`` to game ``b``'s record (counted only once it is full)."""
    k = rec_n[b]
    if k < rec.shape[1]:
        for c in range(z.shape[0]):
            rec[b, k, c] = z[c]
    rec_n[b] = k + 1


@njit(cache=True)
def _warm(games, decode, offsets, shape, which, z_all, t_all, h_all, steps_all, status_all,
         regret_all, work_all, orient_all, stop_regret, src, src_n, params, rec, rec_n,
         dims=None):  # fmt: skip
    """Follow the principal branch of games ``which`` along the accepted points of a
    nearby game's trace (``src[game, :src_n[game]]``, the warm source, from lambda = 0 on):
    each step goes to every ``stride``-th source point (and its last), ``p``, from the last
    accepted point ``z0``, which followed source point ``q`` (the origin for the first
    step). The predictor is the source's secant carried to the new branch,
    ``z0 + (src[p] - src[q])`` (the origin, the uniform profile at lambda = 0, is every
    game's, so the first predictor is ``src[p]``): an offset between the two branches is
    carried along instead of being corrected again at every step. It is corrected in the
    hyperplane through it orthogonal to that secant (pseudo-arclength corrections: a
    turning point is followed as in :func:`trace`), the first correction with the
    Jacobian, the rest chord ones. A step is accepted only when
    its corrector converges (error below the Newton tolerance), its first correction (in
    :func:`trace`'s norm) is at most ``distance`` times the nominal distance, its
    contraction at most ``contraction`` times the nominal one, and its tangent turns from
    the last accepted one by less than ``2 stride`` nominal angles (the cold control's
    bound for each source step it spans), and it keeps the branch's orientation
    (``orient_all``, :func:`_orientation`). Each game stops at the first accepted point whose
    regret is at most ``stop_regret`` (status STOPPED), or after the source's last point
    (RUNNING: :func:`trace` continues from there, the step the last secant), or at the
    first failed check (FAILED: the caller starts it again cold). The state arrays are
    :func:`trace`'s, at lambda = 0 (:func:`start`); ``params`` are :func:`trace`'s with
    ``distance``, ``contraction`` and ``stride`` appended."""
    nominal_distance, nominal_contraction, nominal_angle = params[0], params[1], params[2]
    newton_tol = params[4]
    max_newton = int(params[5])
    chord_rate = params[9]
    nominal_distance *= params[11]
    nominal_contraction *= params[12]
    stride = int(params[13])
    size = _layout(dims, None, None, z_all.shape[1] - 1)[3]
    res, jac, u, d, sigma, work, rhs, x, pivots = _workspace(games.shape[1], size, shape)
    # the point, the last accepted one and its tangent, the hyperplane's normal, the new
    # tangent, the norm's weights, the source point the last accepted one followed
    vec = np.empty((7, size + 1))
    z, z0, t0, row, tan, scale, base = vec[0], vec[1], vec[2], vec[3], vec[4], vec[5], vec[6]
    for w in range(which.shape[0]):
        b = which[w]
        g = games[b]
        count = src_n[b]
        status_all[b] = RUNNING
        for k in range(size + 1):
            z0[k] = z_all[b, k]
            t0[k] = t_all[b, k]
            base[k] = z0[k]
        for p in range(count):
            if (p + 1) % stride != 0 and p != count - 1:
                continue
            # The hyperplane: through the predictor, orthogonal to the source's secant.
            nrm = 0.0
            for k in range(size + 1):
                row[k] = src[b, p, k] - base[k]
                nrm += row[k] * row[k]
            secant = np.sqrt(nrm)
            if not secant > 0.0:
                status_all[b] = FAILED
                break
            for k in range(size + 1):
                z[k] = z0[k] + row[k]
                row[k] /= secant
            for k in range(size):
                scale[k] = np.exp(z0[k])
            scale[size] = 1.0 / (1.0 + abs(z0[size]))
            work_all[b, 0] += 1
            ok, first, second, last, quadratic = _correct(
                g, decode, offsets, shape, z, row, scale, work_all[b], 1, max_newton,
                newton_tol, chord_rate, True, res, jac, u, d, sigma, work, rhs, x, pivots,
                dims)
            contraction = second / first if first > 0 else 0.0
            accept = (ok and last <= newton_tol and z[size] >= 0.0
                      and first <= nominal_distance and contraction <= nominal_contraction)
            if accept:
                for k in range(size + 1):
                    if not np.isfinite(z[k]):
                        accept = False
            if accept:
                angle = _turn(t0, scale, work, pivots, rhs, tan, dims)
                accept = angle < 2.0 * stride * nominal_angle and (
                    orient_all[b] == 0 or _orientation(work, pivots) == orient_all[b])
            if not accept:
                status_all[b] = FAILED
                break
            for k in range(size + 1):
                z0[k] = z[k]
                t0[k] = tan[k]
                base[k] = src[b, p, k]
                z_all[b, k] = z[k]
                t_all[b, k] = tan[k]
            steps_all[b] += 1
            _record(rec, rec_n, b, z)
            h_all[b] = secant
            regret_all[b] = _regret(u, sigma, offsets, shape, dims)
            if regret_all[b] <= stop_regret:
                status_all[b] = STOPPED
                break


@njit(cache=True)
def _at_lambda(g, decode, offsets, shape, z0, z1, lam, out, res, jac, u, d, sigma, work,
               rhs, x, pivots, dims=None):  # fmt: skip
    """The branch's probabilities at exactly ``lam`` between two accepted points: Newton
    in ``y`` with lambda fixed, from the linear interpolation."""
    size = _layout(dims, None, None, z0.shape[0] - 1)[3]
    span = z1[size] - z0[size]
    w = 0.0 if span == 0 else (lam - z0[size]) / span
    z = np.empty(size + 1)
    for k in range(size + 1):
        z[k] = (1 - w) * z0[k] + w * z1[k]
    z[size] = lam
    fix = np.zeros(size + 1)
    fix[size] = 1.0
    for _ in range(50):
        _system(g, decode, offsets, shape, z, res, jac, u, d, sigma, dims)
        for k in range(size):
            res[k] = -res[k]
        if not _augmented(jac, fix, res, 0.0, x, work, rhs, pivots, dims):
            break
        big = 0.0
        for k in range(size):
            z[k] += x[k]
            big = max(big, abs(x[k]))
        if big <= 1e-14 * (1.0 + abs(lam)):
            break
    for k in range(size):
        out[k] = np.exp(z[k])


@njit(cache=True)
def _start(games, decode, offsets, shape, z_all, t_all, orient_all, dims=None):
    """The uniform profile at lambda = 0, its tangent (lambda increasing) and the branch's
    orientation there (:func:`_orientation`; 0 where the system is singular: not
    checked), for every game."""
    count = games.shape[0]
    size = z_all.shape[1] - 1
    n = games.shape[1]
    res, jac, u, d, sigma, work, rhs, x, pivots = _workspace(n, size, shape)
    lam_dir = np.zeros(size + 1)
    lam_dir[size] = 1.0
    zeros = np.zeros(size)
    for b in range(count):
        for i in range(n):
            for j in range(shape[i]):
                z_all[b, offsets[i] + j] = -np.log(shape[i])
        z_all[b, size] = 0.0
        _system(games[b], decode, offsets, shape, z_all[b], res, jac, u, d, sigma, dims)
        orient_all[b] = 0
        if _augmented(jac, lam_dir, zeros, 1.0, x, work, rhs, pivots, dims):
            nrm = np.sqrt(np.sum(x * x))
            for k in range(size + 1):
                t_all[b, k] = x[k] / nrm
            orient_all[b] = _orientation(work, pivots)
        else:
            for k in range(size + 1):
                t_all[b, k] = lam_dir[k]


@functools.cache
def kernels(dims: tuple[int, ...] | None) -> SimpleNamespace:
    """The entry points ``start``, ``trace`` and ``warm`` compiled for games of one shape
    ``dims`` (actions per player: every size a compile-time constant, see :func:`_layout`)
    or, with ``dims`` None, for any shape (the sizes read from the arrays at run time). The
    same functions either way, so the same floating-point operations in the same order:
    only loop bounds and indices become constants. Each is a closure over ``dims`` alone,
    so numba's on-disk cache keys it by the shape (a second process loads it)."""
    dims = None if dims is None else tuple(int(m) for m in dims)

    @njit(cache=True)
    def start_k(games, decode, offsets, shape, z_all, t_all, orient_all):
        _start(games, decode, offsets, shape, z_all, t_all, orient_all, dims)

    @njit(cache=True)
    def trace_k(games, decode, offsets, shape, which, z_all, t_all, h_all, steps_all,
                status_all, regret_all, work_all, orient_all, stop_regret, lambda_max,
                targets, points, params, rec, rec_n):  # fmt: skip
        _trace(games, decode, offsets, shape, which, z_all, t_all, h_all, steps_all,
               status_all, regret_all, work_all, orient_all, stop_regret, lambda_max,
               targets, points, params, rec, rec_n, dims)  # fmt: skip

    @njit(cache=True)
    def warm_k(games, decode, offsets, shape, which, z_all, t_all, h_all, steps_all,
               status_all, regret_all, work_all, orient_all, stop_regret, src, src_n, params,
               rec, rec_n):  # fmt: skip
        _warm(games, decode, offsets, shape, which, z_all, t_all, h_all, steps_all,
              status_all, regret_all, work_all, orient_all, stop_regret, src, src_n, params,
              rec, rec_n, dims)  # fmt: skip

    return SimpleNamespace(start=start_k, trace=trace_k, warm=warm_k)


def start(*args, dims=None):
    """:func:`_start` (the uniform profile and its tangent), compiled for ``dims``."""
    kernels(dims).start(*args)


def trace(*args, dims=None):
    """:func:`_trace` (advance the cold traces), compiled for ``dims``."""
    kernels(dims).trace(*args)


def warm(*args, dims=None):
    """:func:`_warm` (follow the warm sources), compiled for ``dims``."""
    kernels(dims).warm(*args)


@njit(cache=True)
def lu_steps(jac, res, step, cond_max):
    """The polish's Newton steps (:func:`sim.stochastic.qre.polish`) where they are well
    conditioned: ``step[z] = -J_z^{-1} res[z]`` for each ``J_z = jac[z]`` ``(N, M, M)``
    whose 1-norm condition number ``||J||_1 ||J^{-1}||_1`` is at most ``cond_max``; returns
    which rows ``(N,)`` (the others of ``step`` are left as they were). The solve is the
    tracer's own elimination with partial pivoting (:func:`_solve`; Golub and Van Loan,
    *Matrix Computations*, 4th ed., 2013, alg. 3.4.1), and ``||J^{-1}||_1`` is computed
    exactly from its factors, a column of ``J^{-1}`` at a time (:func:`_resolve`), not
    estimated. A zero or non-finite pivot, a non-finite entry or a larger condition
    number declines the matrix."""
    count, m, _ = jac.shape
    done = np.zeros(count, dtype=np.bool_)
    a = np.empty((m, m))
    pivots = np.empty(m, dtype=np.int64)
    b = np.empty(m)
    x = np.empty(m)
    col = np.empty(m)
    for z in range(count):
        norm = 0.0
        finite = True
        for j in range(m):
            total = 0.0
            for i in range(m):
                v = jac[z, i, j]
                a[i, j] = v
                if not np.isfinite(v):
                    finite = False
                total += abs(v)
            norm = max(norm, total)
        if not finite or norm == 0.0:
            continue
        for i in range(m):
            b[i] = res[z, i]
        if not _solve(a, b, x, pivots):
            continue
        inverse = 0.0
        for c in range(m):
            for i in range(m):
                b[i] = 0.0
            b[c] = 1.0
            if not _resolve(a, pivots, b, col):
                inverse = np.inf
                break
            total = 0.0
            for i in range(m):
                total += abs(col[i])
            inverse = max(inverse, total)
        if not norm * inverse <= cond_max:
            continue
        for i in range(m):
            step[z, i] = -x[i]
        done[z] = True
    return done
