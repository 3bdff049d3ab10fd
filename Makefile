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

# The SQLite suite and the PostgreSQL run of the database tests take a core each, side by side
# (their own temporary folders, PostgreSQL databases and Redis databases); each one's output is
# printed when both have ended, then the browser tests run.
TEST_LOGS := var/test-logs

test: install ## run every test: SQLite and PostgreSQL side by side, then the browser tests
	@mkdir -p $(TEST_LOGS)
	@echo "SQLite and PostgreSQL suites running side by side (logs in $(TEST_LOGS)/) ..."
	@$(PYTEST) --ignore=tests/e2e > $(TEST_LOGS)/sqlite.log 2>&1 & lite=$$!; \
	LANGSO_TEST_DATABASE=postgres LANGSO_TEST_REDIS_URL=redis://127.0.0.1:6379/13 LANGSO_TEST_SECURITY_REDIS_URL=redis://127.0.0.1:6379/12 \
		$(PYTEST) --ignore=tests/e2e -m db > $(TEST_LOGS)/postgres.log 2>&1; pg=$$?; \
	wait $$lite; lite=$$?; \
	echo "=== SQLite ==="; cat $(TEST_LOGS)/sqlite.log; \
	echo "=== PostgreSQL ==="; cat $(TEST_LOGS)/postgres.log; \
	test $$lite -eq 0 && test $$pg -eq 0
	$(MAKE) --no-print-directory e2e

test-sqlite: install ## the suite on SQLite only (no browser)
	$(PYTEST) --ignore=tests/e2e

test-postgres: install ## the database tests on PostgreSQL only
	LANGSO_TEST_DATABASE=postgres LANGSO_TEST_REDIS_URL=redis://127.0.0.1:6379/13 LANGSO_TEST_SECURITY_REDIS_URL=redis://127.0.0.1:6379/12 \
		$(PYTEST) --ignore=tests/e2e -m db

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
