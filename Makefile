# Langso — the front door. `make` alone lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/pytest

.DEFAULT_GOAL := help
.PHONY: help install run migrate seed test test-sqlite test-postgres e2e lint format bench messages clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' -v host='$(HOST)' -v port='$(PORT)' \
		'{gsub(/\$$\(HOST\)/, host, $$2); gsub(/\$$\(PORT\)/, port, $$2); printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv/ and install Langso with its tools

run: install migrate seed ## set up and serve the storefront with demo data at http://$(HOST):$(PORT)
	$(BIN)/langso serve --host $(HOST) --port $(PORT)

migrate: install ## apply the database migrations
	$(BIN)/langso migrate

seed: install ## load the demo data (idempotent)
	$(BIN)/langso seed

test: install ## run every test: SQLite, then PostgreSQL, then the browser tests
	$(PYTEST) --ignore=tests/e2e
	LANGSO_TEST_DATABASE=postgres $(PYTEST) --ignore=tests/e2e -m db
	$(MAKE) --no-print-directory e2e

test-sqlite: install ## the suite on SQLite only (no browser)
	$(PYTEST) --ignore=tests/e2e

test-postgres: install ## the database tests on PostgreSQL only
	LANGSO_TEST_DATABASE=postgres $(PYTEST) --ignore=tests/e2e -m db

e2e: install ## browser tests (Playwright + Debian chromium), in their own process
	LANGSO_E2E=1 $(PYTEST) tests/e2e

lint: install ## ruff and strict mypy on the packages
	$(BIN)/ruff check marketplace traceability storefront seeds tests benchmarks
	$(BIN)/ruff format --check marketplace traceability storefront seeds tests benchmarks
	$(BIN)/mypy

format: install ## reformat the code with ruff
	$(BIN)/ruff format marketplace traceability storefront seeds tests benchmarks
	$(BIN)/ruff check --fix marketplace traceability storefront seeds tests benchmarks

bench: install ## run the benchmarks (BENCH="search checkout" for some; BENCH_QUICK=1 shorter)
	$(BIN)/python -m benchmarks $(BENCH)

messages: install ## add new page strings to storefront/translations/en.po
	$(BIN)/python storefront/translations/update.py

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var
