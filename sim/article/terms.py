"""Claim-tagged payoff terms of the article's game, and the affine map that builds stage
payoffs from them.

Every payoff is a sum of named :class:`Term` s. A term belongs to one player, lists the
claims it encodes (``seeds/claims.yaml``) and is a pure function of the parameters, the
round's exogenous data (:class:`RoundData`: the patrons' capacities, which cap delivered
support) and the state's *features*: the counterparts' beliefs ``p_j`` and the round's
collapse hazard. It is evaluated on the whole grid of joint profiles at once.

Every term is affine in the features, so a stage payoff is one affine map
(:func:`coefficients`, :func:`stage_payoffs`)::

    u[x, i, a] = A[i, a] + sum_j B_j[i, a] * p_j(x) + H[i, a] * h(x, a)

with ``A``, ``B_j``, ``H`` read off the terms once per round by evaluating them at the
basis points of the features. :func:`reference_payoffs` is the term-by-term sum the tests
compare the map against; :func:`decompose` splits any payoff into its named terms.

Beliefs enter only where Syria hedges: an open action or compliance speaks for itself,
while what a hedge delivers to counterpart ``j`` depends on whether Syria is an opportunist
against ``j``, which ``j`` does not see. ``j``'s payoff from a hedge is its expected payoff
under its belief ``p_j``: ``(1 - p_j) * (what a loyal hedger delivers) + p_j * (what an
opportunist delivers)``.

Delivered support is ``d_j = min(w_j, c_j)``: a patron's action sets its willingness
``w_j``, its capacity ``c_j`` (round data) caps what arrives. Aid, fuel, backing and the
patron's cost use ``d_j``; protection enters through the hazard (:mod:`sim.article.capacity`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.article.actors import ACTIONS, COUNTERPARTS, GULF, IRAN, ISRAEL, PLAYERS, SHAPE, SYRIA
from sim.article.parameters import FloatArray, Parameters, Value

#: The features a stage payoff is affine in, in the order of :class:`PayoffCoefficients`.
N_AXES = len(PLAYERS)


@dataclass(frozen=True)
class RoundData:
    """A round's exogenous data: the threat and the patrons' capacities.

    Each field is a float or an array of shape ``(batch,)``.
    """

    threat: Value
    capacity_iran: Value
    capacity_russia: Value

    @classmethod
    def at_rest(cls, params: Parameters) -> RoundData:
        """The round data of a round without shocks: the parameters' resting values."""
        return cls(params.threat, params.capacity_iran, params.capacity_russia)


@dataclass(frozen=True)
class Features:
    """The state's features a term reads: beliefs and the hazard on the profile grid.

    ``beliefs`` maps each counterpart to ``p_j`` (a float or an array that broadcasts
    against ``(*batch, *SHAPE)`` after :func:`coef`); ``hazard`` is the round's collapse
    probability per profile, shape ``(*batch, *SHAPE)`` or a float.
    """

    beliefs: Mapping[str, Value]
    hazard: Value


# -- the grid of joint profiles ---------------------------------------------------------------
def _axis(player: str, action: str) -> FloatArray:
    k = PLAYERS.index(player)
    v = np.zeros(SHAPE[k])
    v[ACTIONS[player].index(action)] = 1.0
    shape = [1] * N_AXES
    shape[k] = SHAPE[k]
    return v.reshape(shape)


S = {a: _axis(SYRIA, a) for a in ACTIONS[SYRIA]}
I = {a: _axis(IRAN, a) for a in ACTIONS[IRAN]}  # noqa: E741
L = {a: _axis(ISRAEL, a) for a in ACTIONS[ISRAEL]}
G = {a: _axis(GULF, a) for a in ACTIONS[GULF]}


def coef(value: Value) -> FloatArray:
    """A parameter (float or ``(batch,)``) shaped to broadcast against ``(batch, *SHAPE)``."""
    arr = np.asarray(value, dtype=np.float64)
    return arr.reshape(arr.shape + (1,) * N_AXES)


def iran_willingness(p: Parameters) -> FloatArray:
    """Share of its aid, fuel and protection Iran is willing to give, per profile: all of it
    to a Syria that aligns or hedges under support, a share under condition (most of it to
    an aligned Syria), none to a Syria that breaks or when Iran withdraws."""
    return np.asarray(
        I["support"] * (S["align"] + S["hedge"])
        + I["condition"]
        * (coef(p.condition_share_align) * S["align"] + coef(p.condition_share_hedge) * S["hedge"]),
        dtype=np.float64,
    )


def delivered_iran(p: Parameters, r: RoundData) -> FloatArray:
    """``d_iran = min(w_iran, c_iran)`` per profile."""
    return np.asarray(np.minimum(iran_willingness(p), coef(r.capacity_iran)), dtype=np.float64)


def delivered_backing(p: Parameters, r: RoundData) -> FloatArray:
    """Iran's extra backing of an open ally it does not abandon, capped by its capacity."""
    willing = S["align"] * (I["support"] + I["condition"])
    return np.asarray(np.minimum(willing, coef(r.capacity_iran)), dtype=np.float64)


def delivered_russia(p: Parameters, r: RoundData) -> FloatArray:
    """``d_russia = min(w_russia, c_russia)`` (Russia is not a player: the same everywhere)."""
    return np.asarray(
        np.minimum(coef(p.russia_willingness), coef(r.capacity_russia)), dtype=np.float64
    )


def incentive_share(p: Parameters) -> FloatArray:
    """Share of the Gulf/Western incentives Syria receives: all of them when it breaks, a
    share (more with a shipment-limit signal) when it hedges, while the Gulf engages."""
    hedge_share = coef(p.hedge_incentive_share) + coef(p.shipment_limit_signal) * coef(
        p.signal_incentive_share
    )
    return np.asarray(G["engage"] * (S["realign"] + hedge_share * S["hedge"]), dtype=np.float64)


def shipments_pass() -> FloatArray:
    """Whether shipments pass, as Syria knows: under align and under hedge (not enforced)."""
    return np.asarray(S["align"] + S["hedge"], dtype=np.float64)


def expected_flow(p: Parameters, p_israel: Value) -> FloatArray:
    """Share of the shipments Israel expects to pass: all of them under align, none under
    realign; under hedge, a loyal (sincerely distancing) Syria's share or all of them from an
    opportunist, weighted by Israel's belief."""
    loyal = coef(p.loyal_flow_share)
    hedge = loyal + (1.0 - loyal) * coef(p_israel)
    return np.asarray(S["align"] + hedge * S["hedge"], dtype=np.float64)


def money_received(p: Parameters, r: RoundData) -> FloatArray:
    """Money and fuel Syria receives per profile, as delivered (what funds its forces)."""
    return np.asarray(
        (coef(p.iran_aid) + coef(p.fuel_supply)) * delivered_iran(p, r)
        + coef(p.gulf_incentive) * incentive_share(p),
        dtype=np.float64,
    )


# -- the terms ----------------------------------------------------------------------------------
TermFn = Callable[[Parameters, RoundData, Features], Any]


@dataclass(frozen=True)
class Term:
    """One named, claim-tagged payoff term of one player."""

    name: str
    player: str
    claims: tuple[str, ...]
    description: str
    fn: TermFn

    def grid(self, params: Parameters, rnd: RoundData, feats: Features,
             batch: tuple[int, ...] | None = None) -> FloatArray:  # fmt: skip
        """The term's value on the profile grid, shape ``(*batch, *SHAPE)`` (``batch``: the
        inputs' batch shape when the caller has it already)."""
        value = np.asarray(self.fn(params, rnd, feats), dtype=np.float64)
        if batch is None:
            batch = _batch_shape(params, rnd, feats)
        return np.broadcast_to(value, batch + SHAPE)


def _batch_shape(params: Parameters, rnd: RoundData, feats: Features) -> tuple[int, ...]:
    shapes = [np.shape(v) for v in params.as_dict().values()]
    shapes += [np.shape(v) for v in (rnd.threat, rnd.capacity_iran, rnd.capacity_russia)]
    shapes += [np.shape(v) for v in feats.beliefs.values()]
    hz = np.shape(feats.hazard)
    shapes.append(hz[: len(hz) - N_AXES] if len(hz) >= N_AXES else hz)
    return tuple(np.broadcast_shapes(*shapes))


def _term(name: str, player: str, claims: str, description: str) -> Callable[[TermFn], Term]:
    def wrap(fn: TermFn) -> Term:
        return Term(name, player, tuple(sorted(claims.split())), description, fn)

    return wrap


def _belief(f: Features, cp: str) -> FloatArray:
    return coef(f.beliefs.get(cp, 0.0))


@_term("iranian_aid", SYRIA, "C04 C10 C13",
       "Iranian money as delivered: min(willingness, Iran's capacity); none to a Syria that "
       "breaks")  # fmt: skip
def _syria_aid(p: Parameters, r: RoundData, f: Features) -> Any:
    return coef(p.iran_aid) * delivered_iran(p, r)


@_term("iranian_fuel", SYRIA, "C13", "Iranian fuel, delivered on the same terms as the aid")
def _syria_fuel(p: Parameters, r: RoundData, f: Features) -> Any:
    return coef(p.fuel_supply) * delivered_iran(p, r)


@_term("axis_backing", SYRIA, "C09 C10",
       "Extra Iranian backing for an open ally Iran does not abandon, as far as Iran can "
       "deliver it")  # fmt: skip
def _syria_backing(p: Parameters, r: RoundData, f: Features) -> Any:
    return coef(p.axis_bonus) * delivered_backing(p, r)


@_term("gulf_incentive", SYRIA, "C03 C04 C08 C12 C14 C15",
       "Gulf/Western aid, normalisation and relief: all of it to a Syria that breaks, a share "
       "to a hedger, none to an open ally")  # fmt: skip
def _syria_incentive(p: Parameters, r: RoundData, f: Features) -> Any:
    return coef(p.gulf_incentive) * incentive_share(p)


@_term("sanctions", SYRIA, "C08", "Sanctions and pressure while the Gulf/West isolates")
def _syria_sanctions(p: Parameters, r: RoundData, f: Features) -> Any:
    return -coef(p.sanctions) * G["isolate"]


@_term("interdiction_strikes", SYRIA, "C06 C16",
       "Israeli strikes on shipments hit regime areas whenever shipments pass (align, and "
       "hedge by non-enforcement), whatever Syria says")  # fmt: skip
def _syria_strikes(p: Parameters, r: RoundData, f: Features) -> Any:
    return -coef(p.strike_damage) * L["interdict"] * shipments_pass()


@_term("escalation_strikes", SYRIA, "C05 C06",
       "Israeli strikes on regime assets, worse against an open ally")  # fmt: skip
def _syria_escalation(p: Parameters, r: RoundData, f: Features) -> Any:
    factor = 1.0 + (coef(p.escalation_align_factor) - 1.0) * S["align"]
    return -coef(p.escalation_damage) * L["escalate"] * factor


@_term(
    "war_cost",
    SYRIA,
    "C05",
    "Joining the axis' retaliation brings direct war with Israel (survival pragmatism)",
)
def _syria_war(p: Parameters, r: RoundData, f: Features) -> Any:
    return -coef(p.war_cost) * S["align"]


@_term("abandonment_risk", SYRIA, "C13",
       "Breaking with Tehran exposes the regime; Gulf/Western engagement covers part of the "
       "risk")  # fmt: skip
def _syria_abandonment(p: Parameters, r: RoundData, f: Features) -> Any:
    exposed = 1.0 - coef(p.engagement_protection) * G["engage"]
    return -coef(p.abandonment_risk) * S["realign"] * exposed


@_term(
    "illicit_rents",
    SYRIA,
    "C16 C17",
    "Trafficking and transit rents, kept while the regime does not enforce",
)
def _syria_rents(p: Parameters, r: RoundData, f: Features) -> Any:
    return coef(p.illicit_rents) * shipments_pass()


@_term("signal_exposure", SYRIA, "C15 C19",
       "A shipment limit signalled and not enforced costs in proportion to the Gulf's belief "
       "that Syria deceives it")  # fmt: skip
def _syria_exposure(p: Parameters, r: RoundData, f: Features) -> Any:
    cost = coef(p.shipment_limit_signal) * coef(p.signal_exposure_cost)
    return -cost * _belief(f, GULF) * S["hedge"]


@_term("collapse", SYRIA, "C05 C10",
       "The regime's loss when it collapses (hazard times the collapse cost); its survival is "
       "what drives it and what Iran's money buys")  # fmt: skip
def _syria_collapse(p: Parameters, r: RoundData, f: Features) -> Any:
    return -coef(p.collapse_cost) * np.asarray(f.hazard, dtype=np.float64)


@_term("corridor", IRAN, "C07 C09 C11 C15 C16",
       "The corridor and the axis' unity: full with an open ally, none after a break; from a "
       "hedger, what a loyal one delivers or what an opportunist does, weighted by Iran's "
       "belief; less when Iran only conditions")  # fmt: skip
def _iran_corridor(p: Parameters, r: RoundData, f: Features) -> Any:
    belief = _belief(f, IRAN)
    hedge = (1.0 - belief) * coef(p.hedge_corridor_share) + belief * coef(
        p.opportunist_corridor_share
    )
    syria = S["align"] + hedge * S["hedge"]
    iran = I["support"] + coef(p.condition_corridor_share) * I["condition"]
    return coef(p.corridor_value) * syria * iran


@_term("aid_cost", IRAN, "C10", "What Iran's aid, fuel and extra backing cost it, as delivered")
def _iran_cost(p: Parameters, r: RoundData, f: Features) -> Any:
    return -coef(p.aid_cost) * delivered_iran(p, r) - coef(p.axis_bonus_cost) * delivered_backing(
        p, r
    )


@_term("axis_credibility", IRAN, "C09", "Withdrawing from a Syria that breaks keeps the "
       "axis' threat credible")  # fmt: skip
def _iran_credibility(p: Parameters, r: RoundData, f: Features) -> Any:
    return coef(p.axis_credibility) * I["withdraw"] * S["realign"]


@_term("supply_line", ISRAEL, "C06 C07 C12 C16",
       "Arms flowing to Hezbollah through Syria, as Israel expects them (a hedger lets all of "
       "them through if it is an opportunist, a share if it is sincere), less what strikes "
       "stop")  # fmt: skip
def _israel_supply(p: Parameters, r: RoundData, f: Features) -> Any:
    stopped = (
        coef(p.interdiction_effect) * L["interdict"] + coef(p.escalation_effect) * L["escalate"]
    )
    flow = expected_flow(p, f.beliefs.get(ISRAEL, 0.0))
    return -coef(p.supply_line_threat) * flow * (1.0 - stopped)


@_term("strike_cost", ISRAEL, "C05 C06", "The cost and risk of striking in Syria")
def _israel_cost(p: Parameters, r: RoundData, f: Features) -> Any:
    return -coef(p.strike_cost) * L["interdict"] - coef(p.escalation_cost) * L["escalate"]


@_term("deterrence", ISRAEL, "C05", "Escalating against a Syria that joined the war deters it")
def _israel_deterrence(p: Parameters, r: RoundData, f: Features) -> Any:
    return coef(p.deterrence_value) * L["escalate"] * S["align"]


@_term("pull_from_iran", GULF, "C08 C12 C14 C18",
       "Syria out of Iran's camp while the Gulf engages: all of it from a break; from a "
       "hedger, a sincere one's distancing, nothing from an opportunist's, weighted by the "
       "Gulf's belief")  # fmt: skip
def _gulf_pull(p: Parameters, r: RoundData, f: Features) -> Any:
    sincere = 1.0 - _belief(f, GULF)
    hedge = coef(p.hedge_pull_share) * sincere
    return coef(p.pull_value) * G["engage"] * (S["realign"] + hedge * S["hedge"])


@_term("trafficking_curb", GULF, "C17",
       "The regime's argument that only its empowerment curbs trafficking: it holds for a "
       "sincere hedger, weighted by the Gulf's belief")  # fmt: skip
def _gulf_trafficking(p: Parameters, r: RoundData, f: Features) -> Any:
    sincere = 1.0 - _belief(f, GULF)
    return coef(p.trafficking_curb_value) * G["engage"] * S["hedge"] * sincere


@_term("incentive_cost", GULF, "C08 C14", "What the incentives cost, as far as they are paid")
def _gulf_cost(p: Parameters, r: RoundData, f: Features) -> Any:
    return -coef(p.incentive_cost_share) * coef(p.gulf_incentive) * incentive_share(p)


@_term(
    "isolation",
    GULF,
    "C08",
    "Isolating an open ally of Iran pays politically; sanctions cost to enforce",
)
def _gulf_isolation(p: Parameters, r: RoundData, f: Features) -> Any:
    return G["isolate"] * (coef(p.isolation_value) * S["align"] - coef(p.isolation_cost))


TERMS: tuple[Term, ...] = (
    _syria_aid, _syria_fuel, _syria_backing, _syria_incentive, _syria_sanctions,
    _syria_strikes, _syria_escalation, _syria_war, _syria_abandonment, _syria_rents,
    _syria_exposure, _syria_collapse,
    _iran_corridor, _iran_cost, _iran_credibility,
    _israel_supply, _israel_cost, _israel_deterrence,
    _gulf_pull, _gulf_trafficking, _gulf_cost, _gulf_isolation,
)  # fmt: skip


def terms_of(player: str) -> tuple[Term, ...]:
    return tuple(t for t in TERMS if t.player == player)


# -- the affine map ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PayoffCoefficients:
    """``u[x, i, a] = constant[i, a] + sum_j belief[j, i, a] p_j(x) + hazard[i, a] h(x, a)``.

    Shapes (a leading batch axis when the parameters are a batch): ``constant`` and
    ``hazard`` ``(*batch, n, *SHAPE)``, ``belief`` ``(*batch, 3, n, *SHAPE)`` in the order of
    :data:`sim.article.actors.COUNTERPARTS`.
    """

    constant: FloatArray
    belief: FloatArray
    hazard: FloatArray


def _player_totals(params: Parameters, rnd: RoundData, feats: Features) -> FloatArray:
    per_player = []
    batch = _batch_shape(params, rnd, feats)  # once: it reads every parameter
    for player in PLAYERS:
        total: Any = np.zeros(batch + SHAPE)
        for term in terms_of(player):
            total = total + term.grid(params, rnd, feats, batch)
        per_player.append(np.asarray(total, dtype=np.float64))
    return np.stack(per_player, axis=-N_AXES - 1)


def coefficients(params: Parameters, rnd: RoundData) -> PayoffCoefficients:
    """The round's coefficient arrays, read off the terms at the features' basis points."""
    zero = {cp: 0.0 for cp in COUNTERPARTS}
    base = _player_totals(params, rnd, Features(zero, 0.0))
    belief = []
    for cp in COUNTERPARTS:
        unit = dict(zero)
        unit[cp] = 1.0
        belief.append(_player_totals(params, rnd, Features(unit, 0.0)) - base)
    hazard = _player_totals(params, rnd, Features(zero, 1.0)) - base
    return PayoffCoefficients(base, np.stack(belief, axis=-N_AXES - 2), hazard)


def stage_payoffs(coefs: PayoffCoefficients, beliefs: FloatArray, hazard: FloatArray) -> FloatArray:
    """Stage payoffs of many states by the affine map.

    Parameters
    ----------
    coefs
        The round's :func:`coefficients` (one calibration: no batch axis).
    beliefs
        ``(n_states, 3)`` each state's beliefs in :data:`COUNTERPARTS` order.
    hazard
        ``(n_states, *SHAPE)`` each state's collapse hazard per profile.

    Returns
    -------
    numpy.ndarray
        ``(n_states, n_players, *SHAPE)``.
    """
    n_states = beliefs.shape[0]
    flat = coefs.belief.reshape(len(COUNTERPARTS), -1)
    # ((p_0 B_0 + p_1 B_1) + p_2 B_2) + A, each product and sum rounded on its own (not a
    # BLAS product, whose fused multiply-adds and order vary with the sizes): the compiled
    # loop of sim.article.stage_kernel does the same operations and gets the same bits.
    p = np.asarray(beliefs, dtype=np.float64)
    out = p[:, 0, None] * flat[0]
    out += p[:, 1, None] * flat[1]
    out += p[:, 2, None] * flat[2]
    out = out.reshape((n_states, N_AXES) + SHAPE)
    out += coefs.constant
    for k in range(N_AXES):  # only Syria's payoff reads the hazard: skip the zero rows
        if np.any(coefs.hazard[k]):
            out[:, k] += coefs.hazard[k] * hazard
    return out


def reference_payoffs(
    params: Parameters, rnd: RoundData, beliefs: Mapping[str, float], hazard: Value
) -> FloatArray:
    """One state's stage payoffs as the plain term-by-term sum, ``(n_players, *SHAPE)``
    (the reference the affine map is tested against)."""
    return _player_totals(params, rnd, Features(beliefs, hazard))


def payoff_cells(params: Parameters, rnd: RoundData, feats: Features,
                 cells: Sequence[tuple[int, tuple[int, ...]]]) -> FloatArray:  # fmt: skip
    """A few stage payoffs, ``cells`` of ``(player index, pure profile of action indices)``,
    shape ``(*batch, len(cells))``: the sums of :func:`reference_payoffs` at those cells, in
    the same order and so to the same bits, without the grid.

    Only the players read are evaluated, each of their terms in the shape it has (most read
    one or two players' actions, not all four), and only the cells read are taken from it,
    so a claim's constraint that reads two payoffs costs two cells of one player's terms
    instead of ``n_players * 81`` cells of every term (:mod:`sim.calibrate.constraints`).
    ``batch`` is the batch shape of what those terms read (any shape that broadcasts).
    """
    totals: dict[tuple[int, ...], Any] = {}
    for player in sorted({i for i, _ in cells}):
        columns = tuple(k for k, (i, _) in enumerate(cells) if i == player)
        axes = np.array([cells[k][1] for k in columns], dtype=np.intp).reshape(-1, N_AXES).T
        zero = np.zeros_like(axes[0])
        total: Any = 0.0  # 0.0 + x is x, as in the grid's zeros + x
        for term in terms_of(PLAYERS[player]):
            value = np.asarray(term.fn(params, rnd, feats), dtype=np.float64)
            value = value.reshape((1,) * (N_AXES - value.ndim) + value.shape)
            # an axis the term does not vary along (size 1) is read at 0: what the grid's
            # broadcast repeats there
            index = tuple(axes[k] if value.shape[value.ndim - N_AXES + k] > 1 else zero
                          for k in range(N_AXES))  # fmt: skip
            total = total + value[(..., *index)]
        totals[columns] = total
    batch = np.broadcast_shapes(*(t.shape[:-1] for t in totals.values()))
    out = np.empty(batch + (len(cells),))
    for columns, total in totals.items():
        out[..., list(columns)] = total
    return out


@dataclass(frozen=True)
class TermValue:
    """One term's contribution to one player's expected payoff at a profile."""

    name: str
    claims: tuple[str, ...]
    description: str
    value: float


def decompose(
    params: Parameters,
    rnd: RoundData,
    beliefs: Mapping[str, float],
    hazard: Value,
    player: str,
    profile: tuple[Any, ...],
) -> tuple[TermValue, ...]:
    """Each term of ``player``'s expected stage payoff at a pure or mixed ``profile``.

    ``profile`` holds one entry per player, an action index or a probability vector; the
    values sum to the player's payoff in :func:`reference_payoffs` at that profile.
    """
    mixed = [
        np.eye(SHAPE[k])[a] if np.ndim(a) == 0 else np.asarray(a, dtype=np.float64)
        for k, a in enumerate(profile)
    ]
    feats = Features(beliefs, hazard)
    out = []
    for term in terms_of(player):
        value: Any = term.grid(params, rnd, feats)
        for j in reversed(range(N_AXES)):
            value = np.tensordot(value, mixed[j], axes=([value.ndim - 1], [0]))
        out.append(TermValue(term.name, term.claims, term.description, float(value)))
    return tuple(out)
