"""Every sentence and table row hedgesim writes about a result, from the typed result.

The report and the summary ``hedgesim run`` prints take their words from here (the
analyses' from :mod:`sim.report.analyses`); nothing is typed in: change the scenario and
the sentences change with it. "Never within the run" is said as never, never as the last
round; two ends of the hedge equally likely are said as a tie.
"""

from __future__ import annotations

import math

from sim.results import ArticleResults
from sim.results.article import ExitDistribution, HorizonDistribution
from sim.results.supported import (
    CONTINUUM_MASS,
    ImportanceRow,
    QuantilePrecision,
    Quantiles,
    SupportedAnalysis,
)
from sim.wording import (
    capital,
    count_text,
    interval_text,
    join,
    percent,
    percent_pm,
    probability,
    relabel,
    share_of,
)

#: How each end of the hedge is said, by its key in :attr:`ExitDistribution.totals`.
EXIT_PHRASES: dict[str, str] = {
    "align": "openly aligns with Iran",
    "realign": "breaks with Iran for the Gulf/West",
    "collapse": "the regime falls while Syria still hedges",
    "never": "Syria hedges through the whole run",
}
#: The selection rules in words.
RULE_NAMES: dict[str, str] = {
    "qre": "the logit-QRE limit",
    "inertia": "inertia",
    "player-optimal": "Syria's best equilibrium",
    "welfare": "the welfare-maximising equilibrium",
}
#: Probabilities at or below this are not played.
PLAYED = 1e-9


def rule_name(rule: str) -> str:
    return RULE_NAMES.get(rule, rule)


def when_text(results: ArticleResults, round_: int) -> str:
    """``"month 3 (February 2025)"``, or ``"round 3"`` in an undated run."""
    unit = results.round_unit
    word = "round" if unit == "round" else unit
    dates = results.dates
    if dates is None:
        return f"{word} {round_}"
    return f"{word} {round_} ({dates[round_]:%B %Y})" if unit in ("month", "quarter") \
        else f"{word} {round_} ({dates[round_]:%-d %B %Y})"


def horizon_sentence(results: ArticleResults, h: HorizonDistribution,
                     who: str | None = None) -> str:
    """The horizon in a sentence: the median round, or never, with the probability of
    never and of collapse first (never is its own outcome, not the last round)."""
    me = who or results.display.player(results.focal)
    n = count_text(len(results.rounds), results.round_unit)
    collapse = f"the regime falls first in {percent(h.collapse)}"
    if h.median is None:
        return (f"{me} hedges for sure through all {n} in {percent(h.never)} of paths (its "
                f"horizon is never within the run); it stops earlier in "
                f"{percent(sum(h.at))} and {collapse}")
    return (f"{me} stops hedging for sure by {when_text(results, h.median)} with probability "
            f"one half; it never does within {n} in {percent(h.never)} of paths and {collapse}")


def exit_phrase(results: ArticleResults, key: str) -> str:
    lab = results.display
    return relabel(EXIT_PHRASES[key], lab).replace("Syria", lab.player(results.focal))


def _mode_text(results: ArticleResults, ex: ExitDistribution) -> str:
    """The most likely end of the hedge; a tie said as a tie."""
    told = [f"{exit_phrase(results, k)} ({percent(ex.totals[k])})" for k in ex.mode]
    if len(told) == 1:
        return told[0]
    return "a tie between " + join(told)


def answer_sentences(results: ArticleResults) -> list[str]:
    """The answer to the scenario's question, in plain sentences: the horizon, where the
    hedge ends, the regime's survival, whether the answers hold under every selection rule,
    what foresight changes and what patience each counterpart needs."""
    lab = results.display
    me = lab.player(results.focal)
    unit = results.round_unit
    n = len(results.rounds)
    rule = rule_name(results.scenario.rules[0])
    h, ex = results.horizon, results.exit
    first = results.rounds[0].actions[results.focal][results.focus]
    out: list[str] = []
    if first >= 1 - PLAYED:
        out.append(f"Hedging is {me}'s equilibrium choice at the start: in round 0 it hedges "
                   f"for sure (the Markov-perfect equilibrium, {rule}).")
    else:
        out.append(f"Hedging is not {me}'s certain choice even at the start: in round 0 it "
                   f"hedges with probability {percent(first)} (the Markov-perfect "
                   f"equilibrium, {rule}).")
    out.append(capital(horizon_sentence(results, h)) + ".")
    ends = [f"{exit_phrase(results, k)} in {percent(v)}" for k, v in ex.totals.items()
            if k != "never" and v > PLAYED]
    told = f"Where the hedge ends: {join(ends)}; " if ends else "The hedge never ends: "
    out.append(told + f"{me} hedges in every round in {percent(ex.never)} of paths. "
               f"Most likely: {_mode_text(results, ex)}.")
    survived = results.survival[-1]
    out.append(f"The regime still stands after {count_text(n, unit)} with probability "
               f"{percent(survived)} (it has fallen with probability {percent(1 - survived)}).")
    told = ambiguity_sentence(results)
    if told:
        out.append(told)
    out.append(robustness_sentence(results))
    said = continuum_sentence(results)
    if said:
        out.append(said)
    my = results.horizons.myopic
    if my is not None:
        out.append("Without foresight (stage-optimal play, beliefs and capacity still "
                   f"moving): {horizon_sentence(results, my)}.")
    sus = results.horizons.sustainability
    if sus is not None:
        out.append(sustainability_sentence(results))
    return out


def ambiguity_sentence(results: ArticleResults) -> str:
    """What ambiguity is worth: hedging's payoff over the best open stance at the start
    (continuation values included, the others' selected play), and whether, and from when,
    it stops paying in expectation over the states the regime stands in."""
    me = results.display.player(results.focal)
    values = [(r.round, r.ambiguity) for r in results.rounds if r.ambiguity is not None]
    if not values:
        return ""
    t0, v0 = values[0]
    what = (f"What ambiguity is worth: in {when_text(results, t0)} hedging pays {me} "
            f"{abs(v0):.2f} {'more' if v0 > 0 else 'less'} than its best open stance "
            "(its payoff from then on, discounted, against the others' selected play)")
    below = [(t, v) for t, v in values if v <= 0]
    above = [(t, v) for t, v in values if v > 0]
    if v0 > 0 and below:
        t, v = below[0]
        return (what + f"; in expectation over the states the regime stands in, an open "
                f"stance pays more from {when_text(results, t)} ({v:.2f}).")
    if v0 > 0:
        t, v = min(values, key=lambda x: x[1])
        return (what + f"; in expectation it stays positive in every {results.round_unit} "
                f"the regime may stand, lowest {v:.2f} in {when_text(results, t)}.")
    if above:
        t, v = above[0]
        return what + f"; hedging pays more again from {when_text(results, t)} ({v:.2f})."
    return what + f"; it pays less in every {results.round_unit}."


def robustness_sentence(results: ArticleResults) -> str:
    """Whether the headline answers hold under every selection rule solved."""
    rules = results.scenario.rules
    if len(rules) == 1:
        return f"Only {rule_name(rules[0])} was solved: robustness across rules is not known."
    rob = results.robustness
    held = [name for name, ok in (("the horizon", rob.horizon), ("the end of the hedge",
                                                                rob.exit),
                                  ("the probability of collapse", rob.collapse)) if ok]
    differ = [name for name, ok in (("the horizon", rob.horizon), ("the end of the hedge",
                                                                  rob.exit),
                                    ("the probability of collapse", rob.collapse)) if not ok]
    names = join([rule_name(r) for r in rules])
    if not differ:
        return f"These answers are the same under every selection rule solved ({names})."
    parts = "; ".join(
        f"{rule_name(a.rule)}: never {percent(a.horizon.never)}, collapse "
        f"{percent(a.collapse)}, most likely end {' = '.join(a.exit.mode)}"
        for a in results.by_rule)
    same = f" ({capital(join(held))} {'is' if len(held) == 1 else 'are'} the same.)" \
        if held else ""
    return f"{capital(join(differ))} {'depends' if len(differ) == 1 else 'depend'} on the " \
        f"selection rule ({parts}).{same}"


def _small(x: float) -> str:
    """A probability that may be far below 0.001, to two significant digits there."""
    return probability(x, 3) if x >= 1e-3 else f"{x:.2g}"


def continuum_sentence(results: ArticleResults) -> str | None:
    """Whether play reaches a stage game whose selected equilibrium lies on a continuum of
    equilibria (the numbers are then ties up to where the logit tracer stopped); ``None``
    for results written before it was measured."""
    mass = results.continuum
    if mass is None:
        return None
    if mass <= CONTINUUM_MASS:
        return ("No stage game that play reaches has its selected equilibrium on a continuum "
                "of equilibria: none of these numbers depends on where the logit tracer "
                "stopped.")
    return (f"With probability {_small(mass)} play reaches a stage game whose selected "
            "equilibrium lies on a continuum of equilibria: on those paths the numbers are "
            "ties up to where the logit tracer stopped on it, not numbers of the model.")


def sustainability_sentence(results: ArticleResults) -> str:
    """The least patience of each counterpart with which Syria still hedges in round 0."""
    sus = results.horizons.sustainability
    assert sus is not None
    lab = results.display
    parts = []
    for cp, th in sus.threshold.items():
        if th is None:
            parts.append(f"{lab.player(cp)}: no patience sustains it")
        elif th == 0:
            parts.append(f"{lab.player(cp)}: none needed (hedging holds at discount 0)")
        else:
            parts.append(f"{lab.player(cp)}: a discount factor of at least {th:.2f}")
    return (f"Least patience each counterpart needs for {lab.player(results.focal)} to hedge "
            f"for sure in round 0 (the others' held): {'; '.join(parts)}.")


# -- the backtest -----------------------------------------------------------------------
def probability_text(x: float) -> str:
    """A probability that may be tiny, without hiding its size: ``"5.5e-06"`` below one in a
    thousand (never ``"0%"`` for something that can happen), else as :func:`share`."""
    if x == 0:
        return "0"
    if x < 1e-3:
        return f"{x:.1e}"
    return percent(x)


def _observed_text(results: ArticleResults, what: str, outcome: str) -> str:
    lab = results.display
    if what == "collapse":
        return ("the regime has fallen by the round's end" if outcome == "fallen"
                else "the regime still stands at the round's end")
    return f"{lab.player(what)}: {lab.action(what, outcome)}"


def backtest_sentences(results: ArticleResults) -> list[str]:
    """The run against what happened, plainly: how many observations agree, which do not,
    and whether the model produces the regime's fall by the day it fell."""
    bt = results.backtest
    if bt is None:
        return []
    obs = bt.observations
    agreed = bt.agreements
    out = [f"Of the {len(obs)} observations of what happened that this scenario's events "
           f"record, the model gives {agreed} at least an even chance"
           + ("." if agreed == len(obs) else f"; it disagrees with {len(obs) - agreed}.")]
    for o in obs:
        if not o.agrees:
            when = "" if o.date is None else f" ({o.date:%-d %B %Y})"
            out.append(f"Disagreement at {o.event.replace('_', ' ')}{when}: "
                       f"{_observed_text(results, o.what, o.history)}, to which the model gives "
                       f"{probability_text(o.probability)} (its most likely: "
                       f"{_observed_text(results, o.what, o.model)}).")
    if bt.collapse is not None and bt.target_round is not None:
        when = when_text(results, bt.target_round)
        without = ("" if bt.collapse_without_capacity_shocks is None else
                   f" ({probability_text(bt.collapse_without_capacity_shocks)} without the "
                   "shocks to its patrons' capacity)")
        seen = ("" if bt.known_until is None else
                f", calibrated on what was known by {bt.known_until:%-d %B %Y}")
        verdict = ("The model does not produce the collapse from what the article could see"
                   if bt.collapse < 0.5 else
                   "The model produces the collapse from what the article could see")
        out.append(f"The regime fell on {bt.target:%-d %B %Y}. {verdict}{seen}: it gives "
                   f"{probability_text(bt.collapse)} that the regime has fallen by the end of "
                   f"{when}{without}.")
    return out


def backtest_rows(results: ArticleResults) -> list[tuple[str, ...]]:
    """``(date, event, what happened, the model's probability of it, the model's most
    likely, agrees)`` per observation."""
    bt = results.backtest
    if bt is None:
        return []
    return [("" if o.date is None else o.date.isoformat(), o.event.replace("_", " "),
             _observed_text(results, o.what, o.history), probability_text(o.probability),
             _observed_text(results, o.what, o.model), "yes" if o.agrees else "no")
            for o in bt.observations]


# -- tables -----------------------------------------------------------------------------
def horizon_rows(results: ArticleResults) -> list[tuple[str, str, str]]:
    """Rows ``(answer, value, meaning)`` of the answers table."""
    lab = results.display
    me = lab.player(results.focal)
    h, ex = results.horizon, results.exit

    def median(x: HorizonDistribution) -> str:
        return "never (within the run)" if x.median is None else when_text(results, x.median)

    rows = [
        ("Forward-looking horizon (median)", median(h),
         f"round by which {me} has stopped hedging for sure with probability 1/2"),
        ("P(never)", percent(h.never), f"{me} hedges for sure through the last round"),
        ("P(collapse first)", percent(h.collapse),
         f"the regime falls while {me} still hedges for sure"),
    ]
    if h.expected is not None:
        rows.append(("Expected horizon, if it comes", f"{h.expected:.1f}",
                     "mean round given it comes within the run"))
    my = results.horizons.myopic
    if my is not None:
        rows.append(("Myopic horizon (median)", median(my),
                     "the same for stage-optimal play (discount 0)"))
        rows.append(("Myopic P(never)", percent(my.never), ""))
    for key, v in ex.totals.items():
        rows.append((f"Hedge ends: {key}", percent(v), exit_phrase(results, key)))
    start = results.rounds[0].ambiguity
    if start is not None:
        rows.append(("Value of ambiguity at the start", f"{start:.2f}",
                     f"{me}'s payoff from hedging minus its best open stance in round 0 "
                     "(continuation values included)"))
    rows.append(("Survival to the end", percent(results.survival[-1]),
                 "probability the regime stands after the last round"))
    sus = results.horizons.sustainability
    if sus is not None:
        for cp, th in sus.threshold.items():
            rows.append((f"Sustainability: {lab.player(cp)}",
                         "none below 1" if th is None else f"{th:.2f}",
                         f"least discount factor of {lab.player(cp)} at which {me} still "
                         "hedges for sure in round 0"))
    return rows


def rule_rows(results: ArticleResults) -> list[tuple[str, ...]]:
    """One row per selection rule: median horizon, P(never), P(collapse), the most likely
    end."""
    return [(rule_name(a.rule),
             "never" if a.horizon.median is None else str(a.horizon.median),
             percent(a.horizon.never), percent(a.collapse), " = ".join(a.exit.mode))
            for a in results.by_rule]


def round_rows(results: ArticleResults) -> list[tuple[str, ...]]:
    """One row per round: date, Syria's action probabilities, P(collapsed), mean beliefs,
    capacity, threat, the value of ambiguity, fragile, events."""
    rows = []
    for r, surv in zip(results.rounds, results.survival, strict=False):
        syria = r.actions[results.focal]
        rows.append((str(r.round), "" if r.date is None else r.date.isoformat(),
                     *(probability(syria[a], 3) for a in results.actions[results.focal]),
                     probability(1 - surv, 3),
                     *(f"{r.beliefs[cp].mean:.2f}" for cp in results.counterparts),
                     f"{r.capacity:.2f}", f"{r.threat:.2f}",
                     "" if r.ambiguity is None else f"{r.ambiguity:.2f}",
                     "" if r.fragile is None else probability(r.fragile, 3),
                     ", ".join(r.events)))
    return rows


def round_header(results: ArticleResults) -> tuple[str, ...]:
    lab = results.display
    return ("Round", "Date",
            *(f"P({lab.action(results.focal, a)})" for a in results.actions[results.focal]),
            "P(collapsed)", *(f"belief {lab.player(cp)}" for cp in results.counterparts),
            "Capacity", "Threat", "Value of ambiguity", "P(fragile)", "Events")


def claim_rows(results: ArticleResults, n_terms: int = 3) -> list[tuple[str, str, str, str]]:
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


def summary_rows(results: ArticleResults) -> list[tuple[str, str]]:
    """The compact table ``hedgesim run`` prints under the answer."""
    return [(name, value) for name, value, _ in horizon_rows(results)]


# -- the supported set (hedgesim analyze) ---------------------------------------------------
#: How each end of the hedge over the supported set is said (ties: ``a=b``).
SUPPORTED_ENDS: dict[str, str] = {
    "align": "an alignment with Iran",
    "realign": "a break for the Gulf/West",
    "collapse": "the regime's collapse",
    "never": "no end within the run",
}


def _end_text(mode: str) -> str:
    parts = [SUPPORTED_ENDS.get(k, k) for k in mode.split("=")]
    return parts[0] if len(parts) == 1 else "a tie between " + join(parts)


def quantile_text(q: Quantiles, key: str, digits: int,
                  precision: QuantilePrecision | None = None) -> str:  # fmt: skip
    """One quantile of an answer (``key``: ``q50``, ...) to ``digits`` decimals, with its
    95% interval in parentheses when ``precision`` is given: ``"0.13 (0.11 to 0.17)"``."""
    told = f"{getattr(q, key):.{digits}f}"
    if precision is None:
        return told
    ci = precision.intervals[key]
    return f"{told} ({interval_text(ci.low, ci.high, digits)})"


def _range(q: Quantiles, digits: int = 2, precision: QuantilePrecision | None = None) -> str:
    """The median and the 90% range of an answer over the calibrations (each quantile as
    :func:`quantile_text`)."""
    at = [quantile_text(q, k, digits, precision) for k in ("q50", "q05", "q95")]
    return f"median {at[0]}, 90% of calibrations between {at[1]} and {at[2]}"


def precision_sentence(analysis: SupportedAnalysis) -> str | None:
    """What the \u00b1 and the intervals in parentheses of the answers mean
    (:mod:`sim.calibrate.replication`); ``None`` for a file written before them."""
    prec = analysis.answer_precision
    if prec is None:
        return None
    if not prec.independent:
        draws = "draws, some sharing a chain, so these understate the error"
    elif analysis.method == "rejection":
        draws = "independent draws (rejection sampling)"
    else:
        draws = "independent draws (one hit-and-run chain each)"
    return (f"Each share's \u00b1 is its Monte Carlo standard error over the {prec.n:,} "
            f"{draws}, sqrt(p(1 - p)/n); in parentheses, each median's and 90% bound's "
            f"{prec.confidence:.0%} interval from the draws' order statistics.")


def mixing_sentence(analysis: SupportedAnalysis) -> str | None:
    """How the supported draws were made and whether their chains forgot where they
    started (:class:`sim.results.calibration.ChainMixing`); ``None`` for a file written
    before the check."""
    if analysis.mixing is None:
        return None
    told = analysis.mixing.words()
    if analysis.burn_in is not None:
        return f"Each hit-and-run chain burnt in for {analysis.burn_in:,} steps; {told}."
    return f"{told[0].upper()}{told[1:]}."


def supported_sentences(analysis: SupportedAnalysis) -> list[str]:
    """The answers over the supported set in plain sentences: each as a distribution with
    never and collapse as outcomes of their own, what carries it (Sobol), the claims that
    narrow it, and the knife edges of the scenario's own calibration."""
    d = analysis.distributions
    unit = analysis.round_unit
    n = count_text(analysis.rounds, unit)
    grid = "x".join(str(k) for k in analysis.resolution)
    out = [f"The run above is one calibration; the article fixes orderings, not numbers. "
           f"Over {analysis.n:,} calibrations drawn uniformly from everything the claims' "
           f"constraints and the parameters' bounds allow ({analysis.method} sampling, seed "
           f"{analysis.seed}; {share_of(analysis.acceptance_rate, 'uniform draws in the bounds')} "
           f"satisfy every constraint), each solved over {n} on the {grid} analysis grid:"]
    h = d.horizon
    prec = analysis.answer_precision

    def share(p: float) -> str:
        """A share, with its standard error when the analysis has them."""
        return percent(p) if prec is None else percent_pm(p, prec.share_se(p))

    never, collapse = h.get("never", 0.0), h.get("collapse", 0.0)
    rounds = {int(k): v for k, v in h.items() if k not in ("never", "collapse")}
    told = (f"Hedging stays certain through all {n} in {share(never)} of them (never, an "
            f"outcome of its own), and the regime falls first in {share(collapse)}")
    if rounds:
        top = max(rounds, key=lambda k: (rounds[k], -k))
        told += (f"; in the other {share(sum(rounds.values()))} it stops being certain by a "
                 f"{unit} from {min(rounds)} to {max(rounds)}, most often by {unit} {top} "
                 f"({share(rounds[top])})")
    out.append(told + ".")
    if 0 in rounds:
        out.append(f"In {share(rounds[0])} of them hedging is not certain even in {unit} 0.")
    modes = sorted(d.exit_mode.items(), key=lambda kv: -kv[1])
    out.append("Where the hedge most likely ends: "
               + join([f"{_end_text(k)} in {share(v)}" for k, v in modes]) + ".")
    when = d.collapse_date or f"{unit} {d.collapse_round}"
    quantiles = {} if prec is None else prec.quantiles
    out.append(f"The probability that the regime has fallen by {when}: "
               f"{_range(d.collapse_by, precision=quantiles.get('collapse_by'))}.")
    amb = d.ambiguity
    out.append("The value of ambiguity at the start (hedging's payoff over the best open "
               f"stance, continuation values included): "
               f"{_range(amb, precision=quantiles.get('ambiguity'))}"
               + ("; it is negative in some supported calibrations." if amb.q05 < 0 else "."))
    told_precision = precision_sentence(analysis)
    if told_precision:
        out.append(told_precision)
    mixing = mixing_sentence(analysis)
    if mixing:
        out.append(mixing)
    if analysis.answer_replication is not None:
        out.append(analysis.answer_replication.words() + ".")
    out += sobol_sentences(analysis)
    out += importance_sentences(analysis)
    out.append(knife_edge_sentence(analysis))
    said = continuum_ties_sentence(analysis)
    if said:
        out.append(said)
    return out


def sobol_sentences(analysis: SupportedAnalysis) -> list[str]:
    """The factor with the largest total index for each answer, and how far to trust it."""
    answers = [k for k, rows in analysis.sobol.items() if rows]
    if not answers:
        return ["No Sobol indices: the analysis skipped them or no answer varies."]
    leads = []
    for name in answers:
        top = max(analysis.sobol[name], key=lambda r: r.ST)
        leads.append(f"{name}: {top.factor} (total index {top.ST:.2f} \u00b1 {top.ST_conf:.2f})")
    rows = [r for name in answers for r in analysis.sobol[name]]
    wide = sum(r.ST_conf > r.ST for r in rows)
    screen = analysis.sobol_screen_base
    out = [f"What carries each answer (Sobol indices {analysis.sobol_design_words()}; "
           f"{percent(analysis.sobol_supported_share or 0.0)} of the design is supported), the "
           "largest total index: " + "; ".join(leads) + "."]
    if wide:
        more = ("a larger --screen-base narrows every factor's, a larger --sobol-base the "
                "leading factors'" if screen is not None and screen < analysis.sobol_base
                else "a larger --sobol-base narrows them")
        out.append(f"In {wide} of the {len(rows)} factor-answer pairs the 95% interval of the "
                   f"total index is wider than the index: these rankings are not yet settled; "
                   f"{more}.")
    return out + precision_sentences(analysis)


def precision_sentences(analysis: SupportedAnalysis) -> list[str]:
    """How wide each answer's leading factor's interval is (half-width and full width) and
    the refined base and solves a target half-width needs (nothing for an analysis
    written before these were recorded)."""
    if not analysis.sobol_precision:
        return []
    widths = "; ".join(f"{p.answer}: \u00b1 {p.half_width:.2f}, {p.full_width:.2f} wide, on "
                       f"{p.base:,} base samples" for p in analysis.sobol_precision)  # fmt: skip
    out = [f"How narrow the leading factors' 95% intervals are (the half-width, then the full "
           f"width): {widths}."]
    proj = analysis.sobol_projection
    if proj is None:
        return out
    target = f"{proj.target_half_width:g}"
    short = analysis.short_of_target_words()
    if short:
        out.append(f"Still above {target} after the third stage: " + "; ".join(short) + ".")
    left = [p.answer for p in analysis.sobol_precision if p.answer not in proj.answers]
    which = ("all of them" if not left else
             f"all of them but {join(left)} (its bounded companion stands for it)")
    if proj.solves <= proj.run_solves:
        but = "" if not left else f" but {join(left)}'s (its bounded companion stands for it)"
        out.append(f"Every answer's leading factor{but} has a half-width of {target} or less.")
        return out
    out.append(f"A half-width of {target} on {which} needs, as the half-widths fall with the "
               f"square root of the base, up to about {proj.base:,} base samples (this "
               f"analysis: {analysis.sobol_top_base:,}): {proj.solves:,} solves in all instead of "
               f"{proj.run_solves:,}; a full width of {target} needs four times the base.")
    return out


#: Marks a claim-importance cell whose 95% interval excludes 0.
EXCLUDES_ZERO = "*"


def shrink_interval_text(low: float | None, high: float | None) -> str:
    """A claim-importance interval's ends to two decimals, or to the first significant digit
    of an end that would read 0.00 without being 0 (an interval that excludes 0 must not
    look as if it touched it)."""
    digits = 2
    for x in (low, high):
        if x is not None and x != 0.0 and round(x, 2) == 0.0:
            digits = max(digits, min(6, -math.floor(math.log10(abs(x)))))
    return interval_text(low, high, digits)


def importance_cell(row: ImportanceRow, name: str) -> str:
    """One cell of the claim-importance table: the share of ``name``'s spread the
    constraint removes, with its 95% interval and :data:`EXCLUDES_ZERO` when the interval
    excludes 0 (the share alone in a file written before the intervals)."""
    share = f"{row.shrink[name]:.2f}"
    if row.intervals is None:
        return share
    c = row.intervals[name]
    if c.low is None and c.high is None:
        return f"{share} (no draw outside)"
    mark = "" if c.verdict == "not distinguishable from 0" else EXCLUDES_ZERO
    return f"{share} ({shrink_interval_text(c.low, c.high)}){mark}"


def importance_sentences(analysis: SupportedAnalysis) -> list[str]:
    """For each answer, the constraint whose addition narrows it most (with intervals:
    among those whose interval lies above 0), and how far to trust the table."""
    if not analysis.importance:
        return ["No claim-importance table: the analysis skipped it."]
    if analysis.importance_bootstrap is not None and all(
            r.intervals is not None for r in analysis.importance):
        return importance_interval_sentences(analysis)
    names = list(analysis.importance[0].shrink)
    leads = []
    for name in names:
        top = max(analysis.importance, key=lambda r: r.shrink[name])
        if top.shrink[name] > 0:
            leads.append(f"{name}: {top.constraint} ({', '.join(top.claims)}), "
                         f"{top.shrink[name]:.2f}")
    told = ("The claims that narrow each answer most (the share of its spread the constraint "
            f"removes, from {analysis.importance_n} draws per relaxed set): "
            + ("; ".join(leads) if leads else "none narrows any answer detectably") + ".")
    rows = analysis.importance
    if all(r.relaxed_supported is not None and r.solved is not None for r in rows):
        shares = [float(r.relaxed_supported or 0.0) for r in rows]
        solved = sum(int(r.solved or 0) for r in rows)
        how = (f"Each relaxed set's spread is a mixture: the {analysis.n:,} supported "
               "calibrations stand for its part that satisfies the constraint left out, "
               f"{analysis.importance_n} draws of it give that part's weight "
               f"({min(shares):.2f} to {max(shares):.2f}), and only the draws that violate the "
               f"constraint are solved ({solved} in all); a share "
               "below about 0.1 is within the noise of so few draws, and a negative share means "
               "no detectable effect, not a wider spread.")
    else:
        how = (f"With {analysis.importance_n} draws per relaxed set these shares are noisy; a "
               "negative share means no detectable effect, not a wider spread.")
    return [told, how]


def importance_interval_sentences(analysis: SupportedAnalysis) -> list[str]:
    """:func:`importance_sentences` of a table with intervals: the claims that narrow each
    answer detectably, how many cells exclude 0 against how many chance gives, the
    bootstrap's bias, and what the intervals rest on."""
    rows = analysis.importance
    boot = analysis.importance_bootstrap
    assert boot is not None
    names = list(rows[0].shrink)
    cells = {(r.constraint, n): r.intervals[n] for r in rows if r.intervals for n in names}
    leads, none = [], []
    for name in names:
        found = [r for r in rows if cells[r.constraint, name].verdict == "removes spread"]
        if not found:
            none.append(name)
            continue
        top = max(found, key=lambda r: r.shrink[name])
        c = cells[top.constraint, name]
        leads.append(f"{name}: {top.constraint} ({', '.join(top.claims)}), "
                     f"{top.shrink[name]:.2f} ({shrink_interval_text(c.low, c.high)})")
    if none:
        leads.append(f"{join(none)}: none")
    level = f"{boot.confidence:.0%}"
    out = ["The claims that narrow each answer (the share of its spread the constraint "
           f"removes, with its {level} bootstrap interval, from {analysis.importance_n} draws "
           "per relaxed set; the largest share whose interval lies above 0): "
           + "; ".join(leads) + "."]
    removes = sum(c.verdict == "removes spread" for c in cells.values())
    adds = sum(c.verdict == "adds spread" for c in cells.values())
    out.append(f"In {removes + adds} of the {boot.tested} constraint-answer cells with relaxed "
               f"draws outside the supported set the interval excludes 0 ({removes} remove "
               f"spread, {adds} add spread), where chance alone gives about "
               f"{boot.by_chance:.1f} at {level}: one such cell is not yet a finding.")
    biases = [c.bias for c in cells.values() if c.low is not None]
    if biases:
        out.append(f"The bootstrap puts the shares' bias between {min(biases):.2f} and "
                   f"{max(biases):.2f} (the resamples' mean share minus the share; "
                   "analysis.json gives each bias-corrected share).")
    closed = [r.constraint for r in rows if (r.solved or 0) == 0]
    solved = sum(int(r.solved or 0) for r in rows)
    shares = [float(r.relaxed_supported or 0.0) for r in rows]
    how = (f"Each relaxed set's spread is a mixture: the {analysis.n:,} supported calibrations "
           "stand for its part that satisfies the constraint left out, "
           f"{analysis.importance_n} draws of it give that part's weight ({min(shares):.2f} to "
           f"{max(shares):.2f}), and only the draws that violate the constraint are solved "
           f"({solved} in all); each interval ({boot.method}, {boot.resamples:,} resamples) "
           "resamples the supported answers and the relaxed draws")
    if closed:
        whose = "its row has" if len(closed) == 1 else "their rows have"
        how += f"; no draw violates {join(closed)}, so {whose} no interval"
    out.append(how + ". The value of ambiguity's intervals understate its uncertainty: its "
               "spread rests on a few extreme values that so few relaxed draws seldom show "
               "(docs/calibration.md).")
    return out


def knife_edge_sentence(analysis: SupportedAnalysis) -> str:
    """The scenario's own answers that a nudge of one part in a million moves."""
    if not analysis.knife_edges:
        return "The knife edges were not checked."
    ties = [e for e in analysis.knife_edges if e.tie]
    if not ties:
        return ("None of the scenario's own answers is on a knife edge: nudging each input by "
                "one part in a million moves none of them.")
    told = [f"{e.answer} ({e.value}; moved by {join(e.moved_by[:4])}"
            + (", ..." if len(e.moved_by) > 4 else "") + ")" for e in ties]
    return ("On a knife edge (a nudge of one part in a million moves it, so it is a tie, "
            "not a clean number): " + "; ".join(told) + ".")


def continuum_ties_sentence(analysis: SupportedAnalysis) -> str | None:
    """How many supported calibrations' answers rest on a stage game whose selected
    equilibrium lies on a continuum (``None`` for an analysis written before it was
    measured)."""
    c = analysis.continuum
    if c is None or c.measured == 0:
        return None
    if c.calibrations == 0:
        return (f"In none of the {c.measured:,} supported calibrations does play reach a stage "
                "game whose selected equilibrium lies on a continuum of equilibria.")
    return (f"In {c.calibrations:,} of {c.measured:,} supported calibrations play reaches a "
            "stage game whose selected equilibrium lies on a continuum of equilibria (with "
            f"probability up to {_small(c.largest)}); their answers are ties up to "
            "where the logit tracer stopped on it, not numbers of the model.")


def supported_tables(analysis: SupportedAnalysis
                     ) -> list[tuple[str, tuple[str, ...], list[tuple[str, ...]]]]:
    """``(caption, header, rows)`` of each table of the supported-set section: the horizon's
    distribution, each answer's quantiles, the Sobol indices, the claim importance and the
    knife edges."""
    d = analysis.distributions
    unit = analysis.round_unit
    prec = analysis.answer_precision
    ses = {} if prec is None else prec.shares["horizon"]
    horizon: list[tuple[str, ...]] = [(k if k in ("collapse", "never") else f"{unit} {k}",
                                        percent(v), *((percent(ses[k]),) if ses else ()))
                                       for k, v in d.horizon.items()]  # fmt: skip
    q_rows: list[tuple[str, ...]] = []
    when = d.collapse_date or f"{unit} {d.collapse_round}"
    answers = [("P(hedging stops being certain within the run)", d.hedging_ends),
               *((f"P(the hedge ends: {k})", q) for k, q in d.exit.items()),
               (f"P(collapse by {when})", d.collapse_by),
               ("value of ambiguity at the start", d.ambiguity)]
    for name, q in answers:
        fmt = probability if name.startswith("P(") else (lambda x: f"{x:.2f}")
        q_rows.append((name, *(fmt(x) for x in (q.mean, q.q05, q.q25, q.q50, q.q75, q.q95))))
    precise: list[tuple[str, ...]] = []
    if prec is not None:
        for (name, _), p in zip(answers, prec.quantiles.values(), strict=True):
            precise.append((name, f"{p.mean_se:.2g}",
                            *(interval_text(c.low, c.high) for c in p.intervals.values())))
    rep = analysis.answer_replication
    replication: list[tuple[str, ...]] = [
        (t.answer, {"ks": "KS", "chi-square": f"chi-square, {t.categories} categories"}.get(
            t.test, "constant"), "" if t.statistic is None else f"{t.statistic:.3g}",
         "" if t.p is None else f"{t.p:.2g}", "yes" if t.differs else "no")
        for t in ([] if rep is None else rep.tests)]
    sobol: list[tuple[str, ...]] = [(name, r.factor, f"{r.S1:.2f} \u00b1 {r.S1_conf:.2f}",
              f"{r.ST:.2f} \u00b1 {r.ST_conf:.2f}")
             for name, rows in analysis.sobol.items()
             for r in sorted(rows, key=lambda r: -r.ST)]
    precision: list[tuple[str, ...]] = [
        (p.answer, p.factor, f"{p.base:,}", f"{p.ST:.2f}", f"{p.half_width:.2f}",
         f"{p.full_width:.2f}", f"{p.base_needed:,}") for p in analysis.sobol_precision]
    proj = analysis.sobol_projection
    target = f"{proj.target_half_width:g}" if proj is not None else "0.1"
    names = list(analysis.importance[0].shrink) if analysis.importance else []
    importance = [(r.constraint, ", ".join(r.claims), *(importance_cell(r, k) for k in names))
                  for r in analysis.importance]
    boot = analysis.importance_bootstrap
    edges: list[tuple[str, ...]] = [
        (e.answer, e.value, "tie" if e.tie else "clean", join(e.moved_by) or "\u2014")
        for e in analysis.knife_edges]
    tables: list[tuple[str, tuple[str, ...], list[tuple[str, ...]]]] = [
        ("When hedging stops being certain: share of calibrations by their median round, "
         "collapse first and never as outcomes of their own"
         + (" (with each share's Monte Carlo standard error)." if prec else "."),
         ("Outcome", "Share", *(() if prec is None else ("\u00b1 s.e.",))), horizon),
        ("Each answer over the supported calibrations.",
         ("Answer", "Mean", "5%", "25%", "Median", "75%", "95%"), q_rows),
        ("How precise those numbers are: the mean's Monte Carlo standard error and each "
         "quantile's 95% interval from the draws' order statistics (distribution-free; an "
         "end the draws are too few to bound is left open).",
         ("Answer", "Mean s.e.", "5%", "25%", "Median", "75%", "95%"), precise),
        ("Whether the answers replicate: each answer in the draws from chains started at "
         "even-indexed points against those from odd-indexed ones (chi-square test of "
         "homogeneity, rare categories merged; two-sample KS), differing at p < "
         + (f"{rep.threshold:g}." if rep else "0.001."),
         ("Answer", "Test", "Statistic", "p", "Differs"), replication),
        ("Sobol indices by group of parameters, with 95% bootstrap half-widths.",
         ("Answer", "Factor", "First order", "Total"), sobol),
        ("Precision of each answer's leading factor: its total index's 95% interval as "
         f"half-width and full width, and the base at which the half-width would be {target} "
         f"(base x (half-width / {target})^2).",
         ("Answer", "Factor", "Base", "Total", "Half-width", "Full width",
          f"Base for \u00b1 {target}"), precision),
        ("Claim importance: the share of each answer's spread a constraint removes, "
         "1 - sd(all constraints) / sd(all but this one)"
         + ("." if boot is None else
            f", with its {boot.confidence:.0%} bootstrap interval ({boot.method}); "
            f"{EXCLUDES_ZERO} and bold: the interval excludes 0 (about {boot.by_chance:.1f} of "
            f"the {boot.tested} cells with draws outside would by chance alone); a cell "
            "without a mark is not distinguishable from 0."),
         ("Constraint", "Claims", *names), importance),
        ("The scenario's own calibration nudged by one part in a million.",
         ("Answer", "Value", "Knife edge", "Moved by"), edges),
    ]
    return [t for t in tables if t[2]]
