"""Every sentence and table row hedgesim writes about the analyses (``hedgesim sweep``), from
the typed records (:mod:`sim.results.analyses`).

"Never within the run" and "collapse first" are said as outcomes of their own, never as a
round; a median horizon is over the calibration's paths, a share is over the grid's cells
or the Monte Carlo's draws.
"""

from __future__ import annotations

import numpy as np

from sim.labels import Labels
from sim.results import GridAnalysis, MonteCarloAnalysis, SensitivityAnalysis
from sim.results.analyses import ENDS, PointAnswer
from sim.results.supported import Quantiles
from sim.views import axis_effects, grid_data, horizon_counts
from sim.wording import capital, join, key_name, percent, rounds_text, value_text

Analysis = GridAnalysis | MonteCarloAnalysis | SensitivityAnalysis


def end_name(end: str, lab: Labels, focal: str) -> str:
    """How a most likely end of the hedge is said."""
    if end == "never":
        return "no end within the run"
    if end == "collapse":
        return "collapse"
    if "=" in end:
        return "a tie between " + " and ".join(end_name(e, lab, focal) for e in end.split("="))
    return f"{lab.action(focal, end)}"


def horizon_text(h: int | str, unit: str) -> str:
    """A median horizon in words."""
    if h == "never":
        return "never within the run"
    if h == "collapse":
        return "collapse first"
    return rounds_text(int(h), unit)


def by_text(a: GridAnalysis | MonteCarloAnalysis | SensitivityAnalysis) -> str:
    return a.collapse_date or "the end of the run"


def _shares(points: list[PointAnswer], of: str, lab: Labels, focal: str) -> str:
    modes = [p.exit_mode for p in points]
    found = sorted({m: modes.count(m) / len(modes) for m in modes}.items(), key=lambda x: -x[1])
    told = [f"{end_name(m, lab, focal)} in {percent(s)}" for m, s in found]
    return f"The most likely end of the hedge is {join(told)} of the {of}."


def _grid_sentences(grid: GridAnalysis, unit: str, lab: Labels, focal: str) -> list[str]:
    data = grid_data(grid)
    n = data.never.size
    if len(data.keys) == 1:
        values = data.axes[0]
        over = (f"Over {n} values of {key_name(data.keys[0], lab)} from "
                f"{value_text(values.min())} to {value_text(values.max())}")
        of = "values"
    else:
        ranges = [f"{key_name(k, lab)} ({value_text(a.min())}\u2013{value_text(a.max())})"
                  for k, a in zip(data.keys, data.axes, strict=True)]
        over = f"Over the {n} combinations of {' and '.join(ranges)}"
        of = "combinations"
    parts = []
    if data.span is not None:
        lo, hi = data.span
        parts.append(f"the median horizon runs from {lo} to {rounds_text(hi, unit)}"
                     if lo != hi else f"the median horizon is {rounds_text(lo, unit)}")
    for mask, what in ((data.never, "hedging never ends within the run"),
                       (data.collapse, "the regime collapses first")):
        if mask.any():
            parts.append(f"in {int(mask.sum())} ({percent(mask.sum() / n)}) {what}")
    out = [f"{over} ({grid.grid[0]}x{grid.grid[1]} grid, {grid.rule} selection), "
           f"{join(parts)}."]
    for answer, name in (("hedging_ends", "the probability that hedging ends within the run"),
                         ("collapse_by", f"the probability of collapse by {by_text(grid)}")):
        values = getattr(data, answer)
        for key, axis, effect in zip(data.keys, data.axes, axis_effects(values), strict=True):
            move = (f"raising {key_name(key, lab)} from {value_text(axis[0])} to "
                    f"{value_text(axis[-1])}")
            if abs(effect) < 0.005:
                out.append(capital(f"{move} leaves {name} unchanged on average."))
            else:
                verb = "raises" if effect > 0 else "lowers"
                out.append(capital(f"{move} {verb} {name} by {abs(effect) * 100:.0f} points on "
                                   "average."))
    out.append(_shares(grid.points, of, lab, focal))
    amb = np.array([p.ambiguity for p in grid.points])
    out.append(f"The value of ambiguity runs from {amb.min():.1f} to {amb.max():.1f} payoff "
               f"units a {unit}" + (" and turns negative where hedging is worse than the best "
                                    "alternative." if amb.min() < 0 else "."))
    return out


def _range(q: Quantiles, percentages: bool = True) -> str:
    f = (lambda x: f"{x:.0%}") if percentages else (lambda x: f"{x:.1f}")
    return f"median {f(q.q50)}, 90% between {f(q.q05)} and {f(q.q95)}"


def _monte_carlo_sentences(mc: MonteCarloAnalysis, unit: str, lab: Labels,
                           focal: str) -> list[str]:
    d = mc.distributions
    counts = horizon_counts(mc)
    inputs = f"{len(mc.keys)} uncertain {'input' if len(mc.keys) == 1 else 'inputs'}"
    median = counts.median_of_ends()
    ends = mc.draws - counts.never - counts.collapse
    head = (f"Over {mc.draws} draws of {inputs} (seed {mc.seed}; {mc.grid[0]}x{mc.grid[1]} "
            f"grid, {mc.rule} selection), hedging stops being certain within the run in "
            f"{ends} draws ({percent(ends / mc.draws)})")
    if median is not None:
        head += f", at a median of {median:g} {unit}s among them"
    out = [head + f"; in {percent(counts.never / mc.draws)} it never does and in "
           f"{percent(counts.collapse / mc.draws)} the regime collapses first."]
    out.append(f"P(hedging ends within the run): {_range(d.hedging_ends)}.")
    out.append(f"P(collapse by {by_text(mc)}): {_range(d.collapse_by)}.")
    out.append(f"The value of ambiguity: {_range(d.ambiguity, percentages=False)} payoff units.")
    out.append(_shares(mc.points, "draws", lab, focal))
    return out


def _sensitivity_sentences(sens: SensitivityAnalysis, unit: str, lab: Labels) -> list[str]:
    lo_q, hi_q = sens.quantiles
    b = sens.base
    out = [f"With each of {len(sens.parameters)} uncertain inputs at its {lo_q * 100:g}th and "
           f"{hi_q * 100:g}th percentile in turn, the others at the scenario's values (where "
           f"the median horizon is {horizon_text(b.horizon, unit)}, P(hedging ends) "
           f"{percent(b.hedging_ends)} and P(collapse by {by_text(sens)}) "
           f"{percent(b.collapse_by)}); a "
           "local view, the global one is hedgesim analyze's:"]
    moving = [r for r in sens.parameters if r.swing >= 0.005]
    for r in moving:
        out.append(f"{capital(key_name(r.key, lab))} from {value_text(r.low)} to "
                   f"{value_text(r.high)} moves P(hedging ends) from "
                   f"{percent(r.at_low.hedging_ends)} to {percent(r.at_high.hedging_ends)} and "
                   f"P(collapse) from {percent(r.at_low.collapse_by)} to "
                   f"{percent(r.at_high.collapse_by)} "
                   f"(median horizon {horizon_text(r.at_low.horizon, unit)} to "
                   f"{horizon_text(r.at_high.horizon, unit)}).")
    still = [key_name(r.key, lab) for r in sens.parameters if r.swing < 0.005]
    if still:
        verb = "does" if len(still) == 1 else "do"
        out.append(capital(f"{join(still)} {verb} not move them by half a point"
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
        return "Monte Carlo: the answers under uncertainty"
    return "Sensitivity, one input at a time (a local view)"


def analysis_table(analysis: Analysis, labels: Labels, focal: str = "syria"
                   ) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """A small table for the report: the median horizon's distribution of a Monte Carlo
    result, each input's ends of a sensitivity result; nothing for a sweep (its figure is
    the table)."""
    if isinstance(analysis, MonteCarloAnalysis):
        shares = analysis.distributions.horizon
        return ("Median horizon", "Share of draws"), [
            (k, percent(v)) for k, v in shares.items()]
    if isinstance(analysis, SensitivityAnalysis):
        def h(p: PointAnswer) -> str:
            return str(p.horizon)

        return (("Input", "Low", "Base", "High", "Horizon at low / high",
                 "P(hedging ends) at low / high", "P(collapse) at low / high",
                 "Most likely end at low / high"),
                [(r.key, value_text(r.low), value_text(r.base), value_text(r.high),
                  f"{h(r.at_low)} / {h(r.at_high)}",
                  f"{percent(r.at_low.hedging_ends)} / {percent(r.at_high.hedging_ends)}",
                  f"{percent(r.at_low.collapse_by)} / {percent(r.at_high.collapse_by)}",
                  f"{end_name(r.at_low.exit_mode, labels, focal)} / "
                  f"{end_name(r.at_high.exit_mode, labels, focal)}")
                 for r in analysis.parameters])
    return (), []


def analysis_summary(name: str, analysis: Analysis, labels: Labels) -> str:
    """One line per analysis for the summary ``hedgesim sweep`` prints."""
    if isinstance(analysis, GridAnalysis):
        data = grid_data(analysis)
        span = "none" if data.span is None else "-".join(map(str, sorted(set(data.span))))
        return (f"  grid over {' x '.join(analysis.keys)}: {data.never.size} calibrations, "
                f"median horizon {span} rounds, {int(data.never.sum())} never, "
                f"{int(data.collapse.sum())} collapse first; P(collapse by {by_text(analysis)}) "
                f"{percent(data.collapse_by.min())}-{percent(data.collapse_by.max())}")
    if isinstance(analysis, MonteCarloAnalysis):
        horizon = analysis.distributions.horizon
        shares = ", ".join(f"{k} in {percent(v)}" for k, v in horizon.items())
        return (f"  monte carlo, {analysis.draws} draws: median horizon {shares}; "
                f"P(collapse by {by_text(analysis)}) median "
                f"{percent(analysis.distributions.collapse_by.q50)}")
    top = ", ".join(f"{p.key} ({percent(p.at_low.hedging_ends)} to "
                    f"{percent(p.at_high.hedging_ends)})" for p in analysis.parameters[:3])
    return (f"  sensitivity, base P(hedging ends) {percent(analysis.base.hedging_ends)}: "
            f"most: {top}")


__all__ = ["ENDS", "analysis_heading", "analysis_sentences", "analysis_summary",
           "analysis_table", "end_name", "horizon_text"]
