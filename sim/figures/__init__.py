"""Figures as a registry: one module per figure, each registering its name, size, caption
and build function (:mod:`sim.figures.registry`).

Every figure module of this package is imported here (found on disk, not listed), so a new
figure is one new file. Each module computes its plot data with pure functions of a typed
result (:mod:`sim.results`), tested numerically, and draws on an ``ax`` it is given or
creates (``draw_*(data, ax=None)``); figures never call the model.
"""

import importlib
import pkgutil

from sim.figures.registry import (
    FIGURES,
    Context,
    FigureSpec,
    build_figure,
    context_of,
    figures_of,
    register,
    save_figure,
    write_figures,
)

#: Modules of this package that are infrastructure, not figures.
_INFRASTRUCTURE = frozenset({"common", "registry", "style"})

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module not in _INFRASTRUCTURE:
        importlib.import_module(f"{__name__}.{_module}")

__all__ = [
    "FIGURES",
    "Context",
    "FigureSpec",
    "build_figure",
    "context_of",
    "figures_of",
    "register",
    "save_figure",
    "write_figures",
]
