"""Reading and writing results files: one JSON text per typed result, refused with one
clear line when it is not one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.atomic import write_text
from sim.errors import HedgesimError
from sim.results.analyses import ANALYSES_SCHEMA_VERSION, AnalysisResults
from sim.results.article import SCHEMA_VERSION, ArticleResults
from sim.results.supported import SUPPORTED_SCHEMA_VERSION, SupportedAnalysis

RESULTS_FILE = "results.json"
ANALYSES_FILE = "analyses.json"
TRAJECTORY_FILE = "trajectory.csv"
#: What ``hedgesim analyze`` writes: the answers over the supported set.
SUPPORTED_FILE = "analysis.json"
#: The ``kind`` of those files.
SUPPORTED_KIND = "supported-analysis"

Results = ArticleResults | AnalysisResults
#: Every results class, by the ``model`` (run results) or ``kind`` (analyses) its files carry.
RESULT_TYPES: dict[str, type[ArticleResults] | type[AnalysisResults]] = {
    "article": ArticleResults,
    "analyses": AnalysisResults,
}
#: The schema version each kind's files carry.
VERSIONS: dict[str, int] = {"article": SCHEMA_VERSION, "analyses": ANALYSES_SCHEMA_VERSION}
#: What older run files were, for the message that refuses them.
OLDER_VERSIONS = {
    1: "written before results were typed",
    2: "a run of the first model, the tolerance clock, which hedgesim no longer has",
}


def results_json(result: Results) -> str:
    """The file text of a result: two-space indent, fields in schema order, final newline."""
    return result.model_dump_json(indent=2) + "\n"


def write_json(result: Results, path: str | Path) -> Path:
    """Write ``result`` to ``path`` atomically (temporary file, then rename)."""
    return write_text(path, results_json(result))


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "top level"
    more = exc.error_count() - 1
    return f"{where}: {first['msg']}" + (f" (and {more} more)" if more else "")


def _load(p: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HedgesimError(f"{p}: cannot read it ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HedgesimError(f"{p}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise HedgesimError(f"{p}: not a hedgesim results file (no schema_version)")
    return text, data


def is_supported_analysis(path: str | Path) -> bool:
    """Whether ``path`` is a readable JSON file of ``hedgesim analyze`` (by its ``kind``)."""
    try:
        _, data = _load(Path(path))
    except HedgesimError:
        return False
    return data.get("kind") == SUPPORTED_KIND


def read_supported(path: str | Path) -> SupportedAnalysis:
    """Read an ``analysis.json`` of ``hedgesim analyze``.

    Raises
    ------
    HedgesimError
        One line naming the file and the problem (not readable, not JSON, not such a file,
        another schema version, a value the schema refuses).
    """
    p = Path(path)
    text, data = _load(p)
    if data.get("kind") != SUPPORTED_KIND:
        raise HedgesimError(f"{p}: not an analysis of the supported set (hedgesim analyze "
                            f"writes {SUPPORTED_FILE} with kind {SUPPORTED_KIND!r})")
    if data["schema_version"] != SUPPORTED_SCHEMA_VERSION:
        raise HedgesimError(f"{p}: analysis schema version {data['schema_version']!r}; this "
                            f"hedgesim reads version {SUPPORTED_SCHEMA_VERSION} only: run "
                            "hedgesim analyze again")
    try:
        return SupportedAnalysis.model_validate_json(text)
    except ValidationError as exc:
        raise HedgesimError(f"{p}: {_problem(exc)}") from None


def read_results(path: str | Path) -> Results:
    """Read a ``results.json`` or ``analyses.json``.

    Raises
    ------
    HedgesimError
        One line naming the file and the problem: not readable, not JSON, a schema version
        this hedgesim does not read for the file's kind (version 1 files predate typed
        results, version 2 files are the first model's: re-run the scenario), or a value the
        schema refuses.
    """
    p = Path(path)
    text, data = _load(p)
    if data.get("kind") == SUPPORTED_KIND:
        raise HedgesimError(f"{p}: an analysis of the supported set (hedgesim analyze), not "
                            "a run's results: give it beside a results.json (hedgesim "
                            "figures) or to hedgesim run --analysis")
    version = data["schema_version"]
    kind = data.get("model", data.get("kind", "analyses" if "analyses" in data else "article"))
    expected = VERSIONS.get(str(kind), SCHEMA_VERSION)
    if version != expected:
        why = OLDER_VERSIONS.get(version) if "analyses" not in data else None
        raise HedgesimError(
            f"{p}: results schema version {version!r}"
            + (f" ({why})" if why else "")
            + f"; this hedgesim reads version {expected} only: re-run the scenario to write "
            "it anew"
        )
    cls = RESULT_TYPES.get(str(kind))
    if cls is None:
        raise HedgesimError(f"{p}: unknown results kind {kind!r}; this hedgesim reads "
                            f"{', '.join(RESULT_TYPES)}")
    try:
        return cls.model_validate_json(text)
    except ValidationError as exc:
        raise HedgesimError(f"{p}: {_problem(exc)}") from None
