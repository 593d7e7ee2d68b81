"""hedgesim analyze: answers as distributions over the supported set (issue 12).

The solving tests use 2 rounds on the smallest grid; the rest use synthetic answers, so
the flagging and the bookkeeping are tested without solves.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sim.article.parameters import PARAMETER_NAMES, Parameters, stack
from sim.calibrate.analysis import (
    AnalysisOptions,
    Table,
    Targets,
    distributions,
    exit_modes,
    horizon_outcomes,
    knife_edges,
)
from sim.calibrate.constraints import load_constraints
from sim.calibrate.sampler import Space, draw
from sim.calibrate.setting import ANALYSIS_RESOLUTION, Setting
from sim.calibrate.solving import (
    TAIL_CHUNKS,
    TAIL_SPLIT,
    Answer,
    chunk_bounds,
    solve_calibrations,
)
from sim.results.supported import SupportedAnalysis

ROOT = Path(__file__).resolve().parents[1]
SETTING = Setting("test", "test.yaml", Parameters(), (), 2, 30.0,
                  resolution=ANALYSIS_RESOLUTION)  # fmt: skip


def _answer(at: list[list[float]], collapse: list[float], never: list[float]) -> Answer:
    b = len(at)
    exit_ = np.array([[0.1, 0.5, c, 0.4 - c] for c in collapse])
    return Answer(np.array(at), np.array(collapse), np.array(never), exit_,
                  np.zeros((b, len(at[0]) + 1)), np.zeros(b))  # fmt: skip


def test_never_and_collapse_are_outcomes_of_their_own() -> None:
    """A calibration whose hedging does not end within the run with probability 1/2 is
    "never" (or "collapse" when the regime falls first more often), never the last round."""
    a = _answer([[0.6, 0.1], [0.1, 0.2], [0.0, 0.1], [0.2, 0.35]],
                [0.1, 0.5, 0.1, 0.0], [0.2, 0.2, 0.8, 0.45])
    assert horizon_outcomes(a) == ["0", "collapse", "never", "1"]
    d = distributions(a, Targets(2, None), rounds=2)
    assert d.horizon == {"0": 0.25, "1": 0.25, "collapse": 0.25, "never": 0.25}
    assert exit_modes(a)[0] == "realign"


def test_knife_edges_name_the_input_that_moves_an_answer() -> None:
    """A fake solve whose horizon jumps when war_cost moves up by a nudge: the horizon is a
    tie moved by war_cost alone, and a smooth answer stays clean."""
    ledger = load_constraints()
    space = Space.of(ledger, Parameters())

    def solve(params: Parameters) -> Answer:
        up = np.asarray(params.war_cost) > 4.0
        at = np.where(up[:, None], [[0.6, 0.0]], [[0.0, 0.6]])
        b = len(up)
        return Answer(at, np.zeros(b), 1 - at.sum(1), np.tile([0.0, 1.0, 0.0, 0.0], (b, 1)),
                      np.zeros((b, 3)), np.asarray(params.iran_aid, dtype=float))  # fmt: skip

    edges = {e.answer: e for e in knife_edges(SETTING, space, Targets(2, None), solve)}
    assert edges["horizon"].tie and edges["horizon"].moved_by == ["war_cost"]
    assert edges["horizon"].value == "1" and edges["horizon"].alternatives == ["0"]
    assert not edges["value of ambiguity"].tie and not edges["exit"].tie


@pytest.mark.slow
def test_chunks_give_the_same_bytes_on_every_executor_and_resume(tmp_path: Path) -> None:
    cals = stack([Parameters(), Parameters(war_cost=6.0), Parameters(iran_aid=5.0)])
    first = solve_calibrations(SETTING, cals, folder=tmp_path / "c", chunk_size=2)
    assert len(list((tmp_path / "c").glob("*.npz"))) == 2
    again = solve_calibrations(SETTING, cals, folder=tmp_path / "c", chunk_size=2)
    pooled = solve_calibrations(SETTING, cals, executor="processes", workers=2, chunk_size=2)
    assert first.to_bytes() == again.to_bytes() == pooled.to_bytes()
    assert len(first) == 3 and np.allclose(
        first.horizon_at.sum(1) + first.horizon_collapse + first.horizon_never, 1.0)
    longer = dataclasses.replace(SETTING, rounds=3)
    assert solve_calibrations(longer, cals, chunk_size=2).horizon_at.shape == (3, 3)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4, 5, 8, 32])
@pytest.mark.parametrize("rows", [0, 1, 7, 31, 32, 33, 63, 64, 65, 100, 1000])
def test_chunks_cover_the_batch_in_order_with_a_finer_tail(rows: int, chunk_size: int) -> None:
    """The chunks are consecutive and cover ``[0, rows)`` once; none exceeds ``chunk_size``;
    whole chunks first, then at least ``min(rows, TAIL_CHUNKS * chunk_size)`` rows (fewer
    than one whole chunk more) in chunks of at most ``ceil(chunk_size / TAIL_SPLIT)``,
    unless ``chunk_size`` is below ``TAIL_SPLIT``."""
    bounds = chunk_bounds(rows, chunk_size)
    starts = [a for a, _ in bounds]
    stops = [b for _, b in bounds]
    assert starts == [0, *stops[:-1]][:len(starts)] and (stops[-1] if bounds else 0) == rows
    assert all(0 < b - a <= chunk_size for a, b in bounds)
    small = -(-chunk_size // TAIL_SPLIT)
    if chunk_size < TAIL_SPLIT:
        assert all(b - a == chunk_size for a, b in bounds[:-1])
        return
    whole = [b - a == chunk_size for a, b in bounds]
    head = whole.index(False) if False in whole else len(bounds)
    if chunk_size > small:  # a chunk of the tail is never whole
        assert all(whole[:head]) and not any(whole[head:])
    tail = rows - (bounds[head][0] if head < len(bounds) else rows)
    assert min(rows, TAIL_CHUNKS * chunk_size) <= tail < min(rows, TAIL_CHUNKS * chunk_size) \
        + chunk_size
    assert all(b - a <= small for a, b in bounds[head:])


def test_a_start_spread_over_states_gives_the_expected_value_of_ambiguity() -> None:
    """A round-0 shock that moves a belief between grid points (november_2024's unity
    visits) starts the run in two states at once: the value of ambiguity is the
    start-weighted mean of the two states' values, so it lies between them."""
    from sim.article.answers import answer_batch
    from sim.article.timeline import Shock

    shocked = dataclasses.replace(SETTING, shocks=(Shock(0, "belief_iran", "scale", 0.75),))
    got = solve_calibrations(shocked, stack([Parameters()]))
    (a,) = answer_batch([shocked.for_rounds(Parameters())], rounds=2, shocks=shocked.shocks,
                        resolution=shocked.resolution, rules=("qre",), myopic=False,
                        robust=False)  # fmt: skip
    states = np.flatnonzero(a.game.initial() > 0)
    assert len(states) == 2
    gaps = []
    for state in states:
        sigma = a.strategy()[0, state]
        v = np.einsum("abcd,b,c,d->a", a.stage_payoffs(0)[state, 0], *sigma[1:])
        gaps.append(v[1] - max(v[0], v[2]))  # hedge against align and realign
    assert min(gaps) - 1e-12 <= float(got.ambiguity[0]) <= max(gaps) + 1e-12


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", "analyze", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sobol-base", "8", "--screen-base", "16"),
         "--screen-base (16) must be at most --sobol-base (8)"),
        (("--n", "0"), "--n must be at least 1"),
        (("--by", "2031-01-01"), "--by 2031-01-01: outside the run"),
        (("--target-half-width", "0"), "--target-half-width must be a number above 0, got 0"),
        (("--target-half-width", "nan"), "--target-half-width must be a number above 0"),
        (("--sobol-max-base", "-1"), "--sobol-max-base must be at least 0"),
    ],
)
def test_bad_analyze_input_is_one_line(args: tuple[str, ...], message: str,
                                       tmp_path: Path) -> None:  # fmt: skip
    done = _cli("scenarios/baseline.yaml", "--out", str(tmp_path / "out"), *args)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_an_analysis_written_twice_is_the_same_bytes(tmp_path: Path) -> None:
    """Same seed, same bytes (issue 12): ``analysis.json`` and ``analysis.txt`` of two runs
    are identical, so nothing measured (the CPU time a solve took) is written; analyze
    prints it instead."""
    # a short burn-in: the test checks the bytes, not the chains' mixing (test_calibrate)
    small = ("--n", "4", "--sobol-base", "2", "--screen-base", "2", "--importance-n", "0",
             "--rounds", "2", "--pilot", "500", "--no-knife-edges", "--no-figures",
             "--burn-in", "20")
    runs = [tmp_path / "a", tmp_path / "b"]
    outputs = []
    for out in runs:
        done = _cli("scenarios/baseline.yaml", "--out", str(out), *small)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    for name in ("analysis.json", "analysis.txt"):
        assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name
    assert all("CPU s a solve over the" in text for text in outputs)
    written = SupportedAnalysis.model_validate_json((runs[0] / "analysis.json").read_bytes())
    assert written.burn_in == 20 and written.mixing is not None
    assert written.mixing.words() in outputs[0]
    assert "CPU s a solve" not in (runs[0] / "analysis.txt").read_text()


@pytest.mark.slow
def test_dask_gives_the_same_bytes() -> None:
    pytest.importorskip("dask.distributed")
    cals = stack([Parameters(), Parameters(war_cost=6.0)])
    here = solve_calibrations(SETTING, cals, chunk_size=1)
    there = solve_calibrations(SETTING, cals, executor="dask", workers=1, chunk_size=1)
    assert here.to_bytes() == there.to_bytes()


def test_validate_expect_reports_agreement_and_disagreement(tmp_path: Path) -> None:
    """Expectations the model must meet (a probability above -1), must miss (below -1) and
    cannot meet (strictly more than in the same situation, the baseline itself)."""
    (tmp_path / "baseline.yaml").write_bytes((ROOT / "scenarios" / "baseline.yaml").read_bytes())
    (tmp_path / "x.yaml").write_text(
        "extends: baseline.yaml\nname: x\ndescription: d\nquestion: q\nexpect:\n"
        "  - {answer: hedging ends, compare: more, value: -1, because: a probability}\n"
        "  - {answer: hedging ends, compare: less, value: -1, because: cannot be}\n"
        "  - {answer: exit to realign, compare: more, because: the same situation}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(tmp_path / "x.yaml"), "--expect",
         "--expect-n", "2", "--rounds", "2", "--pilot", "500", "--burn-in", "20"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    lines = [x for x in done.stdout.splitlines() if "expects" in x]
    assert len(lines) == 3
    assert "the model agrees in 100% of 2" in lines[0]
    assert "the model disagrees in 0%" in lines[1]
    assert "than in baseline.yaml: the model disagrees in 0%" in lines[2]


def test_validate_expect_refuses_a_bad_burn_in_in_one_line(tmp_path: Path) -> None:
    """``validate --expect --burn-in`` is checked like ``calibrate``'s, before any file is
    read or drawn from: one line on stderr, nothing on stdout."""
    from sim.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(["validate", str(ROOT / "scenarios" / "gulf_push.yaml"), "--expect",
                     "--burn-in", "-3"])
    assert code == 1
    said = err.getvalue().strip().splitlines()
    assert len(said) == 1 and "--burn-in must be a whole number of steps" in said[0], said
    assert out.getvalue() == ""


def test_a_verdict_says_when_its_draws_had_not_mixed() -> None:
    """A verdict on draws whose chains had not forgotten their starts carries the mixing
    check's warning; mixed draws and draws without a check add nothing."""
    from sim.calibrate.expect import Verdict
    from sim.results.calibration import ChainMixing
    from sim.scenario.expect import Expectation

    e = Expectation(answer="hedging ends", compare="more", value=0.5, because="b")
    unmixed = ChainMixing(check="ks", points=[20, 12], parameters=63, differ=40,
                          differ_loose=55, least_p=1e-9, least_p_parameter="war_cost",
                          mixed=False)
    said = Verdict(e, 0.75, 0.6, 0.5, 32, unmixed).text()
    assert "the model agrees in 75% of 32" in said
    assert "warning: the chains may not have forgotten their starts: 40 of 63" in said
    assert "warning" not in Verdict(e, 0.75, 0.6, 0.5, 32, unmixed.model_copy(
        update={"mixed": True, "differ": 0})).text()
    assert "warning" not in Verdict(e, 0.75, 0.6, 0.5, 32).text()


def test_a_malformed_expectation_is_one_located_line(tmp_path: Path) -> None:
    (tmp_path / "baseline.yaml").write_bytes((ROOT / "scenarios" / "baseline.yaml").read_bytes())
    (tmp_path / "x.yaml").write_text(
        "extends: baseline.yaml\nname: x\ndescription: d\nquestion: q\nexpect:\n"
        "  - {answer: happiness, compare: more, because: b}\n"
    )
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(tmp_path / "x.yaml")],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)  # fmt: skip
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "expect" in done.stderr and "answer" in done.stderr, done.stderr


def test_the_cli_defaults_are_the_default_analysis() -> None:
    """``hedgesim analyze``'s defaults (restated in sim.calibrate.commands so --help needs
    no numpy) are AnalysisOptions' defaults: the analysis the docs and the benchmark time."""
    from sim.calibrate.analysis import AnalysisOptions
    from sim.cli import build_parser

    args = build_parser().parse_args(["analyze", "scenarios/baseline.yaml"])
    default = AnalysisOptions()
    assert (args.n, args.sobol_base, args.screen_base, args.sobol_max_base,
            args.target_half_width, args.importance_n, args.chunk_size) == (
        default.n, default.sobol_base, default.screen_base, default.max_base,
        default.target_half_width, default.importance_n, default.chunk_size)


def test_the_analysis_estimates_rest_on_prefixes_and_fewer_rows_of_b() -> None:
    """The analysis's design built from independent base rows (:func:`mixed_rows`, as
    ``analyze`` does) and estimated by :func:`sobol_table` with ``f(B)`` on a quarter of the
    base rows only (the third stage solves ``A``'s rows only): on ``Y = X1 + 2 (X2 + X3)``
    with independent uniform inputs and the factors {X1}, {X2, X3}, the first-order and
    total indices are 1/9 and 8/9 (variances 1/12 and 4 * 2/12; additive, so first-order
    equals total), within their intervals (and a quarter more); each factor's total rests on
    its rows (``base``) and is narrower on more of them."""
    from sim.calibrate.analysis import mixed_rows, sobol_table

    rng = np.random.default_rng(3)
    base = 4096
    a_rows, b_rows = rng.random((base, 3)), rng.random((base, 3))

    def f(x: np.ndarray) -> np.ndarray:
        return (x[:, 0] + 2 * (x[:, 1] + x[:, 2]))[:, None]

    y_mixed = {name: f(mixed_rows(a_rows, b_rows, cols))
               for name, cols in (("one", [0]), ("two", [1, 2]))}  # fmt: skip
    for rows in ({"one": base, "two": base}, {"one": base, "two": base // 2}):
        table = sobol_table(f(a_rows), f(b_rows)[:base // 4], y_mixed, ("y",), rows, seed=1)
        found = {r.factor: r for r in table["y"]}
        assert [r.factor for r in table["y"]] == ["one", "two"]
        for name, truth in (("one", 1 / 9), ("two", 8 / 9)):
            r = found[name]
            assert r.base == rows[name]
            assert abs(r.ST - truth) <= 1.25 * r.ST_conf + 1e-3, (rows, name)
            assert abs(r.S1 - truth) <= 1.25 * r.S1_conf + 1e-3, (rows, name)
    half = sobol_table(f(a_rows), f(b_rows)[:base // 4], y_mixed, ("y",),
                       {"one": base // 8, "two": base}, seed=1)["y"]  # fmt: skip
    assert half[0].ST_conf > found["one"].ST_conf


def _uniform_design(base: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((base, dim)), rng.random((base, dim))


def test_the_screening_names_each_answers_leading_factor_and_refines_it() -> None:
    """Two answers on three independent uniform inputs, each input its own factor:
    Ishigami's function (Ishigami and Homma 1990, a = 7, b = 0.1 on [-pi, pi]^3: total
    indices 0.5576, 0.4424, 0.2437, Saltelli et al. 2008, section 4.9; x1 leads) and
    ``u3 + u2 / 2`` (additive: total indices 0, 0.2, 0.8 from the variances 1/12 and
    1/48; x3 leads). The screening on the first 1,024 base rows names x1 and x3; the
    refined rows rest on all 4,096 base rows and lie within their interval (and a quarter
    more) of the analytic values, with narrower intervals than the screening's."""
    import math

    from sim.calibrate.analysis import leading_factors, mixed_rows, sobol_table

    base, screen = 4096, 1024
    a_u, b_u = _uniform_design(base, 3, 11)

    def answers(u: np.ndarray) -> np.ndarray:
        x = -math.pi + 2 * math.pi * u
        ishigami = (np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2
                    + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0]))
        return np.stack([ishigami, u[:, 2] + u[:, 1] / 2], axis=1)

    y_mixed = {f: answers(mixed_rows(a_u, b_u, [k])) for k, f in enumerate(("x1", "x2", "x3"))}
    y_a, y_b = answers(a_u), answers(b_u)
    names = ("ishigami", "additive")
    screened = sobol_table(y_a, y_b, y_mixed, names, dict.fromkeys(y_mixed, screen), seed=1)
    leaders = leading_factors(screened)
    assert leaders == ["x1", "x3"]
    final = sobol_table(y_a, y_b, y_mixed, names,
                        {**dict.fromkeys(y_mixed, screen), **dict.fromkeys(leaders, base)},
                        seed=1)  # fmt: skip
    analytic = {"ishigami": [0.5576, 0.4424, 0.2437], "additive": [0.0, 0.2, 0.8]}
    for name in names:
        rows = {r.factor: r for r in final[name]}
        assert [r.factor for r in final[name]] == ["x1", "x2", "x3"]
        assert {f: r.base for f, r in rows.items()} == {"x1": base, "x2": screen, "x3": base}
        first = {r.factor: r for r in screened[name]}
        for k, f in enumerate(("x1", "x2", "x3")):
            error = abs(rows[f].ST - analytic[name][k])
            assert error <= 1.25 * rows[f].ST_conf + 1e-3, (name, f)
        for f in leaders:  # narrower, except where the factor does not enter (x1 here: 0)
            assert rows[f].ST_conf < first[f].ST_conf or first[f].ST_conf == rows[f].ST == 0


def _recording(space: Space, solved: list[np.ndarray],
               answers_of: Callable[[np.ndarray, Parameters, int], Answer],
               ) -> Callable[..., Answer]:  # fmt: skip
    """A stand-in for ``solve_calibrations``: records the unit rows of every batch it is
    handed (in ``solved``) and answers them with ``answers_of(unit, params, rounds)``."""

    def fake(setting: Setting, params: Parameters, **_: object) -> Answer:
        unit = space.unit(params)
        solved.append(unit)
        return answers_of(unit, params, setting.rounds)

    return fake


def test_analyze_solves_the_design_it_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole analysis on a fake solve (each answer a simple function of a few
    parameters, recorded): the supported draws are at least twice the base and hold the
    design's base matrices A and B; the first batch has every factor's mixed row on the
    first ``screen`` base rows, the second only the leading factors' on the others, each
    row A's with exactly that factor's drawn columns from B; the reported rows say which
    base they rest on."""
    import sim.calibrate.analysis as analysis

    ledger = load_constraints()
    solved: list[np.ndarray] = []
    space = Space.of(ledger, SETTING.base, SETTING.fixed)

    def answers_of(unit: np.ndarray, params: Parameters, rounds: int) -> Answer:
        p = {n: np.asarray(getattr(params, n), dtype=float) for n in ("war_cost", "iran_aid",
             "strike_damage", "initial_capacity", "discount")}  # fmt: skip
        b = unit.shape[0]
        hedging = 1 / (1 + np.exp(-(p["war_cost"] - 4)))
        exit_ = np.stack([np.zeros(b), np.tanh(p["iran_aid"]) / 2, np.zeros(b), np.zeros(b)], 1)
        exit_[:, 0] = np.tanh(p["strike_damage"]) / 2
        collapsed = np.tile(p["initial_capacity"][:, None], (1, rounds + 1))
        return Answer(np.stack([hedging, np.zeros(b)], 1), np.zeros(b), 1 - hedging, exit_,
                      collapsed, p["discount"] - 0.9)  # fmt: skip

    monkeypatch.setattr(analysis, "solve_calibrations", _recording(space, solved, answers_of))
    options = analysis.AnalysisOptions(n=4, sobol_base=8, screen_base=4, max_base=8,
                                       importance_n=0, knife_edges=False,
                                       sampler={"pilot": 2000, "burn_in": 20})  # fmt: skip
    result, answers = analysis.analyze(SETTING, ledger, options)
    columns = analysis.factor_columns(space.names)
    assert sorted(k for cols in columns.values() for k in cols) == list(range(space.dim))
    assert result.n == len(answers) == 16 and result.sobol_screen_base == 4
    first, second = solved
    a_rows, b_rows = first[:8], first[8:16]
    assert len(first) == 16 + 4 * len(columns)
    # the budget's bound, checked before any work, is what was solved but for the answers
    # whose leading factor another answer shares
    bound = analysis.solves_bound(options, factors=len(columns), answers=len(result.sobol),
                                  relaxed_sets=0, nudges=0)  # fmt: skip
    shared = min(len(columns), len(result.sobol)) - len(result.sobol_leaders)
    assert len(first) + len(second) == bound - shared * (8 - 4)
    assert len(second) == 4 * len(result.sobol_leaders) and result.sobol_leaders

    def check(rows: np.ndarray, base_rows: slice, factors: list[str]) -> None:
        for i, f in enumerate(factors):
            block = rows[4 * i: 4 * i + 4]
            moved = np.zeros(space.dim, dtype=bool)
            moved[columns[f]] = True
            np.testing.assert_array_equal(block[:, moved], b_rows[base_rows][:, moved])
            np.testing.assert_array_equal(block[:, ~moved], a_rows[base_rows][:, ~moved])

    check(first[16:], slice(0, 4), list(columns))
    check(second, slice(4, 8), result.sobol_leaders)
    for rows in result.sobol.values():
        for r in rows:
            assert r.base == (8 if r.factor in result.sobol_leaders else 4)
    # the projection counts every row handed to the solver (the fake solved them all and
    # measured nothing)
    proj = result.sobol_projection
    assert proj is not None and proj.run_solves == sum(len(u) for u in solved)
    assert [p.answer for p in result.sobol_precision] == [
        name for name, rows in result.sobol.items() if rows]


def test_the_third_stage_extends_the_leaders_short_of_the_target(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """With a target half-width no base of 8 reaches (0.001), the third stage's one pass
    (``passes=1``) extends each covered answer's leading factor to ``max_base`` (12) base
    rows: it draws 2 x 4 more
    supported calibrations (the first stage drew exactly the two base matrices, so none is
    spare), which continue ``A`` (the first four, solved) and ``B`` (the next four, not
    solved: their values only enter the mixed rows); each extended factor's new mixed rows
    are ``A``'s rows from where its rows ended (8 for a leader) to 12 with that factor's
    columns from ``B`` (:func:`_check_passes`); its indices then rest on 12 rows, the
    distributions on the 20 supported calibrations solved (A's 12 rows, B's 8), and the
    budget's bound, known before any work, covers what was solved."""
    import sim.calibrate.analysis as analysis

    ledger = load_constraints()
    solved: list[np.ndarray] = []
    space = Space.of(ledger, SETTING.base, SETTING.fixed)

    def answers_of(unit: np.ndarray, _: Parameters, rounds: int) -> Answer:
        b = unit.shape[0]
        hedging = 1 / (1 + np.exp(-(unit[:, :8].sum(axis=1) - 4)))
        exit_ = np.stack([np.tanh(unit[:, 8:20].sum(axis=1)) / 2, unit[:, 20] / 2,
                          np.zeros(b), np.zeros(b)], 1)  # fmt: skip
        collapsed = np.tile(unit[:, 30:31], (1, rounds + 1))
        return Answer(np.stack([hedging, np.zeros(b)], 1), np.zeros(b), 1 - hedging, exit_,
                      collapsed, unit[:, 40:50].sum(axis=1))  # fmt: skip

    monkeypatch.setattr(analysis, "solve_calibrations", _recording(space, solved, answers_of))
    options = analysis.AnalysisOptions(n=4, sobol_base=8, screen_base=4, max_base=12,
                                       target_half_width=0.001, importance_n=0,
                                       knife_edges=False, passes=1,
                                       sampler={"pilot": 2000, "burn_in": 20})  # fmt: skip
    result, answers = analysis.analyze(SETTING, ledger, options)
    columns = analysis.factor_columns(space.names)
    first, second, third = solved
    assert [p.extended for p in result.sobol_passes] == [result.sobol_extended]
    grown = result.sobol_extended
    assert grown and set(grown.values()) == {12}
    rows = _check_passes(result, solved, space, options)
    assert len(third) == 4 + sum(12 - (8 if f in result.sobol_leaders else 4) for f in grown)
    assert rows == {f: grown.get(f, 8 if f in result.sobol_leaders else 4) for f in columns}
    assert result.n == len(answers) == 12 + 8 and result.sobol_top_base == 12
    bound = analysis.solves_bound(options, factors=len(columns), answers=len(result.sobol),
                                  relaxed_sets=0, nudges=0)  # fmt: skip
    assert len(first) + len(second) + len(third) <= bound
    proj = result.sobol_projection
    assert proj is not None and proj.run_solves == len(first) + len(second) + len(third)


def _varying(unit: np.ndarray, _: Parameters, rounds: int) -> Answer:
    """Every answer a function of a few unit coordinates (each varies)."""
    b = unit.shape[0]
    hedging = 1 / (1 + np.exp(-(unit[:, :8].sum(axis=1) - 4)))
    exit_ = np.stack([unit[:, 20] / 2, np.tanh(unit[:, 8:20].sum(axis=1)) / 2, np.zeros(b),
                      np.zeros(b)], 1)  # fmt: skip
    collapsed = np.tile(unit[:, 30:31], (1, rounds + 1))
    return Answer(np.stack([hedging, np.zeros(b)], 1), np.zeros(b), 1 - hedging, exit_,
                  collapsed, unit[:, 40:50].sum(axis=1))  # fmt: skip


def _check_passes(result: SupportedAnalysis, solved: list[np.ndarray], space: Space,
                  options: AnalysisOptions) -> dict[str, int]:  # fmt: skip
    """The third stage's batches against its record (``sobol_passes``), pass by pass: a
    pass's batch holds its new supported draws (``drawn``, every one supported), which
    continue ``A`` (their first half) and ``B`` (the second) up to the pass's ``base``, then
    each factor it extended: ``A``'s rows from where that factor's rows ended (the
    screening's ``screen_base`` or the refinement's ``sobol_base`` or an earlier pass's
    reach: a prefix, the rows solved before reused) to its new reach, with that factor's
    columns from ``B``. The new supported draws are the next rows of the third stage's
    draws: a pass that needs more rows than the earlier ones left draws, with its own
    stream, the rest of its rows and the most the next pass can take (the base rows up to
    twice its base, at most ``max_base``: ``2 x (reach - base)`` rows); the rows left over
    are taken first. Returns the base rows each factor rests on after the last pass."""
    from sim.calibrate.analysis import factor_columns

    columns = factor_columns(space.names)
    base, screen = options.sobol_base, options.screen_base
    ledger = load_constraints()
    assert options.n <= 2 * base  # no spare supported draws: every pass draws A's and B's rows
    a_rows, b_rows = solved[0][:base], solved[0][base:2 * base]
    rows = {f: base if f in result.sobol_leaders else screen for f in columns}
    assert len(solved) == 2 + len(result.sobol_passes)
    seeds = np.random.SeedSequence(options.seed).generate_state(4 + max(options.passes, 1))
    pool = np.zeros((0, space.dim))  # the third stage's draws not taken yet
    for step, (p, batch) in enumerate(zip(result.sobol_passes, solved[2:], strict=True), 1):
        k = p.base - len(a_rows)
        assert p.drawn == 2 * k
        if len(pool) < 2 * k:  # a draw of its own, with this pass's stream
            size = 2 * k - len(pool) + 2 * (min(options.top_base(), 2 * p.base) - p.base)
            again = draw(ledger, space, size, int(seeds[3 + step]),
                         **{"chains": size, **options.sampler})  # type: ignore[arg-type]
            assert ledger.satisfied(again.params).all()
            # as the solver is handed them (a round trip)
            pool = np.concatenate([pool, space.unit(again.params)])
        fresh, pool = pool[:2 * k], pool[2 * k:]
        np.testing.assert_array_equal(batch[:k], fresh[:k])  # B's new rows are not solved
        a_rows = np.concatenate([a_rows, fresh[:k]])
        b_rows = np.concatenate([b_rows, fresh[k:]])
        at = k
        for f, reach in p.extended.items():
            assert rows[f] < reach <= p.base
            block = batch[at:at + reach - rows[f]]
            moved = np.zeros(space.dim, dtype=bool)
            moved[columns[f]] = True
            np.testing.assert_array_equal(block[:, moved], b_rows[rows[f]:reach][:, moved])
            np.testing.assert_array_equal(block[:, ~moved], a_rows[rows[f]:reach][:, ~moved])
            at += reach - rows[f]
            rows[f] = reach
        assert at == len(batch)
    # the supported calibrations solved: A's rows and B's first sobol_base
    assert result.n == len(a_rows) + base
    for table in result.sobol.values():
        for r in table:
            assert r.base == rows[r.factor]
    return rows


def test_every_pass_extends_a_prefix_of_the_base_and_repeats_byte_for_byte(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Real estimates on a fake solve, a target no base reaches (0.001), at most
    ``MAX_PASSES`` passes up to 12 base rows: every pass's batch is the design it records
    (:func:`_check_passes`), no more passes than allowed, the solves are within the
    budget's bound known before any work, and a second run gives the same bytes."""
    import sim.calibrate.analysis as analysis

    ledger = load_constraints()
    space = Space.of(ledger, SETTING.base, SETTING.fixed)
    options = analysis.AnalysisOptions(n=4, sobol_base=8, screen_base=4, max_base=12,
                                       target_half_width=0.001, importance_n=0,
                                       knife_edges=False,
                                       sampler={"pilot": 2000, "burn_in": 20})  # fmt: skip
    texts = []
    for _ in range(2):
        solved: list[np.ndarray] = []
        monkeypatch.setattr(analysis, "solve_calibrations", _recording(space, solved, _varying))
        result, answers = analysis.analyze(SETTING, ledger, options)
        texts.append(result.model_dump_json())
    assert texts[0] == texts[1]
    assert 1 <= len(result.sobol_passes) <= analysis.MAX_PASSES == result.sobol_max_passes
    rows = _check_passes(result, solved, space, options)
    assert result.sobol_extended == {f: rows[f] for f in rows
                                     if any(f in p.extended for p in result.sobol_passes)}
    made = sum(len(u) for u in solved)
    columns = analysis.factor_columns(space.names)
    assert made <= analysis.solves_bound(options, factors=len(columns),
                                         answers=len(result.sobol), relaxed_sets=0, nudges=0)
    # A's rows and B's sobol_base rows are solved (B's third-stage rows are drawn, not solved)
    assert result.n == len(answers) == result.sobol_top_base + options.sobol_base
    # a leader still short of the target says why: every pass's reach is the cap here, so a
    # leader on fewer rows was overtaken after the last pass (or the passes ran out)
    for p in result.sobol_precision:
        if p.answer == analysis.AMBIGUITY:
            assert p.short_of_target is None
        elif p.base == 12:
            assert p.short_of_target == "max base"


@pytest.mark.parametrize(("executor", "workers"), [("processes", 2), ("dask", 1)])
def test_an_analysis_draws_the_same_bytes_on_every_executor(
        monkeypatch: pytest.MonkeyPatch, executor: str, workers: int) -> None:  # fmt: skip
    """The analysis with its draws on an executor's workers (the supported draws, the
    relaxed sets and each pass's draws: :func:`sim.calibrate.analysis.draw_runner`; the
    solves faked here and recorded) hands the solver the same rows, to the bit, and writes
    the same result as in process: passes included (a target no base reaches)."""
    import sim.calibrate.analysis as analysis

    if executor == "dask":
        pytest.importorskip("dask.distributed")
    ledger = load_constraints()
    space = Space.of(ledger, SETTING.base, SETTING.fixed)
    runs = []
    for where in ("inprocess", executor):
        options = analysis.AnalysisOptions(n=4, sobol_base=8, screen_base=4, max_base=12,
                                           target_half_width=0.001, importance_n=3,
                                           knife_edges=False, executor=where, workers=workers,
                                           sampler={"pilot": 2000, "burn_in": 20})  # fmt: skip
        solved: list[np.ndarray] = []
        monkeypatch.setattr(analysis, "solve_calibrations", _recording(space, solved, _varying))
        result, _ = analysis.analyze(SETTING, ledger, options)
        runs.append((b"".join(u.tobytes() for u in solved), len(solved), result.sobol_passes,
                     result.model_dump_json()))  # fmt: skip
    assert runs[0] == runs[1]
    assert any(p.drawn > 0 for p in runs[0][2]), "no pass of the third stage drew"


def test_a_leader_overtaken_after_a_pass_is_extended_by_the_next(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Scripted estimates (each table's leader and half-width set by hand on the real
    design; every other factor 0.1 +- 0.01): after the refinement every answer is led by
    the factor ``f0`` on 8 base rows at +- 0.2 (it needs 8 x 2^2 = 32 rows, capped at 16), so
    the first pass extends it from 8 to 16 (twice its rows, ``EXTENSION_GROWTH``) and draws
    2 x 8 supported calibrations (A's 8 solved, B's not); then an alignment is led by
    ``f3``, only screened (4 rows) at +- 0.3 (it would need 4 x (0.3 / 0.095)^2 = 40), so the
    second pass extends ``f3`` from its 4 screening rows (reused, not solved again) to 8
    (twice 4, and ``--sobol-base``), drawing nothing (the base matrices have 16 rows); then
    by ``f5`` at +- 0.3, but the limit (2 passes) is reached: no third pass, and its
    precision row says the passes ran out."""
    import sim.calibrate.analysis as analysis

    ledger = load_constraints()
    space = Space.of(ledger, SETTING.base, SETTING.fixed)
    factors = list(analysis.factor_columns(space.names))
    f0, f3, f5 = factors[0], factors[3], factors[5]
    real = analysis.sobol_table
    calls: list[int] = []

    def scripted(*args: object, **kwargs: object) -> Table:
        final = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(1)
        lead = {1: (f0, 0.2), 2: (f0, 0.2), 3: (f0, 0.05), 4: (f0, 0.05)}[len(calls)]
        align = {3: (f3, 0.3), 4: (f5, 0.3)}.get(len(calls), lead)

        def redo(table: Table) -> Table:
            out = {}
            for name, rows in table.items():
                f, conf = align if name == "exit to align" else lead
                out[name] = [r.model_copy(update={"ST": 0.9, "ST_conf": conf} if r.factor == f
                                          else {"ST": 0.1, "ST_conf": 0.01}) for r in rows]
            return out

        return redo(final)

    solved: list[np.ndarray] = []
    monkeypatch.setattr(analysis, "solve_calibrations", _recording(space, solved, _varying))
    monkeypatch.setattr(analysis, "sobol_table", scripted)
    options = analysis.AnalysisOptions(n=4, sobol_base=8, screen_base=4, max_base=16,
                                       passes=2, importance_n=0, knife_edges=False,
                                       sampler={"pilot": 2000, "burn_in": 20})  # fmt: skip
    result, _ = analysis.analyze(SETTING, ledger, options)
    assert len(calls) == 4 and all(result.sobol.values())
    assert result.sobol_leaders == [f0]
    assert [(p.extended, p.base, p.drawn) for p in result.sobol_passes] == [
        ({f0: 16}, 16, 16), ({f3: 8}, 16, 0)]
    rows = _check_passes(result, solved, space, options)
    assert rows[f0] == 16 and rows[f3] == 8 and rows[f5] == 4
    assert len(solved[3]) == 8 - 4  # f3's rows 4..7 only: its screening rows are reused
    assert result.sobol_extended == {f0: 16, f3: 8}
    assert result.n == 16 + 8  # the first draw's 16 and the first pass's 8 rows of A
    why = {p.answer: (p.factor, p.base, p.short_of_target) for p in result.sobol_precision}
    assert why["exit to align"] == (f5, 4, "passes")
    assert why["hedging ends"] == (f0, 16, None)
    made = sum(len(u) for u in solved)
    assert made <= analysis.solves_bound(options, factors=len(factors),
                                         answers=len(result.sobol), relaxed_sets=0, nudges=0)
    # the same analysis allowed one pass stops after the first: f3's alignment is left
    # short, and the passes ran out
    calls.clear()
    solved.clear()
    once, _ = analysis.analyze(SETTING, ledger, dataclasses.replace(options, passes=1))
    assert [p.extended for p in once.sobol_passes] == [{f0: 16}] and len(solved) == 3
    why = {p.answer: (p.factor, p.base, p.short_of_target) for p in once.sobol_precision}
    assert why["exit to align"] == (f3, 4, "passes")


def test_a_leader_short_of_the_target_says_why() -> None:
    """By hand: a covered leader that needs more rows than it rests on is short of the
    target because of the cap when it rests on ``max_base`` rows (or more), because of the
    passes otherwise; one at the target, and the raw value of ambiguity (not covered while
    its quantile is there), say nothing."""
    from sim.calibrate.analysis import AMBIGUITY, AMBIGUITY_QUANTILE, base_needed, short_of_target
    from sim.results.supported import SobolPrecision

    def p(answer: str, base: int, half: float) -> SobolPrecision:
        return SobolPrecision(answer=answer, factor="f", base=base, ST=0.5, half_width=half,
                              full_width=2 * half, base_needed=base_needed(base, half))

    got = short_of_target([p("hedging ends", 800, 0.11), p("exit to align", 160, 0.2),
                           p("collapse by", 640, 0.09), p(AMBIGUITY, 32, 0.9),
                           p(AMBIGUITY_QUANTILE, 437, 0.1)], 800)  # fmt: skip
    assert [q.short_of_target for q in got] == ["max base", "passes", None, None, None]


def test_the_third_stage_extends_only_what_misses_the_target_up_to_the_cap() -> None:
    """By hand, each extension aimed at ``EXTENSION_AIM`` (0.95) of the 0.1 target, so at
    ``base (half / 0.095)^2`` rows, and at most ``EXTENSION_GROWTH`` (2) times the factor's
    rows (or ``floor``, if more): an answer led by ``a`` at a half-width of 0.2 on 160 rows
    aims at ``160 (0.2 / 0.095)^2 = 709.1`` and is extended to 320, twice its rows (to 709
    with a cap of 800 and a floor of 800); one led by ``b`` at 0.05 needs 40 for the target,
    fewer than its 160 (no extension, whatever the aim); the raw value of ambiguity is not
    covered while its quantile is there (so its 0.9 does not extend ``c``); the quantile led
    by ``d``, a factor only screened on 32 rows, at 0.15 needs 72 for the target and aims at
    ``32 (0.15 / 0.095)^2 = 79.8``, 80: 64 (twice 32), or 80 with a floor of 160."""
    from sim.calibrate.analysis import AMBIGUITY, AMBIGUITY_QUANTILE, extension
    from sim.results.supported import SobolPrecision

    def p(answer: str, factor: str, base: int, half: float) -> SobolPrecision:
        from sim.calibrate.analysis import base_needed

        return SobolPrecision(answer=answer, factor=factor, base=base, ST=0.5, half_width=half,
                              full_width=2 * half, base_needed=base_needed(base, half))

    precision = [p("hedging ends", "a", 160, 0.2), p("collapse by", "b", 160, 0.05),
                 p(AMBIGUITY, "c", 160, 0.9), p(AMBIGUITY_QUANTILE, "d", 32, 0.15)]
    rows = {"a": 160, "b": 160, "c": 160, "d": 32}
    assert extension(precision, rows, 400) == {"a": 320, "d": 64}
    assert extension(precision, rows, 400, floor=160) == {"a": 320, "d": 80}
    assert extension(precision, rows, 800, floor=800) == {"a": 710, "d": 80}
    # a cap at a's rows leaves a; one below d's step stops d there
    assert extension(precision, rows, 160) == {"d": 64}
    assert extension(precision, rows, 50) == {"d": 50}


def test_the_ambiguity_quantile_is_the_supported_sets_distribution_function() -> None:
    """``F(y)``: the share of the supported values at most ``y`` (ties count in full, and
    values within ``QUANTILE_TIE`` (1e-9) of the largest magnitude, here 3, are ties), 0
    below all of them and 1 above; monotone, so Sobol indices of ``F(Y)`` rank factors by
    what orders the calibrations, and bounded."""
    from sim.calibrate.analysis import quantile_of

    f = quantile_of(np.array([3.0, 1.0, 2.0, 2.0]))
    got = f(np.array([0.0, 1.0, 1.5, 2.0, 3.0, 40.0]))
    np.testing.assert_array_equal(got, [0.0, 0.25, 0.25, 0.75, 1.0, 1.0])
    # a value equal to a supported one up to the last bits is that value (a tie), not the
    # one below: 2 - 4e-16 ranks with 2, and 2 - 1e-6 (above the 3e-9 tie) below it
    np.testing.assert_array_equal(f(np.array([2.0 - 4e-16, 1.0 - 1e-12, 2.0 - 1e-6])),
                                  [0.75, 0.25, 0.25])  # fmt: skip


def test_the_base_a_half_width_needs_scales_as_its_square() -> None:
    """``base (hw / 0.1)^2`` rounded up, by hand: 160 base rows at a half-width of 0.28
    need 160 x 2.8^2 = 1,254.4, so 1,255; 128 rows at exactly 0.1 need 128 (no row added
    by floating-point noise); 32 rows at 0.05 need 32 / 4 = 8; a target of 0.2 halves the
    ratio: 160 x 1.4^2 = 313.6, so 314."""
    from sim.calibrate.analysis import base_needed

    assert base_needed(160, 0.28) == 1255
    assert base_needed(128, 0.1) == 128
    assert base_needed(32, 0.05) == 8
    assert base_needed(160, 0.28, target=0.2) == 314
    assert base_needed(4, 0.0) == 1


def test_the_projected_solves_add_the_base_rows_and_each_factors_rows() -> None:
    """By hand, the default design after its refinement (1,339 solves, base matrices of 160
    rows, three leaders on 160 rows and a factor on the screening's 32) with the needs
    1,170, 330 and 230 of three leaders: 1,170 - 160 = 1,010 more rows of ``A`` solved (the
    base matrices grow; ``B``'s new rows are drawn, not solved) and 1,010 + 170 + 70 = 1,250
    mixed rows: 3,599. A need below the rows a factor rests on changes nothing; a screened
    factor adds its rows from 32, and A's rows beyond 160."""
    from sim.calibrate.analysis import projected_solves

    rows = {"capacity": 160, "patience": 160, "catching": 160, "priors": 32}
    need = {"capacity": 1170, "patience": 330, "catching": 230}
    assert projected_solves(1339, 160, rows, need) == 3599
    assert projected_solves(1339, 160, rows, {"capacity": 100}) == 1339
    assert projected_solves(1339, 160, rows, {"priors": 200}) == 1339 + 40 + 168


def test_the_precision_rows_and_the_projection_are_the_leading_rows_numbers() -> None:
    """Hand-made rows: each answer's precision row is its largest total index's (half-width,
    twice it, and ``base_needed``); the projection covers every answer but the raw value of
    ambiguity (its quantile is there), takes the largest base needed among them (0.3 on
    160 rows: 160 x 9 = 1,440), and its CPU is the measured CPU per solve times the
    projected solves (2 s over 4 solves: 0.5 s each)."""
    from sim.calibrate.analysis import (
        AMBIGUITY,
        AMBIGUITY_QUANTILE,
        projected_cpu,
        sobol_precision,
        sobol_projection,
    )
    from sim.calibrate.solving import SolveCost
    from sim.results.supported import SobolRow

    def row(factor: str, st: float, conf: float, base: int) -> SobolRow:
        return SobolRow(factor=factor, parameters=[], S1=0.0, S1_conf=0.0, ST=st,
                        ST_conf=conf, base=base)  # fmt: skip

    sobol = {"hedging ends": [row("a", 0.2, 0.5, 32), row("b", 0.6, 0.3, 160)],
             AMBIGUITY: [row("b", 0.9, 0.8, 160)], AMBIGUITY_QUANTILE: [row("c", 0.5, 0.1, 160)],
             "collapse by": []}  # fmt: skip
    precision = sobol_precision(sobol, 160)
    assert [(p.answer, p.factor, p.base, p.half_width, p.full_width, p.base_needed)
            for p in precision] == [("hedging ends", "b", 160, 0.3, 0.6, 1440),
                                    (AMBIGUITY, "b", 160, 0.8, 1.6, 10240),
                                    (AMBIGUITY_QUANTILE, "c", 160, 0.1, 0.2, 160)]  # fmt: skip
    proj = sobol_projection(precision, rows={"a": 32, "b": 160, "c": 160}, top=160,
                            solves=1000)  # fmt: skip
    assert proj is not None
    assert proj.answers == ["hedging ends", AMBIGUITY_QUANTILE] and proj.base == 1440
    # b to 1,440 rows (its need), and A's rows with it; c already has the 160 its
    # half-width of 0.1 needs
    assert proj.solves == 1000 + (1440 - 160) + (1440 - 160)
    # the CPU time is measured, so it is said, never written: 2 CPU s over 4 solves
    said = projected_cpu(proj, SolveCost(solved=4, cpu_seconds=2.0))
    assert said is not None and "0.500 CPU s a solve over the 4 solved" in said
    assert f"{0.5 * proj.solves / 60:,.1f} CPU minutes" in said
    assert projected_cpu(proj, SolveCost()) is None
    assert projected_cpu(None, SolveCost(1, 1.0)) is None


def test_the_solve_cost_counts_the_chunks_solved_not_those_resumed(tmp_path: Path) -> None:
    from sim.calibrate.solving import SolveCost

    cals = stack([Parameters(), Parameters(war_cost=6.0), Parameters(iran_aid=5.0)])
    first, again = SolveCost(), SolveCost()
    solve_calibrations(SETTING, cals, folder=tmp_path / "c", chunk_size=2, cost=first)
    solve_calibrations(SETTING, cals, folder=tmp_path / "c", chunk_size=2, cost=again)
    assert first.solved == 3 and first.cpu_seconds > 0
    assert first.per_solve() == pytest.approx(first.cpu_seconds / 3)
    assert again.solved == 0 and again.per_solve() is None


def test_a_nudge_past_a_bound_is_not_solved() -> None:
    """A parameter at its lower bound cannot move down: that nudge would solve the
    scenario's own calibration again, so it is left out, and every other nudge is listed
    with the parameter it moves (the one it differs in from the first row)."""
    from sim.article.parameters import SPEC
    from sim.calibrate.analysis import knife_edge_calibrations
    from sim.calibrate.solving import _matrix

    ledger = load_constraints()
    lo = SPEC["war_cost"].bounds[0]
    at_bound = dataclasses.replace(SETTING, base=Parameters(war_cost=lo))
    space = Space.of(ledger, SETTING.base)
    assert lo < SETTING.base.war_cost
    _, inside = knife_edge_calibrations(SETTING, space)
    cals, moved = knife_edge_calibrations(at_bound, space)
    rows = _matrix(cals)
    assert len(rows) == 1 + len(moved) == len(inside)
    assert inside.count("war_cost") == 2 and moved.count("war_cost") == 1
    names = list(PARAMETER_NAMES)
    for row, name in zip(rows[1:], moved, strict=True):
        assert [names[k] for k in np.flatnonzero(row != rows[0])] == [name]


def test_the_passes_take_runs_of_their_draws_each_chain_with_its_own_start() -> None:
    """:func:`sim.calibrate.analysis.take_rows` hands out the pools' rows in order, across
    pools, each piece a :meth:`sim.calibrate.sampler.Draws.rows` slice; a slice's chains keep
    the groups of their starts in the whole draw (chain ``c`` of a draw started at
    ``starts[c % S]``, group ``(c % S) % 2``, :func:`sim.calibrate.sampler.start_groups`),
    so the mixing and replication checks split a pass's rows as the whole draw's."""
    from sim.calibrate.analysis import take_rows
    from sim.calibrate.sampler import Draws, start_groups

    space = Space.of(load_constraints(), SETTING.base, SETTING.fixed)
    rng = np.random.default_rng(3)
    starts = rng.random((3, space.dim))  # an odd count: a shifted parity would differ

    def pool(n: int) -> Draws:
        return Draws(space, rng.random((n, space.dim)), "hit-and-run", 0.1, 10, 1,
                     burn_in=5, chains=n, starts=starts)  # fmt: skip

    pools, taken = [pool(7), pool(5)], [0, 0]
    first = take_rows(pools, taken, 4)
    second = take_rows(pools, taken, 6)  # 3 left of the first pool, then 3 of the second
    assert taken == [7, 3]
    got = np.concatenate([p.unit for p in first + second])
    np.testing.assert_array_equal(got, np.concatenate([pools[0].unit, pools[1].unit[:3]]))
    with pytest.raises(ValueError, match="more than the pools hold"):
        take_rows(pools, taken, 3)
    whole = start_groups(pools[0].unit, starts, 7)
    assert whole is not None
    at = 0
    for piece in first + second[:1]:
        split = start_groups(piece.unit, piece.starts, piece.chains, piece.first)  # type: ignore[arg-type]
        assert split is not None
        np.testing.assert_array_equal(split[1], whole[1][at:at + piece.chains])
        at += piece.chains
    assert at == 7
