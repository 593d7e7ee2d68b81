"""The players of the article's game, their actions, and how each Syrian action reads to
each counterpart.

Syria hedges between Iran and those who want Iran out; the three counterparts each want
something different from it, so every Syrian action is, towards each counterpart, either
what it wants (``COMPLY``), covert work against it (``COVERT``: hedging, public alignment
with private signals, shipments passing under feigned ignorance) or open action against it
(``OPEN``). The signals a counterpart receives (:mod:`sim.article.signals`) follow from that
reading alone.
"""

from __future__ import annotations

from typing import Final

SYRIA: Final = "syria"
IRAN: Final = "iran"
ISRAEL: Final = "israel"
GULF: Final = "gulf"
PLAYERS: tuple[str, ...] = (SYRIA, IRAN, ISRAEL, GULF)
COUNTERPARTS: tuple[str, ...] = (IRAN, ISRAEL, GULF)

ACTIONS: dict[str, tuple[str, ...]] = {
    SYRIA: ("align", "hedge", "realign"),
    IRAN: ("support", "condition", "withdraw"),
    ISRAEL: ("restrain", "interdict", "escalate"),
    GULF: ("engage", "wait", "isolate"),
}
PLAYER_LABELS: dict[str, str] = {
    SYRIA: "Syria",
    IRAN: "Iran",
    ISRAEL: "Israel",
    GULF: "Gulf/West",
}
SHAPE: tuple[int, ...] = tuple(len(ACTIONS[p]) for p in PLAYERS)

COMPLY: Final = "comply"
COVERT: Final = "covert"
OPEN: Final = "open"
#: ``STANCE[counterpart][syria_action]``: how the action reads to that counterpart.
STANCE: dict[str, dict[str, str]] = {
    IRAN: {"align": COMPLY, "hedge": COVERT, "realign": OPEN},
    ISRAEL: {"align": OPEN, "hedge": COVERT, "realign": COMPLY},
    GULF: {"align": OPEN, "hedge": COVERT, "realign": COMPLY},
}
#: Each counterpart's actions from the most accommodating to the harshest.
HARSHNESS: dict[str, tuple[str, ...]] = {
    IRAN: ("support", "condition", "withdraw"),
    ISRAEL: ("restrain", "interdict", "escalate"),
    GULF: ("engage", "wait", "isolate"),
}
HEDGE: Final = "hedge"
