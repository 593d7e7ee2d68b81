"""The sampled plays (``ArticleResults.paths``) and their figure: draws of the selected
equilibrium agree with its exact probabilities, and the title states what the draws show."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from sim.figures.paths import MIN_STANDING, title_paths, value_fan
from sim.figures.registry import context_of
from sim.results import ArticleResults
from sim.results.article import SampledPaths


def test_sampled_frequencies_agree_with_the_exact_probabilities(tiny: ArticleResults) -> None:
    """Each round's share of plays in each stance (and fallen) is a binomial estimate of
    the exact probability ``p`` the results hold: within 5 standard errors
    ``sqrt(p (1 - p) / N)`` plus one play (the law of large numbers; the seed is fixed)."""
    assert tiny.paths is not None
    plays = tiny.paths.stances
    n = len(plays)
    for t, r in enumerate(tiny.rounds):
        observed = [p[t] for p in plays]
        exact = {**r.actions[tiny.focal], "collapsed": r.collapsed}
        for stance, p in exact.items():
            share = observed.count(stance) / n
            bound = 5 * math.sqrt(p * (1 - p) / n) + 1 / n
            assert abs(share - p) <= bound, (t, stance, share, p)


def test_a_fallen_regime_stays_fallen_and_has_no_value(tiny: ArticleResults) -> None:
    assert tiny.paths is not None
    for stances, values in zip(tiny.paths.stances, tiny.paths.value, strict=True):
        fallen = [s == "collapsed" for s in stances]
        assert fallen == sorted(fallen), "collapse is absorbing"
        assert [v is None for v in values] == fallen


def test_the_title_counts_the_plays_it_describes(tiny: ArticleResults) -> None:
    assert tiny.paths is not None
    first = []
    for play in tiny.paths.stances:
        left = [s for s in play if s != "hedge"]
        first.append(left[0] if left else "never")
    title = title_paths(tiny, context_of(tiny))
    n = len(first)
    never = first.count("never")
    assert f"Of {n} sampled plays" in title or f"All {n} sampled plays" in title
    if never < n:
        assert f"{n - never} leave hedging" in title and f"{never} hedge throughout" in title
        for end, words in (("realign", "to realign"), ("align", "to align"),
                           ("collapsed", "in the regime's collapse")):
            if first.count(end):
                assert f"{first.count(end)} {words}" in title, title


def test_the_fan_is_drawn_only_where_enough_plays_stand(tiny: ArticleResults) -> None:
    """Rounds where fewer than MIN_STANDING plays stand have no fan; elsewhere the bands
    nest around the median."""
    assert tiny.paths is not None
    rounds = len(tiny.rounds)
    keep = MIN_STANDING - 1
    stances = [p if k < keep else [p[0]] + ["collapsed"] * (rounds - 1)
               for k, p in enumerate(tiny.paths.stances)]
    value = [v if k < keep else [v[0]] + [None] * (rounds - 1)
             for k, v in enumerate(tiny.paths.value)]
    thinned = tiny.model_copy(update={"paths": SampledPaths(seed=tiny.paths.seed,
                                                            stances=stances, value=value)})
    fan = value_fan(thinned)
    assert fan["standing"][0] == len(stances) and fan["standing"][1] == keep
    assert np.all(np.isnan(fan["median"][1:])) and not np.isnan(fan["median"][0])
    whole = value_fan(tiny)
    ok = ~np.isnan(whole["median"])
    assert ok.any()
    assert np.all(whole["0.1"][ok] <= whole["0.25"][ok])
    assert np.all(whole["0.25"][ok] <= whole["median"][ok])
    assert np.all(whole["median"][ok] <= whole["0.75"][ok])
    assert np.all(whole["0.75"][ok] <= whole["0.9"][ok])


def test_ragged_paths_are_refused() -> None:
    with pytest.raises(ValidationError, match="same number of rounds"):
        SampledPaths(seed=0, stances=[["hedge", "hedge"], ["hedge"]],
                     value=[[1.0, 1.0], [1.0]])
    with pytest.raises(ValidationError, match="same paths"):
        SampledPaths(seed=0, stances=[["hedge"]], value=[[1.0], [1.0]])


def test_the_robustness_figure_shades_the_fragile_states(tiny: ArticleResults) -> None:
    """The shaded steps are the results' per-round probability of a state with several
    equilibria (``ArticleRound.fragile``)."""
    from sim.figures.robustness import FRAGILE, build, fragile_series

    series = fragile_series(tiny)
    assert series is not None
    fig = build(tiny, context_of(tiny))
    shaded = [a for a in fig.axes[0].patches if a.get_label() == FRAGILE]
    assert len(shaded) == 1
    heights = shaded[0].get_path().vertices[:, 1]
    assert heights.max() == pytest.approx(series.max())
    without = tiny.model_copy(update={"rounds": [r.model_copy(update={"fragile": None})
                                                 for r in tiny.rounds]})
    assert fragile_series(without) is None
