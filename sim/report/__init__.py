"""The HTML reports: one self-contained page per run (and per ``hedgesim sweep``).

Rendered from Jinja2 templates (``sim/report/templates/``, package data) with
autoescaping on, so no text from a scenario or a result can inject markup. Every sentence
comes from :mod:`sim.report.sentences`, which reads the typed result; figures are
embedded as base64 PNG, so the page needs no network and no other file. No JavaScript.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from sim.atomic import write_text
from sim.figures.registry import FIGURES
from sim.labels import Labels
from sim.report import analyses as analysis_text
from sim.report import sentences
from sim.results import AnalysisResults, ArticleResults
from sim.results.supported import SupportedAnalysis
from sim.wording import relabel

#: Figure name -> the files written (the PNG is embedded).
Figures = Mapping[str, Sequence[Path]]


@cache
def environment() -> Environment:
    """The template environment: package templates, autoescaping always on."""
    return Environment(loader=PackageLoader("sim.report", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class FigureView:
    """A figure as the page shows it."""

    name: str
    src: str
    caption: str


@dataclass(frozen=True)
class AnalysisSection:
    """One analysis's section of a report."""

    heading: str
    sentences: tuple[str, ...]
    figures: tuple[FigureView, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    numeric: tuple[int, ...] = field(default=())


def _figure(name: str, files: Sequence[Path], labels: Labels) -> FigureView | None:
    png = next((Path(p) for p in files if str(p).endswith(".png")), None)
    if png is None:
        return None
    caption = relabel(FIGURES[name].caption, labels) if name in FIGURES else name
    src = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
    return FigureView(name, src, caption)


def _figures(figures: Figures, labels: Labels, names: Sequence[str] | None = None
             ) -> tuple[FigureView, ...]:
    chosen = [n for n in figures if names is None or n in names]
    views = (_figure(n, figures[n], labels) for n in chosen)
    return tuple(v for v in views if v is not None)


def analysis_sections(analyses: AnalysisResults, figures: Figures) -> list[AnalysisSection]:
    """One section per analysis, with its sentences, its figures and its table."""
    labels = analyses.labels.labels()
    out = []
    for analysis in analyses.analyses.values():
        names = [spec.name for spec in FIGURES.values() if spec.draws(analysis)]
        header, rows = analysis_text.analysis_table(analysis, labels, analyses.focal)
        out.append(AnalysisSection(
            heading=analysis_text.analysis_heading(analysis, labels),
            sentences=tuple(analysis_text.analysis_sentences(analysis, analyses.round_unit,
                                                             labels, analyses.focal)),
            figures=_figures(figures, labels, names),
            header=header, rows=tuple(rows), numeric=tuple(range(1, len(header))),
        ))
    return out


@dataclass(frozen=True)
class TableView:
    """A table of a report section: its caption, header and rows."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    #: Cells ``(row, column)`` shown in bold: a finding the caption names (a claim-importance
    #: share whose interval excludes 0, :data:`sentences.EXCLUDES_ZERO`).
    marked: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class SupportedSection:
    """The section on the answers over the supported set (``hedgesim analyze``)."""

    sentences: tuple[str, ...]
    figures: tuple[FigureView, ...]
    tables: tuple[TableView, ...]


_NUMBER = re.compile(r"-?\d+(\.\d+)?%?( \u00b1 \d+(\.\d+)?)?")


def _numeric_columns(rows: Sequence[Sequence[str]]) -> tuple[int, ...]:
    """The columns whose every cell is a number (right-aligned in the page)."""
    width = len(rows[0]) if rows else 0
    return tuple(i for i in range(width) if all(_NUMBER.fullmatch(r[i]) for r in rows))


def _marked_cells(rows: Sequence[Sequence[str]]) -> frozenset[tuple[int, int]]:
    """The cells ending in :data:`sentences.EXCLUDES_ZERO` (a number's interval that
    excludes 0): shown in bold as well."""
    return frozenset((i, j) for i, row in enumerate(rows) for j, cell in enumerate(row)
                     if cell[:1] in "-0123456789" and cell.endswith(sentences.EXCLUDES_ZERO))


def supported_section(analysis: SupportedAnalysis, figures: Figures,
                      labels: Labels) -> SupportedSection:
    """Its sentences, figures and tables (:func:`sentences.supported_sentences`,
    :func:`sentences.supported_tables`)."""
    names = [spec.name for spec in FIGURES.values() if spec.draws(analysis)]
    tables = tuple(TableView(caption, header, tuple(rows), _numeric_columns(rows),
                             _marked_cells(rows))
                   for caption, header, rows in sentences.supported_tables(analysis))
    return SupportedSection(tuple(sentences.supported_sentences(analysis)),
                            _figures(figures, labels, names), tables)


def build_report(results: ArticleResults, *, figures: Figures | None = None,
                 analyses: AnalysisResults | None = None,
                 analysis_figures: Figures | None = None,
                 supported: SupportedAnalysis | None = None,
                 supported_figures: Figures | None = None) -> str:
    """The report of a run as one self-contained HTML string.

    Parameters
    ----------
    results
        The run.
    figures
        The run's figures, name -> files, as :func:`sim.figures.write_figures` returns them.
    analyses, analysis_figures
        The scenario's analyses and their figures, shown after the run's figures.
    supported, supported_figures
        An analysis of the scenario over the supported set (``hedgesim analyze``) and its
        figures: a section of its own after the answer.
    """
    labels = results.display
    sc = results.scenario
    overrides = ", ".join(sc.overrides)
    text = sc.source if sc.source is not None else json.dumps(sc.resolved, indent=2)
    grid = sc.grid
    return environment().get_template("run.html.j2").render(
        title=sc.name,
        meta=" · ".join([f"scenario hash {sc.hash[:16]}",
                         f"results schema {results.schema_version}",
                         f"Model 2, {len(results.rounds)} rounds of one {results.round_unit}",
                         f"grid {grid.belief_points} beliefs x {grid.capacity_points} "
                         f"capacities ({grid.states:,} states)"]),
        question=sc.question,
        answer=sentences.answer_sentences(results),
        horizons=sentences.horizon_rows(results),
        rules=sentences.rule_rows(results),
        backtest=sentences.backtest_sentences(results),
        backtest_rows=sentences.backtest_rows(results),
        figures=_figures(figures or {}, labels),
        analyses=analysis_sections(analyses, analysis_figures or {}) if analyses else [],
        supported=None if supported is None else supported_section(
            supported, supported_figures or {}, labels),
        round_header=sentences.round_header(results),
        rounds=sentences.round_rows(results),
        events=[(e.name, "" if e.date is None else e.date.isoformat(), str(e.round),
                 e.description, "; ".join(e.moves) or e.no_change or "nothing")
                for e in results.events],
        claims=sentences.claim_rows(results),
        overrides=overrides,
        scenario_text=text,
        footer="Generated by hedgesim from results.json; every sentence and number above is "
        "computed from the run.",
    )


#: The report of each results class: a new model registers its own page here (and its
#: sentences and template beside them); :func:`report_page` picks by the result's class.
REPORTS: dict[type, Callable[..., str]] = {ArticleResults: build_report}


def report_page(results: Any, **kwargs: Any) -> str:
    """The report of a run of any registered model (:data:`REPORTS`); keyword arguments
    as :func:`build_report` takes them."""
    for cls, build in REPORTS.items():
        if isinstance(results, cls):
            return build(results, **kwargs)
    raise TypeError(f"no report registered for {type(results).__name__}")


def build_analysis_report(analyses: AnalysisResults, *, figures: Figures | None = None) -> str:
    """The report of ``hedgesim sweep`` as one self-contained HTML string."""
    labels = analyses.labels.labels()
    return environment().get_template("analyses.html.j2").render(
        title=f"{analyses.scenario.name}: sweeps and uncertainty",
        meta=relabel("Horizon: the median round in which Syria's hedging stops being certain, "
                     "on the article's game (Model 2); \u201ccollapse\u201d and \u201cnever"
                     "\u201d are outcomes of their own.", labels),
        question=analyses.scenario.question,
        analyses=analysis_sections(analyses, figures or {}),
        footer="Generated by hedgesim sweep; every sentence and number above is computed "
        "from the analyses.",
    )


def write_report(path: str | Path, page: str) -> Path:
    """Write a page atomically (temporary file, then rename)."""
    return write_text(path, page)
