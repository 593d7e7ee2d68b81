"""The article's stage game: four players, claim-tagged payoff terms.

Every payoff is a sum of named :class:`Term` s. Each term belongs to one player,
carries the ids of the claims it encodes (``seeds/claims.yaml``) and is a pure
function of the parameters and the counterparts' tolerances, evaluated on the
whole grid of joint profiles at once. So any payoff can be decomposed
(:func:`decompose`) and the same code builds one game or a batch of games
(parameters given as arrays of shape ``(batch,)``).

Units: every payoff parameter is in *payoff units per round*, the value of a
round's flow to the player that receives it; one unit is roughly the regime's
value of one round of the Gulf/Western incentives at their baseline level
divided by three. Shares are fractions in [0, 1]. Tolerances are in [0, 1].

The model is pure: no I/O, no YAML, no randomness.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.game import NormalFormGame

FloatArray = npt.NDArray[np.float64]
Value = float | FloatArray

SYRIA, IRAN, ISRAEL, GULF = "syria", "iran", "israel", "gulf"
PLAYERS: tuple[str, ...] = (SYRIA, IRAN, ISRAEL, GULF)
COUNTERPARTS: tuple[str, ...] = (IRAN, ISRAEL, GULF)
ACTIONS: dict[str, tuple[str, ...]] = {
    SYRIA: ("align", "hedge", "realign"),
    IRAN: ("support", "condition", "withdraw"),
    ISRAEL: ("restrain", "interdict", "escalate"),
    GULF: ("engage", "wait", "isolate"),
}
#: Display names used in figures and reports.
PLAYER_LABELS: dict[str, str] = {
    SYRIA: "Syria",
    IRAN: "Iran",
    ISRAEL: "Israel",
    GULF: "Gulf/West",
}
#: What each counterpart wants from Syria: the Syrian action that lets its tolerance recover.
WISHES: dict[str, str] = {IRAN: "align", ISRAEL: "realign", GULF: "realign"}
#: The Syrian action whose repetition wears the counterparts' tolerance down.
HEDGE = "hedge"
SHAPE = tuple(len(ACTIONS[p]) for p in PLAYERS)


def _value(default: float, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc, "unit": "payoff units per round"})


def _share(default: float, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc, "unit": "share"})


@dataclass(frozen=True)
class Parameters:
    """Payoff parameters of the stage game (payoff units per round unless a share).

    Every field accepts a float, or an array of shape ``(batch,)`` to build a batch
    of games at once. Defaults are the baseline calibration: they reproduce facts
    F1-F5 of the model brief (see ``tests/test_model_facts.py``).
    """

    # -- what Syria receives and pays ------------------------------------------
    iran_aid: Value = _value(
        4.0, "Syria's value of a round of Iranian money under full support (claims C10, C13)."
    )
    fuel_supply: Value = _value(
        2.0, "Syria's value of a round of Iranian fuel under full support (C13)."
    )
    condition_share_align: Value = _share(
        0.8, "Share of Iran's aid and fuel a *aligned* Syria still gets when Iran conditions (C10)."
    )
    condition_share_hedge: Value = _share(
        0.2, "Share of Iran's aid and fuel a *hedging* Syria gets when Iran conditions (C10, C18)."
    )
    axis_bonus: Value = _value(
        2.0,
        "Syria's value of the extra Iranian backing (arms, security, more aid) an openly "
        "aligned Syria gets on top of the aid (C10, C09).",
    )
    gulf_incentive: Value = _value(
        3.0, "Syria's value of a round of Gulf/Western incentives to a realigned Syria (C08)."
    )
    hedge_incentive_share: Value = _share(
        0.4, "Share of the incentives a hedging Syria collects without concessions (C14, C12)."
    )
    sanctions: Value = _value(
        1.5, "Cost to Syria of a round of Gulf/Western sanctions and pressure (C08)."
    )
    strike_damage: Value = _value(
        1.5, "Damage to regime-held areas of a round of Israeli strikes on shipments (C06)."
    )
    escalation_damage: Value = _value(
        3.0, "Damage of a round of Israeli strikes on regime assets (C05, C06)."
    )
    escalation_align_factor: Value = _value(
        2.0, "How much worse escalation is against an openly aligned Syria (factor, C05)."
    )
    war_cost: Value = _value(
        4.0, "Cost of joining the axis' retaliation: direct war with Israel (C05)."
    )
    abandonment_risk: Value = _value(
        4.0, "Cost of breaking with Tehran without Iranian or external support (C13)."
    )
    engagement_protection: Value = _share(
        0.5,
        "Share of the abandonment risk that Gulf/Western engagement offsets (C13).",
    )
    illicit_rents: Value = _value(
        1.0, "Trafficking and transit rents, kept while Syria does not enforce (C16, C17)."
    )
    shipment_limit_signal: Value = _share(
        0.0,
        "Whether (1) or not (0) a hedging Syria signals a limit on shipments it does not "
        "enforce; fractions mean a partial or half-believed signal (C15, C16).",
    )
    signal_incentive_share: Value = _share(
        0.1, "Extra share of the incentives such a signal buys while the Gulf engages (C15)."
    )
    signal_exposure_cost: Value = _value(
        2.0,
        "Cost of the signal once exposed, scaled by how much tolerance the Gulf has lost (C15).",
    )
    # -- Iran -------------------------------------------------------------------
    corridor_value: Value = _value(
        6.0, "Iran's value of the corridor and the axis' unity with an aligned Syria (C09, C07)."
    )
    hedge_corridor_share: Value = _share(
        0.8, "Share of that value a hedging Syria still delivers (C11, C16)."
    )
    condition_corridor_share: Value = _share(
        0.5, "Share of the corridor Iran keeps when it only conditions its aid (C10)."
    )
    aid_cost: Value = _value(2.5, "Iran's cost of a round of full aid and fuel (C10).")
    axis_bonus_cost: Value = _value(
        1.0, "Iran's cost of the extra backing it gives an openly aligned Syria (C09)."
    )
    axis_credibility: Value = _value(
        1.0, "Iran's value of punishing a defector by withdrawing (axis credibility, C09)."
    )
    iran_grievance: Value = _value(
        1.0, "Iran's grievance at supporting a hedger once its tolerance is gone (C19, C11)."
    )
    # -- Israel -----------------------------------------------------------------
    supply_line_threat: Value = _value(
        5.0, "Israel's cost of a round of arms flowing to Hezbollah through Syria (C07)."
    )
    interdiction_effect: Value = _share(
        0.6, "Share of the flow interdiction strikes stop (C06, C07)."
    )
    escalation_effect: Value = _share(0.8, "Share of the flow escalation stops (C06).")
    strike_cost: Value = _value(1.0, "Israel's cost of a round of interdiction strikes (C06).")
    escalation_cost: Value = _value(
        3.0, "Israel's cost of a round of escalation against the regime (C05)."
    )
    deterrence_value: Value = _value(
        0.5, "Israel's value of deterring an aligned Syria that joined the war (C05)."
    )
    israel_grievance: Value = _value(
        2.0, "Israel's grievance at sparing a hedger's regime once its tolerance is gone (C19)."
    )
    # -- Gulf/West --------------------------------------------------------------
    pull_value: Value = _value(8.0, "Gulf/West value of pulling Syria out of Iran's camp (C08).")
    hedge_pull_share: Value = _share(
        0.5, "Share of that value a hedging Syria's distancing delivers (C12, C14)."
    )
    trafficking_curb_value: Value = _value(
        0.5,
        "Gulf/West value of engaging a hedger to curb trafficking "
        "(the regime's own argument, C17).",
    )
    incentive_cost_share: Value = _share(
        0.5,
        "What the incentives cost the Gulf/West per unit of their value to Syria: sanctions "
        "relief and normalisation cost the giver less than they are worth to the regime (C08).",
    )
    isolation_value: Value = _value(
        1.5, "Gulf/West political value of isolating an openly aligned Syria (C08)."
    )
    isolation_cost: Value = _value(0.5, "Gulf/West cost of a round of sanctions enforcement (C08).")
    gulf_grievance: Value = _value(
        6.5, "Gulf/West grievance at paying a hedger once its tolerance is gone (C19, C18)."
    )

    def replace(self, **changes: Any) -> Parameters:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Value]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_FIELDS = {f.name: f for f in fields(Parameters)}
PARAMETER_NAMES: tuple[str, ...] = tuple(_FIELDS)


def parameter_doc(name: str) -> str:
    """The documentation of a parameter: what it means, with its claims."""
    return str(_FIELDS[name].metadata["doc"])


def is_share(name: str) -> bool:
    """Whether a parameter is a share in [0, 1] (otherwise a non-negative value)."""
    return _FIELDS[name].metadata["unit"] == "share"


# -- the grid of joint profiles ------------------------------------------------
def _axis(player: str, action: str) -> FloatArray:
    """Indicator of ``player`` playing ``action``, shaped to broadcast on the grid."""
    k = PLAYERS.index(player)
    v = np.zeros(SHAPE[k])
    v[ACTIONS[player].index(action)] = 1.0
    shape = [1] * len(PLAYERS)
    shape[k] = SHAPE[k]
    return v.reshape(shape)


def _coef(value: Value) -> FloatArray:
    """A parameter as an array that broadcasts against the (batch, *grid) axes."""
    arr = np.asarray(value, dtype=np.float64)
    return arr.reshape(arr.shape + (1,) * len(PLAYERS))


def _tol(tolerance: Mapping[str, Value], player: str) -> FloatArray:
    return _coef(tolerance.get(player, 1.0))


S = {a: _axis(SYRIA, a) for a in ACTIONS[SYRIA]}
I = {a: _axis(IRAN, a) for a in ACTIONS[IRAN]}  # noqa: E741
L = {a: _axis(ISRAEL, a) for a in ACTIONS[ISRAEL]}
G = {a: _axis(GULF, a) for a in ACTIONS[GULF]}


def aid_share(p: Parameters) -> FloatArray:
    """Share of Iran's aid and fuel Syria receives, on the grid (Iran x Syria)."""
    return np.asarray(
        I["support"] * (S["align"] + S["hedge"])
        + I["condition"]
        * (
            _coef(p.condition_share_align) * S["align"]
            + _coef(p.condition_share_hedge) * S["hedge"]
        ),
        dtype=np.float64,
    )


def incentive_share(p: Parameters) -> FloatArray:
    """Share of the Gulf/Western incentives Syria receives, on the grid (Gulf x Syria)."""
    hedge_share = _coef(p.hedge_incentive_share) + _coef(p.shipment_limit_signal) * _coef(
        p.signal_incentive_share
    )
    return np.asarray(G["engage"] * (S["realign"] + hedge_share * S["hedge"]), dtype=np.float64)


def axis_backing() -> FloatArray:
    """Whether Iran gives the extra backing of an open ally: to an aligned Syria it does
    not abandon (support or condition)."""
    return np.asarray(S["align"] * (I["support"] + I["condition"]), dtype=np.float64)


def shipment_flow() -> FloatArray:
    """Whether arms shipments flow: under align, and under hedge (non-enforcement)."""
    return np.asarray(S["align"] + S["hedge"], dtype=np.float64)


# -- the terms ------------------------------------------------------------------
TermFn = Callable[[Parameters, Mapping[str, Value]], Any]


@dataclass(frozen=True)
class Term:
    """One named, claim-tagged payoff term of one player."""

    name: str
    player: str
    claims: tuple[str, ...]
    description: str
    fn: TermFn

    def grid(self, params: Parameters, tolerance: Mapping[str, Value]) -> FloatArray:
        """The term's value on the whole grid, shape ``(*batch, *SHAPE)``."""
        batch = np.broadcast_shapes(
            *(np.shape(v) for v in params.as_dict().values()),
            *(np.shape(v) for v in tolerance.values()),
        )
        value = np.asarray(self.fn(params, tolerance), dtype=np.float64)
        return np.broadcast_to(value, batch + SHAPE)


def _term(name: str, player: str, claims: str, description: str) -> Callable[[TermFn], Term]:
    def wrap(fn: TermFn) -> Term:
        return Term(name, player, tuple(sorted(claims.split())), description, fn)

    return wrap


@_term(
    "iranian_aid",
    SYRIA,
    "C10 C13 C04",
    "Iranian money: full under support, a share "
    "under condition (mostly for alignment), none to a Syria that realigns",
)
def _syria_aid(p: Parameters, t: Mapping[str, Value]) -> Any:
    return _coef(p.iran_aid) * aid_share(p)


@_term("iranian_fuel", SYRIA, "C13", "Iranian fuel, paid on the same terms as the aid")
def _syria_fuel(p: Parameters, t: Mapping[str, Value]) -> Any:
    return _coef(p.fuel_supply) * aid_share(p)


@_term(
    "axis_backing",
    SYRIA,
    "C09 C10",
    "Extra Iranian backing for an openly aligned Syria: arms, security, more aid",
)
def _syria_backing(p: Parameters, t: Mapping[str, Value]) -> Any:
    return _coef(p.axis_bonus) * axis_backing()


@_term(
    "gulf_incentive",
    SYRIA,
    "C08 C14 C15 C03 C04 C12",
    "Gulf/Western aid, normalisation and relief: "
    "all of it to a realigned Syria, a share to a hedger, none to an aligned one",
)
def _syria_incentive(p: Parameters, t: Mapping[str, Value]) -> Any:
    return _coef(p.gulf_incentive) * incentive_share(p)


@_term("sanctions", SYRIA, "C08", "Sanctions and pressure while the Gulf/West isolates")
def _syria_sanctions(p: Parameters, t: Mapping[str, Value]) -> Any:
    return -_coef(p.sanctions) * G["isolate"]


@_term(
    "interdiction_strikes",
    SYRIA,
    "C06 C16",
    "Israeli strikes on shipments hit regime areas "
    "whenever shipments flow (align, and hedge by non-enforcement), whatever Syria says",
)
def _syria_strikes(p: Parameters, t: Mapping[str, Value]) -> Any:
    return -_coef(p.strike_damage) * L["interdict"] * shipment_flow()


@_term(
    "escalation_strikes",
    SYRIA,
    "C05 C06",
    "Israeli strikes on regime assets, worst against an openly aligned Syria",
)
def _syria_escalation(p: Parameters, t: Mapping[str, Value]) -> Any:
    factor = 1.0 + (_coef(p.escalation_align_factor) - 1.0) * S["align"]
    return -_coef(p.escalation_damage) * L["escalate"] * factor


@_term(
    "war_cost",
    SYRIA,
    "C05",
    "Joining the axis' retaliation invites direct war with Israel (survival pragmatism)",
)
def _syria_war(p: Parameters, t: Mapping[str, Value]) -> Any:
    return -_coef(p.war_cost) * S["align"]


@_term(
    "abandonment_risk",
    SYRIA,
    "C13",
    "Breaking with Tehran leaves the regime without Iranian money, fuel or protection; "
    "only Gulf/Western engagement offsets part of that risk",
)
def _syria_abandonment(p: Parameters, t: Mapping[str, Value]) -> Any:
    exposed = 1.0 - _coef(p.engagement_protection) * G["engage"]
    return -_coef(p.abandonment_risk) * S["realign"] * exposed


@_term(
    "illicit_rents",
    SYRIA,
    "C16 C17",
    "Trafficking and transit rents, kept while the regime does not enforce",
)
def _syria_rents(p: Parameters, t: Mapping[str, Value]) -> Any:
    return _coef(p.illicit_rents) * shipment_flow()


@_term(
    "signal_exposure",
    SYRIA,
    "C15 C19",
    "A shipment limit signalled and not enforced costs "
    "once the Gulf/West has lost patience with it",
)
def _syria_exposure(p: Parameters, t: Mapping[str, Value]) -> Any:
    lost = 1.0 - _tol(t, GULF)
    return -_coef(p.shipment_limit_signal) * _coef(p.signal_exposure_cost) * lost * S["hedge"]


@_term(
    "corridor",
    IRAN,
    "C09 C07 C11",
    "The corridor and the axis' unity: full with an aligned "
    "Syria, most of it with a hedger, none after a break; less when Iran only conditions",
)
def _iran_corridor(p: Parameters, t: Mapping[str, Value]) -> Any:
    syria = S["align"] + _coef(p.hedge_corridor_share) * S["hedge"]
    iran = I["support"] + _coef(p.condition_corridor_share) * I["condition"]
    return _coef(p.corridor_value) * syria * iran


@_term("aid_cost", IRAN, "C10", "What Iran's aid and fuel cost it, as far as they are paid")
def _iran_cost(p: Parameters, t: Mapping[str, Value]) -> Any:
    return -_coef(p.aid_cost) * aid_share(p) - _coef(p.axis_bonus_cost) * axis_backing()


@_term(
    "axis_credibility", IRAN, "C09", "Withdrawing from a defector keeps the axis' threat credible"
)
def _iran_credibility(p: Parameters, t: Mapping[str, Value]) -> Any:
    return _coef(p.axis_credibility) * I["withdraw"] * S["realign"]


@_term(
    "iran_patience",
    IRAN,
    "C19 C11",
    "Iran's grievance at fully supporting a hedger, growing as its tolerance wears out",
)
def _iran_patience(p: Parameters, t: Mapping[str, Value]) -> Any:
    return -_coef(p.iran_grievance) * (1.0 - _tol(t, IRAN)) * I["support"] * S["hedge"]


@_term(
    "supply_line",
    ISRAEL,
    "C07 C06",
    "Arms flowing to Hezbollah through Syria, less what strikes stop",
)
def _israel_supply(p: Parameters, t: Mapping[str, Value]) -> Any:
    stopped = (
        _coef(p.interdiction_effect) * L["interdict"] + _coef(p.escalation_effect) * L["escalate"]
    )
    return -_coef(p.supply_line_threat) * shipment_flow() * (1.0 - stopped)


@_term("strike_cost", ISRAEL, "C06 C05", "The cost and risk of striking in Syria")
def _israel_cost(p: Parameters, t: Mapping[str, Value]) -> Any:
    return -_coef(p.strike_cost) * L["interdict"] - _coef(p.escalation_cost) * L["escalate"]


@_term("deterrence", ISRAEL, "C05", "Escalating against a Syria that joined the war deters it")
def _israel_deterrence(p: Parameters, t: Mapping[str, Value]) -> Any:
    return _coef(p.deterrence_value) * L["escalate"] * S["align"]


@_term(
    "israel_patience",
    ISRAEL,
    "C19 C16",
    "Israel's grievance at sparing the regime of a "
    "hedger that lets shipments pass, growing as its tolerance wears out",
)
def _israel_patience(p: Parameters, t: Mapping[str, Value]) -> Any:
    spared = L["restrain"] + L["interdict"]
    return -_coef(p.israel_grievance) * (1.0 - _tol(t, ISRAEL)) * spared * S["hedge"]


@_term(
    "pull_from_iran",
    GULF,
    "C08 C12 C14",
    "Pulling Syria out of Iran's camp: all of it by a "
    "realignment, a share by a hedger's distancing, while engaging",
)
def _gulf_pull(p: Parameters, t: Mapping[str, Value]) -> Any:
    return (
        _coef(p.pull_value) * G["engage"] * (S["realign"] + _coef(p.hedge_pull_share) * S["hedge"])
    )


@_term(
    "trafficking_curb",
    GULF,
    "C17",
    "The regime's argument that only its empowerment curbs "
    "trafficking makes engaging a hedger worth more",
)
def _gulf_trafficking(p: Parameters, t: Mapping[str, Value]) -> Any:
    return _coef(p.trafficking_curb_value) * G["engage"] * S["hedge"]


@_term("incentive_cost", GULF, "C08 C14", "What the incentives cost, as far as they are paid")
def _gulf_cost(p: Parameters, t: Mapping[str, Value]) -> Any:
    return -_coef(p.incentive_cost_share) * _coef(p.gulf_incentive) * incentive_share(p)


@_term(
    "isolation",
    GULF,
    "C08",
    "Isolating an aligned Syria pays politically; sanctions cost to enforce",
)
def _gulf_isolation(p: Parameters, t: Mapping[str, Value]) -> Any:
    return G["isolate"] * (_coef(p.isolation_value) * S["align"] - _coef(p.isolation_cost))


@_term(
    "gulf_patience",
    GULF,
    "C19 C18",
    "The Gulf/West's grievance at paying a hedger that "
    "concedes nothing, growing as its tolerance wears out",
)
def _gulf_patience(p: Parameters, t: Mapping[str, Value]) -> Any:
    return -_coef(p.gulf_grievance) * (1.0 - _tol(t, GULF)) * G["engage"] * S["hedge"]


TERMS: tuple[Term, ...] = (
    _syria_aid, _syria_fuel, _syria_backing, _syria_incentive, _syria_sanctions, _syria_strikes,
    _syria_escalation, _syria_war, _syria_abandonment, _syria_rents, _syria_exposure,
    _iran_corridor, _iran_cost, _iran_credibility, _iran_patience,
    _israel_supply, _israel_cost, _israel_deterrence, _israel_patience,
    _gulf_pull, _gulf_trafficking, _gulf_cost, _gulf_isolation, _gulf_patience,
)  # fmt: skip


def terms_of(player: str) -> tuple[Term, ...]:
    return tuple(t for t in TERMS if t.player == player)


# -- building games ----------------------------------------------------------------
def stage_payoffs(params: Parameters, tolerance: Mapping[str, Value] | None = None) -> FloatArray:
    """Payoff array of the stage game(s): shape ``(*batch, n_players, *SHAPE)``.

    ``tolerance`` maps counterpart names to tolerances in [0, 1] (missing: 1.0);
    values may be arrays of shape ``(batch,)``.
    """
    tol = dict(tolerance or {})
    per_player = []
    for player in PLAYERS:
        total: Any = 0.0
        for term in terms_of(player):
            total = total + term.grid(params, tol)
        per_player.append(np.asarray(total, dtype=np.float64))
    batch = np.broadcast_shapes(*(a.shape for a in per_player))
    return np.stack([np.broadcast_to(a, batch) for a in per_player], axis=-len(PLAYERS) - 1)


def stage_game(params: Parameters, tolerance: Mapping[str, float] | None = None) -> NormalFormGame:
    """The four-player stage game at the given tolerances."""
    payoffs = stage_payoffs(params, tolerance)
    if payoffs.ndim != len(PLAYERS) + 1:
        raise ValueError("stage_game builds one game; use stage_payoffs for a batch")
    return NormalFormGame(
        payoffs,
        PLAYERS,
        tuple(ACTIONS[p] for p in PLAYERS),
        title="hedgesim stage game",
    )


@dataclass(frozen=True)
class TermValue:
    """One term's contribution to one player's payoff at a profile."""

    name: str
    claims: tuple[str, ...]
    description: str
    value: float


def decompose(
    params: Parameters,
    tolerance: Mapping[str, float] | None,
    player: str,
    profile: tuple[Any, ...],
) -> tuple[TermValue, ...]:
    """Each term of ``player``'s expected payoff at a pure or mixed ``profile``.

    ``profile`` holds one entry per player: an action index or a probability vector.
    The values sum to the player's payoff in :func:`stage_game` at that profile.
    """
    game = stage_game(params, tolerance)
    mixed = game.as_mixed(profile)
    out = []
    for term in terms_of(player):
        grid = term.grid(params, dict(tolerance or {}))
        value = grid
        for j in reversed(range(len(PLAYERS))):
            value = np.tensordot(value, mixed[j], axes=([j], [0]))
        out.append(TermValue(term.name, term.claims, term.description, float(value)))
    return tuple(out)
