"""The polish's Newton system (sim.stochastic.qre._support_system) against its definition.

The residual of a profile ``x`` on a support: for each player ``i`` with reference action
``r_i`` (its most likely), ``sum_j x_ij - 1`` in ``r_i``'s row, ``U_ij(x) - U_ir_i(x)`` in a
row of another support action, ``x_ij`` in a row outside the support (``U_ij`` the
expected payoff of ``i``'s action ``j`` when the others play ``x``). Every entry is affine
in each single coordinate of ``x`` (``U_ij`` is multilinear in the other players'
probabilities and does not read ``i``'s own), so a central difference
``(F(x + h e_c) - F(x - h e_c)) / 2h`` is its partial derivative up to rounding: the
Jacobian must be that, column by column."""

from __future__ import annotations

import numpy as np
import pytest

from sim.stochastic import qre


def _definition(games: np.ndarray, x: np.ndarray, support: np.ndarray,
                ref: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:  # fmt: skip
    """The residual written out row by row from expected payoffs (``games`` ``(N, n, *m)``)."""
    lay = qre._Layout(shape)
    n = len(shape)
    out = np.zeros(x.shape)
    for z in range(x.shape[0]):
        for i, m in enumerate(shape):
            o = lay.offsets[i]
            # U_ij: i's payoff of each action against the others' mixed play
            u = np.moveaxis(games[z, i], i, 0)
            for k in reversed(range(n)):
                if k != i:
                    axis = k + 1 if k < i else k
                    u = np.tensordot(u, x[z, lay.offsets[k]: lay.offsets[k] + shape[k]],
                                     axes=([axis], [0]))  # fmt: skip
            for j in range(m):
                row = o + j
                if row == ref[i][z]:
                    out[z, row] = x[z, o: o + m].sum() - 1.0
                elif support[z, row]:
                    out[z, row] = u[j] - u[ref[i][z] - o]
                else:
                    out[z, row] = x[z, row]
    return out


@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (2, 3, 4), (3, 2)])
def test_the_support_system_is_the_residual_and_its_derivative(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(11)
    count = 7
    lay = qre._Layout(shape)
    games = rng.normal(size=(count, len(shape), *shape))
    x = np.concatenate([rng.dirichlet(np.ones(m), size=count) for m in shape], axis=1)
    support = rng.random(x.shape) < 0.6
    ref = [lay.offsets[i] + x[:, lay.block(i)].argmax(axis=1) for i in range(len(shape))]
    for r in ref:
        support[np.arange(count), r] = True
    ev = qre._Evaluator(shape)
    res, jac = qre._support_system(ev, games, x, support, ref)
    np.testing.assert_allclose(res, _definition(games, x, support, ref, shape), atol=1e-12)
    h = 1e-4
    for c in range(x.shape[1]):
        up, down = x.copy(), x.copy()
        up[:, c] += h
        down[:, c] -= h
        slope = (_definition(games, up, support, ref, shape)
                 - _definition(games, down, support, ref, shape)) / (2 * h)  # fmt: skip
        np.testing.assert_allclose(jac[:, :, c], slope, atol=1e-9)
    # the rows differ in kind, so a Jacobian of one kind everywhere could not pass
    assert np.any(jac == 1.0) and np.any((jac != 0.0) & (jac != 1.0))


@pytest.mark.parametrize("shape", [(3, 3, 3, 3), (2, 3, 4), (3, 2, 3, 2, 2), (3, 2)])
def test_payoffs_without_derivatives_are_the_same_floats(shape: tuple[int, ...]) -> None:
    """``values(..., derivatives=False)`` (the regret check's route) runs only the
    contractions ``U`` is read from: ``U`` must be bit for bit the full plan's (the same
    steps on the same buffers), and both must be the expected payoffs written out from
    their definition (to rounding), on fewer contractions where there are more than three
    players."""
    rng = np.random.default_rng(13)
    count = 9
    lay = qre._Layout(shape)
    games = rng.normal(size=(count, len(shape), *shape))
    x = np.concatenate([rng.dirichlet(np.ones(m), size=count) for m in shape], axis=1)
    ev = qre._Evaluator(shape)
    full, pairs = ev.values(games, lay.split(x))
    bare, some = ev.values(games, lay.split(x), derivatives=False)
    np.testing.assert_array_equal(bare, full)
    assert set(some) <= set(pairs)
    # U_ij - U_ir from the definition's residual (every action in the support)
    support = np.ones(x.shape, dtype=bool)
    ref = [np.full(count, lay.offsets[i]) for i in range(len(shape))]
    want = _definition(games, x, support, ref, shape)
    for i in range(len(shape)):
        b = lay.block(i)
        got = bare[:, b] - bare[:, lay.offsets[i]][:, None]
        np.testing.assert_allclose(got[:, 1:], want[:, b][:, 1:], atol=1e-12)
    if len(shape) > 3:
        assert len(qre._u_plan(shape)) < len(ev.steps)
    if len(shape) > 3:
        assert len(qre._u_plan(shape)) < len(ev.steps)


def _conditioned(rng: np.random.Generator, m: int, ratio: float) -> np.ndarray:
    """A random ``(m, m)`` matrix whose singular values run from 1 down to ``1 / ratio``
    (random orthogonal factors from QR: Golub and Van Loan 2013, sec. 5.2)."""
    u = np.linalg.qr(rng.normal(size=(m, m)))[0]
    v = np.linalg.qr(rng.normal(size=(m, m)))[0]
    return (u * np.geomspace(1.0, 1.0 / ratio, m)) @ v.T


def test_the_lu_step_is_the_solve_where_well_conditioned_and_declines_the_rest() -> None:
    """``logit_kernel.lu_steps`` on 12 x 12 matrices: where the 1-norm condition number
    (``numpy.linalg.cond(J, 1)``, LAPACK's SVD-free exact inverse) is at most the bound, the
    step is ``-numpy.linalg.solve(J, r)`` (LAPACK's ``gesv``) to rounding and the row is
    marked; a matrix above the bound, an exactly singular one (a repeated row), one with a
    NaN and the zero matrix are declined and their rows of ``step`` left as they were."""
    from sim.stochastic.logit_kernel import lu_steps

    rng = np.random.default_rng(3)
    m, bound = 12, 1e3
    good = [_conditioned(rng, m, r) for r in (1.0, 3.0, 10.0, 30.0)]
    bad = [_conditioned(rng, m, r) for r in (1e4, 1e8)]
    singular = rng.normal(size=(m, m))
    singular[5] = singular[2]
    nan = rng.normal(size=(m, m))
    nan[3, 7] = np.nan
    jac = np.stack([*good, *bad, singular, nan, np.zeros((m, m))])
    assert all(np.linalg.cond(j, 1) <= bound for j in good)
    assert all(np.linalg.cond(j, 1) > 10 * bound for j in bad)
    res = rng.normal(size=(jac.shape[0], m))
    step = np.full(res.shape, 7.0)
    done = lu_steps(jac, res, step, bound)
    np.testing.assert_array_equal(done, [True] * len(good) + [False] * 5)
    for z in range(len(good)):
        want = -np.linalg.solve(jac[z], res[z])
        np.testing.assert_allclose(step[z], want, rtol=0, atol=1e-13 * np.abs(want).max())
    assert np.all(step[len(good):] == 7.0)


def test_the_polish_by_lu_steps_is_the_pseudo_inverse_polish_to_rounding(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The polish of traced limits (60 random 4-player, 3-action games and 60 of 3 x 2 x 4,
    and the same games with player 0's payoffs made constant, whose limits are continua)
    with its well-conditioned Newton steps by LU and with every step by the pseudo-inverse
    (``POLISH_CONDITION = 0``: the polish before wave 16): the same flags and profiles within
    1e-13, and both routes taken."""
    from sim.stochastic import logit_kernel

    rng = np.random.default_rng(8)
    calls = {"lu": 0, "all": 0}
    real = logit_kernel.lu_steps

    def counted(jac: np.ndarray, res: np.ndarray, step: np.ndarray, bound: float) -> np.ndarray:
        done = real(jac, res, step, bound)
        if bound > 0:  # the LU route's own calls, not the pseudo-inverse polish's
            calls["lu"] += int(done.sum())
            calls["all"] += done.size
        return done

    monkeypatch.setattr(logit_kernel, "lu_steps", counted)
    for shape in [(3, 3, 3, 3), (3, 2, 4)]:
        games = rng.normal(size=(60, len(shape), *shape))
        flat_games = games.copy()
        flat_games[:, 0] = 1.0
        games = np.concatenate([games, flat_games])
        norm, _ = qre.normalise(games)
        tracer = qre.LogitTracer(norm)
        tracer.run(np.arange(games.shape[0]))
        flat = tracer.profiles()
        by_lu, ok_lu = qre.polish(norm, flat, shape)
        with monkeypatch.context() as patch:
            patch.setattr(qre, "POLISH_CONDITION", 0.0)
            by_svd, ok_svd = qre.polish(norm, flat, shape)
        np.testing.assert_array_equal(ok_lu, ok_svd)
        np.testing.assert_allclose(by_lu, by_svd, rtol=0, atol=1e-13)
    assert 0 < calls["lu"] < calls["all"]
