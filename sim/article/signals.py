"""What the counterparts observe, and how their beliefs move.

Counterpart ``j`` holds ``p_j``, its probability that Syria is an opportunist against it
(its tolerance is ``1 - p_j``). Its model of Syria has two types: the opportunist hedges,
the loyal type does what ``j`` wants. What ``j`` sees depends on what Syria did
(:data:`sim.article.actors.STANCE` says which is which):

- after a **hedge** (covert work against ``j``): a noisy signal, "caught" with probability
  ``q_j``, silent otherwise;
- after **compliance**: the same signal, "caught" only by a false alarm, probability ``r_j``;
- after **open action** against ``j``: the action itself, which is unmistakable.

A signal moves ``p_j`` by Bayes' rule under the two-type model (the opportunist caught with
``q_j``, the loyal type with ``r_j``)::

    caught:  p' = p q / (p q + (1 - p) r)
    silent:  p' = p (1 - q) / (p (1 - q) + (1 - p) (1 - r))

An open action is something the loyal type never does, so Bayes' rule puts the belief at 1
(the grid's top). The model brief's literal rule, a "caught" signal for sure that moves the
odds by ``q_j / r_j`` like any other, makes an open act as hard to read as a hedge: a
counterpart Syria can deceive about shipments (``q_j`` near ``r_j``) would barely notice an
open alignment either, so more deniability would buy open alignment. The F6 test found that
artefact (deniability towards Israel then shortened the horizon through exits to align) and
this rule removes it; docs/horizons.md records it.

The catch chance is where visibility and deniability act, on how informative a hedge is::

    q_j = r_j + (catch_j - r_j) * visibility_j * (1 - deniability_j)     (clipped to [r_j, 1])

so full deniability makes a hedge indistinguishable from compliance (``q_j = r_j``), and
deniability is a lower chance of being caught, not a slower clock. While Syria hedges and is
not caught, ``p_j`` falls (learning from silence); each catch raises it by the likelihood
ratio ``q_j / r_j`` in odds. Under hedging ``p_j`` drifts up in expectation (a
submartingale), under compliance down, which is what wears tolerance out or rebuilds it.
"""

from __future__ import annotations

import numpy as np

from sim.article.actors import ACTIONS, COMPLY, COUNTERPARTS, COVERT, OPEN, STANCE, SYRIA
from sim.article.grid import split
from sim.article.parameters import FloatArray, Parameters, Value

#: The rules of this module a claim can be encoded in (``signal:<rule>`` in the ledger):
#: the counterparts' priors, the catch chance, false alarms, visibility and deniability.
RULES: frozenset[str] = frozenset({"prior", "catch", "false_alarm", "visibility", "deniability"})


def catch_probability(params: Parameters, counterpart: str) -> FloatArray:
    """``q_j``: the chance a round of hedging is caught by ``counterpart``."""
    r = np.asarray(getattr(params, f"false_alarm_{counterpart}"), dtype=np.float64)
    base = np.asarray(getattr(params, f"catch_{counterpart}"), dtype=np.float64)
    scale = np.asarray(getattr(params, f"visibility_{counterpart}"), dtype=np.float64) * (
        1.0 - np.asarray(getattr(params, f"deniability_{counterpart}"), dtype=np.float64)
    )
    return np.asarray(np.clip(r + (base - r) * scale, r, 1.0))


def false_alarm(params: Parameters, counterpart: str) -> FloatArray:
    """``r_j``."""
    return np.asarray(getattr(params, f"false_alarm_{counterpart}"), dtype=np.float64)


def signal_probability(params: Parameters, counterpart: str, syria_action: str) -> FloatArray:
    """The chance ``counterpart`` sees Syria working against it after ``syria_action``:
    ``q_j`` after a hedge, ``r_j`` after compliance, 1 after open action (seen as such)."""
    stance = STANCE[counterpart][syria_action]
    if stance == COVERT:
        return catch_probability(params, counterpart)
    if stance == OPEN:
        return np.ones_like(false_alarm(params, counterpart))
    assert stance == COMPLY
    return false_alarm(params, counterpart)


def posterior(p: Value, q: Value, r: Value, caught: bool) -> FloatArray:
    """Bayes' rule for the belief that Syria is an opportunist (see the module docstring).

    A signal of probability 0 under both types leaves the belief where it was.
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    like_o, like_l = (q, r) if caught else (1.0 - q, 1.0 - r)
    num = p * like_o
    den = num + (1.0 - p) * like_l
    safe = np.where(den > 0, den, 1.0)
    return np.asarray(np.where(den > 0, num / safe, p))


def belief_kernels(params: Parameters, counterpart: str, grid: FloatArray) -> FloatArray:
    """The belief kernel of ``counterpart`` per Syrian action on ``grid``.

    Returns
    -------
    numpy.ndarray
        ``(*batch, G, 3, G)``: ``kernel[g, a, g']`` the probability that a belief at grid
        point ``g`` moves to ``g'`` after Syria's action ``a`` (signal drawn, Bayes' rule,
        the posterior split on the grid with its mean preserved).
    """
    q = catch_probability(params, counterpart)[..., None]
    r = false_alarm(params, counterpart)[..., None]
    up = split(posterior(grid, q, r, caught=True), grid)  # (*batch, G, G)
    down = split(posterior(grid, q, r, caught=False), grid)
    revealed = split(np.ones_like(up[..., 0]), grid)  # every point to the top
    out = []
    for action in ACTIONS[SYRIA]:
        if STANCE[counterpart][action] == OPEN:
            out.append(revealed)
            continue
        s = signal_probability(params, counterpart, action)[..., None, None]
        out.append(s * up + (1.0 - s) * down)
    return np.stack(out, axis=-2)


def expected_posterior(p: Value, params: Parameters, counterpart: str, action: str) -> FloatArray:
    """``E[p' | p, Syria's action]`` under the true signal law (not the counterpart's)."""
    if STANCE[counterpart][action] == OPEN:
        return np.ones_like(np.asarray(p, dtype=np.float64))
    q = catch_probability(params, counterpart)
    r = false_alarm(params, counterpart)
    s = signal_probability(params, counterpart, action)
    return np.asarray(
        s * posterior(p, q, r, caught=True) + (1.0 - s) * posterior(p, q, r, caught=False)
    )


__all__ = [
    "COUNTERPARTS",
    "RULES",
    "belief_kernels",
    "catch_probability",
    "expected_posterior",
    "false_alarm",
    "posterior",
    "signal_probability",
]
