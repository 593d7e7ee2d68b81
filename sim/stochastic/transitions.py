"""The transition law of a stochastic game, in three forms with one interface.

Every form answers the three questions the engine asks of a transition law, for a whole
batch at once:

- :meth:`expect` (backward, "pull"): ``E[v(s') | s, a]`` for every state, profile and
  player, given values ``v`` of the next round: the continuation part of every stage game;
- :meth:`push` (forward): the distribution of next round's state, given a weight on every
  (state, profile), e.g. ``pi(s) * sigma(s, a)``: exact forward propagation;
- :meth:`draw`: one sampled next state per path, from uniforms the caller draws.

The forms (``B`` an optional leading batch axis, ``S`` states, ``m_1..m_n`` actions):

- **dense**: an array ``P[s, a_1..a_n, s']`` of shape ``(S, *m, S)``; memory ``S^2 x
  profiles``, the reference form for small games and for checks. The engine wraps a plain
  array in :class:`DenseTransitions`.
- **sparse** (:class:`SparseTransitions`): ``successors[s, a_1..a_n, k]`` (state indices)
  and ``probabilities[s, a_1..a_n, k]``, shape ``(S, *m, K)``: each state and profile lead
  to at most ``K`` states (pad with probability 0; repeated successors add up). Memory
  ``S x profiles x K``, never ``S^2``.
- **factored** (:class:`FactoredTransitions`): the state is a tuple of components (a grid
  of beliefs, a capacity level, ...), each moving by its own kernel that depends on the
  current values of some components (its *parents*) and the actions of some players, all
  independently given the current state and profile (a factored Markov decision process,
  Boutilier, Dearden and Goldszmidt, "Stochastic dynamic programming with factored
  representations", *Artificial Intelligence* 121, 2000), plus an optional *hazard*: a
  probability, depending on some components and players, of moving to one absorbing state
  instead. Expectations are computed one factor at a time (:func:`numpy.einsum` with a
  contraction order chosen once per shape), so neither ``S^2`` nor ``S x profiles x
  successors`` is ever built. On a 10,648-state, 81-profile game with 25 successors per
  row this is about 100 times faster than the sparse form (see docs/engine.md).

Each form checks its own numbers when it is built (finite, non-negative, every row summing
to 1 within :data:`ROW_TOLERANCE`); :meth:`check` then checks it against the game's
states and actions. Errors are :class:`~sim.errors.EngineError`, raised before any work.
"""

from __future__ import annotations

import functools
import math
import string
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.errors import EngineError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: How far a transition row's sum may be from 1 (absolute). Rows are used as given.
ROW_TOLERANCE = 1e-9
#: A factored expectation with a hazard this large (entries of the result) or larger runs
#: its hazard step compiled, importing numba; any size does once numba is loaded.
COMPILED_FROM = 1 << 20


def _float_array(values: Any, what: str) -> FloatArray:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EngineError(f"{what} must be a numeric array ({exc})") from None
    return arr


def _where(index: tuple[int, ...], batched: bool, names: Sequence[str]) -> str:
    """Name an entry, e.g. ``game 2, state 5, profile (0, 1), next state 3``: ``names`` label
    the axes after the batch axis; ``"profile"`` takes every axis the others leave."""
    rest = list(index)
    head = [f"game {rest.pop(0)}"] if batched else []
    if not names or names == ("next",):
        return ", ".join([*head, f"index {tuple(rest)}"])
    if "profile" not in names:
        return ", ".join(head + [f"{name} {i}" for name, i in zip(names, rest, strict=False)])
    k = list(names).index("profile")
    before, after = names[:k], names[k + 1 :]
    tail = rest[len(rest) - len(after) :] if after else []
    middle = rest[len(before) : len(rest) - len(after)]
    parts = head + [f"{name} {i}" for name, i in zip(before, rest, strict=False)]
    parts.append(f"profile {tuple(middle)}")
    parts += [f"{name} {i}" for name, i in zip(after, tail, strict=True)]
    return ", ".join(parts)


def _check_probabilities(
    arr: FloatArray, what: str, rows: bool, batched: bool, names: Sequence[str]
) -> None:
    """Finite, non-negative, and either each row (the last axis) summing to 1 (``rows``)
    or each entry at most 1. ``names`` label the axes of a row's index (after the batch
    axis); an entry's index adds ``"next"`` for the last axis."""
    entry = (*names, "next") if rows else names
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise EngineError(f"{what}: NaN or infinity at {_where(bad, batched, entry)}")
    if np.any(arr < 0):
        bad = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise EngineError(
            f"{what}: negative probability {arr[bad]:.6g} at {_where(bad, batched, entry)}"
        )
    if not rows:
        if np.any(arr > 1):
            bad = tuple(int(i) for i in np.argwhere(arr > 1)[0])
            raise EngineError(
                f"{what}: probability {arr[bad]:.6g} above 1 at {_where(bad, batched, entry)}"
            )
        return
    sums = arr.sum(axis=-1)
    off = np.abs(sums - 1.0) > ROW_TOLERANCE
    if np.any(off):
        bad = tuple(int(i) for i in np.argwhere(off)[0])
        raise EngineError(
            f"{what}: the row at {_where(bad, batched, names)} sums to {sums[bad]:.12g}, "
            f"expected 1 within {ROW_TOLERANCE:g}"
        )


def _batch_of(ndim: int, core: int, what: str, shape: tuple[int, ...]) -> bool:
    """Whether an array of ``ndim`` dimensions with ``core`` unbatched ones has a batch axis."""
    if ndim == core:
        return False
    if ndim == core + 1:
        return True
    raise EngineError(f"{what} must have {core} dimensions (or {core + 1} with a batch axis), "
                      f"got shape {shape}")  # fmt: skip


def _batch_size(arrays: Sequence[tuple[FloatArray, bool]], what: str) -> int | None:
    sizes = {int(a.shape[0]) for a, batched in arrays if batched}
    if len(sizes) > 1:
        raise EngineError(f"{what}: batch axes of different lengths {sorted(sizes)}")
    return sizes.pop() if sizes else None


def _apply_stage(cont: FloatArray, discount: FloatArray, payoffs: FloatArray) -> FloatArray:
    """``cont *= discount`` (per batch member and player), then ``cont += payoffs``."""
    b, _, n = cont.shape[:3]
    cont *= np.reshape(discount, (b, 1, n, *([1] * (cont.ndim - 3))))
    cont += payoffs
    return cont


def _cdf_index(rows: FloatArray, uniforms: FloatArray) -> IntArray:
    """Inverse-CDF sampling of one index per row: the smallest ``k`` with ``u < F_k``
    (``F`` the row's cumulative sum scaled to end at exactly 1, so an entry of probability 0
    is never drawn)."""
    cdf = np.cumsum(rows, axis=-1)
    cdf /= cdf[..., -1:]
    return np.sum(cdf <= uniforms[:, None], axis=-1).astype(np.intp)


class Transitions:
    """The interface of every transition form (see the module docstring)."""

    #: ``"dense"``, ``"sparse"`` or ``"factored"``.
    kind: str = ""

    def check(self, n_states: int, shape: tuple[int, ...]) -> int | None:
        """Check the form against a game of ``n_states`` states and action counts ``shape``;
        return its batch size, or ``None`` if it has no batch axis."""
        raise NotImplementedError

    def expect(self, values: FloatArray, shape: tuple[int, ...]) -> FloatArray:
        """``out[b, s, i, a_1..a_n] = sum_s' P(s' | s, a) values[b, s', i]``.

        ``values`` is ``(B, S, n)``; the result ``(B, S, n, *shape)`` (player axis before
        the action axes, the layout of :mod:`sim.game`).
        """
        raise NotImplementedError

    def stage(self, values: FloatArray, shape: tuple[int, ...], discount: FloatArray,
              payoffs: FloatArray, out: FloatArray | None = None) -> FloatArray:  # fmt: skip
        """Every state's stage game ``(B, S, n, *m)``: ``payoffs + discount * expect(values)``
        with ``discount`` ``(B, n)`` (player ``i``'s) and ``payoffs`` ``(B, S, n, *m)``
        (broadcast views allowed): the expectation scaled by the discount, then the payoffs
        added, in place. ``out``: a C-contiguous float array of the result's shape the
        result may be written into (a form that cannot returns a new array)."""
        return _apply_stage(self.expect(values, shape), discount, payoffs)

    def push(self, weights: FloatArray, shape: tuple[int, ...]) -> FloatArray:
        """``out[b, s'] = sum_{s, a} weights[b, s, a_1..a_n] P(s' | s, a)``; ``weights`` is
        ``(B, S, *shape)``."""
        raise NotImplementedError

    def draw(
        self, game: IntArray, states: IntArray, profiles: IntArray, uniforms: FloatArray
    ) -> IntArray:
        """Next state of each path: ``game``, ``states`` ``(paths,)``, ``profiles``
        ``(paths, n)``, ``uniforms`` ``(paths, self.uniforms_per_draw)`` in [0, 1)."""
        raise NotImplementedError

    def absorbing_mask(self, n_states: int, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
        """``(S,)``: the states that every profile keeps in place (probability 1 within
        1e-12), in every game of the batch."""
        raise NotImplementedError

    def batched(self, shape: tuple[int, ...]) -> bool:
        """Whether the form carries a batch axis (for a game of action counts ``shape``)."""
        raise NotImplementedError

    def take(self, games: IntArray, shape: tuple[int, ...]) -> Transitions:
        """The games ``games`` of the batch (itself when it has no batch axis)."""
        raise NotImplementedError

    #: Uniforms :meth:`draw` needs per path and round.
    uniforms_per_draw: int = 1

    @property
    def nbytes(self) -> int:
        """Memory held by the form's arrays."""
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class DenseTransitions(Transitions):
    """``P[s, a_1..a_n, s']`` as one array ``(S, *m, S)`` (or ``(B, S, *m, S)``)."""

    probabilities: FloatArray
    kind: str = field(default="dense", init=False)

    def __post_init__(self) -> None:
        arr = _float_array(self.probabilities, "transitions")
        if arr.ndim < 2:
            raise EngineError(
                f"transitions must have shape (S, *actions, S), got shape {arr.shape}"
            )
        arr.setflags(write=False)
        object.__setattr__(self, "probabilities", arr)

    def _batched(self, shape: tuple[int, ...]) -> bool:
        return _batch_of(self.probabilities.ndim, len(shape) + 2, "transitions",
                         self.probabilities.shape)  # fmt: skip

    def batched(self, shape: tuple[int, ...]) -> bool:
        return self._batched(shape)

    def take(self, games: IntArray, shape: tuple[int, ...]) -> DenseTransitions:
        if not self._batched(shape):
            return self
        return DenseTransitions(self.probabilities[games])

    def check(self, n_states: int, shape: tuple[int, ...]) -> int | None:
        arr = self.probabilities
        batched = self._batched(shape)
        core = arr.shape[1:] if batched else arr.shape
        expected = (n_states, *shape, n_states)
        if core != expected:
            raise EngineError(
                f"transitions must have shape (S, *actions, S) = {expected}"
                f"{' after the batch axis' if batched else ''}, got {arr.shape}"
            )
        _check_probabilities(arr, "transitions", True, batched, ("state", "profile"))
        return int(arr.shape[0]) if batched else None

    def _flat(self, shape: tuple[int, ...]) -> FloatArray:
        arr = self.probabilities
        s = arr.shape[-1]
        lead = arr.shape[0] if self._batched(shape) else 1
        return arr.reshape(lead, s * int(np.prod(shape, dtype=np.int64)), s)

    def expect(self, values: FloatArray, shape: tuple[int, ...]) -> FloatArray:
        flat = self._flat(shape)
        b, s, n = values.shape
        out = np.matmul(flat, values)  # (B, S*A, n)
        return np.ascontiguousarray(
            np.moveaxis(out.reshape(b, s, -1, n), 3, 2).reshape(b, s, n, *shape)
        )

    def push(self, weights: FloatArray, shape: tuple[int, ...]) -> FloatArray:
        flat = self._flat(shape)
        b = weights.shape[0]
        w = weights.reshape(b, 1, -1)
        return np.matmul(w, flat)[:, 0, :]

    def draw(
        self, game: IntArray, states: IntArray, profiles: IntArray, uniforms: FloatArray
    ) -> IntArray:
        arr = self.probabilities
        shape = arr.shape[-profiles.shape[1] - 1 : -1]
        idx = (states, *profiles.T)
        rows = arr[(game, *idx)] if self._batched(tuple(shape)) else arr[idx]
        return _cdf_index(rows, uniforms[:, 0])

    def absorbing_mask(self, n_states: int, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
        flat = self._flat(shape).reshape(-1, n_states, int(np.prod(shape, dtype=np.int64)),
                                         n_states)  # fmt: skip
        diag = flat[:, np.arange(n_states), :, np.arange(n_states)]  # (S, B, A)
        return np.all(diag >= 1.0 - 1e-12, axis=(1, 2))

    @property
    def nbytes(self) -> int:
        return int(self.probabilities.nbytes)


@dataclass(frozen=True, eq=False)
class SparseTransitions(Transitions):
    """Each state and profile lead to at most ``K`` successor states.

    Parameters
    ----------
    successors
        Integer state indices ``(S, *m, K)`` (or ``(B, S, *m, K)``).
    probabilities
        Their probabilities, same shape; pad unused slots with probability 0 (any valid
        state index); a state listed twice in a row gets the sum of its probabilities.
    """

    successors: IntArray
    probabilities: FloatArray
    kind: str = field(default="sparse", init=False)

    def __post_init__(self) -> None:
        prob = _float_array(self.probabilities, "sparse transitions: probabilities")
        raw = np.asarray(self.successors)
        if raw.dtype.kind not in "iu" and not (
            raw.dtype.kind == "f" and np.all(np.isfinite(raw)) and np.all(raw == np.round(raw))
        ):
            raise EngineError(
                f"sparse transitions: successors must be integer state indices, got {raw.dtype}"
            )
        succ = raw.astype(np.intp)
        if prob.ndim < 2:
            raise EngineError(
                "sparse transitions: probabilities must have shape (S, *actions, K), "
                f"got {prob.shape}"
            )
        if succ.shape != prob.shape:
            raise EngineError(
                f"sparse transitions: successors {succ.shape} and probabilities {prob.shape} "
                "must have the same shape"
            )
        succ.setflags(write=False)
        prob.setflags(write=False)
        object.__setattr__(self, "successors", succ)
        object.__setattr__(self, "probabilities", prob)

    def _batched(self, shape: tuple[int, ...]) -> bool:
        return _batch_of(self.probabilities.ndim, len(shape) + 2, "sparse transitions",
                         self.probabilities.shape)  # fmt: skip

    def batched(self, shape: tuple[int, ...]) -> bool:
        return self._batched(shape)

    def take(self, games: IntArray, shape: tuple[int, ...]) -> SparseTransitions:
        if not self._batched(shape):
            return self
        return SparseTransitions(self.successors[games], self.probabilities[games])

    def check(self, n_states: int, shape: tuple[int, ...]) -> int | None:
        prob, succ = self.probabilities, self.successors
        batched = self._batched(shape)
        core = prob.shape[1:] if batched else prob.shape
        if core[:-1] != (n_states, *shape):
            raise EngineError(
                f"sparse transitions must have shape (S, *actions, K) = "
                f"{(n_states, *shape, 'K')}{' after the batch axis' if batched else ''}, "
                f"got {prob.shape}"
            )
        if succ.size and (succ.min() < 0 or succ.max() >= n_states):
            bad = tuple(int(i) for i in np.argwhere((succ < 0) | (succ >= n_states))[0])
            raise EngineError(
                f"sparse transitions: successor {succ[bad]} at "
                f"{_where(bad, batched, ('state', 'profile', 'slot'))} is not a state index "
                f"0..{n_states - 1}"
            )
        _check_probabilities(prob, "sparse transitions", True, batched, ("state", "profile"))
        return int(prob.shape[0]) if batched else None

    def expect(self, values: FloatArray, shape: tuple[int, ...]) -> FloatArray:
        b, s, n = values.shape
        batched = self._batched(shape)
        k_max = self.probabilities.shape[-1]
        succ = self.successors.reshape(-1, s, int(np.prod(shape, dtype=np.int64)), k_max)
        prob = self.probabilities.reshape(succ.shape)
        out = np.zeros((b, s, succ.shape[2], n))
        rows = np.arange(b)[:, None, None]
        for k in range(k_max):
            nxt = succ[..., k] if batched else np.broadcast_to(succ[..., k], (b, *succ.shape[1:3]))
            p = prob[..., k] if batched else prob[0, ..., k][None]
            out += p[..., None] * values[rows, nxt]
        return np.ascontiguousarray(np.moveaxis(out, 3, 2).reshape(b, s, n, *shape))

    def push(self, weights: FloatArray, shape: tuple[int, ...]) -> FloatArray:
        b, s = weights.shape[:2]
        batched = self._batched(shape)
        k_max = self.probabilities.shape[-1]
        succ = self.successors.reshape(-1, s * int(np.prod(shape, dtype=np.int64)) * k_max)
        mass = (weights.reshape(b, -1, 1) * self.probabilities.reshape(
            -1, s * int(np.prod(shape, dtype=np.int64)), k_max)).reshape(b, -1)  # fmt: skip
        out = np.empty((b, s))
        for g in range(b):
            out[g] = np.bincount(succ[g if batched else 0], weights=mass[g], minlength=s)
        return out

    def draw(
        self, game: IntArray, states: IntArray, profiles: IntArray, uniforms: FloatArray
    ) -> IntArray:
        n = profiles.shape[1]
        batched = self.probabilities.ndim == n + 3
        idx = (states, *profiles.T)
        if batched:
            idx = (game, *idx)
        rows = self.probabilities[idx]
        pick = _cdf_index(rows, uniforms[:, 0])
        return np.asarray(self.successors[idx][np.arange(len(pick)), pick], dtype=np.intp)

    def absorbing_mask(self, n_states: int, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
        k_max = self.probabilities.shape[-1]
        succ = self.successors.reshape(-1, n_states, int(np.prod(shape, dtype=np.int64)), k_max)
        prob = self.probabilities.reshape(succ.shape)
        own = np.arange(n_states)[None, :, None, None]
        stay = np.where(succ == own, prob, 0.0).sum(axis=-1)
        return np.all(stay >= 1.0 - 1e-12, axis=(0, 2))

    @property
    def nbytes(self) -> int:
        return int(self.successors.nbytes + self.probabilities.nbytes)


@dataclass(frozen=True, eq=False)
class Factor:
    """One component of a factored state and the kernel that moves it.

    Parameters
    ----------
    name
        The component's name (e.g. ``"belief_iran"``).
    kernel
        ``kernel[x_p1, .., x_pk, a_j1, .., a_jl, x']``: the probability that the component
        takes value ``x'`` next round, given the current values of its ``parents`` and the
        actions of its ``players``, in the order they are listed; the last axis is the
        component's own size. An optional leading batch axis.
    parents
        Components (names or positions in the :class:`FactoredTransitions`) whose current
        value the kernel reads; usually the component itself.
    players
        Player indices whose actions the kernel reads.
    """

    name: str
    kernel: FloatArray
    parents: tuple[str | int, ...] = ()
    players: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        arr = _float_array(self.kernel, f"factor {self.name!r}: kernel")
        core = len(self.parents) + len(self.players) + 1
        batched = _batch_of(arr.ndim, core, f"factor {self.name!r}: kernel", arr.shape)
        if arr.shape[-1] < 1:
            raise EngineError(f"factor {self.name!r}: a component needs at least one value")
        _check_probabilities(arr, f"factor {self.name!r}: kernel", True, batched, ())
        if len(set(self.players)) != len(self.players) or any(
            not isinstance(p, int | np.integer) or p < 0 for p in self.players
        ):
            raise EngineError(
                f"factor {self.name!r}: players must be distinct player indices, "
                f"got {list(self.players)}"
            )
        arr.setflags(write=False)
        object.__setattr__(self, "kernel", arr)
        object.__setattr__(self, "parents", tuple(self.parents))
        object.__setattr__(self, "players", tuple(int(p) for p in self.players))

    @property
    def size(self) -> int:
        return int(self.kernel.shape[-1])

    @property
    def batched(self) -> bool:
        return self.kernel.ndim == len(self.parents) + len(self.players) + 2


@dataclass(frozen=True, eq=False)
class Hazard:
    """The probability of leaving the grid for the absorbing state this round.

    ``probability[x_p1, .., x_pk, a_j1, .., a_jl]`` in [0, 1], reading the current values
    of ``parents`` and the actions of ``players`` (an optional leading batch axis). Given
    survival, the components move by their kernels.
    """

    probability: FloatArray
    parents: tuple[str | int, ...] = ()
    players: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        arr = _float_array(self.probability, "hazard")
        core = len(self.parents) + len(self.players)
        batched = _batch_of(arr.ndim, core, "hazard", arr.shape)
        _check_probabilities(arr, "hazard", False, batched, ())
        if len(set(self.players)) != len(self.players) or any(
            not isinstance(p, int | np.integer) or p < 0 for p in self.players
        ):
            raise EngineError(
                f"hazard: players must be distinct player indices, got {list(self.players)}"
            )
        arr.setflags(write=False)
        object.__setattr__(self, "probability", arr)
        object.__setattr__(self, "parents", tuple(self.parents))
        object.__setattr__(self, "players", tuple(int(p) for p in self.players))

    @property
    def batched(self) -> bool:
        return self.probability.ndim == len(self.parents) + len(self.players) + 1


def _compiled(size: int) -> bool:
    """Whether a hazard step of ``size`` entries runs compiled (:data:`COMPILED_FROM`)."""
    return "numba" in sys.modules or size >= COMPILED_FROM


def _offsets(array: FloatArray, full: Sequence[int], axes: Sequence[int]) -> IntArray:
    """Element offsets into ``array`` (C-contiguous, broadcastable to ``full``) of every
    index of the ``axes`` of ``full``, in C order over them: 0 along a broadcast axis."""
    out = np.zeros((), dtype=np.intp)
    step = np.array(array.strides, dtype=np.intp) // array.itemsize
    for ax in axes:
        stride = 0 if array.shape[ax] == 1 else int(step[ax])
        out = (out[..., None] + np.arange(full[ax], dtype=np.intp) * stride)
    return out.reshape(-1)


def _hazard_compiled(small: FloatArray, hazard: FloatArray, absorbed: FloatArray,
                     out: FloatArray, full: tuple[int, ...], components: int
                     ) -> None:  # fmt: skip
    """The hazard step of :meth:`FactoredTransitions.expect` in one compiled loop
    (:func:`sim.stochastic.transitions_kernel.hazard_mix`): ``out`` ``(B, G, n, P)`` (a view
    of the result) gets ``small + hazard (absorbed - small)``, with ``small`` and
    ``hazard`` broadcast to ``full`` ``(B, *sizes, n, *m)`` (``components`` sizes; length
    1 where nothing depends on an axis) and ``absorbed`` ``(B, n)``."""
    from sim.stochastic.transitions_kernel import hazard_mix

    hazard_mix(*_mix_operands(small, hazard, full, components),
               np.ascontiguousarray(absorbed), out)  # fmt: skip


def _mix_operands(small: FloatArray, hazard: FloatArray, full: tuple[int, ...], components: int
                  ) -> tuple[FloatArray, IntArray, IntArray, IntArray, IntArray, FloatArray,
                             IntArray, IntArray, IntArray]:  # fmt: skip
    """The flat ``small`` and ``hazard`` and their element offsets by batch, grid state,
    player and profile, as :func:`sim.stochastic.transitions_kernel.hazard_mix` reads them
    (``full`` ``(B, *sizes, n, *m)``)."""
    small = _flat_view(small)
    hazard = _flat_view(np.asarray(hazard, dtype=np.float64))
    states = range(1, 1 + components)
    actions = range(2 + components, len(full))
    return (_flat(small), _offsets(small, full, [0]), _offsets(small, full, states),
            _offsets(small, full, [1 + components]), _offsets(small, full, actions),
            _flat(hazard), _offsets(hazard, full, [0]), _offsets(hazard, full, states),
            _offsets(hazard, full, actions))  # fmt: skip


def _flat_view(array: FloatArray) -> FloatArray:
    """``array`` itself when its elements fill one block of memory in some order of its
    axes (all strides non-negative: a transposed view of a contiguous array, as an einsum's
    result often is), so :func:`_flat` reads it in place and :func:`_offsets` (from its
    own strides) addresses it; else a C-contiguous copy. The einsum of
    :meth:`FactoredTransitions.expect` returns the stage games' continuation in the axis
    order of its last contraction: copying it (27 MB a round in the engine benchmark) and
    faulting in the copy's pages was about half of the expectation's time."""
    if array.flags.c_contiguous or array.size == 0:
        return array
    if min(array.strides) >= 0:
        order = sorted(range(array.ndim), key=lambda k: -array.strides[k])
        if array.transpose(order).flags.c_contiguous:
            return array
    return np.ascontiguousarray(array)


def _flat(array: FloatArray) -> FloatArray:
    """The 1-D view of the memory of ``array`` (one of :func:`_flat_view`'s), from its
    first element: element ``k`` is at offset ``sum_d index_d * stride_d`` (in elements)."""
    if array.flags.c_contiguous:
        return array.reshape(-1)
    order = sorted(range(array.ndim), key=lambda k: -array.strides[k])
    return array.transpose(order).reshape(-1)


def _frozen(arr: FloatArray) -> FloatArray:
    """A read-only copy of ``arr`` in memory of its own."""
    out = arr.copy()
    out.setflags(write=False)
    return out


def _unchecked(cls: type[Any], **values: Any) -> Any:
    """An instance of the frozen dataclass ``cls`` with its fields set to ``values``,
    without ``__post_init__`` (its checks): for arrays sliced out of an instance checked
    already (:meth:`FactoredTransitions.member`)."""
    obj = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    return obj


@functools.lru_cache(maxsize=256)
def _path(subscripts: str, *shapes: tuple[int, ...]) -> list[Any]:
    """The contraction order of an einsum, chosen once per subscripts and shapes."""
    operands = [np.empty(s) for s in shapes]
    path, _ = np.einsum_path(subscripts, *operands, optimize="optimal")
    return path


@dataclass(frozen=True, eq=False)
class FactoredTransitions(Transitions):
    """A state that is a product of components, each moved by its own :class:`Factor`,
    plus an optional :class:`Hazard` into one absorbing state.

    States are numbered in C order over the components (the first component varies
    slowest: ``numpy.ravel_multi_index``), then the absorbing state last if there is a
    hazard: ``S = prod(sizes) (+ 1)``. The absorbing state stays put whatever is played.

    Parameters
    ----------
    factors
        One :class:`Factor` per component, in state order.
    hazard
        The probability of moving to the absorbing state, or ``None`` (no absorbing state).
    absorbing
        The absorbing state's name (see :meth:`state_names`).
    """

    factors: tuple[Factor, ...]
    hazard: Hazard | None = None
    absorbing: str = "absorbing"
    kind: str = field(default="factored", init=False)
    _parents: tuple[tuple[int, ...], ...] = field(init=False, repr=False, default=())
    _hazard_parents: tuple[int, ...] = field(init=False, repr=False, default=())

    def __post_init__(self) -> None:
        factors = tuple(self.factors)
        if not factors:
            raise EngineError("factored transitions need at least one factor")
        if not all(isinstance(f, Factor) for f in factors):
            raise EngineError("factored transitions: factors must be Factor objects")
        names = [f.name for f in factors]
        if len(set(names)) != len(names):
            raise EngineError(f"factored transitions: factor names must be distinct, got {names}")
        if len(factors) * 2 + 12 > len(string.ascii_letters):
            raise EngineError(f"factored transitions: at most 20 factors, got {len(factors)}")
        sizes = [f.size for f in factors]

        def resolve(parents: tuple[str | int, ...], what: str) -> tuple[int, ...]:
            out = []
            for p in parents:
                if isinstance(p, str):
                    if p not in names:
                        raise EngineError(f"{what}: no component {p!r}; components are {names}")
                    out.append(names.index(p))
                elif isinstance(p, int | np.integer) and 0 <= p < len(factors):
                    out.append(int(p))
                else:
                    raise EngineError(f"{what}: no component {p!r}; components are {names}")
            if len(set(out)) != len(out):
                raise EngineError(f"{what}: a parent is listed twice in {list(parents)}")
            return tuple(out)

        parents = []
        for f in factors:
            ps = resolve(f.parents, f"factor {f.name!r}")
            lead = 1 if f.batched else 0
            got = f.kernel.shape[lead : lead + len(ps)]
            want = tuple(sizes[p] for p in ps)
            if got != want:
                raise EngineError(
                    f"factor {f.name!r}: the kernel's parent axes {got} must match the sizes "
                    f"of its parents {[names[p] for p in ps]} = {want}"
                )
            parents.append(ps)
        hazard_parents: tuple[int, ...] = ()
        if self.hazard is not None:
            if not isinstance(self.hazard, Hazard):
                raise EngineError("factored transitions: hazard must be a Hazard or None")
            hazard_parents = resolve(self.hazard.parents, "hazard")
            lead = 1 if self.hazard.batched else 0
            got = self.hazard.probability.shape[lead : lead + len(hazard_parents)]
            want = tuple(sizes[p] for p in hazard_parents)
            if got != want:
                raise EngineError(
                    f"hazard: the parent axes {got} must match the sizes of its parents "
                    f"{[names[p] for p in hazard_parents]} = {want}"
                )
        object.__setattr__(self, "factors", factors)
        object.__setattr__(self, "_parents", tuple(parents))
        object.__setattr__(self, "_hazard_parents", hazard_parents)

    # -- the state grid ----------------------------------------------------
    @property
    def sizes(self) -> tuple[int, ...]:
        """Number of values of each component."""
        return tuple(f.size for f in self.factors)

    @property
    def grid_states(self) -> int:
        return int(math.prod(self.sizes))

    @property
    def n_states(self) -> int:
        return self.grid_states + (1 if self.hazard is not None else 0)

    @property
    def absorbing_state(self) -> int | None:
        """Index of the absorbing state (the last one), or ``None`` without a hazard."""
        return self.grid_states if self.hazard is not None else None

    def state_index(self, values: Sequence[int]) -> int:
        """The state index of a tuple of component values."""
        if len(values) != len(self.factors):
            raise EngineError(f"a state needs {len(self.factors)} component values, got {values}")
        try:
            return int(np.ravel_multi_index(tuple(int(v) for v in values), self.sizes))
        except ValueError:
            raise EngineError(f"component values {tuple(values)} outside {self.sizes}") from None

    def components(self) -> IntArray:
        """``(grid_states, n_components)``: each grid state's component values."""
        grid = np.indices(self.sizes).reshape(len(self.sizes), -1).T
        return np.ascontiguousarray(grid, dtype=np.intp)

    def state_names(self) -> tuple[str, ...]:
        """``"name=value,..."`` for each grid state, then the absorbing state's name."""
        names = [f.name for f in self.factors]
        out = [
            ",".join(f"{n}={int(v)}" for n, v in zip(names, row, strict=True))
            for row in self.components()
        ]
        if self.hazard is not None:
            out.append(self.absorbing)
        return tuple(out)

    # -- checks ------------------------------------------------------------
    def check(self, n_states: int, shape: tuple[int, ...]) -> int | None:
        if n_states != self.n_states:
            raise EngineError(
                f"factored transitions describe {self.n_states} states "
                f"({' x '.join(map(str, self.sizes))}"
                f"{' + 1 absorbing' if self.hazard is not None else ''}), "
                f"the payoffs {n_states}"
            )
        arrays: list[tuple[FloatArray, bool]] = []
        for f in self.factors:
            self._check_players(f.players, f.kernel, len(f.parents), f.batched, shape,
                                f"factor {f.name!r}")  # fmt: skip
            arrays.append((f.kernel, f.batched))
        if self.hazard is not None:
            h = self.hazard
            self._check_players(h.players, h.probability, len(h.parents), h.batched, shape,
                                "hazard")  # fmt: skip
            arrays.append((h.probability, h.batched))
        return _batch_size(arrays, "factored transitions")

    @staticmethod
    def _check_players(
        players: tuple[int, ...],
        arr: FloatArray,
        n_parents: int,
        batched: bool,
        shape: tuple[int, ...],
        what: str,
    ) -> None:
        if any(p >= len(shape) for p in players):
            raise EngineError(f"{what}: players {list(players)} in a game of {len(shape)} players")
        lead = (1 if batched else 0) + n_parents
        got = arr.shape[lead : lead + len(players)]
        want = tuple(shape[p] for p in players)
        if got != want:
            raise EngineError(
                f"{what}: the action axes {got} must match the action counts of players "
                f"{list(players)} = {want}"
            )

    def batched(self, shape: tuple[int, ...]) -> bool:
        return any(f.batched for f in self.factors) or (
            self.hazard is not None and self.hazard.batched
        )

    def take(self, games: IntArray, shape: tuple[int, ...]) -> FactoredTransitions:
        if not self.batched(shape):
            return self
        factors = tuple(
            Factor(f.name, f.kernel[games], f.parents, f.players) if f.batched else f
            for f in self.factors
        )
        hazard = self.hazard
        if hazard is not None and hazard.batched:
            hazard = Hazard(hazard.probability[games], hazard.parents, hazard.players)
        return FactoredTransitions(factors, hazard, self.absorbing)

    def member(self, b: int) -> FactoredTransitions:
        """Batch member ``b``'s law (each batched kernel's and the hazard's slice ``b``,
        copied into arrays of its own), built without checking its numbers again: they are
        slices of this law's, checked when it was built. The same law as
        ``take([b], shape)`` without the batch axis; about 7 ms a solve less than building
        it with the checks in an analysis chunk's outcomes (32 members, 24 rounds)."""
        factors = tuple(_unchecked(Factor, name=f.name, kernel=_frozen(f.kernel[b]),
                                   parents=f.parents, players=f.players)
                        if f.batched else f for f in self.factors)  # fmt: skip
        hazard = self.hazard
        if hazard is not None and hazard.batched:
            hazard = _unchecked(Hazard, probability=_frozen(hazard.probability[b]),
                                parents=hazard.parents, players=hazard.players)  # fmt: skip
        return _unchecked(FactoredTransitions, factors=factors, hazard=hazard,
                          absorbing=self.absorbing, kind=self.kind, _parents=self._parents,
                          _hazard_parents=self._hazard_parents)  # fmt: skip

    # -- the operations ----------------------------------------------------
    def _letters(self, n_players: int) -> tuple[str, list[str], list[str], list[str], str]:
        letters = string.ascii_letters
        c = len(self.factors)
        batch = letters[0]
        now = list(letters[1 : 1 + c])
        nxt = list(letters[1 + c : 1 + 2 * c])
        act = list(letters[1 + 2 * c : 1 + 2 * c + n_players])
        player = letters[1 + 2 * c + n_players]
        return batch, now, nxt, act, player

    def _kernel_operands(
        self, now: list[str], nxt: list[str], act: list[str], batch: str
    ) -> tuple[list[str], list[FloatArray]]:
        subs, ops = [], []
        for c, (f, ps) in enumerate(zip(self.factors, self._parents, strict=True)):
            sub = (batch if f.batched else "") + "".join(now[p] for p in ps)
            sub += "".join(act[j] for j in f.players) + nxt[c]
            subs.append(sub)
            ops.append(f.kernel)
        return subs, ops

    def _hazard_on_grid(self, b: int, shape: tuple[int, ...], player_axis: bool) -> FloatArray:
        """The hazard broadcastable to ``(B, *sizes, [1,] *shape)``."""
        assert self.hazard is not None
        h = self.hazard
        arr = h.probability if h.batched else h.probability[None]
        # Axes of arr: batch, parents (as listed), players (as listed); sort both groups.
        pos = {p: 1 + k for k, p in enumerate(self._hazard_parents)}
        ppos = {j: 1 + len(pos) + k for k, j in enumerate(h.players)}
        order = [0, *(pos[p] for p in sorted(pos)), *(ppos[j] for j in sorted(ppos))]
        arr = arr.transpose(order)
        shape_out = [arr.shape[0]]
        shape_out += [self.sizes[k] if k in pos else 1 for k in range(len(self.factors))]
        if player_axis:
            shape_out.append(1)
        shape_out += [shape[j] if j in ppos else 1 for j in range(len(shape))]
        return arr.reshape(shape_out)

    def stage(self, values: FloatArray, shape: tuple[int, ...], discount: FloatArray,
              payoffs: FloatArray, out: FloatArray | None = None) -> FloatArray:  # fmt: skip
        """:meth:`Transitions.stage`, into ``out`` when given; with a hazard and the
        compiled step (:meth:`expect`), the discount and the payoffs are applied in the
        hazard step's pass (:func:`sim.stochastic.transitions_kernel.stage_mix`: the same
        operations on the same floats, so the same stage games bit for bit), not in two more
        passes over the result."""
        return self._expect(values, shape, (discount, payoffs), out)

    def expect(self, values: FloatArray, shape: tuple[int, ...]) -> FloatArray:
        return self._expect(values, shape)

    def _expect(self, values: FloatArray, shape: tuple[int, ...],
                stage: tuple[FloatArray, FloatArray] | None = None,
                buffer: FloatArray | None = None) -> FloatArray:  # fmt: skip
        """``E[v(s') | s, a]`` ``(B, S, n, *m)``: one einsum over the factors' kernels
        (the grid part, ``x``, without the axes nothing depends on), then the hazard step
        ``x + h (a - x)`` (``a`` the absorbing state's value) into the result, broadcast.
        That step runs compiled once numba is loaded (:func:`_hazard_compiled`; the same
        floats as the numpy passes, which stay the reference): the numpy passes broadcast
        over innermost axes of 3 actions, a million tiny inner loops each. Measured with
        ``benchmarks/bench_around.py`` on the benchmark's 10,649-state law, the stage
        payoffs of a round (this, then the discount and the payoffs): 87.8 ms with the
        numpy passes, 45.8 ms compiled, and 97.6 against 46.9 ms in a second run (CPU
        medians of 3, old and new trees alternating, load averages 2.6 and 3.6), of
        which the einsum is about 24 ms."""
        b, s, n = values.shape
        batch, now, nxt, act, player = self._letters(n)
        grid = self.grid_states
        v = values[:, :grid].reshape(b, *self.sizes, n)
        subs, ops = self._kernel_operands(now, nxt, act, batch)
        used = set("".join(subs))
        out_now = [x for x in now if x in used]
        out_act = [a for a in act if a in used]
        out_sub = batch + "".join(out_now) + player + "".join(out_act)
        subscripts = ",".join([batch + "".join(nxt) + player, *subs]) + "->" + out_sub
        operands = [v, *ops]
        path = _path(subscripts, *(o.shape for o in operands))
        small = np.einsum(subscripts, *operands, optimize=path)
        # Put back the axes nothing depends on (length 1), then broadcast.
        full_shape = [b]
        full_shape += [self.sizes[k] if now[k] in used else 1 for k in range(len(self.sizes))]
        full_shape.append(n)
        full_shape += [shape[j] if act[j] in used else 1 for j in range(len(shape))]
        small = small.reshape(full_shape)
        out = np.empty((b, s, n, *shape)) if buffer is None else buffer.reshape(b, s, n, *shape)
        body = out[:, :grid].reshape(b, *self.sizes, n, *shape)
        if self.hazard is None:
            body[...] = small
            return out if stage is None else _apply_stage(out, *stage)
        h = self._hazard_on_grid(b, shape, player_axis=True)
        if _compiled(body.size):
            if stage is not None:
                # the whole stage game in the same pass (:meth:`stage`)
                from sim.stochastic.transitions_kernel import stage_mix

                discount, payoffs = stage
                pay = payoffs[:1] if payoffs.strides[0] == 0 else payoffs
                pay = np.ascontiguousarray(pay, dtype=np.float64).reshape(pay.shape[0], s, n, -1)
                stage_mix(*_mix_operands(small, h, tuple(body.shape), len(self.sizes)),
                          np.ascontiguousarray(values[:, grid]),
                          np.ascontiguousarray(discount, dtype=np.float64), pay,
                          out.reshape(b, s, n, -1))  # fmt: skip
                return out
            _hazard_compiled(small, h, values[:, grid], out.reshape(b, s, n, -1)[:, :grid],
                             tuple(body.shape), len(self.sizes))  # fmt: skip
            out[:, grid] = values[:, grid].reshape(b, n, *([1] * len(shape)))
            return out
        absorbed = values[:, grid].reshape(b, *([1] * len(self.sizes)), n,
                                           *([1] * len(shape)))  # fmt: skip
        if small.shape == body.shape:
            # small + h (absorbed - small), element by element the same operations as
            # below, written into the result without two full-size temporaries
            np.subtract(absorbed, small, out=body)
            np.multiply(h, body, out=body)
            np.add(small, body, out=body)
        else:
            body[...] = small
            body += h * (absorbed - body)
        out[:, grid] = values[:, grid].reshape(b, n, *([1] * len(shape)))
        return out if stage is None else _apply_stage(out, *stage)

    def push(self, weights: FloatArray, shape: tuple[int, ...]) -> FloatArray:
        b, s = weights.shape[:2]
        n = len(shape)
        batch, now, nxt, act, _ = self._letters(n)
        grid = self.grid_states
        w = weights[:, :grid].reshape(b, *self.sizes, *shape)
        out = np.empty((b, s))
        if self.hazard is not None:
            h = self._hazard_on_grid(b, shape, player_axis=False)
            out[:, grid] = (w * h).reshape(b, -1).sum(axis=1) + weights[:, grid].reshape(
                b, -1).sum(axis=1)  # fmt: skip
            w = w * (1.0 - h)
        subs, ops = self._kernel_operands(now, nxt, act, batch)
        subscripts = ",".join([batch + "".join(now) + "".join(act), *subs])
        subscripts += "->" + batch + "".join(nxt)
        operands = [w, *ops]
        path = _path(subscripts, *(o.shape for o in operands))
        out[:, :grid] = np.einsum(subscripts, *operands, optimize=path).reshape(b, grid)
        return out

    def absorbing_mask(self, n_states: int, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
        mask = np.zeros(n_states, dtype=bool)
        if self.absorbing_state is not None:
            mask[self.absorbing_state] = True
        return mask

    @property
    def uniforms_per_draw(self) -> int:  # type: ignore[override]
        return len(self.factors) + 1

    def draw(
        self, game: IntArray, states: IntArray, profiles: IntArray, uniforms: FloatArray
    ) -> IntArray:
        grid = self.grid_states
        alive = states < grid
        comps = np.zeros((len(states), len(self.factors)), dtype=np.intp)
        comps[alive] = np.array(np.unravel_index(states[alive], self.sizes)).T
        nxt = np.empty_like(comps)
        for c, (f, ps) in enumerate(zip(self.factors, self._parents, strict=True)):
            idx = tuple(comps[:, p] for p in ps) + tuple(profiles[:, j] for j in f.players)
            rows = f.kernel[(game, *idx)] if f.batched else f.kernel[idx]
            nxt[:, c] = _cdf_index(rows, uniforms[:, c])
        out = np.asarray(np.ravel_multi_index(tuple(nxt.T), self.sizes), dtype=np.intp)
        if self.hazard is not None:
            h = self.hazard
            idx = tuple(comps[:, p] for p in self._hazard_parents)
            idx += tuple(profiles[:, j] for j in h.players)
            prob = h.probability[(game, *idx)] if h.batched else h.probability[idx]
            out[uniforms[:, -1] < prob] = grid
            out[~alive] = grid
        return out

    @property
    def nbytes(self) -> int:
        total = sum(int(f.kernel.nbytes) for f in self.factors)
        if self.hazard is not None:
            total += int(self.hazard.probability.nbytes)
        return total
