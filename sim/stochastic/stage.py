"""One equilibrium for each of a batch of stage games, and whether it is the only one found.

The engine calls :func:`select_stage` once per round (or per iteration) on every state's
stage game of every game in the batch at once: ``(N, n, *m)`` with ``N = B x S``.

**Selection rules** (:data:`SELECTIONS`):

- ``"qre"`` (default): the limit of the principal branch of logit quantal-response
  equilibria (:mod:`sim.stochastic.qre`). Exact fast paths first: a constant game
  (every profile an equilibrium; its QRE is uniform at every lambda); a game that
  iterated strict dominance solves (:mod:`sim.stochastic.dominance`; its only equilibrium
  is the QRE limit); a game whose survivors of that elimination are a 2x2 game without a
  pure equilibrium (its only equilibrium is then the 2x2 game's mixed one, see
  :func:`~sim.stochastic.dominance.cyclic_two_by_two`); a game whose survivors leave one
  player with several actions, exactly tied against the others' single ones (its
  equilibria are a continuum; the QRE limit is that player uniform over them, see
  :func:`~sim.stochastic.dominance.tied_single_mixer`: path ``"tie"``). The rest are
  traced, identical games (after the affine normalisation the branch ignores) once:
  within the batch and across rounds; a traced limit in which one player mixes over
  exactly tied actions is replaced by the exact limit (:func:`sim.stochastic.qre.exact_ties`).
- ``"inertia"``, ``"player-optimal"``, ``"welfare"``: the first model's rules, over the
  equilibria found by exact enumeration: all pure equilibria
  (:func:`sim.equilibria.pure_equilibrium_mask`); if there are none, every equilibrium in
  which two players mix over two actions each
  (:func:`sim.equilibria.small_support.batch_two_mixer_equilibria`); if none either, the
  QRE limit. ``"player-optimal"`` maximises ``focal_player``'s payoff; ``"welfare"`` the
  sum of the players' payoffs each normalised to [0, 1] over its own stage-game payoffs
  (so a positive affine change of one player's payoffs changes nothing); ``"inertia"``
  keeps ``previous`` (the profile the same state had in the round after, or in the last
  iteration) when it is still among them, else applies ``fallback``. Ties within 1e-9 of
  the payoff spread go to the smallest rounded profile key, as
  :func:`sim.equilibria.select` breaks them (between pure profiles: later actions first).

**Robustness.** Each stage game also reports whether its selected profile is the only
equilibrium found (``robust``), per player (``robust_players``: the player's strategy is
the same in every equilibrium found), and whether the equilibria compared were provably
all of them (``complete``: a game answered by the dominance or cyclic path has exactly one;
otherwise the
comparison covers the pure equilibria, the two-mixer ones and the QRE limit, which can miss
equilibria with three or more mixing players or larger supports).

Without the search (``robust=False``) the flags of the games no exact path answered stay
False (unknown), and a rule other than ``"qre"`` checks exactly only the two-mixer
candidates its pick depends on (the same pick, see :func:`_pick_checked`).

**Which path** answered each game is recorded (:data:`PATHS`), so the benchmark can print
how often the tracer is needed.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.equilibria import SELECTION_RULES, pure_equilibrium_mask
from sim.equilibria import solve as stage_solve
from sim.equilibria import verify as stage_verify
from sim.equilibria.result import profile_key
from sim.equilibria.small_support import METHOD as SMALL_SUPPORT
from sim.equilibria.small_support import (
    batch_two_mixer_candidates,
    batch_two_mixer_equilibria,
    two_mixer_candidate_stack,
)
from sim.equilibria.verify import single_mixer_admitted, single_mixer_refused, verify_many
from sim.errors import EngineError, SolverError
from sim.game import NormalFormGame
from sim.stochastic import qre
from sim.stochastic.dominance import (
    cyclic_two_by_two,
    dominance_solution,
    pure_is_equilibrium_batch,
    tied_single_mixer,
)
from sim.stochastic.twomixer import exact_two_mixers

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

#: The logit-QRE limit, then every rule of :mod:`sim.equilibria.selection`.
SELECTIONS: tuple[str, ...] = ("qre", *SELECTION_RULES)
FALLBACKS = ("player-optimal", "welfare")
#: How a stage game was answered. ``uncertified``: traced, and within the regret bound, but
#: ``sim.equilibria.verify``'s exact or certified arithmetic could not confirm it (ties in a
#: degenerate game); ``fallback``: the trace did not give an equilibrium within the bound
#: and ``sim.equilibria.solve(game, "auto")`` did; ``tie``: the exact limit of a game with a
#: single mixer over exactly tied actions, found by dominance without a trace (not one of
#: :data:`EXACT_PATHS`: its equilibria are a continuum, so its flags come from the search).
PATHS = (
    "constant", "dominance", "cyclic", "traced", "uncertified", "shared", "pure",
    "small-support", "fallback", "tie",
)  # fmt: skip
#: The paths that answer a stage game with its only equilibrium: their robustness flags
#: are set (and complete) whether or not the search for other equilibria runs.
EXACT_PATHS = ("constant", "dominance", "cyclic")
#: Payoffs closer than this times the game's spread are a tie (as ``sim.equilibria.select``).
TIE = 1e-9
#: Two profiles closer than this in every probability are the same equilibrium.
SAME = 1e-6


def payoff_extent(games: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(N,)`` each game's payoff spread (largest minus smallest payoff) and its largest
    payoff magnitude, from two reductions: the magnitude is ``max(largest, -smallest)``,
    which is exactly ``max |payoff|`` (negation and the maximum round nothing), so no
    ``abs`` pass or temporary over the stage games (27 MB a round in the engine's
    benchmark)."""
    flat = games.reshape(games.shape[0], -1)
    high, low = flat.max(axis=1), flat.min(axis=1)
    return high - low, np.maximum(high, -low)


def regret_bounds(games: FloatArray, tol: float,
                  extent: tuple[FloatArray, FloatArray] | None = None) -> FloatArray:  # fmt: skip
    """``(N,)``: the largest regret a verified profile may have: ``tol`` times the game's
    payoff spread, plus 64 units of rounding in its largest payoff (so a game scaled by
    1e-9 gets no false equilibria and one holding 1e9 loses none to rounding).
    ``extent``: :func:`payoff_extent` of ``games``, if the caller has it."""
    spread, magnitude = payoff_extent(games) if extent is None else extent
    return tol * spread + 64.0 * np.finfo(np.float64).eps * magnitude


def batch_regrets(games: FloatArray, strategies: FloatArray) -> FloatArray:
    """``(N,)``: the largest gain of a unilateral deviation from ``strategies``
    ``(N, n, max m)`` in each game ``(N, n, *m)``."""
    shape = tuple(int(m) for m in games.shape[2:])
    if games.shape[0] == 0:
        return np.zeros(0)
    return qre.regrets(games, qre.from_padded(strategies, shape), shape)


def strategy_values(games: FloatArray, strategies: FloatArray) -> FloatArray:
    """``(N, n)``: each player's expected payoff at ``strategies`` in each game."""
    n = games.shape[1]
    shape = games.shape[2:]
    weight = np.ones((games.shape[0],) + (1,) * n)
    for i, m in enumerate(shape):
        axis_shape = [games.shape[0]] + [1] * n
        axis_shape[1 + i] = m
        weight = weight * strategies[:, i, :m].reshape(axis_shape)
    count = games.shape[0]
    return np.einsum("zik,zk->zi", games.reshape(count, n, -1), weight.reshape(count, -1))


@dataclass
class StageChoice:
    """What :func:`select_stage` returns for ``N`` stage games."""

    strategies: FloatArray  # (N, n, max m), padded with 0
    path: npt.NDArray[np.int8]  # (N,) index into PATHS
    robust: BoolArray  # (N,)
    robust_players: BoolArray  # (N, n)
    complete: BoolArray  # (N,)
    #: (N,) the selected profile lies on a continuum of equilibria (:func:`on_continuum`).
    continuum: BoolArray


#: ``sys.getsizeof`` of an empty bytes object and of a cache entry's 3-tuple (CPython's
#: fixed sizes: a bytes object is this plus its length; a tuple's size depends only on its
#: length), and of an array owning its data, less its data, by its number of dimensions.
_BYTES_HEADER = sys.getsizeof(b"")
_ENTRY_TUPLE = sys.getsizeof((None, None, False))
_ARRAY_HEADER = tuple(sys.getsizeof(np.zeros((1,) * d)) - 8 for d in range(33))


def _array_bytes(array: FloatArray) -> int:
    """``sys.getsizeof(array)`` (numpy's ``__sizeof__``: its header, which grows with its
    dimensions, plus its data where it owns it): computed for a plain ``numpy.ndarray``
    owning its data of at most 32 dimensions, asked otherwise."""
    if type(array) is np.ndarray and array.ndim < len(_ARRAY_HEADER) and array.flags.owndata:
        return _ARRAY_HEADER[array.ndim] + array.nbytes
    return sys.getsizeof(array)


#: Bytes a :class:`TraceCache` holds at most: its entries' digests, limits and warm sources
#: with their Python objects, and its table (the oldest entries go first beyond it).
CACHE_BYTES = 128 * 1024**2


@dataclass
class TraceCache:
    """Traced limits of normalised stage games, by their bytes and their warm source's
    digest (shared across rounds), with the warm source each trace leaves: ``None`` to keep
    the one it started from, else the accepted points of its cold trace (empty: none).

    The cache holds a 32-byte SHA-256 digest of each key, not the key: a 4-player, 3-action
    game's bytes are 2,592 (two digests of distinct games agree with probability 2^-256;
    among the at most 2^20 entries a budget of 128 MiB holds, below 2^-217). SHA-256, not
    BLAKE2b (until wave 15): with the processor's SHA extensions (OpenSSL uses them where
    the CPU has them, as this host's does) it hashed a game's 2,592 bytes in 1.8 us against
    BLAKE2b's 3.0, and a 10 kB warm source in 6.3 against 11.3 us, the same 32 bytes.

    **Bounded by bytes** (``budget``, default :data:`CACHE_BYTES`): what it holds is counted
    as ``sys.getsizeof`` of each entry's digest, tuple, limit and source (numpy counts an
    array's data where the array owns it; the limit is stored as its own copy, not a view
    keeping the round's limits alive) plus the dict's table, and beyond the budget the
    oldest entries are dropped first (an entry's size is computed, the same numbers:
    :func:`_array_bytes`). The answers do not depend on the budget: an entry is what
    tracing its game again from the same source gives (the trace is deterministic in the
    game's bytes and the source), so a dropped one costs only its trace; the path label is
    ``"shared"`` for a hit instead of the trace's own. In the benchmark
    (``benchmarks/bench_engine.py``, its last 24 rounds) the cache gains about 2,350
    entries a round, about 6.7 MiB as counted here (the sources of cold traces most of
    it), and every hit (about 50 a round from the 15th, of some 2,400 traced games) is of
    an entry 1 to 10 rounds old, none with a source: 128 MiB holds about 19 rounds. The
    previous bounds (200,000 entries and 256 MiB of sources, then nothing new kept) held
    226 MiB of sources alone by the 40th round, about 340 MB from the 85th, mostly entries
    never hit again."""

    #: digest -> (limit, source it leaves, whether :func:`sim.stochastic.qre.exact_ties`
    #: gave the limit)
    limits: dict[bytes, tuple[FloatArray, FloatArray | None, bool]] = field(default_factory=dict)
    budget: int = CACHE_BYTES
    #: Bytes of the entries (without the table, which ``nbytes`` adds).
    entry_bytes: int = 0

    @staticmethod
    def digest(key: bytes | FloatArray, *more: bytes) -> bytes:
        """What the cache holds of ``key`` (:meth:`find` and :meth:`store` take it, so a
        caller that looks a key up and then stores it hashes it once). A key in parts
        (``key`` then ``more``; an array part as its C-order bytes, read in place) has the
        digest of their concatenation, without building it."""
        h = hashlib.sha256(memoryview(key))  # type: ignore[arg-type]
        for part in more:
            h.update(part)
        return h.digest()

    @staticmethod
    def _size(digest: bytes, entry: tuple[FloatArray, FloatArray | None, bool]) -> int:
        """``sys.getsizeof`` of the digest, the entry's tuple, its limit and its source
        (:func:`_array_bytes`), without calling it."""
        value, source, _ = entry
        return (_BYTES_HEADER + len(digest) + _ENTRY_TUPLE + _array_bytes(value)
                + (0 if source is None else _array_bytes(source)))  # fmt: skip

    @property
    def nbytes(self) -> int:
        """What the cache holds, as counted against ``budget``."""
        return self.entry_bytes + sys.getsizeof(self.limits)

    def get(self, key: bytes) -> tuple[FloatArray, FloatArray | None, bool] | None:
        return self.find(self.digest(key))

    def find(self, digest: bytes) -> tuple[FloatArray, FloatArray | None, bool] | None:
        """:meth:`get` by the key's :meth:`digest`."""
        return self.limits.get(digest)

    def put(self, key: bytes, value: FloatArray, source: FloatArray | None = None,
            exact: bool = False) -> None:  # fmt: skip
        self.store(self.digest(key), value, source, exact)

    def store(self, digest: bytes, value: FloatArray, source: FloatArray | None = None,
              exact: bool = False) -> None:  # fmt: skip
        """:meth:`put` by the key's :meth:`digest`; ``exact``: the limit is
        :func:`sim.stochastic.qre.exact_ties`'s (never flagged as on a continuum)."""
        if digest in self.limits:
            return
        entry = (np.array(value, dtype=np.float64), source, exact)
        size = self._size(digest, entry)
        if size > self.budget:
            return
        self.limits[digest] = entry
        self.entry_bytes += size
        if self.nbytes > self.budget:
            self._shrink()

    def _shrink(self) -> None:
        """Drop the oldest entries until the cache holds at most 15/16 of its budget, in
        one pass from the dict's front: dropping one at a time (``next(iter(...))``) steps
        over every slot deleted before it until the table is resized, about 0.04 s a
        benchmark round of 2,400 entries replaced in 50,000 (3-4% of the round)."""
        target = self.budget - self.budget // 16
        table = sys.getsizeof(self.limits)
        drop: list[bytes] = []
        freed = 0
        for digest, entry in self.limits.items():
            if self.entry_bytes - freed + table <= target:
                break
            drop.append(digest)
            freed += self._size(digest, entry)
        for digest in drop:
            del self.limits[digest]
        self.entry_bytes -= freed


@dataclass
class WarmSources:
    """Each stage game's warm source (:meth:`sim.stochastic.qre.LogitTracer.warm`), by its
    row in the engine's ``B x S`` batch: the accepted points ``(K, M + 1)`` of the last
    cold trace of that row's game (a batch member's state), kept while the warm traces of
    the rounds after it hold. A row is its batch member's own, so a game's source is the
    same solved alone or in a batch."""

    points: dict[int, FloatArray] = field(default_factory=dict)
    #: Each source's digest (:meth:`TraceCache.digest`), taken once when it is set: a
    #: source is kept for many rounds, and hashing every row's 26 kB again each round cost
    #: about 0.1 s of a benchmark round of 0.9 s.
    digests: dict[int, bytes] = field(default_factory=dict)
    #: The buffers the sources are gathered into and the tracer records in, reused from
    #: round to round (:class:`sim.stochastic.qre.Scratch`).
    scratch: qre.Scratch = field(default_factory=qre.Scratch)

    def key(self, row: int) -> bytes:
        """What identifies the source in a trace's sharing key (empty: none)."""
        return self.digests.get(row, b"")

    def gather(self, rows: list[int], width: int) -> tuple[FloatArray, npt.NDArray[np.int64]]:
        """The sources of ``rows`` as the tracer takes them: points ``(len(rows), K, width)``
        (``K`` at least the most any holds: :data:`sim.stochastic.qre.RECORD` or more, 0
        when none has a source; each row's first ``counts[r]`` are its source, the rest
        unspecified: the kernel reads no further) and ``counts`` (0: no source). In
        :attr:`scratch`'s buffer, valid until the next call: a
        :func:`sim.stochastic.qre.point_buffer` reused, so only the pages the sources fill
        become resident (a ``numpy.empty`` of 4,000 rows of up to 256 points is about 106 MB
        of huge pages, all touched and zeroed), and only once a solve: with rows a fixed
        ``RECORD`` points long, a row's points land on the same pages round after round
        (sized by the round's longest source, they moved with it: 269 of the 571 page
        faults left a calibration of an analysis chunk)."""
        src = [self.points.get(row) for row in rows]
        counts = np.array([0 if p is None else p.shape[0] for p in src], dtype=np.int64)
        most = int(counts.max(initial=0))
        points = self.scratch.points("gather", len(rows), max(most, qre.RECORD) if most else 0,
                                     width)  # fmt: skip
        for r, p in enumerate(src):
            if p is not None:
                points[r, : p.shape[0]] = p
        return points, counts

    def set(self, row: int, source: FloatArray) -> None:
        """Make ``source`` (accepted points, at least one) the row's, or drop the row's
        source when ``source`` is empty."""
        if source.shape[0]:
            self.points[row] = source
            self.digests[row] = TraceCache.digest(np.ascontiguousarray(source))
        else:
            self.points.pop(row, None)
            self.digests.pop(row, None)


def _pure_padded(profiles: IntArray, shape: tuple[int, ...]) -> FloatArray:
    out = np.zeros((profiles.shape[0], len(shape), max(shape)))
    for i in range(len(shape)):
        out[np.arange(profiles.shape[0]), i, profiles[:, i]] = 1.0
    return out


def pure_cells(strategies: FloatArray, shape: tuple[int, ...]) -> npt.NDArray[np.intp]:
    """``(N, n)``: each game's pure profile where every player's padded strategy
    ``(N, n, max m)`` is exactly one 1.0 and zeros, else -1 in that game's row."""
    n = len(shape)
    out = np.full((strategies.shape[0], n), -1, dtype=np.intp)
    exact = np.ones(strategies.shape[0], dtype=bool)
    for i, m in enumerate(shape):
        s = strategies[:, i, :m]
        exact &= np.all((s == 0.0) | (s == 1.0), axis=1) & (np.count_nonzero(s, axis=1) == 1)
    out[exact] = strategies[exact].argmax(axis=2)
    return out


def _certified(games: FloatArray, padded: FloatArray) -> BoolArray:
    """``(K,)``: which profiles ``padded`` ``(K, n, max m)`` (each within its regret bound
    already) are confirmed exactly: a pure one by comparing the game's own floats (exact),
    a mixed one with a single mixer by :func:`sim.equilibria.verify.single_mixer_admitted`
    (all at once), or refused all at once where that mixer is not exactly indifferent
    against the others' actions (:func:`sim.equilibria.verify.single_mixer_refused`), one
    with two players mixing over two actions each by the integer check
    (:mod:`sim.stochastic.twomixer`), and any other (or one those leave undecided) by
    ``sim.equilibria.verify``'s rational or certified interval arithmetic: the same
    verdicts as that general check alone (compared on the 17,302 limits certified in the
    benchmark's first five rounds and the 36,651 of ``answer()`` on the nine scenarios).
    Not confirmed: an equilibrium in floating point that exact arithmetic cannot confirm
    (a degenerate game: ties).

    What still goes one by one through the general check (medians 6-9 ms each here): in
    the benchmark's first five rounds 102 of 17,302 limits (73 with three mixers, certified
    by intervals; 29 single-mixer ones whose mixer is indifferent but another player's
    condition fails); in ``answer()`` on the nine scenarios 304 of 36,651 (288 with three
    mixers, all admitted by the interval route). The certification of a round after the
    benchmark's shock (2,347 limits): 80.9 ms of CPU before the refusal, 41.7 ms with it
    (``benchmarks/bench_around.py``, medians of 3, load average 3.6)."""
    shape = tuple(int(m) for m in games.shape[2:])
    cells = pure_cells(padded, shape)
    pure = cells[:, 0] >= 0
    ok = np.ones(games.shape[0], dtype=bool)
    ok[pure] = pure_is_equilibrium_batch(games[pure], cells[pure])
    mixed = np.flatnonzero(~pure)
    # One player mixing, the rest pure (most mixed limits): decided for all at once where
    # the vectorised check can; the rest one by one.
    admitted = single_mixer_admitted(games[mixed], padded[mixed])
    # One mixer not exactly indifferent against the others' actions: refused for all at
    # once where the vectorised proof applies (verify's own verdict).
    refused = ~admitted & single_mixer_refused(games[mixed], padded[mixed])
    ok[mixed[refused]] = False
    left = mixed[~admitted & ~refused]
    two, _ = exact_two_mixers(games, left, padded[left])
    for m_r in left[~two]:
        profile_r = [padded[m_r, i, :m] for i, m in enumerate(shape)]
        try:
            stage_verify(NormalFormGame(games[m_r]), profile_r, "logit-qre")
        except SolverError:  # verify leaves no cycle holding this frame (its docstring)
            ok[m_r] = False
    return ok


#: The paths whose answer is exact whatever the equilibria near it (the only equilibrium,
#: or the exact limit of a single-mixer tie): never flagged as on a continuum.
RESOLVED_PATHS = (*EXACT_PATHS, "tie")


def on_continuum(games: FloatArray, strategies: FloatArray, path: npt.NDArray[np.int8],
                 resolved: BoolArray) -> BoolArray:  # fmt: skip
    """``(N,)``: which selected profiles ``strategies`` ``(N, n, max m)`` of ``games`` lie on
    a continuum of equilibria: mixed, answered by none of :data:`RESOLVED_PATHS`, not
    ``resolved`` (a traced limit :func:`sim.stochastic.qre.exact_ties` replaced by the
    exact one), and with a singular support system (:func:`sim.stochastic.qre.continuum`).
    There the selected point is where the trace stopped on the continuum (or, for the
    other rules' two-mixer picks, one point of it), so a number read from it depends on
    the tracer's path and stopping rule to within the continuum's extent near it.

    Whether a profile is mixed is read only where the path and ``resolved`` leave it open
    (a row's answer is its own): in the engine benchmark's rounds about 2,300 of 10,649
    profiles, the rest answered by dominance."""
    shape = tuple(int(m) for m in games.shape[2:])
    out = np.zeros(games.shape[0], dtype=bool)
    exact = np.isin(path, [PATHS.index(p) for p in RESOLVED_PATHS])
    rows = np.flatnonzero(~exact & ~resolved)
    rows = rows[pure_cells(strategies[rows], shape)[:, 0] < 0]
    if rows.size:
        out[rows] = qre.continuum(games[rows], qre.from_padded(strategies[rows], shape), shape)
    return out


def _qre(games: FloatArray, bound: FloatArray, cache: TraceCache, certify: bool = True,
         tied: tuple[BoolArray, FloatArray] | None = None,
         rows: IntArray | None = None, sources: WarmSources | None = None,
         ) -> tuple[FloatArray, npt.NDArray[np.int8], BoolArray]:  # fmt: skip
    """QRE limits of games no fast path answered: trace each distinct one once; and which
    traced limits :func:`sim.stochastic.qre.exact_ties` gave (resolved exactly).

    ``tied`` (found, padded profiles) marks games whose limit is known exactly without a
    trace (:func:`~sim.stochastic.dominance.tied_single_mixer`): path ``"tie"``. Every
    traced limit is checked against its regret bound; with ``certify`` also exactly
    (:func:`_certified`), and so is every ``"tie"`` answer. With ``sources`` (and each
    game's ``rows`` there), a game with a warm source is traced warm
    (:func:`sim.stochastic.qre.logit_limits`), and its row's source is updated: replaced by
    the points of a cold trace, kept while a warm one holds. Games share a trace (in the
    batch and through ``cache``) only when their normalised payoffs and their warm sources
    are the same bytes, so a game's answer never depends on the others of the batch."""
    shape = tuple(int(m) for m in games.shape[2:])
    count = games.shape[0]
    size = qre.flat_size(shape)
    flat = np.empty((count, size))
    path = np.full(count, PATHS.index("shared"), dtype=np.int8)
    resolved = np.zeros(count, dtype=bool)
    exact = np.zeros(count, dtype=bool) if tied is None else tied[0]
    if exact.any():
        found = np.flatnonzero(exact)
        flat[found] = qre.from_padded(tied[1][found], shape)  # type: ignore[index]
        path[found] = PATHS.index("tie")
        if certify:
            bad = ~_certified(games[found], tied[1][found])  # type: ignore[index]
            path[found[bad]] = PATHS.index("uncertified")
    left = np.flatnonzero(~exact)
    if left.size == 0:
        return qre.to_padded(flat, shape), path, resolved
    warm = sources is not None and rows is not None
    owner = [int(rows[k]) for k in left] if warm else []  # type: ignore[index]
    norm, spread = qre.normalise(games[left])
    # Each game's key, its normalised payoffs' bytes then its warm source's digest, hashed
    # once (read in place, not joined) and compared by that digest, in the cache and
    # within the batch alike (two digests of distinct keys agree with probability 2^-256).
    digests = [cache.digest(norm[r], sources.key(owner[r]) if warm else b"")  # type: ignore[union-attr]
               for r in range(left.size)]  # fmt: skip
    # The source each game's trace leaves (None: keep its own), applied after every key
    # was read.
    leaves: dict[int, FloatArray | None] = {}
    first: dict[bytes, int] = {}
    todo = []
    for r, key in enumerate(digests):
        hit = cache.find(key)
        if hit is not None:
            flat[left[r]] = hit[0]
            leaves[r] = hit[1]
            resolved[left[r]] = hit[2]
        elif key in first:
            continue
        else:
            first[key] = r
            todo.append(r)
    if todo:
        sub = np.array(todo, dtype=np.intp)
        idx = left[sub]
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(spread[sub] > 0, bound[idx] / spread[sub], np.inf)
        given = None
        if warm:
            given = sources.gather([owner[r] for r in todo], size + 1)  # type: ignore[union-attr]
        limits = qre.logit_limits(games[idx], relative, (norm[sub], spread[sub]), warm=given,
                                  scratch=sources.scratch if warm else None)  # type: ignore[union-attr]
        padded = qre.to_padded(limits.profiles, shape)
        good = limits.verified & (batch_regrets(games[idx], padded) <= bound[idx])
        method = np.where(good, PATHS.index("traced"), PATHS.index("fallback")).astype(np.int8)
        if certify:
            ok = np.flatnonzero(good)
            bad = ~_certified(games[idx[ok]], padded[ok])
            method[ok[bad]] = PATHS.index("uncertified")
        assert limits.exact is not None
        flat[idx] = limits.profiles
        path[idx] = method
        resolved[idx] = good & limits.exact
        for r in np.flatnonzero(~good).tolist():
            flat[idx[r]] = _fallback(games[idx[r]], shape)
        exact_of = resolved[idx].tolist()
        left_by = _leaves(limits) if warm else []
        for r, ok_r in enumerate(good.tolist()):
            if warm:
                leaves[todo[r]] = left_by[r]
            if ok_r:
                cache.store(digests[todo[r]], limits.profiles[r], leaves.get(todo[r]),
                            exact_of[r])  # fmt: skip
        for r, key in enumerate(digests):
            if key in first and first[key] != r:
                flat[left[r]] = flat[left[first[key]]]
                resolved[left[r]] = resolved[left[first[key]]]
                if warm:
                    leaves[r] = leaves[first[key]]
    if warm:
        for r, source in leaves.items():
            if source is not None:
                sources.set(owner[r], source)  # type: ignore[union-attr]
    return qre.to_padded(flat, shape), path, resolved


def _leaves(limits: qre.Limits) -> list[FloatArray | None]:
    """The warm source each trace leaves its game's row: ``None`` (keep the one it
    followed) where its warm trace held, else its cold trace's accepted points (a copy:
    the record is a reused buffer; empty where it had more than
    :data:`sim.stochastic.qre.RECORD`). For all the traces at once (their flags and counts
    read as lists: per trace, numpy's scalar indexing cost more than the copy)."""
    assert limits.record is not None and limits.recorded is not None
    assert limits.warmed is not None
    record = limits.record
    keep = record.shape[1]
    held, counts = limits.warmed.tolist(), limits.recorded.tolist()
    return [None if held[r] else record[r, : count if count <= keep else 0].copy()
            for r, count in enumerate(counts)]  # fmt: skip


def _fallback(game: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """An equilibrium from ``sim.equilibria.solve(game, "auto")`` when a trace failed."""
    try:
        found = stage_solve(NormalFormGame(game), "auto")
    except SolverError as exc:
        raise EngineError(
            f"a stage game has no equilibrium the engine could find ({exc})"
        ) from None
    if not found.equilibria:
        raise EngineError("a stage game has no equilibrium the engine could find")
    return np.concatenate([np.asarray(s) for s in found.equilibria[0].profile])


def _player_ranges(games: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(N, n)`` each player's lowest payoff and payoff range (1 where it is 0) in each
    game: the welfare rule measures every player on its own [0, 1] scale."""
    flat = games.reshape(games.shape[0], games.shape[1], -1)
    low = flat.min(axis=2)
    spread = flat.max(axis=2) - low
    return low, np.where(spread > 0, spread, 1.0)


def _scores(games: FloatArray, rule: str, focal_player: int) -> FloatArray:
    """``(N, *m)``: the rule's score of every pure profile."""
    if rule == "player-optimal":
        return games[:, focal_player]
    low, scale = _player_ranges(games)
    norm = (games.reshape(games.shape[0], games.shape[1], -1) - low[:, :, None]) / scale[
        :, :, None]  # fmt: skip
    return norm.sum(axis=1).reshape(games.shape[:1] + games.shape[2:])


def _mixed_scores(games: FloatArray, strategies: FloatArray, rule: str, focal_player: int
                  ) -> FloatArray:  # fmt: skip
    values = strategy_values(games, strategies)
    if rule == "player-optimal":
        return values[:, focal_player]
    low, scale = _player_ranges(games)
    return ((values - low) / scale).sum(axis=1)


def _key(strategy: FloatArray) -> tuple[float, ...]:
    return tuple(round(float(p), 9) for p in strategy.ravel())


def select_stage(
    games: FloatArray,
    rule: str = "qre",
    *,
    tol: float,
    previous: FloatArray | None = None,
    focal_player: int = 0,
    fallback: str = "player-optimal",
    robust: bool = True,
    certify: bool = True,
    cache: TraceCache | None = None,
    sources: WarmSources | None = None,
) -> StageChoice:
    """Select one equilibrium in each stage game of ``games`` ``(N, n, *m)``.

    See the module docstring for the rules, the paths and robustness. ``previous``
    ``(N, n, max m)`` is what ``"inertia"`` keeps; ``tol`` the regret tolerance relative to
    each game's spread (:func:`regret_bounds`). ``sources``: the warm sources of the
    traced games by row (:class:`WarmSources`, kept by the caller across rounds; without
    it every trace is cold).
    """
    if rule not in SELECTIONS:
        raise EngineError(f"unknown selection {rule!r}; choose one of {', '.join(SELECTIONS)}")
    if fallback not in FALLBACKS:
        raise EngineError(f"fallback must be one of {', '.join(FALLBACKS)}, got {fallback!r}")
    count, n = games.shape[0], games.shape[1]
    shape = tuple(int(m) for m in games.shape[2:])
    if not 0 <= focal_player < n:
        raise EngineError(f"focal player {focal_player} out of range 0..{n - 1}")
    cache = cache if cache is not None else TraceCache()
    extent = payoff_extent(games)
    bound = regret_bounds(games, tol, extent)
    spread = extent[0]
    strategies = np.zeros((count, n, max(shape)))
    path = np.full(count, -1, dtype=np.int8)
    robust_all = np.zeros(count, dtype=bool)
    robust_players = np.zeros((count, n), dtype=bool)
    complete = np.zeros(count, dtype=bool)
    n_profiles = int(np.prod(shape))
    resolved = np.zeros(count, dtype=bool)  # traced limits exact_ties resolved

    solved, profile, alive = dominance_solution(games, bound)
    const = spread == 0
    if rule == "qre":
        uniform = np.zeros((n, max(shape)))
        for i, m in enumerate(shape):
            uniform[i, :m] = 1.0 / m
        strategies[const] = uniform
        path[const] = PATHS.index("constant")
        robust_all[const] = n_profiles == 1
        robust_players[const] = np.array(shape) == 1
        complete[const] = True
    solved &= ~const if rule == "qre" else np.ones(count, dtype=bool)
    strategies[solved] = _pure_padded(profile[solved], shape)
    path[solved] = PATHS.index("dominance")
    robust_all[solved] = True
    robust_players[solved] = True
    complete[solved] = True
    cyclic, mixed = cyclic_two_by_two(games, alive, bound)
    cyclic &= path < 0
    strategies[cyclic] = mixed[cyclic]
    path[cyclic] = PATHS.index("cyclic")
    robust_all[cyclic] = True
    robust_players[cyclic] = True
    complete[cyclic] = True
    rest = np.flatnonzero(path < 0)
    if rest.size == 0:
        return StageChoice(strategies, path, robust_all, robust_players, complete,
                           on_continuum(games, strategies, path, resolved))  # fmt: skip

    sub = games[rest]
    if rule == "qre":
        tie_found, tie_profiles = tied_single_mixer(sub, [a[rest] for a in alive])
        chosen, chosen_path, resolved[rest] = _qre(sub, bound[rest], cache, certify,
                                                   (tie_found, tie_profiles), rest,
                                                   sources)  # fmt: skip
        strategies[rest] = chosen
        path[rest] = chosen_path
        if robust:
            robust_all[rest], robust_players[rest] = search_others(sub, chosen, tol)
        # Not searched: the flags of these games stay False (unknown).
        return StageChoice(strategies, path, robust_all, robust_players, complete,
                           on_continuum(games, strategies, path, resolved))  # fmt: skip

    mask = pure_equilibrium_mask(sub, tol, batched=True)
    has_pure = mask.reshape(rest.size, -1).any(axis=1)
    pure_rows, pure_found = _pure_found(mask, shape)
    mixed_idx = np.flatnonzero(~has_pure)
    # With the robustness search, every two-mixer candidate is checked exactly (the flags
    # need them all); without it, only those the rule's pick depends on.
    mixed_found = _mixed_found(sub[mixed_idx], tol, shape) if robust else []
    screened = [] if robust else batch_two_mixer_candidates(sub[mixed_idx], tol)
    fast = _fast_checks(sub[mixed_idx], screened, shape)
    chosen = np.zeros((rest.size, n, max(shape)))
    chosen_path = np.full(rest.size, -1, dtype=np.int8)
    rows = np.flatnonzero(has_pure)
    if rows.size:
        kept = None if previous is None else previous[rest[rows]]
        chosen[rows], _ = _pick_pure(sub[rows], mask[rows], rule, focal_player, fallback, kept)
        chosen_path[rows] = PATHS.index("pure")
    for k, r in enumerate(mixed_idx):
        prev = None if previous is None else previous[rest[r]]
        if robust:
            pick = (_pick_mixed(sub[r], mixed_found[k], rule, focal_player, fallback, prev)
                    if mixed_found[k] else None)  # fmt: skip
        else:
            pick = _pick_checked(sub[r], screened[k], fast[k], rule, focal_player, fallback,
                                 prev, tol)  # fmt: skip
        if pick is not None:
            chosen[r] = pick
            chosen_path[r] = PATHS.index("small-support")
    left = np.flatnonzero(chosen_path < 0)
    if left.size:
        traced, tpath, resolved[rest[left]] = _qre(sub[left], bound[rest[left]], cache,
                                                   certify, None, rest[left],
                                                   sources)  # fmt: skip
        chosen[left] = traced
        chosen_path[left] = tpath
    strategies[rest] = chosen
    path[rest] = chosen_path
    if not robust:
        # Not searched: the flags of these games stay False (unknown).
        return StageChoice(strategies, path, robust_all, robust_players, complete,
                           on_continuum(games, strategies, path, resolved))  # fmt: skip
    mixed_rows = [int(r) for r, cands in zip(mixed_idx, mixed_found, strict=True) for _ in cands]
    found_rows = np.concatenate([pure_rows, np.array(mixed_rows, dtype=np.intp)])
    found = [pure_found] + [np.stack(c) for c in mixed_found if c]
    robust_all[rest], robust_players[rest] = _agreement(found_rows, np.concatenate(found), chosen)
    return StageChoice(strategies, path, robust_all, robust_players, complete,
                           on_continuum(games, strategies, path, resolved))  # fmt: skip


def _padded(profile: list[FloatArray] | tuple[FloatArray, ...], shape: tuple[int, ...]
            ) -> FloatArray:  # fmt: skip
    out = np.zeros((len(shape), max(shape)))
    for i, m in enumerate(shape):
        out[i, :m] = profile[i]
    return out


def _candidates_padded(candidates: list[list[list[FloatArray]]], shape: tuple[int, ...]
                       ) -> tuple[IntArray, FloatArray]:  # fmt: skip
    """The candidates of each game (``candidates[g]``, profiles as lists of strategies) as
    one stack ``(C, n, max m)`` and each one's game ``(C,)``."""
    owner = np.array([g for g, cands in enumerate(candidates) for _ in cands], dtype=np.intp)
    stack = np.zeros((owner.size, len(shape), max(shape)))
    c = 0
    for cands in candidates:
        for profile in cands:
            for i, m in enumerate(shape):
                stack[c, i, :m] = profile[i]
            c += 1
    return owner, stack


def _fast_checks(games: FloatArray, candidates: list[list[list[FloatArray]]],
                 shape: tuple[int, ...]) -> list[list[FloatArray | None]]:  # fmt: skip
    """:func:`~sim.stochastic.twomixer.exact_two_mixer` of every candidate of every game
    (``candidates[g]`` of ``games[g]``), computed in one batch
    (:func:`~sim.stochastic.twomixer.exact_two_mixers`), in the same nesting."""
    owner, stack = _candidates_padded(candidates, shape)
    found, exact = exact_two_mixers(games, owner, stack)
    out: list[list[FloatArray | None]] = []
    c = 0
    for cands in candidates:
        out.append([exact[c + k] if found[c + k] else None for k in range(len(cands))])
        c += len(cands)
    return out


def _pick_checked(
    game: FloatArray,
    screened: list[list[FloatArray]],
    fast: list[FloatArray | None],
    rule: str,
    focal_player: int,
    fallback: str,
    previous: FloatArray | None,
    tol: float,
) -> FloatArray | None:
    """:func:`_pick_mixed` among the ``screened`` two-mixer candidates that pass the exact
    check, checking only the candidates the pick depends on; ``None`` if none passes.
    ``fast[c]``: :func:`~sim.stochastic.twomixer.exact_two_mixer` of candidate ``c``
    (computed for all at once); where it is ``None`` the general check decides.

    The same pick as checking every candidate first: inertia's candidates near
    ``previous`` are all checked; then, among the candidates not yet rejected (checked ones
    at their exact profiles), every candidate tied with the best score is checked, until
    the tied ones are all checked. Then the best score is attained by a checked candidate,
    so it is the best among the checked ones, and the tie set is the same."""
    if not screened:
        return None
    shape = tuple(int(m) for m in game.shape[1:])
    floats = [_padded(p, shape) for p in screened]
    checked: dict[int, FloatArray | None] = {}
    nfg: list[NormalFormGame] = []

    def check(c: int) -> FloatArray | None:
        if c not in checked:
            if fast[c] is not None:
                checked[c] = fast[c]
            else:
                if not nfg:  # built only when the general check is needed
                    nfg.append(NormalFormGame(game))
                eqs = verify_many(nfg[0], [screened[c]], SMALL_SUPPORT, tol).equilibria
                checked[c] = _padded(eqs[0].profile, shape) if eqs else None
        return checked[c]

    if rule == "inertia":
        if previous is not None:
            near = [c for c, f in enumerate(floats) if np.abs(f - previous).max() <= SAME]
            exact = [e for e in (check(c) for c in near) if e is not None]
            for e in sorted(exact, key=_key):
                if np.abs(e - previous).max() <= 1e-9:
                    return e
        rule = fallback
    if len(floats) == 1:
        # One candidate (nearly every call): the loop below would score it, find it tied
        # with itself, check it and return its exact profile, or None: the same, unscored.
        return check(0)
    spread = float(game.max() - game.min())
    while True:
        alive = [c for c in range(len(floats)) if checked.get(c, floats[c]) is not None]
        if not alive:
            return None
        current = [checked.get(c, floats[c]) for c in alive]
        stack = np.stack(current)  # type: ignore[arg-type]
        scores = _mixed_scores(np.broadcast_to(game, (len(alive), *game.shape)), stack, rule,
                               focal_player)  # fmt: skip
        tied = [c for c, sc in zip(alive, scores, strict=True) if sc >= scores.max() - TIE * spread]
        unchecked = [c for c in tied if c not in checked]
        if not unchecked:
            return min((checked[c] for c in tied), key=_key)  # type: ignore[arg-type]
        for c in unchecked:
            check(c)


def _pure_found(mask: BoolArray, shape: tuple[int, ...]) -> tuple[IntArray, FloatArray]:
    """The pure equilibria marked in ``mask`` ``(K, *m)``: their games' rows ``(C,)`` and
    padded profiles ``(C, n, max m)``."""
    cells = np.argwhere(mask)
    return cells[:, 0].astype(np.intp), _pure_padded(cells[:, 1:], shape)


def _mixed_found(games: FloatArray, tol: float, shape: tuple[int, ...]) -> list[list[FloatArray]]:
    """Every equilibrium of each game in which two players mix over two actions each
    (:func:`~sim.equilibria.small_support.batch_two_mixer_equilibria`), padded."""
    if games.shape[0] == 0:
        return []
    out: list[list[FloatArray]] = []
    for eqs in batch_two_mixer_equilibria(games, tol):
        found = []
        for eq in eqs:
            padded = np.zeros((len(shape), max(shape)))
            for i, m in enumerate(shape):
                padded[i, :m] = eq.profile[i]
            found.append(padded)
        out.append(found)
    return out


def _agreement(rows: IntArray, found: FloatArray, chosen: FloatArray
               ) -> tuple[BoolArray, BoolArray]:  # fmt: skip
    """Whether every equilibrium found (``found[c]`` in game ``rows[c]``) is the chosen
    profile (within :data:`SAME` in every probability): ``(K,)``, and per player ``(K, n)``."""
    count, n = chosen.shape[0], chosen.shape[1]
    differs = np.zeros((count, n), dtype=bool)
    if rows.size:
        far = np.abs(found - chosen[rows]).max(axis=2) > SAME  # (C, n)
        np.logical_or.at(differs, rows, far)
    players: BoolArray = ~differs
    return np.asarray(players.all(axis=1)), players


def search_others(games: FloatArray, chosen: FloatArray, tol: float
                  ) -> tuple[BoolArray, BoolArray]:  # fmt: skip
    """The robustness search of :func:`select_stage` for games whose selected profile is
    ``chosen`` ``(K, n, max m)``: every pure equilibrium and every equilibrium with two
    players mixing over two actions each, found by exact enumeration, compared with it.
    Returns ``robust`` ``(K,)`` (no other equilibrium found) and ``robust_players``
    ``(K, n)`` (no other strategy of that player in one).

    The flags are an OR over the equilibria found, so a two-mixer candidate that passes
    the float screen is checked exactly (:func:`sim.equilibria.verify.verify_many`, the
    check :func:`~sim.equilibria.small_support.batch_two_mixer_equilibria` applies to all)
    only when it would change a flag: when it differs from ``chosen`` in a player not yet
    known to differ. The flags are the same as with every candidate checked.

    Candidates are visited game by game in profile-key order (the order of
    :func:`~sim.equilibria.small_support.batch_two_mixer_candidates`), and one is skipped
    when the players it differs in (in floating point) already differ; the flags only
    grow, so a candidate skipped against the pure equilibria's flags is skipped at its
    turn too. So only the games whose players do not all differ already are screened
    (:func:`~sim.equilibria.small_support.two_mixer_candidate_stack`: arrays, no Python
    per candidate), and only the candidates not skipped against the pure flags are
    keyed, checked (:func:`~sim.stochastic.twomixer.exact_two_mixers`, then the general
    check) and visited in order: the same visits as the loop over every candidate, the
    same flags (compared with ``np.array_equal`` against the previous search, which keyed
    and checked every candidate: the 17,316 searched stage games of the benchmark's first
    five rounds solved, and ``answer()`` on the nine shipped scenarios at the analysis
    grid). On a round after the benchmark's shock about 1,800 candidates pass the screen
    and about 250 are keyed and checked: the search of such a round (2,348 stage games)
    took 172.7 ms of CPU, now 47.1 ms (3.7x), and in a second run 278.0 against 53.2 ms
    (``benchmarks/bench_around.py``, medians of 3, old and new trees alternating, load
    averages 2.6 and 3.6)."""
    shape = tuple(int(m) for m in games.shape[2:])
    mask = pure_equilibrium_mask(games, tol, batched=True)
    rows, pure = _pure_found(mask, shape)
    differs = ~_agreement(rows, pure, chosen)[1]
    todo = np.flatnonzero(~differs.all(axis=1))
    owner, stack = two_mixer_candidate_stack(games[todo], tol)
    owner = todo[owner]
    valid = np.arange(stack.shape[2])[None, :] < np.array(shape)[:, None]  # (n, max m)
    far: BoolArray = np.any(np.where(valid, np.abs(stack - chosen[owner]), 0.0) > SAME, axis=2)
    need = np.flatnonzero((far & ~differs[owner]).any(axis=1))
    if need.size == 0:
        return np.asarray(~differs.any(axis=1)), np.asarray(~differs)
    owner, stack, far = owner[need], stack[need], far[need]
    profiles = [tuple(stack[c, i, :m] for i, m in enumerate(shape)) for c in range(need.size)]
    order = sorted(range(need.size), key=lambda c: (int(owner[c]), profile_key(profiles[c])))
    found, exact = exact_two_mixers(games, owner, stack)
    nfg: dict[int, NormalFormGame] = {}
    for c in order:
        k = int(owner[c])
        if differs[k].all() or not (far[c] & ~differs[k]).any():
            continue
        if found[c]:
            differs[k] |= np.abs(exact[c] - chosen[k]).max(axis=1) > SAME
            continue
        if k not in nfg:
            nfg[k] = NormalFormGame(games[k])
        for eq in verify_many(nfg[k], [list(profiles[c])], SMALL_SUPPORT, tol).equilibria:
            differs[k] |= _differs(list(eq.profile), chosen[k])
    return np.asarray(~differs.any(axis=1)), np.asarray(~differs)


def _differs(profile: list[FloatArray], chosen: FloatArray) -> BoolArray:
    """``(n,)``: which players' strategies in ``profile`` differ from the padded
    ``chosen`` ``(n, max m)`` by more than :data:`SAME` in some probability."""
    return np.array([bool(np.abs(np.asarray(s, dtype=np.float64) - chosen[i, : len(s)]).max()
                          > SAME) for i, s in enumerate(profile)])  # fmt: skip


def _pick_pure(
    games: FloatArray,
    mask: BoolArray,
    rule: str,
    focal_player: int,
    fallback: str,
    previous: FloatArray | None,
) -> tuple[FloatArray, BoolArray]:
    """The rule's pick among each game's pure equilibria (``mask``); and which games kept
    ``previous`` under inertia."""
    count = games.shape[0]
    shape = tuple(int(m) for m in games.shape[2:])
    cells = int(np.prod(shape))
    kept = np.zeros(count, dtype=bool)
    choice = np.full(count, -1, dtype=np.intp)
    flat_mask = mask.reshape(count, cells)
    if rule == "inertia" and previous is not None:
        pure_prev = np.all(np.abs(previous.max(axis=2) - 1.0) <= 1e-9, axis=1)
        prof = previous.argmax(axis=2)
        cell = np.ravel_multi_index(tuple(prof.T), shape)
        kept = pure_prev & flat_mask[np.arange(count), cell]
        choice[kept] = cell[kept]
        rule = fallback
    elif rule == "inertia":
        rule = fallback
    score = _scores(games, rule, focal_player).reshape(count, cells)
    flat = games.reshape(count, -1)
    tie = TIE * (flat.max(axis=1) - flat.min(axis=1))
    masked = np.where(flat_mask, score, -np.inf)
    top = masked.max(axis=1)
    tied = flat_mask & (score >= (top - tie)[:, None])
    # Smallest rounded profile key among pure profiles = the largest flat cell index.
    last = cells - 1 - np.argmax(tied[:, ::-1], axis=1)
    choice = np.where(kept, choice, last)
    profiles = np.array(np.unravel_index(choice, shape)).T
    return _pure_padded(profiles, shape), kept


def _pick_mixed(
    game: FloatArray,
    candidates: list[FloatArray],
    rule: str,
    focal_player: int,
    fallback: str,
    previous: FloatArray | None,
) -> FloatArray:
    if rule == "inertia":
        if previous is not None:
            for c in sorted(candidates, key=_key):
                if np.abs(c - previous).max() <= 1e-9:
                    return c
        rule = fallback
    stack = np.stack(candidates)
    scores = _mixed_scores(np.broadcast_to(game, (len(candidates), *game.shape)), stack, rule,
                           focal_player)  # fmt: skip
    spread = float(game.max() - game.min())
    tied = [c for c, s in zip(candidates, scores, strict=True) if s >= scores.max() - TIE * spread]
    return min(tied, key=_key)
