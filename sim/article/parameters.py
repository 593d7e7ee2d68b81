"""The parameters of the article's game, declared once as data.

Each field of :class:`Parameters` carries, in its metadata, its unit, what it means, the
claims that support it (``seeds/claims.yaml``; none means the value is an assumption of the
model, listed as such in ``docs/model.md``), documented bounds and the reason for the
default and the bounds. :data:`SPECS` exposes that table; the docs and the calibration
sampler of issue 12 read it, nothing else restates it.

The article fixes orderings, not numbers: every default sits where it does because of an
ordering the article supports (stated in ``reason``), and the bounds are the range within
which that ordering can hold, so a sampler may vary each value inside them subject to the
claims' constraints.

Units: payoffs are in *payoff units per round*, one unit being roughly a third of a round of
the baseline Gulf/Western offer to Syria; a round is a month at the defaults (rates,
probabilities and the discount are per month). Shares, probabilities, beliefs and
capacities are in [0, 1]; the threat is on the scale of regime capacity (1 = what the full
regime can hold by itself).

Every field accepts a float or an array of shape ``(batch,)``: a batch of calibrations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from sim.errors import HedgesimError

FloatArray = npt.NDArray[np.float64]
Value = float | FloatArray

PAYOFF = "payoff units per round"
LUMP = "payoff units, once"
SHARE = "share"
PROBABILITY = "probability per round"
BELIEF = "belief"
CAPACITY = "capacity"
CAPACITY_RATE = "capacity per round"
THREAT = "threat (capacity scale)"
RATE = "per round"
HAZARD = "hazard rate per unit of uncovered threat per round"
DISCOUNT = "discount factor per round"
MULTIPLIER = "multiplier"


@dataclass(frozen=True)
class ParameterSpec:
    """What one parameter is: the row of the parameter table."""

    name: str
    default: float
    unit: str
    doc: str
    claims: tuple[str, ...]
    bounds: tuple[float, float]
    reason: str

    @property
    def assumption(self) -> bool:
        """Whether no claim of the article supports the parameter (an assumption)."""
        return not self.claims


def _p(
    default: float,
    unit: str,
    doc: str,
    *,
    claims: str = "",
    bounds: tuple[float, float],
    reason: str,
) -> Any:
    lo, hi = bounds
    if not lo <= default <= hi:
        raise AssertionError(f"default {default} outside its bounds {bounds}")
    return field(
        default=default,
        metadata={
            "unit": unit,
            "doc": doc,
            "claims": tuple(sorted(claims.split())),
            "bounds": (float(lo), float(hi)),
            "reason": reason,
        },
    )


@dataclass(frozen=True)
class Parameters:
    """Every number of the article's game (see the module docstring for units).

    Defaults are the baseline calibration; ``SPECS`` lists each field's unit, claims, bounds
    and the reason for its default.
    """

    # -- what Syria receives and pays ------------------------------------------------------
    iran_aid: Value = _p(
        4.0,
        PAYOFF,
        "Syria's value of a round of Iranian money as delivered in full.",
        claims="C10 C13",
        bounds=(1.0, 8.0),
        reason="The largest single flow to the cash-strapped regime (C10): above the Gulf's "
        "share to a hedger, so a break forfeits more than it gains at the baseline offer (C13).",
    )
    fuel_supply: Value = _p(
        2.0,
        PAYOFF,
        "Syria's value of a round of Iranian fuel as delivered in full.",
        claims="C13",
        bounds=(0.5, 5.0),
        reason="Named beside the money as what the regime depends on (C13); smaller than it.",
    )
    condition_share_align: Value = _p(
        0.8,
        SHARE,
        "Share of Iran's aid and fuel an aligned Syria still gets when Iran "
        "conditions its support.",
        claims="C10",
        bounds=(0.5, 1.0),
        reason="Conditioned aid is paid for compliance: most of it reaches an open ally.",
    )
    condition_share_hedge: Value = _p(
        0.2,
        SHARE,
        "Share of Iran's aid and fuel a hedging Syria gets when Iran conditions.",
        claims="C10 C18",
        bounds=(0.0, 0.5),
        reason="Below the aligned share: conditions exist to stop paying for the double game.",
    )
    axis_bonus: Value = _p(
        2.0,
        PAYOFF,
        "Syria's value of the extra backing (arms, security, more aid) Iran gives "
        "an open ally on top of the aid.",
        claims="C09 C10",
        bounds=(0.5, 4.0),
        reason="Below the war cost (F2): the backing alone does not pay for joining the war.",
    )
    gulf_incentive: Value = _p(
        3.0,
        PAYOFF,
        "Syria's value of a round of Gulf/Western incentives (aid, normalisation, "
        "relief) to a Syria that breaks with Iran.",
        claims="C08",
        bounds=(1.0, 20.0),
        reason="On offer but short of what a break forfeits in Iranian aid and fuel plus the "
        "uncovered abandonment risk (C13): realign loses to hedge at the baseline (F4). The "
        "upper bound is an offer large enough to buy a break (F4 needs one within bounds).",
    )
    hedge_incentive_share: Value = _p(
        0.4,
        SHARE,
        "Share of the incentives a hedging Syria collects without concessions.",
        claims="C12 C14",
        bounds=(0.1, 0.8),
        reason="A hedger collects something for its distancing (C12, C14) but less than a "
        "Syria that breaks.",
    )
    sanctions: Value = _p(
        1.5,
        PAYOFF,
        "Cost to Syria of a round of Gulf/Western sanctions and pressure.",
        claims="C08",
        bounds=(0.0, 4.0),
        reason="Half the Gulf's offer: pressure stings less than the incentives attract.",
    )
    strike_damage: Value = _p(
        1.5,
        PAYOFF,
        "Damage to regime-held areas of a round of Israeli strikes on shipments.",
        claims="C06",
        bounds=(0.0, 4.0),
        reason="Real but below Iran's aid and fuel: the strikes are absorbed, not decisive (C06).",
    )
    escalation_damage: Value = _p(
        3.0,
        PAYOFF,
        "Damage of a round of Israeli strikes on regime assets.",
        claims="C05 C06",
        bounds=(1.0, 8.0),
        reason="Worse than strikes on shipments: they target the regime itself (C05).",
    )
    escalation_align_factor: Value = _p(
        2.0,
        MULTIPLIER,
        "How much worse escalation is (damage and capacity erosion) against an "
        "openly aligned Syria that joined the war.",
        claims="C05",
        bounds=(1.0, 4.0),
        reason="At least 1: Israel answers an open ally at least as harshly as a hedger (C05).",
    )
    war_cost: Value = _p(
        4.0,
        PAYOFF,
        "Syria's cost of joining the axis' retaliation: direct war with Israel "
        "beyond the strikes themselves.",
        claims="C05",
        bounds=(1.0, 10.0),
        reason="Above Iran's extra backing for an open ally (F2): survival pragmatism keeps "
        "Syria out of the war (C05).",
    )
    abandonment_risk: Value = _p(
        4.0,
        PAYOFF,
        "Syria's cost of breaking with Tehran without cover: exposure while "
        "Iranian-backed forces and money leave.",
        claims="C13",
        bounds=(1.0, 10.0),
        reason="Large enough that a break needs outside cover to pay (C13).",
    )
    engagement_protection: Value = _p(
        0.5,
        SHARE,
        "Share of the abandonment risk that Gulf/Western engagement covers.",
        claims="C13",
        bounds=(0.0, 1.0),
        reason="Outside support offsets part of the risk (C13), not all of it.",
    )
    illicit_rents: Value = _p(
        1.0,
        PAYOFF,
        "Trafficking and transit rents, kept while Syria does not enforce a cut-off.",
        claims="C16 C17",
        bounds=(0.0, 3.0),
        reason="A side income (C16, C17): smaller than any state flow.",
    )
    shipment_limit_signal: Value = _p(
        0.0,
        SHARE,
        "Whether (1) or not (0) a hedging Syria signals a shipment limit it does "
        "not enforce; fractions are a half-believed signal.",
        claims="C15 C16",
        bounds=(0.0, 1.0),
        reason="Off at the baseline; the lebanon_deal scenario turns it on.",
    )
    signal_incentive_share: Value = _p(
        0.1,
        SHARE,
        "Extra share of the incentives such a signal buys from an engaging Gulf.",
        claims="C15",
        bounds=(0.0, 0.5),
        reason="Small: the signal is cheap talk (C15).",
    )
    signal_exposure_cost: Value = _p(
        2.0,
        PAYOFF,
        "Cost of the signal to Syria once exposed, times the Gulf's belief that Syria deceives it.",
        claims="C15 C19",
        bounds=(0.0, 6.0),
        reason="Low risk while the Gulf trusts (F5): below signal_incentive_share * "
        "gulf_incentive / prior_gulf at the baseline prior.",
    )
    collapse_cost: Value = _p(
        40.0,
        LUMP,
        "Syria's (the regime's) loss in the round it collapses; nothing after.",
        bounds=(10.0, 200.0),
        reason="Assumption: the regime's end is worth several years of its round payoff; the "
        "article does not weigh it.",
    )
    # -- Iran ----------------------------------------------------------------------------------
    corridor_value: Value = _p(
        8.0,
        PAYOFF,
        "Iran's value of a round of the corridor to Hezbollah and the axis' unity "
        "with a compliant Syria.",
        claims="C07 C09",
        bounds=(2.0, 16.0),
        reason="Syria is central to the axis (C09): the corridor is worth enough more than "
        "the aid costs that Iran fully supports a hedger it mostly trusts (at the prior).",
    )
    hedge_corridor_share: Value = _p(
        0.8,
        SHARE,
        "Share of the corridor a hedging Syria that is loyal to Iran delivers "
        "(it stays out of the war, shipments pass).",
        claims="C11 C16",
        bounds=(0.5, 1.0),
        reason="Shipments pass under hedging (C16) but Syria keeps out of the fighting: most "
        "of the corridor, not all.",
    )
    opportunist_corridor_share: Value = _p(
        0.0,
        SHARE,
        "Share of the corridor a hedging Syria that is an opportunist against Iran "
        "delivers (it bargains the corridor away).",
        claims="C11 C15",
        bounds=(0.0, 0.5),
        reason="An opportunist offers the shipments as its price (C15): below the loyal share.",
    )
    condition_corridor_share: Value = _p(
        0.5,
        SHARE,
        "Share of the corridor Iran keeps when it only conditions its support.",
        claims="C10",
        bounds=(0.2, 0.9),
        reason="Conditions strain the partnership: part of the corridor's value is lost.",
    )
    aid_cost: Value = _p(
        2.5,
        PAYOFF,
        "Iran's cost of a round of aid and fuel as delivered in full.",
        claims="C10",
        bounds=(0.5, 5.0),
        reason="Below the corridor's value to Iran (C09), so support pays while Iran trusts.",
    )
    axis_bonus_cost: Value = _p(
        1.0,
        PAYOFF,
        "Iran's cost of the extra backing it gives an open ally.",
        claims="C09",
        bounds=(0.0, 3.0),
        reason="Below the backing's value to Syria.",
    )
    axis_credibility: Value = _p(
        1.0,
        PAYOFF,
        "Iran's value of withdrawing from a Syria that openly breaks with it "
        "(the axis' threat stays credible).",
        claims="C09",
        bounds=(0.0, 3.0),
        reason="Positive: the axis punishes defection (C09).",
    )
    # -- Israel ----------------------------------------------------------------------------------
    supply_line_threat: Value = _p(
        5.0,
        PAYOFF,
        "Israel's cost of a round of arms flowing in full to Hezbollah through Syria.",
        claims="C07",
        bounds=(2.0, 10.0),
        reason="Israel is set on cutting the route (C07): its largest stake in Syria.",
    )
    loyal_flow_share: Value = _p(
        0.3,
        SHARE,
        "Share of the shipments that still pass under a hedging Syria that is "
        "sincere about distancing from Iran (it limits them quietly).",
        claims="C12 C15",
        bounds=(0.0, 0.7),
        reason="A sincere distancer delivers part of the limit it signals (C12, C15); the "
        "opportunist lets everything pass (C16).",
    )
    interdiction_effect: Value = _p(
        0.5,
        SHARE,
        "Share of the flow interdiction strikes stop.",
        claims="C06 C07",
        bounds=(0.2, 0.8),
        reason="Strikes stop part of the flow, not all (C06).",
    )
    escalation_effect: Value = _p(
        0.9,
        SHARE,
        "Share of the flow that strikes on regime assets stop (they coerce the "
        "regime into enforcing).",
        claims="C05 C06",
        bounds=(0.5, 1.0),
        reason="Above interdiction's share: hitting the regime's own assets makes feigned "
        "ignorance costly (C05, C16).",
    )
    strike_cost: Value = _p(
        1.0,
        PAYOFF,
        "Israel's cost and risk of a round of interdiction strikes.",
        claims="C05 C06",
        bounds=(0.2, 3.0),
        reason="Below interdiction's saving against full flow, so Israel strikes shipments (C06).",
    )
    escalation_cost: Value = _p(
        2.5,
        PAYOFF,
        "Israel's cost and risk of a round of strikes on regime assets.",
        claims="C05",
        bounds=(1.0, 6.0),
        reason="Above the strike cost; escalation pays only against heavy flow (an open ally "
        "or a hedger Israel believes duplicitous).",
    )
    deterrence_value: Value = _p(
        0.5,
        PAYOFF,
        "Israel's value of escalating against a Syria that joined the war (it deters the front).",
        claims="C05",
        bounds=(0.0, 3.0),
        reason="Positive: Israel's threats are what keep Syria out (C05).",
    )
    # -- the Gulf and the West -------------------------------------------------------------------
    pull_value: Value = _p(
        8.0,
        PAYOFF,
        "Gulf/West value of a round of Syria out of Iran's camp.",
        claims="C08",
        bounds=(2.0, 16.0),
        reason="Worth more than the incentives cost (C08).",
    )
    hedge_pull_share: Value = _p(
        0.3,
        SHARE,
        "Share of that value a hedging Syria delivers if it is sincere about distancing.",
        claims="C12 C14",
        bounds=(0.1, 0.8),
        reason="Distancing delivers part of a break (C12).",
    )
    trafficking_curb_value: Value = _p(
        0.5,
        PAYOFF,
        "Gulf/West value of engaging a sincere hedger that then curbs trafficking.",
        claims="C17",
        bounds=(0.0, 2.0),
        reason="The regime's own argument (C17): small.",
    )
    incentive_cost_share: Value = _p(
        0.5,
        SHARE,
        "What the incentives cost the Gulf/West per unit of their value to Syria.",
        claims="C08 C14",
        bounds=(0.1, 1.0),
        reason="Relief and normalisation cost the giver less than they are worth to Syria.",
    )
    isolation_value: Value = _p(
        1.5,
        PAYOFF,
        "Gulf/West political value of isolating an openly aligned Syria.",
        claims="C08",
        bounds=(0.0, 4.0),
        reason="Above the isolation cost: an open ally of Iran is isolated (C08).",
    )
    isolation_cost: Value = _p(
        0.5,
        PAYOFF,
        "Gulf/West cost of a round of sanctions enforcement.",
        claims="C08",
        bounds=(0.0, 2.0),
        reason="Small; positive so that waiting beats isolating a hedger.",
    )
    # -- signals and beliefs ---------------------------------------------------------------------
    prior_iran: Value = _p(
        0.2,
        BELIEF,
        "Iran's initial belief that Syria is an opportunist against it.",
        claims="C03 C20",
        bounds=(0.02, 0.6),
        reason="Months of talk of a rift (C03) but the visits are more than damage control "
        "(C20): a minority suspicion.",
    )
    prior_israel: Value = _p(
        0.3,
        BELIEF,
        "Israel's initial belief that Syria is an opportunist against it (its "
        "distancing a cover for the shipments).",
        claims="C12 C16",
        bounds=(0.02, 0.8),
        reason="Syria's distancing claims (C12) meet shipments that keep passing (C16).",
    )
    prior_gulf: Value = _p(
        0.1,
        BELIEF,
        "The Gulf/West's initial belief that Syria is an opportunist against it.",
        claims="C03 C14",
        bounds=(0.02, 0.6),
        reason="Talk of a realignment (C03) keeps the Gulf hopeful; low but not zero.",
    )
    catch_iran: Value = _p(
        0.3,
        PROBABILITY,
        "Chance a round of hedging is caught by Iran at visibility 1 and no deniability.",
        claims="C11 C19",
        bounds=(0.05, 0.9),
        reason="Iran sees the double game first-hand: the highest catch chance.",
    )
    catch_israel: Value = _p(
        0.25,
        PROBABILITY,
        "Chance a round of hedging is caught by Israel (shipments seen "
        "passing) at visibility 1 and no deniability.",
        claims="C16 C19",
        bounds=(0.05, 0.9),
        reason="Israel watches the shipments (C07) but the regime pleads weak control (C16).",
    )
    catch_gulf: Value = _p(
        0.2,
        PROBABILITY,
        "Chance a round of hedging is caught by the Gulf/West at visibility 1 and no deniability.",
        claims="C14 C19",
        bounds=(0.05, 0.9),
        reason="Private talks are the Gulf's window (C14): it sees least.",
    )
    false_alarm_iran: Value = _p(
        0.05,
        PROBABILITY,
        "Chance Iran sees a false alarm in a round Syria complies.",
        claims="C03",
        bounds=(0.0, 0.2),
        reason="Rumours of cracks circulate even without cause (C03): small, below every "
        "catch chance.",
    )
    false_alarm_israel: Value = _p(
        0.05,
        PROBABILITY,
        "Chance Israel sees a false alarm in a round Syria complies.",
        claims="C03",
        bounds=(0.0, 0.2),
        reason="As for Iran.",
    )
    false_alarm_gulf: Value = _p(
        0.05,
        PROBABILITY,
        "Chance the Gulf/West sees a false alarm in a round Syria complies.",
        claims="C03",
        bounds=(0.0, 0.2),
        reason="As for Iran.",
    )
    visibility_iran: Value = _p(
        1.0,
        MULTIPLIER,
        "Scales how informative a round of hedging is to Iran (q - r).",
        claims="C19",
        bounds=(0.0, 2.0),
        reason="1 at the baseline; events raise or lower it.",
    )
    visibility_israel: Value = _p(
        1.0,
        MULTIPLIER,
        "Scales how informative a round of hedging is to Israel.",
        claims="C19",
        bounds=(0.0, 2.0),
        reason="1 at the baseline.",
    )
    visibility_gulf: Value = _p(
        1.0,
        MULTIPLIER,
        "Scales how informative a round of hedging is to the Gulf/West.",
        claims="C19",
        bounds=(0.0, 2.0),
        reason="1 at the baseline.",
    )
    deniability_iran: Value = _p(
        0.0,
        SHARE,
        "Share of a hedge's informativeness to Iran that deniability removes.",
        claims="C16",
        bounds=(0.0, 0.95),
        reason="None: Iran sees the double game first-hand.",
    )
    deniability_israel: Value = _p(
        0.3,
        SHARE,
        "Share of a hedge's informativeness to Israel that deniability removes.",
        claims="C16",
        bounds=(0.0, 0.95),
        reason="The regime pleads weak state control over the shipments (C16).",
    )
    deniability_gulf: Value = _p(
        0.3,
        SHARE,
        "Share of a hedge's informativeness to the Gulf/West that deniability removes.",
        claims="C16 C17",
        bounds=(0.0, 0.95),
        reason="Feigned ignorance, as with drug trafficking (C16, C17).",
    )
    # -- regime capacity, threat, patrons, collapse ----------------------------------------------
    initial_capacity: Value = _p(
        0.8,
        CAPACITY,
        "Regime capacity K at round 0 (1 = the regime at full strength).",
        claims="C10",
        bounds=(0.2, 1.0),
        reason="A cash-strapped regime that needs aid to hold on (C10): below full.",
    )
    capacity_recovery: Value = _p(
        0.02,
        CAPACITY_RATE,
        "Capacity regained in a round of full funding.",
        claims="C10",
        bounds=(0.0, 0.1),
        reason="Slow: rebuilding an army takes years.",
    )
    capacity_hollowing: Value = _p(
        0.03,
        CAPACITY_RATE,
        "Capacity lost in a round without funding (unpaid, hollowed army).",
        claims="C10 C13",
        bounds=(0.0, 0.2),
        reason="Faster than recovery: the regime needs the money to stay in power (C10).",
    )
    funding_need: Value = _p(
        5.0,
        PAYOFF,
        "Money per round (Iranian aid and fuel, Gulf incentives, as delivered) "
        "that fully funds the regime's forces.",
        claims="C10 C13",
        bounds=(2.0, 10.0),
        reason="Most of Iran's aid and fuel: the regime depends on them (C13).",
    )
    escalation_erosion: Value = _p(
        0.05,
        CAPACITY_RATE,
        "Capacity lost in a round of Israeli strikes on regime assets "
        "(times escalation_align_factor against an open ally).",
        claims="C05 C06",
        bounds=(0.0, 0.3),
        reason="Escalation targets the regime's own means (C05).",
    )
    sanctions_erosion: Value = _p(
        0.01,
        CAPACITY_RATE,
        "Capacity lost in a round of Gulf/Western isolation.",
        claims="C08",
        bounds=(0.0, 0.1),
        reason="Slower than strikes.",
    )
    threat: Value = _p(
        0.5,
        THREAT,
        "The armed opposition's threat s to regime-held territory, at rest.",
        bounds=(0.0, 1.5),
        reason="Assumption (the article is silent on the opposition): contained while the "
        "regime stands near full capacity, so no hazard at the baseline (F7).",
    )
    threat_reversion: Value = _p(
        0.3,
        RATE,
        "Share of a threat shock's excess over the resting threat that fades each round.",
        bounds=(0.0, 1.0),
        reason="Assumption: offensives lose momentum in months.",
    )
    capacity_iran: Value = _p(
        1.0,
        CAPACITY,
        "Iran's capacity to deliver support (aid, fuel, protection), at round 0.",
        bounds=(0.0, 1.0),
        reason="Assumption: full at the baseline; dated shocks (Hezbollah's losses) lower it.",
    )
    capacity_russia: Value = _p(
        1.0,
        CAPACITY,
        "Russia's capacity to protect the regime, at round 0.",
        bounds=(0.0, 1.0),
        reason="Assumption: full at the baseline; dated shocks (the war in Ukraine) lower it.",
    )
    russia_willingness: Value = _p(
        1.0,
        SHARE,
        "Russia's willingness to protect the regime (Russia is not a player).",
        bounds=(0.0, 1.0),
        reason="Assumption: Russia backs the regime it saved in 2015.",
    )
    protection_iran: Value = _p(
        0.5,
        CAPACITY,
        "Threat covered per unit of Iran's delivered support (gamma_iran).",
        claims="C13",
        bounds=(0.0, 1.0),
        reason="Iranian-backed forces hold ground for the regime (C13): half of what the "
        "regime itself holds.",
    )
    protection_russia: Value = _p(
        0.4,
        CAPACITY,
        "Threat covered per unit of Russia's delivered support (gamma_russia).",
        bounds=(0.0, 1.0),
        reason="Assumption: air power, a little less than Iran's ground forces.",
    )
    hazard_rate: Value = _p(
        3.0,
        HAZARD,
        "lambda: collapse hazard per round is 1 - exp(-lambda * uncovered threat).",
        bounds=(0.0, 20.0),
        reason="Assumption: an uncovered threat of a third of full capacity brings a round's "
        "collapse chance to about 0.63.",
    )
    discount: Value = _p(
        0.95,
        DISCOUNT,
        "Every player's discount factor per round.",
        bounds=(0.0, 0.99),
        reason="Assumption: patient players (a round is a month).",
    )

    def replace(self, **changes: Any) -> Parameters:
        """A copy with some fields changed (unknown names raise ``TypeError``)."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Value]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """``()`` for one calibration, ``(B,)`` for a batch."""
        shape = np.broadcast_shapes(*(np.shape(v) for v in self.as_dict().values()))
        if len(shape) > 1:
            raise HedgesimError(
                f"parameters must be floats or arrays of shape (batch,), got {shape}"
            )
        return tuple(shape)

    def full_batch(self) -> Parameters:
        """A batch with every field an array of shape ``(B,)`` (a batch from :meth:`replace`
        may hold some fields as floats, shared by every calibration); one calibration as it
        is."""
        shape = self.batch_shape
        if not shape:
            return self
        return Parameters(**{k: np.broadcast_to(np.asarray(v, dtype=np.float64), shape).copy()
                             for k, v in self.as_dict().items()})  # fmt: skip

    def calibration(self, b: int) -> Parameters:
        """The ``b``-th calibration of a batch, as floats."""
        return Parameters(
            **{
                k: float(np.asarray(v).reshape(-1)[b] if np.ndim(v) else v)
                for k, v in self.as_dict().items()
            }  # fmt: skip
        )


def _specs() -> tuple[ParameterSpec, ...]:
    out = []
    for f in fields(Parameters):
        m = f.metadata
        out.append(
            ParameterSpec(
                f.name,
                float(cast(float, f.default)),
                m["unit"],
                m["doc"],
                m["claims"],
                m["bounds"],
                m["reason"],
            )
        )
    return tuple(out)


#: The parameter table: one row per field of :class:`Parameters`, in declaration order.
SPECS: tuple[ParameterSpec, ...] = _specs()
SPEC: Mapping[str, ParameterSpec] = {s.name: s for s in SPECS}
PARAMETER_NAMES: tuple[str, ...] = tuple(SPEC)


def stack(calibrations: list[Parameters] | tuple[Parameters, ...]) -> Parameters:
    """A batch of calibrations (each field an array of shape ``(B,)``)."""
    if not calibrations:
        raise HedgesimError("a batch needs at least one calibration")
    return Parameters(
        **{
            name: np.array([float(getattr(c, name)) for c in calibrations], dtype=np.float64)
            for name in PARAMETER_NAMES
        }
    )


def check_bounds(params: Parameters) -> list[str]:
    """Each value outside its documented bounds, as ``name=value outside [lo, hi]``."""
    problems = []
    for spec in SPECS:
        v = np.asarray(getattr(params, spec.name), dtype=np.float64)
        lo, hi = spec.bounds
        if not np.all(np.isfinite(v)):
            problems.append(f"{spec.name} is not finite")
        elif np.any(v < lo) or np.any(v > hi):
            problems.append(f"{spec.name}={v.tolist()} outside [{lo:g}, {hi:g}]")
    return problems


#: The round length the defaults are stated in (days).
BASE_ROUND_DAYS = 30


def per_round(params: Parameters, days: float) -> Parameters:
    """The same calibration for rounds of ``days`` days instead of a month.

    Flows (payoffs per round, funding needs, capacity rates, the hazard rate) scale with the
    round's length; per-round probabilities ``x`` become ``1 - (1 - x)^f`` and the discount
    ``d^f`` (``f = days / 30``), so that a month of weekly rounds carries what a monthly round
    did; shares, beliefs, capacities, multipliers and the one-off collapse cost stay as they
    are. (The replay of November 2024 runs in weeks.)
    """
    if not days > 0:
        raise HedgesimError(f"a round must last a positive number of days, got {days}")
    f = float(days) / BASE_ROUND_DAYS
    if f == 1.0:
        return params
    changes: dict[str, Value] = {}
    for spec in SPECS:
        v = np.asarray(getattr(params, spec.name), dtype=np.float64)
        if spec.unit in (PAYOFF, CAPACITY_RATE, HAZARD):
            new = v * f
        elif spec.unit in (PROBABILITY, RATE):
            new = 1.0 - (1.0 - v) ** f
        elif spec.unit == DISCOUNT:
            new = v**f
        else:
            continue
        changes[spec.name] = float(new) if new.ndim == 0 else new
    return params.replace(**changes)


def parameter_table() -> str:
    """The parameter table as Markdown (docs/model.md carries it verbatim; a test checks)."""
    rows = [
        "| parameter | default | bounds | unit | claims | why it sits there |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in SPECS:
        claims = " ".join(s.claims) if s.claims else "assumption"
        rows.append(
            f"| `{s.name}` | {s.default:g} | [{s.bounds[0]:g}, {s.bounds[1]:g}] | {s.unit} | "
            f"{claims} | {s.reason} |"
        )
    return "\n".join(rows) + "\n"
