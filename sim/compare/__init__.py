"""Scenarios side by side: one table and one figure set over every headline answer (how
long hedging lasts, how it ends, how likely the regime has fallen by a date, what the
ambiguity is worth, whether each answer is robust), and a self-contained ``compare.html``.

Inputs are typed results: a ``results.json``, a run folder holding one, or a scenario file
(run first, into ``<out>/<file stem>/``). :mod:`sim.compare.headlines` reads the
answers off each, :mod:`sim.compare.table` and :mod:`sim.compare.figures` show them.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from sim.atomic import write_text
from sim.compare.figures import figures as comparison_figures
from sim.compare.headlines import ENDS, Headlines, headlines_of
from sim.compare.table import By, common_by, header, table, table_csv, table_text
from sim.errors import HedgesimError
from sim.figures.registry import save_figure
from sim.output_folder import output_folder
from sim.results import RESULTS_FILE, read_results

COMPARE_HTML = "compare.html"
COMPARE_CSV = "compare.csv"
CAPTIONS: dict[str, str] = {
    "compare_ends": "How each scenario's hedge ends: the probability of each first "
    "non-hedge stance, of the regime's collapse while Syria still hedges, and of no end "
    "within the run (hatched).",
    "compare_time": "Over time, one line per scenario (steps: values hold for a round): "
    "the probability that Syria hedges, that its certain hedge has ended, that the regime "
    "has fallen, and (where the results hold it) the value of ambiguity: Syria's payoff from "
    "hedging minus its best open stance, continuation values included, expected over the "
    "states the regime stands in.",
}


@dataclass(frozen=True)
class Comparison:
    """What ``compare`` wrote and read."""

    out_dir: Path
    headlines: tuple[Headlines, ...]
    by: By
    files: dict[str, Path]
    text: str


def _is_scenario(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml")


def load_headlines(source: str | os.PathLike[str], out_dir: Path,
                   options: Any = None) -> Headlines:
    """The headlines of one input: a results file, a run folder, or a scenario (run into
    ``out_dir/<file stem>/`` first: its results.json and trajectory.csv; ``hedgesim run``
    draws a scenario's own figures)."""
    p = Path(source)
    if p.is_dir():
        p = p / RESULTS_FILE
    if _is_scenario(p):
        from sim.pipeline import RunOptions, run_to_folder

        summary = run_to_folder(p, out=out_dir / p.stem, figures=False,
                                options=options if options is not None else RunOptions())
        return headlines_of(summary.results)
    return headlines_of(read_results(p))


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("sim.compare", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def compare_html(headlines: Sequence[Headlines], by: By, pngs: dict[str, Path]) -> str:
    """The page: the table, the figures inlined as data URIs, the questions."""
    names = ", ".join(h.name for h in headlines)
    figs = [{"name": n, "src": _data_uri(p), "caption": CAPTIONS[n]} for n, p in pngs.items()]
    notes = (f"Median horizon: the first round by which Syria no longer hedges for sure with "
             f"probability at least 1/2. The collapse column reads each scenario at {by.text}"
             " (the last point every scenario reaches unless --by says otherwise). Robust: "
             "the same answer under every equilibrium the results hold.")
    return _environment().get_template("compare.html.j2").render(
        title=f"Comparing {len(headlines)} scenarios", meta=names, header=header(by),
        rows=table(headlines, by), figures=figs, notes=notes,
        questions=[(h.name, h.question, h.numerics) for h in headlines])


def compare_to_folder(sources: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str],
                      *, by_date: dt.date | None = None, by_round: int | None = None,
                      options: Any = None) -> Comparison:
    """Compare the runs of ``sources`` and write ``compare.csv``, the figures (PNG) and
    ``compare.html`` into ``out``; scenario files are run with ``options``
    (:class:`sim.pipeline.RunOptions`, default: the scenario's own)."""
    if not sources:
        raise HedgesimError("compare needs at least one scenario or results file")
    # staged and swapped in whole (sim.output_folder): a refused or failing input leaves
    # ``out`` as it was, never a half-written comparison
    with output_folder(out) as folder:
        staged = folder.path
        headlines = tuple(load_headlines(s, staged, options) for s in sources)
        names = [h.name for h in headlines]
        if len(set(names)) != len(names):
            raise HedgesimError(
                f"compare: two inputs are the same scenario ({', '.join(names)})")
        by = common_by(headlines, by_date, by_round)
        files: dict[str, Path] = {"table": write_text(staged / COMPARE_CSV,
                                                      table_csv(headlines, by))}
        pngs = {name: save_figure(fig, staged / f"{name}.png")
                for name, fig in comparison_figures(headlines).items()}
        files.update(pngs)
        files["html"] = write_text(staged / COMPARE_HTML, compare_html(headlines, by, pngs))
    files = {name: folder.final(p) for name, p in files.items()}
    text = table_text(headlines, by) + "\n\nwrote " + ", ".join(
        str(p) for p in files.values())
    return Comparison(folder.target, headlines, by, files, text)


__all__ = ["COMPARE_HTML", "ENDS", "Comparison", "Headlines", "compare_html",
           "compare_to_folder", "headlines_of", "load_headlines"]
