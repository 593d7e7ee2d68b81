"""The claim ledger: complete, consistent with the model, in our own words."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from sim.article import terms
from sim.claims import LEDGER_PATH, Claim, Ledger, check_ledger, load_ledger

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "article.txt"


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return load_ledger()


def test_ledger_names_its_source(ledger: Ledger) -> None:
    assert "Iran-Syria visits" in ledger.title
    assert ledger.date.startswith("2024")


def test_ledger_has_at_least_sixteen_claims(ledger: Ledger) -> None:
    assert len(ledger.claims) >= 16


def test_ledger_is_consistent_with_the_model(ledger: Ledger) -> None:
    assert check_ledger(ledger) == []


def test_every_payoff_term_cites_a_claim() -> None:
    assert all(term.claims for term in terms.TERMS)


def test_a_claim_without_mechanism_is_reported(ledger: Ledger) -> None:
    broken = Ledger(ledger.title, ledger.date, ledger.claims + (Claim("C99", 1, "x", ()),))
    assert "C99 has no mechanism" in check_ledger(broken)


def test_a_mechanism_citing_an_unknown_term_is_reported(ledger: Ledger) -> None:
    first = ledger.claims[0]
    bad = Claim(first.id, first.paragraph, first.restatement, ("term:no_such_term",))
    problems = check_ledger(Ledger(ledger.title, ledger.date, (bad,) + ledger.claims[1:]))
    assert any("unknown term 'no_such_term'" in p for p in problems)


def test_a_term_citing_an_unknown_claim_is_reported(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    term = terms.TERMS[0]
    rogue = dataclasses.replace(term, claims=term.claims + ("C77",))
    monkeypatch.setattr(terms, "TERMS", (rogue,) + tuple(terms.TERMS[1:]))
    assert any("unknown claim C77" in p for p in check_ledger(ledger))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))


@pytest.mark.skipif(not ARTICLE.is_file(), reason="the article is not beside the repository")
def test_restatements_do_not_copy_the_article(ledger: Ledger) -> None:
    article = _words(ARTICLE.read_text(encoding="utf-8"))
    shingles = {tuple(article[i : i + 7]) for i in range(len(article) - 6)}
    for claim in ledger.claims:
        words = _words(claim.restatement)
        copied = [
            " ".join(words[i : i + 7])
            for i in range(len(words) - 6)
            if tuple(words[i : i + 7]) in shingles
        ]
        assert not copied, f"{claim.id} copies the article: {copied}"


@pytest.mark.skipif(not ARTICLE.is_file(), reason="the article is not beside the repository")
def test_paragraph_numbers_point_at_text_lines(ledger: Ledger) -> None:
    lines = ARTICLE.read_text(encoding="utf-8").splitlines()
    for claim in ledger.claims:
        assert lines[claim.paragraph - 1].strip(), f"{claim.id} points at an empty line"


def test_ledger_file_is_plain_safe_yaml() -> None:
    assert isinstance(yaml.safe_load(LEDGER_PATH.read_text(encoding="utf-8")), dict)


def test_a_mechanism_citing_an_unknown_signal_rule_is_reported(ledger: Ledger) -> None:
    first = ledger.claims[0]
    bad = Claim(first.id, first.paragraph, first.restatement, ("signal:telepathy",))
    problems = check_ledger(Ledger(ledger.title, ledger.date, (bad,) + ledger.claims[1:]))
    assert any("unknown signal rule 'telepathy'" in p for p in problems)


def test_model2_terms_are_in_the_ledger(ledger: Ledger) -> None:
    """Every Model 2 term is listed by each claim it cites (the collapse included)."""
    claims = ledger.by_id()
    for term in terms.TERMS:
        for cid in term.claims:
            assert f"term:{term.name}" in claims[cid].mechanisms, (term.name, cid)
