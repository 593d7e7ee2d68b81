"""The figure registry: every figure declares its name, size, caption and build function,
once, in its own module.

A figure module decorates its build function with :func:`register`::

    @register("tolerance", size=(10.0, 5.5), order=30, source=ArticleResults,
              caption="Each counterpart's tolerance ...")
    def build(results: ArticleResults, context: Context) -> Figure: ...

``source`` is the typed result the figure draws (:class:`~sim.results.ArticleResults`, or one
analysis record such as :class:`~sim.results.GridAnalysis`); ``applies`` narrows it
further (a one-key sweep draws a line, a two-key sweep a map). :func:`figures_of` lists the
figures of any result, :func:`write_figures` writes them. Every module of this package is
imported by :mod:`sim.figures`, so adding a figure is adding one file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from sim.atomic import atomic_open
from sim.collector import collector_paused
from sim.figures.common import DPI, style
from sim.labels import Labels
from sim.results import AnalysisResults, ArticleResults
from sim.results.supported import SupportedAnalysis

#: What :func:`write_figures` draws: a run, a sweep's analyses, an analysis of the supported set.
Drawn = ArticleResults | AnalysisResults | SupportedAnalysis

Size = tuple[float, float]
#: zlib level of the PNG files: 3 encodes the figures in about two thirds of the CPU of
#: Pillow's default (6) and, as RGB, into fewer bytes than the RGBA files of before
#: (``benchmarks/bench_commands.py``, README).
PNG_COMPRESSION = 3


@dataclass(frozen=True)
class Context:
    """What every figure of one results file shares: the round unit, the display names and
    the focal player (whose hedging the run is about)."""

    round_unit: str
    labels: Labels
    focal: str


Build = Callable[[Any, Context], Figure]


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure.

    Attributes
    ----------
    name
        The file name without suffix, and the figure's id in the report.
    size
        Width and height in inches (a PNG is ``size * DPI`` pixels); a function of the
        drawn result where the figure grows with its content.
    caption
        What the figure shows (caption and alt text); the model's player names in it are
        replaced by the results' display names.
    source
        The typed result it draws.
    build
        ``build(result, context) -> Figure``.
    order
        Position in the report (ascending).
    applies
        Whether it draws a given ``source`` result (default: always).
    """

    name: str
    size: Size | Callable[[Any], Size]
    caption: str
    source: type
    build: Build
    order: int
    applies: Callable[[Any], bool] | None = None

    def size_of(self, result: Any) -> Size:
        return self.size(result) if callable(self.size) else self.size

    def draws(self, result: Any) -> bool:
        return isinstance(result, self.source) and (self.applies is None
                                                   or self.applies(result))


#: Every registered figure, by name.
FIGURES: dict[str, FigureSpec] = {}


def register(name: str, *, size: Size | Callable[[Any], Size], caption: str, source: type,
             order: int, applies: Callable[[Any], bool] | None = None
             ) -> Callable[[Build], Build]:
    """Register the decorated ``build`` function as figure ``name``."""

    def wrap(build: Build) -> Build:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} registered twice")
        FIGURES[name] = FigureSpec(name, size, caption, source, build, order, applies)
        return build

    return wrap


def context_of(results: Drawn) -> Context:
    if isinstance(results, SupportedAnalysis):  # Model 2's players, under their own names
        return Context(results.round_unit, Labels.default(), "syria")
    return Context(results.round_unit, results.labels.labels(), results.focal)


def items_of(results: Drawn) -> list[Any]:
    """The results' parts that figures draw: the run itself, or each analysis."""
    if isinstance(results, AnalysisResults):
        return list(results.analyses.values())
    return [results]


def figures_of(results: Drawn) -> list[tuple[FigureSpec, Any]]:
    """Every figure of ``results`` with the part it draws, in report order."""
    found = [(spec, item) for item in items_of(results) for spec in FIGURES.values()
             if spec.draws(item)]
    return sorted(found, key=lambda pair: pair[0].order)


def build_figure(spec: FigureSpec, item: Any, context: Context) -> Figure:
    """Build one figure in the house style."""
    with style():
        return spec.build(item, context)


def save_figure(fig: Figure, path: str | Path, fmt: str | None = None) -> Path:
    """Save ``fig`` to ``path`` atomically. Metadata that changes between runs (dates,
    the software version) is left out, so the same figure gives the same bytes.

    A PNG is drawn once (:func:`png_bytes`); other formats go through ``savefig``.
    """
    p = Path(path)
    fmt = fmt or p.suffix.lstrip(".")
    with atomic_open(p, "wb") as fh, style():
        if fmt == "png":
            fh.write(png_bytes(fig))
        else:
            metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(fh, format=fmt, dpi=DPI, metadata=metadata)
    return p


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as a PNG of ``size * DPI`` pixels, drawn once.

    ``savefig`` of a figure with a layout engine draws it twice: a dry draw to lay it out,
    then the real one. Here one Agg draw lays the figure out and renders it, and Pillow
    encodes the pixels (no text chunks: the same figure gives the same bytes): as RGB when
    every pixel is opaque (a quarter fewer bytes to compress, the same image), at zlib
    level :data:`PNG_COMPRESSION`.
    """
    if fig.dpi != DPI:
        fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                             "raw", "RGBA", 0, 1)
    if image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", dpi=(DPI, DPI), compress_level=PNG_COMPRESSION)
    return buffer.getvalue()


def write_figures(results: Drawn, out_dir: str | Path,
                  formats: Sequence[str] = ("png",)) -> dict[str, list[Path]]:
    """Write every figure of ``results`` into ``out_dir`` (``<name>.<format>``).

    Returns
    -------
    dict
        Figure name -> the files written, in report order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    context = context_of(results)
    written: dict[str, list[Path]] = {}
    for spec, item in figures_of(results):
        with collector_paused():
            fig = build_figure(spec, item, context)
            written[spec.name] = [save_figure(fig, out / f"{spec.name}.{fmt}", fmt)
                                  for fmt in formats]
    return written
