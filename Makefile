# The two Quick start commands (README): `make demo` and `make test`. Each installs what it needs first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint

# A virtualenv with lineage-graph and its dev extras, rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Local Neo4j (Maven Central jars) + the sandbox seeded with a demo account -> sync -> three lookups, and the
# explorer left running at http://127.0.0.1:5000 (`lineage-graph serve --stop`, `lineage-graph neo4j stop`).
demo: install
	$(BIN)/lineage-graph demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Lint, then the whole suite against a real Neo4j (started by the tests) and the sandbox over HTTP.
test: lint
	scripts/install-chromium.sh
	$(BIN)/lineage-graph neo4j install
	$(BIN)/pytest
