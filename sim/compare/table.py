"""The comparison table: one row per scenario, one column per headline answer, every cell a
reading of that scenario's results (:mod:`sim.compare.headlines`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from sim.compare.headlines import ENDS, Headlines
from sim.figures.style import format_date
from sim.wording import count_text, probability

#: The columns, in order.
HEADER: tuple[str, ...] = (
    "scenario", "median horizon", "P(never within the run)", "most likely end",
    "P(align)", "P(realign)", "P(collapse first)", "P(collapse by {by})",
    "value of ambiguity (start)", "robust: horizon / exit / collapse",
)


@dataclass(frozen=True)
class By:
    """The common point the collapse probability is read at: a date (dated scenarios) or a
    round (``round``), and its text."""

    date: dt.date | None
    round: int | None

    @property
    def text(self) -> str:
        if self.date is not None:
            return f"{self.date:%d %b %Y}".lstrip("0")
        return f"round {self.round}"

    def round_in(self, h: Headlines) -> int:
        """The round of ``h`` this point falls in (-1: before its start)."""
        if self.date is not None:
            r = h.round_of(self.date)
            return -1 if r is None else r
        assert self.round is not None
        return self.round


def common_by(headlines: Sequence[Headlines], date: dt.date | None = None,
              round_: int | None = None) -> By:
    """The point the table reads the collapse probability at: the one asked for, else the
    last date every (dated) scenario reaches, else the last round every scenario has."""
    if date is not None or round_ is not None:
        return By(date, round_)
    if headlines and all(h.dated for h in headlines):
        return By(min(h.dates[-1] for h in headlines if h.dates[-1] is not None), None)
    return By(None, min((h.rounds for h in headlines), default=1) - 1)


def _yes(v: bool | None) -> str:
    return "?" if v is None else "yes" if v else "no"


def horizon_text(h: Headlines) -> str:
    median = h.horizon_median()
    if median is None:
        # not reached with probability 1/2 within the run: say what holds the other half
        # (a collapse first is not a longer hedge)
        if h.horizon_collapse > h.horizon_never:
            return "not reached: collapse first"
        return f"beyond {count_text(h.rounds, h.round_unit)}"
    day = h.dates[median] if h.dated else None
    when = f" ({format_date(day, h.round_days)})" if day is not None else ""
    return f"{count_text(median, h.round_unit)}{when}"


def row(h: Headlines, by: By) -> tuple[str, ...]:
    """The table row of one scenario (the texts of :data:`HEADER`)."""
    voa = h.value_of_ambiguity_start()
    return (
        h.name,
        horizon_text(h),
        probability(h.horizon_never),
        h.exit_mode(),
        probability(h.exit.get("align", 0.0)),
        probability(h.exit.get("realign", 0.0)),
        probability(h.exit.get("collapse", 0.0)),
        probability(h.collapse_by(by.round_in(h))),
        "n/a" if voa is None else f"{voa:+.2f}",
        " / ".join(_yes(h.robust.get(k)) for k in ("horizon", "exit", "collapse")),
    )


def header(by: By) -> tuple[str, ...]:
    return tuple(c.format(by=by.text) for c in HEADER)


def table(headlines: Sequence[Headlines], by: By) -> list[tuple[str, ...]]:
    return [row(h, by) for h in headlines]


def table_csv(headlines: Sequence[Headlines], by: By) -> str:
    """The table as CSV (numbers unformatted where they are numbers)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["scenario", "model", "rounds", "round_unit", "horizon_median",
                "horizon_never", "horizon_collapse", *(f"exit_{e}" for e in ENDS),
                "collapse_by", "collapse_by_value", "value_of_ambiguity_start",
                "robust_horizon", "robust_exit", "robust_collapse"])
    for h in headlines:
        voa = h.value_of_ambiguity_start()
        w.writerow([h.name, h.model, h.rounds, h.round_unit, h.horizon_median(),
                    h.horizon_never, h.horizon_collapse, *(h.exit.get(e, 0.0) for e in ENDS),
                    by.text, h.collapse_by(by.round_in(h)), "" if voa is None else voa,
                    *(h.robust.get(k) for k in ("horizon", "exit", "collapse"))])
    return out.getvalue()


def table_text(headlines: Sequence[Headlines], by: By) -> str:
    """The table for a terminal."""
    rows = [header(by), *table(headlines, by)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
