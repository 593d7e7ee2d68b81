"""Numbers and names in words, shared by figure titles and report sentences.

Pure string functions: no matplotlib, no model runs. Players and actions are shown by
their display names (:class:`sim.labels.Labels`); key paths by what they mean.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sim.article import actors
from sim.labels import Labels

MINUS = "\u2212"


def sign(x: float, digits: int = 1) -> str:
    """``+2.2`` / ``\u22120.4`` / ``0.0`` (never ``-0.0``)."""
    r = round(float(x), digits)
    if r == 0:
        return f"{0:.{digits}f}"
    return f"{r:+.{digits}f}".replace("-", MINUS)


def num(x: float, digits: int = 1) -> str:
    """``x`` to ``digits`` decimals, with a true minus sign and never ``-0.0``."""
    r = round(float(x), digits)
    return f"{0.0 if r == 0 else r:.{digits}f}".replace("-", MINUS)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def join(items: Sequence[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def percent(x: float) -> str:
    """A probability or share as a whole percentage: ``"59%"``; ``"under 1%"`` and
    ``"over 99%"`` where rounding would turn something that can happen into ``"0%"``, or
    something that may not into ``"100%"``; ``"0%"`` and ``"100%"`` only for exactly 0 and 1."""
    if 0 < x < 0.005:
        return "under 1%"
    if 0.995 <= x < 1:
        return "over 99%"
    return f"{x:.0%}"


def share_of(x: float, things: str) -> str:
    """A share of ``things`` in words: ``"12% of <things>"``; below 1% (where a
    percentage would print as ``"0.0001"`` or ``"under 1%"`` and hide the order of magnitude),
    ``"about 1 in 9,700 <things>"``, the count rounded to two significant figures."""
    if not 0 < x < 0.01:
        return f"{percent(x)} of {things}"
    one_in = float(f"{1 / x:.2g}")
    return f"about 1 in {one_in:,.0f} {things}"


def percent_pm(x: float, se: float, pm: str = "\u00b1") -> str:
    """A share and its standard error as whole percentages: ``"35% \u00b1 1%"``; ``"\u00b1
    under 1%"`` for an error that rounds to zero but is not (as :func:`percent`); ``pm``:
    the sign between them (``"+-"`` in plain text)."""
    return f"{percent(x)} {pm} {percent(se)}"


def interval_text(low: float | None, high: float | None, digits: int = 2) -> str:
    """A confidence interval's ends: ``"0.11 to 0.15"``; ``"up to 0.15"`` or ``"from
    0.11"`` when one end is unknown (``None``), ``"unbounded"`` when both are."""
    if low is None and high is None:
        return "unbounded"
    if low is None:
        return f"up to {high:.{digits}f}"
    if high is None:
        return f"from {low:.{digits}f}"
    return f"{low:.{digits}f} to {high:.{digits}f}"


def probability(x: float, digits: int = 2) -> str:
    """A probability to ``digits`` decimals: ``"0.58"``; ``"<0.01"`` and ``">0.99"`` (with
    two digits) where rounding would print ``"0.00"`` for a chance or ``"1.00"`` for a doubt
    (as :func:`percent`)."""
    half = 0.5 * 10.0**-digits
    if 0 < x < half:
        return f"<{10.0**-digits:.{digits}f}"
    if 1 - half <= x < 1:
        return f">{1 - 10.0**-digits:.{digits}f}"
    return f"{x:.{digits}f}"


# -- rounds -------------------------------------------------------------------------------
def plural_unit(round_unit: str = "round") -> str:
    """The unit of a horizon on an axis: ``"months"``, or ``"rounds"``."""
    return "rounds" if round_unit == "round" else f"{round_unit}s"


def rounds_label(round_unit: str) -> str:
    """The axis label of rounds, with their unit: ``"round (months)"``."""
    return "round" if round_unit == "round" else f"round ({round_unit}s)"


def rounds_text(n: int, unit: str) -> str:
    """``"7 rounds (months)"``, ``"1 round (month)"``, ``"3 rounds"``."""
    word = "round" if n == 1 else "rounds"
    if unit == "round":
        return f"{n} {word}"
    return f"{n} {word} ({unit if n == 1 else unit + 's'})"


def count_text(n: int, round_unit: str) -> str:
    """``"24 months"``, ``"1 month"``, ``"3 rounds"``."""
    word = plural_unit(round_unit) if n != 1 else round_unit
    return f"{n} {word}"


def never_text(rounds: int, round_unit: str) -> str:
    """``"never within 24 months"``."""
    return f"never within {count_text(rounds, round_unit)}"








# -- key paths ----------------------------------------------------------------------------
_WORDS: dict[str, str] = {"iran": "Iran's", "israel": "Israel's", "gulf": "Gulf/West",
                          "syria": "Syria's"}


def _word(word: str, lab: Labels) -> str:
    """A word of a parameter's name, a player's role in it named by ``lab``."""
    if word not in _WORDS:
        return word
    shown = lab.player(word)
    return _WORDS[word] if shown == actors.PLAYER_LABELS[word] else f"{shown}'s"


#: A counterpart's belief settings of the article's game in words.
_BELIEF_NAMES: dict[str, str] = {
    "prior": "{who}'s prior suspicion",
    "catch": "chance {who} catches a hedge",
    "false_alarm": "{who}'s false alarms",
    "visibility": "visibility of hedging to {who}",
    "deniability": "deniability towards {who}",
}


def key_name(key: str, labels: Labels | None = None) -> str:
    """A key path of the article's game in words: ``"Gulf/West incentive"``, ``"visibility
    of hedging to Iran"``, ``"Iran's capacity"``; players named by ``labels`` (default: the
    model's names); any other key as it is."""
    from sim.scenario.article_keys import PARAMETER_KEYS

    lab = labels or Labels.default()
    parts = key.split(".")
    if parts[0] == "beliefs" and len(parts) == 3 and parts[2] in _BELIEF_NAMES:
        return _BELIEF_NAMES[parts[2]].format(who=lab.player(parts[1]))
    if key == "game.discount":
        return f"{lab.player(actors.SYRIA)}'s discount factor"
    if key in PARAMETER_KEYS:
        words = PARAMETER_KEYS[key].split("_")
        if words[-1] == "russia":  # a patron, not a player
            return " ".join(["Russia's", *words[:-1]])
        if words[-1] in _WORDS:  # capacity_iran: Iran's capacity
            words = [words[-1], *words[:-1]]
        return " ".join(_word(w, lab) for w in words)
    return key


def key_unit(key: str, round_unit: str = "round") -> str:
    """The unit of a key path's values (empty when it has none): a parameter's unit, per
    month as scenarios state every value whatever the round (``round_unit`` is kept for the
    callers that name a run's rounds)."""
    from sim.article.parameters import SPEC
    from sim.scenario.article_keys import PARAMETER_KEYS

    if key in PARAMETER_KEYS:
        return SPEC[PARAMETER_KEYS[key]].unit.replace("per round", "per month")
    return ""


def key_label(key: str, round_unit: str = "round", labels: Labels | None = None) -> str:
    """An axis label: the key in words, its unit and the key path itself."""
    unit = key_unit(key, round_unit)
    name = key_name(key, labels)
    return f"{name} ({unit})\n{key}" if unit else f"{name}\n{key}"


def value_text(x: float) -> str:
    """A swept value, short: ``0.044``, ``2.12``, ``12``."""
    return num(x, 3 if abs(x) < 1 else 2).rstrip("0").rstrip(".") if x != 0 else "0"


_DEFAULT_NAMES = re.compile(
    r"\b(?:([Tt]he) )?(" + "|".join(re.escape(n) for n in actors.PLAYER_LABELS.values())
    + r")\b"
)
_ROLE_OF = {name: role for role, name in actors.PLAYER_LABELS.items()}


def relabel(text: str, labels: Labels) -> str:
    """A fixed wording (a caption, a table note) with the model's player names replaced by
    ``labels``' (one pass, so a new name containing an old one is left alone). A name that
    brings its own article is not given a second one: "for the Gulf/West" with the Gulf/West
    named "The West" reads "for the West"."""

    def name(m: re.Match[str]) -> str:
        article, new = m.group(1), labels.player(_ROLE_OF[m.group(2)])
        if article is None:
            return new
        if new[:4].lower() == "the ":
            return article + new[3:]
        return f"{article} {new}"

    return _DEFAULT_NAMES.sub(name, text)
