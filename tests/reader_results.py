"""Model 2 results made different for the comparison and explorer tests: each variant is the
session's tiny real run (``conftest.tiny``) with its headline distributions replaced by
other valid ones, so that every grid position or scenario shows its own numbers."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sim.results import ArticleResults


def variant(tiny: ArticleResults, k: int, name: str | None = None, *,
            never: bool = False, start: dt.date | None = None) -> ArticleResults:
    """``tiny`` with: the horizon at round ``k % rounds`` with probability 0.6 (the rest
    never; all of it never with ``never``), the exit split between align and realign by
    ``k``, the regime's standing falling by ``0.05 (k + 1)`` a round, Syria's play shifted
    to align by ``0.02 k`` a round; renamed ``name``, starting ``start``."""
    d: dict[str, Any] = copy.deepcopy(tiny.model_dump(mode="json"))
    n = len(d["rounds"])
    at = [0.0] * n
    if not never:
        at[k % n] = 0.6
    d["horizon"].update(at=at, collapse=0.0, never=1.0 - sum(at),
                        median=None if never or sum(at) < 0.5 else k % n)
    a = 0.0 if never else round(0.1 * (k % 5) + 0.05, 10)
    r = 0.0 if never else round(0.55 - a, 10)
    exit_at: list[dict[str, float]] = [{} for _ in range(n)]
    exit_at[k % n] = {"align": a, "realign": r}
    totals = {"align": a, "realign": r, "collapse": 0.0, "never": round(1.0 - a - r, 10)}
    top = max(totals.values())
    d["exit"].update(at=exit_at, collapse=0.0, never=totals["never"], totals=totals,
                     mode=[e for e, v in totals.items() if v == top])
    hazard = 0.05 * (k + 1)
    standing = [round((1 - hazard) ** t, 10) for t in range(n + 1)]
    d["survival"] = standing
    for t, row in enumerate(d["rounds"]):
        fallen = 1.0 - standing[t]
        row["collapsed"] = round(fallen, 10)
        for player, probs in row["actions"].items():
            names = list(probs)
            if player == "syria":
                shift = min(0.02 * k * t, 0.5)
                base = {"align": shift, "hedge": 1.0 - shift, "realign": 0.0}
            else:
                base = {names[0]: 1.0 - 0.1 * t / n, names[1]: 0.1 * t / n, names[2]: 0.0}
            row["actions"][player] = {x: round(base[x] * standing[t], 10) for x in names}
            # absorb rounding so the row sums to one exactly as the validator checks
            total = sum(row["actions"][player].values()) + row["collapsed"]
            row["actions"][player][names[0]] = round(
                row["actions"][player][names[0]] + 1.0 - total, 10)
    if name is not None:
        d["scenario"]["name"] = name
    if start is not None:
        d["scenario"]["start"] = start.isoformat()
        days = d["scenario"]["round_days"]
        for t, row in enumerate(d["rounds"]):
            row["date"] = (start + dt.timedelta(days=t * days)).isoformat()
    return ArticleResults.model_validate(d)
