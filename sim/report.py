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
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim import model, plots, sweep_plots
from sim.atomic import write_text
from sim.labels import Labels
from sim.sweep.analyses import GridResult, MonteCarloResult, SensitivityResult

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
    "horizon_grid": "The myopic horizon over the swept values (colour), hatched grey where "
    "hedging lasts the whole run; markers show where Syria goes when hedging ends, black "
    "lines separate the exit paths.",
    "horizon_sweep": "The myopic horizon at each swept value, markers coloured by where Syria "
    "goes when hedging ends; hollow markers at the run's length where hedging lasts the whole "
    "run.",
    "horizon_distribution": "The myopic horizon over the Monte Carlo draws, each bar split by "
    "where Syria goes next; the hatched bar counts the draws that never leave hedging; lines "
    "mark the quantiles.",
    "horizon_tornado": "The horizon with each uncertain input at its low and its high end, "
    "the others at base, largest swing on top; each bar end reads value \u2192 horizon.",
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


_DEFAULT_NAMES = re.compile(
    r"\b(" + "|".join(re.escape(n) for n in model.PLAYER_LABELS.values()) + r")\b"
)
_ROLE_OF = {name: role for role, name in model.PLAYER_LABELS.items()}


def _say(text: str, labels: Labels | None) -> str:
    """A fixed wording (a caption, a table note) with the model's player names replaced by
    ``labels``' (one pass, so a new name containing an old one is left alone)."""
    if labels is None:
        return text
    return _DEFAULT_NAMES.sub(lambda m: labels.player(_ROLE_OF[m.group(0)]), text)


def _name(player: str | None, labels: Labels | None = None) -> str:
    return plots._labels(labels).player(player) if player else ""


def _results_labels(results: Results) -> Labels:
    return Labels.from_results(results)


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
    lab = _results_labels(results)
    syria = lab.player(model.SYRIA)
    n = len(results.get("rounds") or [])
    myopic_raw = _horizon(results, "myopic")
    myopic = plots.horizon_round(myopic_raw)
    exit_ = results.get("exit") or {}
    broken = plots.first_broken(results) if results.get("rounds") else exit_.get("first_broken")
    action = exit_.get("syria_action")
    shown = lab.action(model.SYRIA, action) if action else action
    out: list[str] = []

    if myopic is None:
        first = f"Hedging stays optimal for all {_rounds(n, unit)} of the run"
        if broken:
            first += (f"; {_name(broken, lab)}'s patience wears thinnest, but not enough to "
                      "end it")
        out.append(first + ".")
    elif myopic == 0:
        out.append(f"Hedging is not {syria}'s certain choice even at the start (round 0).")
    else:
        parts = [f"Hedging stays optimal for {_rounds(myopic, unit)}"]
        if broken:
            parts.append(f"{_name(broken, lab)}'s patience breaks first")
        p_exit = _hedge_probability_at(results, myopic)
        if action and p_exit is not None and p_exit > 1e-9:
            parts.append(f"{syria} then starts mixing in {shown}, still hedging with "
                         f"probability {p_exit:.2f}")
        elif action:
            parts.append(f"{syria} then {_exit_words(action, lab)}")
        out.append("; ".join(parts) + ".")
        later = _later_phases(results, myopic)
        if later:
            out.append(f"After that, {syria} {later}.")
        detail = _exit_detail(results, myopic, unit)
        if detail:
            out.append(detail)

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
            sentence = (f"A forward-looking {syria}, anticipating how patience wears out, "
                        "hedges throughout the run" + (" as well" if myopic is None else
                                                       ", longer than the myopic path"))
        else:
            sentence = (f"A forward-looking {syria}, anticipating how patience wears out, "
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
                        f"sustained only if {syria}'s discount factor is at least {delta:.2f}")
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


def _exit_words(action: str, labels: Labels) -> str:
    """How Syria's exit to ``action`` is said (:data:`EXIT_PHRASES`, names from
    ``labels``): the phrase where the action keeps its model name, else "turns to X"."""
    shown = labels.action(model.SYRIA, action)
    if action in EXIT_PHRASES and shown == action:
        return _say(EXIT_PHRASES[action], labels)
    return f"turns to {shown}"


def _exit_detail(results: Results, round_: int, unit: str) -> str | None:
    """Who else mixes in the exit round, and what Syria's payoff has become by then."""
    rounds = results.get("rounds") or []
    if not 0 < round_ < len(rounds):
        return None
    entry, start = rounds[round_], rounds[0]
    lab = _results_labels(results)
    mixing = []
    for player, probs in sorted((entry.get("profile") or {}).items()):
        if player == "syria":
            continue
        support = [(a, p) for a, p in zip(_actions(results)[player], probs, strict=False)
                   if p > 1e-9]
        if len(support) > 1:
            parts = " / ".join(f"{lab.action(player, a)} {p:.2f}" for a, p in support)
            mixing.append(f"{_name(player, lab)} mixes {parts}")
    payoff, before = entry.get("syria_payoff"), start.get("syria_payoff")
    sentences = []
    if mixing:
        sentences.append(f"In round {round_} " + " and ".join(mixing) + ".")
    if payoff is not None and before is not None:
        per = "round" if unit == "round" else unit
        sentences.append(f"{lab.player(model.SYRIA)}'s payoff is then {float(payoff):.2f} per "
                         f"{per}, against "
                         f"{float(before):.2f} at round 0.")
    return " ".join(sentences) or None


def _actions(results: Results) -> dict[str, list[str]]:
    actions = results.get("actions") or {}
    if isinstance(actions, Mapping):
        return {p: list(a) for p, a in actions.items()}
    players = results.get("players") or []
    return {p: list(a) for p, a in zip(players, actions, strict=False)}


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
    lab = _results_labels(results)
    told = [plots.describe_phase(p, i == len(found) - 1, labels=lab)
            for i, p in enumerate(found[:limit])]
    if len(found) > limit:
        told.append("so on")
    return told[0] if len(told) == 1 else ", ".join(told[:-1]) + " and " + told[-1]


# -- tables -----------------------------------------------------------------------------
def horizon_rows(results: Results) -> list[tuple[str, str, str]]:
    """Rows ``(horizon, value, meaning)`` of the horizons table."""
    unit = plots.round_unit(results)
    lab = _results_labels(results)
    syria = lab.player(model.SYRIA)
    n = len(results.get("rounds") or [])

    def when(value: int | None) -> str:
        return f"never within {_rounds(n, unit)}" if value is None else f"round {value}"

    rows = []
    horizons = results.get("horizons") or {}
    myopic_raw = horizons.get("myopic")
    if "myopic" in horizons:
        rows.append(("Myopic horizon", when(plots.horizon_round(myopic_raw)),
                     f"first round hedging is no longer {syria}'s certain choice"))
        half, gone, has_gone = _fading(results)
        where = myopic_raw if isinstance(myopic_raw, Mapping) else horizons
        if "myopic_half" in where or "half" in where:
            rows.append(("Hedge probability < 1/2", when(half),
                         f"first round {syria} hedges less often than not"))
        if has_gone:
            rows.append(("Hedge leaves the support", when(gone),
                         f"first round {syria} never hedges"))
    if "forward_looking" in horizons:
        raw = horizons["forward_looking"]
        rows.append(("Forward-looking horizon", when(plots.horizon_round(raw)),
                     f"first round a {syria} that anticipates the dynamics stops hedging"))
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
        shown = lab.action(model.SYRIA, action) if action else ""
        rows.append(("Exit", "—" if not action else f"round {exit_.get('round')}: {shown}",
                     f"what {syria} does when hedging ends"))
        rows.append(("First broken", _name(exit_.get("first_broken"), lab) or "—",
                     "the counterpart whose patience broke first"))
    for player, theta in plots.switch_points(results).items():
        rows.append((f"Switch point θ {_name(player, lab)}",
                     "never flips" if theta is None else f"{theta:.2f}",
                     f"tolerance at which {_name(player, lab)}'s response to a hedger flips"))
    return rows


def _strategy_text(names: Sequence[str], probs: Iterable[float]) -> str:
    """``names`` are the actions as shown (labels)."""
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
    lab = _results_labels(results)
    shown = {p: [lab.action(p, a) for a in acts] for p, acts in actions.items()}
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
            "tolerance": ", ".join(f"{_name(p, lab)} {float(v):.2f}" for p, v in tol.items()),
            "selected": " · ".join(
                f"{_name(p, lab)}: {_strategy_text(shown[p], s)}"
                for p, s in zip(players, selected, strict=True)),
            "hedge": f"{float(prob):.2f}",
            "margin": "" if margin is None else plots._sign(float(margin), 2),
            "equilibria": f"{len(found)}: " + "; ".join(
                f"({_profile_text(f, players, shown)})" for f in found),
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


def figure_html(name: str, png: Path, labels: Labels | None = None) -> str:
    """One ``<figure>`` with the PNG embedded as a data URI and its caption (players named
    by ``labels``)."""
    caption = _say(CAPTIONS.get(name, name.replace("_", " ")), labels)
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
    analyses: Sequence[Any] = (),
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
    analyses
        Sweep, Monte Carlo and sensitivity sections, as :func:`build_analysis_report`
        takes them, shown after the run's figures.
    """
    scenario = results.get("scenario") or {}
    lab = _results_labels(results)
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
        parts += [figure_html(n, p, lab) for n, p in pngs]
        parts.append("</section>")

    rows = equilibrium_rows(results)
    if analyses:
        parts += analysis_sections_html(as_sections(analyses, plots.round_unit(results), lab),
                                        lab)

    if rows:
        parts.append("<section id=\"equilibria\"><h2>Equilibria per round</h2>")
        order = ", ".join(lab.player(p) for p in plots._players(results))
        parts.append("<p class=\"small\">Selected: the equilibrium the scenario's selection "
                     "rule picked (mixed strategies as action probability). Margin: "
                     f"{_e(lab.action(model.SYRIA, model.HEDGE))} minus the best alternative, "
                     "payoff units per round. All: every equilibrium found, players in the "
                     f"order {_e(order)}.</p>")
        parts.append(_table(
            ("Round", "Tolerance", "Selected", f"P({lab.action(model.SYRIA, model.HEDGE)})",
             "Margin", "All equilibria",
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
    return write_text(path, build_report(results, **kwargs))


# -- analyses: sweeps, Monte Carlo, sensitivity -------------------------------------------
AnalysisResult = GridResult | MonteCarloResult | SensitivityResult
Figures = Mapping[str, Sequence[Path | str]]


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _list(items: Sequence[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _exit_phrase(shares: Mapping[str, float], of: str, labels: Labels | None = None) -> str:
    """``"Syria exits to align in 80% of draws and to realign in 8%"`` (non-zero shares)."""
    lab = plots._labels(labels)
    parts = [(lab.action(model.SYRIA, label), share) for label, share in shares.items()
             if label != "none" and share > 0]
    if not parts:
        return ""
    first, rest = parts[0], parts[1:]
    told = [f"to {first[0]} in {_pct(first[1])} of {of}"] + [
        f"to {label} in {_pct(share)}" for label, share in rest]
    return f"When hedging ends, {lab.player(model.SYRIA)} exits " + _list(told) + "."


def _broken_phrase(codes: Any, labels: Sequence[str], of: str,
                   names: Labels | None = None) -> str:
    arr = np.asarray(codes).ravel()
    n = max(arr.size, 1)
    found = [(labels[k], float(np.sum(arr == k)) / n) for k in range(len(labels))]
    found = sorted([f for f in found if f[1] > 0], key=lambda f: -f[1])
    if not found:
        return ""
    told = [f"{_name(p, names)} in {_pct(share)}" for p, share in found]
    told[0] += f" of {of}"
    return "The counterpart whose patience breaks first is " + _list(told) + "."


def _grid_sentences(grid: GridResult, unit: str, labels: Labels | None = None) -> list[str]:
    data = sweep_plots.grid_data(grid)
    n = data.never.size
    if data.exit.ndim == 1:
        values = data.axes[0]
        over = (f"Over {n} values of {sweep_plots.key_name(data.keys[0], labels)} from "
                f"{sweep_plots.value_text(values.min())} to "
                f"{sweep_plots.value_text(values.max())}")
        of = "values"
    else:
        ranges = [f"{sweep_plots.key_name(k, labels)} ({sweep_plots.value_text(a.min())}\u2013"
                  f"{sweep_plots.value_text(a.max())})" for k, a in zip(data.keys, data.axes,
                                                                     strict=True)]
        over = f"Over the {n} combinations of {' and '.join(ranges)}"
        of = "combinations"
    span = data.span
    never = int(data.never.sum())
    if span is None:
        out = [f"{over}, hedging lasts the whole run: it never ends within "
               f"{_rounds(data.rounds, unit)}."]
    else:
        lo, hi = span
        lasts = (f"hedging lasts {_rounds(lo, unit)}" if lo == hi
                 else f"hedging lasts from {lo} to {_rounds(hi, unit)}")
        out = [f"{over}, {lasts}"
               + (f"; in {never} of them ({_pct(never / n)}) it never ends within "
                  f"{_rounds(data.rounds, unit)}." if never else ".")]
    effects = sweep_plots.axis_effects(data)
    for key, axis, effect in zip(data.keys, data.axes, effects, strict=True):
        if len(axis) < 2:
            continue
        move = (f"Raising {sweep_plots.key_name(key, labels)} from "
                f"{sweep_plots.value_text(axis[0])} "
                f"to {sweep_plots.value_text(axis[-1])}")
        if abs(effect) < 0.05:
            out.append(f"{move} leaves the horizon unchanged on average.")
        else:
            verb = "lengthens" if effect > 0 else "shortens"
            out.append(f"{move} {verb} hedging by {abs(effect):.1f} "
                       f"{'round' if abs(effect) == 1 else 'rounds'} on average"
                       + (" (never counted as the run's length)." if never else "."))
    shares = {label: float(np.mean(data.exit == k)) for k, label in
              enumerate(data.exit_labels)}
    for phrase in (_exit_phrase(shares, of, labels),
                   _broken_phrase(grid.first_broken, grid.counterpart_labels, of, labels)):
        if phrase:
            out.append(phrase)
    return out


def _monte_carlo_sentences(mc: MonteCarloResult, unit: str,
                           labels: Labels | None = None) -> list[str]:
    n = int(np.asarray(mc.horizon).size)
    q = mc.quantiles
    inputs = f"{len(mc.keys)} uncertain {'input' if len(mc.keys) == 1 else 'inputs'}"
    out = []
    med = q.get(0.5)
    if med is not None:
        told = ("hedging never ends within the run" if med >= mc.rounds
                else f"the median horizon is {_rounds(int(med), unit)}"
                if float(med).is_integer() else f"the median horizon is {med:g} rounds")
        sentence = f"Over {n} draws of {inputs} (seed {mc.seed}), {told}"
        if 0.05 in q and 0.95 in q:
            sentence += f"; {sweep_plots.central_range(q[0.05], q[0.95], mc.rounds, unit)}"
        out.append(sentence + ".")
    if mc.never_share > 0:
        out.append(f"{_pct(mc.never_share)} of draws never leave hedging within "
                   f"{_rounds(mc.rounds, unit)}.")
    else:
        out.append(f"Every draw leaves hedging within {_rounds(mc.rounds, unit)}.")
    for phrase in (_exit_phrase(mc.exit_shares, "draws", labels),
                   _broken_phrase(mc.first_broken, mc.counterpart_labels, "draws", labels)):
        if phrase:
            out.append(phrase)
    return out


def _sensitivity_sentences(sens: SensitivityResult, unit: str,
                           labels: Labels | None = None) -> list[str]:
    rows = sweep_plots.tornado_rows(sens)
    lo_q, hi_q = sens.quantiles
    base = ("never ends within the run" if sens.base_horizon < 0
            else f"lasts {_rounds(sens.base_horizon, unit)}")
    out = [f"With each of {len(rows)} uncertain inputs at its {lo_q * 100:g}th and "
           f"{hi_q * 100:g}th percentile in turn, the others at base (where hedging "
           f"{base}):"]

    def h(value: int, never: bool) -> str:
        return f"never within {_rounds(sens.rounds, unit)}" if never else str(value)

    moving = [r for r in rows if r.swing > 0]
    for r in moving:
        out.append(f"{sweep_plots.key_name(r.key, labels)} from "
                   f"{sweep_plots.value_text(r.low_value)} "
                   f"to {sweep_plots.value_text(r.high_value)} moves the horizon from "
                   f"{h(r.low_horizon, r.low_never)} to {h(r.high_horizon, r.high_never)}"
                   f", a swing of {r.swing}.")
    still = [sweep_plots.key_name(r.key, labels) for r in rows if r.swing == 0]
    if still:
        verb = "does" if len(still) == 1 else "do"
        out.append(f"{_list(still)} {verb} not move it"
                   + (" at all." if not moving else "."))
    out[1:] = [s[:1].upper() + s[1:] for s in out[1:]]
    return out


def analysis_sentences(result: AnalysisResult, round_unit: str = "round",
                       labels: Labels | None = None) -> list[str]:
    """An analysis's finding in plain sentences, computed from its result.

    Parameters
    ----------
    result
        A :class:`~sim.sweep.GridResult`, :class:`~sim.sweep.MonteCarloResult` or
        :class:`~sim.sweep.SensitivityResult`.
    round_unit
        The scenario's round unit (``scenario.repeated.round_unit``).
    labels
        The names players and actions are shown by; default: the model's names.

    Raises
    ------
    TypeError
        If ``result`` is none of the three.
    """
    if isinstance(result, GridResult):
        return _grid_sentences(result, round_unit, labels)
    if isinstance(result, MonteCarloResult):
        return _monte_carlo_sentences(result, round_unit, labels)
    if isinstance(result, SensitivityResult):
        return _sensitivity_sentences(result, round_unit, labels)
    raise TypeError(f"no sentences for {type(result).__name__}")


def analysis_heading(result: AnalysisResult, labels: Labels | None = None) -> str:
    """The report heading of an analysis."""
    if isinstance(result, GridResult):
        names = [sweep_plots.key_name(k, labels) for k in result.keys]
        return "Sweep over " + _list(names)
    if isinstance(result, MonteCarloResult):
        return "Monte Carlo: the horizon under uncertainty"
    return "Sensitivity: which input moves the horizon most"


def analysis_rows(
    result: AnalysisResult, labels: Labels | None = None
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """A small table for the report: the quantiles of a Monte Carlo result, the ends of each
    input of a sensitivity result; nothing for a sweep (its figure is the table)."""
    lab = plots._labels(labels)

    def exit_(e: str | None) -> str:
        return "\u2014" if not e else lab.action(model.SYRIA, e)

    if isinstance(result, MonteCarloResult):
        rows: list[tuple[str, ...]] = [
            (f"{q * 100:g}%", "never" if v >= result.rounds else f"{v:g}")
            for q, v in sorted(result.quantiles.items())]
        return ("Quantile", "Horizon"), rows
    if isinstance(result, SensitivityResult):
        out: list[tuple[str, ...]] = [
            (r.key, sweep_plots.value_text(r.low_value), sweep_plots.value_text(r.base_value),
             sweep_plots.value_text(r.high_value),
             "never" if r.low_never else str(r.low_horizon),
             "never" if r.high_never else str(r.high_horizon),
             f"{exit_(r.low_exit)} / {exit_(r.high_exit)}", str(r.swing))
            for r in sweep_plots.tornado_rows(result)]
        return ("Input", "Low", "Base", "High", "Horizon at low", "Horizon at high",
                "Exit at low / high", "Swing"), out
    return (), []


@dataclass(frozen=True)
class AnalysisSection:
    """One analysis's section of the report.

    Attributes
    ----------
    heading
        The section's heading.
    sentences
        The finding in plain sentences.
    figures
        Figure name -> files (its PNG is embedded).
    header, rows
        An optional table.
    """

    heading: str
    sentences: tuple[str, ...]
    figures: Figures = field(default_factory=dict)
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def analysis_section(result: AnalysisResult, figures: Figures | None = None,
                     round_unit: str = "round", labels: Labels | None = None) -> AnalysisSection:
    """The :class:`AnalysisSection` of an analysis result and its figures."""
    header, rows = analysis_rows(result, labels)
    return AnalysisSection(analysis_heading(result, labels),
                           tuple(analysis_sentences(result, round_unit, labels)),
                           dict(figures or {}), header, tuple(rows))


AnalysisInput = AnalysisSection | tuple[str, AnalysisResult, Figures]


def as_sections(analyses: Sequence[AnalysisInput], round_unit: str,
                labels: Labels | None = None) -> list[AnalysisSection]:
    """Sections from :class:`AnalysisSection` s or ``(name, result, figures)`` tuples."""
    return [a if isinstance(a, AnalysisSection)
            else analysis_section(a[1], a[2], round_unit, labels) for a in analyses]


def analysis_sections_html(sections: Sequence[AnalysisSection],
                           labels: Labels | None = None) -> list[str]:
    """The HTML of the analysis sections (one ``<section>`` each)."""
    parts: list[str] = []
    for k, section in enumerate(sections):
        parts.append(f"<section class=\"answer analysis\" id=\"analysis-{k}\">"
                     f"<h2>{_e(section.heading)}</h2>")
        parts += [f"<p>{_e(s)}</p>" for s in section.sentences]
        parts += [figure_html(n, p, labels) for n, p in _pngs(section.figures)]
        if section.rows:
            parts.append(_table(section.header, section.rows,
                                numeric=tuple(range(1, len(section.header)))))
        parts.append("</section>")
    return parts


def build_analysis_report(
    *,
    title: str,
    question: str | None = None,
    analyses: Sequence[AnalysisInput] = (),
    round_unit: str = "round",
    labels: Labels | None = None,
) -> str:
    """The report of the analyses as one self-contained HTML string.

    Parameters
    ----------
    title
        The page's title.
    question
        The scenario's question, shown at the top.
    analyses
        One section per analysis, in order: an :class:`AnalysisSection`, or a tuple
        ``(name, result, figures)`` as ``hedgesim sweep`` collects them (``figures`` as
        :func:`sim.sweep_plots.write_sweep_figures` returns; the name is not shown).
    round_unit
        The scenario's round unit, for the sentences.
    labels
        The names players and actions are shown by; default: the model's names.
    """
    sections = as_sections(analyses, round_unit, labels)
    parts = [
        "<!DOCTYPE html>",
        "<html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>hedgesim: {_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head><body>",
        f"<header><h1>{_e(title)}</h1>",
        "<p class=\"meta\">" + _say("Horizon: the myopic horizon, the first round in which "
                                     "Syria no longer hedges for sure; \u201cnever\u201d: "
                                     "hedging lasts the whole run.", labels) + "</p>"
        "</header>",
    ]
    if question:
        parts.append(f"<section><h2>The question</h2><p class=\"question\">{_e(question)}"
                     "</p></section>")
    parts += analysis_sections_html(sections, labels)
    parts.append("<footer>Generated by hedgesim sweep; every sentence and number above is "
                 "computed from the analyses.</footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_analysis_report(path: str | Path, **kwargs: Any) -> Path:
    """Write :func:`build_analysis_report` to ``path`` atomically.

    Keyword arguments are those of :func:`build_analysis_report`.
    """
    return write_text(path, build_analysis_report(**kwargs))
