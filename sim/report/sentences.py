"""Every sentence and table row hedgesim writes about a result, from the typed result.

The report, the analyses' report and the summary ``hedgesim run`` prints all take their
words from here; nothing is typed in: change the scenario and the sentences change with
it. A tied answer (:class:`~sim.results.Horizon` with ``tie``) is said as both rounds it
could be, with the comparison it turns on.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.labels import Labels
from sim.results import (
    GridAnalysis,
    Horizon,
    MonteCarloAnalysis,
    RunResults,
    SensitivityAnalysis,
)
from sim.views import (
    axis_effects,
    describe_phase,
    equilibrium_path,
    first_broken,
    grid_data,
    phases,
    tornado_rows,
)
from sim.wording import (
    capital,
    central_range,
    join,
    key_name,
    percent,
    relabel,
    rounds_text,
    sign,
    value_text,
)

Analysis = GridAnalysis | MonteCarloAnalysis | SensitivityAnalysis

#: How the focal player's exit is said in a sentence, by its action.
EXIT_PHRASES: dict[str, str] = {
    "align": "re-aligns openly with Tehran",
    "realign": "breaks with Tehran and turns to the Gulf/West",
    "hedge": "keeps hedging only with some probability",
}
#: Probabilities at or below this are not played.
PLAYED = 1e-9


def horizon_rounds(h: Horizon, unit: str) -> str:
    """``"6 rounds (months)"``; a tie: ``"5 or 6 rounds (months)"``."""
    assert h.round is not None
    if h.tie and h.between is not None and None not in h.between:
        a, b = h.between
        assert b is not None
        return rounds_text(b, unit).replace(f"{b} ", f"{a} or {b} ", 1)
    return rounds_text(h.round, unit)


def horizon_round(h: Horizon) -> str:
    """``"round 6"``; a tie: ``"round 5 or 6"``."""
    return f"round {h.text().removesuffix(' (a tie)')}"


def tie_sentence(results: RunResults) -> str | None:
    """Why the myopic horizon is a tie, when it is one."""
    h = results.horizons.myopic
    cause = h.cause
    if not h.tie or cause is None or h.between is None:
        return None
    lab = results.display
    who = lab.player(cause.player)
    a, b = (lab.action(cause.player, x) for x in (cause.action, cause.alternative))
    sentence = (f"That horizon is a tie: in round {cause.round} {who}'s payoffs from {a} and "
                f"from {b} are equal within the solvers' tolerance ({cause.tolerance:.2g})")
    theta = results.switch_points.get(cause.player)
    level = results.rounds[cause.round].tolerance.get(cause.player) \
        if cause.round < len(results.rounds) else None
    if theta is not None and level is not None and abs(level - theta) < 1e-6:
        sentence += f", because its tolerance sits exactly on its switch point ({theta:.2f})"
    early, late = h.between
    later = "the end of the run" if late is None else f"round {late}"
    return (sentence + f"; whether hedging ends in round {early} or in {later} is decided "
            f"by rounding, not by the model (this run keeps {a} through round {cause.round}).")


def _exit_words(results: RunResults, action: str) -> str:
    """How the exit to ``action`` is said: the phrase where the action keeps its model name,
    else "turns to X"."""
    lab = results.display
    shown = lab.action(results.focal, action)
    if action in EXIT_PHRASES and shown == action:
        return relabel(EXIT_PHRASES[action], lab)
    return f"turns to {shown}"


def _later_phases(results: RunResults, exit_round: int, limit: int = 3) -> str:
    """The focal player's phases from the exit round on, in words."""
    found = [p for p in phases(equilibrium_path(results), results.focal, results.focus)
             if p.last >= exit_round]
    if not found:
        return ""
    told = [describe_phase(p, i == len(found) - 1, results.focus, results.focal,
                           results.display)
            for i, p in enumerate(found[:limit])]
    if len(found) > limit:
        told.append("so on")
    return join(told)


def _exit_detail(results: RunResults, exit_round: int) -> str | None:
    """Who else mixes in the exit round, and what the focal player's payoff has become."""
    if not 0 < exit_round < len(results.rounds):
        return None
    lab = results.display
    entry, start = results.rounds[exit_round], results.rounds[0]
    mixing = []
    for player in sorted(results.counterparts):
        support = [(a, p) for a, p in zip(results.actions[player], entry.profile[player],
                                          strict=True) if p > PLAYED]
        if len(support) > 1:
            parts = " / ".join(f"{lab.action(player, a)} {p:.2f}" for a, p in support)
            mixing.append(f"{lab.player(player)} mixes {parts}")
    sentences = []
    if mixing:
        sentences.append(f"In round {exit_round} " + " and ".join(mixing) + ".")
    unit = results.round_unit
    sentences.append(f"{lab.player(results.focal)}'s payoff is then {entry.syria_payoff:.2f} "
                     f"per {unit}, against {start.syria_payoff:.2f} at round 0.")
    return " ".join(sentences)


def answer_sentences(results: RunResults) -> list[str]:
    """The answer to the scenario's question, in plain sentences.

    The first says how long hedging stays optimal (the myopic horizon), whose patience
    breaks first and where the focal player goes; the next ones why a tied horizon is a
    tie, how hedging fades, what a forward-looking player does and which discount factor
    sustains hedging.
    """
    lab = results.display
    unit = results.round_unit
    me = lab.player(results.focal)
    n = len(results.rounds)
    h = results.horizons
    myopic = h.myopic.round
    broken = first_broken(results)
    action = results.exit.syria_action
    out: list[str] = []

    if myopic is None:
        first = f"Hedging stays optimal for all {rounds_text(n, unit)} of the run"
        if broken:
            first += f"; {lab.player(broken)}'s patience wears thinnest, but not enough to end it"
        out.append(first + ".")
    elif myopic == 0:
        out.append(f"Hedging is not {me}'s certain choice even at the start (round 0).")
    else:
        parts = [f"Hedging stays optimal for {horizon_rounds(h.myopic, unit)}"]
        if broken:
            parts.append(f"{lab.player(broken)}'s patience breaks first")
        p_exit = results.rounds[myopic].hedge_probability
        if action and p_exit > PLAYED:
            parts.append(f"{me} then starts mixing in {lab.action(results.focal, action)}, still "
                         f"hedging with probability {p_exit:.2f}")
        elif action:
            parts.append(f"{me} then {_exit_words(results, action)}")
        out.append("; ".join(parts) + ".")
        tie = tie_sentence(results)
        if tie:
            out.append(tie)
        later = _later_phases(results, myopic)
        if later:
            out.append(f"After that, {me} {later}.")
        detail = _exit_detail(results, myopic)
        if detail:
            out.append(detail)

    half, gone = h.myopic_half.round, h.leaves_support.round
    if myopic is not None:
        if half is None:
            out.append("Its probability of hedging never falls below one half within the run.")
        elif half != myopic:
            out.append(f"Its probability of hedging falls below one half in round {half}.")
        if gone is not None and gone != half:
            out.append(f"Hedging leaves its strategy altogether in round {gone}.")
        elif gone is None and half is not None:
            out.append("Hedging never leaves its strategy altogether within the run: "
                       "it goes on hedging with some probability.")

    forward = h.forward_looking
    lead = f"A forward-looking {me}, anticipating how patience wears out,"
    if forward.round is None:
        sentence = (f"{lead} hedges throughout the run"
                    + (" as well" if myopic is None else ", longer than the myopic path"))
    else:
        sentence = f"{lead} stops hedging after {horizon_rounds(forward, unit)}"
        if myopic is not None and forward.round != myopic:
            gap = abs(myopic - forward.round)
            sentence += (f", {gap} {'round' if gap == 1 else 'rounds'} "
                         f"{'earlier' if forward.round < myopic else 'later'} than the myopic path")
        elif myopic is None:
            sentence += ", although the myopic path never stops"
        else:
            sentence += ", the same round as on the myopic path"
            if forward.tie:
                sentence += " and the same tie"
    if h.value_of_foresight > 1e-9:
        sentence += f"; foresight is worth {h.value_of_foresight:.2f} payoff units (discounted)"
    out.append(sentence + ".")

    delta = h.sustainability_discount
    own = results.scenario.discount
    if delta is None:
        out.append("No discount factor below 1 sustains hedging against the counterparts' "
                   "threat to lose patience.")
    elif delta <= 1e-9:
        out.append("At round 0 hedging needs no patience to be sustained: no player gains by "
                   "deviating from it even once, so any discount factor sustains it.")
    else:
        verdict = "so it is sustained" if own >= delta else "so it is not"
        out.append(f"Against the counterparts' threat to lose patience, hedging is sustained "
                   f"only if {me}'s discount factor is at least {delta:.2f} (the scenario's "
                   f"is {own:.2f}, {verdict}).")
    exceeded = h.sustainability_exceeded
    if exceeded.round is not None:
        tie = " (the same tie)" if exceeded.tie and h.myopic.tie else ""
        out.append(f"From {horizon_round(exceeded)} on{tie}, the discount factor that would "
                   f"sustain it exceeds the scenario's {own:.2f}: the threat no longer holds "
                   "hedging in place.")
    return out


# -- tables -----------------------------------------------------------------------------
def horizon_rows(results: RunResults) -> list[tuple[str, str, str]]:
    """Rows ``(horizon, value, meaning)`` of the horizons table."""
    lab = results.display
    me = lab.player(results.focal)
    unit = results.round_unit
    n = len(results.rounds)
    h = results.horizons

    def when(x: Horizon) -> str:
        if x.round is None:
            return f"never within {rounds_text(n, unit)}"
        return horizon_round(x) + (" (a tie)" if x.tie else "")

    rows = [
        ("Myopic horizon", when(h.myopic),
         f"first round hedging is no longer {me}'s certain choice"),
        ("Hedge probability < 1/2", when(h.myopic_half),
         f"first round {me} hedges less often than not"),
        ("Hedge leaves the support", when(h.leaves_support), f"first round {me} never hedges"),
        ("Forward-looking horizon", when(h.forward_looking),
         f"first round a {me} that anticipates the dynamics stops hedging"),
        ("Value of foresight", f"{h.value_of_foresight:.2f}",
         "discounted payoff gained over the myopic path"),
        ("Sustainability discount",
         "none below 1" if h.sustainability_discount is None
         else f"{h.sustainability_discount:.2f}",
         "smallest discount factor at which hedging is sustained"),
        ("Closed-form horizon", when(h.closed_form_myopic.horizon),
         "the myopic horizon from the switch points and decay rates alone"
         + ("" if h.closed_form_myopic.applies else " (does not apply to this scenario)")),
    ]
    action = results.exit.syria_action
    shown = lab.action(results.focal, action) if action else ""
    rows.append(("Exit", "\u2014" if not action else f"round {results.exit.round}: {shown}",
                 f"what {me} does when hedging ends"))
    rows.append(("First broken", lab.player(results.exit.first_broken) or "\u2014",
                 "the counterpart whose patience broke first"))
    for player, theta in results.switch_points.items():
        rows.append((f"Switch point θ {lab.player(player)}",
                     "never flips" if theta is None else f"{theta:.2f}",
                     f"tolerance at which {lab.player(player)}'s response to a hedger flips"))
    return rows


def strategy_text(names: Sequence[str], probs: Sequence[float]) -> str:
    """``"hedge"`` or ``"hedge 0.70 / align 0.30"`` (``names`` as shown)."""
    pairs = [(a, float(p)) for a, p in zip(names, probs, strict=True) if p > PLAYED]
    if len(pairs) == 1:
        return pairs[0][0]
    return " / ".join(f"{a} {p:.2f}" for a, p in sorted(pairs, key=lambda x: -x[1]))


def equilibrium_rows(results: RunResults) -> list[dict[str, str]]:
    """One row per round: tolerances, the selected profile, hedge probability, margin, every
    equilibrium found, events."""
    lab = results.display
    shown = {p: [lab.action(p, a) for a in acts] for p, acts in results.actions.items()}
    rows = []
    for entry in results.rounds:
        found = [e.profile for e in entry.equilibria]
        rows.append({
            "round": str(entry.round),
            "tolerance": ", ".join(f"{lab.player(p)} {v:.2f}" for p, v in entry.tolerance.items()),
            "selected": " · ".join(f"{lab.player(p)}: {strategy_text(shown[p], entry.profile[p])}"
                                   for p in results.players),
            "hedge": f"{entry.hedge_probability:.2f}",
            "margin": sign(entry.margin, 2),
            "equilibria": f"{len(found)}: " + "; ".join(
                "(" + ", ".join(strategy_text(shown[p], s)
                                for p, s in zip(results.players, f, strict=True)) + ")"
                for f in found),
            "events": ", ".join(entry.events),
        })
    return rows


def claim_rows(results: RunResults, n_terms: int = 3) -> list[tuple[str, str, str, str]]:
    """``(claim, paragraph, restatement, payoff terms)`` for the claims behind the ``n_terms``
    terms that separate the focus action most from each alternative at round 0."""
    dec = results.decomposition
    terms: list[tuple[str, list[str]]] = []
    for alternative in dec.alternatives:
        for t in dec.main_terms(alternative, n_terms):
            if t.name not in [name for name, _ in terms]:
                terms.append((t.name, t.claims))
    by_claim: dict[str, list[str]] = {}
    for name, claims in terms:
        for c in claims:
            by_claim.setdefault(c, []).append(name)
    rows = []
    for cid, names in sorted(by_claim.items()):
        claim = results.claims.get(cid)
        rows.append((cid, str(claim.paragraph) if claim else "?",
                     claim.restatement if claim else "(not in the ledger)",
                     ", ".join(n.replace("_", " ") for n in names)))
    return rows


def summary_rows(results: RunResults) -> list[tuple[str, str]]:
    """The compact table ``hedgesim run`` prints under the answer."""
    unit = results.round_unit
    h = results.horizons

    def when(x: Horizon) -> str:
        if x.round is None:
            return "not within the run"
        return f"{horizon_round(x)} ({unit}s)" + (", a tie" if x.tie else "")

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.3g}"

    lab = results.display
    return [
        ("myopic horizon (hedge no longer certain)", when(h.myopic)),
        ("hedge probability below one half", when(h.myopic_half)),
        ("hedge leaves the support", when(h.leaves_support)),
        ("forward-looking horizon", when(h.forward_looking)),
        ("value of foresight", num(h.value_of_foresight)),
        ("sustainability discount (round 0)", num(h.sustainability_discount)),
        (f"exit: {lab.player(results.focal)} then plays",
         lab.action(results.focal, results.exit.syria_action)
         if results.exit.syria_action else "-"),
        ("exit: first patience to break", lab.player(results.exit.first_broken) or "-"),
    ]


# -- analyses -----------------------------------------------------------------------------
def _exit_phrase(shares: dict[str, float], of: str, focal: str, lab: Labels) -> str:
    """``"When hedging ends, Syria exits to align in 80% of draws and to realign in 8%."``"""
    parts = [(lab.action(focal, label), share) for label, share in shares.items()
             if label != "none" and share > 0]
    if not parts:
        return ""
    (first, first_share), rest = parts[0], parts[1:]
    told = [f"to {first} in {percent(first_share)} of {of}"] + [
        f"to {label} in {percent(share)}" for label, share in rest]
    return f"When hedging ends, {lab.player(focal)} exits " + join(told) + "."


def _broken_phrase(names: Sequence[str | None], of: str, lab: Labels) -> str:
    n = max(len(names), 1)
    found = sorted(((p, sum(x == p for x in names) / n) for p in sorted(
        {x for x in names if x is not None})), key=lambda f: -f[1])
    if not found:
        return ""
    told = [f"{lab.player(p)} in {percent(share)}" for p, share in found]
    told[0] += f" of {of}"
    return "The counterpart whose patience breaks first is " + join(told) + "."


def _flat(values: list) -> list:
    return [x for v in values for x in (_flat(v) if isinstance(v, list) else [v])]


def _grid_sentences(grid: GridAnalysis, unit: str, lab: Labels, focal: str) -> list[str]:
    data = grid_data(grid)
    n = data.never.size
    if data.exit.ndim == 1:
        values = data.axes[0]
        over = (f"Over {n} values of {key_name(data.keys[0], lab)} from "
                f"{value_text(values.min())} to {value_text(values.max())}")
        of = "values"
    else:
        ranges = [f"{key_name(k, lab)} ({value_text(a.min())}\u2013{value_text(a.max())})"
                  for k, a in zip(data.keys, data.axes, strict=True)]
        over = f"Over the {n} combinations of {' and '.join(ranges)}"
        of = "combinations"
    never = int(data.never.sum())
    if data.span is None:
        out = [f"{over}, hedging lasts the whole run: it never ends within "
               f"{rounds_text(data.rounds, unit)}."]
    else:
        lo, hi = data.span
        lasts = (f"hedging lasts {rounds_text(lo, unit)}" if lo == hi
                 else f"hedging lasts from {lo} to {rounds_text(hi, unit)}")
        out = [f"{over}, {lasts}"
               + (f"; in {never} of them ({percent(never / n)}) it never ends within "
                  f"{rounds_text(data.rounds, unit)}." if never else ".")]
    for key, axis, effect in zip(data.keys, data.axes, axis_effects(data), strict=True):
        if len(axis) < 2:
            continue
        move = (f"Raising {key_name(key, lab)} from {value_text(axis[0])} "
                f"to {value_text(axis[-1])}")
        if abs(effect) < 0.05:
            out.append(f"{move} leaves the horizon unchanged on average.")
        else:
            verb = "lengthens" if effect > 0 else "shortens"
            out.append(f"{move} {verb} hedging by {abs(effect):.1f} "
                       f"{'round' if abs(effect) == 1 else 'rounds'} on average"
                       + (" (never counted as the run's length)." if never else "."))
    exits = _flat(grid.exit)
    shares = {label: sum(e == label for e in exits) / len(exits) for label in data.exit_labels}
    for phrase in (_exit_phrase(shares, of, focal, lab),
                   _broken_phrase(_flat(grid.first_broken), of, lab)):
        if phrase:
            out.append(phrase)
    return out


def _monte_carlo_sentences(mc: MonteCarloAnalysis, unit: str, lab: Labels,
                           focal: str) -> list[str]:
    q = mc.quantile_values()
    inputs = f"{len(mc.keys)} uncertain {'input' if len(mc.keys) == 1 else 'inputs'}"
    out = []
    med = q.get(0.5)
    if med is not None:
        told = ("hedging never ends within the run" if med >= mc.rounds
                else f"the median horizon is {rounds_text(int(med), unit)}"
                if float(med).is_integer() else f"the median horizon is {med:g} rounds")
        sentence = f"Over {mc.draws} draws of {inputs} (seed {mc.seed}), {told}"
        if 0.05 in q and 0.95 in q:
            sentence += f"; {central_range(q[0.05], q[0.95], mc.rounds, unit)}"
        out.append(sentence + ".")
    if mc.never_share > 0:
        out.append(f"{percent(mc.never_share)} of draws never leave hedging within "
                   f"{rounds_text(mc.rounds, unit)}.")
    else:
        out.append(f"Every draw leaves hedging within {rounds_text(mc.rounds, unit)}.")
    for phrase in (_exit_phrase(dict(mc.exit_shares), "draws", focal, lab),
                   _broken_phrase(mc.first_broken, "draws", lab)):
        if phrase:
            out.append(phrase)
    return out


def _sensitivity_sentences(sens: SensitivityAnalysis, unit: str, lab: Labels) -> list[str]:
    rows = tornado_rows(sens)
    lo_q, hi_q = sens.quantiles
    base = ("never ends within the run" if sens.base_horizon is None
            else f"lasts {rounds_text(sens.base_horizon, unit)}")
    out = [f"With each of {len(rows)} uncertain inputs at its {lo_q * 100:g}th and "
           f"{hi_q * 100:g}th percentile in turn, the others at base (where hedging {base}):"]

    def h(value: int, never: bool) -> str:
        return f"never within {rounds_text(sens.rounds, unit)}" if never else str(value)

    moving = [r for r in rows if r.swing > 0]
    for r in moving:
        out.append(f"{capital(key_name(r.key, lab))} from {value_text(r.low_value)} to "
                   f"{value_text(r.high_value)} moves the horizon from "
                   f"{h(r.low_horizon, r.low_never)} to {h(r.high_horizon, r.high_never)}, "
                   f"a swing of {r.swing}.")
    still = [key_name(r.key, lab) for r in rows if r.swing == 0]
    if still:
        verb = "does" if len(still) == 1 else "do"
        out.append(capital(f"{join(still)} {verb} not move it"
                           + (" at all." if not moving else ".")))
    return out


def analysis_sentences(analysis: Analysis, unit: str, labels: Labels,
                       focal: str = "syria") -> list[str]:
    """An analysis's finding in plain sentences."""
    if isinstance(analysis, GridAnalysis):
        return _grid_sentences(analysis, unit, labels, focal)
    if isinstance(analysis, MonteCarloAnalysis):
        return _monte_carlo_sentences(analysis, unit, labels, focal)
    return _sensitivity_sentences(analysis, unit, labels)


def analysis_heading(analysis: Analysis, labels: Labels) -> str:
    """The report heading of an analysis."""
    if isinstance(analysis, GridAnalysis):
        return "Sweep over " + join([key_name(k, labels) for k in analysis.keys])
    if isinstance(analysis, MonteCarloAnalysis):
        return "Monte Carlo: the horizon under uncertainty"
    return "Sensitivity: which input moves the horizon most"


def analysis_table(analysis: Analysis, labels: Labels, focal: str = "syria"
                   ) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """A small table for the report: the quantiles of a Monte Carlo result, the ends of each
    input of a sensitivity result; nothing for a sweep (its figure is the table)."""
    if isinstance(analysis, MonteCarloAnalysis):
        return ("Quantile", "Horizon"), [
            (f"{q * 100:g}%", "never" if v >= analysis.rounds else f"{v:g}")
            for q, v in analysis.quantile_values().items()]
    if isinstance(analysis, SensitivityAnalysis):
        def exit_(e: str | None) -> str:
            return "\u2014" if not e else labels.action(focal, e)

        return (("Input", "Low", "Base", "High", "Horizon at low", "Horizon at high",
                 "Exit at low / high", "Swing"),
                [(r.key, value_text(r.low_value), value_text(r.base_value),
                  value_text(r.high_value), "never" if r.low_never else str(r.low_horizon),
                  "never" if r.high_never else str(r.high_horizon),
                  f"{exit_(r.low_exit)} / {exit_(r.high_exit)}", str(r.swing))
                 for r in tornado_rows(analysis)])
    return (), []


def analysis_summary(name: str, analysis: Analysis, labels: Labels) -> str:
    """One line per analysis for the summary ``hedgesim run`` and ``hedgesim sweep`` print."""
    if isinstance(analysis, GridAnalysis):
        flat = _flat(analysis.horizon)
        ends = [x for x in flat if x is not None]
        never = sum(x is None for x in flat)
        span = f"{min(ends)}-{max(ends)}" if ends else "none"
        return (f"  grid over {' x '.join(analysis.keys)}: {len(flat)} variants, horizon "
                f"{span} rounds, {never} never leave hedging within {analysis.rounds} rounds")
    if isinstance(analysis, MonteCarloAnalysis):
        q = analysis.quantile_values()

        def v(x: float) -> str:
            return "never" if x >= analysis.rounds else f"{x:g}"

        shares = ", ".join(f"{k} {s:.0%}" for k, s in analysis.exit_shares.items() if s > 0)
        return (f"  monte carlo, {analysis.draws} draws: median horizon {v(q[0.5])} "
                f"(90% within {v(q[0.05])} to {v(q[0.95])}); exits: {shares}")

    def h(x: int | None) -> str:
        return "never" if x is None else str(x)

    top = ", ".join(f"{p.key} ({h(p.low_horizon)} to {h(p.high_horizon)})"
                    for p in analysis.parameters[:3])
    return f"  sensitivity, base horizon {h(analysis.base_horizon)}: most: {top}"


