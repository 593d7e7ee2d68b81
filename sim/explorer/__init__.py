"""The explorer: one self-contained HTML page in which sliders over a scenario's sweep
parameters show, for each grid position, the path of play, the horizon, how the hedge ends
and the survival curve, from precomputed runs.

No server and no network: the data and the script (plain JavaScript, ``explorer.js``, about
150 lines: a page this size needs no framework) are inlined. Every number the page shows is
a reading of one run's ``results.json`` (:mod:`sim.compare.headlines`), written beside the
page under ``points/``; each number's exact value is also in the ``data-value`` attribute
of the element showing it, so the browser test compares it with the file without rounding.

:func:`explorer_data` makes the page's data from runs, :func:`explorer_html` the page,
:func:`explore_to_folder` runs a scenario's sweep (coarsened to ``num`` values a key) and
writes both.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from sim.atomic import write_text
from sim.compare.headlines import ENDS, Headlines, headlines_of
from sim.errors import HedgesimError
from sim.figures.style import (
    ACTION_KIND,
    FOCAL,
    KIND_COLOURS,
    NEVER_COLOUR,
    OUTCOME_COLOURS,
    STANCE_COLOURS,
    date_texts,
)
from sim.results import RESULTS_FILE, read_results
from sim.wording import key_name, value_text

EXPLORER_HTML = "explorer.html"
POINTS = "points"


@dataclass(frozen=True)
class Point:
    """One grid position: its index on each axis, the swept values, its results file (as
    the page links it, relative to the page) and the headlines read off that file."""

    index: tuple[int, ...]
    values: tuple[float, ...]
    file: str
    headlines: Headlines


def _floats(a: np.ndarray) -> list[float]:
    return [float(x) for x in np.asarray(a, dtype=np.float64)]


def point_data(p: Point) -> dict[str, Any]:
    """What the page shows at one position."""
    h = p.headlines
    median = h.horizon_median()
    return {
        "index": list(p.index),
        "values": list(p.values),
        "file": p.file,
        "horizon": median,
        "horizon_never": h.horizon_never,
        "horizon_collapse": h.horizon_collapse,
        "horizon_at": _floats(h.horizon_at),
        "exit": {e: float(h.exit.get(e, 0.0)) for e in ENDS},
        "exit_mode": h.exit_mode(),
        "hedge": _floats(h.hedge),
        "horizon_by": _floats(h.horizon_by),
        "standing": _floats(h.standing),
        "fallen_end": float(h.fallen[-1]),
        "path": {player: [_floats(row) for row in probs] for player, probs in h.path.items()},
    }


def explorer_data(title: str, keys: Sequence[str], axes: Sequence[Sequence[float]],
                  points: Sequence[Point]) -> dict[str, Any]:
    """The page's data: the axes, every position's readings, and what they share (the
    rounds' dates, the players, actions and colours)."""
    if not points:
        raise HedgesimError("the explorer needs at least one run")
    first = points[0].headlines
    expected = set(itertools.product(*(range(len(a)) for a in axes)))
    if {p.index for p in points} != expected:
        raise HedgesimError("the explorer needs one run at every position of the grid")
    colours = {}
    for player, acts in first.actions.items():
        if player == FOCAL:
            colours[player] = [STANCE_COLOURS[a] for a in acts]
        else:
            colours[player] = [KIND_COLOURS[ACTION_KIND[player][a]] for a in acts]
    return {
        "title": title,
        "question": first.question,
        "numerics": first.numerics,
        "keys": list(keys),
        "axes": [[float(v) for v in a] for a in axes],
        "axis_text": [[value_text(float(v)) for v in a] for a in axes],
        "key_names": [key_name(k) for k in keys],
        "round_unit": first.round_unit,
        "rounds": first.rounds,
        "dates": (date_texts(first.dates, first.round_days)  # type: ignore[arg-type]
                  if first.dated else [None] * first.rounds),
        "players": list(first.actions),
        "player_names": {p: first.label(p) for p in first.actions},
        "actions": {p: [first.label(p, a) for a in acts] for p, acts in first.actions.items()},
        "kinds": {p: [a if p == FOCAL else ACTION_KIND[p][a] for a in acts]
                  for p, acts in first.actions.items()},
        "colours": colours,
        "end_colours": {**OUTCOME_COLOURS, "never": NEVER_COLOUR},
        "ends": list(ENDS),
        "points": [point_data(p) for p in sorted(points, key=lambda p: p.index)],
    }


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("sim.explorer", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _script_json(data: dict[str, Any]) -> Markup:
    """JSON safe inside a ``<script>`` element (no ``</`` can close it early)."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e")
                  .replace("&", "\\u0026"))


def explorer_html(data: dict[str, Any]) -> str:
    """The self-contained page."""
    script = resources.files("sim.explorer").joinpath("templates", "explorer.js")
    return _environment().get_template("explorer.html.j2").render(
        data=data, data_json=_script_json(data),
        script=Markup(script.read_text(encoding="utf-8")))


def points_from_files(keys: Sequence[str], axes: Sequence[Sequence[float]],
                      files: Mapping[tuple[int, ...], str | os.PathLike[str]],
                      page_dir: str | os.PathLike[str]) -> list[Point]:
    """The points of already written runs: ``files[index]`` is the results file (or run
    folder) at grid position ``index``."""
    out = []
    for index, f in files.items():
        path = Path(f)
        if path.is_dir():
            path = path / RESULTS_FILE
        values = tuple(float(axes[k][i]) for k, i in enumerate(index))
        rel = os.path.relpath(path, page_dir).replace(os.sep, "/")
        out.append(Point(tuple(index), values, rel, headlines_of(read_results(path))))
    return out


@dataclass(frozen=True)
class Written:
    out_dir: Path
    page: Path
    points: int
    text: str


def sweep_axes(scenario: Any, sweep_name: str | None, num: int
               ) -> tuple[list[str], list[list[float]]]:
    """The keys of the scenario's sweep ``sweep_name`` (the first if ``None``) and ``num``
    evenly spaced values of each over its range (at most the sweep's own count)."""
    if not scenario.sweeps:
        raise HedgesimError(f"scenario {scenario.name!r} has no sweeps: to explore")
    if sweep_name is None:
        sweep = scenario.sweeps[0]
    else:
        found = [s for s in scenario.sweeps if s.name == sweep_name]
        if not found:
            raise HedgesimError(f"scenario {scenario.name!r} has no sweep {sweep_name!r}; "
                                f"it has {', '.join(s.name for s in scenario.sweeps)}")
        sweep = found[0]
    if num < 2:
        raise HedgesimError(f"--num must be at least 2, not {num}")
    keys = list(sweep.params)
    axes = [[float(x) for x in np.linspace(a.start, a.stop, min(num, a.num))]
            for a in sweep.params.values()]
    return keys, axes


def explore_to_folder(path: str | os.PathLike[str], out: str | os.PathLike[str] | None, *,
                      sweep_name: str | None = None, num: int = 5,
                      overrides: Sequence[str] = (), options: Any = None) -> Written:
    """Run the scenario at every position of its (coarsened) sweep into
    ``out/points/<n>/`` (with ``options``, :class:`sim.pipeline.RunOptions`) and write
    ``out/explorer.html``."""
    from sim.output_folder import output_folder
    from sim.pipeline import RUNS, RunOptions, run_to_folder
    from sim.scenario import apply_overrides, load_scenario

    scenario = load_scenario(path)
    if overrides:
        scenario = apply_overrides(scenario, overrides)
    keys, axes = sweep_axes(scenario, sweep_name, num)
    # staged and swapped in whole (sim.output_folder): a refused or failing run leaves
    # ``out`` as it was, never an explorer over some of its points
    with output_folder(Path(out) if out is not None else RUNS / scenario.name / "explorer"
                       ) as folder:
        staged = folder.path
        files: dict[tuple[int, ...], Path] = {}
        for n, index in enumerate(itertools.product(*(range(len(a)) for a in axes))):
            sets = [f"{k}={axes[j][i]!r}"
                    for j, (k, i) in enumerate(zip(keys, index, strict=True))]
            summary = run_to_folder(path, out=staged / POINTS / f"{n:03d}",
                                    overrides=[*overrides, *sets], figures=False,
                                    options=options if options is not None else RunOptions())
            files[index] = summary.out_dir
        points = points_from_files(keys, axes, files, staged)
        data = explorer_data(f"{scenario.name}: explore {' and '.join(keys)}", keys, axes,
                             points)
        page = folder.final(write_text(staged / EXPLORER_HTML, explorer_html(data)))
    out_dir = folder.target
    return Written(out_dir, page, len(points),
                   f"wrote {page} ({len(points)} runs under {out_dir / POINTS}); open it in "
                   "a browser, no server needed")


__all__ = ["EXPLORER_HTML", "Point", "Written", "explore_to_folder", "explorer_data",
           "explorer_html", "points_from_files", "sweep_axes"]
