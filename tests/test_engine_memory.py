"""What the engine keeps between and within rounds: the tracer's record of accepted points
(:func:`sim.stochastic.qre.point_buffer`), the warm sources gathered for the kernel
(:meth:`sim.stochastic.stage.WarmSources.gather`) and the trace cache's byte budget
(:class:`sim.stochastic.stage.TraceCache`). Storage only: what is read back must be what
was written, and the answers must not depend on how much is kept."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from sim.stochastic import qre
from sim.stochastic.qre import LogitTracer, logit_limits, point_buffer
from sim.stochastic.stage import TraceCache, WarmSources, _certified, select_stage


@pytest.mark.parametrize("small", [0, qre.SMALL_BUFFER])
def test_a_point_buffer_reads_back_what_was_written_and_zeros_elsewhere(
        small: int, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Ragged rows of random points written into a buffer read back bit for bit; the rest
    of every row is 0 (an anonymous map is zero-filled, and so is ordinary memory below
    ``SMALL_BUFFER``: both routes), and an empty shape works."""
    monkeypatch.setattr(qre, "SMALL_BUFFER", small)
    rng = np.random.default_rng(5)
    counts = rng.integers(0, 40, size=60)
    rows = [rng.normal(size=(int(c), 7)) for c in counts]
    buf = point_buffer(60, int(counts.max()), 7)
    assert buf.shape == (60, int(counts.max()), 7) and buf.dtype == np.float64
    for r, p in enumerate(rows):
        buf[r, : p.shape[0]] = p
    for r, p in enumerate(rows):
        np.testing.assert_array_equal(buf[r, : p.shape[0]], p)
        assert not buf[r, p.shape[0]:].any()
    # the route taken: a memory map's buffer, or numpy's own memory
    assert (buf.base is None) == (small > 0)
    assert point_buffer(3, 0, 7).shape == (3, 0, 7)
    assert point_buffer(0, 5, 7).shape == (0, 5, 7)


def test_the_record_holds_the_trace_accepted_points() -> None:
    """The chord trace appends every accepted point to its game's record: as many as its
    accepted steps (when at most the record's length), the last one the point the trace
    stopped at, lambda (the last coordinate) increasing along them (the principal branch
    is followed from lambda = 0 without turning back in these generic games)."""
    games = np.random.default_rng(8).normal(size=(6, 3, 3, 2, 3))
    norm, _ = qre.normalise(games)
    tracer = LogitTracer(norm, chord=True, record=qre.RECORD)
    tracer.run(np.arange(6))
    for b in range(6):
        count = int(tracer.recorded[b])
        assert count == int(tracer.state.steps[b])
        assert 0 < count <= qre.RECORD
        np.testing.assert_array_equal(tracer.record[b, count - 1], tracer.state.z[b])
        assert np.all(np.diff(tracer.record[b, :count, -1]) > 0)


def test_the_record_of_a_batch_with_constant_games_is_each_game_alone() -> None:
    """A constant game is not traced (its row records nothing); the traced games' records,
    copied into the batch's rows, are bit for bit what each records traced alone."""
    rng = np.random.default_rng(9)
    games = rng.normal(size=(4, 2, 3, 3))
    games[1] = 2.5
    size = qre.flat_size((3, 3)) + 1

    def cold(g: np.ndarray) -> qre.Limits:
        empty = (np.zeros((g.shape[0], 0, size)), np.zeros(g.shape[0], dtype=np.int64))
        return logit_limits(g, 1e-7, warm=empty)

    batch = cold(games)
    assert batch.record is not None and batch.recorded is not None
    assert batch.recorded[1] == 0 and not batch.record[1].any()
    for b in (0, 2, 3):
        alone = cold(games[b : b + 1])
        assert alone.record is not None and alone.recorded is not None
        count = int(alone.recorded[0])
        assert count == batch.recorded[b] and 0 < count <= qre.RECORD
        np.testing.assert_array_equal(batch.record[b, :count], alone.record[0, :count])


def test_gathered_sources_are_the_rows_sources() -> None:
    """Each gathered row is its source's points (bit for bit) then zeros, its count the
    source's length; a row without a source counts 0."""
    rng = np.random.default_rng(2)
    sources = WarmSources()
    held = {3: rng.normal(size=(5, 4)), 7: rng.normal(size=(11, 4)), 9: rng.normal(size=(1, 4))}
    for row, points in held.items():
        sources.set(row, points)
    points, counts = sources.gather([7, 4, 3, 9], 4)
    assert points.shape[0] == 4 and points.shape[1] >= 11 and points.shape[2] == 4
    np.testing.assert_array_equal(counts, [11, 0, 5, 1])
    for r, row in enumerate([7, 4, 3, 9]):
        if row in held:
            np.testing.assert_array_equal(points[r, : counts[r]], held[row])
        assert not points[r, counts[r]:].any()


def test_sources_gathered_into_a_reused_buffer_are_the_rows_sources() -> None:
    """The gather buffer is reused from call to call and not cleared: after a gather of
    long sources, a gather of shorter ones (into the same memory, its rows' tails still
    holding the first call's points) must read back each row's own source, bit for bit,
    for its count; the first gather's arrays are overwritten (the buffer is reused)."""
    rng = np.random.default_rng(21)
    sources = WarmSources()
    for row in range(6):
        sources.set(row, rng.normal(size=(30, 5)))
    first, _ = sources.gather([0, 1, 2, 3, 4, 5], 5)
    before = first.copy()
    held = {1: rng.normal(size=(4, 5)), 4: rng.normal(size=(9, 5))}
    for row, points in held.items():
        sources.set(row, points)
    sources.set(0, np.zeros((0, 5)))  # dropped: counts 0
    points, counts = sources.gather([4, 0, 1], 5)
    np.testing.assert_array_equal(counts, [9, 0, 4])
    for r, row in enumerate([4, 0, 1]):
        if row in held:
            np.testing.assert_array_equal(points[r, : counts[r]], held[row])
    assert np.shares_memory(points, first) and not np.array_equal(first, before)


def test_a_reused_record_buffer_gives_the_same_limits_and_records() -> None:
    """``logit_limits`` recording into a :class:`~sim.stochastic.qre.Scratch` buffer (the
    engine's route: reused each round, not cleared) gives the profiles, lambdas, steps and
    each game's recorded points of the fresh-buffer route, bit for bit, also on a second
    call whose buffer holds the first call's points; and a warm trace reading the sources
    from the record of the call before (as the engine's rows do) too."""
    rng = np.random.default_rng(22)
    games = rng.normal(size=(8, 3, 3, 2, 3))
    later = games + 1e-3 * rng.normal(size=games.shape)
    size = qre.flat_size((3, 2, 3)) + 1
    empty = (np.zeros((8, 0, size)), np.zeros(8, dtype=np.int64))
    scratch = qre.Scratch()
    fresh = logit_limits(later, 1e-7, warm=empty)
    logit_limits(games, 1e-7, warm=empty, scratch=scratch)  # leaves its points behind
    reused = logit_limits(later, 1e-7, warm=empty, scratch=scratch)
    for a, b in ((fresh, reused),):
        for name in ("profiles", "lambdas", "steps", "corrections", "recorded"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert a.record is not None and b.record is not None and a.recorded is not None
        for g in range(8):
            count = min(int(a.recorded[g]), qre.RECORD)
            np.testing.assert_array_equal(a.record[g, :count], b.record[g, :count])
    assert reused.record is not None and reused.recorded is not None
    source = (reused.record.copy(), np.minimum(reused.recorded, qre.RECORD))
    warm_fresh = logit_limits(games, 1e-7, warm=source)
    warm_reused = logit_limits(games, 1e-7, warm=source, scratch=scratch)
    assert warm_fresh.warmed is not None and warm_fresh.warmed.any()
    for name in ("profiles", "lambdas", "steps", "warmed", "recorded"):
        np.testing.assert_array_equal(getattr(warm_fresh, name), getattr(warm_reused, name))


def test_the_trace_cache_stays_within_its_byte_budget_oldest_first() -> None:
    """Entries of known size (each a limit of 12 floats and a source of 40 points of 13)
    put one after another: what the cache counts never exceeds the budget, it is at least
    the entries' data, the newest entries are the ones kept and the dropped ones are the
    oldest, and every kept entry reads back as put."""
    rng = np.random.default_rng(4)
    budget = 200_000
    cache = TraceCache(budget=budget)
    put = []
    for _ in range(200):
        key = rng.bytes(100)
        value, source = rng.normal(size=12), rng.normal(size=(40, 13))
        cache.put(key, value, source)
        put.append((key, value, source))
        assert cache.nbytes <= budget
    kept = [k for k, (key, _, _) in enumerate(put) if cache.get(key) is not None]
    assert kept == list(range(200 - len(kept), 200)) and 0 < len(kept) < 200
    data = sum(put[k][1].nbytes + put[k][2].nbytes for k in kept)
    assert data <= cache.nbytes <= budget
    for k in kept:
        key, value, source = put[k]
        got = cache.get(key)
        assert got is not None
        np.testing.assert_array_equal(got[0], value)
        assert got[1] is source
    # an entry larger than the whole budget is not kept
    cache.put(b"big", np.zeros(12), np.zeros((budget // 8, 13)))
    assert cache.get(b"big") is None and cache.nbytes <= budget


def test_a_small_trace_cache_gives_the_same_answers() -> None:
    """Three rounds of stage games (each the last moved a little, and some repeated) solved
    with a cache too small to keep a round and with a large one: the same strategies bit
    for bit (a cached limit is what its trace gives), the small cache within its budget."""
    rng = np.random.default_rng(6)
    base = rng.normal(size=(12, 3, 3, 3, 2))
    rounds = [base, base + 1e-3 * rng.normal(size=base.shape)]
    rounds.append(np.concatenate([rounds[1][:6], rounds[0][6:]]))
    got = {}
    for budget in (2_000, 10**9):
        cache, sources = TraceCache(budget=budget), WarmSources()
        got[budget] = [select_stage(g, tol=1e-7, robust=False, cache=cache,
                                    sources=sources).strategies for g in rounds]  # fmt: skip
        assert cache.nbytes <= budget
    for small, large in zip(got[2_000], got[10**9], strict=True):
        np.testing.assert_array_equal(small, large)


@pytest.mark.parametrize("budget", [0, 1])
def test_a_cache_without_room_keeps_nothing(budget: int) -> None:
    cache = TraceCache(budget=budget)
    cache.put(b"k", np.zeros(4))
    assert cache.get(b"k") is None and cache.entry_bytes == 0


def test_a_refused_certificate_keeps_no_frame_alive() -> None:
    """``_certified`` refuses a profile the general check rejects (here the uniform profile
    of a random 2x2x2 game: three mixers, not an equilibrium, so ``verify`` raises). With
    the cyclic collector off, the caller's locals must be freed as soon as it returns: an
    exception kept in a cycle with its traceback would keep every frame up the stack (in
    the engine, a round's stage games)."""
    games = np.random.default_rng(1).normal(size=(1, 3, 2, 2, 2))
    padded = np.full((1, 3, 2), 0.5)

    def caller() -> tuple[weakref.ref[np.ndarray], bool]:
        local = np.zeros(1000)
        ok = _certified(games, padded)
        return weakref.ref(local), bool(ok[0])

    enabled = gc.isenabled()
    gc.disable()
    try:
        ref, ok = caller()
        assert not ok
        assert ref() is None
    finally:
        if enabled:
            gc.enable()


def test_the_cache_by_digest_is_the_cache_by_key() -> None:
    """``store``/``find`` by a key's ``digest`` (what ``_qre`` uses, hashing each key once)
    are ``put``/``get`` by the key: an entry stored either way is found either way, and a
    key never stored is found neither way."""
    cache = TraceCache()
    rng = np.random.default_rng(12)
    keys = [rng.bytes(64) for _ in range(6)]
    values = [rng.normal(size=5) for _ in keys]
    for k, (key, value) in enumerate(zip(keys, values, strict=True)):
        if k % 2:
            cache.put(key, value)
        else:
            cache.store(cache.digest(key), value)
    for key, value in zip(keys, values, strict=True):
        for hit in (cache.get(key), cache.find(cache.digest(key))):
            assert hit is not None
            np.testing.assert_array_equal(hit[0], value)
    assert cache.digest(keys[0]) != cache.digest(keys[1])
    other = rng.bytes(64)
    assert cache.get(other) is None and cache.find(cache.digest(other)) is None


def test_a_key_in_parts_has_the_digest_of_the_joined_key() -> None:
    """``_qre`` hashes a game's key as its normalised payoffs (an array, read in place)
    then its warm source's digest: the digest must be that of the joined bytes, so the
    entries found and stored are those of the key ``payoffs.tobytes() + source`` (and a
    different source or payoff gives a different digest)."""
    rng = np.random.default_rng(14)
    payoffs = rng.random((4, 3, 3, 3, 3))
    source = rng.bytes(32)
    joined = TraceCache.digest(payoffs[2].tobytes() + source)
    assert TraceCache.digest(payoffs[2], source) == joined
    assert TraceCache.digest(payoffs[2]) == TraceCache.digest(payoffs[2].tobytes())
    assert TraceCache.digest(payoffs[2], rng.bytes(32)) != joined
    assert TraceCache.digest(payoffs[1], source) != joined


def test_an_entry_is_counted_as_sys_getsizeof_counts_it() -> None:
    """``TraceCache._size`` computes ``sys.getsizeof`` of the digest, the entry's tuple,
    its limit and its source (CPython's bytes object is a fixed header plus its length; a
    numpy array's ``__sizeof__`` a header growing with its dimensions plus its data where it
    owns it, https://github.com/numpy/numpy/blob/main/numpy/_core/src/multiarray/methods.c,
    ``array_sizeof``): the computed size must equal the sum of those calls for owning
    arrays of 0 to 5 dimensions, other dtypes, views (their data not counted), a numpy
    scalar, no source, and digests of other lengths, so the cache's budget is counted as
    before."""
    import sys

    rng = np.random.default_rng(21)
    base = rng.normal(size=(6, 13))
    arrays = [np.ones(()), np.float64(1.0), rng.normal(size=12), base, base[1:4],
              base[:, 2], rng.normal(size=(2, 3, 4)), np.zeros((1, 2, 1, 3, 2)),
              np.zeros(0), np.arange(7, dtype=np.int32), base.T, np.asarray(base.T).copy()]
    for digest in (rng.bytes(32), rng.bytes(64), b""):
        for value in arrays:
            for source in (None, *arrays):
                entry = (value, source, False)
                want = (sys.getsizeof(digest) + sys.getsizeof(entry) + sys.getsizeof(value)
                        + (0 if source is None else sys.getsizeof(source)))  # fmt: skip
                assert TraceCache._size(digest, entry) == want
