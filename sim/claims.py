"""The claim ledger (``seeds/claims.yaml``): the article's claims in our words.

Each claim names the mechanisms that encode it (payoff terms, signal and capacity rules,
event kinds, action meanings); :func:`check_ledger` verifies both directions against the
article's game (:mod:`sim.article`), so a term cannot cite an unknown claim and a claim
cannot lack a mechanism.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.article import actors
from sim.article import capacity as article_capacity
from sim.article import signals as article_signals
from sim.article import terms as article_terms
from sim.errors import HedgesimError

LEDGER_PATH = Path(__file__).resolve().parent.parent / "seeds" / "claims.yaml"
EVENT_KINDS = frozenset(
    {"unity_visit", "lebanon_deal", "fuel_crisis", "escalation", "incentive_push"}
)


@dataclass(frozen=True)
class Claim:
    id: str
    paragraph: int
    restatement: str
    mechanisms: tuple[str, ...]


@dataclass(frozen=True)
class Ledger:
    title: str
    date: str
    claims: tuple[Claim, ...]

    def by_id(self) -> dict[str, Claim]:
        return {c.id: c for c in self.claims}


def load_ledger(path: str | Path = LEDGER_PATH) -> Ledger:
    """Read the ledger (safe YAML)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        claims = tuple(
            Claim(
                id=str(c["id"]),
                paragraph=int(c["paragraph"]),
                restatement=" ".join(str(c["restatement"]).split()),
                mechanisms=tuple(str(m) for m in c.get("mechanisms") or ()),
            )
            for c in data["claims"]
        )
        return Ledger(str(data["source"]["title"]), str(data["source"]["date"]), claims)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise HedgesimError(f"{path}: cannot read the claim ledger ({exc})") from None


def check_ledger(ledger: Ledger) -> list[str]:
    """Every inconsistency between the ledger and the model, as sentences (empty if none)."""
    problems: list[str] = []
    claims = ledger.by_id()
    if len(claims) != len(ledger.claims):
        problems.append("claim ids are not unique")
    terms = {t.name: t.claims for t in article_terms.TERMS}
    rules = {"signal": article_signals.RULES, "capacity": article_capacity.RULES}
    for claim in ledger.claims:
        if not claim.mechanisms:
            problems.append(f"{claim.id} has no mechanism")
        for mechanism in claim.mechanisms:
            kind, _, name = mechanism.partition(":")
            if kind == "term":
                if name not in terms:
                    problems.append(f"{claim.id} cites unknown term {name!r}")
                elif claim.id not in terms[name]:
                    problems.append(f"term {name!r} does not list {claim.id}, which cites it")
            elif kind in rules:
                if name not in rules[kind]:
                    problems.append(f"{claim.id} cites unknown {kind} rule {name!r}")
            elif kind == "event":
                if name not in EVENT_KINDS:
                    problems.append(f"{claim.id} cites unknown event kind {name!r}")
            elif kind == "action":
                player, _, action = name.partition(".")
                if action not in actors.ACTIONS.get(player, ()):
                    problems.append(f"{claim.id} cites unknown action {name!r}")
            else:
                problems.append(f"{claim.id} has a mechanism of unknown kind {mechanism!r}")
    for name, cited in terms.items():
        for cid in cited:
            if cid not in claims:
                problems.append(f"term {name!r} cites unknown claim {cid}")
            elif f"term:{name}" not in claims[cid].mechanisms:
                problems.append(f"claim {cid} does not list term {name!r}, which cites it")
    return problems
