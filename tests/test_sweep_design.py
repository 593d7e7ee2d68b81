"""Sweep designs over Model 2 key paths: grid shape and order, key-path validation, Monte
Carlo determinism, sensitivity ends."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.scenario import Distribution, scenario_from_mapping
from sim.sweep import design as D


def _scenario(**extra: object) -> object:
    data = {"name": "t", "description": "d", "question": "q", **extra}
    return scenario_from_mapping(data)


UNCERTAIN = {
    "draws": 500,
    "parameters": {
        "payoffs.gulf_incentive": {"dist": "uniform", "low": 1.0, "high": 5.0},
        "beliefs.iran.visibility": {"dist": "normal", "mean": 1.0, "sd": 0.3, "low": 0.0,
                                    "high": 2.0},
        "payoffs.hedge_incentive_share": {
            "dist": "triangular", "low": 0.2, "mode": 0.4, "high": 0.6,
        },
        "payoffs.iran_aid": {"dist": "lognormal", "mean": 1.3, "sd": 0.2, "high": 8.0},
    },
}  # fmt: skip


def test_grid_two_axes_shape_and_order() -> None:
    d = D.grid_design([D.parse_param("beliefs.iran.visibility=0.25:2:4"),
                       D.parse_param("payoffs.gulf_incentive=1:10:3")])  # fmt: skip
    assert d.shape == (4, 3) and d.values.shape == (12, 2)
    grid = d.values.reshape(4, 3, 2)
    np.testing.assert_array_equal(grid[:, 0, 0], np.linspace(0.25, 2, 4))
    np.testing.assert_array_equal(grid[0, :, 1], np.linspace(1, 10, 3))
    assert d.keys == ("beliefs.iran.visibility", "payoffs.gulf_incentive")


def test_grid_from_scenario_sweeps_section() -> None:
    sc = _scenario(sweeps=[{"name": "s", "params": {"game.discount": {
        "start": 0.5, "stop": 0.9, "num": 5}}}])  # fmt: skip
    d = D.scenario_sweep(sc)
    assert d.kind == "grid" and d.shape == (5,) and d.meta["name"] == "s"
    with pytest.raises(ScenarioError, match="no sweep named 'x'"):
        D.scenario_sweep(sc, "x")
    with pytest.raises(ScenarioError, match="no sweeps"):
        D.scenario_sweep(_scenario())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("beliefs.iran.visibility", "expected key.path=start:stop:num"),
        ("beliefs.iran.visibility=0:1", "expected key.path=start:stop:num"),
        ("beliefs.iran.visibilty=0:1:3", "cannot vary 'beliefs.iran.visibilty'; did you mean "
         "'beliefs.iran.visibility'"),
        ("payoffs.nope=0:1:3", "cannot vary"),
        ("game.rounds=1:10:3", "cannot vary"),
        ("tolerance.iran.decay=0.01:0.2:3", "cannot vary"),  # the first model's, gone
        ("parameters.gulf_incentive=1:5:3", "cannot vary"),
        ("payoffs.iran_aid=a:1:3", "must be numbers"),
        ("payoffs.iran_aid=1:2:1", "num >= 2"),
        ("payoffs.hedge_incentive_share=0.2:2:3", r"lies in \[0.1, 0.8\], so 2 is outside it"),
        ("game.discount=0.5:1:3", r"lies in \[0, 0.99\], so 1 is outside it"),
    ],
)
def test_bad_params_give_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as info:
        D.parse_param(text)
    assert "\n" not in str(info.value)


def test_grid_refuses_three_axes_and_repeats() -> None:
    ax = D.parse_param("payoffs.iran_aid=1:2:2")
    with pytest.raises(ScenarioError, match="one or two"):
        D.grid_design([ax, ax, ax])
    with pytest.raises(ScenarioError, match="twice"):
        D.grid_design([ax, ax])


def test_monte_carlo_is_deterministic_by_seed() -> None:
    a = D.monte_carlo_design(_scenario(uncertainty=UNCERTAIN, seed=7))
    b = D.monte_carlo_design(_scenario(uncertainty=UNCERTAIN, seed=7))
    c = D.monte_carlo_design(_scenario(uncertainty=UNCERTAIN, seed=8))
    assert a.values.shape == (500, 4)
    assert a.values.tobytes() == b.values.tobytes() and a.hash == b.hash
    assert not np.array_equal(a.values, c.values) and a.hash != c.hash
    # Keys are sorted, so reordering the YAML mapping changes nothing.
    flipped = dict(UNCERTAIN, parameters=dict(reversed(list(UNCERTAIN["parameters"].items()))))
    d = D.monte_carlo_design(_scenario(uncertainty=flipped, seed=7))
    assert d.keys == a.keys and np.array_equal(d.values, a.values)


def test_monte_carlo_draws_respect_bounds_and_distributions() -> None:
    sc = _scenario(uncertainty=dict(UNCERTAIN, draws=20_000), seed=1)
    d = D.monte_carlo_design(sc)
    col = dict(zip(d.keys, d.values.T, strict=True))
    v = col["beliefs.iran.visibility"]
    assert v.min() >= 0.0 and v.max() <= 2.0 and abs(v.mean() - 1.0) < 0.01
    g = col["payoffs.gulf_incentive"]
    assert g.min() >= 1.0 and g.max() <= 5.0 and abs(g.mean() - 3.0) < 0.05


def test_monte_carlo_refuses_draws_outside_a_keys_range() -> None:
    bad = {"parameters": {"payoffs.hedge_incentive_share": {
        "dist": "normal", "mean": 0.5, "sd": 0.5}}}  # fmt: skip
    with pytest.raises(ScenarioError, match="hedge_incentive_share lies in"):
        D.monte_carlo_design(_scenario(uncertainty=bad))


@given(
    st.sampled_from(["uniform", "normal", "triangular", "lognormal"]),
    st.floats(0.01, 0.99),
)
def test_quantile_matches_empirical_quantile(dist: str, q: float) -> None:
    spec = {
        "uniform": dict(low=1.0, high=3.0),
        "normal": dict(mean=2.0, sd=0.5, low=1.5),
        "triangular": dict(low=1.0, mode=1.5, high=4.0),
        "lognormal": dict(mean=0.0, sd=0.3),
    }[dist]
    d = Distribution(dist=dist, **spec)  # type: ignore[arg-type]
    x = D.draw(d, 200_000, np.random.default_rng(0))
    assert abs(D.quantile(d, q) - float(np.quantile(x, q))) < 0.03


def test_sensitivity_design_one_at_a_time() -> None:
    sc = _scenario(uncertainty=UNCERTAIN, payoffs={"iran_aid": 4.5})
    d = D.sensitivity_design(sc)
    k = len(d.keys)
    assert d.values.shape == (1 + 2 * k, k)
    base = d.values[0]
    assert base[d.keys.index("payoffs.iran_aid")] == 4.5
    assert base[d.keys.index("beliefs.iran.visibility")] == 1.0  # the parameter's default
    for i, (key, end) in enumerate(d.labels[1:], start=1):
        j = d.keys.index(key)
        others = np.delete(d.values[i], j)
        np.testing.assert_array_equal(others, np.delete(base, j))
        expected = D.quantile(sc.uncertainty.parameters[key], 0.05 if end == "low" else 0.95)
        assert d.values[i, j] == expected
    g = d.keys.index("payoffs.gulf_incentive")
    assert d.values[1 + 2 * g, g] == pytest.approx(1.2)


@pytest.mark.parametrize("q", [0.0, 0.05, 0.3, 0.5, 0.95, 1.0])
def test_quantiles_are_the_closed_forms(q: float) -> None:
    """Inverse CDFs from their definitions (uniform and triangular by hand, the normal by the
    standard library's NormalDist): scipy's ppf behind :func:`quantile` agrees."""
    import math
    from statistics import NormalDist

    a, c, b = 1.0, 1.5, 4.0
    tri = Distribution(dist="triangular", low=a, mode=c, high=b)
    split = (c - a) / (b - a)
    expected = (
        a + math.sqrt(q * (b - a) * (c - a)) if q <= split
        else b - math.sqrt((1 - q) * (b - a) * (b - c))
    )  # fmt: skip
    assert D.quantile(tri, q) == pytest.approx(expected, rel=1e-12)
    uni = Distribution(dist="uniform", low=1.0, high=3.0)
    assert D.quantile(uni, q) == pytest.approx(1.0 + 2.0 * q, rel=1e-12)
    if 0 < q < 1:
        z = NormalDist().inv_cdf(q)
        normal = Distribution(dist="normal", mean=2.0, sd=0.5)
        assert D.quantile(normal, q) == pytest.approx(2.0 + 0.5 * z, rel=1e-9)
        lognormal = Distribution(dist="lognormal", mean=0.2, sd=0.3, high=1.5)
        assert D.quantile(lognormal, q) == pytest.approx(min(math.exp(0.2 + 0.3 * z), 1.5))


def test_distributions_without_spread_are_constants() -> None:
    rng = np.random.default_rng(0)
    for d, value in [
        (Distribution(dist="uniform", low=2.0, high=2.0), 2.0),
        (Distribution(dist="triangular", low=2.0, mode=2.0, high=2.0), 2.0),
        (Distribution(dist="normal", mean=3.0, sd=0.0, high=2.5), 2.5),
        (Distribution(dist="lognormal", mean=0.0, sd=0.0), 1.0),
    ]:
        assert D.quantile(d, 0.3) == value
        assert np.all(D.draw(d, 5, rng) == value)
