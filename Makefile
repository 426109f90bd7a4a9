# The front door for developers. `make serve` and `make test` are the two setup commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Serving needs the runtime dependencies only; testing, linting and benchmarks the dev ones.
RUNTIME := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed-dev

.PHONY: serve test test-fast lint fix bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: $(RUNTIME)  ## serve on 127.0.0.1:$(PORT) (make serve PORT=8001) with SQLite in ./dialbook-data
	$(BIN)/dialbook serve --port $(PORT)

test: $(STAMP)  ## the whole suite: lint, types, layers, tests on SQLite (and PostgreSQL when one answers)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n 2

test-fast: $(STAMP)  ## the tests without the slow process-level ones (servers, kill -9)
	$(BIN)/pytest -n 2 -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

fix: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP)  ## the benchmark suite (not part of test): table + bench/results/<time>.json
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-quick: $(STAMP)  ## the benchmark harness on small sizes (about a minute)
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
