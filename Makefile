# `make run` and `make test` work on a fresh clone with only Python 3.11+ and make installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs only what a run needs; `make test` adds the test tools,
# pygambit (compiled from source where it has no wheel) and dask.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint typecheck pytest bench clean

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
	$(BIN)/hedgesim run scenarios/baseline.yaml --out figures --analyses

test: $(TEST_STAMP)
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/mypy sim
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_pure_enumeration.py

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache .ruff_cache .hypothesis
