"""The state of the repeated game and how it moves.

The state (:class:`ToleranceState`) is what changes from round to round: each
counterpart's tolerance level in [0, 1], its current tolerance settings (decay,
recovery, visibility, deniability) and the stage model's current parameters, as the
scenario's timeline has left them. Everything here is pure: functions take a state and
return a new one.

Per-round update (``MODEL.md``, section *Tolerance*): when Syria plays the mixed
strategy ``s`` in a round, counterpart ``j``'s tolerance moves by::

    delta_j = - s[hedge] * decay_j * visibility_j * (1 - deniability_j)
              + s[wish_j] * recovery_j

and is clipped to [0, 1], where ``wish_j`` is the Syrian action ``j`` wants
(:data:`sim.model.WISHES`). A round in which Syria hedges for sure has ``s[wish_j] = 0``
and therefore never raises a tolerance.

Events (``timeline`` of a scenario) are applied at the start of their round, before the
stage game of that round is built. Within one event, ``set`` is applied first, then
``add``, then ``scale``; events of one round apply in timeline order. Key paths:

- ``parameters.NAME``: a stage-model parameter (clipped to [0, 1] for shares, to >= 0
  otherwise);
- ``tolerance.CP.decay | recovery | visibility | deniability | initial``: a setting
  (clipped to >= 0; deniability to [0, 1); ``initial`` only matters before round 0 and
  is stored without effect on the current level);
- ``tolerance.CP.level``: the counterpart's current tolerance level (clipped to [0, 1]).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from sim import model
from sim.errors import ScenarioError
from sim.scenario import Event, Scenario, key_path

#: Largest deniability an event may set; the schema requires deniability < 1.
MAX_DENIABILITY = 1.0 - 1e-12
SETTING_NAMES = ("initial", "decay", "recovery", "visibility", "deniability")


@dataclass(frozen=True)
class ToleranceSettings:
    """How one counterpart's tolerance moves (per round; see the module docstring)."""

    initial: float = 1.0
    decay: float = 0.05
    recovery: float = 0.05
    visibility: float = 1.0
    deniability: float = 0.0

    @property
    def effective_decay(self) -> float:
        """Fall of the level per round of certain hedging.

        ``decay * visibility * (1 - deniability)``.
        """
        return self.decay * self.visibility * (1.0 - self.deniability)


@dataclass(frozen=True)
class ToleranceState:
    """The repeated game's state at the start of a round.

    Attributes
    ----------
    counterparts
        Names of the counterparts, in the model's order.
    levels
        Tolerance level of each counterpart, in [0, 1].
    settings
        Current :class:`ToleranceSettings` of each counterpart.
    parameters
        The stage model's parameters after every event so far.
    """

    counterparts: tuple[str, ...]
    levels: tuple[float, ...]
    settings: tuple[ToleranceSettings, ...]
    parameters: model.Parameters

    def level(self, counterpart: str) -> float:
        return self.levels[self._index(counterpart)]

    def setting(self, counterpart: str) -> ToleranceSettings:
        return self.settings[self._index(counterpart)]

    def levels_dict(self) -> dict[str, float]:
        """``{counterpart: level}``, the form :func:`sim.model.stage_game` takes."""
        return dict(zip(self.counterparts, self.levels, strict=True))

    def with_levels(self, levels: Sequence[float]) -> ToleranceState:
        """The same state with new levels (clipped to [0, 1])."""
        return replace(self, levels=tuple(_clip01(float(v)) for v in levels))

    def _index(self, counterpart: str) -> int:
        try:
            return self.counterparts.index(counterpart)
        except ValueError:
            raise KeyError(
                f"no counterpart {counterpart!r}; counterparts are {list(self.counterparts)}"
            ) from None


def _clip01(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def initial_state(scenario: Scenario) -> ToleranceState:
    """The state before round 0's events: initial levels, the scenario's settings and
    parameters."""
    settings = []
    for cp in model.COUNTERPARTS:
        t = scenario.tolerance_of(cp)
        settings.append(
            ToleranceSettings(t.initial, t.decay, t.recovery, t.visibility, t.deniability)
        )
    return ToleranceState(
        counterparts=model.COUNTERPARTS,
        levels=tuple(_clip01(s.initial) for s in settings),
        settings=tuple(settings),
        parameters=scenario.model_parameters(),
    )


def _combine(op: str, old: float, value: float) -> float:
    if op == "set":
        return value
    if op == "add":
        return old + value
    if op == "scale":
        return old * value
    raise ValueError(f"unknown operation {op!r}")


def apply_change(state: ToleranceState, op: str, path: str, value: float) -> ToleranceState:
    """Apply one ``set``/``add``/``scale`` of ``value`` at key path ``path``.

    Raises
    ------
    ScenarioError
        If the key path addresses nothing the state holds.
    """
    parts = key_path(path).names
    if len(parts) == 2 and parts[0] == "parameters":
        name = parts[1]
        if name not in model.PARAMETER_NAMES:
            raise ScenarioError("timeline", f"unknown parameter {name!r}", key_path=path)
        new = _combine(op, float(getattr(state.parameters, name)), value)
        new = _clip01(new) if model.is_share(name) else max(0.0, new)
        return replace(state, parameters=state.parameters.replace(**{name: new}))
    if len(parts) == 3 and parts[0] == "tolerance":
        cp, key = parts[1], parts[2]
        if cp not in state.counterparts:
            raise ScenarioError("timeline", f"unknown counterpart {cp!r}", key_path=path)
        k = state.counterparts.index(cp)
        if key == "level":
            levels = list(state.levels)
            levels[k] = _clip01(_combine(op, levels[k], value))
            return replace(state, levels=tuple(levels))
        if key in SETTING_NAMES:
            s = state.settings[k]
            new = max(0.0, _combine(op, float(getattr(s, key)), value))
            if key == "deniability":
                new = min(new, MAX_DENIABILITY)
            elif key == "initial":
                new = _clip01(new)
            settings = list(state.settings)
            settings[k] = replace(s, **{key: new})
            return replace(state, settings=tuple(settings))
    raise ScenarioError(
        "timeline",
        "an event key must be parameters.NAME or tolerance.COUNTERPART."
        "{level,decay,recovery,visibility,deniability,initial}",
        key_path=path,
    )


def apply_event(state: ToleranceState, event: Event) -> ToleranceState:
    """Apply one event: its ``set``, then ``add``, then ``scale`` entries (sorted by key)."""
    for op, changes in (("set", event.set), ("add", event.add), ("scale", event.scale)):
        for path in sorted(changes):
            state = apply_change(state, op, path, float(changes[path]))
    return state


def apply_events(
    state: ToleranceState, events: Sequence[Event]
) -> tuple[ToleranceState, tuple[str, ...]]:
    """Apply a round's events in order; return the new state and the events' names."""
    for event in events:
        state = apply_event(state, event)
    return state, tuple(e.name for e in events)


def level_change(settings: ToleranceSettings, p_hedge: float, p_wish: float) -> float:
    """Unclipped change of one level in a round.

    ``-p_hedge * effective_decay + p_wish * recovery``.
    """
    return -p_hedge * settings.effective_decay + p_wish * settings.recovery


def syria_strategy_dict(strategy: Sequence[float] | np.ndarray) -> dict[str, float]:
    """Syria's probability vector (in :data:`sim.model.ACTIONS` order) as ``{action: p}``."""
    actions = model.ACTIONS[model.SYRIA]
    vec = np.asarray(strategy, dtype=np.float64).reshape(-1)
    if vec.shape != (len(actions),):
        raise ValueError(f"Syria's strategy needs {len(actions)} probabilities, got {vec.shape}")
    return {a: float(p) for a, p in zip(actions, vec, strict=True)}


def update(state: ToleranceState, syria: Mapping[str, float]) -> ToleranceState:
    """The state after a round in which Syria played the mixed strategy ``syria``.

    Parameters
    ----------
    state
        The state the round was played in (after its events).
    syria
        ``{action: probability}`` of Syria's play in the round (missing actions: 0).

    Returns
    -------
    ToleranceState
        Levels moved by :func:`level_change` and clipped to [0, 1]; settings and
        parameters unchanged.
    """
    p_hedge = float(syria.get(model.HEDGE, 0.0))
    levels = []
    for cp, level, s in zip(state.counterparts, state.levels, state.settings, strict=True):
        p_wish = float(syria.get(model.WISHES[cp], 0.0))
        levels.append(_clip01(level + level_change(s, p_hedge, p_wish)))
    return replace(state, levels=tuple(levels))
