"""The HTML report of a run: one self-contained file a person reads.

:func:`build_report` turns a results mapping (``results.json`` as plain Python), the
figures :func:`sim.plots.write_figures` wrote, the claim ledger and the scenario's text
into one HTML page: the question, the answer in plain sentences
(:func:`answer_sentences`), the horizons table, the figures (embedded as base64 PNG),
the equilibria of every round, the claims behind the main payoff terms and the scenario
as run. No network, no external CSS or JavaScript; it prints cleanly.
:func:`write_report` writes it atomically.

Everything shown is computed from the results, never typed in: change the scenario and
the sentences change with it.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim import model, plots

Results = Mapping[str, Any]

#: What each figure shows, used as its caption and alt text.
CAPTIONS: dict[str, str] = {
    "payoffs_syria": "Syria's payoff for each of its actions against every joint action of "
    "Iran, Israel and the Gulf/West at round 0; framed cells are equilibrium play.",
    "payoffs_counterparts": "Each counterpart's two-player game against Syria at round 0, "
    "the other two held at their equilibrium play.",
    "tolerance": "Each counterpart's tolerance of a hedging Syria per round; dashed lines are "
    "the tolerance at which its response flips, vertical lines the horizons.",
    "margin": "Syria's payoff from hedging minus its best alternative per round, and its "
    "probability of hedging in the selected equilibrium.",
    "path": "The selected equilibrium per round: every player's action (stacked by "
    "probability in mixed rounds).",
    "decomposition": "Why hedging wins at round 0: the difference each payoff term makes "
    "between hedge and align, and between hedge and realign, with the claims behind it.",
}

#: How Syria's exit is said in a sentence, by its action.
EXIT_PHRASES: dict[str, str] = {
    "align": "re-aligns openly with Tehran",
    "realign": "breaks with Tehran and turns to the Gulf/West",
    "hedge": "keeps hedging only with some probability",
}


# -- reading results ------------------------------------------------------------------
def _first(mapping: Any, *keys: str) -> Any:
    if not isinstance(mapping, Mapping):
        return None
    for key in keys:
        if mapping.get(key) is not None:
            return mapping[key]
    return None


def _horizon(results: Results, name: str) -> Any:
    return (results.get("horizons") or {}).get(name)


def _number(value: Any, *keys: str) -> float | None:
    """A float from a number, or from the first of ``keys`` in a mapping."""
    if isinstance(value, Mapping):
        value = _first(value, *keys)
    if value is None or isinstance(value, bool):
        return None
    return float(value)


def _rounds(n: int, unit: str) -> str:
    """``"7 rounds (months)"``, ``"1 round (month)"``, ``"3 rounds"``."""
    word = "round" if n == 1 else "rounds"
    if unit == "round":
        return f"{n} {word}"
    return f"{n} {word} ({unit if n == 1 else unit + 's'})"


def _name(player: str | None) -> str:
    return model.PLAYER_LABELS.get(player or "", player or "")


def _field(value: Any, key: str, results: Results) -> float | None:
    """``value[key]`` when ``value`` is a mapping, else ``results["horizons"][key]``."""
    found = value.get(key) if isinstance(value, Mapping) else None
    if found is None:
        found = (results.get("horizons") or {}).get(key)
    return None if found is None or isinstance(found, bool) else float(found)


def _fading(results: Results) -> tuple[int | None, int | None, bool]:
    """First round the hedge probability is below 1/2, first round it is 0, and whether the
    results record the latter (``horizons.myopic_half`` / ``leaves_support``, or the same
    keys ``half`` / ``leaves_support`` inside a ``horizons.myopic`` mapping)."""
    horizons = results.get("horizons") or {}
    myopic = horizons.get("myopic")
    where = myopic if isinstance(myopic, Mapping) else horizons
    half = where.get("myopic_half", where.get("half"))
    gone = where.get("leaves_support")
    return (None if half is None else int(half), None if gone is None else int(gone),
            "leaves_support" in where)


def sustainability_discount(results: Results) -> float | None:
    """The smallest discount factor sustaining hedging (``None``: none below 1 does)."""
    value = _number(_horizon(results, "sustainability_discount"), "discount", "delta")
    if value is None:
        value = _number(_horizon(results, "sustainability"), "discount", "delta")
    if value is not None and not math.isfinite(value):
        return None
    return value


def scenario_discount(results: Results) -> float | None:
    """The scenario's own discount factor, when the results echo it."""
    for where in (results, results.get("scenario") or {}):
        value = _first(where, "discount")
        if value is None:
            value = _first(where.get("repeated") if isinstance(where, Mapping) else None,
                           "discount")
        if value is not None:
            return float(value)
    return None


# -- the answer -----------------------------------------------------------------------
def answer_sentences(results: Results) -> list[str]:
    """The answer to the scenario's question, in plain sentences, from the results.

    The first sentence says how long hedging stays optimal (the myopic horizon), whose
    patience breaks first and where Syria goes; the next ones say how hedging fades
    (probability below one half, leaving the support), what a forward-looking Syria does
    and which discount factor sustains hedging.

    Parameters
    ----------
    results
        A results mapping (``results.json``): ``rounds``, ``horizons``, ``exit``.
    """
    unit = plots.round_unit(results)
    n = len(results.get("rounds") or [])
    myopic_raw = _horizon(results, "myopic")
    myopic = plots.horizon_round(myopic_raw)
    exit_ = results.get("exit") or {}
    broken = plots.first_broken(results) if results.get("rounds") else exit_.get("first_broken")
    action = exit_.get("syria_action")
    out: list[str] = []

    if myopic is None:
        first = f"Hedging stays optimal for all {_rounds(n, unit)} of the run"
        if broken:
            first += (f"; {_name(broken)}'s patience wears thinnest, but not enough to "
                      "end it")
        out.append(first + ".")
    elif myopic == 0:
        out.append("Hedging is not Syria's certain choice even at the start (round 0).")
    else:
        parts = [f"Hedging stays optimal for {_rounds(myopic, unit)}"]
        if broken:
            parts.append(f"{_name(broken)}'s patience breaks first")
        p_exit = _hedge_probability_at(results, myopic)
        if action and p_exit is not None and p_exit > 1e-9:
            parts.append(f"Syria then starts mixing in {action}, still hedging with "
                         f"probability {p_exit:.2f}")
        elif action:
            parts.append(f"Syria then {EXIT_PHRASES.get(action, f'turns to {action}')}")
        out.append("; ".join(parts) + ".")
        later = _later_phases(results, myopic)
        if later:
            out.append(f"After that, Syria {later}.")

    half, gone, has_gone = _fading(results)
    if myopic is not None:
        if half is None and ("myopic_half" in (results.get("horizons") or {})
                             or isinstance(myopic_raw, Mapping) and "half" in myopic_raw):
            out.append("Its probability of hedging never falls below one half within the run.")
        elif half is not None and half != myopic:
            out.append(f"Its probability of hedging falls below one half in round {half}.")
        if gone is not None and gone != half:
            out.append(f"Hedging leaves its strategy altogether in round {gone}.")
        elif gone is None and has_gone and half is not None:
            out.append("Hedging never leaves its strategy altogether within the run: "
                       "it goes on hedging with some probability.")

    forward_raw = _horizon(results, "forward_looking")
    if "forward_looking" in (results.get("horizons") or {}):
        forward = plots.horizon_round(forward_raw)
        foresight = _field(forward_raw, "value_of_foresight", results)
        if forward is None:
            sentence = ("A forward-looking Syria, anticipating how patience wears out, "
                        "hedges throughout the run" + (" as well" if myopic is None else
                                                       ", longer than the myopic path"))
        else:
            sentence = (f"A forward-looking Syria, anticipating how patience wears out, "
                        f"stops hedging after {_rounds(forward, unit)}")
            if myopic is not None and forward != myopic:
                gap = abs(myopic - forward)
                sentence += (f", {gap} {'round' if gap == 1 else 'rounds'} "
                             f"{'earlier' if forward < myopic else 'later'} than the myopic path")
            elif myopic is None:
                sentence += ", although the myopic path never stops"
            else:
                sentence += ", the same round as on the myopic path"
        if foresight is not None and foresight > 1e-9:
            sentence += f"; foresight is worth {foresight:.2f} payoff units (discounted)"
        out.append(sentence + ".")

    delta = sustainability_discount(results)
    has_sustainability = any(k in (results.get("horizons") or {})
                             for k in ("sustainability_discount", "sustainability"))
    exceeded = (results.get("horizons") or {}).get("sustainability_exceeded")
    if has_sustainability:
        if delta is None:
            out.append("No discount factor below 1 sustains hedging against the "
                       "counterparts' threat to lose patience.")
        elif delta <= 1e-9:
            out.append("At round 0 hedging needs no patience to be sustained: no player gains "
                       "by deviating from it even once, so any discount factor sustains it.")
        else:
            sentence = (f"Against the counterparts' threat to lose patience, hedging is "
                        f"sustained only if Syria's discount factor is at least {delta:.2f}")
            own = scenario_discount(results)
            if own is not None:
                verdict = "so it is sustained" if own >= delta else "so it is not"
                sentence += f" (the scenario's is {own:.2f}, {verdict})"
            out.append(sentence + ".")
        own = scenario_discount(results)
        if exceeded is not None and own is not None:
            out.append(f"From round {int(exceeded)} on, the discount factor that would sustain "
                       f"it exceeds the scenario's {own:.2f}: the threat no longer holds "
                       "hedging in place.")
    return out


def _hedge_probability_at(results: Results, round_: int) -> float | None:
    for i, entry in enumerate(results.get("rounds") or []):
        if int(entry["round"]) == round_:
            if entry.get("hedge_probability") is not None:
                return float(entry["hedge_probability"])
            k = plots._players(results).index(model.SYRIA)
            h = plots._actions(results)[model.SYRIA].index(model.HEDGE)
            return float(plots.selected_profile(results, i)[k][h])
    return None


def _later_phases(results: Results, exit_round: int, limit: int = 3) -> str:
    """Syria's phases from the exit round on, in words (empty when there are none)."""
    if not results.get("rounds"):
        return ""
    found = [p for p in plots.phases(plots.equilibrium_path(results)) if p.last >= exit_round]
    if not found:
        return ""
    told = [plots.describe_phase(p, i == len(found) - 1) for i, p in enumerate(found[:limit])]
    if len(found) > limit:
        told.append("so on")
    return told[0] if len(told) == 1 else ", ".join(told[:-1]) + " and " + told[-1]


# -- tables -----------------------------------------------------------------------------
def horizon_rows(results: Results) -> list[tuple[str, str, str]]:
    """Rows ``(horizon, value, meaning)`` of the horizons table."""
    unit = plots.round_unit(results)
    n = len(results.get("rounds") or [])

    def when(value: int | None) -> str:
        return f"never within {_rounds(n, unit)}" if value is None else f"round {value}"

    rows = []
    horizons = results.get("horizons") or {}
    myopic_raw = horizons.get("myopic")
    if "myopic" in horizons:
        rows.append(("Myopic horizon", when(plots.horizon_round(myopic_raw)),
                     "first round hedging is no longer Syria's certain choice"))
        half, gone, has_gone = _fading(results)
        where = myopic_raw if isinstance(myopic_raw, Mapping) else horizons
        if "myopic_half" in where or "half" in where:
            rows.append(("Hedge probability < 1/2", when(half),
                         "first round Syria hedges less often than not"))
        if has_gone:
            rows.append(("Hedge leaves the support", when(gone),
                         "first round Syria never hedges"))
    if "forward_looking" in horizons:
        raw = horizons["forward_looking"]
        rows.append(("Forward-looking horizon", when(plots.horizon_round(raw)),
                     "first round a Syria that anticipates the dynamics stops hedging"))
        foresight = _field(raw, "value_of_foresight", results)
        if foresight is not None:
            rows.append(("Value of foresight", f"{foresight:.2f}",
                         "discounted payoff gained over the myopic path"))
    if any(k in horizons for k in ("sustainability_discount", "sustainability")):
        delta = sustainability_discount(results)
        rows.append(("Sustainability discount", "none below 1" if delta is None
                     else f"{delta:.2f}",
                     "smallest discount factor at which hedging is sustained"))
    exit_ = results.get("exit") or {}
    if exit_:
        action = exit_.get("syria_action")
        rows.append(("Exit", "—" if not action else f"round {exit_.get('round')}: {action}",
                     "what Syria does when hedging ends"))
        rows.append(("First broken", _name(exit_.get("first_broken")) or "—",
                     "the counterpart whose patience broke first"))
    for player, theta in plots.switch_points(results).items():
        rows.append((f"Switch point θ {_name(player)}",
                     "never flips" if theta is None else f"{theta:.2f}",
                     f"tolerance at which {_name(player)}'s response to a hedger flips"))
    return rows


def _strategy_text(names: Sequence[str], probs: Iterable[float]) -> str:
    pairs = [(a, float(p)) for a, p in zip(names, probs, strict=True) if p > 1e-9]
    if len(pairs) == 1:
        return pairs[0][0]
    return " / ".join(f"{a} {p:.2f}" for a, p in sorted(pairs, key=lambda x: -x[1]))


def _profile_text(profile: Sequence[Sequence[float]], players: Sequence[str],
                  actions: Mapping[str, Sequence[str]]) -> str:
    return ", ".join(_strategy_text(actions[p], s) for p, s in
                     zip(players, profile, strict=True))


def equilibrium_rows(results: Results) -> list[dict[str, str]]:
    """One row per round: tolerances, the selected profile, hedge probability, margin,
    every equilibrium found, events."""
    players = plots._players(results)
    actions = plots._actions(results)
    rows = []
    for i, entry in enumerate(results.get("rounds") or []):
        selected = plots.selected_profile(results, i)
        found = [e["profile"] for e in entry.get("equilibria") or []]
        tol = entry.get("tolerance") or {}
        margin = entry.get("margin")
        prob = entry.get("hedge_probability")
        if prob is None:
            prob = float(selected[players.index(model.SYRIA)][
                actions[model.SYRIA].index(model.HEDGE)])
        events = entry.get("events") or []
        rows.append({
            "round": str(entry["round"]),
            "tolerance": ", ".join(f"{_name(p)} {float(v):.2f}" for p, v in tol.items()),
            "selected": " · ".join(
                f"{_name(p)}: {_strategy_text(actions[p], s)}"
                for p, s in zip(players, selected, strict=True)),
            "hedge": f"{float(prob):.2f}",
            "margin": "" if margin is None else plots._sign(float(margin), 2),
            "equilibria": f"{len(found)}: " + "; ".join(
                f"({_profile_text(f, players, actions)})" for f in found),
            "events": ", ".join(str(e if not isinstance(e, Mapping) else e.get("name", e))
                                for e in events),
        })
    return rows


def load_claims(path: str | Path) -> dict[str, dict[str, Any]]:
    """The claim ledger (``seeds/claims.yaml``, read with ``yaml.safe_load``), by id."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {str(c["id"]): dict(c) for c in data.get("claims") or []}


def main_claims(
    decomposition: plots.Decomposition | None, n_terms: int = 3
) -> list[tuple[str, list[str]]]:
    """Claim ids behind the main payoff terms, with the terms citing each, in order.

    With a decomposition: the ``n_terms`` terms that separate hedge most from each
    alternative; without: every term of Syria's payoff.
    """
    if decomposition is not None:
        terms: list[tuple[str, tuple[str, ...]]] = []
        for alt in decomposition.alternatives:
            for t in decomposition.main_terms(alt, n_terms):
                if t.name not in [name for name, _ in terms]:
                    terms.append((t.name, t.claims))
    else:
        terms = [(t.name, t.claims) for t in model.terms_of(model.SYRIA)]
    by_claim: dict[str, list[str]] = {}
    for name, claims in terms:
        for c in claims:
            by_claim.setdefault(c, []).append(name)
    return sorted(by_claim.items())


# -- HTML -------------------------------------------------------------------------------
CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d9d9d9; --accent: #0072B2;
        --band: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 74rem; padding: 2rem 1.5rem 4rem; color: var(--ink);
       font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
       Arial, sans-serif; background: #fff; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2.4rem 0 .8rem; padding-bottom: .3rem;
     border-bottom: 2px solid var(--rule); }
.meta { color: var(--muted); font-size: .9rem; margin: 0 0 1.5rem; }
.question { font-size: 1.15rem; border-left: 4px solid var(--accent); background: var(--band);
            padding: .8rem 1rem; margin: 1rem 0; }
.answer p { font-size: 1.08rem; margin: .45rem 0; }
.answer p:first-child { font-size: 1.25rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem;
         border-bottom: 1px solid var(--rule); }
th { background: var(--band); font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafafa; }
.scroll { overflow-x: auto; }
figure { margin: 1.5rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .4rem; }
pre { background: var(--band); padding: 1rem; overflow-x: auto; font-size: .82rem;
      line-height: 1.4; border: 1px solid var(--rule); white-space: pre-wrap; }
.small { font-size: .8rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; font-size: 8pt; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (),
           cls: str = "") -> str:
    head = "".join(f"<th scope=\"col\">{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f"<td class=\"num\">{_e(c)}</td>" if k in numeric else f"<td>{_e(c)}</td>"
            for k, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    klass = f' class="{cls}"' if cls else ""
    return (f"<div class=\"scroll\"><table{klass}><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def figure_html(name: str, png: Path) -> str:
    """One ``<figure>`` with the PNG embedded as a data URI and its caption."""
    caption = CAPTIONS.get(name, name.replace("_", " "))
    return (f"<figure id=\"fig-{_e(name)}\"><img src=\"{_png_data_uri(png)}\" "
            f"alt=\"{_e(caption)}\"><figcaption>{_e(caption)}</figcaption></figure>")


def _pngs(figures: Mapping[str, Sequence[Path | str]] | None) -> list[tuple[str, Path]]:
    out = []
    for name, paths in (figures or {}).items():
        png = next((Path(p) for p in paths if str(p).endswith(".png")), None)
        if png is not None:
            out.append((name, png))
    return out


def build_report(
    results: Results,
    *,
    figures: Mapping[str, Sequence[Path | str]] | None = None,
    claims_path: str | Path | None = None,
    scenario_text: str | None = None,
    question: str | None = None,
    params: model.Parameters | None = None,
    tolerance: Mapping[str, float] | None = None,
) -> str:
    """The report as one self-contained HTML string.

    Parameters
    ----------
    results
        The run's results mapping (``results.json`` as plain Python).
    figures
        Figure name -> files, as :func:`sim.plots.write_figures` returns; each figure's
        PNG is embedded.
    claims_path
        The claim ledger (``seeds/claims.yaml``); without it the claims section is left out.
    scenario_text
        The scenario as run (its YAML, or JSON), echoed verbatim; default: the results'
        ``scenario`` entry as JSON.
    question
        The scenario's question; default: ``results["scenario"]["question"]``.
    params, tolerance
        The model parameters and tolerance levels at round 0; with them the claims shown
        are those behind the terms that decide hedge against each alternative.
    """
    scenario = results.get("scenario") or {}
    name = scenario.get("name", "scenario")
    question = question or scenario.get("question") or scenario.get("description") or ""
    parts = [
        "<!DOCTYPE html>",
        "<html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>hedgesim: {_e(name)}</title>",
        f"<style>{CSS}</style>",
        "</head><body>",
        f"<header><h1>{_e(name)}</h1>",
    ]
    meta = [f"scenario hash {scenario['hash']}" if scenario.get("hash") else "",
            f"results schema {results['schema_version']}"
            if results.get("schema_version") is not None else "",
            f"{len(results.get('rounds') or [])} rounds of one {plots.round_unit(results)}"]
    parts.append(f"<p class=\"meta\">{_e(' · '.join(m for m in meta if m))}</p></header>")
    if question:
        parts.append(f"<section><h2>The question</h2><p class=\"question\">{_e(question)}</p>"
                     "</section>")
    parts.append("<section class=\"answer\" id=\"answer\"><h2>The answer</h2>")
    parts += [f"<p>{_e(s)}</p>" for s in answer_sentences(results)]
    parts.append("</section>")

    parts.append("<section id=\"horizons\"><h2>Horizons</h2>")
    parts.append(_table(("Horizon", "Value", "Meaning"), horizon_rows(results), numeric=(1,)))
    parts.append("</section>")

    pngs = _pngs(figures)
    if pngs:
        parts.append("<section id=\"figures\"><h2>Figures</h2>")
        parts += [figure_html(n, p) for n, p in pngs]
        parts.append("</section>")

    rows = equilibrium_rows(results)
    if rows:
        parts.append("<section id=\"equilibria\"><h2>Equilibria per round</h2>")
        parts.append("<p class=\"small\">Selected: the equilibrium the scenario's selection "
                     "rule picked (mixed strategies as action probability). Margin: hedge "
                     "minus the best alternative, payoff units per round. All: every "
                     "equilibrium found, players in the order Syria, Iran, Israel, "
                     "Gulf/West.</p>")
        parts.append(_table(
            ("Round", "Tolerance", "Selected", "P(hedge)", "Margin", "All equilibria",
             "Events"),
            ([r["round"], r["tolerance"], r["selected"], r["hedge"], r["margin"],
              r["equilibria"], r["events"]] for r in rows),
            numeric=(0, 3, 4), cls="small"))
        parts.append("</section>")

    if claims_path is not None:
        ledger = load_claims(claims_path)
        dec = None
        if params is not None:
            tol = tolerance if tolerance is not None else (
                dict(results["rounds"][0]["tolerance"]) if results.get("rounds") else {})
            profile = plots.selected_profile(results, 0) if results.get("rounds") else None
            if profile is not None:
                dec = plots.decomposition_differences(params, tol, profile)
        claim_rows = []
        for cid, terms in main_claims(dec):
            claim = ledger.get(cid, {})
            claim_rows.append((cid, str(claim.get("paragraph", "?")),
                               " ".join(str(claim.get("restatement", "(not in the ledger)"))
                                        .split()),
                               ", ".join(t.replace("_", " ") for t in terms)))
        parts.append("<section id=\"claims\"><h2>The claims behind the main payoff terms</h2>")
        parts.append("<p class=\"small\">The article's claims in our words (the claim "
                     "ledger), for the payoff terms that decide hedge against align and "
                     "realign at round 0. Paragraph: the article's paragraph number.</p>")
        parts.append(_table(("Claim", "Paragraph", "Restatement", "Payoff terms"),
                            claim_rows, numeric=(0, 1)))
        parts.append("</section>")

    echo = scenario_text if scenario_text is not None else json.dumps(
        _jsonable(scenario), indent=2, sort_keys=True)
    parts.append("<section id=\"scenario\"><h2>The scenario as run</h2>")
    parts.append(f"<pre>{_e(echo)}</pre></section>")
    parts.append("<footer>Generated by hedgesim from results.json; every sentence and "
                 "number above is computed from the run.</footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_report(results: Results, path: str | Path, **kwargs: Any) -> Path:
    """Write :func:`build_report` to ``path`` atomically (temporary file, then rename).

    Keyword arguments are those of :func:`build_report`.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    text = build_report(results, **kwargs)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
