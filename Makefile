# The front door for developers. `make serve` and `make test` are the two setup commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint fix bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)  ## serve on 127.0.0.1:8000 with embedded SQLite in ./dialbook-data
	$(BIN)/dialbook serve

test: $(STAMP)  ## the whole suite: lint, types, tests on SQLite (and PostgreSQL when one answers)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fix: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP)  ## the benchmark suite (not part of test): table + bench/results/<time>.json
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-quick: $(STAMP)  ## the benchmark harness on small sizes (about a minute)
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
