"""Checks that every action of every player means something.

An action that is never a strict best response, in any state the game can reach and
against any play of the others, is vestigial: it can never be played for a reason, only
on a tie. :func:`strictly_best_somewhere` finds, for each action, where it is strictly
best; :func:`vestigial_actions` lists the actions that never are. Both take any stack of
stage games, either the round's own payoffs or the stage games the equilibrium is computed
from (payoffs plus discounted continuation values).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.article.actors import ACTIONS, PLAYERS, SHAPE
from sim.article.parameters import FloatArray

#: An action is strictly best when it beats every other by more than this, relative to the
#: spread of the player's payoffs in that stage game (at least 1).
STRICT = 1e-9


@dataclass(frozen=True)
class Witness:
    """Where an action is strictly best: a state and the others' pure profile."""

    player: str
    action: str
    state: int
    profile: tuple[int, ...]
    margin: float


def _strict_mask(payoffs: FloatArray, k: int) -> FloatArray:
    """``(S, m_k, *others)``: whether action ``a`` of player ``k`` is strictly best at each
    state against each pure profile of the others, and by how much (0 where it is not)."""
    u = np.moveaxis(payoffs[:, k], 1 + k, 1)  # (S, m_k, *others)
    axes = tuple(range(1, u.ndim))
    spread = np.maximum(1.0, u.max(axis=axes) - u.min(axis=axes))
    tol = STRICT * spread.reshape((-1,) + (1,) * (u.ndim - 1))
    out = np.zeros_like(u)
    m = u.shape[1]
    for a in range(m):
        others = np.delete(u, a, axis=1).max(axis=1)
        margin = u[:, a] - others
        out[:, a] = np.where(margin > tol[:, 0], margin, 0.0)
    return out


def strictly_best_somewhere(
    payoffs: FloatArray, states: np.ndarray | None = None
) -> dict[str, dict[str, Witness | None]]:
    """For each player and action, the state and profile of the others where the action
    beats every alternative by the largest margin (``None`` if nowhere).

    Parameters
    ----------
    payoffs
        ``(S, n, *SHAPE)`` stage games (e.g. one round's, or with continuation values).
    states
        Indices of the states to search (default: all).
    """
    if states is not None:
        idx = np.asarray(states, dtype=np.intp)
        payoffs = payoffs[idx]
    else:
        idx = np.arange(payoffs.shape[0])
    out: dict[str, dict[str, Witness | None]] = {}
    for k, player in enumerate(PLAYERS):
        margins = _strict_mask(payoffs, k)  # (S, m_k, *others)
        found: dict[str, Witness | None] = {}
        for a, action in enumerate(ACTIONS[player]):
            ma = margins[:, a]
            if not np.any(ma > 0):
                found[action] = None
                continue
            where = np.unravel_index(int(np.argmax(ma)), ma.shape)
            others = list(int(x) for x in where[1:])
            profile = tuple(others[:k] + [a] + others[k:])
            found[action] = Witness(player, action, int(idx[where[0]]), profile,
                                    float(ma[where]))  # fmt: skip
        out[player] = found
    return out


def vestigial_actions(payoffs: FloatArray, states: np.ndarray | None = None) -> list[str]:
    """``player.action`` for every action strictly best nowhere in ``payoffs``."""
    found = strictly_best_somewhere(payoffs, states)
    return [f"{p}.{a}" for p in PLAYERS for a, w in found[p].items() if w is None]


def best_response(payoffs: FloatArray, player: str, against: dict[str, int]) -> FloatArray:
    """``(S,)`` index of ``player``'s best action in each state against the others' pure
    actions ``against`` (``{player: action index}``; ties go to the first action)."""
    k = PLAYERS.index(player)
    index: list[Any] = [slice(None), k]
    for j, other in enumerate(PLAYERS):
        index.append(slice(None) if j == k else against[other])
    u = payoffs[tuple(index)]
    assert u.shape[1:] == (SHAPE[k],)
    return np.asarray(np.argmax(u, axis=1))
