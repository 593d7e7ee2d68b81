"""The ``expect:`` block of a scenario: what the scenario claims its situation does to the
answers, checked by ``hedgesim validate --expect`` across the supported set
(:mod:`sim.calibrate.expect`).

Each expectation names one answer of the analysis (:data:`ANSWERS`) and a comparison: more
or less than in another scenario (``than``, a scenario file beside this one; the baseline by
default), or above or below a number. ``by`` dates the collapse probability.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: The answers an expectation may name (the scalar answers of ``hedgesim analyze``).
ANSWERS: tuple[str, ...] = ("hedging ends", "exit to realign", "exit to align", "collapse by",
                            "value of ambiguity")  # fmt: skip


class Expectation(BaseModel):
    """One expected effect (module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    answer: Literal["hedging ends", "exit to realign", "exit to align", "collapse by",
                    "value of ambiguity"]  # fmt: skip
    compare: Literal["more", "less"]
    than: Annotated[str, Field(min_length=1)] | None = None
    value: float | None = None
    by: dt.date | None = None
    because: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _one_reference(self) -> Expectation:
        if self.than is not None and self.value is not None:
            raise ValueError("give either than (a scenario) or value (a number), not both")
        return self

    def describe(self) -> str:
        ref = (f"{self.value:g}" if self.value is not None
               else f"in {self.than or 'baseline.yaml'}")  # fmt: skip
        when = f" {self.by.isoformat()}" if self.by is not None else ""
        return f"{self.answer}{when} {self.compare} than {ref}"
