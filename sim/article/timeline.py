"""Dated shocks and events: what moves from outside the game, and when.

A :class:`Shock` applies at the start of its round, before that round is played. Its
``target`` is one of:

- an exogenous process (:data:`PROCESSES`): the threat ``s`` (a shock is a jump whose
  excess over the resting threat fades by ``threat_reversion`` a round), or a patron's
  capacity ``c_iran``, ``c_russia`` (it stays where a shock leaves it);
- a state variable (:data:`STATE_VARIABLES`): a counterpart's belief (``belief_iran``: a
  unity visit that reassures Tehran) or the regime's capacity; the value moves for every
  state alike and is split on the grid, so the state stays a distribution;
- a parameter, ``parameters.NAME``: its value from that round on (e.g. a shipment-limit
  signal after a Lebanon deal). Parameters that set a starting value (priors, initial
  capacity, the patrons' capacities) or a process's resting level cannot be shocked this way:
  shock the process or the state instead.

``op`` is ``set``, ``add`` or ``scale``; shocks of one round apply in the order given.
Results are clipped to the variable's range (beliefs and capacities to [0, 1], the threat
to >= 0, parameters to their documented bounds' sign: shares and probabilities to [0, 1],
others to >= 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from sim.article.parameters import (
    BELIEF,
    CAPACITY,
    DISCOUNT,
    PROBABILITY,
    SHARE,
    SPEC,
    Parameters,
)
from sim.article.terms import RoundData
from sim.errors import HedgesimError

PROCESSES: tuple[str, ...] = ("threat", "capacity_iran", "capacity_russia")
STATE_VARIABLES: tuple[str, ...] = (
    "belief_iran",
    "belief_israel",
    "belief_gulf",
    "regime_capacity",
)
OPS: tuple[str, ...] = ("set", "add", "scale")
#: Parameters a timeline may not change (starting values and resting levels).
FIXED_PARAMETERS: frozenset[str] = frozenset(
    {
        "prior_iran",
        "prior_israel",
        "prior_gulf",
        "initial_capacity",
        "capacity_iran",
        "capacity_russia",
        "threat",
    }
)
_UNIT_RANGE = frozenset({SHARE, PROBABILITY, BELIEF, CAPACITY})


@dataclass(frozen=True)
class Shock:
    """One dated change (see the module docstring).

    Attributes
    ----------
    round
        The round at whose start it applies (0-based).
    target
        A process, a state variable or ``parameters.NAME``.
    op
        ``"set"``, ``"add"`` or ``"scale"``.
    value
        A finite number.
    name
        What happened (for reports).
    """

    round: int
    target: str
    op: str
    value: float
    name: str = ""

    def __post_init__(self) -> None:
        where = f"shock {self.name or self.target!r} in round {self.round}"
        if not isinstance(self.round, int | np.integer) or self.round < 0:
            raise HedgesimError(f"{where}: the round must be an integer >= 0")
        if self.op not in OPS:
            raise HedgesimError(f"{where}: op must be one of {OPS}, got {self.op!r}")
        if not np.isfinite(self.value):
            raise HedgesimError(f"{where}: the value must be a finite number, got {self.value}")
        if self.target in PROCESSES or self.target in STATE_VARIABLES:
            return
        name = self.parameter
        if name is None or name not in SPEC:
            raise HedgesimError(
                f"{where}: unknown target {self.target!r}; expected one of "
                f"{PROCESSES + STATE_VARIABLES} or parameters.NAME"
            )
        if name in FIXED_PARAMETERS:
            raise HedgesimError(
                f"{where}: {name} is a starting value or resting level; shock the process "
                "or the state variable instead"
            )

    @property
    def parameter(self) -> str | None:
        """The parameter's name for a ``parameters.NAME`` target, else ``None``."""
        head, _, name = self.target.partition(".")
        return name if head == "parameters" and name else None


def _clip_parameter(name: str, value: np.ndarray) -> np.ndarray:
    unit = SPEC[name].unit
    if unit in _UNIT_RANGE:
        return np.asarray(np.clip(value, 0.0, 1.0))
    if unit == DISCOUNT:
        return np.asarray(np.clip(value, 0.0, SPEC[name].bounds[1]))
    return np.asarray(np.maximum(0.0, value))


def check_rounds(shocks: Sequence[Shock], rounds: int) -> None:
    """Refuse a shock in a round past the horizon."""
    for s in shocks:
        if s.round >= rounds:
            raise HedgesimError(
                f"shock {s.name or s.target!r} falls in round {s.round}, past the last round "
                f"{rounds - 1}"
            )


@dataclass(frozen=True)
class Timeline:
    """The exogenous side of a run, resolved round by round.

    Attributes
    ----------
    parameters
        The parameters in force in each round.
    data
        Each round's :class:`RoundData` (threat, patrons' capacities).
    state_shocks
        Each round's shocks to state variables, in order.
    """

    parameters: tuple[Parameters, ...]
    data: tuple[RoundData, ...]
    state_shocks: tuple[tuple[Shock, ...], ...]

    @property
    def rounds(self) -> int:
        return len(self.data)


def resolve(params: Parameters, shocks: Sequence[Shock], rounds: int) -> Timeline:
    """Each round's parameters, round data and state shocks.

    The threat starts at its resting level ``params.threat``; without shocks its excess over
    the resting level shrinks by the factor ``1 - threat_reversion`` each round. The patrons'
    capacities start at ``params.capacity_iran``, ``params.capacity_russia``. Works on one
    calibration or a batch (then every value is an array ``(B,)``).
    """
    if int(rounds) != rounds or rounds < 1:
        raise HedgesimError(f"rounds must be an integer >= 1, got {rounds}")
    check_rounds(shocks, rounds)
    by_round: dict[int, list[Shock]] = {}
    for s in shocks:
        by_round.setdefault(int(s.round), []).append(s)
    current = params
    excess = np.zeros(np.shape(params.threat))
    cap = {
        "capacity_iran": np.asarray(params.capacity_iran, dtype=np.float64),
        "capacity_russia": np.asarray(params.capacity_russia, dtype=np.float64),
    }
    out_params: list[Parameters] = []
    out_data: list[RoundData] = []
    out_state: list[tuple[Shock, ...]] = []
    for t in range(int(rounds)):
        if t > 0:
            excess = excess * (1.0 - np.asarray(current.threat_reversion, dtype=np.float64))
        state: list[Shock] = []
        for s in by_round.get(t, ()):
            if s.target in STATE_VARIABLES:
                state.append(s)
            elif s.target == "threat":
                rest = np.asarray(current.threat, dtype=np.float64)
                level = np.maximum(0.0, _apply(s, rest + excess))
                excess = level - rest
            elif s.target in cap:
                cap[s.target] = np.clip(_apply(s, cap[s.target]), 0.0, 1.0)
            else:
                name = s.parameter
                assert name is not None
                old = np.asarray(getattr(current, name), dtype=np.float64)
                new = _clip_parameter(name, _apply(s, old))
                current = replace(current, **{name: _scalar(new)})
        rest = np.asarray(current.threat, dtype=np.float64)
        out_params.append(current)
        out_data.append(
            RoundData(
                threat=_scalar(np.maximum(0.0, rest + excess)),
                capacity_iran=_scalar(cap["capacity_iran"]),
                capacity_russia=_scalar(cap["capacity_russia"]),
            )
        )
        out_state.append(tuple(state))
    return Timeline(tuple(out_params), tuple(out_data), tuple(out_state))


def _apply(shock: Shock, old: np.ndarray) -> np.ndarray:
    if shock.op == "set":
        return np.full_like(old, shock.value, dtype=np.float64)
    if shock.op == "add":
        return np.asarray(old + shock.value, dtype=np.float64)
    return np.asarray(old * shock.value, dtype=np.float64)


def apply_to_values(shock: Shock, values: np.ndarray) -> np.ndarray:
    """A state shock applied to an array of values of its variable, clipped to [0, 1]."""
    return np.asarray(np.clip(_apply(shock, np.asarray(values, dtype=np.float64)), 0.0, 1.0))


def _scalar(x: np.ndarray) -> float | np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr
