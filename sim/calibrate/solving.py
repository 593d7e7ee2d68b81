"""Solving many calibrations of a scenario: in chunks, on any executor, resumable.

:func:`solve_calibrations` splits a batch of (monthly) calibrations into chunks of
``chunk_size``, solves each chunk with one :func:`sim.article.answers.answer_batch` call (the
engine's batch axis; the default rule only, no robustness search, no myopic path, and no
exact confirmation of the traced limits: it only labels a stage game's path
``uncertified``, which no answer here reads) on the
executor of :func:`sim.sweep.executors.open_executor` (in process, local processes, Dask),
and returns every calibration's :class:`Answer` arrays in order.

With a chunk folder, each finished chunk is written atomically as
``<folder>/<sha256 of its inputs>.npz``; a later call finds it by its inputs and does not
solve it again, so an interrupted analysis resumes where it stopped and gives the same
result. A chunk's answer depends only on its calibrations and the setting, never on the
executor or the number of workers: the same bytes everywhere.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from sim.article.parameters import PARAMETER_NAMES, FloatArray, Parameters
from sim.calibrate.setting import Setting
from sim.errors import HedgesimError

DEFAULT_CHUNK = 32
#: The last ``TAIL_CHUNKS`` chunks' worth of a batch is solved in chunks of a quarter of the
#: size (:func:`chunk_bounds`), so the workers finish a batch close together.
TAIL_CHUNKS = 2
TAIL_SPLIT = 4
EXITS = ("align", "realign", "collapse", "never")


@dataclass(frozen=True)
class Answer:
    """The answers of ``B`` solved calibrations (arrays with a leading axis ``B``).

    ``horizon_at`` ``(B, T)`` the probability hedging stops being certain in round ``t``;
    ``horizon_collapse``, ``horizon_never`` ``(B,)`` its two other outcomes; ``exit``
    ``(B, 4)`` where the hedge ends (:data:`EXITS`); ``collapsed`` ``(B, T + 1)`` the
    probability the regime has fallen by the start of each round; ``ambiguity`` ``(B,)`` the
    value of ambiguity in round 0 (:mod:`sim.article.ambiguity`: at the start, Syria's payoff,
    with continuation values, against the others' selected play, from hedging minus the best
    of aligning and realigning); ``continuum`` ``(B,)`` the probability play reaches a stage
    game whose selected equilibrium lies on a continuum (``Answers.continuum``: there the
    answers are ties up to the tracer's stopping point; NaN: not measured).
    """

    horizon_at: FloatArray
    horizon_collapse: FloatArray
    horizon_never: FloatArray
    exit: FloatArray
    collapsed: FloatArray
    ambiguity: FloatArray
    continuum: FloatArray = None  # type: ignore[assignment]  # NaN (not measured) if not given

    def __post_init__(self) -> None:
        if self.continuum is None:
            object.__setattr__(self, "continuum", np.full(len(self), np.nan))

    def __len__(self) -> int:
        return int(self.horizon_never.shape[0])

    @classmethod
    def concat(cls, parts: list[Answer]) -> Answer:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                      for f in fields(cls)})  # fmt: skip

    def take(self, index: np.ndarray) -> Answer:
        return Answer(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez(buf, **{f.name: getattr(self, f.name) for f in fields(self)})
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Answer:
        with np.load(io.BytesIO(data)) as z:
            return cls(**{f.name: np.asarray(z[f.name]) for f in fields(cls)})


def solve_chunk(setting: Setting, values: FloatArray) -> Answer:
    """Solve the calibrations ``values`` ``(B, P)`` (monthly, in
    :data:`PARAMETER_NAMES` order) of ``setting`` (module level: runs in any worker)."""
    from sim.article.ambiguity import start_values
    from sim.article.answers import answer_batch

    monthly = Parameters(**{n: np.ascontiguousarray(values[:, k])
                            for k, n in enumerate(PARAMETER_NAMES)})  # fmt: skip
    params = setting.for_rounds(monthly)
    cals = [params.calibration(b) for b in range(values.shape[0])]
    found = answer_batch(cals, rounds=setting.rounds, shocks=setting.shocks,
                         resolution=setting.resolution, rules=("qre",), myopic=False,
                         robust=False, certify=False)  # fmt: skip
    return Answer(
        horizon_at=np.stack([a.forward.horizon.at for a in found]),
        horizon_collapse=np.array([a.forward.horizon.collapse for a in found]),
        horizon_never=np.array([a.forward.horizon.never for a in found]),
        exit=np.array([[a.forward.exit.action()[k] for k in EXITS] for a in found]),
        collapsed=np.stack([a.forward.collapsed for a in found]),
        ambiguity=start_values(found),
        continuum=np.array([a.continuum for a in found]),
    )


def timed_chunk(setting: Setting, values: FloatArray) -> tuple[Answer, float]:
    """:func:`solve_chunk` and the CPU seconds it took in the process that ran it (the
    worker's own process time, so it is measured on every executor; module level)."""
    import time

    start = time.process_time()
    answer = solve_chunk(setting, values)
    return answer, time.process_time() - start


@dataclass
class SolveCost:
    """What solving cost, summed over the chunks solved (chunks resumed from a chunk folder
    are not counted): ``solved`` calibrations in ``cpu_seconds`` of the solving processes'
    CPU time."""

    solved: int = 0
    cpu_seconds: float = 0.0

    def per_solve(self) -> float | None:
        """CPU seconds a calibration (``None`` if nothing was solved)."""
        return self.cpu_seconds / self.solved if self.solved else None


def _matrix(params: Parameters) -> FloatArray:
    size = params.batch_shape[0] if params.batch_shape else 1
    return np.stack([np.broadcast_to(np.asarray(getattr(params, n), dtype=np.float64), (size,))
                     for n in PARAMETER_NAMES], axis=1)  # fmt: skip


def chunk_bounds(rows: int, chunk_size: int) -> list[tuple[int, int]]:
    """Consecutive ``[start, stop)`` chunks covering ``rows`` rows: ``chunk_size`` rows each,
    except the last ``TAIL_CHUNKS * chunk_size`` rows or so (from the end of the last whole
    chunk before them; all of a shorter batch), cut in chunks of ``ceil(chunk_size /
    TAIL_SPLIT)`` (a ``chunk_size`` below ``TAIL_SPLIT`` is kept throughout).

    Why: a worker idles at a batch's end while another finishes its last chunk, on average
    about half a chunk's time, and each of the analysis's five or six batches waits for the
    one before (about 7 s of wall time a batch at 32 calibrations a chunk of about 0.45 CPU s
    each, on two workers); chunks of a quarter at the end leave a quarter of that. A
    calibration's answers do not depend on the chunk it is solved in
    (``tests/test_analyze.py``)."""
    if chunk_size < TAIL_SPLIT:
        cut = list(range(0, rows, chunk_size))
    else:
        tail = min(rows, TAIL_CHUNKS * chunk_size)
        head = (rows - tail) // chunk_size * chunk_size  # whole chunks before the tail
        cut = [*range(0, head, chunk_size), *range(head, rows, -(-chunk_size // TAIL_SPLIT))]
    return list(zip(cut, [*cut[1:], rows][:len(cut)], strict=True))


def chunk_key(setting: Setting, values: FloatArray) -> str:
    """The hash of everything a chunk's answer depends on."""
    h = hashlib.sha256()
    h.update(repr((setting.rounds, setting.round_days, setting.shocks, setting.resolution))
             .encode())  # fmt: skip
    h.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return h.hexdigest()[:32]


def _load(path: Path, size: int) -> Answer | None:
    """A finished chunk read back, or ``None`` if it is unreadable or not ``size``
    calibrations (a truncated, damaged or foreign file is solved again, never trusted)."""
    try:
        found = Answer.from_bytes(path.read_bytes())
    except (OSError, KeyError, ValueError, EOFError, TypeError, zipfile.BadZipFile):
        return None
    sizes = {getattr(found, f.name).shape[0] for f in fields(found)}
    return found if sizes == {size} else None


def solve_calibrations(
    setting: Setting,
    params: Parameters,
    *,
    executor: str = "inprocess",
    workers: int | None = None,
    scheduler: str | None = None,
    folder: Path | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    resume: bool = True,
    progress: bool = False,
    cost: SolveCost | None = None,
) -> Answer:
    """Every calibration of the batch ``params`` (monthly) solved (module docstring).

    ``folder``: where finished chunks are kept (``None``: nowhere); ``resume``: take the
    finished chunks found there instead of solving them again; ``progress``: a progress bar
    over chunks on standard error (the CLI passes ``stderr.isatty()``); ``cost``: where the
    chunks solved here add their calibrations and CPU time (:class:`SolveCost`).

    Raises
    ------
    HedgesimError
        On an unknown executor, a bad worker count or chunk size, a scheduler without Dask,
        Dask missing, a worker that died, or a Dask cluster left without workers.
    """
    import sys

    from tqdm import tqdm

    from sim.atomic import atomic_open
    from sim.sweep.executors import check_executor, gather, open_executor

    check_executor(executor, workers, scheduler)
    if chunk_size < 1:
        raise HedgesimError(f"chunk size must be at least 1, got {chunk_size}")
    values = _matrix(params)
    bounds = chunk_bounds(len(values), chunk_size)
    parts: list[Answer | None] = [None] * len(bounds)
    keys = [chunk_key(setting, values[a:b]) for a, b in bounds]
    if folder is not None and resume:
        for i, key in enumerate(keys):
            path = folder / f"{key}.npz"
            if path.exists():
                parts[i] = _load(path, bounds[i][1] - bounds[i][0])
    todo = [i for i, p in enumerate(parts) if p is None]
    bar = tqdm(total=len(bounds), initial=len(bounds) - len(todo), disable=not progress,
               unit="chunk", desc="solving", file=sys.stderr, dynamic_ncols=True)

    def done(i: int, timed: tuple[Answer, float]) -> None:
        result, cpu = timed
        if cost is not None:
            cost.solved += len(result)
            cost.cpu_seconds += cpu
        if folder is not None:
            with atomic_open(folder / f"{keys[i]}.npz", "wb") as fh:
                fh.write(result.to_bytes())
        parts[i] = result
        bar.update(1)

    try:
        if todo:
            with open_executor(executor, workers, scheduler) as (pool, live_workers):
                # in flight at once: one in process, a few per worker elsewhere, so chunks
                # are saved as they finish and a large batch is not queued whole
                window = 1 if executor == "inprocess" else 2 * max(live_workers(), 1)
                calls = {i: (timed_chunk, setting, values[a:b])
                         for i in todo for a, b in [bounds[i]]}  # fmt: skip
                gather(pool, calls, done, live_workers, window)
    finally:
        bar.close()
    complete = [p for p in parts if p is not None]
    assert len(complete) == len(parts)
    return Answer.concat(complete)
