"""The article's claims as constraints on the calibration (``seeds/claims.yaml``,
``constraints:``), parsed once and evaluated over a batch of calibrations at once.

A constraint is one comparison of two expressions (``holds:``) at a documented state
(``at:``). Expressions are a small, safe subset of Python's syntax, read with :mod:`ast`
and never ``eval``-ed: numbers, ``+ - * /``, parentheses, parameter names
(:data:`sim.article.parameters.PARAMETER_NAMES`) and stage payoffs
``PLAYER[SYRIA_ACTION, IRAN_ACTION, ISRAEL_ACTION, GULF_ACTION]`` (that player's payoff in
one round at that pure profile, from the claim-tagged terms of :mod:`sim.article.terms`,
capacities at rest and no collapse hazard). The state sets each counterpart's belief
(``prior``, the default, or a number) and may replace parameters (a number, or ``lower`` /
``upper``: the parameter's bound).

:meth:`Constraint.margin` is ``lhs - rhs`` for ``>``/``>=`` and ``rhs - lhs`` for ``<``/
``<=``: the constraint holds where the margin is positive (or zero, for the non-strict
comparisons). Every parse error names the file, the constraint and the key, on one line.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.article import terms
from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS
from sim.article.parameters import SPEC, FloatArray, Parameters
from sim.claims import LEDGER_PATH
from sim.errors import HedgesimError

OPERATORS: dict[type[ast.cmpop], tuple[str, int, bool]] = {
    ast.Gt: (">", 1, True),
    ast.GtE: (">=", 1, False),
    ast.Lt: ("<", -1, True),
    ast.LtE: ("<=", -1, False),
}


#: A stage payoff a constraint reads: ``(player index, profile of action indices)``.
Cell = tuple[int, tuple[int, ...]]


class LedgerError(HedgesimError):
    """The constraints section of the ledger is malformed (one line: file, id, key)."""


@dataclass(frozen=True)
class State:
    """Where a constraint's payoffs are read: beliefs (``None``: the prior) and parameters
    replaced (a number, or ``"lower"`` / ``"upper"``)."""

    beliefs: tuple[tuple[str, float | None], ...] = tuple((cp, None) for cp in COUNTERPARTS)
    set: tuple[tuple[str, float | str], ...] = ()

    def apply(self, params: Parameters) -> Parameters:
        if not self.set:
            return params
        changes: dict[str, Any] = {}
        for name, value in self.set:
            if isinstance(value, str):
                lo, hi = SPEC[name].bounds
                value = lo if value == "lower" else hi
            changes[name] = value
        return params.replace(**changes)

    def belief_values(self, params: Parameters) -> dict[str, Any]:
        return {
            cp: (getattr(params, f"prior_{cp}") if b is None else b) for cp, b in self.beliefs
        }

    def describe(self) -> str:
        parts = [f"p_{cp}={'prior' if b is None else f'{b:g}'}" for cp, b in self.beliefs]
        parts += [f"{k}={v if isinstance(v, str) else f'{v:g}'}" for k, v in self.set]
        return ", ".join(parts)


@dataclass(frozen=True)
class Constraint:
    """One claim-implied inequality (see the module docstring)."""

    id: str
    claims: tuple[str, ...]
    restatement: str
    holds: str
    state: State = field(default_factory=State)
    fact: str | None = None
    _lhs: ast.expr | None = field(default=None, repr=False, compare=False)
    _rhs: ast.expr | None = field(default=None, repr=False, compare=False)
    _sign: int = field(default=1, repr=False, compare=False)
    strict: bool = True
    #: The stage payoffs the constraint reads, each once (read off the expressions).
    cells: tuple[Cell, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sides = [side for side in (self._lhs, self._rhs) if side is not None]
        object.__setattr__(self, "cells", _cells(*sides))

    @property
    def parameters(self) -> frozenset[str]:
        """The parameter names the constraint reads directly (payoffs read many more)."""
        return frozenset(
            n.id for side in (self._lhs, self._rhs) for n in ast.walk(side)  # type: ignore[arg-type]
            if isinstance(n, ast.Name) and n.id in SPEC
        )

    def margin(self, params: Parameters, cache: dict[State, Any] | None = None) -> FloatArray:
        """``(B,)`` (or a scalar for one calibration): positive where the constraint holds
        strictly. ``cache`` holds, per state, the parameters there and the payoffs already
        read (:meth:`ConstraintLedger.margins` fills it for every constraint at once)."""
        cache = {} if cache is None else cache
        entry = cache.get(self.state)
        if entry is None or any(c not in entry[1] for c in self.cells):
            at, fresh = read_payoffs(params, {self.state: self.cells})[self.state]
            entry = cache[self.state] = (at, {**(entry[1] if entry else {}), **fresh})
        at, known = entry
        lhs = _evaluate(self._lhs, at, known.__getitem__)
        rhs = _evaluate(self._rhs, at, known.__getitem__)
        return np.asarray(self._sign * (lhs - rhs), dtype=np.float64)

    def satisfied(self, params: Parameters,
                  cache: dict[State, Any] | None = None) -> Any:  # fmt: skip
        m = self.margin(params, cache)
        return m > 0 if self.strict else m >= 0


def read_payoffs(params: Parameters, reads: Mapping[State, Sequence[Cell]]
                 ) -> dict[State, tuple[Parameters, dict[Cell, Any]]]:  # fmt: skip
    """Each state's parameters (``params`` with the state's replacements) and the stage payoffs
    ``reads`` names there, each ``(*batch,)`` (capacities at rest, no hazard).

    Only the players and profiles read are evaluated (:func:`sim.article.terms.payoff_cells`,
    to the bits of :func:`sim.article.terms.reference_payoffs`), and the states that read one
    player are evaluated together, their differing parameters and beliefs stacked on a
    leading axis, so each term of each player is evaluated once whatever the states.
    """
    ats = {state: state.apply(params) for state in reads}
    out: dict[State, tuple[Parameters, dict[Cell, Any]]] = {s: (ats[s], {}) for s in reads}
    groups: dict[tuple[State, ...], set[int]] = {}
    for player in range(len(PLAYERS)):
        states = tuple(s for s, cells in reads.items() if any(c[0] == player for c in cells))
        if states:
            groups.setdefault(states, set()).add(player)
    for states, players in groups.items():
        cells = list(dict.fromkeys(c for s in states for c in reads[s] if c[0] in players))
        at, beliefs, stacked = _stack_states(states, [ats[s] for s in states])
        values = terms.payoff_cells(at, terms.RoundData.at_rest(at),
                                    terms.Features(beliefs, 0.0), cells)  # fmt: skip
        if stacked:  # the leading axis is the states' (size 1 where no term read it)
            values = values.reshape((1,) * (stacked + 1 - values.ndim) + values.shape)
        for j, state in enumerate(states):
            mine = values[min(j, len(values) - 1)] if stacked else values
            want = set(reads[state])
            out[state][1].update({c: mine[..., k] for k, c in enumerate(cells) if c in want})
    return out


def _stack_states(states: Sequence[State], ats: Sequence[Parameters]
                  ) -> tuple[Parameters, dict[str, Any], int]:  # fmt: skip
    """One state's parameters and beliefs; or several states' with what differs between them
    stacked on a leading axis, ``(n_states, *batch)``, and the number of those axes (0 when
    nothing differs)."""
    beliefs = [s.belief_values(a) for s, a in zip(states, ats, strict=True)]
    if len(states) == 1:
        return ats[0], beliefs[0], 0
    ndims = []

    def stack(values: list[Any]) -> Any:
        if all(v is values[0] for v in values):
            return values[0]
        if not any(isinstance(v, np.ndarray) and v.ndim for v in values):  # numbers only
            batch_ndim = max((v.ndim for v in ats[0].as_dict().values()
                              if isinstance(v, np.ndarray)), default=0)  # fmt: skip
            out = np.array(values, dtype=np.float64).reshape((-1,) + (1,) * batch_ndim)
        else:
            out = np.stack(np.broadcast_arrays(*values))
        ndims.append(out.ndim)
        return out

    names = sorted({name for s in states for name, _ in s.set})
    at = ats[0].replace(**{n: stack([getattr(a, n) for a in ats]) for n in names}) if names \
        else ats[0]  # fmt: skip
    joint = {cp: stack([b[cp] for b in beliefs]) for cp in beliefs[0]}
    return at, joint, max(ndims, default=0)


def _evaluate(node: Any, params: Parameters, payoff: Callable[[Cell], Any]) -> Any:
    """An expression's value (the grammar of the module docstring); ``payoff`` reads a stage
    payoff ``(player index, profile)``."""
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return np.asarray(getattr(params, node.id), dtype=np.float64)
    if isinstance(node, ast.UnaryOp):
        return -_evaluate(node.operand, params, payoff)
    if isinstance(node, ast.BinOp):
        a = _evaluate(node.left, params, payoff)
        b = _evaluate(node.right, params, payoff)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        return a / b
    # a stage payoff: player[a_syria, a_iran, a_israel, a_gulf]
    return payoff(node._hedgesim_payoff)


def _parse_expression(node: ast.expr, where: str) -> ast.expr:
    """Check ``node`` against the grammar (module docstring); annotate payoffs."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(
        node.value, bool
    ):
        return node
    if isinstance(node, ast.Name):
        if node.id not in SPEC:
            raise LedgerError(f"{where}: unknown parameter {node.id!r}")
        return node
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _parse_expression(node.operand, where)
        return node
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        _parse_expression(node.left, where)
        _parse_expression(node.right, where)
        return node
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        player = node.value.id
        if player not in PLAYERS:
            raise LedgerError(f"{where}: unknown player {player!r}; players are "
                              f"{', '.join(PLAYERS)}")  # fmt: skip
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if len(items) != len(PLAYERS) or not all(isinstance(i, ast.Name) for i in items):
            raise LedgerError(f"{where}: a payoff names one action per player, in the order "
                              f"{', '.join(PLAYERS)}")  # fmt: skip
        profile = []
        for who, item in zip(PLAYERS, items, strict=True):
            action = item.id  # type: ignore[attr-defined]
            if action not in ACTIONS[who]:
                raise LedgerError(f"{where}: {action!r} is not an action of {who} "
                                  f"({', '.join(ACTIONS[who])})")  # fmt: skip
            profile.append(ACTIONS[who].index(action))
        node._hedgesim_payoff = (PLAYERS.index(player), tuple(profile))  # type: ignore[attr-defined]
        return node
    raise LedgerError(f"{where}: unsupported expression {ast.unparse(node)!r} (numbers, "
                      "+ - * /, parameter names and PLAYER[actions] payoffs only)")  # fmt: skip


def _cells(*sides: ast.expr) -> tuple[Cell, ...]:
    """The stage payoffs ``(player index, profile)`` parsed expressions read, each once."""
    read = [n for side in sides for n in ast.walk(side) if hasattr(n, "_hedgesim_payoff")]
    return tuple(dict.fromkeys(n._hedgesim_payoff for n in read))


def _parse_state(raw: Any, where: str) -> State:
    if raw is None:
        return State()
    if not isinstance(raw, Mapping) or set(raw) - {"beliefs", "set"}:
        raise LedgerError(f"{where}.at: expected a mapping with keys beliefs and/or set")
    beliefs = dict.fromkeys(COUNTERPARTS)
    for cp, value in (raw.get("beliefs") or {}).items():
        if cp not in COUNTERPARTS:
            raise LedgerError(f"{where}.at.beliefs: unknown counterpart {cp!r}")
        if value == "prior":
            continue
        if not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise LedgerError(f"{where}.at.beliefs.{cp}: expected prior or a number in [0, 1]")
        beliefs[cp] = float(value)
    changes: list[tuple[str, float | str]] = []
    for name, value in (raw.get("set") or {}).items():
        if name not in SPEC:
            raise LedgerError(f"{where}.at.set: unknown parameter {name!r}")
        if value in ("lower", "upper"):
            changes.append((name, str(value)))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            changes.append((name, float(value)))
        else:
            raise LedgerError(f"{where}.at.set.{name}: expected a number, lower or upper")
    return State(tuple(beliefs.items()), tuple(sorted(changes)))


def parse_constraint(raw: Any, where: str) -> Constraint:
    """One constraint from its ledger mapping (``where`` locates it in errors)."""
    if not isinstance(raw, Mapping):
        raise LedgerError(f"{where}: expected a mapping")
    missing = [k for k in ("id", "claims", "restatement", "holds") if k not in raw]
    if missing:
        raise LedgerError(f"{where}: missing key {missing[0]!r}")
    extra = set(raw) - {"id", "claims", "restatement", "holds", "at", "fact"}
    if extra:
        raise LedgerError(f"{where}: unknown key {sorted(extra)[0]!r}")
    cid = str(raw["id"])
    where = f"{where} ({cid})"
    text = " ".join(str(raw["holds"]).split())
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise LedgerError(f"{where}.holds: not an expression ({exc.msg})") from None
    if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1
            and type(tree.ops[0]) in OPERATORS):  # fmt: skip
        raise LedgerError(f"{where}.holds: expected one comparison (>, >=, <, <=), got {text!r}")
    _, sign, strict = OPERATORS[type(tree.ops[0])]
    lhs = _parse_expression(tree.left, f"{where}.holds")
    rhs = _parse_expression(tree.comparators[0], f"{where}.holds")
    claims = raw["claims"]
    if not isinstance(claims, Sequence) or isinstance(claims, str) or not claims:
        raise LedgerError(f"{where}.claims: expected a non-empty list of claim ids")
    return Constraint(
        id=cid,
        claims=tuple(str(c) for c in claims),
        restatement=" ".join(str(raw["restatement"]).split()),
        holds=text,
        state=_parse_state(raw.get("at"), where),
        fact=None if raw.get("fact") is None else str(raw["fact"]),
        _lhs=lhs,
        _rhs=rhs,
        _sign=sign,
        strict=strict,
    )


@dataclass(frozen=True)
class ConstraintLedger:
    """The constraints and the held parameters of a ledger file."""

    constraints: tuple[Constraint, ...]
    held: tuple[str, ...]
    path: str

    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.constraints)

    def subset(self, ids: Sequence[str]) -> ConstraintLedger:
        keep = set(ids)
        return replace(self, constraints=tuple(c for c in self.constraints if c.id in keep))

    def without(self, cid: str) -> ConstraintLedger:
        return self.subset([c for c in self.ids() if c != cid])

    def margins(self, params: Parameters) -> FloatArray:
        """``(B, K)``: each calibration's margin on each constraint (the payoffs read at a
        state evaluated once for every constraint: :func:`read_payoffs`)."""
        cache: dict[State, Any] = read_payoffs(params, self._cells)
        return _stack([c.margin(params, cache) for c in self.constraints])

    def reference_margins(self, params: Parameters) -> FloatArray:
        """:meth:`margins` the straightforward way: each constraint's state's whole stage
        game by :func:`sim.article.terms.reference_payoffs`, read where the constraint
        reads it (what the tests and ``benchmarks/bench_analyze.py`` compare against)."""
        cols, games = [], {}
        for c in self.constraints:
            at = c.state.apply(params)
            if c.state not in games:  # once per state
                games[c.state] = terms.reference_payoffs(
                    at, terms.RoundData.at_rest(at), c.state.belief_values(at), 0.0)

            def payoff(cell: Cell, u: Any = games[c.state]) -> Any:
                return u[(..., cell[0], *cell[1])]

            lhs, rhs = _evaluate(c._lhs, at, payoff), _evaluate(c._rhs, at, payoff)
            cols.append(np.asarray(c._sign * (lhs - rhs), dtype=np.float64))
        return _stack(cols)

    @functools.cached_property
    def _cells(self) -> dict[State, list[Cell]]:
        """Each state's payoffs read by some constraint, each once."""
        out: dict[State, dict[Cell, None]] = {}
        for c in self.constraints:
            out.setdefault(c.state, {}).update(dict.fromkeys(c.cells))
        return {state: list(cells) for state, cells in out.items()}

    @functools.cached_property
    def stages(self) -> tuple[tuple[np.ndarray, ConstraintLedger], ...]:
        """The constraints in two stages for a check that drops a point at its first failed
        stage (:func:`sim.calibrate.sampler.check_sets`): those that read no stage payoff
        (parameters only: cheap), then the rest; each stage its columns in :meth:`ids`
        order and its own ledger (:meth:`subset`). One stage when either part is empty. A
        point's margins do not depend on the other constraints or points checked with it
        (:func:`read_payoffs` evaluates each cell alone), so each stage's verdicts are the
        whole ledger's, column for column."""
        cheap = np.array([not c.cells for c in self.constraints], dtype=bool)
        parts = [np.flatnonzero(cheap), np.flatnonzero(~cheap)]
        if not all(len(p) for p in parts):
            return ((np.arange(len(self.constraints)), self),)
        ids = self.ids()
        return tuple((p, self.subset([ids[k] for k in p])) for p in parts)

    @functools.cached_property
    def parameters_read(self) -> frozenset[str] | None:
        """Every parameter the constraints read when none reads a stage payoff (a check of
        them needs no other: :meth:`sim.calibrate.sampler.Space.params`); ``None`` when one
        does (payoffs read many)."""
        if any(c.cells for c in self.constraints):
            return None
        return frozenset().union(*(c.parameters for c in self.constraints))

    def satisfied(self, params: Parameters) -> np.ndarray:
        """``(B, K)`` booleans: which constraints each calibration satisfies."""
        m = self.margins(params)
        strict = np.array([c.strict for c in self.constraints], dtype=bool)
        return np.where(strict, m > 0, m >= 0)


def _stack(cols: list[Any]) -> FloatArray:
    """``(B, K)`` from K margins, each ``(B,)`` or a scalar."""
    size = max((np.size(c) for c in cols), default=1)
    out = np.empty((size, len(cols)))
    for k, c in enumerate(cols):
        out[:, k] = c
    return out


def load_constraints(path: str | Path = LEDGER_PATH) -> ConstraintLedger:
    """Read and check the ``constraints:`` and ``held:`` sections of a ledger."""
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LedgerError(f"{where}: cannot read the ledger ({' '.join(str(exc).split())})"
                          ) from None  # fmt: skip
    if not isinstance(data, Mapping) or not isinstance(data.get("constraints"), list):
        raise LedgerError(f"{where}: constraints: expected a list of constraints")
    known = {str(c.get("id")) for c in data.get("claims") or [] if isinstance(c, Mapping)}
    constraints = []
    for k, raw in enumerate(data["constraints"]):
        c = parse_constraint(raw, f"{where}: constraints[{k}]")
        unknown = [x for x in c.claims if known and x not in known]
        if unknown:
            raise LedgerError(f"{where}: constraints[{k}] ({c.id}).claims: unknown claim "
                              f"{unknown[0]!r}")  # fmt: skip
        constraints.append(c)
    # one State object per distinct state: the checks key their payoffs by state, and a key
    # that is the same object needs no comparison
    states: dict[State, State] = {}
    constraints = [replace(c, state=states.setdefault(c.state, c.state)) for c in constraints]
    ids = [c.id for c in constraints]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise LedgerError(f"{where}: constraints: id {dup[0]!r} is used twice")
    held = []
    for k, item in enumerate(data.get("held") or []):
        name = item.get("name") if isinstance(item, Mapping) else None
        if name not in SPEC or not str(item.get("reason", "")).strip():
            raise LedgerError(f"{where}: held[{k}]: expected a parameter name and a reason")
        held.append(str(name))
    return ConstraintLedger(tuple(constraints), tuple(held), where)
