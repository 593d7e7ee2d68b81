"""``results.json`` and ``trajectory.csv``: the documented, versioned output of a run.

:func:`results_dict` turns a :class:`sim.repeated.RunResult` into plain JSON data whose
shape is :data:`RESULTS_SCHEMA` (a JSON Schema, draft 2020-12 subset);
:func:`validate_results` checks data against it without third-party packages;
:func:`write_results` writes both files atomically into an output folder.

Determinism: the same scenario gives the same bytes. Keys are sorted, floats are rounded
to :data:`SIGNIFICANT` significant digits (so solver noise far below the model's precision
cannot flip a byte), non-finite numbers are written as ``null`` (the schema says what
``null`` means at each place), and nothing time- or machine-dependent is written.

Schema summary (version :data:`SCHEMA_VERSION`)
-----------------------------------------------
``schema_version``
    Integer, bumped on any incompatible change.
``scenario``
    ``name``, ``hash`` (:func:`sim.scenario.scenario_hash`), ``description``, ``question``,
    ``round_unit``, ``rounds``, ``discount``, ``selection``, ``resolved`` (the fully
    resolved scenario, :func:`sim.scenario.resolved_dict`).
``players``, ``actions``
    The players in game order and each one's actions.
``labels``
    Display names: ``players`` {player: name}, ``actions`` {player: {action: name}}; every
    player and action spelled out, the model's defaults where the scenario's ``players``
    renames nothing. Every other key keeps the model's names.
``horizons``
    ``myopic``, ``myopic_half``, ``leaves_support`` (rounds from 0, ``null``: not within the
    run); ``forward_looking`` (first non-hedge round of the optimal plan, ``null``: hedges
    throughout); ``value_of_foresight``; ``sustainability_discount`` (at round 0; ``null``:
    not sustainable at any discount); ``sustainability_exceeded`` (first round whose
    threshold exceeds the scenario's discount); ``value_of_ambiguity_at_exit`` and
    ``value_of_ambiguity_final`` (Syria's payoff minus its round-0 payoff);
    ``closed_form_myopic`` {``round``, ``binding``, ``crossing``, ``decisive``, ``applies``}.
``exit``
    ``round``, ``syria_action``, ``first_broken``, ``first_broken_round``.
``switch_points``
    ``{counterpart: theta or null}``.
``forward_looking``
    ``plan``, ``payoffs``, ``value``, ``myopic_plan``, ``myopic_payoffs``,
    ``myopic_value``, ``myopic_horizon``, ``states``.
``sustainability``
    ``punishment`` {player: action}; per round ``discount`` and ``thresholds``
    {player: value} (``null``: never sustainable).
``rounds``
    One object per round: ``round``, ``date`` (ISO or ``null``), ``tolerance`` {cp: level},
    ``selected`` {player: most likely action}, ``profile`` {player: [probabilities]},
    ``hedge_probability``, ``margin``, ``syria_payoff``, ``value_of_ambiguity``,
    ``syria_action_values`` {action: value}, ``equilibria`` (each as
    :meth:`sim.equilibria.Equilibrium.to_json` plus ``selected``: bool), ``events``
    [names], ``changed`` [counterparts], ``sustainability_discount``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim import model
from sim.atomic import write_text
from sim.repeated import RunResult

SCHEMA_VERSION = 1
#: Significant digits kept for every float written.
SIGNIFICANT = 12
RESULTS_FILE = "results.json"
TRAJECTORY_FILE = "trajectory.csv"


def clean_float(x: float) -> float | None:
    """``x`` rounded to :data:`SIGNIFICANT` significant digits; ``None`` if not finite."""
    x = float(x)
    if not math.isfinite(x):
        return None
    y = float(f"{x:.{SIGNIFICANT}g}")
    return 0.0 if y == 0.0 else y  # no negative zero


def _clean(value: Any) -> Any:
    """Plain JSON data with every float cleaned."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return clean_float(value)
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_clean(v) for v in value]
    try:  # numpy scalars
        return _clean(value.item())
    except AttributeError:
        raise TypeError(f"cannot write {type(value).__name__} to results.json") from None


def results_dict(result: RunResult) -> dict[str, Any]:
    """The ``results.json`` content of a run (plain data, see the module docstring)."""
    from sim.scenario import resolved_dict, scenario_hash

    sc = result.scenario
    traj = result.trajectory
    my = result.myopic
    fw = result.forward
    su = result.sustainability
    cf = result.closed_form
    amb = my.value_of_ambiguity

    rounds = []
    for k, r in enumerate(traj.rounds):
        eqs = []
        for j, eq in enumerate(r.equilibria):
            entry = eq.to_json()
            entry["selected"] = j == r.selected
            eqs.append(entry)
        rounds.append(
            {
                "round": r.round,
                "date": r.date.isoformat() if r.date else None,
                "tolerance": dict(r.tolerance),
                "selected": r.actions,
                "profile": {p: list(s) for p, s in r.strategies.items()},
                "hedge_probability": r.hedge_probability,
                "margin": r.margin,
                "syria_payoff": r.syria_payoff,
                "value_of_ambiguity": amb[k],
                "syria_action_values": dict(r.syria_action_values),
                "equilibria": eqs,
                "events": list(r.events),
                "changed": list(r.changed),
                "sustainability_discount": su.discount[k] if su.discount else None,
            }
        )
    exit_round = my.exit.round
    data = {
        "schema_version": SCHEMA_VERSION,
        "scenario": {
            "name": sc.name,
            "hash": scenario_hash(sc),
            "description": sc.description,
            "question": sc.question,
            "round_unit": sc.repeated.round_unit,
            "rounds": sc.repeated.rounds,
            "discount": sc.repeated.discount,
            "selection": sc.repeated.selection,
            "resolved": resolved_dict(sc),
        },
        "players": list(model.PLAYERS),
        "actions": {p: list(a) for p, a in model.ACTIONS.items()},
        "labels": sc.labels().to_json(),
        "horizons": {
            "myopic": my.horizon,
            "myopic_half": my.half,
            "leaves_support": my.leaves_support,
            "forward_looking": fw.horizon,
            "value_of_foresight": fw.value_of_foresight,
            "sustainability_discount": su.discount[0] if su.discount else None,
            "sustainability_exceeded": su.first_exceeds,
            "value_of_ambiguity_at_exit": amb[exit_round] if exit_round is not None else None,
            "value_of_ambiguity_final": amb[-1] if amb else None,
            "closed_form_myopic": {
                "round": cf.round,
                "binding": cf.binding,
                "crossing": dict(cf.crossing),
                "decisive": dict(cf.decisive),
                "applies": cf.applies,
            },
        },
        "exit": {
            "round": my.exit.round,
            "syria_action": my.exit.syria_action,
            "first_broken": my.exit.first_broken,
            "first_broken_round": my.exit.first_broken_round,
        },
        "switch_points": dict(result.switch_points),
        "forward_looking": {
            "plan": list(fw.plan),
            "payoffs": list(fw.payoffs),
            "value": fw.value,
            "myopic_plan": list(fw.myopic_plan),
            "myopic_payoffs": list(fw.myopic_payoffs),
            "myopic_value": fw.myopic_value,
            "myopic_horizon": fw.myopic_horizon,
            "states": fw.states,
        },
        "sustainability": {
            "punishment": dict(su.punishment),
            "discount": list(su.discount),
            "thresholds": [dict(t) for t in su.thresholds],
        },
        "rounds": rounds,
    }
    cleaned: dict[str, Any] = _clean(data)
    return cleaned


def results_json(result: RunResult) -> str:
    """``results.json`` as text: sorted keys, two-space indent, ASCII, final newline."""
    return (
        json.dumps(
            results_dict(result), sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False
        )
        + "\n"
    )


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        c = clean_float(value)
        return "" if c is None else repr(c)
    return str(value)


def trajectory_csv(result: RunResult) -> str:
    """``trajectory.csv``: :meth:`sim.repeated.Trajectory.table`, one row per round."""
    rows = result.trajectory.table()
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = list(rows[0])
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(row[k]) for k in header])
    return buf.getvalue()


def write_results(result: RunResult, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write ``results.json`` and ``trajectory.csv`` into ``out_dir`` (created if needed),
    each atomically (temporary file in the same folder, then rename).

    Returns
    -------
    dict
        ``{"results": path, "trajectory": path}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"results": out / RESULTS_FILE, "trajectory": out / TRAJECTORY_FILE}
    write_text(paths["results"], results_json(result), encoding="ascii")
    write_text(paths["trajectory"], trajectory_csv(result), encoding="ascii")
    return paths


# -- the schema ---------------------------------------------------------------------------
_NUM: dict[str, Any] = {"type": "number"}
_NUM_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}
_ROUND_OR_NULL: dict[str, Any] = {"type": ["integer", "null"], "minimum": 0}
_STR_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}
_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_STRING_MAP: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string"}}
_NUM_MAP: dict[str, Any] = {"type": "object", "additionalProperties": _NUM}
_NUM_OR_NULL_MAP: dict[str, Any] = {"type": "object", "additionalProperties": _NUM_OR_NULL}
_PROB: dict[str, Any] = {"type": "number", "minimum": 0.0, "maximum": 1.0}


def _obj(props: dict[str, Any], extra: bool = False) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": sorted(props),
        "additionalProperties": extra,
    }


_EQUILIBRIUM = _obj(
    {
        "profile": {"type": "array", "items": {"type": "array", "items": _PROB}},
        "payoffs": {"type": "array", "items": _NUM},
        "method": {"type": "string"},
        "regret": {"type": "number", "minimum": 0.0},
        "selected": {"type": "boolean"},
    }
)

_ROUND = _obj(
    {
        "round": {"type": "integer", "minimum": 0},
        "date": _STR_OR_NULL,
        "tolerance": {"type": "object", "additionalProperties": _PROB},
        "selected": {"type": "object", "additionalProperties": {"type": "string"}},
        "profile": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": _PROB},
        },
        "hedge_probability": _PROB,
        "margin": _NUM,
        "syria_payoff": _NUM,
        "value_of_ambiguity": _NUM,
        "syria_action_values": _NUM_MAP,
        "equilibria": {"type": "array", "items": _EQUILIBRIUM, "minItems": 1},
        "events": _STRINGS,
        "changed": _STRINGS,
        "sustainability_discount": _NUM_OR_NULL,
    }
)

#: JSON Schema of ``results.json`` (draft 2020-12 keywords; :func:`validate_results`).
RESULTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "hedgesim results",
    **_obj(
        {
            "schema_version": {"type": "integer", "enum": [SCHEMA_VERSION]},
            "scenario": _obj(
                {
                    "name": {"type": "string"},
                    "hash": {"type": "string"},
                    "description": {"type": "string"},
                    "question": {"type": "string"},
                    "round_unit": {"type": "string"},
                    "rounds": {"type": "integer", "minimum": 1},
                    "discount": _NUM,
                    "selection": {"type": "string"},
                    "resolved": {"type": "object"},
                }
            ),
            "players": _STRINGS,
            "actions": {"type": "object", "additionalProperties": _STRINGS},
            "labels": _obj(
                {
                    "players": _STRING_MAP,
                    "actions": {"type": "object", "additionalProperties": _STRING_MAP},
                }
            ),
            "horizons": _obj(
                {
                    "myopic": _ROUND_OR_NULL,
                    "myopic_half": _ROUND_OR_NULL,
                    "leaves_support": _ROUND_OR_NULL,
                    "forward_looking": _ROUND_OR_NULL,
                    "value_of_foresight": _NUM,
                    "sustainability_discount": _NUM_OR_NULL,
                    "sustainability_exceeded": _ROUND_OR_NULL,
                    "value_of_ambiguity_at_exit": _NUM_OR_NULL,
                    "value_of_ambiguity_final": _NUM_OR_NULL,
                    "closed_form_myopic": _obj(
                        {
                            "round": _ROUND_OR_NULL,
                            "binding": _STR_OR_NULL,
                            "crossing": {
                                "type": "object",
                                "additionalProperties": _ROUND_OR_NULL,
                            },
                            "decisive": {
                                "type": "object",
                                "additionalProperties": {"type": "boolean"},
                            },
                            "applies": {"type": "boolean"},
                        }
                    ),
                }
            ),
            "exit": _obj(
                {
                    "round": _ROUND_OR_NULL,
                    "syria_action": _STR_OR_NULL,
                    "first_broken": _STR_OR_NULL,
                    "first_broken_round": _ROUND_OR_NULL,
                }
            ),
            "switch_points": {
                "type": "object",
                "additionalProperties": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
            },
            "forward_looking": _obj(
                {
                    "plan": _STRINGS,
                    "payoffs": {"type": "array", "items": _NUM},
                    "value": _NUM,
                    "myopic_plan": _STRINGS,
                    "myopic_payoffs": {"type": "array", "items": _NUM},
                    "myopic_value": _NUM,
                    "myopic_horizon": _ROUND_OR_NULL,
                    "states": {"type": "integer", "minimum": 1},
                }
            ),
            "sustainability": _obj(
                {
                    "punishment": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                    },
                    "discount": {"type": "array", "items": _NUM_OR_NULL},
                    "thresholds": {"type": "array", "items": _NUM_OR_NULL_MAP},
                }
            ),
            "rounds": {"type": "array", "items": _ROUND},
        }
    ),
}

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(float(value))
        )
    return isinstance(value, _TYPES[name])


def _check(value: Any, schema: Mapping[str, Any], path: str, errors: list[str]) -> None:
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_is_type(value, t) for t in names):
            errors.append(f"{path}: expected {' or '.join(names)}, got {type(value).__name__}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not one of {schema['enum']}")
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} > maximum {schema['maximum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                errors.append(f"{path}: missing key {key!r}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            where = f"{path}.{key}"
            if key in props:
                _check(item, props[key], where, errors)
            elif extra is False:
                errors.append(f"{path}: unexpected key {key!r}")
            elif isinstance(extra, Mapping):
                _check(item, extra, where, errors)
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for k, item in enumerate(value):
                _check(item, schema["items"], f"{path}[{k}]", errors)


def validate_results(data: Any, schema: Mapping[str, Any] | None = None) -> list[str]:
    """Check ``data`` against :data:`RESULTS_SCHEMA` (or ``schema``).

    Implements the keywords the schema uses: ``type`` (one or a list), ``enum``,
    ``minimum``, ``maximum``, ``properties``, ``required``, ``additionalProperties``
    (``false`` or a schema), ``items``, ``minItems``.

    Returns
    -------
    list of str
        One message per violation (``path: problem``); empty when valid.
    """
    errors: list[str] = []
    _check(data, schema or RESULTS_SCHEMA, "$", errors)
    return errors
