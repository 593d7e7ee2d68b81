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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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

    @property
    def parameters(self) -> frozenset[str]:
        """The parameter names the constraint reads directly (payoffs read many more)."""
        return frozenset(
            n.id for side in (self._lhs, self._rhs) for n in ast.walk(side)  # type: ignore[arg-type]
            if isinstance(n, ast.Name) and n.id in SPEC
        )

    def margin(self, params: Parameters, cache: dict[State, Any] | None = None) -> FloatArray:
        """``(B,)`` (or a scalar for one calibration): positive where the constraint holds
        strictly."""
        cache = {} if cache is None else cache
        at = self.state.apply(params)
        lhs = _evaluate(self._lhs, at, self.state, cache)
        rhs = _evaluate(self._rhs, at, self.state, cache)
        return np.asarray(self._sign * (lhs - rhs), dtype=np.float64)

    def satisfied(self, params: Parameters, cache: dict[State, Any] | None = None) -> Any:
        m = self.margin(params, cache)
        return m > 0 if self.strict else m >= 0


def _payoffs(params: Parameters, state: State, cache: dict[State, Any]) -> FloatArray:
    """``(*batch, n_players, *SHAPE)``: the stage payoffs at ``state`` (cached per state)."""
    if state not in cache:
        rnd = terms.RoundData.at_rest(params)
        cache[state] = terms.reference_payoffs(params, rnd, state.belief_values(params), 0.0)
    return np.asarray(cache[state])


def _evaluate(node: Any, params: Parameters, state: State, cache: dict[State, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return np.asarray(getattr(params, node.id), dtype=np.float64)
    if isinstance(node, ast.UnaryOp):
        return -_evaluate(node.operand, params, state, cache)
    if isinstance(node, ast.BinOp):
        a = _evaluate(node.left, params, state, cache)
        b = _evaluate(node.right, params, state, cache)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        return a / b
    # a stage payoff: player[a_syria, a_iran, a_israel, a_gulf]
    player, profile = node._hedgesim_payoff
    u = _payoffs(params, state, cache)
    return u[(..., player, *profile)]


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
        return ConstraintLedger(tuple(c for c in self.constraints if c.id in keep),
                                self.held, self.path)  # fmt: skip

    def without(self, cid: str) -> ConstraintLedger:
        return self.subset([c for c in self.ids() if c != cid])

    def margins(self, params: Parameters) -> FloatArray:
        """``(B, K)``: each calibration's margin on each constraint."""
        cache: dict[State, Any] = {}
        cols = [np.atleast_1d(c.margin(params, cache)) for c in self.constraints]
        size = max((len(c) for c in cols), default=1)
        if not cols:
            return np.zeros((size, 0))
        return np.stack([np.broadcast_to(c, (size,)) for c in cols], axis=1)

    def satisfied(self, params: Parameters) -> np.ndarray:
        """``(B, K)`` booleans: which constraints each calibration satisfies."""
        m = self.margins(params)
        strict = np.array([c.strict for c in self.constraints], dtype=bool)
        return np.where(strict, m > 0, m >= 0)


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
