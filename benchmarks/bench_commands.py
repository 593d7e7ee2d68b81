"""What the ``hedgesim`` commands cost, against importing numpy (and matplotlib) measured in
the same run (prints a table; not a test: nothing here fails on time).

Each command runs in a fresh interpreter; its cost is the CPU time (user + system) the child
process used, read from ``resource.getrusage(RUSAGE_CHILDREN)``, which load from other
processes on a shared machine disturbs far less than wall time (both are printed). Medians
over ``--repeats`` runs, the commands interleaved so slow spells hit all of them alike, after
one warm-up run of each (which writes the bytecode caches: ``PYTHONDONTWRITEBYTECODE`` is
dropped from the children's environment, as an installed copy has its caches).

- ``hedgesim --help`` and ``hedgesim validate scenarios/baseline.yaml`` against
  ``python -c "import numpy"`` (target: at most 3x);
- ``hedgesim figures figures/results.json`` (every PNG figure of the baseline's run and its
  analyses, and the report, from the files alone) against
  ``python -c "import numpy, matplotlib.pyplot"`` (target: at most 6x);
- ``hedgesim run scenarios/baseline.yaml`` with ``make run``'s options (Model 2 on the 5 x 3
  grid, 376 states, rules ``qre,inertia``, a two-point sustainability scan), with and without
  figures, for the record: ``--run-repeats`` times each (default 1: a run takes tens of
  seconds), after the quick commands.

Usage: ``python benchmarks/bench_commands.py [--repeats N] [--run-repeats N] [--tree PATH]
[--before PATH]``: ``--tree`` runs the commands of another checkout (e.g. the main branch);
``--before`` adds another checkout's ``hedgesim figures`` (on this tree's results file) to the
interleaved rounds, for a before/after comparison in the same run; ``--run-repeats 0`` skips
the runs. The load average at the start and at the end is printed with the table.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--run-repeats", type=int, default=1)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout whose figures command runs alongside")
    args = parser.parse_args()
    tree = args.tree.resolve()
    # Compiled bytecode is written and reused, as in an installed copy (an environment with
    # PYTHONDONTWRITEBYTECODE set would recompile every module of hedgesim on every start).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    py = sys.executable
    out = Path(tempfile.mkdtemp(prefix="hedgesim-bench-"))
    baseline = str(tree / "scenarios" / "baseline.yaml")
    cwd: dict[str, Path] = {}
    commands: dict[str, list[str]] = {
        "import numpy": [py, "-c", "import numpy"],
        "import numpy, matplotlib.pyplot": [py, "-c", "import numpy, matplotlib.pyplot"],
        "hedgesim --help": [py, "-m", "sim", "--help"],
        "hedgesim validate baseline": [py, "-m", "sim", "validate", baseline],
    }
    results = tree / "figures" / "results.json"
    if (tree / "sim" / "figures").is_dir():  # the command exists in this checkout
        commands["hedgesim figures figures/results.json"] = [
            py, "-m", "sim", "figures", str(results), "--out", str(out / "redrawn")]
    if args.before is not None:  # run from its folder: `-m` puts the working directory first
        name = f"hedgesim figures figures/results.json (before: {args.before})"
        commands[name] = [py, "-m", "sim", "figures", str(results), "--out",
                          str(out / "redrawn-before")]
        cwd[name] = args.before.resolve()
    make_run = ["--grid", "5x3", "--rules", "qre,inertia", "--sustainability", "2"]
    runs: dict[str, list[str]] = {} if args.run_repeats == 0 else {
        "hedgesim run baseline (make run's options) --no-figures": [
            py, "-m", "sim", "run", baseline, "--out", str(out / "run-data"), *make_run,
            "--no-figures"],
        "hedgesim run baseline (make run's options)": [
            py, "-m", "sim", "run", baseline, "--out", str(out / "run"), *make_run],
    }
    load_before = os.getloadavg()
    cpu: dict[str, list[float]] = {name: [] for name in [*commands, *runs]}
    wall: dict[str, list[float]] = {name: [] for name in [*commands, *runs]}
    envs = {name: env | {"PYTHONPATH": str(cwd[name])} for name in cwd}
    for name, argv in commands.items():  # warm the file cache once
        measure(argv, envs.get(name, env), cwd.get(name, tree))
    for _ in range(args.repeats):
        for name, argv in commands.items():
            c, w = measure(argv, envs.get(name, env), cwd.get(name, tree))
            cpu[name].append(c)
            wall[name].append(w)
    for _ in range(args.run_repeats):
        for name, argv in runs.items():
            c, w = measure(argv, env, tree)
            cpu[name].append(c)
            wall[name].append(w)
    commands.update(runs)
    med = {name: statistics.median(v) for name, v in cpu.items()}
    med_wall = {name: statistics.median(v) for name, v in wall.items()}
    against = {"hedgesim --help": ("import numpy", 3.0),
               "hedgesim validate baseline": ("import numpy", 3.0),
               **{name: ("import numpy, matplotlib.pyplot", 6.0) for name in commands
                  if name.startswith("hedgesim figures")}}
    load_after = os.getloadavg()
    print(f"tree: {tree}; median of {args.repeats} runs each ({args.run_repeats} of a run), "
          "CPU = user + system of the child")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.1f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.1f}' for x in load_after)}")
    print("| command | CPU s | wall s | ratio (CPU) | target |")
    print("| --- | --- | --- | --- | --- |")
    for name in commands:
        ratio, target = "", ""
        if name in against:
            ref, limit = against[name]
            ratio = f"{med[name] / med[ref]:.2f}x `{ref}`"
            target = f"<= {limit:g}x: {'met' if med[name] / med[ref] <= limit else 'missed'}"
        print(f"| `{name}` | {med[name]:.2f} | {med_wall[name]:.2f} | {ratio} | {target} |")


if __name__ == "__main__":
    main()
