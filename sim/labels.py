"""Display names of the players and their actions.

The game's roles and action names (:data:`sim.article.actors.PLAYERS`,
:data:`sim.article.actors.ACTIONS`) are the keys everywhere in data (results.json, CSV,
analyses.json). What a reader sees in figures and reports may differ: a scenario can rename
players and actions (its ``players:`` mapping), and the run writes the names in force into
the typed results' ``labels`` (:class:`sim.results.LabelNames`). Figures and reports read
them from there, so data still flows one way: scenario -> results -> figures and report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sim.article import actors


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Labels:
    """Display names: ``players`` role -> name, ``actions`` role -> {action -> name}.

    Any role or action without an entry is shown as the model's default (the role's
    :data:`sim.article.actors.PLAYER_LABELS` entry, the action's own name).
    """

    players: Mapping[str, str] = field(default_factory=dict, hash=False)
    actions: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def player(self, role: str | None) -> str:
        """The display name of ``role`` (``""`` for ``None``)."""
        if role is None:
            return ""
        return self.players.get(role) or actors.PLAYER_LABELS.get(role, role)

    def action(self, role: str, action: str) -> str:
        """The display name of ``role``'s action ``action``."""
        return (self.actions.get(role) or {}).get(action) or action

    @classmethod
    def of(
        cls,
        players: Mapping[str, str] | None = None,
        actions: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Labels:
        """Labels with the given names over the model's defaults."""
        return cls(
            _frozen(dict(players or {})),
            MappingProxyType({p: _frozen(a) for p, a in (actions or {}).items()}),
        )

    @classmethod
    def default(cls) -> Labels:
        """The model's own names."""
        return cls.of(actors.PLAYER_LABELS, {p: {a: a for a in actors.ACTIONS[p]}
                                            for p in actors.PLAYERS})
