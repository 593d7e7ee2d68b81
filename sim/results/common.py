"""What every results file shares: the float precision, round-valued answers that may be
ties, display names, and the strict, frozen base record.

Precision (documented in ``docs/results.md``): every float is held, and written, with at
most :data:`DECIMALS` decimal places and :data:`SIGNIFICANT` significant digits, so values
that are zero up to floating-point error (a regret of ``4.4e-16``) are ``0`` and solver or
platform noise far below the model's precision cannot change a byte. The rounding is part
of validation (:data:`Real`), so a result built in memory and the same result read back
from its file hold identical numbers, and figures drawn from either are identical.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from sim.labels import Labels

#: Decimal places kept for every float.
DECIMALS = 10
#: Significant digits kept for every float.
SIGNIFICANT = 12


def fixed(x: float) -> float:
    """``x`` with at most :data:`DECIMALS` decimals and :data:`SIGNIFICANT` significant
    digits; never ``-0.0``. Non-finite values are returned unchanged."""
    if not math.isfinite(x):
        return x
    y = round(x, DECIMALS)
    if y != 0.0:
        y = float(f"{y:.{SIGNIFICANT}g}")
    return 0.0 if y == 0.0 else y


def _fixed_input(value: Any) -> Any:
    """Round numbers (Python or numpy) on the way in; leave anything else to validation."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    try:
        return fixed(float(value))
    except (TypeError, ValueError):
        return value


#: A finite float at the documented precision.
Real = Annotated[float, BeforeValidator(_fixed_input), Field(allow_inf_nan=False)]
#: A probability (or a tolerance level) at the documented precision.
Probability = Annotated[float, BeforeValidator(_fixed_input), Field(ge=0.0, le=1.0,
                                                                   allow_inf_nan=False)]
#: A round index, from 0.
Round = Annotated[int, Field(ge=0)]


class Record(BaseModel):
    """Strict and immutable: unknown keys are refused, nothing changes after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TieCause(Record):
    """The comparison a tied answer turns on: in ``round``, ``player``'s payoff from
    ``alternative`` differs from that of ``action`` (its play on the path) by ``difference``,
    which is within the solvers' verification ``tolerance``."""

    round: Round = Field(description="the round the comparison is in")
    player: str = Field(description="whose comparison")
    action: str = Field(description="its action on the path")
    alternative: str = Field(description="the action that pays the same within tolerance")
    difference: Real = Field(description="the alternative's payoff minus the action's")
    tolerance: Real = Field(description="the verification tolerance of that round's game")


class Horizon(Record):
    """A round-valued answer.

    ``round`` is what the run gives (``null``: not within the run). ``tie`` is true when
    that answer turns on a payoff comparison within the solvers' verification tolerance:
    the comparison could go either way, and ``between`` holds both answers (earlier first;
    ``null``: not within the run), ``cause`` the comparison.
    """

    round: Round | None = Field(description="the run's answer (null: not within the run)")
    tie: bool = Field(default=False, description="whether the answer turns on a comparison within "
                      "the solvers' verification tolerance")
    between: tuple[Round | None, Round | None] | None = Field(
        default=None, description="a tie's two answers, earlier first (null: not within the run)")
    cause: TieCause | None = Field(default=None, description="the comparison a tie turns on")

    @classmethod
    def of(cls, round_: int | None) -> Horizon:
        """A clean (untied) answer."""
        return cls(round=round_)

    def text(self, never: str = "never") -> str:
        """``"6"``, ``"5 or 6 (a tie)"``, ``never``."""
        if self.tie and self.between is not None:
            a, b = (never if x is None else str(x) for x in self.between)
            return f"{a} or {b} (a tie)"
        return never if self.round is None else str(self.round)


class LabelNames(Record):
    """Display names: ``players`` {player: name}, ``actions`` {player: {action: name}},
    every player and action spelled out. Figures and the report show these; every other
    key keeps the model's names."""

    players: dict[str, str]
    actions: dict[str, dict[str, str]]

    @classmethod
    def of(cls, labels: Labels, actions: Mapping[str, tuple[str, ...]]) -> LabelNames:
        return cls(
            players={p: labels.player(p) for p in actions},
            actions={p: {a: labels.action(p, a) for a in acts} for p, acts in actions.items()},
        )

    def labels(self) -> Labels:
        """As :class:`sim.labels.Labels`."""
        return Labels.of(self.players, self.actions)
