"""Typed Model 2 results changed for a test (the run itself: ``conftest.tiny``)."""

from __future__ import annotations

import copy
from typing import Any

from sim.results import ArticleResults


def with_changes(results: ArticleResults, **changes: Any) -> ArticleResults:
    """``results`` with top-level fields replaced, validated again."""
    data = copy.deepcopy(results.model_dump(mode="json"))
    data.update(changes)
    return ArticleResults.model_validate(data)
