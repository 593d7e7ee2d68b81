"""The engine's solve: forms and batches agree, rounds can differ, outcomes are
distributions, robustness is reported, bad requests are refused before any work."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim.errors import ConvergenceError, EngineError
from sim.stochastic import (
    MAX_HORIZON,
    SparseTransitions,
    StochasticGame,
    join_chunks,
    solve,
    solve_chunk,
)
from tests.stochastic_games import factored_example, random_dense_game


def _forms(rng: np.random.Generator, batch: int | None = None, discount: float = 0.8
           ) -> dict[str, StochasticGame]:  # fmt: skip
    law, dense, shape = factored_example(rng, batch)
    n_states = dense.shape[-1]
    lead = () if batch is None else (batch,)
    u = rng.normal(size=(*lead, n_states, 3, *shape))
    succ = np.broadcast_to(np.arange(n_states), dense.shape).copy()
    return {
        "dense": StochasticGame(u, dense, discount),
        "sparse": StochasticGame(u, SparseTransitions(succ, dense), discount),
        "factored": StochasticGame(u, law, discount),
    }


def test_the_three_forms_solve_to_the_same_equilibrium() -> None:
    """The same law in dense, sparse and factored form gives the same strategies and
    values (to rounding: the forms sum in different orders)."""
    games = _forms(np.random.default_rng(5))
    results = {name: solve(g, 6) for name, g in games.items()}
    ref = results["dense"]
    assert ref.verify().ok
    for name, res in results.items():
        np.testing.assert_allclose(res.strategy, ref.strategy, atol=1e-7, err_msg=name)
        np.testing.assert_allclose(res.values, ref.values, atol=1e-9, err_msg=name)
        np.testing.assert_allclose(res.distribution(0), ref.distribution(0), atol=1e-9,
                                   err_msg=name)  # fmt: skip


@pytest.mark.parametrize("form", ["dense", "factored"])
@pytest.mark.parametrize(("horizon", "rule"), [(4, "qre"), (None, "player-optimal")])
def test_a_batch_equals_each_game_alone_exactly(form: str, horizon: int | None, rule: str
                                                ) -> None:  # fmt: skip
    """Solving a batch of games in one call gives, for each game, exactly (bit for bit)
    what solving it alone gives: the kernel treats the batch axis element-wise. (The
    stationary case selects player-optimal equilibria: with QRE selection the iteration
    cycles on one of these random games, between a pure and a mixed equilibrium of a
    state that leads back to itself, and says so.)"""
    games = _forms(np.random.default_rng(8), batch=3, discount=0.2)
    batch = games[form]
    together = solve(batch, horizon, selection=rule)
    for b in range(3):
        alone = solve(batch.take([b]), horizon, selection=rule)
        np.testing.assert_array_equal(together.strategy[b], alone.strategy[0])
        np.testing.assert_array_equal(together.values[b], alone.values[0])
        np.testing.assert_array_equal(together.robust[b], alone.robust[0])


def test_a_shock_in_one_round_changes_only_that_round_and_earlier() -> None:
    """Backward induction: round ``t``'s equilibrium depends on rounds ``t..T-1`` only, so
    changing round 5's payoffs leaves rounds 6.. untouched and the sequence of one repeated
    game equals the same game with a horizon."""
    rng = np.random.default_rng(2)
    base = random_dense_game(rng, 4, (2, 3), 0.9)
    shock = base.with_payoffs(base.payoffs + rng.normal(size=base.payoffs.shape))
    rounds = [base] * 5 + [shock] + [base] * 4
    plain = solve(base, 10)
    np.testing.assert_array_equal(solve([base] * 10).strategy, plain.strategy)
    shocked = solve(rounds)
    np.testing.assert_array_equal(shocked.strategy[6:], plain.strategy[6:])
    np.testing.assert_array_equal(shocked.values[6:], plain.values[6:])
    assert not np.allclose(shocked.values[5], plain.values[5])
    np.testing.assert_allclose(shocked.stage_game(5, 0).payoffs,
                               shock.payoffs[0] + 0.9 * np.einsum(
                                   "abt,tn->nab", shock.transitions.probabilities[0],
                                   shocked.values[6]), atol=1e-12)  # fmt: skip


def test_distributions_are_probabilities_and_agree_with_sampling() -> None:
    """Exact propagation keeps total mass 1 and never makes a probability negative; the
    empirical state frequencies of sampled paths agree with it within 5 standard errors."""
    games = _forms(np.random.default_rng(3))
    res = solve(games["factored"], 8)
    dist = res.distribution(0)
    assert dist.shape == (9, games["factored"].n_states)
    np.testing.assert_allclose(dist.sum(axis=1), 1.0, atol=1e-12)
    assert dist.min() >= 0
    # the absorbing state's probability never falls
    assert np.all(np.diff(dist[:, -1]) >= -1e-15)
    paths = 4000
    sample = res.sample(0, paths=paths, seed=3)
    assert sample.states.shape == (paths, 9) and sample.actions.shape == (paths, 8, 3)
    for t in (1, 4, 8):
        freq = np.bincount(sample.states[:, t], minlength=dist.shape[1]) / paths
        se = np.sqrt(dist[t] * (1 - dist[t]) / paths)
        assert np.all(np.abs(freq - dist[t]) <= 5 * se + 1e-9)
    acts = res.action_distribution(0)
    np.testing.assert_allclose(acts.sum(axis=2), 1.0, atol=1e-12)


def test_first_round_of_an_absorbing_event_matches_the_distribution() -> None:
    """For an absorbing event the probability it has happened by round ``t`` is the
    distribution's mass on it in round ``t``; the first-round probabilities are its
    increments, and "never" is the rest."""
    games = _forms(np.random.default_rng(4))
    res = solve(games["dense"], 10)
    gone = games["dense"].n_states - 1
    first = res.first_round(0, states=[gone])
    dist = res.distribution(0)
    np.testing.assert_allclose(np.cumsum(first.probability), dist[:, gone], atol=1e-12)
    np.testing.assert_allclose(first.never, 1 - dist[-1, gone], atol=1e-12)


def test_first_round_of_an_action() -> None:
    """The first round a player plays an action: in a one-state game where it plays it
    with probability ``p`` each round, the first round is geometric: ``(1 - p)^t p``."""
    # Player 0 is indifferent (payoffs 0) so QRE has it mix uniformly: p = 1/2.
    u = np.zeros((1, 1, 2))
    game = StochasticGame(u, np.ones((1, 2, 1)), 0.5, players=["x"], actions=[["a", "b"]])
    res = solve(game, 6)
    first = res.first_round(0, player="x", actions=["b"])
    np.testing.assert_allclose(first.probability[:6], 0.5 ** np.arange(1, 7), atol=1e-15)
    assert first.probability[6] == 0
    np.testing.assert_allclose(first.never, 0.5**6)


def test_robustness_flags() -> None:
    """A stage game with two pure equilibria (coordination) is not robust; one solved by
    dominance (a prisoner's dilemma) is robust, and the comparison is complete."""
    coord = np.stack([np.array([[2.0, 0], [0, 1]]), np.array([[2.0, 0], [0, 1]])])
    pd = np.stack([np.array([[3.0, 0], [5, 1]]), np.array([[3.0, 5], [0, 1]])])
    u = np.stack([coord, pd])
    trans = np.zeros((2, 2, 2, 2))
    trans[0, ..., 0] = 1.0
    trans[1, ..., 1] = 1.0
    res = solve(StochasticGame(u, trans, 0.0), 1)
    assert res.robust[0].tolist() == [False, True]
    assert res.complete[0, 1]
    assert str(res.path[0, 1]) == "dominance"
    assert set(res.path_counts) >= {"dominance", "traced"}


@pytest.mark.parametrize("batch", [None, 2])
def test_the_robustness_search_afterwards_equals_the_search_during_the_solve(
    batch: int | None,
) -> None:
    """``search_robust(where)`` after a ``robust=False`` solve sets, where asked, exactly the
    flags a ``robust=True`` solve sets (the same stage games, the same selected profiles,
    the same search), keeps the exact paths' flags, and leaves the others unknown (False).
    Random 3-player games with 2 and 3 actions have many stage games with several
    equilibria, so both flag values occur."""
    rng = np.random.default_rng(11)
    game = random_dense_game(rng, 6, (2, 3, 2), 0.7, batch)
    full = solve(game, 5)
    quick = solve(game, 5, robust=False)
    np.testing.assert_array_equal(quick.strategy, full.strategy)
    where = np.zeros(np.shape(full.robust), dtype=bool)
    where[..., ::2, :] = True  # every other round
    later = quick.search_robust(where)
    exact = np.isin(full.path, ["constant", "dominance", "cyclic"])
    asked = where | exact
    assert (~full.robust[asked]).any() and full.robust[asked].any()
    np.testing.assert_array_equal(later.robust[asked], full.robust[asked])
    np.testing.assert_array_equal(later.robust_players[asked], full.robust_players[asked])
    assert not later.robust[~asked].any() and not later.robust_players[~asked].any()
    everywhere = quick.search_robust()
    np.testing.assert_array_equal(everywhere.robust, full.robust)
    np.testing.assert_array_equal(everywhere.robust_players, full.robust_players)
    with pytest.raises(EngineError, match="where must have shape"):
        quick.search_robust(where[..., 1:])


@pytest.mark.parametrize("rule", ["inertia", "player-optimal", "welfare"])
def test_a_rule_picks_the_same_without_the_robustness_search(rule: str) -> None:
    """Without the robustness search a rule checks exactly only the two-mixer candidates
    its pick depends on; the pick is bit for bit the one made after checking them all,
    and the flags of the searched games are left unknown. Random 3-player games with
    two actions each often have no pure equilibrium, so the mixed pick is exercised."""
    rng = np.random.default_rng(12)
    game = random_dense_game(rng, 8, (2, 2, 2), 0.6, 2)
    full = solve(game, 4, selection=rule)
    quick = solve(game, 4, selection=rule, robust=False)
    assert full.path_counts.get("small-support", 0) > 0
    np.testing.assert_array_equal(quick.strategy, full.strategy)
    np.testing.assert_array_equal(quick.path, full.path)
    exact = np.isin(full.path, ["constant", "dominance", "cyclic"])
    assert not quick.robust[~exact].any()


def test_welfare_ignores_a_positive_affine_change_of_one_player() -> None:
    """The welfare rule normalises each player's stage payoffs, so multiplying one player's
    payoffs by 1000 and adding 7 selects the same equilibria."""
    rng = np.random.default_rng(6)
    game = random_dense_game(rng, 3, (3, 3), 0.0)
    u = game.payoffs.copy()
    u[:, 1] = 1000 * u[:, 1] + 7
    other = game.with_payoffs(u)
    a = solve(game, 3, selection="welfare")
    b = solve(other, 3, selection="welfare")
    np.testing.assert_allclose(a.strategy, b.strategy, atol=1e-9)


@pytest.mark.slow
def test_chunks_on_every_executor_equal_one_call() -> None:
    """A batch split into chunks (the executors' unit of work: the module-level
    ``solve_chunk``) and joined equals the batch solved in one call, exactly; a process
    pool and a local Dask cluster (when the dask extra is installed) give the same bits as
    in-process."""
    from sim.sweep.executors import open_executor

    games = _forms(np.random.default_rng(9), batch=4)
    batch = games["factored"]
    whole = solve(batch, 3)
    tasks = [(batch, 0, 2, 3), (batch, 2, 4, 3)]
    executors = ["inprocess", "processes"]
    try:
        import dask.distributed  # noqa: F401

        executors.append("dask")
    except ImportError:
        pass
    for executor in executors:
        with open_executor(executor, 2) as (pool, _):
            futures = [pool.submit(solve_chunk, *task) for task in tasks]
            parts = [f.result() for f in futures]
        joined = join_chunks(batch, 3, parts)
        np.testing.assert_array_equal(joined.strategy, whole.strategy)
        np.testing.assert_array_equal(joined.values, whole.values)
        np.testing.assert_array_equal(joined.robust, whole.robust)


def _tiny() -> StochasticGame:
    return random_dense_game(np.random.default_rng(0), 2, (2, 2), 0.9)


BAD_SOLVES = {
    "horizon-0": (lambda: solve(_tiny(), 0), "horizon must be between 1 and"),
    "horizon-billion": (lambda: solve(_tiny(), 10**9), f"between 1 and {MAX_HORIZON:,}"),
    "horizon-float": (lambda: solve(_tiny(), 2.5), "horizon must be a whole number"),
    "selection": (lambda: solve(_tiny(), selection="best"), "unknown selection 'best'"),
    "fallback": (lambda: solve(_tiny(), selection="inertia", fallback="qre"),
                 "fallback must be one of"),  # fmt: skip
    "focal": (lambda: solve(_tiny(), focal_player="nobody"), "no player 'nobody'"),
    "budget": (lambda: solve(_tiny(), 1000, memory_budget=10_000), "over the memory budget"),
    "sequence-horizon": (lambda: solve([_tiny()] * 3, 4), "a sequence of 3 games"),
    "sequence-mixed": (lambda: solve([_tiny(), random_dense_game(np.random.default_rng(1), 3)]),
                       "other states"),  # fmt: skip
    "terminal": (lambda: solve(_tiny(), 2, terminal=np.zeros(3)), "terminal values must"),
    "not-a-game": (lambda: solve("game.yaml"), "solve needs a StochasticGame"),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("kind", sorted(BAD_SOLVES))
def test_bad_requests_are_one_engine_error(kind: str) -> None:
    call, fragment = BAD_SOLVES[kind]
    with pytest.raises(EngineError) as info:
        call()
    assert str(info.value).startswith("engine: ") and fragment in str(info.value)


def test_a_solve_beyond_the_budget_is_refused_before_any_work() -> None:
    """10,000 states x 81 profiles x 2 games of work space is over a 100 MB budget: refused
    at once (the payoffs are zeros: nothing would be cheap to solve anyway)."""
    from sim.stochastic import Factor, FactoredTransitions

    law = FactoredTransitions((Factor("x", np.full((100, 100), 0.01), ("x",)),
                               Factor("y", np.full((100, 100), 0.01), ("y",))))  # fmt: skip
    game = StochasticGame(np.zeros((2, law.n_states, 4, 3, 3, 3, 3)), law, 0.9)
    with pytest.raises(EngineError, match="over the memory budget"):
        solve(game, 2, memory_budget=100 * 2**20)


def test_a_cycling_iteration_raises_convergence_error() -> None:
    """With a bound of 3 iterations the stationary iteration cannot meet its stopping rule
    at discount 0.9: it says so instead of returning an answer."""
    with pytest.raises(ConvergenceError, match="did not converge within 3 iterations"):
        solve(_tiny(), max_iterations=3)


def test_iteration_bound_of_a_subnormal_discount() -> None:
    """A discount so small that ``stop (1 - d) / d`` overflows (hypothesis found
    ``d = 5e-324`` in the Green-Porter test) is a contraction that needs no iterations:
    the bound is the floor of 100, as for any ``d`` whose first step already meets the
    stopping rule; a usual discount needs ``4 ceil(log(stop (1 - d) / d) / log d) + 100``."""
    import math

    from sim.stochastic.solver import iteration_bound

    assert iteration_bound(5e-324, 1e-10) == 100
    assert iteration_bound(1e-300, 1e-10) == 100
    need = math.log(1e-10 * 0.05 / 0.95) / math.log(0.95)
    assert iteration_bound(0.95, 1e-10) == 4 * math.ceil(need) + 100


def test_a_solve_runs_openblas_on_one_thread_and_restores_its_count() -> None:
    """``solver.one_blas_thread``: every BLAS library the process loaded (numpy's OpenBLAS)
    runs one thread inside the block, nested blocks keep the limit until the outermost one
    ends, and then each library's previous count is back (set to 2 first, so that it
    differs from the limit); and a solve runs inside such a block (its products read the
    count while it runs)."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from sim.stochastic import solver
    from sim.stochastic.solver import one_blas_thread

    def counts() -> list[int]:
        return [int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]

    if not counts():
        pytest.skip("no BLAS library that threadpoolctl can limit is loaded")
    with threadpool_limits(limits=2, user_api="blas"):
        before = counts()
        assert before and all(c == 2 for c in before)
        with one_blas_thread():
            assert counts() == [1] * len(before)
            with one_blas_thread():
                assert counts() == [1] * len(before)
            assert counts() == [1] * len(before)
        assert counts() == before
        seen: list[list[int]] = []
        real = solver.backward

        def spy(*args: Any, **kwargs: Any) -> Any:
            seen.append(counts())
            return real(*args, **kwargs)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("sim.stochastic.api.backward", spy)
            solve(StochasticGame(payoffs=np.zeros((1, 1, 1)), transitions=np.ones((1, 1, 1)),
                                 discount=0.5), horizon=2)  # fmt: skip
        assert seen == [[1] * len(before)] and counts() == before
