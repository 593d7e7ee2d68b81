"""The reduction oracle: Model 2 collapsed onto the first model's dynamics.

Replace the signals by the first model's deterministic drift (each counterpart's belief
``p_j = 1 - tau_j`` moves by ``s_hedge * kappa_j - s_wish * recovery_j`` a round), hold
capacity at full with no hazard (``lambda = 0``), ignore continuation values (the first
model's trajectory is the path of stage equilibria) and select with the first model's rule
(inertia, falling back to Syria's best equilibrium). Then Model 2 must retrace the first
model's baseline trajectory wherever the two models' payoffs make the same comparisons, and
may differ only once a counterpart's belief lies between the two models' switch points. The
test computes Model 2's trajectory and both models' switch points; the first model's
trajectory, computed by it before it was removed, is the oracle in
``tests/oracles/first_model_baseline.json`` (with the baseline's tolerance settings it
ran on). docs/horizons.md records which rounds agree and why the others differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from sim.article import terms
from sim.article.actors import ACTIONS, COUNTERPARTS, PLAYERS, SYRIA
from sim.article.parameters import Parameters
from sim.article.thresholds import stage_game
from sim.equilibria import select, solve

#: The first model's baseline run (the module docstring).
FIRST = json.loads((Path(__file__).parent / "oracles" / "first_model_baseline.json")
                   .read_text(encoding="utf-8"))  # fmt: skip
#: Model 2 held at full capacity, with no threat and no hazard.
HELD = Parameters(threat=0.0, hazard_rate=0.0, initial_capacity=1.0)
WISH = {"iran": "align", "israel": "realign", "gulf": "realign"}


def _drift_path(rounds: int) -> tuple[list[tuple[np.ndarray, ...]], list[dict[str, float]]]:
    """Model 2's stage-equilibrium path under the first model's drift and selection."""
    settings = {cp: SimpleNamespace(**FIRST["tolerance"][cp]) for cp in COUNTERPARTS}
    beliefs = {cp: 1.0 - settings[cp].initial for cp in COUNTERPARTS}
    previous = None
    path, seen = [], []
    for _ in range(rounds):
        game = stage_game(HELD, beliefs)
        chosen = select(solve(game, "auto").equilibria, "inertia", previous=previous,
                        focal_player=0, fallback="player-optimal")  # fmt: skip
        path.append(chosen.profile)
        seen.append(dict(beliefs))
        syria = dict(zip(ACTIONS[SYRIA], chosen.profile[0], strict=True))
        for cp in COUNTERPARTS:
            s = settings[cp]
            kappa = s.decay * s.visibility * (1.0 - s.deniability)
            step = syria["hedge"] * kappa - syria[WISH[cp]] * s.recovery
            beliefs[cp] = float(min(1.0, max(0.0, beliefs[cp] + step)))
        previous = chosen.profile
    return path, seen


def _switch_point(cp: str) -> float:
    """Model 2's belief above which ``cp``'s best response to a hedge is no longer the one
    it gives at full trust... or, for Israel, the interdiction it gives at middling trust
    turns into escalation (the switch the first model's Israel has)."""
    k = PLAYERS.index(cp)
    grid = np.linspace(0.0, 1.0, 100_001)
    states = np.zeros((len(grid), 3))
    states[:, COUNTERPARTS.index(cp)] = grid
    coefs = terms.coefficients(HELD, terms.RoundData.at_rest(HELD))
    u = terms.stage_payoffs(coefs, states, np.zeros((len(grid), 3, 3, 3, 3)))
    index: list[object] = [slice(None), k, ACTIONS[SYRIA].index("hedge"), 0, 0, 0]
    index[2 + k] = slice(None)
    best = np.argmax(u[tuple(index)], axis=1)
    harshest_start = best[0] if cp != "israel" else 1  # Israel: interdict -> escalate
    return float(grid[np.argmax(best > harshest_start)])


@pytest.fixture(scope="module")
def paths() -> tuple[object, list[tuple[np.ndarray, ...]], list[dict[str, float]]]:
    first = [tuple(np.array(r[p]) for p in PLAYERS) for r in FIRST["profiles"]]
    mine, beliefs = _drift_path(len(first))
    return first, mine, beliefs


def test_the_drift_reduction_retraces_the_first_model_until_a_switch_point_differs(
    paths: tuple[object, list[tuple[np.ndarray, ...]], list[dict[str, float]]],
) -> None:
    """Syria's play agrees round by round until the first round in which Iran's belief has
    passed Model 2's switch point but not the first model's (Iran's is the binding
    counterpart in both); from there the two differ by construction of their payoffs."""
    old, mine, beliefs = paths
    new_switch = _switch_point("iran")
    old_switch = 1.0 - FIRST["switch_points"]["iran"]  # the first model's, as a belief
    assert new_switch < old_switch
    predicted = next(t for t, b in enumerate(beliefs) if b["iran"] > new_switch)
    assert beliefs[predicted]["iran"] <= old_switch + 1e-12
    for t in range(predicted):
        np.testing.assert_allclose(mine[t][0], old[t][0], atol=1e-9)  # type: ignore[index]
    assert not np.allclose(mine[predicted][0], old[predicted][0], atol=1e-9)  # type: ignore[index]


def test_where_the_counterparts_differ_at_full_trust(
    paths: tuple[object, list[tuple[np.ndarray, ...]], list[dict[str, float]]],
) -> None:
    """At full trust (round 0) Model 2's Israel restrains the hedger while the first
    model's interdicts: a hedger Israel fully trusts lets only the loyal share of the
    shipments through, which is not worth the strike cost. Iran and the Gulf agree."""
    first, mine, _ = paths
    old = first[0]  # type: ignore[index]
    for k, player in enumerate(PLAYERS):
        same = bool(np.allclose(mine[0][k], old[k], atol=1e-9))
        assert same is (player != "israel"), player
    assert ACTIONS["israel"][int(np.argmax(mine[0][PLAYERS.index("israel")]))] == "restrain"
