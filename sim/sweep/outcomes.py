"""What a sweep records per variant: plain numpy arrays, one entry per variant.

Codes (``-1`` everywhere means "none"):

- ``horizon``: the myopic horizon (:func:`sim.repeated.myopic_horizon`), the first round
  in which Syria does not hedge for sure; ``-1`` if hedging lasts the whole run.
- ``exit``: index into :data:`EXIT_LABELS` (Syria's actions) of Syria's most likely
  non-hedge action in the horizon round; ``-1`` if there is no horizon.
- ``first_broken``: index into :data:`COUNTERPART_LABELS` of the counterpart whose
  patience broke first (:class:`sim.repeated.ExitPath`); ``-1`` if none.
- ``first_broken_round``: the round that happened in; ``-1`` if none.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sim import model
from sim.atomic import atomic_open

IntArray = npt.NDArray[np.int64]

#: Labels of the ``exit`` codes (Syria's actions, in the model's order).
EXIT_LABELS: tuple[str, ...] = model.ACTIONS[model.SYRIA]
#: Labels of the ``first_broken`` codes (the counterparts, in the model's order).
COUNTERPART_LABELS: tuple[str, ...] = model.COUNTERPARTS
NONE = -1


@dataclass(frozen=True, eq=False)
class Outcomes:
    """Per-variant outcomes of a sweep (see the module docstring for the codes)."""

    horizon: IntArray
    exit: IntArray
    first_broken: IntArray
    first_broken_round: IntArray

    def __len__(self) -> int:
        return int(self.horizon.shape[0])

    @classmethod
    def empty(cls, n: int) -> Outcomes:
        """``n`` variants, every entry ``-1`` (to be filled)."""
        return cls(*(np.full(n, NONE, dtype=np.int64) for _ in fields(cls)))

    @classmethod
    def concat(cls, parts: Sequence[Outcomes]) -> Outcomes:
        """The outcomes of several chunks, in order."""
        if not parts:
            return cls.empty(0)
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))

    def arrays(self) -> dict[str, IntArray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def equals(self, other: Outcomes) -> bool:
        """Whether every array is identical."""
        return all(
            np.array_equal(a, b)
            for a, b in zip(self.arrays().values(), other.arrays().values(), strict=True)
        )

    # -- storage ------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write an ``.npz`` atomically: a temporary file in the same folder, then rename."""
        arrays: dict[str, Any] = dict(self.arrays())
        with atomic_open(path, "wb") as f:
            np.savez(f, **arrays)

    @classmethod
    def load(cls, path: Path, n: int | None = None) -> Outcomes | None:
        """Read a chunk written by :meth:`save`; ``None`` if it is unreadable or does not
        hold ``n`` variants (a stale or foreign file is recomputed, never trusted)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                out = cls(*(np.asarray(data[f.name], dtype=np.int64) for f in fields(cls)))
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            # truncated, damaged (bad CRC), foreign or not a zip at all: recompute it
            return None
        lengths = {len(a) for a in out.arrays().values()}
        if len(lengths) != 1 or (n is not None and lengths != {n}):
            return None
        if not out._codes_valid():
            return None
        return out

    def _codes_valid(self) -> bool:
        """Whether every code lies in its range (a chunk read back is checked, not trusted)."""
        h, e, f, fr = self.horizon, self.exit, self.first_broken, self.first_broken_round
        return bool(
            np.all(h >= NONE)
            and np.all((e >= NONE) & (e < len(EXIT_LABELS)))
            and np.all((f >= NONE) & (f < len(COUNTERPART_LABELS)))
            and np.all(fr >= NONE)
        )
