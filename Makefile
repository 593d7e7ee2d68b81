# `make run` and `make test` work on a fresh clone with only Python 3.11+ and make installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs only what a run needs; `make test` adds the test tools,
# pygambit (compiled from source where it has no wheel) and dask.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run analysis test lint typecheck pytest bench clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing hedgesim and what a run needs into $(VENV) (wheels only, about a minute)"
	$(BIN)/python -m pip install --progress-bar off -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing hedgesim with its test and dask extras into $(VENV). pygambit (the"
	@echo "cross-checks) has no wheel for every Python: then pip compiles it from source,"
	@echo "which takes about 10 minutes and needs a C++ compiler (g++ or clang++)."
	$(BIN)/python -m pip install --progress-bar off -e '.[test,dask]'
	# sgamesolver (the engine's cross-check) ships only as source and builds with Cython < 3
	# without build isolation; if it cannot be built, its tests skip and say why.
	$(BIN)/python -m pip install --quiet 'cython<3' wheel && \
	  $(BIN)/python -m pip install --quiet --no-build-isolation sgamesolver==1.0.2 || \
	  echo "sgamesolver could not be built: its cross-check tests will be skipped"
	touch $(TEST_STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	# Model 2 at a coarse grid (5 x 3: 376 states), two selection rules and a two-point
	# sustainability scan, so that it finishes in minutes until the engine is faster; the
	# scenario's own grid: drop --grid, --rules and --sustainability (docs/horizons.md)
	# with the committed analysis over the supported set (figures/analysis.json, written by
	# `make analysis`: too long for make run) as a section of the report
	$(BIN)/hedgesim run scenarios/baseline.yaml --out figures --grid 5x3 --rules qre,inertia --sustainability 2 \
	  --analysis figures/analysis.json
	# the shipped scenarios side by side (figures/compare/compare.html) and the explorer
	# of the baseline's sweep (figures/explorer/explorer.html; 3 x 3 runs), on a coarser
	# state grid than the run's to keep make run to minutes (the pages say which grid)
	$(BIN)/hedgesim compare scenarios/*.yaml --out figures/compare \
	  --grid 5x4 --rules qre,inertia --sustainability 0
	$(BIN)/hedgesim explore scenarios/baseline.yaml --num 3 --out figures/explorer \
	  --grid 5x4 --rules qre --no-robust --no-myopic --sustainability 0

# The answers over the set the article's claims support: the default hedgesim analyze (a
# three-stage Sobol design: every factor on 32 base samples, each answer's leading factor on
# 160, then up to eight passes, each extending the leaders still above a half-width of 0.1 to
# at most twice their rows, up to 1,600 base samples, whose first matrix's supported draws are
# solved and join the 320; claim importance from 32 draws per relaxed set, knife edges:
# 5,880 solves and 1,726 supported calibrations (rejection draws) in the committed run, on
# the 3 x 3 analysis grid, on two worker processes: 11.5 min on two idle cores, measured in
# docs/calibration.md),
# then committed as
# figures/analysis.json and make run again, whose report reads it.
# Resumable: finished chunks are kept under runs/baseline/supported/chunks/.
analysis: $(RUN_STAMP)
	$(BIN)/hedgesim analyze scenarios/baseline.yaml --seed 0 --executor processes \
	  --out runs/baseline/supported
	cp runs/baseline/supported/analysis.json figures/analysis.json
	$(MAKE) run

# The browser tests (the explorer, compare.html) drive Debian's Chromium; without it they
# skip and say so. Installed here where apt is available and we are root.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
	  echo "chromium could not be installed: the browser tests will be skipped"; \
	else \
	  echo "No chromium (install it: apt-get install -y chromium): the browser tests will be skipped"; \
	fi

test: $(TEST_STAMP) chromium
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/mypy sim
	$(BIN)/vulture sim --min-confidence 80
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_pure_enumeration.py

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache .ruff_cache .hypothesis
