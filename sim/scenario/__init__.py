"""Scenario files: the schema, strict and safe loading, ``--set`` overrides, key paths.

A scenario is a YAML file (documented key by key in ``docs/scenarios.md``).
:func:`load_scenario` turns it into an immutable, validated :class:`Scenario`; every error
names the file, the line, the key path and what was expected, on one line
(:class:`sim.errors.ScenarioError`).

- :mod:`sim.scenario.keys`: key paths (one type, parsed once) and the ranges of the values
  sweeps and uncertainty address;
- :mod:`sim.scenario.schema`: the pydantic models, the resolved form and its hash;
- :mod:`sim.scenario.loading`: YAML text (1.2 core numbers) to a validated scenario,
  ``extends`` confined to the scenario's folder and the search path;
- :mod:`sim.scenario.overrides`: ``--set key.path=value``;
- :mod:`sim.scenario.article_keys`, :mod:`sim.scenario.article_schema`: the blocks of the
  article's game (Model 2), every parameter by one key path;
  :mod:`sim.scenario.article` turns a scenario into an ``ArticleRun`` (imported on its own:
  it loads the article's game);
- :mod:`sim.scenario.errors`: pydantic's problems as one located line each.
"""

from sim.scenario.keys import (
    MAX_KEY_PARTS,
    MAX_MAGNITUDE,
    KeyPath,
    KeyPathError,
    KeyRange,
    key_path,
    key_range,
    render_key_path,
)
from sim.scenario.loading import (
    MAX_DEPTH,
    MAX_EXTENDS,
    MAX_FILE_BYTES,
    MAX_NODES,
    SEARCH_PATH_ENV,
    load_scenario,
    scenario_from_mapping,
    validate_files,
)
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import (
    Axis,
    Distribution,
    Outputs,
    PlayerLabels,
    Scenario,
    Sweep,
    Uncertainty,
    resolved_dict,
    scenario_hash,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_EXTENDS",
    "MAX_FILE_BYTES",
    "MAX_KEY_PARTS",
    "MAX_MAGNITUDE",
    "MAX_NODES",
    "SEARCH_PATH_ENV",
    "Axis",
    "Distribution",
    "KeyPath",
    "KeyPathError",
    "KeyRange",
    "Outputs",
    "PlayerLabels",
    "Scenario",
    "Sweep",
    "Uncertainty",
    "apply_overrides",
    "key_path",
    "key_range",
    "load_scenario",
    "render_key_path",
    "resolved_dict",
    "scenario_from_mapping",
    "scenario_hash",
    "validate_files",
]
